"""What each layer shows: its dataset under the filters it lists, in WGS-84.

A layer of one of the five datasets takes its rows from the :class:`~riskmap.view.View`
restricted to the filters its spec lists (:meth:`View.only`); an extra dataset
(schools ...) or a layer's own file is filtered column by column.  Records without a
place are not drawn (the tables still list them).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap import coords
from riskmap.errors import LayerSpecError, Problem
from riskmap.filters import Filters
from riskmap.io import formats
from riskmap.io.readers import read_table
from riskmap.layers import BUILTIN_DATASETS, LayerSpec
from riskmap.mapview.basemaps import unshift
from riskmap.view import View


def read_layer_file(spec: LayerSpec, workspace: Path) -> gpd.GeoDataFrame:
    """Read a layer's own ``path`` (a workspace file) into WGS-84 points or shapes.

    The file goes through the workspace's reader, so it is opened only as the format
    its extension names (:mod:`riskmap.io.formats`).
    """
    try:
        formats.check_path_text(spec.path)
    except formats.FormatRefused as exc:
        raise LayerSpecError(f"{spec.source}: key 'path': {exc.text('en')}",
                             [Problem("error", spec.source, exc.text("en"), column="path", value=spec.path)]) from None
    path = (workspace / spec.path).resolve()
    if not path.is_relative_to(workspace.resolve()):
        raise LayerSpecError(f"{spec.source}: key 'path': leaves the workspace",
                             [Problem("error", spec.source, "path leaves the workspace", column="path")])
    if not path.is_file():
        message = f"file '{spec.path}' not found in the workspace {workspace}"
        raise LayerSpecError(f"{spec.source}: key 'path': {message}",
                             [Problem("error", spec.source, message, column="path", value=spec.path)])
    frame, _unit = read_table(path, spec.path, {}, "en")
    if not isinstance(frame, gpd.GeoDataFrame):
        missing = [c for c in (spec.lon, spec.lat) if c not in frame.columns]
        if missing:
            message = f"'{spec.path}' has no column {missing[0]!r} (set lon/lat in the layer file)"
            raise LayerSpecError(f"{spec.source}: key '{'lon' if missing[0] == spec.lon else 'lat'}': {message}",
                                 [Problem("error", spec.source, message, column="lon")])
        lon = pd.to_numeric(frame[spec.lon], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(frame[spec.lat], errors="coerce").to_numpy(float)
        lon, lat = coords.to_wgs84(lon, lat, spec.crs or "EPSG:4326")
        return gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=4326)
    if spec.crs and coords.is_special_crs(spec.crs):
        geoms = coords.transform_geometries(frame.geometry.to_numpy(),
                                            coords.gcj02_to_wgs84 if coords.check_crs(spec.crs) == "gcj02" else coords.bd09_to_wgs84)
        return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=list(geoms), crs=4326)
    if spec.crs:
        frame = frame.set_crs(spec.crs, allow_override=True)
    elif frame.crs is None:
        frame = frame.set_crs(4326)
    return frame.to_crs(4326)


def _generic_filter(frame: gpd.GeoDataFrame, spec: LayerSpec, filters: Filters | None,
                    counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Apply the filters to a dataset outside the assessment, column by column."""
    if filters is None or not filters.active:
        return frame
    if "sectors" in spec.filters and filters.sectors is not None and "sector" in frame:
        frame = frame[frame["sector"].isin(filters.sectors)]
    if "grades" in spec.filters and filters.grades is not None and "grade" in frame:
        frame = frame[frame["grade"].isin(filters.grades)]
    if "hazard_statuses" in spec.filters and filters.hazard_statuses is not None and "status" in frame:
        frame = frame[frame["status"].isin(filters.hazard_statuses)]
    if "counties" in spec.filters and filters.counties is not None:
        if "county_code" in frame:
            frame = frame[frame["county_code"].astype(str).isin(filters.counties)]
        elif len(frame):
            # No county column: keep what lies in the chosen counties.
            chosen = counties[counties["county_code"].isin(filters.counties)]
            area = shapely.union_all(chosen.geometry.to_numpy()) if len(chosen) else shapely.Polygon()
            frame = frame[shapely.intersects(frame.geometry.to_numpy(), area)]
    if "dates" in spec.filters and spec.date_column and spec.date_column in frame:
        dates = pd.to_datetime(frame[spec.date_column], errors="coerce")
        keep = pd.Series(True, index=frame.index)
        if filters.date_from is not None:
            keep &= dates >= pd.Timestamp(filters.date_from)
        if filters.date_to is not None:
            keep &= dates <= pd.Timestamp(filters.date_to)
        frame = frame[keep]
    return frame


