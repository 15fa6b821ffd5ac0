"""Language strings (中文 / English).

Every label a user reads comes from this package (tables in ``labels``, ``strings``
and ``messages``; the functions here): grade, sector, hazard and column labels and
the message templates of validation, the summary and the exports.  ``t(key, lang)``
looks a string up; a missing key falls back to the key itself so a gap shows.

Words that are kept before they are shown (the problems of validation, the reasons a
record was left unassigned) are :class:`Msg` values: a key of :data:`MESSAGES` and
its parameters, put into words by :meth:`Msg.render` in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from riskmap.i18n import alerts as _alerts
from riskmap.i18n import ledgers
from riskmap.i18n import pack as _pack
from riskmap.i18n import prints as _prints
from riskmap.i18n import views as _views
from riskmap.i18n.alerts import KIND_LABELS, LEVEL_LABELS
from riskmap.i18n.labels import (
    ACCIDENT_KIND_LABELS,
    COLUMN_LABELS,
    DATASET_LABELS,
    GRADE_LABELS,
    HAZARD_LEVEL_LABELS,
    HAZARD_STATUS_LABELS,
    LANGUAGES,
    METHOD_LABELS,
    SUPERVISION_LABELS,
)
from riskmap.i18n.messages import MESSAGES, PROBLEM_WORDS
from riskmap.i18n.strings import STRINGS
from riskmap.sectors import Sectors, default_sectors


def _merge(table: dict, more: dict, name: str) -> None:
    """Add a capability's own table to a shared one; a key may be defined once only."""
    taken = set(table) & set(more)
    if taken:
        raise KeyError(f"{name}: keys defined twice: {sorted(taken)}")
    table.update(more)


_merge(MESSAGES, ledgers.MESSAGES, "MESSAGES")
_merge(STRINGS, ledgers.STRINGS, "STRINGS")
_merge(COLUMN_LABELS, ledgers.COLUMN_LABELS, "COLUMN_LABELS")
_merge(MESSAGES, _alerts.MESSAGES, "MESSAGES")
_merge(STRINGS, _alerts.STRINGS, "STRINGS")
_merge(COLUMN_LABELS, _alerts.COLUMN_LABELS, "COLUMN_LABELS")
_merge(MESSAGES, _pack.MESSAGES, "MESSAGES")
_merge(STRINGS, _pack.STRINGS, "STRINGS")
_merge(MESSAGES, _views.MESSAGES, "MESSAGES")
_merge(STRINGS, _views.STRINGS, "STRINGS")
_merge(COLUMN_LABELS, _views.COLUMN_LABELS, "COLUMN_LABELS")
_merge(STRINGS, _prints.STRINGS, "STRINGS")


__all__ = [
    "ACCIDENT_KIND_LABELS", "COLUMN_LABELS", "DATASET_LABELS", "GRADE_LABELS", "HAZARD_LEVEL_LABELS",
    "HAZARD_STATUS_LABELS", "KIND_LABELS", "LANGUAGES", "LEVEL_LABELS", "METHOD_LABELS", "MESSAGES", "PROBLEM_WORDS",
    "STRINGS", "SUPERVISION_LABELS", "ColumnName", "DatasetName", "Msg", "Pair", "column_label",
    "grade_label", "label", "label_of", "message", "msg", "problem_word", "render", "sector_label", "t",
]


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def t(key: str, lang: str = "zh", **fmt) -> str:
    """Return the string ``key`` in ``lang``, formatted with ``fmt``."""
    pair = STRINGS.get(key) or COLUMN_LABELS.get(key)
    text = _pick(pair, lang) if pair else key
    return text.format(**fmt) if fmt else text


def grade_label(grade: str, lang: str = "zh") -> str:
    """Return the label of a grade key (``red`` → 重大风险 / major risk)."""
    return _pick(GRADE_LABELS[grade], lang) if grade in GRADE_LABELS else str(grade)


def sector_label(sector: str, lang: str = "zh", sectors: Sectors | None = None) -> str:
    """Return the label of a sector key (``coal_mine`` → 煤矿 / coal mines).

    ``sectors`` are the standard's (:attr:`riskmap.standard.Standard.sectors`); the
    default standard's when omitted.
    """
    return (sectors or default_sectors()).label(str(sector), lang)


