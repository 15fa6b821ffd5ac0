"""The sectors (行业领域) of a grading standard: keys, labels, baselines, spellings.

The sector list lives in the standard's ``[sectors.<key>]`` tables (``zh``, ``en``,
``baseline``, optionally ``road_traffic = true`` and ``aliases``), so an office adds
烟花爆竹 or 燃气 by adding a table, not code.  :class:`Sectors` is that list as the
rest of RiskMap reads it: labels in either language, the baseline grade, the
spellings a ledger may use (the key, both labels, the aliases) and the words
"allowed: ..." of a message.  :func:`default_sectors` is the default standard's nine.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Sector:
    """One sector of a standard."""

    key: str
    zh: str
    en: str
    baseline: str = "blue"
    road_traffic: bool = False
    aliases: tuple[str, ...] = ()


class Sectors:
    """The sectors of a standard, in the standard's order.

    Parameters
    ----------
    table
        The standard's ``[sectors]`` table: key → ``{zh, en, baseline, road_traffic, aliases}``.
    """

    def __init__(self, table: dict[str, dict[str, Any]]):
        self._items = {key: Sector(key, str(t.get("zh", key)), str(t.get("en", key)), str(t.get("baseline", "blue")),
                                   bool(t.get("road_traffic", False)), tuple(str(a) for a in t.get("aliases", ())))
                       for key, t in table.items() if isinstance(t, dict)}

    def __iter__(self) -> Iterator[Sector]:
        return iter(self._items.values())

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sectors) and self._items == other._items

    def __hash__(self) -> int:
        return hash(tuple(self._items.values()))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._items)

    def get(self, key: str) -> Sector | None:
        return self._items.get(key)

    def label(self, key: str, lang: str = "zh") -> str:
        """The sector's label (``coal_mine`` → 煤矿 / coal mines); an unknown key as it is."""
        sector = self._items.get(key)
        if sector is None:
            return str(key)
        return sector.zh if lang == "zh" else sector.en

    @property
    def road_traffic(self) -> tuple[str, ...]:
        """The sectors road units and traffic accidents belong to (the road-traffic filter)."""
        return tuple(s.key for s in self if s.road_traffic)

    @property
    def baselines(self) -> dict[str, str]:
        """Sector key → baseline grade."""
        return {s.key: s.baseline for s in self}

    @functools.cached_property
    def vocabulary(self) -> dict[str, str]:
        """Every spelling a ledger may use → the key: the key, both labels and the aliases.

        A key or label wins over another sector's alias (an office's own 燃气 sector
        takes 城镇燃气 from the default aliases only if it lists it as a label).
        """
        words: dict[str, str] = {}
        for sector in self:
            for spelling in (sector.key, sector.zh, sector.en):
                words.setdefault(spelling, sector.key)
        for sector in self:
            for spelling in sector.aliases:
                words.setdefault(spelling, sector.key)
        return words

    @property
    def allowed(self) -> str:
        """``coal_mine (煤矿), ...``: what a message says is allowed."""
        return ", ".join(f"{s.key} ({s.zh})" for s in self)


def _default_table() -> dict[str, Any]:
    text = resources.files("riskmap").joinpath("standards", "default.toml").read_text("utf-8")
    return tomllib.loads(text).get("sectors", {})


@functools.cache
def default_sectors() -> Sectors:
    """The sectors of the default standard (``riskmap/standards/default.toml``)."""
    return Sectors(_default_table())
