"""Filters shared by the app, the map and the exports.

A :class:`Filters` value says which sectors, counties, grades, hazard statuses and
which time window to show.  :func:`apply_filters` returns a filtered copy of an
:class:`~riskmap.assessment.Assessment` (grades are never recomputed: a filter only
hides records), and :func:`headline` computes the headline figures from it, so the
figures, the map and the tables always agree.

Semantics
---------
* ``sectors``: enterprises by sector; hazards and production accidents by the sector
  of their enterprise (records without a sector stay only when no sector filter is
  set); road units and traffic accidents belong to the standard's road-traffic
  sectors (``road_traffic = true``: ``road_transport`` by default).
* ``counties``: county codes; every layer keeps only records in those counties.
* ``grades``: counties, enterprises and road units by grade.
* ``hazard_statuses``: hazards by status (``open``, ``rectifying``, ``closed``).
* ``date_from`` / ``date_to``: accidents by date, hazards by ``found_date`` (inclusive).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from riskmap.assessment import Assessment
from riskmap.grades import count_by_grade
from riskmap.i18n import HAZARD_STATUS_LABELS, grade_label, label, sector_label
from riskmap.periods import window

ROAD_SECTOR = "road_transport"
"""The default standard's road-traffic sector; a standard says its own (``road_traffic = true``)."""


@dataclass(frozen=True)
class Filters:
    """What to show; ``None`` means no restriction."""

    sectors: tuple[str, ...] | None = None
    counties: tuple[str, ...] | None = None
    grades: tuple[str, ...] | None = None
    hazard_statuses: tuple[str, ...] | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in dataclasses.fields(self))

    def restricted(self, names: Sequence[str]) -> Filters:
        """Only the filters named (``sectors``, ``counties``, ``grades``,
        ``hazard_statuses``, ``dates``): what a map layer says acts on it."""
        drop: dict[str, None] = {name: None for name in ("sectors", "counties", "grades", "hazard_statuses")
                                 if name not in names}
        if "dates" not in names:
            drop.update(date_from=None, date_to=None)
        return dataclasses.replace(self, **drop)

    @classmethod
    def last_months(cls, as_of: date, months: int, **others) -> Filters:
        """Accidents and hazards found in the ``months`` months up to ``as_of`` (and ``others``)."""
        start, end = window(as_of, months)
        return cls(date_from=start, date_to=end, **others)

    def describe(self, lang: str = "zh", *, county_names: dict[str, str] | None = None, sectors=None) -> str:
        """A one-line description of the active filters, for subtitles.

        ``county_names`` maps county codes to names so that counties read as names;
        ``sectors`` (the standard's) label the sectors.
        """
        zh = lang == "zh"
        join = "、" if zh else ", "
        names = county_names or {}
        parts = []
        if self.sectors is not None:
            parts.append(("行业：" if zh else "sectors: ") + join.join(sector_label(s, lang, sectors) for s in self.sectors))
        if self.counties is not None:
            parts.append(("区县：" if zh else "counties: ") + join.join(names.get(c, c) for c in self.counties))
        if self.grades is not None:
            parts.append(("等级：" if zh else "grades: ") + join.join(grade_label(g, lang) for g in self.grades))
        if self.hazard_statuses is not None:
            parts.append(("隐患状态：" if zh else "hazard status: ")
                         + join.join(label(HAZARD_STATUS_LABELS, s, lang) for s in self.hazard_statuses))
        if self.date_from or self.date_to:
            parts.append(("时间：" if zh else "dates: ") + f"{self.date_from or '…'} – {self.date_to or '…'}")
        return ("；" if zh else "; ").join(parts)


def _in(series: pd.Series, allowed) -> pd.Series:
    return series.isin(list(allowed))


def _date_mask(values: pd.Series, start: date | None, end: date | None) -> pd.Series:
    mask = pd.Series(True, index=values.index)
    if start is not None:
        mask &= values >= pd.Timestamp(start)
    if end is not None:
        mask &= values <= pd.Timestamp(end)
    return mask


def apply_filters(assessment: Assessment, filters: Filters | None) -> Assessment:
    """Return a copy of ``assessment`` holding only what ``filters`` let through."""
    if filters is None or not filters.active:
        return assessment
    counties = assessment.counties
    enterprises = assessment.enterprises
    road_units = assessment.road_units
    accidents = assessment.accidents
    hazards = assessment.hazards

    if filters.counties is not None:
        counties = counties[_in(counties["county_code"], filters.counties)]
        enterprises = enterprises[_in(enterprises["county_code"], filters.counties)]
        road_units = road_units[_in(road_units["county_code"], filters.counties)]
        accidents = accidents[_in(accidents["county_code"], filters.counties)]
        hazards = hazards[_in(hazards["county_code"], filters.counties)]
    if filters.grades is not None:
        counties = counties[_in(counties["grade"], filters.grades)]
        enterprises = enterprises[_in(enterprises["grade"], filters.grades)]
        road_units = road_units[_in(road_units["grade"], filters.grades)]
    if filters.sectors is not None:
        enterprises = enterprises[_in(enterprises["sector"], filters.sectors)]
        hazards = hazards[_in(hazards["sector"], filters.sectors)]
        roads_shown = any(s in assessment.sectors.road_traffic for s in filters.sectors)
        if not roads_shown:
            road_units = road_units.iloc[0:0]
        traffic = accidents["kind"] == "traffic"
        accidents = accidents[(traffic & roads_shown) | (~traffic & _in(accidents["sector"], filters.sectors))]
    if filters.hazard_statuses is not None:
        hazards = hazards[_in(hazards["status"], filters.hazard_statuses)]
    if filters.date_from is not None or filters.date_to is not None:
        accidents = accidents[_date_mask(accidents["date"], filters.date_from, filters.date_to)]
        hazards = hazards[_date_mask(hazards["found_date"], filters.date_from, filters.date_to)]

    return dataclasses.replace(
        assessment,
        counties=counties,
        enterprises=enterprises,
        road_units=road_units,
        accidents=accidents,
        hazards=hazards,
    )