def column_label(column: str, lang: str = "zh", *, both: bool = False) -> str:
    """Return the header of a canonical column.

    With ``both`` the canonical name and its Chinese label are given together
    (``county_code（区划代码）``), as the validation messages of a Chinese workspace
    quote them.
    """
    pair = COLUMN_LABELS.get(column)
    if pair is None:
        return column
    if both:
        return f"{column}（{pair[0]}）" if lang == "zh" else column
    return _pick(pair, lang)


def label(table: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """Return the label of ``key`` in one of the label tables of this module."""
    return _pick(table[key], lang) if key in table else str(key)


def problem_word(key: str, lang: str = "zh", **fmt) -> str:
    """Words of the problem report (``row 5`` / ``第 5 行``)."""
    return _pick(PROBLEM_WORDS[key], lang).format(**fmt)


def message(key: str, lang: str = "zh", **fmt) -> str:
    """Return the message template ``key`` in ``lang``, formatted with ``fmt``."""
    return _pick(MESSAGES[key], lang).format(**fmt)


def label_of(kind: str, value: Any, lang: str = "zh", *, sectors: Sectors | None = None) -> str:
    """The label of a coded value: ``label_of("sector", "coal_mine")`` → 煤矿.

    ``kind`` is one of ``grade``, ``sector`` (the labels of ``sectors``, the
    standard's), ``hazard_level``, ``hazard_status``, ``supervision``,
    ``accident_kind``, ``dataset``, ``method``, ``severity``, ``located_by``; anything
    else is shown as text.
    """
    if kind == "grade":
        return grade_label(str(value), lang)
    if kind == "sector":
        return sector_label(str(value), lang, sectors)
    table = _LABEL_TABLES.get(kind)
    return label(table, str(value), lang) if table is not None else str(value)


_LABEL_TABLES = {
    "hazard_level": HAZARD_LEVEL_LABELS,
    "hazard_status": HAZARD_STATUS_LABELS,
    "supervision": SUPERVISION_LABELS,
    "accident_kind": ACCIDENT_KIND_LABELS,
    "dataset": DATASET_LABELS,
    "method": METHOD_LABELS,
    "severity": ledgers.SEVERITY_LABELS,
    "located_by": ledgers.LOCATED_BY_LABELS,
    "warning_kind": KIND_LABELS,
    "warning_level": LEVEL_LABELS,
}


# ---------------------------------------------------------------------------
# Messages kept as data
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnName:
    """A canonical column in a message: ``county_code（区划代码）`` in Chinese, ``county_code`` in English."""

    column: str

    def render(self, lang: str = "zh") -> str:
        return column_label(self.column, lang, both=True)


@dataclass(frozen=True)
class DatasetName:
    """A dataset in a message: ``区县（counties）`` in Chinese, ``counties`` in English."""

    dataset: str

    def render(self, lang: str = "zh") -> str:
        return f"{label(DATASET_LABELS, self.dataset, 'zh')}（{self.dataset}）" if lang == "zh" else self.dataset


@dataclass(frozen=True)
class Pair:
    """Words given in both languages, as a message parameter: ``Pair(zh, en)``."""

    zh: str
    en: str

    def render(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Msg:
    """A message of :data:`MESSAGES` kept as data: its key and its parameters.

    Parameters may themselves be words to render (:class:`ColumnName`,
    :class:`DatasetName`, :class:`Pair`, another :class:`Msg`).  ``both`` marks a message found
    before the workspace language is known: it reads ``中文 / English`` in any language.
    """

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    both: bool = False

    def render(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        if self.both:
            return f"{self._words('zh')} / {self._words('en')}"
        return self._words(lang)

    def _words(self, lang: str) -> str:
        values = {name: (value.render(lang) if hasattr(value, "render") else value) for name, value in self.params}
        return message(self.key, lang, **values)

    def __str__(self) -> str:
        return self.render("zh")


def msg(key: str, *, both: bool = False, **params: Any) -> Msg:
    """A :class:`Msg` of ``key``; parameters that are not plain values are kept as text."""
    if key not in MESSAGES:
        raise KeyError(f"no message {key!r}")
    return Msg(key, tuple((name, _plain(value)) for name, value in params.items()), both)


def _plain(value: Any) -> Any:
    """A parameter as a plain value: numpy numbers as Python ones, objects as text."""
    if isinstance(value, (str, int, float, bool, type(None), Msg, ColumnName, DatasetName, Pair)):
        return value
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return str(value)


def render(text: str | Msg, lang: str = "zh") -> str:
    """Words in ``lang``: a :class:`Msg` rendered, plain text as it is."""
    return text.render(lang) if isinstance(text, Msg) else str(text)
