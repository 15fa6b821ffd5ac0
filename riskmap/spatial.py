"""The spatial stages of an assessment: everything that does not depend on the date.

:func:`prepare` reads the workspace and does the geometry once: the counties in a
local metric CRS, every point placed in its county (enterprises; accidents and
hazards linked to their enterprises first), the roads split at county borders and cut
into units, and the traffic accidents snapped to the units.  The result, a
:class:`Prepared`, is what :func:`riskmap.pipeline.grade_at` grades at a date, so an
assessment at many dates (issue 11: history and forecast) repeats only the grading.

The road geometry runs in a worker thread (:func:`road_geometry`, submitted by
:func:`start_road_geometry` as soon as the counties and the roads are read) and the
snapping in another (:func:`snap_accidents`), overlapping the reading and joining of
the point datasets: GEOS and PROJ release the GIL.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from riskmap import coords
from riskmap.assessment import WorkspaceInfo
from riskmap.errors import Problem
from riskmap.i18n import Msg, msg
from riskmap.io.workspace import Workspace, load_workspace
from riskmap.join import assign_points, snap_points
from riskmap.periods import months_before
from riskmap.runtime import settings
from riskmap.screening import RoadUnits, build_units, counts_from_road_columns
from riskmap.standard import Standard, load_standard

ProgressCallback = Callable[[str, float | None], None]

ENTERPRISE_COLUMNS = ["_row", "enterprise_id", "name", "sector", "lec_l", "lec_e", "lec_c", "likelihood", "severity",
                      "major_hazard_level", "employees", "address", "declared_county"]
ACCIDENT_COLUMNS = ["_row", "accident_id", "date", "deaths", "injuries", "kind", "enterprise_id", "sector"]
HAZARD_COLUMNS = ["_row", "hazard_id", "enterprise_id", "level", "status", "found_date", "deadline", "closed_date",
                  "supervision", "description"]
ROAD_COLUMNS = ["_row", "segment_id", "road_name", "road_class", "accidents", "deaths", "injuries"]


class Stages:
    """Times the pipeline's stages and reports them to a progress callback."""

    def __init__(self, progress: ProgressCallback | None = None):
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name, None)
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.timings[name] = self.timings.get(name, 0.0) + elapsed
        if self.progress:
            self.progress(name, elapsed)


