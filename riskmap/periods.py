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


PERIOD_KINDS: tuple[str, ...] = ("month", "quarter")
"""The lengths of a history's periods."""

_MONTHS = {"month": 1, "quarter": 3}


def _month_end(year: int, month: int) -> date:
    """The last day of a month (``month`` may run past 12 or below 1)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_ends(as_of: date, count: int, kind: str = "month") -> list[date]:
    """The ends of the last ``count`` periods, oldest first; the last is ``as_of`` itself.

    A period ends on the last day of its month (of the quarter's last month, for
    quarters); the period holding ``as_of`` ends at ``as_of`` even when that is mid-month.

    Examples
    --------
    >>> period_ends(date(2026, 10, 31), 3)
    [datetime.date(2026, 8, 31), datetime.date(2026, 9, 30), datetime.date(2026, 10, 31)]
    >>> period_ends(date(2026, 10, 15), 2, "quarter")
    [datetime.date(2026, 9, 30), datetime.date(2026, 10, 15)]
    """
    if kind not in _MONTHS:
        raise ValueError(f"period {kind!r}; allowed: {', '.join(PERIOD_KINDS)}")
    if count < 1:
        raise ValueError(f"periods {count}: at least 1")
    step = _MONTHS[kind]
    # The month that closes the period holding as_of (a quarter closes in March, June, ...).
    closing = as_of.month + (-as_of.month) % step
    ends = [_month_end(as_of.year, closing - step * back) for back in range(count - 1, 0, -1)]
    return ends + [as_of]


def next_period_end(as_of: date, kind: str = "month") -> date:
    """The first period end after ``as_of`` on the calendar: the forecast's date.

    >>> next_period_end(date(2026, 10, 31))
    datetime.date(2026, 11, 30)
    >>> next_period_end(date(2026, 10, 15))
    datetime.date(2026, 10, 31)
    >>> next_period_end(date(2026, 10, 31), "quarter")
    datetime.date(2026, 12, 31)
    """
    if kind not in _MONTHS:
        raise ValueError(f"period {kind!r}; allowed: {', '.join(PERIOD_KINDS)}")
    step = _MONTHS[kind]
    closing = as_of.month + (-as_of.month) % step
    end = _month_end(as_of.year, closing)
    return end if end > as_of else _month_end(as_of.year, closing + step)


def is_period_end(day: date, kind: str = "month") -> bool:
    """Whether ``day`` is the last day of a month (of a quarter's last month)."""
    step = _MONTHS[kind]
    return day.month % step == 0 and day == _month_end(day.year, day.month)


def period_start(ends: list[date], index: int, kind: str = "month") -> date:
    """The first day of period ``index`` of ``ends`` (the day after the previous end)."""
    if index > 0:
        return ends[index - 1] + timedelta(days=1)
    step = _MONTHS[kind]
    end = ends[0]
    closing = end.month + (-end.month) % step
    return _month_end(end.year, closing - step) + timedelta(days=1)


def first_end_on_or_after(day: date, ends: list[date], kind: str = "month") -> date:
    """The first period end on or after ``day`` on the grid of ``ends`` (extended into the past).

    ``ends`` are a history's period ends (the last is ``as_of``); a day before them falls
    in an earlier period, whose end is the last day of its month (quarter).  A day after
    the last end gives the last end.

    >>> first_end_on_or_after(date(2026, 9, 12), [date(2026, 9, 30), date(2026, 10, 31)])
    datetime.date(2026, 9, 30)
    >>> first_end_on_or_after(date(2025, 2, 3), [date(2026, 9, 30), date(2026, 10, 31)])
    datetime.date(2025, 2, 28)
    """
    if day > ends[-1]:
        return ends[-1]
    if day > ends[0]:
        return next(end for end in ends if end >= day)
    step = _MONTHS[kind]
    closing = day.month + (-day.month) % step
    return min(_month_end(day.year, closing), ends[0])
