"""Values: text cells to numbers, dates, ids and choices, with their problems.

Every cell is read as text first (numbers stored as text, codes with leading zeros),
then parsed per column by one rule.  :class:`Checker` parses one dataset's columns
and logs a problem for each bad cell (file, row, column, value and what is allowed),
a bounded number per column.  The functions are vectorised by dtype: a province has
hundreds of thousands of rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from riskmap.errors import ProblemLog
from riskmap.i18n import ColumnName, Msg, msg
from riskmap.io import cells, dates
from riskmap.io.identifiers import credit_check_character, normal_codes
from riskmap.runtime import settings
from riskmap.schema import EMPTY

CONTROL_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
"""Invisible control characters (a vertical tab pasted from another program): they mean
nothing in a ledger and are not allowed in XML (DOCX, SVG), so text loses them."""


def one_text(value: Any) -> str | None:
    """One cell as stripped text, None when empty (140212.0 → '140212')."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    cell = re.sub(CONTROL_CHARACTERS, "", str(value)).strip()
    return None if cell.lower() in EMPTY else cell


def text(series: pd.Series) -> pd.Series:
    """Values as stripped text with empties as None (numbers like 140212.0 lose .0).

    Vectorised by dtype: text columns in Arrow (:func:`arrow_text`), float columns
    with numpy, datetimes as numpy prints them, anything else once per distinct value.
    The result is an object Series so that empties stay None (pandas 3 would infer a
    string dtype with NaN).
    """
    index = series.index
    if len(series) == 0:
        return pd.Series([], index=index, dtype=object)
    dtype = series.dtype
    if pd.api.types.is_float_dtype(dtype):
        return _float_text(series)
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
        return pd.Series(series.astype(str).to_numpy(dtype=object), index=index, dtype=object)
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return _datetime_text(series)
    array = arrow_text(series)
    if array is not None:
        return pd.Series(cells.objects(array), index=index, dtype=object)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):  # text with NaN for its empty cells
        stripped = series.astype(object).str.strip()
        if kind == "string" and stripped.str.contains(CONTROL_CHARACTERS, regex=True, na=False).any():
            stripped = stripped.str.replace(CONTROL_CHARACTERS, "", regex=True)
        empty = stripped.isna() | stripped.str.lower().isin(EMPTY)
        return pd.Series(np.where(empty.to_numpy(), None, stripped.to_numpy(dtype=object)), index=index, dtype=object)
    if "mixed" in kind or "bool" in kind:  # 1 == 1.0 == True would share one distinct value
        return pd.Series([one_text(v) for v in series.to_numpy(dtype=object)], index=index, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array([one_text(v) for v in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=index, dtype=object)  # code -1 picks the trailing None


def _spellings(word: str) -> set[str]:
    """Every upper/lower case spelling of ``word`` (``nan``, ``NaN``, ``NAN`` ...)."""
    spellings = {""}
    for character in word:
        spellings = {s + c for s in spellings for c in {character.lower(), character.upper()}}
    return spellings


# The cells whose lower case is in EMPTY, looked up as they are (no lower-casing of every
# cell): no character outside ASCII lower-cases to one of EMPTY's letters.
_EMPTY_ARROW = pa.array(sorted(set().union(*(_spellings(word) for word in EMPTY))), type=pa.large_string())


def arrow_text(series: pd.Series) -> pa.Array | None:
    """:func:`text` of a column of strings, as an Arrow array (null where empty); None if not all strings.

    Stripped as Python strips (Arrow's trim takes the same Unicode white space),
    control characters removed, the spellings of "empty" (:data:`riskmap.schema.EMPTY`)
    made null.
    """
    array = cells.arrow_strings(series)
    if array is None:
        return None
    stripped = pc.utf8_trim_whitespace(array)
    if pc.any(pc.match_substring_regex(stripped, CONTROL_CHARACTERS)).as_py():
        stripped = pc.replace_substring_regex(stripped, CONTROL_CHARACTERS, "")
    empty = pc.is_in(stripped, value_set=_EMPTY_ARROW.cast(stripped.type))
    return pc.if_else(empty, pa.nulls(len(stripped), stripped.type), stripped)


def _datetime_text(series: pd.Series) -> pd.Series:
    """A datetime column as ``str(Timestamp)`` prints each cell (``2025-05-08 13:20:00``), None where NaT."""
    values = series.to_numpy()
    present = ~np.isnat(values)
    whole = values[present].astype("datetime64[s]")
    if (whole != values[present]).any():  # fractions of a second: as pandas prints them
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        mapped = np.array([one_text(v) for v in uniques] + [None], dtype=object)
        return pd.Series(mapped[codes], index=series.index, dtype=object)
    out = np.full(len(values), None, dtype=object)
    years = whole.astype("datetime64[Y]").astype("int64") + 1970
    if len(whole) and (years.min() < 1000 or years.max() > 9999):  # printed with fewer or more digits
        out[present] = [one_text(v) for v in series[present]]
    else:
        out[present] = cells.objects(pc.strftime(pa.array(whole), format="%Y-%m-%d %H:%M:%S"))
    return pd.Series(out, index=series.index, dtype=object)


def _float_text(series: pd.Series) -> pd.Series:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(values), None, dtype=object)
    present = ~np.isnan(values)
    with np.errstate(invalid="ignore"):  # inf % 1 is NaN, and not integral
        integral = present & np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 2 ** 53)
    out[integral] = values[integral].astype(np.int64).astype(str)
    rest = present & ~integral
    out[rest] = values[rest].astype(str)
    return pd.Series(out, index=series.index, dtype=object)


