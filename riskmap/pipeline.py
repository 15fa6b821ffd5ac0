"""The pipeline: workspace → :class:`~riskmap.assessment.Assessment`, as named stages.

``assess(path)`` is :func:`riskmap.spatial.prepare` (read, join points, link hazards
and accidents to enterprises, road units, snapping: everything that does not depend
on the date) followed by :func:`grade_at` (what holds at ``as_of``):

1. :func:`accidents_at`: which accidents lie in the 36- and 12-month windows;
2. :func:`hazards_at`: which hazards are open, and overdue, at the date;
3. :func:`grade_enterprises_at` (while the road worker may still be running);
4. :func:`snapped_at`: the unit each snapped traffic accident of the window counts for;
5. :func:`grade_roads_at`, :func:`grade_counties_at`;
6. :func:`audit_at`: every record left unassigned, one row each, with its reasons;
7. :func:`summary`: the ``summary.json`` figures.

``grade_at(prepared, as_of)`` can run at many dates on one :class:`Prepared` (it copies,
never changes it): the seam the history and forecast of issue 11 are built on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap.assessment import Assessment
from riskmap.grades import count_by_grade
from riskmap.grading import COMPONENTS, county_components, grade_counties, grade_enterprises, grade_hazards, top_contributors
from riskmap.i18n import msg
from riskmap.io.workspace import Workspace
from riskmap.periods import in_window
from riskmap.places import Audit, ProgressCallback, Stages
from riskmap.reasons import render_column
from riskmap.roadwork import UNIT_COLUMNS
from riskmap.screening import count_snapped, grade_units, severity_class
from riskmap.spatial import Prepared, prepare

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
    unit
        The unit position of each of them (-1: not snapped), in row order; ``None``
        when nothing was snapped (no units, or no accident file).
    """

    accidents: gpd.GeoDataFrame
    traffic: np.ndarray
    unit: np.ndarray | None


def accidents_at(prepared: Prepared, as_of: date) -> gpd.GeoDataFrame:
    """The accidents with their windows at ``as_of``: ``in_window`` (36 months), ``in_12m``."""
    standard = prepared.standard
    accidents = prepared.accidents.copy()
    accidents["in_window"] = in_window(accidents["date"], as_of, int(standard.roads["window_months"])).to_numpy(dtype=bool)
    accidents["in_12m"] = in_window(accidents["date"], as_of, int(standard.counties["points"].get("accident_months", 12)))
    accidents["severity_class"] = severity_class(accidents["deaths"], accidents["injuries"])
    accidents["unit_id"] = None
    accidents["snap_distance_m"] = np.nan
    return accidents


def snapped_at(prepared: Prepared, accidents: gpd.GeoDataFrame, audit: Audit) -> Windowed:
    """The units the traffic accidents of the window snapped to; the unsnapped ones are noted.

    An unsnapped accident still has its county, so it goes to ``notes.csv``; without
    any road unit (no roads dataset, or none inside the region) every traffic accident
    of the window is unsnapped, counted and noted as such.
    """
    snapping, window = prepared.snapping, accidents["in_window"].to_numpy(dtype=bool)
    kept = window[snapping.rows] if len(snapping.rows) else np.zeros(0, dtype=bool)
    rows = snapping.rows[kept]
    traffic = np.zeros(len(accidents), dtype=bool)
    traffic[rows] = True
    labels = accidents.index[rows]
    if snapping.unit is None or not prepared.accident_points:
        audit.note("accidents", accidents.loc[labels, "accident_id"], accidents.loc[labels, "county_code"],
                   [msg("unsnapped_no_roads")] * len(labels))
        return Windowed(accidents, traffic, None)
    unit, distance = snapping.unit[kept], snapping.distance[kept]
    ok = unit >= 0
    accidents.loc[labels[ok], "unit_id"] = prepared.network.units["unit_id"][unit[ok]]
    accidents.loc[labels, "snap_distance_m"] = distance
    distance_m = float(prepared.standard.roads["snap_distance_m"])
    audit.unassign_or_note("accidents", accidents.loc[labels[~ok], "accident_id"], accidents.loc[labels[~ok], "county_code"],
                           [msg("unsnapped", dist=distance_m)] * int((~ok).sum()))
    return Windowed(accidents, traffic, unit)


