"""Dates as offices write them: parsed, range-checked, and never guessed.

Ledgers hold dates as ``2026-10-31``, ``2026/10/31``, ``2026.10.31``, ``2026.9.1``,
``2026年10月31日``, ``20261031``, Excel date cells or Excel day serials, sometimes with
full-width digits or a time of day.  :func:`parse_dates` reads all of them and says,
for every cell it cannot take, why:

* ``unreadable``: not a date at all;
* ``two_digit_year``: ``26-10-31`` (which century?);
* ``ambiguous``: ``03/04/2026`` (3 April or 4 March?);
* ``impossible``: ``2026-02-30``;
* ``out_of_range``: a year before 1900 or after 2100.

``9999-12-31`` (in any of the forms) is the usual "no deadline" placeholder: it is not
an error, and :attr:`ParsedDates.placeholder` marks it, so that a deadline column can
read it as "no deadline".  Everything returned is ``datetime64[ns]``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from riskmap.io import cells

YEAR_MIN, YEAR_MAX = 1900, 2100
"""Dates outside these years are an input error (pandas' nanoseconds end in 2262)."""

PLACEHOLDER_YEAR = 9999
"""``9999-12-31`` and the like: "no date" (a deadline that is not set)."""

PROBLEMS = ("unreadable", "two_digit_year", "ambiguous", "impossible", "out_of_range")

_TIME = r"(?:[\sT]+\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:[.,]\d+)?)?)?"
_YMD = rf"^(\d{{4}})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?{_TIME}$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
_YEAR_LAST = rf"^(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*(\d{{4}}){_TIME}$"
_TWO_DIGIT = rf"^(?:\d{{2}}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}\s*日?|\d{{1,2}}\s*[-/.]\s*\d{{1,2}}\s*[-/.]\s*\d{{2}}){_TIME}$"
_SERIAL_RANGE = (20000, 80000)  # Excel day serials, 1954 to 2119


@dataclass
class ParsedDates:
    """What :func:`parse_dates` found.

    Attributes
    ----------
    values
        ``datetime64[ns]``; NaT where a cell is empty, a placeholder or has a problem.
    problem
        None, or one of :data:`PROBLEMS`, per cell.
    placeholder
        True where the cell is the ``9999-12-31`` placeholder.
    """

    values: pd.Series
    problem: pd.Series
    placeholder: pd.Series


def _empty(n_index: pd.Index) -> ParsedDates:
    return ParsedDates(pd.Series(pd.NaT, index=n_index, dtype="datetime64[ns]"),
                       pd.Series(None, index=n_index, dtype=object), pd.Series(False, index=n_index))


def _from_parts(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates from integer parts: (datetime64[ns] values, problem codes, placeholder mask)."""
    n = len(year)
    problem = np.full(n, None, dtype=object)
    placeholder = year == PLACEHOLDER_YEAR
    out_of_range = ~placeholder & ((year < YEAR_MIN) | (year > YEAR_MAX))
    problem[out_of_range] = "out_of_range"
    ok = ~placeholder & ~out_of_range
    valid_month = (month >= 1) & (month <= 12)
    safe_month = np.where(valid_month, month, 1)
    first = (np.where(ok, year, 2000).astype("int64") - 1970) * 12 + (safe_month - 1)
    month_start = first.astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = ((first + 1).astype("datetime64[M]").astype("datetime64[D]") - month_start).astype(int)
    impossible = ok & (~valid_month | (day < 1) | (day > days_in_month))
    problem[impossible] = "impossible"
    ok &= ~impossible
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if ok.any():
        values[ok] = (month_start[ok] + (day[ok] - 1).astype("timedelta64[D]")).astype("datetime64[ns]")
    return values, problem, placeholder


def _parse_text(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse text cells (already stripped, none empty)."""
    n = len(text)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    problem = np.full(n, "unreadable", dtype=object)
    placeholder = np.zeros(n, dtype=bool)
    normal = text.map(lambda v: unicodedata.normalize("NFKC", v)).str.strip()

    def take(mask: np.ndarray, year, month, day) -> None:
        v, p, h = _from_parts(np.asarray(year, dtype="int64"), np.asarray(month, dtype="int64"), np.asarray(day, dtype="int64"))
        values[mask], problem[mask], placeholder[mask] = v, p, h

    left = np.ones(n, dtype=bool)
    for pattern in (_YMD, _COMPACT):
        parts = normal[left].str.extract(pattern)
        hit = parts[0].notna().to_numpy()
        if hit.any():
            rows = np.flatnonzero(left)[hit]
            sub = parts[hit].astype("int64")
            mask = np.zeros(n, dtype=bool)
            mask[rows] = True
            take(mask, sub[0].to_numpy(), sub[1].to_numpy(), sub[2].to_numpy())
            left[rows] = False
    if left.any():
        parts = normal[left].str.extract(_YEAR_LAST)
        hit = parts[0].notna().to_numpy()
        if hit.any():
            rows = np.flatnonzero(left)[hit]
            sub = parts[hit].astype("int64")
            a, b, y = sub[0].to_numpy(), sub[1].to_numpy(), sub[2].to_numpy()
            day_first = (a > 12) & (b <= 12)
            month_first = (b > 12) & (a <= 12)
            same = a == b
            clear = day_first | month_first | same
            mask = np.zeros(n, dtype=bool)
            mask[rows[clear]] = True
            take(mask, y[clear], np.where(day_first, b, a)[clear], np.where(day_first, a, b)[clear])
            problem[rows[~clear]] = "ambiguous"
            left[rows] = False
    if left.any():
        rest = normal[left]
        rows = np.flatnonzero(left)
        two = rest.str.fullmatch(_TWO_DIGIT).to_numpy(dtype=bool)
        problem[rows[two]] = "two_digit_year"
        serial = pd.to_numeric(rest, errors="coerce").to_numpy(dtype=float)
        is_serial = ~two & (serial >= _SERIAL_RANGE[0]) & (serial <= _SERIAL_RANGE[1])
        if is_serial.any():
            values[rows[is_serial]] = (np.datetime64("1899-12-30", "ns")
                                       + (serial[is_serial] * 86400e9).astype("timedelta64[ns]")).astype("datetime64[D]")
            problem[rows[is_serial]] = None
    return values, problem, placeholder


def _parse_objects(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse datetime/date objects (Excel date cells): their parts, range-checked."""
    year = np.array([v.year for v in cells], dtype="int64")
    month = np.array([v.month for v in cells], dtype="int64")
    day = np.array([v.day for v in cells], dtype="int64")
    values, problem, placeholder = _from_parts(year, month, day)
    # Keep a time of day given in the cell (the parts above dropped it).
    seconds = np.array([(v.hour * 3600 + v.minute * 60 + v.second) if isinstance(v, datetime) else 0 for v in cells])
    ok = ~pd.isna(values)
    values[ok] = values[ok] + (seconds[ok] * 1_000_000_000).astype("timedelta64[ns]")
    return values, problem, placeholder


def _parse_datetimes(stamps: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_parse_objects` of a datetime column's present cells, with numpy: the parts and the time of day."""
    parts = stamps.dt
    values, problem, placeholder = _from_parts(parts.year.to_numpy(dtype="int64"), parts.month.to_numpy(dtype="int64"),
                                               parts.day.to_numpy(dtype="int64"))
    seconds = (parts.hour.to_numpy(dtype="int64") * 3600 + parts.minute.to_numpy(dtype="int64") * 60
               + parts.second.to_numpy(dtype="int64"))
    ok = ~pd.isna(values)
    values[ok] = values[ok] + (seconds[ok] * 1_000_000_000).astype("timedelta64[ns]")
    return values, problem, placeholder


def parse_dates(series: pd.Series) -> ParsedDates:
    """Parse a column of dates as offices write them (see the module docstring).

    Parameters
    ----------
    series
        Text, Excel date cells (``datetime``), numbers (Excel serials, ``20261031``)
        or a datetime column of a Parquet or GeoPackage file.

    Returns
    -------
    ParsedDates
        ``values`` in ``datetime64[ns]`` with the problem of every cell it could not
        take; empty cells are NaT with no problem.

    Notes
    -----
    Text written ``YYYY-MM-DD`` is parsed by pyarrow
    (:func:`riskmap.io.cells.iso_dates`); only the other cells go through the rules.
    """
    array = cells.arrow_strings(series) if len(series) else None
    if array is None:
        return _parse_rules(series)
    fast, taken = cells.iso_dates(array)
    index = series.index
    if taken.all():
        return ParsedDates(pd.Series(fast, index=index), pd.Series(np.full(len(series), None, dtype=object), index=index),
                           pd.Series(False, index=index))
    rest = _parse_rules(series[~taken])
    problem = np.full(len(series), None, dtype=object)
    placeholder = np.zeros(len(series), dtype=bool)
    fast[~taken] = rest.values.to_numpy()
    problem[~taken] = rest.problem.to_numpy()
    placeholder[~taken] = rest.placeholder.to_numpy()
    return ParsedDates(pd.Series(fast, index=index), pd.Series(problem, index=index), pd.Series(placeholder, index=index))


def _parse_rules(series: pd.Series) -> ParsedDates:
    """:func:`parse_dates` cell by cell, by the rules of the module docstring."""
    index = series.index
    result = _empty(index)
    if len(series) == 0:
        return result
    values = result.values.to_numpy().copy()
    problem = result.problem.to_numpy().copy()
    placeholder = np.zeros(len(series), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        present = series.notna().to_numpy()
        naive = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        if present.any():
            values[present], problem[present], placeholder[present] = _parse_datetimes(naive[present])
        return ParsedDates(pd.Series(values, index=index), pd.Series(problem, index=index), pd.Series(placeholder, index=index))
    objects = series.astype(object).to_numpy()
    is_obj = np.array([isinstance(v, (datetime, date, pd.Timestamp)) and not pd.isna(v) for v in objects], dtype=bool)
    if is_obj.any():
        values[is_obj], problem[is_obj], placeholder[is_obj] = _parse_objects(pd.Series(objects[is_obj], dtype=object))
    is_num = np.array([isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                       and np.isfinite(v) for v in objects], dtype=bool) & ~is_obj
    if is_num.any():
        numbers = objects[is_num].astype(float)
        as_text = pd.Series([str(int(v)) if float(v).is_integer() else str(v) for v in numbers], dtype=object)
        values[is_num], problem[is_num], placeholder[is_num] = _parse_text(as_text)
    is_text = np.array([isinstance(v, str) and v.strip() != "" for v in objects], dtype=bool)
    if is_text.any():
        text = pd.Series(objects[is_text], dtype=object).str.strip()
        # Fast path: the ISO form most files use, parsed in C; only the rest go through the rules.
        fast = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").to_numpy()
        fast_years = pd.DatetimeIndex(fast).year.to_numpy(dtype=float, na_value=np.nan)
        quick = ~np.isnan(fast_years) & (fast_years >= YEAR_MIN) & (fast_years <= YEAR_MAX)
        rows = np.flatnonzero(is_text)
        values[rows[quick]] = fast[quick].astype("datetime64[ns]")
        problem[rows[quick]] = None
        if (~quick).any():
            slow = _parse_text(text[~quick].reset_index(drop=True))
            values[rows[~quick]], problem[rows[~quick]], placeholder[rows[~quick]] = slow
    other = ~is_obj & ~is_num & ~is_text & ~pd.isna(series).to_numpy() & ~np.array(
        [isinstance(v, str) for v in objects], dtype=bool)
    problem[other] = "unreadable"
    return ParsedDates(pd.Series(values, index=index), pd.Series(problem, index=index), pd.Series(placeholder, index=index))


def to_date(value) -> date | None:
    """One value (``as_of`` from riskmap.toml) as a date, or None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = parse_dates(pd.Series([value], dtype=object))
    if parsed.problem.iloc[0] is not None or pd.isna(parsed.values.iloc[0]):
        return None
    return parsed.values.iloc[0].date()
