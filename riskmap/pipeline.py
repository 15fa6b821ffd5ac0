"""The pipeline: workspace → :class:`~riskmap.assessment.Assessment`, as named stages.

``assess(path)`` is :func:`riskmap.spatial.prepare` (read, join points, link hazards
and accidents to enterprises, road units, snapping: everything that does not depend
on the date) followed by :func:`grade_at` (what holds at ``as_of``):

0. :func:`riskmap.timeline.state_at`: the numbers at the date (windows, open and
   overdue hazards, every grade), from arrays made once per Prepared;
1. :func:`accidents_at`: the accidents with their 36- and 12-month windows;
2. :func:`hazards_at`: the hazards with their status, open and overdue at the date;
3. :func:`grade_enterprises_at`: the enterprises with their grades and reasons;
4. :func:`snapped_at`: the unit each snapped traffic accident of the window counts for;
5. :func:`grade_roads_at`, :func:`grade_counties_at`;
6. :func:`audit_at`: every record left unassigned, one row each, with its reasons;
7. :func:`summary`: the ``summary.json`` figures.

``grade_at(prepared, as_of)`` can run at many dates on one :class:`Prepared` (it copies,
never changes it: shallow copies, since with pandas' copy-on-write a column is copied
only when it is changed, and most columns of a graded frame are the prepared ones); a history (:mod:`riskmap.history`) grades many dates with
:func:`~riskmap.timeline.state_at` and turns only the ones shown into frames here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap.assessment import Assessment, Origin
from riskmap.grades import count_by_grade
from riskmap.grading import COUNTY_COLUMNS, county_codes, county_contributions, enterprise_codes, grade_hazards, top_contributors
from riskmap.i18n import msg
from riskmap.io.workspace import Workspace
from riskmap.places import Audit, ProgressCallback, Stages
from riskmap.reasons import render_column
from riskmap.roadwork import UNIT_COLUMNS
from riskmap.screening import unit_codes
from riskmap.spatial import Prepared, prepare
from riskmap.timeline import DateState, basis, state_at

__all__ = ["assess", "grade_at", "prepare", "Prepared"]


@dataclass
class Windowed:
    """The accidents at a date: their windows, and the traffic accidents of the 36-month window.

    Attributes
    ----------
    accidents
        The accidents with ``in_window``, ``in_12m``, ``severity_class``, ``unit_id``
        and ``snap_distance_m``.
    traffic
        The traffic accidents of the window with a point of their own (those that
        snap, or are listed as unsnapped).
    """

    accidents: gpd.GeoDataFrame
    traffic: np.ndarray


def accidents_at(prepared: Prepared, state: DateState) -> gpd.GeoDataFrame:
    """The accidents with their windows at the state's date: ``in_window`` (36 months), ``in_12m``."""
    accidents = prepared.accidents.copy(deep=False)
    accidents["in_window"] = state.in_window
    accidents["in_12m"] = state.in_12m
    accidents["severity_class"] = basis(prepared).severity
    accidents["unit_id"] = None
    accidents["snap_distance_m"] = np.nan
    return accidents


def snapped_at(prepared: Prepared, state: DateState, accidents: gpd.GeoDataFrame, audit: Audit) -> Windowed:
    """The units the traffic accidents of the window snapped to; the unsnapped ones are noted.

    An unsnapped accident still has its county, so it goes to ``notes.csv``; without
    any road unit (no roads dataset, or none inside the region) every traffic accident
    of the window is unsnapped, counted and noted as such.
    """
    snapping = prepared.snapping
    rows = snapping.rows[state.snapped]
    traffic = np.zeros(len(accidents), dtype=bool)
    traffic[rows] = True
    labels = accidents.index[rows]
    if basis(prepared).snap_unit is None:
        audit.note("accidents", accidents.loc[labels, "accident_id"], accidents.loc[labels, "county_code"],
                   [msg("unsnapped_no_roads")] * len(labels))
        return Windowed(accidents, traffic)
    unit, distance = snapping.unit[state.snapped], snapping.distance[state.snapped]
    ok = unit >= 0
    accidents.loc[labels[ok], "unit_id"] = prepared.network.units["unit_id"][unit[ok]]
    accidents.loc[labels, "snap_distance_m"] = distance
    distance_m = float(prepared.standard.roads["snap_distance_m"])
    audit.unassign_or_note("accidents", accidents.loc[labels[~ok], "accident_id"], accidents.loc[labels[~ok], "county_code"],
                           [msg("unsnapped", dist=distance_m)] * int((~ok).sum()))
    return Windowed(accidents, traffic)


