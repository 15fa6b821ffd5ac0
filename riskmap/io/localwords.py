"""Local words: a dataset's own spellings of coded values, mapped once in ``riskmap.toml``.

Offices write statuses, levels and sectors their own way (待复查, 冶金, 烟花爆竹).  A
dataset may map them::

    [datasets.enterprises.values]
    sector = { "烟花爆竹" = "other", "冶金" = "industry_trade" }
    [datasets.hazards.values]
    status = { "待复查" = "rectifying" }

for any coded column (``sector``, ``level``, ``status``, ``supervision``,
``major_hazard_level``, ``kind``).  A target may be a key or any spelling the column
already knows (``"已销号"``); ``major_hazard_level`` also takes ``"none"`` (no major
hazard installation).  :func:`local_words` checks the tables; :func:`toml_line` writes
the line that would map an unknown value, for the message that reports it.
"""

from __future__ import annotations

import json
from typing import Any

from riskmap.errors import ProblemLog
from riskmap.i18n import msg
from riskmap.schema import DATASETS, VOCABULARIES

NO_VALUE = object()
"""What a spelling maps to when it means "none" (无 / 否 / 0 for a major hazard installation)."""

KEYS: dict[str, tuple[str, ...]] = {
    "hazard_level": ("general", "major"),
    "hazard_status": ("open", "rectifying", "closed"),
    "supervision": ("none", "county", "city", "province"),
    "accident_kind": ("traffic", "production"),
    "major_hazard_level": ("1", "2", "3", "4", "none"),
}
"""The keys of each vocabulary but ``sector`` (whose keys are the standard's)."""


def vocabulary_keys(vocabulary: str, sectors: tuple[str, ...]) -> tuple[str, ...]:
    """The keys a value of ``vocabulary`` may map to."""
    return sectors if vocabulary == "sector" else KEYS[vocabulary]


def spellings(vocabulary: str, sector_words: dict[str, str]) -> dict[str, Any]:
    """Lower-cased spelling → key of a vocabulary (the standard's sectors for ``sector``).

    ``major_hazard_level`` spellings meaning "none" map to :data:`NO_VALUE`.
    """
    table = sector_words if vocabulary == "sector" else VOCABULARIES[vocabulary]
    return {str(k).lower(): (NO_VALUE if v is None else v) for k, v in table.items()}


def choice_columns(dataset: str) -> dict[str, str]:
    """Column → vocabulary of a dataset's coded columns."""
    return {c.name: c.vocabulary for c in DATASETS[dataset].columns if c.kind == "choice" and c.vocabulary}


def local_words(spec: dict, dataset: str, sector_words: dict[str, str], sectors: tuple[str, ...],
                log: ProblemLog) -> dict[str, dict[str, Any]]:
    """The checked ``[datasets.<dataset>.values]`` table: column → lower-cased spelling → key.

    Problems (a column that is not coded, a map that is not a table, a target that is
    not a key) are errors of ``riskmap.toml``.
    """
    table = spec.get("values")
    name = f"datasets.{dataset}.values"
    if table is None:
        return {}
    columns = choice_columns(dataset)
    if not isinstance(table, dict):
        log.error("riskmap.toml", msg("ws_not_table", setting=name), column=name)
        return {}
    out: dict[str, dict[str, Any]] = {}
    for column, words in table.items():
        if column not in columns:
            log.error("riskmap.toml", msg("values_unknown_column", table=name, value=column, allowed=", ".join(columns)),
                      column=f"{name}.{column}", value=str(column))
            continue
        if not isinstance(words, dict):
            log.error("riskmap.toml", msg("values_not_table", table=name, value=column), column=f"{name}.{column}")
            continue
        vocabulary = columns[column]
        known = spellings(vocabulary, sector_words)
        keys = vocabulary_keys(vocabulary, sectors)
        mapped: dict[str, Any] = {}
        for word, target in words.items():
            key = known.get(str(target).strip().lower()) if isinstance(target, (str, int)) and not isinstance(target, bool) else None
            if key is None:
                log.error("riskmap.toml", msg("values_bad_target", table=name, column=column, value=word, target=target,
                                              allowed=", ".join(keys)), column=f"{name}.{column}", value=str(word))
                continue
            mapped[str(word).strip().lower()] = key
        out[column] = mapped
    return out


def toml_line(column: str, value: str, example: str) -> str:
    """``status = { "待复查" = "open" }``: the line of ``[datasets.X.values]`` that maps ``value``."""
    return f"{column} = {{ {json.dumps(value, ensure_ascii=False)} = {json.dumps(example, ensure_ascii=False)} }}"
