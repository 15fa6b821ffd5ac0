"""The hazard lifecycle per period: found, rectified on time or late, closed, still open.

The work-safety programme asks that every hidden hazard move through find → rectify →
close (发现一处、整改一处、销号一处).  For each period (after the previous period end,
up to and including this one) and each county, :func:`lifecycle` counts:

* ``hazards_found``: found in the period (``found_date``);
* ``hazards_closed``: closed in the period (``closed_date``);
* ``closed_on_time``: of those, closed on or before their deadline (or without one);
* ``open``, ``overdue``: open, and open past the deadline, at the period end;
* ``mean_days_to_close``: the mean days from ``found_date`` to ``closed_date`` of the
  hazards closed in the period (empty when none was).

A hazard the ledger marks closed without a ``closed_date`` is never open in the
history and is not counted as closed in any period (when it was closed is unknown).
The whole region's figures count every hazard, with or without a county.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

LIFECYCLE_COLUMNS = ("hazards_found", "hazards_closed", "closed_on_time", "open", "overdue", "mean_days_to_close")
"""The lifecycle figures of a county (or the region) in a period."""


def _day(value: date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def period_figures(*, found: np.ndarray, closed: np.ndarray, deadline: np.ndarray, dated_close: np.ndarray,
                   is_open: np.ndarray, overdue: np.ndarray, start: date, end: date, group: np.ndarray,
                   n_groups: int) -> dict[str, np.ndarray]:
    """The lifecycle figures of one period, per group (county position; -1: in no group).

    Parameters
    ----------
    found, closed, deadline
        Day numbers of each hazard (missing ones after every day).
    dated_close
        Whether a hazard's closing has a date (a closed ledger row without one has not).
    is_open, overdue
        Each hazard's state at the period end.
    start, end
        The first and last day of the period.
    group, n_groups
        Each hazard's group and how many groups there are.
    """
    first, last = _day(start), _day(end)
    in_group = group >= 0
    positions = group[in_group]

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(positions, weights=mask[in_group].astype(float), minlength=n_groups).astype(int)

    found_in = (found >= first) & (found <= last)
    closed_in = dated_close & (closed >= first) & (closed <= last)
    on_time = closed_in & (closed <= deadline)
    days = np.where(closed_in, closed - np.where(closed_in, found, 0), 0).astype(float)
    n_closed = count(closed_in)
    total_days = np.bincount(positions, weights=days[in_group], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_closed > 0, total_days / np.maximum(n_closed, 1), np.nan)
    return {"hazards_found": count(found_in), "hazards_closed": n_closed, "closed_on_time": count(on_time),
            "open": count(is_open), "overdue": count(overdue), "mean_days_to_close": np.round(mean, 1)}


def lifecycle_frame(rows: list[dict[str, np.ndarray]], ends: list[date], keys: pd.DataFrame) -> pd.DataFrame:
    """Periods × groups of :func:`period_figures`, as a long table: ``period_end``, the key columns, the figures."""
    frames = []
    for end, figures in zip(ends, rows):
        frame = keys.reset_index(drop=True).copy()
        frame.insert(0, "period_end", end.isoformat())
        for column in LIFECYCLE_COLUMNS:
            frame[column] = figures[column]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["period_end", *keys.columns,
                                                                                      *LIFECYCLE_COLUMNS])
