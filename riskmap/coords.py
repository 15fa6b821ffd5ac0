"""Coordinate systems: pyproj CRSs plus the Chinese GCJ-02 and BD-09 offsets.

Everything RiskMap computes and writes is WGS-84 (EPSG:4326).  Input arrives in
whatever the office had: CGCS2000 (EPSG:4490) or one of its Gauss–Krüger zones
(EPSG:4547, ...), which pyproj handles, or the two obfuscated systems of Chinese
web maps, which pyproj does not know and :mod:`riskmap.gcj02` computes.  This
module names CRSs (``gcj02``/``bd09`` beside anything pyproj accepts), converts
coordinates and geometries to and from WGS-84 whatever the CRS, and chooses the
local metric CRS that lengths and areas are measured in.  The six vectorised
GCJ-02/BD-09 transforms are offered here too.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj.exceptions import CRSError

from riskmap.gcj02 import (
    LonLat,
    Transform,
    as_lonlat,
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

if TYPE_CHECKING:  # geopandas is heavy to import; only needed for type hints here.
    import geopandas

__all__ = [
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "to_wgs84",
    "from_wgs84",
    "is_special_crs",
    "check_crs",
    "transform_geometries",
    "geoseries_to_wgs84",
    "geoseries_from_wgs84",
    "local_metric_crs",
    "LonLat",
    "Transform",
]

_SPECIAL = {"gcj02": "gcj02", "bd09": "bd09", "bd09ll": "bd09"}
_ALLOWED = "any pyproj CRS such as EPSG:4326, EPSG:4490, EPSG:4547, or gcj02 / bd09"


# --- CRS names -------------------------------------------------------------------
def _special_key(crs: Any) -> str | None:
    """``"gcj02"``/``"bd09"`` if *crs* names one of them (any case, -/_/space), else None."""
    if not isinstance(crs, str):
        return None
    key = crs.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    return _SPECIAL.get(key)


def is_special_crs(crs: Any) -> bool:
    """Return True if *crs* names GCJ-02 or BD-09, which pyproj cannot handle.

    Parameters
    ----------
    crs
        A CRS name such as ``"gcj02"``, ``"GCJ-02"``, ``"bd09"``, ``"EPSG:4326"``.

    Returns
    -------
    bool
    """
    return _special_key(crs) is not None


def check_crs(crs: Any) -> str:
    """Validate a CRS given by a user and return its normalised name.

    Parameters
    ----------
    crs
        ``"gcj02"`` / ``"bd09"`` (any case; ``"GCJ-02"``, ``"BD-09"`` too) or
        anything :meth:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    str
        ``"gcj02"`` or ``"bd09"`` for the special systems; otherwise the input
        string (stripped) unchanged.  A non-string that pyproj accepts (an EPSG
        integer, a :class:`pyproj.CRS`) is returned as its string form, so the
        result can always be written back to ``riskmap.toml``.

    Raises
    ------
    ValueError
        If *crs* is neither; the message names the value and what is allowed.
    """
    special = _special_key(crs)
    if special is not None:
        return special
    if crs is None or (isinstance(crs, str) and not crs.strip()):
        raise ValueError(f"no CRS given; allowed: {_ALLOWED}")
    try:
        parsed = pyproj.CRS.from_user_input(crs.strip() if isinstance(crs, str) else crs)
    except (CRSError, TypeError, ValueError) as exc:
        raise ValueError(f"{crs!r} is not a CRS pyproj knows; allowed: {_ALLOWED}") from exc
    if isinstance(crs, str):
        return crs.strip()
    return parsed.to_string()


def _crs_key(crs: Any) -> str:
    """A hashable cache key for *crs*: the name as given, or the WKT of a CRS object."""
    if isinstance(crs, str):
        return crs.strip()
    return pyproj.CRS.from_user_input(crs).to_wkt()


@functools.lru_cache(maxsize=64)
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    # Building a Transformer means a PROJ database lookup and pipeline search
    # (milliseconds); a workspace converts many layers with the same few CRSs.
    # always_xy: our arrays are always (lon, lat) / (easting, northing), whatever
    # axis order the CRS definition declares (EPSG:4326 and 4490 say lat first).
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def to_wgs84(x: ArrayLike, y: ArrayLike, crs: Any) -> LonLat:
    """Convert coordinates in *crs* to WGS-84 longitude/latitude.

    Parameters
    ----------
    x, y
        Easting/northing or lon/lat in *crs* (always x first, whatever the axis
        order of the CRS definition); arrays, array-likes or scalars.
    crs
        ``"gcj02"``, ``"bd09"`` or anything pyproj accepts (see :func:`check_crs`).

    Returns
    -------
    tuple of numpy.ndarray
        WGS-84 ``(lon, lat)`` as float64 arrays.  Points pyproj cannot transform
        (far outside the CRS's area) come back as ``inf``, as pyproj returns them.

    Raises
    ------
    ValueError
        If *crs* is not a known CRS.
    """
    name = check_crs(crs)
    if name == "gcj02":
        return gcj02_to_wgs84(x, y)
    if name == "bd09":
        return bd09_to_wgs84(x, y)
    xa, ya = as_lonlat(x, y)
    lon, lat = _transformer(_crs_key(crs), "EPSG:4326").transform(xa, ya)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def from_wgs84(lon: ArrayLike, lat: ArrayLike, crs: Any) -> LonLat:
    """Convert WGS-84 longitude/latitude to *crs* (the reverse of :func:`to_wgs84`).

    Parameters
    ----------
    lon, lat
        WGS-84 degrees; arrays, array-likes or scalars.
    crs
        ``"gcj02"``, ``"bd09"`` or anything pyproj accepts.

    Returns
    -------
    tuple of numpy.ndarray
        ``(x, y)`` in *crs* (x = easting or longitude) as float64 arrays.

    Raises
    ------
    ValueError
        If *crs* is not a known CRS.
    """
    name = check_crs(crs)
    if name == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    if name == "bd09":
        return wgs84_to_bd09(lon, lat)
    la, fa = as_lonlat(lon, lat)
    x, y = _transformer("EPSG:4326", _crs_key(crs)).transform(la, fa)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


# --- geometries -------------------------------------------------------------------
def transform_geometries(geoms: ArrayLike, func: Transform) -> NDArray[np.object_]:
    """Apply a vectorised ``(lon, lat) -> (lon, lat)`` transform to geometries.

    All vertices of all geometries go through *func* in one call (per
    dimensionality), which is what makes a province's road network fast.

    Parameters
    ----------
    geoms
        Array (or array-like) of shapely geometries; ``None`` and empty
        geometries are allowed and returned as they are.
    func
        A transform such as :func:`gcj02_to_wgs84`.

    Returns
    -------
    numpy.ndarray
        Object array of new geometries of the same types and vertex counts.
        Z values, where present, are kept unchanged.
    """
    arr = np.asarray(geoms, dtype=object)

    def _apply(
        x: NDArray[np.float64], y: NDArray[np.float64], *z: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], ...]:
        # interleaved=False hands us separate x/y(/z) arrays: no (N, 2) slicing and
        # restacking, and 3-D geometries keep their heights.
        nx, ny = func(x, y)
        return (nx, ny, *z)

    # include_z=None preserves each geometry's own dimensionality.
    return shapely.transform(arr, _apply, include_z=None, interleaved=False)


def geoseries_to_wgs84(
    gs: geopandas.GeoSeries, crs: Any | None = None
) -> geopandas.GeoSeries:
    """Return *gs* converted to WGS-84 (EPSG:4326).

    Parameters
    ----------
    gs
        The geometries.  Their own ``crs`` label is ignored when *crs* is given:
        a CRS declared in ``riskmap.toml`` wins over what a file says.
    crs
        The CRS the coordinates are really in: ``"gcj02"``, ``"bd09"`` or
        anything pyproj accepts.  ``None`` uses ``gs.crs``.

    Returns
    -------
    geopandas.GeoSeries
        Same index and name, ``crs`` EPSG:4326.

    Raises
    ------
    ValueError
        If *crs* is not a known CRS, or neither *crs* nor ``gs.crs`` is set.
    """
    import geopandas

    if crs is None:
        if gs.crs is None:
            raise ValueError(
                f"the geometries have no CRS and none was declared; allowed: {_ALLOWED}"
            )
        crs = gs.crs
    name = check_crs(crs)
    if name in ("gcj02", "bd09"):
        func = gcj02_to_wgs84 if name == "gcj02" else bd09_to_wgs84
        out = transform_geometries(np.asarray(gs.array), func)
        return geopandas.GeoSeries(out, index=gs.index, name=gs.name, crs="EPSG:4326")
    src = crs if not isinstance(crs, str) else crs.strip()
    return gs.set_crs(src, allow_override=True).to_crs("EPSG:4326")


def geoseries_from_wgs84(gs: geopandas.GeoSeries, crs: Any) -> geopandas.GeoSeries:
    """Return WGS-84 geometries converted to *crs* (e.g. GCJ-02 for the Gaode basemap).

    Gaode/Amap tiles are drawn in GCJ-02, so WGS-84 features must be shifted
    the same way to sit on the right street.

    Parameters
    ----------
    gs
        Geometries in WGS-84.  If ``gs.crs`` is set to something else they are
        first projected to EPSG:4326; if it is unset WGS-84 is assumed.
    crs
        ``"gcj02"``, ``"bd09"`` or anything pyproj accepts.

    Returns
    -------
    geopandas.GeoSeries
        For a pyproj CRS, ``gs`` in that CRS.  For GCJ-02/BD-09 the shifted
        geometries are *labelled* EPSG:4326: there is no EPSG code for them, and
        the label keeps folium (which reprojects anything labelled otherwise to
        EPSG:4326, and refuses unlabelled data) from touching the coordinates.
    """
    import geopandas

    name = check_crs(crs)
    if gs.crs is None:
        gs = gs.set_crs("EPSG:4326")
    elif not gs.crs.equals(pyproj.CRS.from_epsg(4326)):
        gs = gs.to_crs("EPSG:4326")
    if name in ("gcj02", "bd09"):
        func = wgs84_to_gcj02 if name == "gcj02" else wgs84_to_bd09
        out = transform_geometries(np.asarray(gs.array), func)
        return geopandas.GeoSeries(out, index=gs.index, name=gs.name, crs="EPSG:4326")
    return gs.to_crs(crs.strip() if isinstance(crs, str) else crs)


# --- metric CRS -------------------------------------------------------------------
def local_metric_crs(bounds: tuple[float, float, float, float]) -> pyproj.CRS:
    """Choose a metric CRS (a WGS-84 UTM zone) for data with the given bounds.

    Lengths (road km) and areas (county km²) must be measured in metres, never in
    degrees: a degree of longitude is 111 km at the equator but 70 km at Datong.
    A 6° UTM zone keeps the scale error within about 0.1 % over a city or a
    province, far below anything that changes a risk grade; the zone comes from
    the centre longitude so the data sits as close to the central meridian as it
    can.  (The Norway/Svalbard zone exceptions are ignored: irrelevant in China.)

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` in WGS-84 degrees, e.g. ``GeoSeries.total_bounds``.

    Returns
    -------
    pyproj.CRS
        EPSG:326zz (north of the equator) or EPSG:327zz (south), zz = zone 01–60.

    Raises
    ------
    ValueError
        If the bounds are not finite (e.g. the total bounds of no geometries).
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise ValueError(f"cannot choose a metric CRS for bounds {bounds!r}: not finite")
    lon = (minx + maxx) / 2.0
    lat = (miny + maxy) / 2.0
    # Wrap into [-180, 180) so bounds given in 0..360 or crossing 180° still map
    # to a valid zone; min() only guards against rounding at the wrap.
    lon = (lon + 180.0) % 360.0 - 180.0
    zone = min(int(math.floor((lon + 180.0) / 6.0)) + 1, 60)
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)