def hazards_at(prepared: Prepared, state: DateState) -> gpd.GeoDataFrame:
    """The hazards at the state's date: ``status`` then, ``is_open``, ``overdue`` and ``days_overdue``.

    A hazard is open from its ``found_date`` until its ``closed_date`` (the ledger's
    status says only how it stands today), overdue when open past its deadline
    (:mod:`riskmap.timeline`).
    """
    hazards = prepared.hazards.copy(deep=False)
    hazards["status"] = state.status
    hazards["is_open"] = state.is_open
    hazards["overdue"] = state.overdue
    hazards["days_overdue"] = state.days_overdue
    graded = grade_hazards(hazards, prepared.standard, lang=prepared.info.language)
    for column in graded.columns:
        hazards[column] = graded[column]
    order = [c for c in hazards.columns if c not in ("name", "sector")] + ["name", "sector"]
    return hazards[order]


def grade_enterprises_at(prepared: Prepared, state: DateState, lang: str) -> gpd.GeoDataFrame:
    """The enterprises graded at the state's date, with their reasons."""
    enterprises = prepared.enterprises.frame.copy(deep=False)
    versions = basis(prepared).versions.attributes(state.version)
    if versions is not None:  # the attributes of the snapshots in force then
        for column in versions.columns:
            enterprises[column] = versions[column].to_numpy()
    base, ranks, standard = state.base, state.ranks, prepared.standard
    codes = pd.Series(enterprise_codes(base, ranks, standard, open_major=state.open_major, overdue=state.overdue_hazards,
                                       fatal_12m=state.fatal_12m), index=enterprises.index, dtype=object)
    enterprises["method"] = base.method.to_numpy()
    enterprises["inherent_value"] = base.value.to_numpy()
    enterprises["inherent_grade"] = base.inherent.to_numpy()
    enterprises["grade"] = pd.Series(state.grade, index=enterprises.index, dtype=object)
    enterprises["reasons"] = render_column(codes, lang)
    enterprises["reason_codes"] = codes
    enterprises["red_by_major_hazard"] = ranks.red_by_major
    enterprises["score"] = enterprises["grade"].map(standard.counties["points"]["enterprises"]).astype(float)
    enterprises["open_hazards"] = state.open_hazards
    enterprises["major_open_hazards"] = state.open_major
    enterprises["overdue_hazards"] = state.overdue_hazards
    enterprises["fatal_accidents_12m"] = state.fatal_12m
    return enterprises


GRADED_UNIT_COLUMNS = ["fatal", "injury", "pdo", "epdo", "rate", "accident_prone", "grade", "score", "reasons", "reason_codes"]


def grade_roads_at(prepared: Prepared, state: DateState, lang: str) -> gpd.GeoDataFrame:
    """The road units graded on the accidents of the window (or the roads' own counts)."""
    network = prepared.network
    if not len(network):
        empty = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in UNIT_COLUMNS + GRADED_UNIT_COLUMNS},
                                 geometry=gpd.GeoSeries([], crs=4326), crs=4326)
        empty["accident_prone"] = empty["accident_prone"].astype(bool)
        return empty
    counts = state.unit_counts
    codes = unit_codes(state.rate, state.unit_grade, state.prone, counts, prepared.standard)
    columns = dict(network.units)
    columns.update({c: counts[c].to_numpy() for c in ("fatal", "injury", "pdo")})
    # The reasons stay Python objects: a few distinct texts, each shared by many units (as text columns of
    # Arrow strings, a nation's two million units would hold 360 MB of copies).
    columns.update({"epdo": state.epdo, "rate": state.rate, "accident_prone": state.prone, "grade": state.unit_grade,
                    "score": state.rate, "reasons": render_column(pd.Series(codes, dtype=object), lang),
                    "reason_codes": codes})
    road_units = gpd.GeoDataFrame(columns, geometry=network.geometry, crs=4326)
    if basis(prepared).snap_unit is not None:
        for column in ("fatal", "injury", "pdo"):
            road_units[column] = road_units[column].astype(int)
    return road_units


def grade_counties_at(prepared: Prepared, state: DateState, lang: str) -> gpd.GeoDataFrame:
    """The counties graded on their four components, with their reasons and top contributors."""
    return counties_frame(prepared, state.county, lang)


