"""The road work of an assessment: units cut in a worker thread, traffic accidents snapped.

Projecting the lines, splitting them at county borders, cutting units and projecting
the units back is GEOS and PROJ work that releases the GIL: :func:`road_geometry`,
a plain function, is submitted to the pool by :func:`start_road_geometry` as soon as
the counties and the roads are read, and :func:`snap_accidents` waits for it in a
thread of its own, so both overlap the reading and joining of the point datasets (and
the grading of the enterprises).  :func:`finish_roads` collects them: the
:class:`RoadNetwork` and the :class:`Snapping`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap import coords
from riskmap.i18n import msg
from riskmap.io.workspace import Workspace
from riskmap.join import snap_points
from riskmap.periods import months_before
from riskmap.places import Audit, CountyPlaces, Stages, dataset_frame, no_location
from riskmap.screening import RoadUnits, build_units, counts_from_road_columns
from riskmap.standard import Standard

ROAD_COLUMNS = ["_row", "segment_id", "road_name", "road_class", "accidents", "deaths", "injuries"]


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
    built = build_units(lines, counties_metric, unit_length_m=unit_length_m,
                        codes=counties["county_code"].astype(str).to_numpy())
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
        ``county_name`` and ``length_m`` of each unit, as arrays.
    geometry
        The WGS-84 line of each unit.
    input_length
        Metres of each valid segment.
    """

    roads: gpd.GeoDataFrame
    units: dict[str, np.ndarray]
    geometry: np.ndarray | None
    input_length: np.ndarray
    _counts: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.units["unit_id"])

    def column_counts(self) -> pd.DataFrame:
        """Fatal, injury and property-only accidents per unit from the roads' own columns."""
        if self._counts is None:
            return pd.DataFrame({"fatal": [], "injury": [], "pdo": []})
        return self._counts()


def _unit_ids(segments: np.ndarray, units: RoadUnits, codes: np.ndarray) -> list[str]:
    return [f"{s}-{codes[c]}-{p + 1}-{i + 1:03d}" if p else f"{s}-{codes[c]}-{i + 1:03d}"
            for s, c, p, i in zip(segments, units.county, units.piece, units.index)]


def cut_roads(ws: Workspace, places: CountyPlaces, audit: Audit, road: Future | None) -> RoadNetwork:
    """The road units of the worker thread, with their ids; list what lies outside the region."""
    roads = dataset_frame(ws, "roads", ROAD_COLUMNS)
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
        return RoadNetwork(roads, {c: np.array([], dtype=object) for c in UNIT_COLUMNS}, None, input_length)
    rows = valid_index[done.units.segment]
    length = shapely.length(done.units.geometry)
    segments = roads["segment_id"].to_numpy()[rows]
    units = {
        "unit_id": np.asarray(_unit_ids(segments, done.units, places.codes), dtype=object),
        "segment_id": segments,
        "road_name": roads["road_name"].to_numpy()[rows],
        "road_class": roads["road_class"].to_numpy()[rows],
        "county_code": places.codes[done.units.county],
        "county_name": places.names[done.units.county],
        "length_m": length,
    }
    counts = functools.partial(counts_from_road_columns, roads.iloc[valid_index].reset_index(drop=True),
                               done.units.segment, length, done.units.inside_length)
    return RoadNetwork(roads, units, done.wgs84, input_length, counts)

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


def finish_roads(ws: Workspace, places: CountyPlaces, audit: Audit, road: Future | None, rows: np.ndarray,
                 snap_job: Future | None, stages: Stages) -> tuple[RoadNetwork, Snapping]:
    """Wait for the road worker and the snapping; cut the units' ids and list what lies outside."""
    with stages.stage("roads: split and cut"):  # the wait for the road worker
        network = cut_roads(ws, places, audit, road)
    with stages.stage("roads: snap"):
        snapped = snap_job.result() if snap_job is not None else None
    return network, Snapping(rows, *(snapped if snapped is not None else (None, None)))
