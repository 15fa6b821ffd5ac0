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
import pandas as pd

from riskmap.assessment import Assessment, WorkspaceInfo
from riskmap.errors import InputError, Problem
from riskmap.filters import Filters, apply_filters, headline
from riskmap.i18n import LANGUAGES
from riskmap.reasons import CODE_COLUMNS, render_column

DATASETS = ("counties", "enterprises", "road_units", "accidents", "hazards")


def check_language(lang: str | None, assessment: Assessment) -> str:
    """``lang``, or the assessment's language; an InputError names the allowed ones."""
    value = lang or assessment.language or "zh"
    if value not in LANGUAGES:
        raise InputError(f"language '{lang}' is not supported; allowed: {', '.join(LANGUAGES)}")
    return value


def _in_language(frame: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """A frame whose text columns are rendered in ``lang`` from their code columns."""
    texts = {text: render_column(frame[codes], lang) for codes, text in CODE_COLUMNS.items()
             if codes in frame.columns and text in frame.columns}
    return frame.assign(**texts) if texts else frame


def _unassigned_in(unassigned: pd.DataFrame, lang: str, codes: str = "reason_codes", text: str = "reason") -> pd.DataFrame:
    if codes not in unassigned.columns or not len(unassigned):
        return unassigned
    return unassigned.assign(**{text: render_column(unassigned[codes], lang)})


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
    _children: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", check_language(self.lang, self.assessment))
        if self.period is not None and self.period != self.assessment.info.as_of:
            raise ValueError(f"period {self.period}: the assessment holds {self.assessment.info.as_of} only")

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

    @property
    def unassigned(self) -> pd.DataFrame:
        """Every record not placed (``dataset``, ``id``, ``reason``), never filtered."""
        return self.shown.unassigned

    @property
    def notes(self) -> pd.DataFrame:
        """Records with a county but something to say (``dataset``, ``id``, ``county_code``, ``note``), never filtered."""
        return self.shown.notes

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
    def standard(self):
        return self.assessment.standard

    @property
    def summary(self) -> dict[str, Any]:
        """The summary of the whole assessment (``summary.json``; never filtered)."""
        return self.assessment.summary

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

    def describe_filters(self) -> str:
        """The active filters in one line of the view's language ('' when none)."""
        return self.filters.describe(self.lang, county_names=self.county_names, sectors=self.sectors) if self.filtered else ""

    # --- other views ------------------------------------------------------------------------
    def only(self, names: Sequence[str]) -> View:
        """This view with only the filters ``names`` (what a map layer lists), made once."""
        if self.filters is None:
            return self
        restricted = self.filters.restricted(names)
        if restricted == self.filters:
            return self
        if restricted not in self._children:
            self._children[restricted] = View(self.assessment, restricted, self.lang, self.period)
        return self._children[restricted]

    @property
    def everything(self) -> View:
        """This view without filters (the whole region, for context)."""
        return self.only(())

    def in_language(self, lang: str) -> View:
        """This view in another language (the filtering is done again, the grading never)."""
        if check_language(lang, self.assessment) == self.lang:
            return self
        return View(self.assessment, self.filters, lang, self.period)
