"""Identifiers as offices type them: credit codes and enterprise names, normalised.

A ledger's 统一社会信用代码 (unified social credit code, GB 32100-2015) arrives with
spaces, in lower case or in full-width characters (``９１１４０２…``);
:func:`normal_code` makes one spelling of it, and :func:`credit_code_valid` checks
its check digit.  A hazard or accident that names its enterprise only by name is
linked by :func:`normal_name`: the same name typed with full-width brackets, spaces or
another case is the same enterprise.  Everything is vectorised over a column.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa

from riskmap.io import cells

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a credit code (GB 32100-2015: no I, O, S, V, Z)."""

CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
"""Weights of the first 17 characters: 3^i mod 31 (1, 3, 9, 27, 19, 26, ...)."""

_CREDIT_SHAPE = re.compile(r"[0-9A-Z]{18}")
_SPACES = re.compile(r"\s+")


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def normal_code(value: str | None) -> str | None:
    """An identifier as it is compared: half-width, no spaces; a credit code in upper case.

    Only an 18-character code of letters and digits is put in upper case (a credit
    code); other identifiers keep their case, since ``e1`` and ``E1`` may be two
    enterprises of a ledger.
    """
    if value is None:
        return None
    text = _SPACES.sub("", _nfkc(str(value)))
    if not text:
        return None
    upper = text.upper()
    return upper if _CREDIT_SHAPE.fullmatch(upper) else text


def normal_codes(series: pd.Series, *, array: pa.Array | None = None) -> pd.Series:
    """:func:`normal_code` of a column: ASCII text in Arrow (:mod:`riskmap.io.cells`), the rest each distinct value once.

    ``array`` is ``series`` as Arrow, when the caller has it.
    """
    if array is None and len(series):
        array = cells.arrow_strings(series)
    if array is not None:
        fast, left = cells.normal_codes_fast(array)
        out = cells.objects(fast)
        if len(left):
            out[left] = _normal_codes_python(pd.Series(cells.objects(array.take(pa.array(left))), dtype=object))
        return pd.Series(out, index=series.index, dtype=object)
    return pd.Series(_normal_codes_python(series), index=series.index, dtype=object)


def _normal_codes_python(series: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    mapped = np.array([normal_code(v) for v in uniques] + [None], dtype=object)
    return mapped[codes]


def looks_like_credit_code(value: str | None) -> bool:
    """An 18-character code of letters and digits (after :func:`normal_code`)."""
    return value is not None and _CREDIT_SHAPE.fullmatch(value) is not None


def credit_check_character(code17: str) -> str | None:
    """The check character of the first 17 characters of a credit code (None if not code characters)."""
    try:
        total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(code17, CREDIT_WEIGHTS))
    except ValueError:
        return None
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_valid(code: str) -> bool:
    """Whether an 18-character credit code's last character is its check character."""
    return len(code) == 18 and credit_check_character(code[:17]) == code[17]


def normal_name(value: str | None) -> str | None:
    """A name as names are compared: half-width, no spaces, brackets alike, case-folded."""
    if value is None:
        return None
    text = _SPACES.sub("", _nfkc(str(value))).casefold()
    return text.replace("〔", "(").replace("〕", ")").replace("[", "(").replace("]", ")") or None


def normal_names(series: pd.Series) -> pd.Series:
    """:func:`normal_name` of a column (each distinct value once)."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    mapped = np.array([normal_name(v) for v in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=series.index, dtype=object)
