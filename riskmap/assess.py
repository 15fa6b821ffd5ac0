"""The pipeline: workspace → :class:`~riskmap.assessment.Assessment`.

``assess(path)`` reads and validates the workspace, joins every record to the
counties, builds and grades road units, grades enterprises and counties, and returns
the graded layers with the audit (what was unassigned, and why) and the summary.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from riskmap import coords
from riskmap.assessment import Assessment
from riskmap.errors import Problem
from riskmap.grades import count_by_grade
from riskmap.grading import COMPONENTS, county_components, describe_contributors, grade_counties, grade_enterprises
from riskmap.i18n import message
from riskmap.join import assign_points, snap_points
from riskmap.screening import (
    build_units,
    count_snapped,
    counts_from_road_columns,
    grade_units,
    severity_class,
)
from riskmap.settings import settings
from riskmap.standard import load_standard
from riskmap.workspace import Workspace, load_workspace

ProgressCallback = Callable[[str, float | None], None]


class _Stages:
    """Times the pipeline's stages and reports them to a progress callback."""

    def __init__(self, progress: ProgressCallback | None):
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        if self.progress:
            self.progress(name, None)
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.timings[name] = self.timings.get(name, 0.0) + elapsed
        if self.progress:
            self.progress(name, elapsed)


class _RoadWork:
    """The road geometry of an assessment, computed in a worker thread.

    Projecting the lines, splitting them at county borders, cutting units and
    projecting the units back is GEOS and PROJ work that releases the GIL: started
    as soon as the counties and roads are read, it overlaps with reading, joining and
    grading the point datasets (the province benchmark's critical path).
    """

    def __init__(self, pool: ThreadPoolExecutor):
        self.pool = pool
        self.lock = threading.Lock()
        self.frames: dict[str, gpd.GeoDataFrame] = {}
        self.future = None

    @staticmethod
    def valid_mask(roads: gpd.GeoDataFrame) -> np.ndarray:
        geoms = roads.geometry.to_numpy()
        return ~(pd.isna(geoms) | shapely.is_empty(geoms))

    def on_dataset(self, name: str, frame: gpd.GeoDataFrame, standard) -> None:
        if name not in ("counties", "roads") or standard is None:
            return
        with self.lock:
            self.frames.setdefault(name, frame)
            if self.future is None and len(self.frames) == 2:
                self.future = self.pool.submit(self._compute, self.frames["counties"], self.frames["roads"],
                                               float(standard.roads["unit_length_m"]))

    @classmethod
    def _compute(cls, counties: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, unit_length_m: float) -> dict:
        metric_crs = coords.local_metric_crs(tuple(counties.total_bounds))
        valid = cls.valid_mask(roads)
        if not valid.any():
            return {"lines": np.array([], dtype=object), "units": None, "wgs84": None}
        counties_metric = counties.geometry.to_crs(metric_crs).to_numpy()
        lines = np.asarray(gpd.GeoSeries(roads.geometry.to_numpy()[valid], crs=4326).to_crs(metric_crs).to_numpy(), dtype=object)
        built = build_units(lines, counties_metric, unit_length_m=unit_length_m)
        back = gpd.GeoSeries(built.geometry, crs=metric_crs).to_crs(4326).to_numpy() if len(built.geometry) else None
        return {"lines": lines, "units": built, "wgs84": back}


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in columns}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)


ENTERPRISE_COLUMNS = ["_row", "enterprise_id", "name", "sector", "lec_l", "lec_e", "lec_c", "likelihood", "severity",
                      "major_hazard_level", "employees", "address", "declared_county"]
ACCIDENT_COLUMNS = ["_row", "accident_id", "date", "deaths", "injuries", "kind", "enterprise_id", "sector"]
HAZARD_COLUMNS = ["_row", "hazard_id", "enterprise_id", "level", "status", "found_date", "deadline", "closed_date",
                  "supervision", "description"]
ROAD_COLUMNS = ["_row", "segment_id", "road_name", "road_class", "accidents", "deaths", "injuries"]


def _no_location(geometry: gpd.GeoSeries) -> pd.Series:
    """Rows without a usable point: null, empty, or with non-finite coordinates."""
    values = geometry.to_numpy()
    missing = pd.isna(values) | shapely.is_empty(values)
    present = np.flatnonzero(~missing)
    if present.size:
        xy = shapely.get_coordinates(values[present])
        if len(xy) == len(present):  # points: one coordinate pair each
            missing[present] = ~np.isfinite(xy).all(axis=1)
    return pd.Series(missing, index=geometry.index)