def hazards_at(prepared: Prepared, as_of: date) -> gpd.GeoDataFrame:
    """The hazards with ``is_open``, ``overdue`` and ``days_overdue`` at ``as_of``.

    ``is_open`` comes from the file's ``status`` (open or rectifying); a history (issue
    11) will derive it at each date from ``found_date`` and ``closed_date`` here.
    """
    hazards = prepared.hazards.copy()
    day = pd.Timestamp(as_of)
    hazards["is_open"] = hazards["status"].isin(["open", "rectifying"])
    hazards["overdue"] = hazards["is_open"] & hazards["deadline"].notna() & (hazards["deadline"] < day)
    hazards["days_overdue"] = np.where(hazards["overdue"], (day - hazards["deadline"]).dt.days, 0).astype(int) \
        if len(hazards) else []
    graded = grade_hazards(hazards, prepared.standard, lang=prepared.info.language)
    for column in graded.columns:
        hazards[column] = graded[column]
    order = [c for c in hazards.columns if c not in ("name", "sector")] + ["name", "sector"]
    return hazards[order]


def _per_enterprise(positions: np.ndarray, mask, n: int, index: pd.Index) -> pd.Series:
    """Count records per enterprise from their enterprise positions (-1: none)."""
    chosen = positions[np.asarray(mask, dtype=bool) & (positions >= 0)]
    return pd.Series(np.bincount(chosen, minlength=n).astype(int), index=index)


def grade_enterprises_at(prepared: Prepared, accidents: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame,
                         lang: str, as_of: date | None = None) -> gpd.GeoDataFrame:
    """Grade the enterprises on their hazards and accidents at the date."""
    enterprises = prepared.enterprises.frame.copy()
    n, index = len(enterprises), enterprises.index
    owner, open_ = prepared.hazard_enterprise, hazards["is_open"].to_numpy(dtype=bool)
    open_major = _per_enterprise(owner, open_ & (hazards["level"] == "major").to_numpy(), n, index)
    overdue = _per_enterprise(owner, open_ & hazards["overdue"].to_numpy(dtype=bool), n, index)
    # The rule's own window (``fatal_accident_12m.months``), not the county score's.
    months = int(prepared.standard.rule("fatal_accident_12m").get("months", 12))
    in_rule = in_window(accidents["date"], prepared.info.as_of if as_of is None else as_of, months).to_numpy(dtype=bool)
    fatal = ((accidents["kind"] == "production") & (accidents["deaths"] >= 1)).to_numpy(dtype=bool) & in_rule
    fatal_12m = _per_enterprise(prepared.accident_enterprise, fatal, n, index)
    graded = grade_enterprises(enterprises, prepared.standard, lang=lang, open_major=open_major,
                               overdue=overdue, fatal_12m=fatal_12m)
    for column in graded.columns:
        enterprises[column] = graded[column]
    enterprises["score"] = enterprises["grade"].map(prepared.standard.counties["points"]["enterprises"]).astype(float)
    enterprises["open_hazards"] = _per_enterprise(owner, open_, n, index)
    enterprises["major_open_hazards"] = open_major
    enterprises["overdue_hazards"] = overdue
    enterprises["fatal_accidents_12m"] = fatal_12m
    return enterprises


GRADED_UNIT_COLUMNS = ["fatal", "injury", "pdo", "epdo", "rate", "accident_prone", "grade", "score", "reasons", "reason_codes"]


def grade_roads_at(prepared: Prepared, windowed: Windowed, lang: str) -> gpd.GeoDataFrame:
    """Grade the road units on the accidents of the window (or the roads' own counts)."""
    network = prepared.network
    if not len(network):
        empty = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in UNIT_COLUMNS + GRADED_UNIT_COLUMNS},
                                 geometry=gpd.GeoSeries([], crs=4326), crs=4326)
        empty["accident_prone"] = empty["accident_prone"].astype(bool)
        return empty
    if windowed.unit is not None:
        severity = windowed.accidents.loc[windowed.traffic, "severity_class"].to_numpy()
        counts = count_snapped(len(network), windowed.unit, severity)
    else:
        counts = network.column_counts()
    graded = grade_units(counts, network.units["length_m"], prepared.standard, lang=lang)
    columns = dict(network.units)
    columns.update({c: counts[c].to_numpy() for c in ("fatal", "injury", "pdo")})
    columns.update({c: graded[c].to_numpy() for c in GRADED_UNIT_COLUMNS[3:]})
    road_units = gpd.GeoDataFrame(columns, geometry=network.geometry, crs=4326)
    if windowed.unit is not None:
        for column in ("fatal", "injury", "pdo"):
            road_units[column] = road_units[column].astype(int)
    return road_units


