"""Geometry of a dataset: points from lon/lat, any CRS to WGS-84, geometry checks.

A declared CRS wins over a file's own; with neither, EPSG:4326 with a warning
(DESIGN §4).  Swapped coordinates are told apart from points outside the region by
the counties' extent; invalid county polygons are repaired with a warning.
"""

from __future__ import annotations

import re
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from riskmap import coords
from riskmap.errors import ProblemLog
from riskmap.i18n import ColumnName, DatasetName, msg
from riskmap.io.values import Checker
from riskmap.schema import DATASETS


def is_geographic(crs: str) -> bool:
    """Whether a CRS counts in degrees (GCJ-02 and BD-09 do)."""
    if coords.is_special_crs(crs):
        return True
    return bool(pyproj.CRS.from_user_input(crs).is_geographic)


def _warn_partial(frame: pd.DataFrame, check: Checker, lon_text: pd.Series, lat_text: pd.Series) -> None:
    """One coordinate given, the other empty (not merely unreadable: that is reported)."""
    no_lon, no_lat = lon_text.isna(), lat_text.isna()
    if (no_lon ^ no_lat).any():
        texts = pd.Series([msg("ws_partial_location", lon=a or "", lat=b or "") for a, b in zip(lon_text, lat_text)],
                          index=frame.index)
        check.report("warning", "lon", no_lon & ~no_lat, texts, lon_text)
        check.report("warning", "lat", no_lat & ~no_lon, texts, lat_text)


def _bad_degrees(frame: pd.DataFrame, check: Checker, x: np.ndarray, y: np.ndarray,
                 region: tuple[float, float, float, float] | None) -> np.ndarray:
    """Report swapped or out-of-range degrees; return the rows to drop."""
    lon_text, lat_text = check.text(frame, "lon"), check.text(frame, "lat")
    finite = np.isfinite(x) & np.isfinite(y)
    swapped = finite & (np.abs(y) > 90) & (np.abs(x) <= 90)
    if region is not None:
        margin = 0.5  # degrees; GCJ-02/BD-09 offsets and border points fit well inside
        minx, miny, maxx, maxy = region
        inside = (x >= minx - margin) & (x <= maxx + margin) & (y >= miny - margin) & (y <= maxy + margin)
        inside_swapped = (y >= minx - margin) & (y <= maxx + margin) & (x >= miny - margin) & (x <= maxy + margin)
        swapped |= finite & ~inside & inside_swapped
    if swapped.any():
        texts = pd.Series([msg("lonlat_swapped", lon=a, lat=b) for a, b in zip(lon_text, lat_text)], index=frame.index)
        check.report("error", "lon", pd.Series(swapped, index=frame.index), texts, lon_text)
    lon_wrong = ~swapped & (np.abs(x) > 180)
    lat_wrong = ~swapped & (np.abs(y) > 90)
    check.report("error", "lon", pd.Series(lon_wrong, index=frame.index),
                 lambda v: msg("out_of_range", col=ColumnName("lon"), value=v, allowed="-180…180"), lon_text)
    check.report("error", "lat", pd.Series(lat_wrong, index=frame.index),
                 lambda v: msg("out_of_range", col=ColumnName("lat"), value=v, allowed="-90…90"), lat_text)
    return swapped | lon_wrong | lat_wrong


def points_from_lonlat(frame: pd.DataFrame, check: Checker, crs: str,
                       region: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Build WGS-84 points from lon/lat columns (None where a row has no location).

    ``region`` is the counties' WGS-84 bounding box: a point outside it whose swapped
    coordinates fall inside is reported as swapped.
    """
    lon = check.numbers(frame, "lon") if "lon" in frame else pd.Series(np.nan, index=frame.index)
    lat = check.numbers(frame, "lat") if "lat" in frame else pd.Series(np.nan, index=frame.index)
    x, y = lon.to_numpy(float), lat.to_numpy(float)
    if "lon" in frame and "lat" in frame:
        _warn_partial(frame, check, check.text(frame, "lon"), check.text(frame, "lat"))
    if is_geographic(crs):
        bad = _bad_degrees(frame, check, x, y, region)
        x = np.where(bad, np.nan, x)
        y = np.where(bad, np.nan, y)
    lon84, lat84 = coords.to_wgs84(x, y, crs)
    points = shapely.points(lon84, lat84)
    # No location → no geometry (None).  Shapely ≥ 2.1 makes POINT (NaN NaN) of NaN
    # coordinates, which is not "empty" and would slip past every missing-location check.
    points[~(np.isfinite(lon84) & np.isfinite(lat84))] = None
    return points


def check_coordinates(frame: gpd.GeoDataFrame, declared: str | None, check: Checker) -> gpd.GeoDataFrame:
    """Report features with non-finite coordinates, or outside ±180/±90 in a geographic CRS.

    Such a feature's geometry is dropped (the errors stop the assessment; the rest of
    the file is still checked).  A file whose coordinates run into the hundreds of
    thousands under a geographic CRS holds metres: the message says to declare the
    projected CRS.
    """
    xy, owner = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    if not len(xy):
        return frame
    bad = np.zeros(len(frame), dtype=bool)
    nonfinite = ~np.isfinite(xy).all(axis=1)
    bad[owner[nonfinite]] = True
    check.report("error", "geometry", pd.Series(bad, index=frame.index), lambda v: msg("geometry_not_finite"))
    crs = declared or (frame.crs.to_string() if frame.crs is not None else "EPSG:4326")
    if is_geographic(crs):
        outside = ~nonfinite & ((np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90))
        wrong = np.zeros(len(frame), dtype=bool)
        wrong[owner[outside]] = True
        wrong &= ~bad
        if wrong.any():
            key = "geometry_in_metres" if bool(np.abs(xy[~nonfinite]).max() > 1000) else "geometry_out_of_range"
            first = pd.Series("", index=frame.index, dtype=object)
            for position in np.flatnonzero(wrong):
                x, y = xy[owner == position][0]
                first.iloc[position] = f"{x:g}, {y:g}"
            check.report("error", "geometry", pd.Series(wrong, index=frame.index),
                         lambda v: msg(key, value=v, crs=crs), first)
            bad |= wrong
    if bad.any():
        frame = frame.copy()
        frame.loc[bad, frame.geometry.name] = None
    return frame


def geometry_to_wgs84(frame: gpd.GeoDataFrame, declared: str | None, file: str, log: ProblemLog) -> gpd.GeoSeries:
    """The frame's geometry in WGS-84: a declared CRS wins, else the file's own, else EPSG:4326."""
    geometry = frame.geometry
    if declared is not None:
        crs = declared
        if frame.crs is not None and not coords.is_special_crs(declared):
            # Worth a word only when it changes the meaning of the numbers (metres vs
            # degrees, or another projection); GeoJSON always says WGS-84.
            try:
                wanted = pyproj.CRS.from_user_input(declared)
                same = wanted.equals(frame.crs, ignore_axis_order=True) or (wanted.is_geographic and frame.crs.is_geographic)
            except pyproj.exceptions.CRSError:
                same = True
            if not same:
                log.warning(file, msg("ws_crs_override", value=declared, file_crs=frame.crs.to_string()), column="crs",
                            value=str(declared))
    elif frame.crs is not None:
        crs = frame.crs.to_string()
    else:
        log.warning(file, msg("no_crs"))
        crs = "EPSG:4326"
    return coords.geoseries_to_wgs84(geometry, crs)


def polygonal(geometry):
    """The polygonal parts of a geometry (``make_valid`` may return a collection)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geometry