def _dataset(ws: Workspace, name: str, columns: list[str]) -> gpd.GeoDataFrame:
    frame = ws.datasets.get(name)
    if frame is None:
        return _empty(columns)
    return frame


def assess(workspace: str | Path | Workspace, *, progress: ProgressCallback | None = None,
           language: str | None = None) -> Assessment:
    """Assess a workspace.

    Parameters
    ----------
    workspace
        A workspace folder (with ``riskmap.toml``) or an already loaded
        :class:`~riskmap.workspace.Workspace`.
    progress
        Called as ``progress(stage, None)`` when a stage starts and
        ``progress(stage, seconds)`` when it ends.
    language
        ``zh`` or ``en`` to write messages, reasons and contributors in that language
        instead of the workspace's (for a folder; a loaded Workspace keeps its own).

    Returns
    -------
    Assessment

    Raises
    ------
    riskmap.errors.InputError
        When the workspace or the standard has errors (``problems`` lists them).
    """
    stages = _Stages(progress)
    pool = ThreadPoolExecutor(max_workers=2)
    road_work = _RoadWork(pool)
    try:
        return _assess(workspace, stages, pool, road_work, language)
    finally:
        pool.shutdown(wait=False)


def _assess(workspace, stages: _Stages, pool: ThreadPoolExecutor, road_work: "_RoadWork", language: str | None) -> Assessment:
    with stages.stage("read"):
        # The road geometry starts in a worker thread as soon as the counties and the
        # roads are read, while the point datasets are still being parsed.
        ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace, on_dataset=road_work.on_dataset,
                                                                                        language=language)
        # The standard was read and checked with the workspace; a Workspace built by
        # hand may lack it.
        standard = ws.standard or load_standard(ws.standard_spec, base_dir=ws.info.path)
        for name in ("counties", "roads"):
            if name in ws.datasets:
                road_work.on_dataset(name, ws.datasets[name], standard)
    info, lang = ws.info, ws.info.language
    problems: list[Problem] = list(ws.problems)
    unassigned: list[dict] = []
    as_of = pd.Timestamp(info.as_of)

    def unassign(dataset: str, ids, reasons) -> None:
        for record_id, reason in zip(ids, reasons):
            unassigned.append({"dataset": dataset, "id": record_id, "reason": reason})

    # --- counties and the metric CRS -------------------------------------------------
    with stages.stage("counties"):
        counties = ws.datasets["counties"].copy()
        county_codes = counties["county_code"].astype(str).to_numpy()
        county_names = counties["county_name"].astype(str).to_numpy()
        county_geoms = counties.geometry.to_numpy()
        metric_crs = coords.local_metric_crs(tuple(counties.total_bounds))
        to_metric_transformer = pyproj.Transformer.from_crs(4326, metric_crs, always_xy=True)

        def to_metric(x, y):
            return to_metric_transformer.transform(np.asarray(x, float), np.asarray(y, float))

        # Its own metric copy (the road thread makes another): shapely prepares
        # geometries in place, and two threads must not prepare the same objects.
        counties_metric = counties.geometry.to_crs(metric_crs).to_numpy()
        shapely.prepare(counties_metric)

    roads = _dataset(ws, "roads", ROAD_COLUMNS)
    valid = road_work.valid_mask(roads)
    valid_index = np.flatnonzero(valid)

    # Traffic accidents of the window, with their own points, snap to the units; the
    # snapping waits for the road thread in a worker of its own.
    raw_accidents = _dataset(ws, "accidents", ACCIDENT_COLUMNS)
    accident_day = raw_accidents["date"].dt.normalize() if len(raw_accidents) else pd.Series(dtype="datetime64[ns]")
    window_start = as_of - pd.DateOffset(months=int(standard.roads["window_months"]))
    in_window = ((accident_day > window_start) & (accident_day <= as_of)).to_numpy(dtype=bool)
    accident_no_point = _no_location(raw_accidents.geometry)
    traffic = (raw_accidents["kind"] == "traffic").to_numpy(dtype=bool) & in_window & ~accident_no_point.to_numpy()
    traffic_points = raw_accidents.geometry.to_numpy()[traffic]
    road_job = road_work.future

    def snap_traffic():
        built = road_job.result()["units"] if road_job is not None else None
        if built is None or not len(built.geometry) or "accidents" not in ws.datasets:
            return None
        mx, my = to_metric(shapely.get_x(traffic_points), shapely.get_y(traffic_points))
        return snap_points(shapely.points(mx, my), built.geometry, max_distance=float(standard.roads["snap_distance_m"]))

    snap_job = pool.submit(snap_traffic)

    def place(frame: gpd.GeoDataFrame, dataset: str, id_column: str, file: str, missing: np.ndarray) -> np.ndarray:
        """Assign the points of a frame to counties; warn, and list the unassigned.

        ``missing`` marks the rows without a location (known by the caller).
        """
        geoms = frame.geometry.to_numpy()
        x = np.where(missing, np.nan, shapely.get_x(np.where(missing, None, geoms)))
        y = np.where(missing, np.nan, shapely.get_y(np.where(missing, None, geoms)))
        result = assign_points(x, y, county_geoms, codes=county_codes, to_metric=to_metric,
                               counties_metric=counties_metric, tolerance_m=settings.border_tolerance_m)
        rows = frame["_row"].to_numpy()
        for position in np.flatnonzero(result.by_tolerance):
            problems.append(Problem("warning", file, message("near_border", lang, dist=result.distance_m[position],
                                                                    county=county_names[result.county[position]]),
                                    row=int(rows[position]), column="lon"))
        far = np.flatnonzero((result.county < 0) & np.isfinite(result.distance_m))
        reasons = []
        for position in far:
            dist = result.distance_m[position]
            text = f"{dist / 1000:.1f} km" if dist >= 1000 else f"{dist:.0f} m"
            reasons.append(message("outside_region", lang, dist=text, county=county_names[result.nearest[position]]))
        unassign(dataset, frame[id_column].to_numpy()[far], reasons)
        return result.county

    def code_of(position: np.ndarray) -> np.ndarray:
        return np.where(position >= 0, county_codes[np.maximum(position, 0)], None)

    def name_of(position: np.ndarray) -> np.ndarray:
        return np.where(position >= 0, county_names[np.maximum(position, 0)], None)

    # --- enterprises ------------------------------------------------------------------
    with stages.stage("enterprises: join"):
        enterprises = _dataset(ws, "enterprises", ENTERPRISE_COLUMNS).copy()
        file = ws.files.get("enterprises", "enterprises")
        no_location = _no_location(enterprises.geometry)
        unassign("enterprises", enterprises.loc[no_location, "enterprise_id"], [message("no_location", lang)] * int(no_location.sum()))
        ent_county = place(enterprises, "enterprises", "enterprise_id", file, no_location.to_numpy())
        enterprises["county_code"] = code_of(ent_county)
        enterprises["county_name"] = name_of(ent_county)
        if "declared_county" in enterprises:
            declared = enterprises["declared_county"]
            mismatch = declared.notna() & enterprises["county_code"].notna() & (declared.astype(str) != enterprises["county_code"].astype(str))
            for row, value, actual in zip(enterprises.loc[mismatch, "_row"], declared[mismatch], enterprises.loc[mismatch, "county_name"]):
                problems.append(Problem("warning", file, message("county_mismatch", lang, value=value, actual=actual),
                                        row=int(row), column="county_code", value=str(value)))
        enterprise_pos = pd.Series(np.arange(len(enterprises)), index=enterprises["enterprise_id"].astype(str))
        ent_geom = enterprises.geometry.to_numpy()

    # --- accidents ----------------------------------------------------------------------
    with stages.stage("accidents: join"):
        accidents = _dataset(ws, "accidents", ACCIDENT_COLUMNS).copy()
        file = ws.files.get("accidents", "accidents")
        if "sector" not in accidents:
            accidents["sector"] = None
        # Positions of the named enterprises, looked up once (-1: none or unknown).
        acc_ent = accidents["enterprise_id"].map(enterprise_pos).fillna(-1).to_numpy(dtype=np.int64)
        known = pd.Series(acc_ent >= 0, index=accidents.index)
        unknown = accidents["enterprise_id"].notna() & ~known if len(accidents) else pd.Series(dtype=bool)
        unassign("accidents", accidents.loc[unknown, "accident_id"],
                 [message("unknown_enterprise", lang, value=v) for v in accidents.loc[unknown, "enterprise_id"]])
        if len(accidents):
            positions = acc_ent[known.to_numpy()]
            # A production accident tied to a known enterprise takes its sector, and its
            # location when it has none of its own.
            accidents.loc[known, "sector"] = accidents.loc[known, "sector"].where(
                accidents.loc[known, "sector"].notna(), enterprises["sector"].to_numpy()[positions])
            no_point = accident_no_point  # accidents is a copy of raw_accidents, same index
            fill = known & no_point
            if fill.any():
                accidents.loc[fill, "geometry"] = ent_geom[acc_ent[fill.to_numpy()]]
            still = no_point & ~fill  # a known enterprise always has a point or is itself unassigned
            if fill.any():
                still |= fill & _no_location(accidents.geometry)
            unassign("accidents", accidents.loc[still, "accident_id"], [message("no_location", lang)] * int(still.sum()))
        else:
            still = pd.Series(dtype=bool)
        acc_county = place(accidents, "accidents", "accident_id", file, still.to_numpy(dtype=bool))
        accidents["county_code"] = code_of(acc_county)
        accidents["county_name"] = name_of(acc_county)
        day = accidents["date"].dt.normalize() if len(accidents) else pd.Series(dtype="datetime64[ns]")
        year_start = as_of - pd.DateOffset(months=int(standard.counties["points"].get("accident_months", 12)))
        accidents["in_window"] = in_window
        accidents["in_12m"] = (day > year_start) & (day <= as_of)
        accidents["severity_class"] = severity_class(accidents["deaths"], accidents["injuries"])

    # --- hazards -----------------------------------------------------------------------
    with stages.stage("hazards: join"):
        hazards = _dataset(ws, "hazards", HAZARD_COLUMNS).copy()
        file = ws.files.get("hazards", "hazards")
        ent_ids = hazards["enterprise_id"]
        hazard_ent = ent_ids.map(enterprise_pos).fillna(-1).to_numpy(dtype=np.int64)
        known = pd.Series(hazard_ent >= 0, index=hazards.index)
        unknown = ent_ids.notna() & ~known if len(hazards) else pd.Series(dtype=bool)
        unassign("hazards", hazards.loc[unknown, "hazard_id"], [message("unknown_enterprise", lang, value=v) for v in ent_ids[unknown]])
        own_point = ~_no_location(hazards.geometry)
        hazards["located_by"] = np.where(known, "enterprise", np.where(own_point, "point", "none")) if len(hazards) else []
        hazard_county = np.full(len(hazards), -1, dtype=np.int64)
        if len(hazards):
            ent_index = hazard_ent[known.to_numpy()]
            hazards.loc[known, "geometry"] = ent_geom[ent_index]
            hazard_county[known.to_numpy()] = ent_county[ent_index]
            by_point = (hazards["located_by"] == "point").to_numpy()
            if by_point.any():
                hazard_county[by_point] = place(hazards[by_point], "hazards", "hazard_id", file, np.zeros(int(by_point.sum()), dtype=bool))
            nowhere = hazards["located_by"] == "none"
            unassign("hazards", hazards.loc[nowhere, "hazard_id"], [message("no_hazard_location", lang)] * int(nowhere.sum()))
            hazards.loc[nowhere, "geometry"] = None
        hazards["county_code"] = code_of(hazard_county)
        hazards["county_name"] = name_of(hazard_county)
        hazards["is_open"] = hazards["status"].isin(["open", "rectifying"])
        hazards["overdue"] = hazards["is_open"] & hazards["deadline"].notna() & (hazards["deadline"] < as_of)
        hazards["days_overdue"] = np.where(hazards["overdue"], (as_of - hazards["deadline"]).dt.days, 0).astype(int) if len(hazards) else []
        safe = np.maximum(hazard_ent, 0)
        hazards["name"] = np.where(hazard_ent >= 0, enterprises["name"].to_numpy(dtype=object)[safe] if len(enterprises) else "", "")
        hazards["sector"] = np.where(hazard_ent >= 0, enterprises["sector"].to_numpy(dtype=object)[safe] if len(enterprises) else None, None)

    # --- enterprise grades ---------------------------------------------------------------
    with stages.stage("enterprises: grade"):
        n_ent = len(enterprises)

        def per_enterprise(positions: np.ndarray, mask) -> pd.Series:
            """Count records per enterprise from their enterprise positions (-1: none)."""
            chosen = positions[np.asarray(mask, dtype=bool) & (positions >= 0)]
            return pd.Series(np.bincount(chosen, minlength=n_ent).astype(int), index=enterprises.index)

        is_open = hazards["is_open"].to_numpy(dtype=bool)
        open_major = (hazard_ent, is_open & (hazards["level"] == "major").to_numpy())
        overdue = (hazard_ent, is_open & hazards["overdue"].to_numpy(dtype=bool))
        open_count = (hazard_ent, is_open)
        fatal_12m = (acc_ent, ((accidents["kind"] == "production") & (accidents["deaths"] >= 1) & accidents["in_12m"]).to_numpy(dtype=bool))

        graded = grade_enterprises(enterprises, standard, lang=lang, open_major=per_enterprise(*open_major),
                                   overdue=per_enterprise(*overdue), fatal_12m=per_enterprise(*fatal_12m))
        for column in graded.columns:
            enterprises[column] = graded[column]
        points_table = standard.counties["points"]
        enterprises["score"] = enterprises["grade"].map(points_table["enterprises"]).astype(float)
        enterprises["open_hazards"] = per_enterprise(*open_count)
        enterprises["major_open_hazards"] = per_enterprise(*open_major)
        enterprises["overdue_hazards"] = per_enterprise(*overdue)
        enterprises["fatal_accidents_12m"] = per_enterprise(*fatal_12m)

    # --- roads ---------------------------------------------------------------------------
    with stages.stage("roads: split and cut"):
        # Only the part not already overlapped with the stages above is timed here.
        road_file = ws.files.get("roads", "roads")
        unassign("roads", roads.loc[~valid, "segment_id"], [message("empty_geometry", lang)] * int((~valid).sum()))
        road_result = road_job.result() if road_job is not None else {"lines": np.array([], dtype=object), "units": None, "wgs84": None}
        lines_metric, units, unit_geoms_wgs = road_result["lines"], road_result["units"], road_result["wgs84"]
        snap_result = snap_job.result()
        input_length = shapely.length(lines_metric) if len(lines_metric) else np.array([])
        inside = units.inside_length if units is not None else np.zeros(len(lines_metric))
        outside = input_length - inside
        for pos in np.flatnonzero(inside <= 0):
            unassign("roads", [roads["segment_id"].iat[valid_index[pos]]], [message("road_outside", lang)])
        partly = np.flatnonzero((inside > 0) & (outside > 1.0))
        for pos in partly:
            problems.append(Problem("warning", road_file, message("road_partly_outside", lang, value=f"{outside[pos]:.0f}"),
                                    row=int(roads["_row"].iat[valid_index[pos]]), unit="feature", column="geometry"))

    with stages.stage("roads: snap and grade"):
        if units is not None and len(units.geometry):
            seg_rows = valid_index[units.segment]
            unit_length = shapely.length(units.geometry)
            unit_ids = [f"{s}-{county_codes[c]}-{p + 1}-{i + 1:03d}" if p else f"{s}-{county_codes[c]}-{i + 1:03d}"
                        for s, c, p, i in zip(roads["segment_id"].to_numpy()[seg_rows], units.county, units.piece, units.index)]
        else:
            seg_rows, unit_length, unit_ids = np.array([], dtype=int), np.array([]), []
        accidents["unit_id"] = None
        accidents["snap_distance_m"] = np.nan
        have_points = "accidents" in ws.datasets and len(accidents) > 0
        if snap_result is not None and have_points:
            snapped, distance = snap_result
            ok = snapped >= 0
            traffic_index = accidents.index[traffic]
            accidents.loc[traffic_index[ok], "unit_id"] = np.asarray(unit_ids, dtype=object)[snapped[ok]]
            accidents.loc[traffic_index, "snap_distance_m"] = distance
            counts = count_snapped(len(units.geometry), snapped, accidents.loc[traffic, "severity_class"].to_numpy())
            unsnapped_ids = accidents.loc[traffic_index[~ok], "accident_id"]
            unassign("accidents", unsnapped_ids,
                     [message("unsnapped", lang, dist=float(standard.roads["snap_distance_m"]))] * len(unsnapped_ids))
        elif units is not None and len(units.geometry):
            counts = counts_from_road_columns(roads.iloc[valid_index].reset_index(drop=True), units.segment, unit_length, units.inside_length)
        else:
            counts = pd.DataFrame({"fatal": [], "injury": [], "pdo": []})
        unit_grades = grade_units(counts, unit_length, standard, lang=lang)
        if units is not None and len(units.geometry):
            road_units = gpd.GeoDataFrame({
                "unit_id": unit_ids,
                "segment_id": roads["segment_id"].to_numpy()[seg_rows],
                "road_name": roads["road_name"].to_numpy()[seg_rows],
                "road_class": roads["road_class"].to_numpy()[seg_rows],
                "county_code": county_codes[units.county],
                "county_name": county_names[units.county],
                "length_m": unit_length,
                "fatal": counts["fatal"].to_numpy(),
                "injury": counts["injury"].to_numpy(),
                "pdo": counts["pdo"].to_numpy(),
                **{c: unit_grades[c].to_numpy() for c in ("epdo", "rate", "accident_prone", "grade", "score", "reasons")},
            }, geometry=unit_geoms_wgs, crs=4326)
            if have_points:
                for column in ("fatal", "injury", "pdo"):
                    road_units[column] = road_units[column].astype(int)
        else:
            road_units = _empty(["unit_id", "segment_id", "road_name", "road_class", "county_code", "county_name", "length_m",
                                 "fatal", "injury", "pdo", "epdo", "rate", "accident_prone", "grade", "score", "reasons"])
            road_units["accident_prone"] = road_units["accident_prone"].astype(bool)

    # --- counties ---------------------------------------------------------------------
    with stages.stage("counties: grade"):
        components, contributions = county_components(county_codes, enterprises=enterprises, road_units=road_units,
                                                      hazards=hazards, accidents=accidents, standard=standard, lang=lang)
        for column in components.columns:
            counties[column] = components[column].to_numpy()
        floor_counties = enterprises.loc[enterprises["red_by_major_hazard"].astype(bool), "county_code"].dropna().unique()
        floor = pd.Series(np.isin(county_codes, floor_counties), index=counties.index)
        graded = grade_counties(counties[list(COMPONENTS)], standard, lang=lang, floor=floor)
        counties["score"] = graded["score"]
        counties["grade"] = graded["grade"]
        counties["reasons"] = graded["reasons"]
        top = describe_contributors(contributions, lang=lang, top=int(standard.counties.get("top_contributors", 3)))
        counties["top_contributors"] = pd.Series(np.arange(len(counties))).map(top).astype(object).fillna("").to_numpy()
        counties["area_km2"] = shapely.area(counties_metric) / 1e6

    # --- summary -----------------------------------------------------------------------
    unassigned_frame = _one_row_per_record(pd.DataFrame(unassigned, columns=["dataset", "id", "reason"]), lang)
    summary = _summary(info, standard, counties=counties, enterprises=enterprises, roads=roads, road_units=road_units,
                       input_length=input_length, accidents=accidents, traffic=traffic, hazards=hazards)
    enterprises = enterprises.drop(columns=["declared_county", "red_by_major_hazard"], errors="ignore")
    return Assessment(
        info=info,
        counties=counties,
        enterprises=enterprises,
        road_units=road_units,
        accidents=accidents,
        hazards=hazards,
        unassigned=unassigned_frame,
        problems=problems,
        summary=summary,
        standard=standard,
        timings=stages.timings,
        extra=ws.extra,
    )


