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


def mann_kendall_screen(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mann–Kendall's S and two-sided p of each row of ``windows`` (series × months), all at once.

    The same integer S and tie-corrected variance as ``pymannkendall.original_test``
    (each tied value of count t adds t(t-1)(2t+5): summed over the series' values as
    (c-1)(2c+5), c the count of each value), and its normal p-value; used to choose the
    series worth the library's own test (:func:`trend_tests`).
    """
    from scipy.stats import norm

    x = np.asarray(windows, dtype=float)
    n = x.shape[1]
    pairs = x[:, None, :] - x[:, :, None]                       # [row, a, b] = x_b - x_a
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    s = np.sign(pairs[:, upper]).sum(axis=1)
    ties = (x[:, :, None] == x[:, None, :]).sum(axis=2)          # how often each value occurs in its row
    var_s = (n * (n - 1) * (2 * n + 5) - ((ties - 1) * (2 * ties + 5)).sum(axis=1)) / 18
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var_s), np.where(s < 0, (s + 1) / np.sqrt(var_s), 0.0))
    return s, 2 * (1 - norm.cdf(np.abs(np.nan_to_num(z))))


def trend_tests(series: np.ndarray, rule: dict, *, both: bool = True) -> list[TrendTest]:
    """:func:`trend_test` of each row of ``series`` (rows × :func:`series_length` months).

    ``pymannkendall.original_test`` runs only on the series whose S is positive and whose
    p (:func:`mann_kendall_screen`, with a margin for rounding) could be below the rule's
    ``p``: a nation's 2,875 counties, twelve period ends back, would otherwise cost
    thousands of calls.  Whether each fires, and the p and Sen slope of every rising
    series, are the library's; a series that cannot be rising gets p 1 and slope 0.
    """
    series = np.asarray(series, dtype=float).reshape(len(series), -1)
    months, recent_months, alpha = int(rule["months"]), int(rule["recent_months"]), float(rule["p"])
    recent = series[:, -recent_months:].sum(axis=1)
    before = series[:, -12 - recent_months:-12].sum(axis=1)
    jumped = (recent >= before * (1.0 + float(rule["rise"]))) & (recent - before >= float(rule["min_increase"])) \
        & (recent > before)
    s, p = mann_kendall_screen(series[:, -months:]) if len(series) else (np.zeros(0), np.zeros(0))
    maybe = (s > 0) & (p <= alpha * (1 + 1e-6) + 1e-12) & (both | ~jumped)
    return [trend_test(series[k], rule, both=both) if maybe[k] else
            TrendTest(bool(jumped[k]), False, 1.0, 0.0, bool(jumped[k]), float(recent[k]), float(before[k]))
            for k in range(len(series))]


class MonthlySums:
    """:func:`monthly` of one measure at many dates, from per-day running sums made once.

    The sums per group and day over the days the dates' series span, cumulated: a
    month's sum is the difference of two columns.  Exact for whole-number weights (the
    accidents, their deaths); any other weights are summed per date by :func:`monthly`.
    """

    def __init__(self, days: np.ndarray, group: np.ndarray, weights: np.ndarray, n_groups: int, dates: list[date],
                 months: int):
        self.days, self.group, self.weights = days, group, np.asarray(weights, float)
        self.n_groups, self.months = n_groups, months
        edges = np.concatenate([self._edges(d) for d in dates]) if dates else np.zeros(1, dtype=np.int64)
        self.first, span = int(edges.min()), int(edges.max() - edges.min()) + 1
        self.cumulative = None
        if np.all(self.weights == np.round(self.weights)) and n_groups * span <= 50_000_000:
            inside = (group >= 0) & (days >= self.first) & (days < self.first + span)
            cell = group[inside] * span + (days[inside] - self.first)
            sums = np.bincount(cell, weights=self.weights[inside], minlength=n_groups * span).reshape(n_groups, span)
            self.cumulative = np.cumsum(sums, axis=1)

    def _edges(self, as_of: date) -> np.ndarray:
        return np.array([_day(months_before(as_of, back)) for back in range(self.months, -1, -1)])

    def at(self, as_of: date) -> np.ndarray:
        """The same as ``monthly(days, group, weights, n_groups, as_of, months)``."""
        if self.cumulative is None:
            return monthly(self.days, self.group, self.weights, self.n_groups, as_of, self.months)
        columns = self._edges(as_of) - self.first
        return np.diff(self.cumulative[:, columns], axis=1)
