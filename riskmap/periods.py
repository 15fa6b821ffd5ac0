"""Calendar windows: "the N months up to ``as_of``" (DESIGN §6).

A window of N months up to a day T starts after the same calendar day N months
earlier (clipped to the month's last day, as :class:`pandas.DateOffset` does) and
includes T.  The pipeline counts accidents in such windows and the app's time filter
offers them, so both take the boundary from here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` months before ``day`` (2024-02-29 − 12 → 2023-02-28)."""
    return (pd.Timestamp(day) - pd.DateOffset(months=int(months))).date()


def window(as_of: date, months: int) -> tuple[date, date]:
    """The first and last day of the ``months`` months up to and including ``as_of``.

    Examples
    --------
    >>> window(date(2026, 10, 31), 12)
    (datetime.date(2025, 11, 1), datetime.date(2026, 10, 31))
    """
    return months_before(as_of, months) + timedelta(days=1), as_of


def in_window(days: pd.Series, as_of: date, months: int) -> pd.Series:
    """Whether each timestamp's day lies in the ``months`` months up to ``as_of``."""
    end = pd.Timestamp(as_of)
    start = pd.Timestamp(months_before(as_of, months))
    day = days.dt.normalize() if len(days) else days
    return (day > start) & (day <= end)