def headline(assessment: Assessment) -> dict:
    """The headline figures of the page and the briefing, from a (filtered) assessment.

    Returns
    -------
    dict
        ``counties_by_grade``, ``enterprises_by_grade`` (dicts with all four grades),
        ``open_major_hazards``, ``overdue_hazards``, ``accident_prone_units``,
        ``deaths_12m`` (deaths in accidents in the 12 months up to ``as_of``) and
        ``located_by_county`` (enterprises without coordinates, counted in their county
        but not drawn).
    """
    hazards = assessment.hazards
    accidents = assessment.accidents
    return {
        "counties_by_grade": count_by_grade(assessment.counties["grade"]),
        "enterprises_by_grade": count_by_grade(assessment.enterprises["grade"]),
        "open_major_hazards": int((hazards["is_open"] & (hazards["level"] == "major")).sum()),
        "overdue_hazards": int(hazards["overdue"].sum()),
        "accident_prone_units": int(assessment.road_units["accident_prone"].sum()),
        "deaths_12m": int(accidents.loc[accidents["in_12m"], "deaths"].sum()),
        "located_by_county": int((assessment.enterprises["located_by"] == "county").sum())
        if "located_by" in assessment.enterprises else 0,
    }


def time_window(choice: str, as_of: date, custom=None) -> tuple[date | None, date | None]:
    """The dates of a page's time window: ``all``, the ``12`` or ``36`` months up to ``as_of``, or ``custom``
    (the two dates picked; all until both are)."""
    if choice in ("12", "36"):
        return window(as_of, int(choice))
    if choice == "custom" and isinstance(custom, (tuple, list)) and len(custom) == 2:
        return tuple(custom)
    return None, None


def shown_summary(shown: Assessment, whole: dict, *, unassigned: pd.DataFrame, notes: pd.DataFrame,
                  roads_whole: bool) -> dict:
    """The ``summary.json`` figures of what a view shows (DESIGN §7 keys), from its frames.

    Parameters
    ----------
    shown
        The filtered (or sector) assessment.
    whole
        The whole assessment's summary: ``as_of``, ``standard`` and, when ``roads_whole``,
        the road segments and length put in.
    unassigned, notes
        The view's unassigned records and notes (counted under ``view``).
    roads_whole
        Whether every road unit is shown (no county or grade filter hides one): then the
        segments and length put in are the whole workspace's, else those of the units shown.

    The history, forecast and warnings of the whole region are not repeated: they are
    not the view's.
    """
    counties, enterprises, units = shown.counties, shown.enterprises, shown.road_units
    accidents, hazards = shown.accidents, shown.hazards
    road_rows = int(unassigned["dataset"].isin(["roads"]).sum()) if len(unassigned) else 0
    assigned_length = float(units["length_m"].sum()) if len(units) else 0.0
    roads = whole.get("roads", {})
    traffic = (accidents["kind"] == "traffic") & accidents["in_window"].astype(bool) & accidents.geometry.notna()
    is_open = hazards["is_open"].astype(bool)
    return {
        "as_of": whole.get("as_of"),
        "standard": whole.get("standard"),
        "counties": {"count": int(len(counties)), "by_grade": count_by_grade(counties["grade"])},
        "enterprises": {
            "input": int(len(enterprises)),
            "assigned": int(enterprises["county_code"].notna().sum()),
            "unassigned": int(enterprises["county_code"].isna().sum()),
            "located_by_county": int((enterprises["located_by"] == "county").sum()) if "located_by" in enterprises else 0,
            "by_grade": count_by_grade(enterprises["grade"]),
        },
        "roads": {
            "segments_input": int(roads.get("segments_input", 0)) if roads_whole else
            int(units["segment_id"].nunique()) + road_rows if len(units) or road_rows else 0,
            "input_length_m": float(roads.get("input_length_m", 0.0)) if roads_whole else assigned_length,
            "assigned_length_m": assigned_length,
            "units": int(len(units)),
            "accident_prone_units": int(units["accident_prone"].sum()) if len(units) else 0,
            "by_grade": count_by_grade(units["grade"]),
        },
        "accidents": {
            "input": int(len(accidents)),
            "in_window": int(accidents["in_window"].sum()),
            "snapped": int(accidents["unit_id"].notna().sum()),
            "unsnapped": int((traffic & accidents["unit_id"].isna()).sum()) if len(accidents) else 0,
        },
        "hazards": {
            "input": int(len(hazards)),
            "open": int(is_open.sum()),
            "major_open": int((is_open & (hazards["level"] == "major")).sum()),
            "overdue": int(hazards["overdue"].sum()),
        },
        "unassigned": int(len(unassigned)),
        "notes": int(len(notes)),
    }
