"""The :class:`View`: an assessment under filters, in a language, made once.

A ``View`` is what every face shows: the folium map, the static map, the register,
the briefing, the tables of the app.  It filters the assessment once
(:func:`riskmap.filters.apply_filters`), puts the reasons, the top contributors, the
unassigned records' reasons and the problems into its language from their codes
(:mod:`riskmap.reasons`, :class:`riskmap.i18n.Msg`), and keeps the headline figures,
so a briefing (figures, map, tables) filters once instead of four times and a
language switch never re-grades.

A map layer may say that only some filters act on it (a county layer ignores the
sector filter): :meth:`View.only` gives that view, made once per set of filters and
shared by the layers that ask for it.

The ``period`` is the period end the view shows (issue 11): a view of an assessment
of a history (:meth:`riskmap.history.History.at`) at that date, showing the records
as they stood then: hazards found and accidents that happened after it are not shown.

A sector filter re-grades (issue 10): the view's assessment is the one graded again on
the records of those sectors (:func:`riskmap.sectorview.regraded`), whose counties also
carry their all-sector grade (``grade_all``); :attr:`View.whole` is the all-sector one.
Grade, county, status and date filters only choose what is shown, never re-grade.
The summary, the unassigned records and the notes are those of what the view shows.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.assessment import Assessment, WorkspaceInfo
from riskmap.errors import InputError, Problem
from riskmap.filters import Filters, apply_filters, headline, shown_summary
from riskmap.i18n import LANGUAGES, t
from riskmap.reasons import CODE_COLUMNS, render_column

DATASETS = ("counties", "enterprises", "road_units", "accidents", "hazards")


def check_language(lang: str | None, assessment: Assessment) -> str:
    """``lang``, or the assessment's language; an InputError names the allowed ones."""
    value = lang or assessment.language or "zh"
    if value not in LANGUAGES:
        raise InputError(f"language '{lang}' is not supported; allowed: {', '.join(LANGUAGES)}")
    return value


_FRAMES: dict[tuple[int, str, str], pd.DataFrame] = {}


def _kept(frame: pd.DataFrame, lang: str, column: str, make) -> pd.DataFrame:
    """``make()``, kept per frame, language and text column (dropped with the frame): the assessments made
    from one (a period's change columns, a sector view, whose records are the whole assessment's) share it."""
    key = (id(frame), lang, column)
    if key not in _FRAMES:
        _FRAMES[key] = make()
        weakref.finalize(frame, _FRAMES.pop, key, None)
    return _FRAMES[key]


