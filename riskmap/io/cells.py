"""Text cells as Arrow arrays: the vectorised paths of reading (issue 13).

A CSV file is read by pyarrow into Arrow strings, and a Parquet file's text columns
arrive as Arrow strings too.  The rules of :mod:`riskmap.io.values`,
:mod:`riskmap.io.identifiers` and :mod:`riskmap.io.dates` are written per cell in
Python; applied to every one of a province's million cells they were most of the time
of reading.  The functions here apply the same rules with pyarrow's compute kernels
to the cells where those kernels give exactly what the Python rule gives (plain ASCII
codes, plain decimal numbers, ISO dates), and say which cells are left for the
Python rule: only those take it.  The tests hold each fast path to its Python rule on
cells chosen to tell them apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"
"""What Python's ``\\s`` matches among ASCII characters (RE2's ``\\s`` lacks \\x0b and \\x1c-\\x1f)."""

_PLAIN_NUMBER = r"^[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})$"
"""Decimal numbers that pyarrow's cast and pandas' ``to_numeric`` both read, to the same float
(at most 15 digits each side: no exponent, no overflow, no digits past a double's precision)."""

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def arrow_strings(values: Any) -> pa.Array | None:
    """A column of text (or None) as one Arrow string array, or None when it holds anything else.

    Accepts a pandas Series of an Arrow-backed string dtype, an object Series or array of
    ``str`` and ``None``, or an Arrow array.  A float NaN counts as missing only in a
    string-typed Series (pandas' own missing value there), never in an object column.
    """
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        array = values
    elif isinstance(values, pd.Series) and isinstance(values.dtype, (pd.StringDtype, pd.ArrowDtype)):
        array = pa.array(values.array) if isinstance(values.dtype, pd.ArrowDtype) else values.array.__arrow_array__()
    elif isinstance(values, pd.Series) and values.dtype != object:
        return None  # numbers, datetimes, categories: not text
    else:
        cells = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "empty"):
            return None  # bytes, numbers, dates, NaN ...: their own rules (one_text) apply
        try:
            array = pa.array(cells, type=pa.large_string(), from_pandas=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a number, a date ... : not a text column
            return None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    return array


def objects(array: pa.Array) -> np.ndarray:
    """An Arrow string array as an object array, None where null."""
    return array.to_numpy(zero_copy_only=False)


def mask(array: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False).astype(bool)


def normal_codes_fast(array: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """:func:`riskmap.io.identifiers.normal_code` of the ASCII cells; the rest are marked for the Python rule.

    On ASCII text NFKC changes nothing, Python's ``\\s`` is :data:`_ASCII_SPACE` and
    upper case is ASCII upper case, so the rule is three kernels.  Returns the codes
    (null where empty or left) and the positions left for the Python rule.
    """
    ascii_ = mask(pc.string_is_ascii(array))
    left = ~ascii_ & ~np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    text = pc.replace_substring_regex(array, _ASCII_SPACE + "+", "")
    upper = pc.ascii_upper(text)
    credit = mask(pc.match_substring_regex(upper, "^[0-9A-Z]{18}$"))
    codes = pc.if_else(pa.array(credit), upper, text)
    keep = ascii_ & mask(pc.not_equal(pc.binary_length(codes), 0))
    return pc.if_else(pa.array(keep), codes, pa.nulls(len(codes), codes.type)), np.flatnonzero(left)


def plain_numbers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Floats of the plain decimal cells (:data:`_PLAIN_NUMBER`); the other present cells are left.

    Returns the values (NaN where null or left) and a mask of the cells left for
    pandas' ``to_numeric`` (exponents, ``inf``, grouping, full-width digits, text).
    """
    plain = mask(pc.match_substring_regex(array, _PLAIN_NUMBER))
    present = ~np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    # Only the plain cells are cast ("." and "+." match no digit: the pattern asks for one).
    chosen = pc.if_else(pa.array(plain), array, pa.nulls(len(array), array.type))
    values = pc.cast(chosen, pa.float64()).to_numpy(zero_copy_only=False)
    return np.where(plain, values, np.nan), present & ~plain


def iso_dates(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``datetime64[ns]`` of the cells written ``YYYY-MM-DD`` exactly, a real day of 1900–2100.

    Returns the values (NaT elsewhere) and a mask of the cells taken.  The rest
    (other forms, impossible days, placeholders, years out of range) are left for
    :func:`riskmap.io.dates.parse_dates`' rules.
    """
    shaped = mask(pc.match_substring_regex(array, _ISO_DATE))
    chosen = pc.if_else(pa.array(shaped), array, pa.nulls(len(array), array.type))
    parsed = pc.strptime(chosen, format="%Y-%m-%d", unit="s", error_is_null=True)
    years = pc.year(parsed)
    # strptime rolls 2026-02-30 over to March; a day that prints back differently is not one.
    real = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), chosen)
    good = mask(pc.and_(real, pc.and_(pc.greater_equal(years, 1900), pc.less_equal(years, 2100))))
    values = parsed.to_numpy(zero_copy_only=False).astype("datetime64[ns]")
    values[~good] = np.datetime64("NaT")
    return values, good