def check_geometry_types(frame: gpd.GeoDataFrame, dataset: str, check: Checker) -> None:
    """Report geometries of the wrong type; repair invalid county polygons (a warning)."""
    allowed, words = DATASETS[dataset].geometry
    types = frame.geometry.geom_type
    wrong = types.notna() & ~types.isin(allowed) & ~frame.geometry.is_empty
    check.report("error", "geometry", wrong,
                 lambda v: msg("bad_geometry_type", value=v, dataset=DatasetName(dataset), allowed=words), types)
    if dataset != "counties":
        return
    invalid = types.isin(allowed) & ~frame.geometry.is_valid
    if invalid.any():
        reasons = pd.Series(shapely.is_valid_reason(frame.geometry[invalid].to_numpy()), index=frame.index[invalid])
        check.report("warning", "geometry", invalid, lambda v: msg("repaired_polygon", value=v), reasons)
        repaired = shapely.make_valid(frame.geometry[invalid].to_numpy())
        frame.loc[invalid, "geometry"] = np.array([polygonal(g) for g in repaired], dtype=object)
    empty = frame.geometry.isna() | frame.geometry.is_empty
    check.report("error", "geometry", empty, lambda v: msg("ws_county_no_geometry"))


_PAIR = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,;，；\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")


def split_lonlat(frame: pd.DataFrame, check: Checker) -> pd.DataFrame:
    """One ``lonlat`` column (``113.30,40.10``, as Amap's coordinate picker copies it) as ``lon`` and ``lat``.

    Where the file also has ``lon``/``lat`` columns, the pair fills only their empty
    rows.  A cell that is not two numbers is an error naming the row.
    """
    if "lonlat" not in frame:
        return frame
    raw = check.text(frame, "lonlat")
    normal = raw.map(lambda v: unicodedata.normalize("NFKC", v), na_action="ignore")
    parts = normal.str.extract(_PAIR) if len(normal) else pd.DataFrame({0: [], 1: []})
    bad = raw.notna() & parts[0].isna()
    check.report("error", "lonlat", bad, lambda v: msg("bad_lonlat_pair", col=ColumnName("lonlat"), value=v), raw)
    frame = frame.copy()
    for k, column in enumerate(("lon", "lat")):
        given = check.text(frame, column) if column in frame else pd.Series(None, index=frame.index, dtype=object)
        frame[column] = given.where(given.notna(), parts[k].astype(object).where(parts[k].notna(), None))
        check.forget(column)  # read again from the filled column
    return frame


def dataset_geometry(frame: pd.DataFrame, dataset: str, spec_crs: str | None, file: str, check: Checker,
                     log: ProblemLog, region: tuple[float, float, float, float] | None) -> np.ndarray:
    """The WGS-84 geometry of each row: the file's own, else points from lon/lat, else None."""
    has_geometry = isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame and frame.geometry.notna().any()
    if has_geometry:
        frame = check_coordinates(frame, spec_crs, check)
        geometry = geometry_to_wgs84(frame, spec_crs, file, log)
        if DATASETS[dataset].points and {"lon", "lat"} <= set(frame.columns):
            empty = geometry.isna() | geometry.is_empty
            if empty.any():
                fill = points_from_lonlat(frame, check, spec_crs or "EPSG:4326", region)
                geometry = geometry.where(~empty, gpd.GeoSeries(fill, index=frame.index, crs=4326))
        return geometry.to_numpy()
    if {"lon", "lat"} <= set(frame.columns):
        crs = spec_crs
        if crs is None:
            log.warning(file, msg("no_crs"))
            crs = "EPSG:4326"
        return points_from_lonlat(frame, check, crs, region)
    return np.array([None] * len(frame), dtype=object)