def _in_language(frame: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """A frame whose text columns are rendered in ``lang`` from their code columns (kept: :func:`_kept`)."""
    pairs = [(codes, text) for codes, text in CODE_COLUMNS.items() if codes in frame.columns and text in frame.columns]
    if not pairs:
        return frame
    return _kept(frame, lang, "*", lambda: frame.assign(**{text: render_column(frame[codes], lang) for codes, text in pairs}))


def _unassigned_in(unassigned: pd.DataFrame, lang: str, codes: str = "reason_codes", text: str = "reason") -> pd.DataFrame:
    if codes not in unassigned.columns or not len(unassigned):
        return unassigned
    return _kept(unassigned, lang, text, lambda: unassigned.assign(**{text: render_column(unassigned[codes], lang)}))


def as_it_stood(assessment: Assessment, day: date) -> Assessment:
    """The assessment without the hazards found and the accidents dated after ``day``."""
    end = pd.Timestamp(day)
    hazards, accidents = assessment.hazards, assessment.accidents
    found = pd.to_datetime(hazards["found_date"]).dt.normalize() <= end
    happened = pd.to_datetime(accidents["date"]).dt.normalize() <= end
    if bool(found.all()) and bool(happened.all()):
        return assessment
    return dataclasses.replace(assessment, hazards=hazards[found.to_numpy()], accidents=accidents[happened.to_numpy()])


_TRANSLATED: dict[tuple[int, str], Assessment] = {}


def translated(assessment: Assessment, lang: str) -> Assessment:
    """The assessment with every text rendered in ``lang`` (itself when it is in ``lang``).

    Kept per assessment and language (dropped with the assessment), so a page that
    switches language renders once per language.
    """
    if lang == assessment.language:
        return assessment
    key = (id(assessment), lang)
    if key not in _TRANSLATED:
        frames = {name: _in_language(getattr(assessment, name), lang) for name in DATASETS}
        _TRANSLATED[key] = dataclasses.replace(
            assessment, **frames, info=dataclasses.replace(assessment.info, language=lang),
            unassigned=_unassigned_in(assessment.unassigned, lang),
            notes=_unassigned_in(assessment.notes, lang, "note_codes", "note"),
            problems=[p.in_language(lang) for p in assessment.problems])
        weakref.finalize(assessment, _TRANSLATED.pop, key, None)
    return _TRANSLATED[key]


_RECORD_IDS = {"enterprises": "enterprise_id", "hazards": "hazard_id", "accidents": "accident_id"}


def _listed(table: pd.DataFrame, shown: Assessment, filters: Filters | None) -> pd.DataFrame:
    """The rows of ``unassigned`` or ``notes`` about what a view shows.

    Enterprises, hazards and accidents by their id among the records shown; road
    segments unless a county or grade filter is set (a segment has no one grade or
    county) or the road units are hidden; other rows (counties, extra datasets) unless a
    county filter is set, or, for notes, when their county is shown.
    """
    if filters is None or not filters.active or not len(table):
        return table
    datasets = table["dataset"].astype(str).to_numpy()
    ids = table["id"].astype(str).to_numpy()
    keep = np.ones(len(table), dtype=bool)
    for dataset, column in _RECORD_IDS.items():
        rows = datasets == dataset
        if rows.any():
            # pandas' isin hashes; numpy's sorts object arrays (seconds for a province's ids).
            keep[rows] = pd.Series(ids[rows]).isin(getattr(shown, dataset)[column].astype(str).unique()).to_numpy()
    others = ~np.isin(datasets, list(_RECORD_IDS))
    if filters.counties is not None:
        county = table["county_code"].astype(object).where(table["county_code"].notna(), None).to_numpy() \
            if "county_code" in table else np.full(len(table), None, dtype=object)
        keep[others] &= np.isin(county[others], list(filters.counties))
    roads = datasets == "roads"
    if roads.any() and (filters.grades is not None or not len(shown.road_units) and filters.sectors is not None):
        keep[roads] = False
    return table[keep].reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class View:
    """An assessment under filters, in a language, at a period.

    Parameters
    ----------
    assessment
        The unfiltered assessment.
    filters
        What to show (:class:`~riskmap.filters.Filters`); ``None`` shows everything.
    lang
        ``zh`` or ``en``; the assessment's language when omitted.
    period
        The period end shown: ``None`` (every record), or the assessment's ``as_of``:
        then hazards found and accidents dated after it are not shown (they had not
        happened yet).  A history's assessment at each period end is
        :meth:`riskmap.history.History.at`.
    whole
        Set by the view itself: the all-sector assessment (the one given).  With a
        sector filter, :attr:`assessment` becomes the one graded again for those
        sectors (:func:`riskmap.sectorview.regraded`).

    Raises
    ------
    InputError
        For a language other than ``zh`` or ``en``.
    ValueError
        For a period the assessment does not hold.
    """

    assessment: Assessment
    filters: Filters | None = None
    lang: str | None = None
    period: date | None = None
    whole: Assessment | None = field(default=None, repr=False, compare=False)
    _children: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", check_language(self.lang, self.assessment))
        if self.period is not None and self.period != self.assessment.info.as_of:
            raise ValueError(f"period {self.period}: the assessment holds {self.assessment.info.as_of} only")
        if self.whole is None:
            object.__setattr__(self, "whole", self.assessment)
            sectors = self.filters.sectors if self.filters is not None else None
            if sectors and self.assessment.origin is not None and self.assessment.sectors_graded is None:
                from riskmap.sectorview import regraded

                object.__setattr__(self, "assessment", regraded(self.assessment, sectors))

    @classmethod
    def of(cls, source: Assessment | View, *, filters: Filters | None = None, lang: str | None = None) -> View:
        """A view of an assessment, or a view in another language.

        A view given with ``filters`` too is refused: it is filtered already.
        """
        if isinstance(source, View):
            if filters is not None and filters != source.filters:
                raise ValueError("a View is filtered already; make a new View of its assessment for other filters")
            return source.in_language(lang) if lang else source
        return cls(source, filters, lang)

    # --- the records shown ----------------------------------------------------------------
    @cached_property
    def shown(self) -> Assessment:
        """The assessment under the filters, its texts in the view's language."""
        shown = apply_filters(translated(self.assessment, self.lang), self.filters)
        return as_it_stood(shown, self.period) if self.period is not None else shown

    @property
    def counties(self) -> gpd.GeoDataFrame:
        return self.shown.counties

    @property
    def enterprises(self) -> gpd.GeoDataFrame:
        return self.shown.enterprises

    @property
    def road_units(self) -> gpd.GeoDataFrame:
        return self.shown.road_units

    @property
    def accidents(self) -> gpd.GeoDataFrame:
        return self.shown.accidents

    @property
    def hazards(self) -> gpd.GeoDataFrame:
        return self.shown.hazards

    def frame(self, dataset: str) -> gpd.GeoDataFrame:
        """The shown records of one of the five datasets."""
        if dataset not in DATASETS:
            raise KeyError(f"no dataset {dataset!r}; allowed: {', '.join(DATASETS)}")
        return getattr(self.shown, dataset)

    @cached_property
    def unassigned(self) -> pd.DataFrame:
        """The records not placed (``dataset``, ``id``, ``reason``) that the view shows: those of its
        sectors, grades, statuses and dates; none under a county filter (they have no county)."""
        return _listed(self.shown.unassigned, self.shown, self.filters)

    @cached_property
    def notes(self) -> pd.DataFrame:
        """Records with a county but something to say (``dataset``, ``id``, ``county_code``, ``note``)
        among those the view shows."""
        return _listed(self.shown.notes, self.shown, self.filters)

    @property
    def problems(self) -> list[Problem]:
        """Warnings found while reading and joining, in the view's language."""
        return self.shown.problems

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @cached_property
    def headline(self) -> dict[str, Any]:
        """The headline figures of what is shown (:func:`riskmap.filters.headline`)."""
        return headline(self.shown)

    # --- about the assessment --------------------------------------------------------------
    @property
    def info(self) -> WorkspaceInfo:
        return self.assessment.info

    @property
    def language(self) -> str:
        """The view's language (as :attr:`Assessment.language`)."""
        return self.lang

    @property
    def standard(self):
        return self.assessment.standard

    @cached_property
    def summary(self) -> dict[str, Any]:
        """The summary of what the view shows (``summary.json``): the whole assessment's when nothing is
        filtered; else its figures counted on the records shown, with ``view`` saying the filters and
        whether the counties were graded again for the sectors chosen."""
        if not self.filtered and self.period is None:
            return self.assessment.summary
        f = self.filters or Filters()
        roads_whole = f.counties is None and f.grades is None and (
            not f.sectors or any(s in self.sectors.road_traffic for s in f.sectors))
        figures = shown_summary(self.shown, self.whole.summary, unassigned=self.unassigned, notes=self.notes,
                                roads_whole=roads_whole)
        figures["view"] = {"filters": {k: (list(v) if isinstance(v, tuple) else v.isoformat())
                                       for k, v in dataclasses.asdict(f).items() if v is not None},
                           "sectors": list(self.sectors_graded or ()), "regraded": self.regraded,
                           "period": self.period.isoformat() if self.period else None}
        return figures

    @property
    def colours(self) -> dict[str, str]:
        return self.assessment.colours

    @property
    def sectors(self):
        """The standard's sectors (:class:`riskmap.sectors.Sectors`)."""
        return self.assessment.sectors

    @cached_property
    def county_names(self) -> dict[str, str]:
        return self.assessment.county_names

    @property
    def filtered(self) -> bool:
        return self.filters is not None and self.filters.active

    @property
    def sectors_graded(self) -> tuple[str, ...] | None:
        """The sectors the counties were graded for (a sector view), ``None`` for all sectors."""
        return self.assessment.sectors_graded

    @property
    def regraded(self) -> bool:
        """Whether the counties were graded again on the records of the sectors chosen."""
        return self.assessment.sectors_graded is not None

    @property
    def standard_title(self) -> str:
        """The standard's title in the view's language (``title_zh`` / ``title_en``), else its name."""
        data = getattr(self.standard, "data", None) or {}
        return str(data.get("title_zh" if self.lang == "zh" else "title_en") or self.info.standard)

    @property
    def regraded_note(self) -> str:
        """"按所选行业重新评估" / "re-graded for the selected sectors" for a sector view, else ''."""
        return t("sector_regraded", self.lang) if self.regraded else ""

    @property
    def title(self) -> str:
        """The map's title: the workspace's, or a sector map's (危险化学品安全风险分布图)."""
        if not self.regraded:
            return self.info.title or t("app_title", self.lang)
        sep = "、" if self.lang == "zh" else ", "
        names = sep.join(self.sectors.label(s, self.lang) for s in self.sectors_graded)
        return t("sector_map_title", self.lang, region=self.info.region or "", sectors=names).strip()

    def describe_filters(self) -> str:
        """The active filters in one line of the view's language ('' when none); a sector view says it
        was re-graded."""
        if not self.filtered:
            return ""
        text = self.filters.describe(self.lang, county_names=self.county_names, sectors=self.sectors)
        return f"{text}{'（' if self.lang == 'zh' else ' ('}{self.regraded_note}{'）' if self.lang == 'zh' else ')'}" \
            if self.regraded else text

    # --- other views ------------------------------------------------------------------------
    def only(self, names: Sequence[str]) -> View:
        """This view with only the filters ``names`` (what a map layer lists), made once."""
        if self.filters is None:
            return self
        restricted = self.filters.restricted(names)
        if restricted == self.filters:
            return self
        if restricted not in self._children:
            # A layer that ignores the sector filter still shows the counties as graded for the sectors.
            self._children[restricted] = View(self.assessment, restricted, self.lang, self.period, whole=self.whole)
        return self._children[restricted]

    @property
    def everything(self) -> View:
        """This view without filters (the whole region, for context)."""
        return self.only(())

    def in_language(self, lang: str) -> View:
        """This view in another language (the filtering is done again, the grading never)."""
        if check_language(lang, self.assessment) == self.lang:
            return self
        return View(self.assessment, self.filters, lang, self.period, whole=self.whole)