@dataclass
class Audit:
    """What the stages say about records: unassigned ones (with a reason) and warnings."""

    lang: str
    unassigned: list[tuple[str, Any, Msg]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def unassign(self, dataset: str, ids, reasons) -> None:
        """List records as unassigned, each with its reason (a :class:`~riskmap.i18n.Msg`)."""
        for record_id, reason in zip(ids, reasons):
            self.unassigned.append((dataset, record_id, reason))

    def warn(self, file: str, text: Msg, **where) -> None:
        self.problems.append(Problem.said("warning", file, text, self.lang, **where))


# --- the road worker -----------------------------------------------------------------

@dataclass
class RoadGeometry:
    """The road work of the worker thread, in the metric CRS."""

    lines: np.ndarray  # the valid segments' lines
    units: RoadUnits | None
    wgs84: np.ndarray | None  # the units' lines back in WGS-84


def valid_lines(roads: gpd.GeoDataFrame) -> np.ndarray:
    """Segments with a geometry (neither missing nor empty)."""
    geoms = roads.geometry.to_numpy()
    return ~(pd.isna(geoms) | shapely.is_empty(geoms))


def road_geometry(counties: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, unit_length_m: float) -> RoadGeometry:
    """Project the roads, split them at county borders, cut units, project the units back."""
    metric_crs = coords.local_metric_crs(tuple(counties.total_bounds))
    valid = valid_lines(roads)
    if not valid.any():
        return RoadGeometry(np.array([], dtype=object), None, None)
    # Its own metric copy of the counties: shapely prepares geometries in place, and
    # two threads must not prepare the same objects.
    counties_metric = counties.geometry.to_crs(metric_crs).to_numpy()
    lines = np.asarray(gpd.GeoSeries(roads.geometry.to_numpy()[valid], crs=4326).to_crs(metric_crs).to_numpy(), dtype=object)
    built = build_units(lines, counties_metric, unit_length_m=unit_length_m)
    back = gpd.GeoSeries(built.geometry, crs=metric_crs).to_crs(4326).to_numpy() if len(built.geometry) else None
    return RoadGeometry(lines, built, back)


@dataclass
class RoadJob:
    """The road worker's start: the counties and roads as they are read, and its future."""

    pool: ThreadPoolExecutor
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    future: Future | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_road_geometry(job: RoadJob, name: str, frame: gpd.GeoDataFrame, standard: Standard | None) -> None:
    """Called as each dataset is read: submit :func:`road_geometry` once counties and roads are in."""
    if name not in ("counties", "roads") or standard is None:
        return
    with job.lock:
        job.frames.setdefault(name, frame)
        if job.future is None and len(job.frames) == 2:
            job.future = job.pool.submit(road_geometry, job.frames["counties"], job.frames["roads"],
                                         float(standard.roads["unit_length_m"]))


def snap_accidents(road: Future | None, points_metric: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Snap points to the road units once the road worker is done (None without units)."""
    built = road.result().units if road is not None else None
    if built is None or not len(built.geometry):
        return None
    return snap_points(points_metric, built.geometry, max_distance=max_distance)


# --- counties -------------------------------------------------------------------------

@dataclass
class CountyPlaces:
    """The counties as the joins use them: codes, names, WGS-84 and metric shapes."""

    codes: np.ndarray
    names: np.ndarray
    geoms: np.ndarray
    metric_crs: pyproj.CRS
    metric: np.ndarray
    transformer: pyproj.Transformer

    @classmethod
    def of(cls, counties: gpd.GeoDataFrame) -> CountyPlaces:
        metric_crs = coords.local_metric_crs(tuple(counties.total_bounds))
        metric = counties.geometry.to_crs(metric_crs).to_numpy()
        shapely.prepare(metric)
        return cls(counties["county_code"].astype(str).to_numpy(), counties["county_name"].astype(str).to_numpy(),
                   counties.geometry.to_numpy(), metric_crs, metric,
                   pyproj.Transformer.from_crs(4326, metric_crs, always_xy=True))

    def to_metric(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return self.transformer.transform(np.asarray(x, float), np.asarray(y, float))

    def code_of(self, position: np.ndarray) -> np.ndarray:
        return np.where(position >= 0, self.codes[np.maximum(position, 0)], None)

    def name_of(self, position: np.ndarray) -> np.ndarray:
        return np.where(position >= 0, self.names[np.maximum(position, 0)], None)


def no_location(geometry: gpd.GeoSeries) -> pd.Series:
    """Rows without a usable point: null, empty, or with non-finite coordinates."""
    values = geometry.to_numpy()
    missing = pd.isna(values) | shapely.is_empty(values)
    present = np.flatnonzero(~missing)
    if present.size:
        xy = shapely.get_coordinates(values[present])
        if len(xy) == len(present):  # points: one coordinate pair each
            missing[present] = ~np.isfinite(xy).all(axis=1)
    return pd.Series(missing, index=geometry.index)


def place_points(frame: gpd.GeoDataFrame, dataset: str, id_column: str, file: str, missing: np.ndarray,
                 places: CountyPlaces, audit: Audit) -> np.ndarray:
    """Assign a frame's points to counties; warn, and list the unassigned.

    ``missing`` marks the rows without a location (known by the caller).  Returns the
    county position of each row (-1: none).
    """
    geoms = frame.geometry.to_numpy()
    x = np.where(missing, np.nan, shapely.get_x(np.where(missing, None, geoms)))
    y = np.where(missing, np.nan, shapely.get_y(np.where(missing, None, geoms)))
    result = assign_points(x, y, places.geoms, codes=places.codes, to_metric=places.to_metric,
                           counties_metric=places.metric, tolerance_m=settings.border_tolerance_m)
    rows = frame["_row"].to_numpy()
    for position in np.flatnonzero(result.by_tolerance):
        audit.warn(file, msg("near_border", dist=result.distance_m[position], county=places.names[result.county[position]]),
                   row=int(rows[position]), column="lon")
    far = np.flatnonzero((result.county < 0) & np.isfinite(result.distance_m))
    reasons = []
    for position in far:
        dist = result.distance_m[position]
        words = f"{dist / 1000:.1f} km" if dist >= 1000 else f"{dist:.0f} m"
        reasons.append(msg("outside_region", dist=words, county=places.names[result.nearest[position]]))
    audit.unassign(dataset, frame[id_column].to_numpy()[far], reasons)
    return result.county


def _dataset(ws: Workspace, name: str, columns: list[str]) -> gpd.GeoDataFrame:
    frame = ws.datasets.get(name)
    if frame is None:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in columns}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    return frame


# --- the point datasets ------------------------------------------------------------------

@dataclass
class PlacedEnterprises:
    """Enterprises in their counties, and how other records find them."""

    frame: gpd.GeoDataFrame
    county: np.ndarray  # county position of each enterprise (-1: none)
    position: pd.Series  # enterprise id → row position

    def positions_of(self, ids: pd.Series) -> np.ndarray:
        """Row positions of the enterprises named by ``ids`` (-1: none or unknown)."""
        return ids.map(self.position).fillna(-1).to_numpy(dtype=np.int64)


def join_enterprises(ws: Workspace, places: CountyPlaces, audit: Audit) -> PlacedEnterprises:
    """Place the enterprises; warn where a declared county disagrees with the location."""
    enterprises = _dataset(ws, "enterprises", ENTERPRISE_COLUMNS).copy()
    file = ws.files.get("enterprises", "enterprises")
    missing = no_location(enterprises.geometry)
    audit.unassign("enterprises", enterprises.loc[missing, "enterprise_id"], [msg("no_location")] * int(missing.sum()))
    county = place_points(enterprises, "enterprises", "enterprise_id", file, missing.to_numpy(), places, audit)
    enterprises["county_code"] = places.code_of(county)
    enterprises["county_name"] = places.name_of(county)
    if "declared_county" in enterprises:
        declared = enterprises["declared_county"]
        mismatch = declared.notna() & enterprises["county_code"].notna() & (declared.astype(str) != enterprises["county_code"].astype(str))
        for row, value, actual in zip(enterprises.loc[mismatch, "_row"], declared[mismatch], enterprises.loc[mismatch, "county_name"]):
            audit.warn(file, msg("county_mismatch", value=value, actual=actual), row=int(row), column="county_code", value=str(value))
        enterprises = enterprises.drop(columns="declared_county")
    position = pd.Series(np.arange(len(enterprises)), index=enterprises["enterprise_id"].astype(str))
    return PlacedEnterprises(enterprises, county, position)


def _unknown_enterprises(frame: gpd.GeoDataFrame, known: pd.Series, dataset: str, id_column: str, audit: Audit) -> None:
    unknown = frame["enterprise_id"].notna() & ~known if len(frame) else pd.Series(dtype=bool)
    audit.unassign(dataset, frame.loc[unknown, id_column],
                   [msg("unknown_enterprise", value=v) for v in frame.loc[unknown, "enterprise_id"]])


def link_accidents(ws: Workspace, places: CountyPlaces, audit: Audit,
                   enterprises: PlacedEnterprises) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Link accidents to their enterprises (sector, and location when they have none), then place them.

    Returns the accidents and the enterprise position of each (-1: none).
    """
    accidents = _dataset(ws, "accidents", ACCIDENT_COLUMNS).copy()
    file = ws.files.get("accidents", "accidents")
    if "sector" not in accidents:
        accidents["sector"] = None
    owner = enterprises.positions_of(accidents["enterprise_id"])
    known = pd.Series(owner >= 0, index=accidents.index)
    _unknown_enterprises(accidents, known, "accidents", "accident_id", audit)
    still = pd.Series(dtype=bool)
    if len(accidents):
        # A production accident tied to a known enterprise takes its sector, and its
        # location when it has none of its own.
        sectors = enterprises.frame["sector"].to_numpy()[owner[known.to_numpy()]]
        accidents.loc[known, "sector"] = accidents.loc[known, "sector"].where(accidents.loc[known, "sector"].notna(), sectors)
        no_point = no_location(accidents.geometry)
        fill = known & no_point
        if fill.any():
            accidents.loc[fill, "geometry"] = enterprises.frame.geometry.to_numpy()[owner[fill.to_numpy()]]
        still = no_point & ~fill  # a known enterprise always has a point or is itself unassigned
        if fill.any():
            still |= fill & no_location(accidents.geometry)
        audit.unassign("accidents", accidents.loc[still, "accident_id"], [msg("no_location")] * int(still.sum()))
    county = place_points(accidents, "accidents", "accident_id", file, still.to_numpy(dtype=bool), places, audit)
    accidents["county_code"] = places.code_of(county)
    accidents["county_name"] = places.name_of(county)
    return accidents, owner


def link_hazards(ws: Workspace, places: CountyPlaces, audit: Audit,
                 enterprises: PlacedEnterprises) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Locate hazards at their enterprise, else at their own point; then their county.

    Returns the hazards and the enterprise position of each (-1: none).
    """
    hazards = _dataset(ws, "hazards", HAZARD_COLUMNS).copy()
    file = ws.files.get("hazards", "hazards")
    owner = enterprises.positions_of(hazards["enterprise_id"])
    known = pd.Series(owner >= 0, index=hazards.index)
    _unknown_enterprises(hazards, known, "hazards", "hazard_id", audit)
    own_point = ~no_location(hazards.geometry)
    hazards["located_by"] = np.where(known, "enterprise", np.where(own_point, "point", "none")) if len(hazards) else []
    county = np.full(len(hazards), -1, dtype=np.int64)
    if len(hazards):
        at = owner[known.to_numpy()]
        hazards.loc[known, "geometry"] = enterprises.frame.geometry.to_numpy()[at]
        county[known.to_numpy()] = enterprises.county[at]
        by_point = (hazards["located_by"] == "point").to_numpy()
        if by_point.any():
            county[by_point] = place_points(hazards[by_point], "hazards", "hazard_id", file,
                                            np.zeros(int(by_point.sum()), dtype=bool), places, audit)
        nowhere = hazards["located_by"] == "none"
        audit.unassign("hazards", hazards.loc[nowhere, "hazard_id"], [msg("no_hazard_location")] * int(nowhere.sum()))
        hazards.loc[nowhere, "geometry"] = None
    hazards["county_code"] = places.code_of(county)
    hazards["county_name"] = places.name_of(county)
    safe, has = np.maximum(owner, 0), owner >= 0
    names = enterprises.frame["name"].to_numpy(dtype=object)
    sectors = enterprises.frame["sector"].to_numpy(dtype=object)
    hazards["name"] = np.where(has, names[safe] if len(names) else "", "")
    hazards["sector"] = np.where(has, sectors[safe] if len(sectors) else None, None)
    return hazards, owner


# --- roads ------------------------------------------------------------------------------

UNIT_COLUMNS = ["unit_id", "segment_id", "road_name", "road_class", "county_code", "county_name", "length_m"]


@dataclass
class RoadNetwork:
    """The road units, before grading.

    Attributes
    ----------
    roads
        The segments as read.
    units
        ``unit_id``, ``segment_id``, ``road_name``, ``road_class``, ``county_code``,
        ``county_name``, ``length_m`` and the WGS-84 geometry of each unit.
    input_length
        Metres of each valid segment.
    column_counts
        Fatal, injury and property-only accidents per unit from the roads' own
        ``accidents``/``deaths``/``injuries`` columns (used without accident points).
    """

    roads: gpd.GeoDataFrame
    units: gpd.GeoDataFrame
    input_length: np.ndarray
    column_counts: pd.DataFrame


def _unit_ids(segments: np.ndarray, units: RoadUnits, codes: np.ndarray) -> list[str]:
    return [f"{s}-{codes[c]}-{p + 1}-{i + 1:03d}" if p else f"{s}-{codes[c]}-{i + 1:03d}"
            for s, c, p, i in zip(segments, units.county, units.piece, units.index)]


def cut_roads(ws: Workspace, places: CountyPlaces, audit: Audit, road: Future | None) -> RoadNetwork:
    """The road units of the worker thread, with their ids; list what lies outside the region."""
    roads = _dataset(ws, "roads", ROAD_COLUMNS)
    valid = valid_lines(roads)
    valid_index = np.flatnonzero(valid)
    audit.unassign("roads", roads.loc[~valid, "segment_id"], [msg("empty_geometry")] * int((~valid).sum()))
    done = road.result() if road is not None else RoadGeometry(np.array([], dtype=object), None, None)
    input_length = shapely.length(done.lines) if len(done.lines) else np.array([])
    inside = done.units.inside_length if done.units is not None else np.zeros(len(done.lines))
    outside = input_length - inside
    for pos in np.flatnonzero(inside <= 0):
        audit.unassign("roads", [roads["segment_id"].iat[valid_index[pos]]], [msg("road_outside")])
    for pos in np.flatnonzero((inside > 0) & (outside > 1.0)):
        audit.warn(ws.files.get("roads", "roads"), msg("road_partly_outside", value=f"{outside[pos]:.0f}"),
                   row=int(roads["_row"].iat[valid_index[pos]]), unit="feature", column="geometry")
    if done.units is None or not len(done.units.geometry):
        units = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in UNIT_COLUMNS}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
        return RoadNetwork(roads, units, input_length, pd.DataFrame({"fatal": [], "injury": [], "pdo": []}))
    rows = valid_index[done.units.segment]
    length = shapely.length(done.units.geometry)
    segments = roads["segment_id"].to_numpy()[rows]
    units = gpd.GeoDataFrame({
        "unit_id": _unit_ids(segments, done.units, places.codes),
        "segment_id": segments,
        "road_name": roads["road_name"].to_numpy()[rows],
        "road_class": roads["road_class"].to_numpy()[rows],
        "county_code": places.codes[done.units.county],
        "county_name": places.names[done.units.county],
        "length_m": length,
    }, geometry=done.wgs84, crs=4326)
    counts = counts_from_road_columns(roads.iloc[valid_index].reset_index(drop=True), done.units.segment, length,
                                      done.units.inside_length)
    return RoadNetwork(roads, units, input_length, counts)


# --- snapping ---------------------------------------------------------------------------

@dataclass
class Snapping:
    """Traffic accidents snapped to the road units.

    Attributes
    ----------
    rows
        Positions (in the accidents) of the traffic accidents with a point of their
        own dated inside the horizon's windows: the ones a grading may count.
    unit
        The unit position of each (-1: farther than the snap distance from any unit);
        ``None`` when there are no units or no accident file.
    distance
        Metres to that unit (NaN when not snapped).
    """

    rows: np.ndarray
    unit: np.ndarray | None = None
    distance: np.ndarray | None = None


def snap_candidates(accidents: gpd.GeoDataFrame, standard: Standard, horizon: tuple[date, date]) -> np.ndarray:
    """Positions of the traffic accidents with their own point that any window of the horizon holds."""
    if not len(accidents):
        return np.array([], dtype=np.int64)
    start = pd.Timestamp(months_before(horizon[0], int(standard.roads["window_months"])))
    day = accidents["date"].dt.normalize()
    dated = ((day > start) & (day <= pd.Timestamp(horizon[1]))).to_numpy(dtype=bool)
    traffic = (accidents["kind"] == "traffic").to_numpy(dtype=bool)
    return np.flatnonzero(traffic & dated & ~no_location(accidents.geometry).to_numpy())


def start_snapping(ws: Workspace, places: CountyPlaces, job: RoadJob, standard: Standard,
                   horizon: tuple[date, date]) -> tuple[np.ndarray, Future | None]:
    """Submit :func:`snap_accidents` for the candidates; it waits for the road worker in a thread of its own."""
    raw = ws.datasets.get("accidents")
    if raw is None:
        return np.array([], dtype=np.int64), None
    rows = snap_candidates(raw, standard, horizon)
    points = raw.geometry.to_numpy()[rows]
    mx, my = places.to_metric(shapely.get_x(points), shapely.get_y(points))
    future = job.pool.submit(snap_accidents, job.future, shapely.points(mx, my), float(standard.roads["snap_distance_m"]))
    return rows, future


# --- the prepared assessment --------------------------------------------------------------

@dataclass
class Prepared:
    """The spatial work of an assessment, done once; :func:`riskmap.pipeline.grade_at` grades it at a date.

    Attributes
    ----------
    info, standard
        The workspace settings and the grading standard.
    counties, places
        The counties as read, and as the joins use them (metric shapes included).
    enterprises
        The enterprises in their counties (:class:`PlacedEnterprises`).
    accidents, accident_enterprise
        Accidents in their counties (linked to their enterprises), and the enterprise
        position of each (-1: none).
    hazards, hazard_enterprise
        Hazards located and in their counties, and their enterprise positions.
    network
        The road units (:class:`RoadNetwork`).
    snapping
        The traffic accidents of the horizon snapped to the units (:class:`Snapping`).
    accident_points
        Whether accidents were given as records (else the roads' own counts are used).
    audit
        Records left unassigned by the joins, and their warnings.
    problems
        The workspace's warnings followed by the joins'.
    horizon
        The first and last date a grading may ask for.
    extra, timings
        Further datasets of the workspace; seconds per stage.
    """

    info: WorkspaceInfo
    standard: Standard
    counties: gpd.GeoDataFrame
    places: CountyPlaces
    enterprises: PlacedEnterprises
    accidents: gpd.GeoDataFrame
    accident_enterprise: np.ndarray
    hazards: gpd.GeoDataFrame
    hazard_enterprise: np.ndarray
    network: RoadNetwork
    snapping: Snapping
    accident_points: bool
    audit: Audit
    problems: list[Problem]
    horizon: tuple[date, date]
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def read_workspace(workspace: str | Path | Workspace, job: RoadJob, language: str | None) -> tuple[Workspace, Standard]:
    """The workspace (read unless given) and its standard; the road worker starts while it is read."""
    if isinstance(workspace, Workspace):
        ws = workspace
    else:
        ws = load_workspace(workspace, language=language, on_dataset=functools.partial(start_road_geometry, job))
    # The standard was read and checked with the workspace; a Workspace built by hand may lack it.
    standard = ws.standard or load_standard(ws.standard_spec, base_dir=ws.info.path)
    for name in ("counties", "roads"):
        if name in ws.datasets:
            start_road_geometry(job, name, ws.datasets[name], standard)
    return ws, standard


def prepare(workspace: str | Path | Workspace, *, horizon: tuple[date, date] | None = None,
            language: str | None = None, progress: ProgressCallback | None = None,
            stages: Stages | None = None) -> Prepared:
    """Read a workspace and do its spatial work.

    Parameters
    ----------
    workspace
        A workspace folder (with ``riskmap.toml``) or an already loaded
        :class:`~riskmap.io.workspace.Workspace`.
    horizon
        The first and last dates the grading will be asked about (default: ``as_of``
        only); traffic accidents no window of these dates holds are not snapped.
    language
        ``zh`` or ``en`` instead of the workspace's (for a folder).
    progress, stages
        Progress callback (``progress(stage, None)`` at the start of a stage,
        ``progress(stage, seconds)`` at its end), or the :class:`Stages` to time in.

    Raises
    ------
    riskmap.errors.InputError
        When the workspace or the standard has errors (``problems`` lists them).
    """
    stages = stages or Stages(progress)
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        return _prepare(workspace, horizon, language, stages, pool)
    finally:
        pool.shutdown(wait=False)


def _prepare(workspace, horizon, language, stages: Stages, pool: ThreadPoolExecutor) -> Prepared:
    job = RoadJob(pool)
    with stages.stage("read"):
        ws, standard = read_workspace(workspace, job, language)
    horizon = horizon or (ws.info.as_of, ws.info.as_of)
    audit = Audit(ws.info.language)
    with stages.stage("counties"):
        counties = ws.datasets["counties"].copy()
        places = CountyPlaces.of(counties)
    rows, snap_job = start_snapping(ws, places, job, standard, horizon)
    with stages.stage("enterprises: join"):
        enterprises = join_enterprises(ws, places, audit)
    with stages.stage("accidents: join"):
        accidents, accident_enterprise = link_accidents(ws, places, audit, enterprises)
    with stages.stage("hazards: join"):
        hazards, hazard_enterprise = link_hazards(ws, places, audit, enterprises)
    with stages.stage("roads: split and cut"):  # the wait for the road worker
        network = cut_roads(ws, places, audit, job.future)
    with stages.stage("roads: snap"):
        snapped = snap_job.result() if snap_job is not None else None
        snapping = Snapping(rows, *(snapped if snapped is not None else (None, None)))
    return Prepared(
        info=ws.info, standard=standard, counties=counties, places=places, enterprises=enterprises,
        accidents=accidents, accident_enterprise=accident_enterprise, hazards=hazards,
        hazard_enterprise=hazard_enterprise, network=network, snapping=snapping,
        accident_points="accidents" in ws.datasets and len(accidents) > 0, audit=audit,
        problems=list(ws.problems) + audit.problems, horizon=horizon, extra=ws.extra, timings=stages.timings)