def counties_frame(prepared: Prepared, parts: dict[str, np.ndarray], lang: str) -> gpd.GeoDataFrame:
    """The counties of ``parts`` (a date's ``county`` numbers, :mod:`riskmap.timeline`) with their reasons and
    top contributors."""
    standard = prepared.standard
    counties = prepared.counties.copy(deep=False)
    for column in COUNTY_COLUMNS:
        counties[column] = parts[column]
    codes = pd.Series(county_codes(parts["score"], parts["grade"], parts["raised"], standard), index=counties.index,
                      dtype=object)
    counties["score"] = parts["score"]
    counties["grade"] = pd.Series(parts["grade"], index=counties.index, dtype=object)
    counties["reasons"] = render_column(codes, lang)
    counties["reason_codes"] = codes
    top = top_contributors(county_contributions(parts, standard), len(counties),
                           top=int(standard.counties.get("top_contributors", 3)))
    counties["top_contributors"] = render_column(top, lang).to_numpy()
    counties["contributor_codes"] = top.to_numpy()
    counties["area_km2"] = shapely.area(prepared.places.metric) / 1e6
    return counties


def audit_at(entries: list[tuple[str, object, object]], lang: str) -> pd.DataFrame:
    """The unassigned records, one row each: ``dataset``, ``id``, ``reason`` and ``reason_codes``.

    A hazard naming an unknown enterprise and having no location of its own has two
    reasons; only such rows are grouped (grouping all of a province's 30,000 rows
    would cost half a second).
    """
    frame = pd.DataFrame(entries, columns=["dataset", "id", "code"])
    frame["reason_codes"] = pd.Series([(code,) for code in frame["code"]], index=frame.index, dtype=object)
    repeated = frame.duplicated(["dataset", "id"], keep=False)
    if repeated.any():
        joined = frame[repeated].groupby(["dataset", "id"], sort=False)["code"].agg(tuple)
        frame = frame[~frame.duplicated(["dataset", "id"], keep="first")].copy()
        merged = joined.reindex(pd.MultiIndex.from_frame(frame[["dataset", "id"]])).to_numpy()
        frame["reason_codes"] = [m if isinstance(m, tuple) else c for m, c in zip(merged, frame["reason_codes"])]
        frame = frame.reset_index(drop=True)
    frame["reason"] = render_column(frame["reason_codes"], lang) if len(frame) else pd.Series(dtype=object)
    return frame[["dataset", "id", "reason", "reason_codes"]]


NOTE_COLUMNS = ["dataset", "id", "county_code", "note"]


def notes_at(entries: list[tuple[str, object, object, object]], lang: str) -> pd.DataFrame:
    """The notes: records that have a county but something to say (``notes.csv``).

    ``dataset``, ``id``, ``county_code``, ``note`` and ``note_codes`` (the words as
    data); a record with two things to say has one row each.
    """
    frame = pd.DataFrame(entries, columns=["dataset", "id", "county_code", "code"])
    frame["note_codes"] = pd.Series([(code,) for code in frame["code"]], index=frame.index, dtype=object)
    frame["note"] = render_column(frame["note_codes"], lang) if len(frame) else pd.Series(dtype=object)
    return frame[NOTE_COLUMNS + ["note_codes"]]


def summary(prepared: Prepared, as_of: date, *, counties, enterprises, road_units, accidents, traffic, hazards) -> dict:
    """The ``summary.json`` dictionary of DESIGN §7."""
    open_mask = hazards["is_open"]
    input_length = prepared.network.input_length
    return {
        "as_of": as_of.isoformat(),
        "standard": prepared.standard.name,
        "counties": {"count": int(len(counties)), "by_grade": count_by_grade(counties["grade"])},
        "enterprises": {
            "input": int(len(enterprises)),
            "assigned": int(enterprises["county_code"].notna().sum()),
            "unassigned": int(enterprises["county_code"].isna().sum()),
            "located_by_county": int((enterprises["located_by"] == "county").sum()) if "located_by" in enterprises else 0,
            "by_grade": count_by_grade(enterprises["grade"]),
        },
        "roads": {
            "segments_input": int(len(prepared.network.roads)),
            "input_length_m": float(input_length.sum()) if len(input_length) else 0.0,
            "assigned_length_m": float(road_units["length_m"].sum()) if len(road_units) else 0.0,
            "units": int(len(road_units)),
            "accident_prone_units": int(road_units["accident_prone"].sum()),
            "by_grade": count_by_grade(road_units["grade"]),
        },
        "accidents": {
            "input": int(len(accidents)),
            "in_window": int(accidents["in_window"].sum()),
            "snapped": int(accidents["unit_id"].notna().sum()),
            "unsnapped": int((traffic & accidents["unit_id"].isna().to_numpy()).sum()) if len(accidents) else 0,
        },
        "hazards": {
            "input": int(len(hazards)),
            "open": int(open_mask.sum()),
            "major_open": int((open_mask & (hazards["level"] == "major")).sum()),
            "overdue": int(hazards["overdue"].sum()),
        },
        "skipped": dict(prepared.skipped),
    }