def _one_row_per_record(unassigned: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Join the reasons of a record listed more than once.

    A hazard naming an unknown enterprise and having no location of its own has two
    reasons; only such rows are grouped (grouping all of a province's 30,000 rows
    would cost half a second).
    """
    repeated = unassigned.duplicated(["dataset", "id"], keep=False)
    if not repeated.any():
        return unassigned
    sep = "；" if lang == "zh" else "; "
    joined = unassigned[repeated].groupby(["dataset", "id"], sort=False)["reason"].agg(sep.join)
    out = unassigned[~unassigned.duplicated(["dataset", "id"], keep="first")].copy()
    replaced = joined.reindex(pd.MultiIndex.from_frame(out[["dataset", "id"]])).to_numpy()
    out["reason"] = np.where(pd.isna(replaced), out["reason"].to_numpy(), replaced)
    return out.reset_index(drop=True)


def _summary(info, standard, *, counties, enterprises, roads, road_units, input_length, accidents, traffic, hazards) -> dict:
    """The ``summary.json`` dictionary of DESIGN §7."""
    open_mask = hazards["is_open"]
    return {
        "as_of": info.as_of.isoformat(),
        "standard": standard.name,
        "counties": {"count": int(len(counties)), "by_grade": count_by_grade(counties["grade"])},
        "enterprises": {
            "input": int(len(enterprises)),
            "assigned": int(enterprises["county_code"].notna().sum()),
            "unassigned": int(enterprises["county_code"].isna().sum()),
            "by_grade": count_by_grade(enterprises["grade"]),
        },
        "roads": {
            "segments_input": int(len(roads)),
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
