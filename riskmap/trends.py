"""Rising accidents: monthly series per county and the two tests of ``accident_trend``.

A county's accidents (or deaths) are counted per month over the months up to a date
(month ``i`` of ``n``: after the same day ``n - i`` months earlier, up to and including
the same day ``n - i - 1`` months earlier, as the windows of :mod:`riskmap.periods`).
The rule (DESIGN §9, ``[warnings.accident_trend]``) fires when either test does:

* **Mann–Kendall**: over the last ``months`` months (12), the trend test of
  ``pymannkendall.original_test`` has p < ``p`` (0.05) and a positive statistic; its
  Sen slope (change per month) goes into the message;
* **a year earlier**: the last ``recent_months`` (3) hold at least ``1 + rise`` (1.5)
  times as many as the same months a year earlier, and at least ``min_increase`` (3)
  more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from riskmap.periods import months_before


def _day(value: date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def monthly(days: np.ndarray, group: np.ndarray, weights: np.ndarray, n_groups: int, as_of: date,
            months: int) -> np.ndarray:
    """Sums of ``weights`` per group and month over the ``months`` months up to ``as_of``: groups × months, oldest first.

    ``days`` are day numbers, ``group`` each record's group (-1: none).
    """
    edges = np.array([_day(months_before(as_of, back)) for back in range(months, -1, -1)])
    month = np.searchsorted(edges, days, side="left") - 1
    inside = (group >= 0) & (month >= 0) & (month < months)
    cell = group[inside] * months + month[inside]
    sums = np.bincount(cell, weights=np.asarray(weights, float)[inside], minlength=n_groups * months)
    return sums.reshape(n_groups, months)


@dataclass
class TrendTest:
    """The outcome of the two tests on one series.

    Attributes
    ----------
    fires
        Either test fired.
    rising, p, slope
        The Mann–Kendall test fired; its p-value and Sen slope (per month).
    jumped, recent, before
        The year-earlier test fired; the sums of the recent months and of the same
        months a year earlier.
    """

    fires: bool
    rising: bool
    p: float
    slope: float
    jumped: bool
    recent: float
    before: float


def series_length(rule: dict) -> int:
    """How many months a series must hold for both tests."""
    return max(int(rule["months"]), 12 + int(rule["recent_months"]))


def trend_test(series: np.ndarray, rule: dict, *, both: bool = True) -> TrendTest:
    """Both tests of the rule on one monthly series (oldest first, :func:`series_length` long).

    ``both=False``: when the year-earlier test fires, the Mann–Kendall test is not run
    (whether the rule fires is all that is asked).
    """
    import pymannkendall

    months, recent_months = int(rule["months"]), int(rule["recent_months"])
    window = np.asarray(series[-months:], dtype=float)
    p, slope, rising = 1.0, 0.0, False
    recent = float(np.sum(series[-recent_months:]))
    before = float(np.sum(series[-12 - recent_months:-12]))
    jumped = recent >= before * (1.0 + float(rule["rise"])) and recent - before >= float(rule["min_increase"]) \
        and recent > before
    if np.ptp(window) > 0 and (both or not jumped):
        result = pymannkendall.original_test(window, alpha=float(rule["p"]))
        p, slope = float(result.p), float(result.slope)
        rising = bool(p < float(rule["p"]) and result.s > 0)
    return TrendTest(rising or jumped, rising, p, slope, jumped, recent, before)