def grade_at(prepared: Prepared, as_of: date | None = None, *, known_until: date | None = None,
             stages: Stages | None = None, state: DateState | None = None) -> Assessment:
    """Grade a prepared workspace as it stood at ``as_of`` (default: the workspace's ``as_of``).

    Parameters
    ----------
    prepared
        The spatial work (:func:`~riskmap.spatial.prepare`); never changed.
    as_of
        The date graded; it must lie within the horizon the workspace was prepared for.
    known_until
        Count only the records dated up to this day (the forecast: ``as_of`` after
        the workspace's date, ``known_until`` the workspace's date).
    state
        The numbers at that date when they are known already (:func:`riskmap.timeline.state_at`);
        a history grades every date once and turns only the dates shown into frames.

    Raises
    ------
    ValueError
        When ``as_of`` lies outside the horizon the workspace was prepared for.
    """
    as_of = as_of or prepared.info.as_of
    if not prepared.horizon[0] <= as_of <= prepared.horizon[1]:
        raise ValueError(f"as_of {as_of} lies outside the prepared horizon {prepared.horizon[0]} – {prepared.horizon[1]}")
    stages = stages or Stages()
    lang = prepared.info.language
    with stages.stage("enterprises: grade"):
        prepared.wait_for_roads()  # the first time, the road worker has run while the points were joined
        state = state or state_at(prepared, as_of, known_until=known_until)
        accidents = accidents_at(prepared, state)
        hazards = hazards_at(prepared, state)
        enterprises = grade_enterprises_at(prepared, state, lang)
    audit = Audit(lang, unassigned=list(prepared.audit.unassigned), notes=list(prepared.audit.notes))
    with stages.stage("roads: grade"):
        windowed = snapped_at(prepared, state, accidents, audit)
        road_units = grade_roads_at(prepared, state, lang)
    with stages.stage("counties: grade"):
        counties = grade_counties_at(prepared, state, lang)
    figures = summary(prepared, as_of, counties=counties, enterprises=enterprises, road_units=road_units,
                      accidents=accidents, traffic=windowed.traffic, hazards=hazards)
    return Assessment(
        info=dataclasses.replace(prepared.info, as_of=as_of), counties=counties,
        enterprises=enterprises.drop(columns=["red_by_major_hazard"]), road_units=road_units, accidents=accidents,
        hazards=hazards, unassigned=audit_at(audit.unassigned, lang), notes=notes_at(audit.notes, lang),
        problems=list(prepared.problems),
        summary=figures, standard=prepared.standard, timings=dict(prepared.timings) | stages.timings,
        extra=prepared.extra, origin=Origin(prepared, known_until))


def assess(workspace: str | Path | Workspace, *, as_of: date | None = None, progress: ProgressCallback | None = None,
           language: str | None = None, skip_bad_rows: bool = False) -> Assessment:
    """Assess a workspace: :func:`~riskmap.spatial.prepare` it, then :func:`grade_at` its ``as_of``.

    Parameters
    ----------
    workspace
        A workspace folder (with ``riskmap.toml``) or an already loaded
        :class:`~riskmap.io.workspace.Workspace`.
    as_of
        Assess the workspace as it stood on this date instead of its own ``as_of``
        (accidents from their dates, hazards found, closed and overdue by then).
    progress
        Called as ``progress(stage, None)`` when a stage starts and
        ``progress(stage, seconds)`` when it ends.
    language
        ``zh`` or ``en`` to write messages, reasons and contributors in that language
        instead of the workspace's (for a folder; a loaded Workspace keeps its own).
        A :class:`~riskmap.view.View` renders them in any language later.
    skip_bad_rows
        Leave out the rows with errors, each listed in ``unassigned`` with its error and
        counted in the summary (``skipped``), instead of raising (:mod:`riskmap.io.skipping`).

    Returns
    -------
    Assessment

    Raises
    ------
    riskmap.errors.InputError
        When the workspace or the standard has errors (``problems`` lists them).
    """
    stages = Stages(progress)
    return grade_at(prepare(workspace, as_of=as_of, language=language, stages=stages, skip_bad_rows=skip_bad_rows),
                    stages=stages)