def integer_text(value: str) -> str | None:
    """'3.0' → '3' (a level written by a program that stores every number as a float)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return str(int(number)) if np.isfinite(number) and number.is_integer() else None


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_numbers(raw: pd.Series, *, array: pa.Array | None = None) -> pd.Series:
    """Numbers from text cells: also full-width digits (１１３．０５) and 1,200-style grouping.

    Plain decimals are cast by pyarrow (:func:`riskmap.io.cells.plain_numbers`), the
    other cells by pandas' ``to_numeric`` and the rules below.  ``array`` is ``raw`` as
    Arrow, when the caller has it.
    """
    if array is None and len(raw):
        array = cells.arrow_strings(raw)
    if array is None:
        return _parse_numbers_python(raw)
    values, left = cells.plain_numbers(array)
    if left.any():
        values[left] = _parse_numbers_python(raw[left]).to_numpy()
    return pd.Series(values, index=raw.index, dtype=float)


def _parse_numbers_python(raw: pd.Series) -> pd.Series:
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    retry = raw.notna() & values.isna()
    if retry.any():
        def fix(cell: str) -> str:
            cell = unicodedata.normalize("NFKC", str(cell)).replace("，", ",").strip().rstrip("°").strip()
            return cell.replace(",", "") if _GROUPED.fullmatch(cell) else cell
        values[retry] = pd.to_numeric(raw[retry].map(fix), errors="coerce").astype(float)
    return values


def numbers(series: pd.Series) -> pd.Series:
    """A column as numbers (NaN where empty or unreadable), with no problems logged."""
    return parse_numbers(text(series))


MessageFor = Callable[[str | None], Msg]


class Checker:
    """Parses one dataset's columns and logs a problem per bad cell (bounded per column).

    Parameters
    ----------
    file
        The file name, for messages.
    unit
        What a row is (``row``, ``feature``, ``record``).
    rows
        The row number of each frame row, as messages give it.
    lang
        The workspace language.
    log
        Where problems go.
    """

    def __init__(self, file: str, unit: str, rows: pd.Series, lang: str, log: ProblemLog):
        self.file, self.unit, self.rows, self.lang, self.log = file, unit, rows, lang, log
        self._texts: dict[str, pd.Series] = {}
        self._arrows: dict[str, pa.Array] = {}  # the same texts as Arrow arrays, where the column is text
        self._datetimes: dict[str, pd.Series] = {}  # datetime columns read by dates(), printed only where quoted
        # Every row an error was found in (row number → column), also past the per-column limit of
        # messages: what leaving bad rows out (riskmap.io.skipping) leaves out.
        self.flagged: dict[int, str] = {}

    def text(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """The column as text (see :func:`text`), computed once per column."""
        if column not in self._texts:
            array = arrow_text(frame[column]) if column in frame else None
            if array is not None:
                self._arrows[column] = array
                self._texts[column] = pd.Series(cells.objects(array), index=frame.index, dtype=object)
            else:
                self._texts[column] = (text(frame[column]) if column in frame
                                       else pd.Series([None] * len(frame), index=frame.index, dtype=object))
        return self._texts[column]

    def arrow(self, column: str) -> pa.Array | None:
        """The text of a column read with :meth:`text`, as Arrow (None when it was not a text column)."""
        return self._arrows.get(column)

    def forget(self, column: str) -> None:
        """Drop the text of a column (its cells were changed: it is read again)."""
        self._texts.pop(column, None)
        self._arrows.pop(column, None)

    def report(self, severity: str, column: str, mask, make_message: MessageFor | pd.Series,
               values: pd.Series | None = None) -> None:
        """Log one problem per row where ``mask`` holds (at most a bounded number).

        ``make_message(value)`` gets the offending value as text (or None) and returns
        the :class:`~riskmap.i18n.Msg`; it may instead be a Series of them by row label.
        """
        mask = pd.Series(np.asarray(mask, dtype=bool), index=self.rows.index) if not isinstance(mask, pd.Series) else mask.astype(bool)
        index = mask[mask].index
        if severity == "error" and len(index):
            for row in self.rows[index].astype(int):
                self.flagged.setdefault(int(row), column)
        limit = settings.max_problems_per_column
        for position, row_label in enumerate(index):
            if position == limit:
                self.log.add(severity, self.file, msg("more_rows", n=len(index) - limit), column=column)
                break
            value = None if values is None else values.get(row_label)
            value_text = None if value is None else str(value)
            words = make_message[row_label] if isinstance(make_message, pd.Series) else make_message(value_text)
            self.log.add(severity, self.file, words, row=int(self.rows[row_label]), column=column,
                         value=value_text, unit=self.unit)

    def numbers(self, frame: pd.DataFrame, column: str, *, allowed: str | None = None, low=None, high=None,
                choices: tuple[float, ...] | None = None) -> pd.Series:
        """Numbers of a column; unreadable ones and those out of range are errors."""
        raw = self.text(frame, column)
        col = ColumnName(column)
        if pd.api.types.is_numeric_dtype(frame[column].dtype) and not pd.api.types.is_bool_dtype(frame[column].dtype):
            values = frame[column].astype(float)
        else:
            values = parse_numbers(raw, array=self.arrow(column))
        self.report("error", column, raw.notna() & values.isna(), lambda v: msg("bad_number", col=col, value=v), raw)
        infinite = values.notna() & ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():  # inf, -inf, 1e999: never a count, a factor or a coordinate
            self.report("error", column, infinite, lambda v: msg("not_finite", col=col, value=v),
                        raw.where(raw.notna(), values.astype(str)))
            values = values.where(~infinite)
        if choices is not None:
            allowed_values = np.asarray(choices, dtype=float)
            numbers_ = values.to_numpy(float)
            present = ~np.isnan(numbers_)
            known = np.zeros(len(values), dtype=bool)
            if len(allowed_values):  # compared where there is a number (a factor is given for a few rows)
                known[present] = np.isclose(numbers_[present, None], allowed_values[None, :], rtol=1e-9,
                                            atol=1e-12).any(axis=1)
            wrong = values.notna() & ~pd.Series(known, index=values.index)
            words = allowed or ", ".join(f"{c:g}" for c in choices)
            self.report("error", column, wrong, lambda v: msg("out_of_range", col=col, value=v, allowed=words), raw)
        elif low is not None or high is not None:
            wrong = values.notna() & ((values < (low if low is not None else -np.inf)) | (values > (high if high is not None else np.inf)))
            self.report("error", column, wrong,
                        lambda v: msg("out_of_range", col=col, value=v, allowed=allowed or f"{low}–{high}"), raw)
        return values

    def choice(self, frame: pd.DataFrame, column: str, vocabulary: dict[str, Any], allowed: str | Msg, *,
               default: Any = None, required: bool = False, table: str = "", example: str = "",
               no_value: Any = None) -> pd.Series:
        """Keys of a column's spellings; an unknown spelling is an error, reported once per value.

        ``vocabulary`` maps lower-cased spellings to keys (the built-in ones and the
        dataset's local words); a spelling mapped to ``no_value`` means "none" (无 for a
        major hazard installation).  The message of an unknown value gives its count,
        its first rows and the line of ``[table]`` (``datasets.X.values``) that would
        map it, with ``example`` as the key.
        """
        raw = self.text(frame, column)
        col = ColumnName(column)

        def find(value: str | None):
            if not isinstance(value, str):
                return None
            for key in (value.lower(), value.replace(" ", "").lower(), unicodedata.normalize("NFKC", value).lower(),
                        integer_text(value)):
                if key is not None and key in vocabulary:
                    return vocabulary[key]
            return None

        codes, uniques = pd.factorize(raw, use_na_sentinel=True)  # look each distinct spelling up once
        found = np.array([find(v) for v in uniques] + [None], dtype=object)
        unknown_code = np.array([found[k] is None for k in range(len(uniques))] + [False], dtype=bool)
        if no_value is not None:
            found = np.array([None if f is no_value else f for f in found], dtype=object)
        values = pd.Series(found[codes], index=raw.index, dtype=object)
        self._report_unknown(column, raw, codes, uniques, unknown_code, allowed, table, example)
        if required:
            self.report("error", column, raw.isna(), lambda v: msg("empty_required", col=col))
        filled = values.where(values.notna() | ~raw.isna(), default) if default is not None else values
        return filled.astype(object)

    def _report_unknown(self, column: str, raw: pd.Series, codes: np.ndarray, uniques, unknown_code: np.ndarray,
                        allowed: str | Msg, table: str, example: str) -> None:
        """One error per unknown spelling: its first row, how many rows, the TOML line that maps it."""
        from riskmap.io.localwords import toml_line  # values stand below the local words' checks

        col = ColumnName(column)
        rows = self.rows.to_numpy()
        for code in np.flatnonzero(unknown_code[:-1]):
            at = np.flatnonzero(codes == code)
            shown = "、".join(str(int(r)) for r in rows[at[:5]]) + ("…" if len(at) > 5 else "")
            value = str(uniques[code])
            for row in rows[at]:
                self.flagged.setdefault(int(row), column)
            self.log.add("error", self.file, msg("unknown_value", col=col, value=value, count=len(at), rows=shown,
                                                 allowed=allowed, table=table, line=toml_line(column, value, example),
                                                 example=example),
                         row=int(rows[at[0]]), column=column, value=value, unit=self.unit)

    def dates(self, frame: pd.DataFrame, column: str, *, required: bool = False,
              placeholder_means_none: bool = False) -> pd.Series:
        """Dates of a column (:func:`riskmap.io.dates.parse_dates`), each problem reported.

        ``placeholder_means_none``: ``9999-12-31`` is "no date" (a deadline not set);
        elsewhere it is out of range.
        """
        if column not in frame:
            return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        series = frame[column]
        parsed = dates.parse_dates(series)
        if pd.api.types.is_datetime64_any_dtype(series.dtype) and column not in self._texts:
            # A datetime column (Parquet, GeoPackage) is printed only where a message quotes it.
            self._datetimes[column] = series
            present = series.notna()
        else:
            present = self.text(frame, column).notna()
        col = ColumnName(column)
        problem = parsed.problem.where(~parsed.placeholder, None if placeholder_means_none else "out_of_range")
        for code, key in (("unreadable", "bad_date"), ("impossible", "date_impossible"), ("ambiguous", "date_ambiguous"),
                          ("two_digit_year", "date_two_digit_year"),
                          ("out_of_range", "deadline_out_of_range" if placeholder_means_none else "date_out_of_range")):
            wrong = present & (problem == code)
            self.report("error", column, wrong, lambda v, key=key: msg(key, col=col, value=v), self._quoted(column, wrong))
        if required:
            self.report("error", column, ~present, lambda v: msg("empty_required", col=col))
        return parsed.values

    def ids(self, frame: pd.DataFrame, column: str, *, versions: pd.Series | None = None) -> pd.Series:
        """Identifiers of a column, normalised (:func:`~riskmap.io.identifiers.normal_codes`); empty and repeated
        ones are errors.

        ``versions`` (an enterprise's ``valid_from``, parsed) lets an id repeat once per
        version: then a repeated (id, version) pair is the error.
        """
        values = normal_codes(self.text(frame, column), array=self.arrow(column))
        col = ColumnName(column)
        self.report("error", column, values.isna(), lambda v: msg("empty_id", col=col))
        if versions is not None:
            self._repeated_versions(values, versions, column)
            return values
        duplicated = values.notna() & values.duplicated(keep="first")
        if duplicated.any():
            first_row = {}
            for row_label, value in values[values.notna()].items():
                first_row.setdefault(value, int(self.rows[row_label]))
            self.report("error", column, duplicated,
                        lambda v: msg("duplicate_id", col=col, value=v, first=first_row.get(v)), values)
        return values

    def _repeated_versions(self, values: pd.Series, versions: pd.Series, column: str) -> None:
        pairs = pd.DataFrame({"id": values, "version": versions.dt.normalize()})
        duplicated = values.notna() & pairs.duplicated(keep="first")
        if duplicated.any():
            first = {key: int(self.rows[label]) for label, key in
                     zip(pairs.index[::-1], zip(pairs["id"][::-1], pairs["version"][::-1]))}
            shown = versions.dt.strftime("%Y-%m-%d").fillna("—")
            words = pd.Series([msg("snapshot_duplicate", col=ColumnName(column), value=v, date=d, first=first.get((v, k)))
                               for v, d, k in zip(values, shown, pairs["version"])], index=values.index)
            self.report("error", column, duplicated, words, values)

    def credit_codes(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Credit codes, normalised; a wrong one is a warning (the record is kept).

        An 18-character code must be of the code's 31 characters and end in its check
        character (GB 32100-2015); a code of 16–20 characters other than 18 is taken for
        a mistyped one.  Shorter or longer texts are a ledger's own IDs and left alone.
        """
        values = normal_codes(self.text(frame, column), array=self.arrow(column)) if column in frame else pd.Series(None, index=frame.index, dtype=object)
        length = values.str.len().fillna(0).astype(int)
        checked = values.notna() & (length == 18)
        digit = values.where(checked).map(lambda v: credit_check_character(v[:17]), na_action="ignore")
        shape = (values.notna() & length.between(16, 20) & (length != 18)) | (checked & digit.isna())
        self.report("warning", column, shape, lambda v: msg("credit_code_shape", value=v), values)
        wrong = checked & digit.notna() & (digit != values.str[17])
        self.report("warning", column, wrong,
                    lambda v: msg("credit_code_check", value=v, expected=credit_check_character(v[:17])), values)
        return values

    def after(self, values: pd.Series, column: str, day: Any) -> None:
        """Dates after ``day`` (the workspace's ``as_of``) are a warning naming each row."""
        if day is None or (column not in self._texts and column not in self._datetimes):
            return
        late = values.notna() & (values.dt.normalize() > pd.Timestamp(day))
        self.report("warning", column, late, lambda v: msg("date_after_as_of", col=ColumnName(column), value=v,
                                                           as_of=pd.Timestamp(day).date().isoformat()),
                    self._quoted(column, late))

    def _quoted(self, column: str, wrong: pd.Series) -> pd.Series | None:
        """The text of a column's cells where ``wrong`` holds, for messages (a datetime column printed only there)."""
        if column in self._texts:
            return self._texts[column]
        if not wrong.any():
            return None
        return text(self._datetimes[column][wrong])

    def names(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Text of a required column; an empty cell is an error."""
        values = text(frame[column])
        self.report("error", column, values.isna(), lambda v: msg("empty_required", col=ColumnName(column)))
        return values