def grade_counties_at(prepared: Prepared, enterprises: gpd.GeoDataFrame, road_units: gpd.GeoDataFrame,
                      hazards: gpd.GeoDataFrame, accidents: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """Grade the counties on their four components; name their top contributors."""
    standard, codes = prepared.standard, prepared.places.codes
    counties = prepared.counties.copy()
    components, contributions = county_components(codes, enterprises=enterprises, road_units=road_units,
                                                  hazards=hazards, accidents=accidents, standard=standard)
    for column in components.columns:
        counties[column] = components[column].to_numpy()
    floor_counties = enterprises.loc[enterprises["red_by_major_hazard"].astype(bool), "county_code"].dropna().unique()
    floor = pd.Series(np.isin(codes, floor_counties), index=counties.index)
    graded = grade_counties(counties[list(COMPONENTS)], standard, lang=lang, floor=floor)
    for column in ("score", "grade", "reasons", "reason_codes"):
        counties[column] = graded[column]
    top = top_contributors(contributions, len(counties), top=int(standard.counties.get("top_contributors", 3)))
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
    }


def grade_at(prepared: Prepared, as_of: date | None = None, *, stages: Stages | None = None) -> Assessment:
    """Grade a prepared workspace as it stood at ``as_of`` (default: the workspace's ``as_of``).

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
        accidents = accidents_at(prepared, as_of)
        hazards = hazards_at(prepared, as_of)
        enterprises = grade_enterprises_at(prepared, accidents, hazards, lang, as_of)
    prepared.wait_for_roads()  # the first time, the road worker has run while the enterprises were graded
    audit = Audit(lang, unassigned=list(prepared.audit.unassigned), notes=list(prepared.audit.notes))
    with stages.stage("roads: grade"):
        windowed = snapped_at(prepared, accidents, audit)
        traffic = windowed.traffic
        road_units = grade_roads_at(prepared, windowed, lang)
    with stages.stage("counties: grade"):
        counties = grade_counties_at(prepared, enterprises, road_units, hazards, accidents, lang)
    figures = summary(prepared, as_of, counties=counties, enterprises=enterprises, road_units=road_units,
                      accidents=accidents, traffic=traffic, hazards=hazards)
    return Assessment(
        info=prepared.info, counties=counties, enterprises=enterprises.drop(columns=["red_by_major_hazard"]),
        road_units=road_units, accidents=accidents, hazards=hazards, unassigned=audit_at(audit.unassigned, lang),
        notes=notes_at(audit.notes, lang),
        problems=list(prepared.problems), summary=figures, standard=prepared.standard,
        timings=dict(prepared.timings) | stages.timings, extra=prepared.extra)


def assess(workspace: str | Path | Workspace, *, progress: ProgressCallback | None = None,
           language: str | None = None) -> Assessment:
    """Assess a workspace: :func:`~riskmap.spatial.prepare` it, then :func:`grade_at` its ``as_of``.

    Parameters
    ----------
    workspace
        A workspace folder (with ``riskmap.toml``) or an already loaded
        :class:`~riskmap.io.workspace.Workspace`.
    progress
        Called as ``progress(stage, None)`` when a stage starts and
        ``progress(stage, seconds)`` when it ends.
    language
        ``zh`` or ``en`` to write messages, reasons and contributors in that language
        instead of the workspace's (for a folder; a loaded Workspace keeps its own).
        A :class:`~riskmap.view.View` renders them in any language later.

    Returns
    -------
    Assessment

    Raises
    ------
    riskmap.errors.InputError
        When the workspace or the standard has errors (``problems`` lists them).
    """
    stages = Stages(progress)
    return grade_at(prepare(workspace, language=language, stages=stages), stages=stages)