def _where(frame: pd.DataFrame, spec: LayerSpec) -> pd.DataFrame:
    for column, wanted in spec.where.items():
        if column not in frame.columns:
            message = f"column {column!r} is not in dataset '{spec.key}'"
            raise LayerSpecError(f"{spec.source}: key 'where.{column}': {message}",
                                 [Problem("error", spec.source, message, column=f"where.{column}")])
        allowed = wanted if isinstance(wanted, list) else [wanted]
        values = frame[column]
        if values.dtype == bool or all(isinstance(a, bool) for a in allowed):
            values = values.fillna(False).astype(bool)
        frame = frame[values.isin(allowed)]
    return frame


def _extra_frame(view: View, spec: LayerSpec, cache: dict) -> gpd.GeoDataFrame:
    """The rows of a dataset outside the assessment: an extra dataset or the layer's own file."""
    if spec.dataset is not None:
        extra = getattr(view.assessment, "extra", None) or {}
        if spec.dataset not in extra:
            message = (f"dataset '{spec.dataset}' is not in the workspace "
                       f"(add [datasets.{spec.dataset}] to riskmap.toml, or give path = ...)")
            raise LayerSpecError(f"{spec.source}: key 'dataset': {message}",
                                 [Problem("error", spec.source, message, column="dataset", value=spec.dataset)])
        frame = extra[spec.dataset]
    else:
        key = ("file", spec.id, spec.path)
        if key not in cache:
            cache[key] = read_layer_file(spec, Path(view.info.path))
        frame = cache[key]
    sub = view.filters.restricted(spec.filters) if view.filters is not None else None
    return _generic_filter(frame, spec, sub, view.assessment.counties)


def layer_frame(view: View, spec: LayerSpec, *, _cache: dict | None = None) -> gpd.GeoDataFrame:
    """Return the rows a layer draws: its dataset, filtered as the layer says, in WGS-84.

    Parameters
    ----------
    view
        What is shown; only the filters listed in ``spec.filters`` act on the layer.
    spec
        The layer.
    """
    if spec.dataset in BUILTIN_DATASETS:
        frame = view.only(spec.filters).frame(spec.dataset)
    else:
        frame = _extra_frame(view, spec, {} if _cache is None else _cache)
    frame = _where(frame, spec)
    if len(frame):
        # Nothing to draw for a record without a place (None, empty or NaN
        # coordinates, e.g. a hazard with neither enterprise nor location); the
        # tables still list it.
        drawable = np.isfinite(shapely.bounds(frame.geometry.to_numpy())).all(axis=1)
        if not drawable.all():
            frame = frame[drawable]
    return frame


def region_bounds(view: View) -> tuple[float, float, float, float]:
    """The bounds of the counties a view's county filter keeps (the whole region without one)."""
    assessment, filters = view.assessment, view.filters
    counties = assessment.counties
    if filters is not None and filters.counties is not None:
        chosen = counties[counties["county_code"].isin(filters.counties)]
        if len(chosen):
            counties = chosen
    if len(counties):
        return tuple(float(v) for v in counties.total_bounds)  # type: ignore[return-value]
    frames = [f for f in (assessment.enterprises, assessment.road_units) if len(f)]
    if frames:
        b = np.array([f.total_bounds for f in frames])
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())
    return 73.5, 18.0, 135.1, 53.6  # China


def county_at(source: View, lat: float, lng: float, *, basemap: str = "none") -> str | None:
    """Return the code of the county containing a clicked point, or ``None``.

    With the ``gaode`` basemap the map is drawn in GCJ-02, so the click is shifted back.
    """
    lat, lng = unshift(lat, lng, basemap)
    counties = source.assessment.counties if isinstance(source, View) else source.counties
    if not len(counties):
        return None
    point = shapely.Point(lng, lat)
    hits = counties[shapely.contains(counties.geometry.to_numpy(), point)]
    if not len(hits):
        return None
    return str(hits["county_code"].iloc[0])
