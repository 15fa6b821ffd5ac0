"""Tests of riskmap.coords: GCJ-02 / BD-09 transforms, CRS handling, geometries."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap import coords
from riskmap.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    check_crs,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geoseries_from_wgs84,
    geoseries_to_wgs84,
    is_special_crs,
    local_metric_crs,
    to_wgs84,
    transform_geometries,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# ---------------------------------------------------------------------------
# An independent scalar reference: the published formulas, written out
# literally with the math module (no shared code with riskmap.coords).
# ---------------------------------------------------------------------------
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _ref_transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _ref_transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _ref_out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def ref_wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if _ref_out_of_china(lon, lat):
        return lon, lat
    dlat = _ref_transform_lat(lon - 105.0, lat - 35.0)
    dlon = _ref_transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def ref_gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Distance in metres between nearby points (equirectangular is exact enough)."""
    lon1, lat1, lon2, lat2 = (np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2))
    dx = (lon2 - lon1) * 111_320.0 * np.cos(np.radians(lat1))
    dy = (lat2 - lat1) * 110_574.0
    return np.hypot(dx, dy)


def geodesic_metres(lon1, lat1, lon2, lat2) -> float:
    return pyproj.Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2]


# Well inside the China box, so a GCJ-02 point's WGS-84 preimage is inside too.
china_lon = st.floats(min_value=73.0, max_value=135.0, allow_nan=False)
china_lat = st.floats(min_value=3.0, max_value=53.0, allow_nan=False)
world_lon = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
world_lat = st.floats(min_value=-89.0, max_value=89.0, allow_nan=False)

PARIS = (2.3522, 48.8566)
SYDNEY = (151.2093, -33.8688)
DATONG = (113.30, 40.09)
ONE_CM = 0.01


def _rng_points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(72.004, 137.8347, n), rng.uniform(0.8293, 55.8271, n)


# ---------------------------------------------------------------------------
# Forward transforms against reference values and the scalar reference
# ---------------------------------------------------------------------------
def test_known_value_beijing():
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024, abs=1e-5)
    assert lat == pytest.approx(39.91640, abs=1e-5)


def test_known_value_beijing_bd09():
    # Published BD-09 of the same point (WGS-84 -> GCJ-02 -> BD-09).
    lon, lat = wgs84_to_bd09(116.404, 39.915)
    assert lon == pytest.approx(116.41662, abs=2e-5)
    assert lat == pytest.approx(39.92270, abs=2e-5)


def test_forward_gcj02_matches_scalar_reference():
    lon, lat = _rng_points(3000, seed=1)
    # Include the points near lon 105 where the sqrt(|x|) term is not smooth.
    lon[:50] = 105.0 + np.linspace(-1e-6, 1e-6, 50)
    got_lon, got_lat = wgs84_to_gcj02(lon, lat)
    ref = np.array([ref_wgs84_to_gcj02(x, y) for x, y in zip(lon, lat)])
    np.testing.assert_allclose(got_lon, ref[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got_lat, ref[:, 1], rtol=0, atol=1e-12)


def test_forward_bd09_matches_scalar_reference():
    rng = np.random.default_rng(2)
    lon = rng.uniform(-180, 180, 3000)
    lat = rng.uniform(-89, 89, 3000)
    got_lon, got_lat = gcj02_to_bd09(lon, lat)
    ref = np.array([ref_gcj02_to_bd09(x, y) for x, y in zip(lon, lat)])
    np.testing.assert_allclose(got_lon, ref[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got_lat, ref[:, 1], rtol=0, atol=1e-12)
    # wgs84_to_bd09 is the composition.
    w_lon, w_lat = wgs84_to_bd09(lon, lat)
    ref2 = np.array([ref_gcj02_to_bd09(*ref_wgs84_to_gcj02(x, y)) for x, y in zip(lon, lat)])
    np.testing.assert_allclose(w_lon, ref2[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(w_lat, ref2[:, 1], rtol=0, atol=1e-12)


@settings(deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_forward_gcj02_matches_reference_hypothesis(lon, lat):
    got = wgs84_to_gcj02(lon, lat)
    ref = ref_wgs84_to_gcj02(lon, lat)
    assert abs(float(got[0]) - ref[0]) < 1e-12
    assert abs(float(got[1]) - ref[1]) < 1e-12


def test_bd09_at_origin_matches_reference():
    lon, lat = gcj02_to_bd09(0.0, 0.0)
    assert (float(lon), float(lat)) == pytest.approx(ref_gcj02_to_bd09(0.0, 0.0), abs=1e-15)


def test_gcj02_offset_is_hundreds_of_metres_in_china():
    lon, lat = _rng_points(2000, seed=3)
    glon, glat = wgs84_to_gcj02(lon, lat)
    d = metres(lon, lat, glon, glat)
    # Typically a few hundred metres (it nearly vanishes in a few spots).
    assert 250 < np.median(d) < 600
    assert d.max() < 800


# ---------------------------------------------------------------------------
# Inverses: round trips within 1 cm
# ---------------------------------------------------------------------------
@settings(deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_gcj02_round_trip_within_1cm(lon, lat):
    # GCJ-02 point -> WGS-84 -> GCJ-02.
    w = gcj02_to_wgs84(lon, lat)
    back = wgs84_to_gcj02(*w)
    assert metres(lon, lat, *back) < ONE_CM
    # WGS-84 point -> GCJ-02 -> WGS-84.
    g = wgs84_to_gcj02(lon, lat)
    again = gcj02_to_wgs84(*g)
    assert metres(lon, lat, *again) < ONE_CM


@settings(deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_bd09_round_trip_within_1cm(lon, lat):
    w = bd09_to_wgs84(lon, lat)
    back = wgs84_to_bd09(*w)
    assert metres(lon, lat, *back) < ONE_CM
    b = wgs84_to_bd09(lon, lat)
    again = bd09_to_wgs84(*b)
    assert metres(lon, lat, *again) < ONE_CM


@settings(deadline=None)
@given(lon=world_lon, lat=world_lat)
def test_bd09_gcj02_round_trip_worldwide(lon, lat):
    # The BD-09 step applies everywhere, so its inverse must work everywhere.
    g = bd09_to_gcj02(lon, lat)
    back = gcj02_to_bd09(*g)
    assert metres(lon, lat, *back) < ONE_CM


@settings(deadline=None, max_examples=30)
@given(
    pts=st.lists(st.tuples(china_lon, china_lat), min_size=1, max_size=200),
)
def test_vectorised_inverse_round_trip(pts):
    lon = np.array([p[0] for p in pts])
    lat = np.array([p[1] for p in pts])
    for inv, fwd in ((gcj02_to_wgs84, wgs84_to_gcj02), (bd09_to_wgs84, wgs84_to_bd09)):
        back = fwd(*inv(lon, lat))
        assert metres(lon, lat, *back).max() < ONE_CM


def test_large_array_round_trip_and_inverse_accuracy():
    lon, lat = _rng_points(200_000, seed=4)
    # Keep the targets away from the box edge (a GCJ-02 point there may have no
    # WGS-84 preimage inside the box).
    inner = (lon > 72.2) & (lon < 137.6) & (lat > 1.0) & (lat < 55.6)
    lon, lat = lon[inner], lat[inner]
    w = gcj02_to_wgs84(lon, lat)
    back = wgs84_to_gcj02(*w)
    assert metres(lon, lat, *back).max() < ONE_CM
    # The error bound is about 1e-9 degrees (0.1 mm), not just 1 cm.
    assert np.abs(back[0] - lon).max() < 2e-9
    assert np.abs(back[1] - lat).max() < 2e-9
    b = bd09_to_wgs84(lon, lat)
    back = wgs84_to_bd09(*b)
    assert metres(lon, lat, *back).max() < ONE_CM


def test_inverse_beats_one_step_approximation():
    # The common one-step inverse (g - offset(g)) is metres off; ours is not.
    glon, glat = 116.41024449916938, 39.91640428150164
    w = gcj02_to_wgs84(glon, glat)
    assert metres(116.404, 39.915, *w) < ONE_CM


def test_tighter_tolerance_is_honoured():
    lon, lat = _rng_points(5000, seed=5)
    inner = (lon > 72.2) & (lon < 137.6) & (lat > 1.0) & (lat < 55.6)
    lon, lat = lon[inner], lat[inner]
    w = gcj02_to_wgs84(lon, lat, tol=1e-12)
    back = wgs84_to_gcj02(*w)
    assert np.abs(back[0] - lon).max() < 5e-12
    assert np.abs(back[1] - lat).max() < 5e-12


def test_bad_iteration_options_rejected():
    with pytest.raises(ValueError, match="tol"):
        gcj02_to_wgs84(116.0, 40.0, tol=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        bd09_to_gcj02(116.0, 40.0, max_iter=0)
    with pytest.raises(TypeError):
        gcj02_to_wgs84(116.0, 40.0, 1e-9)  # options are keyword-only


def test_box_edge_points_terminate():
    # Right at the box edge GCJ-02 jumps; the iteration must still stop, finite.
    lon = np.array([72.004, 72.0045, 137.8347, 137.834, 100.0, 100.0])
    lat = np.array([30.0, 30.0, 40.0, 40.0, 0.8293, 55.8271])
    w = gcj02_to_wgs84(lon, lat, max_iter=50)
    assert np.isfinite(w[0]).all() and np.isfinite(w[1]).all()
    assert metres(lon, lat, *w).max() < 1500


# ---------------------------------------------------------------------------
# Outside China, NaN, shapes, scalars
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("place", [PARIS, SYDNEY, (-74.006, 40.7128), (139.69, 35.69)])
def test_gcj02_is_identity_outside_china(place):
    lon, lat = wgs84_to_gcj02(*place)
    assert (float(lon), float(lat)) == place
    lon, lat = gcj02_to_wgs84(*place)
    assert (float(lon), float(lat)) == place


@pytest.mark.parametrize("place", [PARIS, SYDNEY])
def test_bd09_still_shifts_outside_china(place):
    blon, blat = wgs84_to_bd09(*place)
    assert metres(*place, blon, blat) > 100  # the 0.0065/0.006 shift alone is ~700 m
    assert (float(blon), float(blat)) == pytest.approx(ref_gcj02_to_bd09(*place), abs=1e-12)
    back = bd09_to_wgs84(blon, blat)
    assert metres(*place, *back) < ONE_CM


def test_outside_points_untouched_in_mixed_array():
    lon = np.array([PARIS[0], 116.404, SYDNEY[0]])
    lat = np.array([PARIS[1], 39.915, SYDNEY[1]])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon[0] == PARIS[0] and glat[2] == SYDNEY[1]
    assert glon[1] != 116.404


@pytest.mark.parametrize(
    "func",
    [wgs84_to_gcj02, gcj02_to_wgs84, wgs84_to_bd09, bd09_to_wgs84, gcj02_to_bd09, bd09_to_gcj02],
)
def test_nan_passes_through(func):
    lon = np.array([116.404, np.nan, 113.3, np.nan])
    lat = np.array([39.915, 40.1, np.nan, np.nan])
    out_lon, out_lat = func(lon, lat)
    assert np.isfinite(out_lon[0]) and np.isfinite(out_lat[0])
    for i in (1, 2, 3):
        assert np.isnan(out_lon[i]) or np.isnan(out_lat[i])
    assert np.isnan(out_lon[3]) and np.isnan(out_lat[3])
    # All-NaN input, too.
    a, b = func(np.array([np.nan]), np.array([np.nan]))
    assert np.isnan(a).all() and np.isnan(b).all()


@pytest.mark.parametrize(
    "func",
    [wgs84_to_gcj02, gcj02_to_wgs84, wgs84_to_bd09, bd09_to_wgs84, gcj02_to_bd09, bd09_to_gcj02],
)
def test_scalars_lists_and_shapes(func):
    lon, lat = func(116.404, 39.915)
    assert isinstance(lon, np.ndarray) and lon.dtype == np.float64 and lon.shape == ()
    assert isinstance(lat, np.ndarray) and lat.dtype == np.float64 and lat.shape == ()
    assert isinstance(float(lon), float)
    # Lists and ints are accepted; the result is float64.
    l2, a2 = func([116, 117], [40, 39])
    assert l2.dtype == np.float64 and l2.shape == (2,)
    # 2-D arrays keep their shape and agree with the flat call.
    grid_lon, grid_lat = np.meshgrid(np.linspace(110, 120, 4), np.linspace(30, 40, 3))
    g_lon, g_lat = func(grid_lon, grid_lat)
    f_lon, f_lat = func(grid_lon.ravel(), grid_lat.ravel())
    assert g_lon.shape == (3, 4)
    np.testing.assert_array_equal(g_lon.ravel(), f_lon)
    np.testing.assert_array_equal(g_lat.ravel(), f_lat)
    # Each element equals the scalar call.
    s_lon, s_lat = func(grid_lon[1, 2], grid_lat[1, 2])
    assert float(s_lon) == pytest.approx(g_lon[1, 2], abs=1e-12)
    assert float(s_lat) == pytest.approx(g_lat[1, 2], abs=1e-12)


def test_inputs_not_modified():
    lon = np.array([116.404, 113.3])
    lat = np.array([39.915, 40.1])
    lon0, lat0 = lon.copy(), lat.copy()
    for func in (wgs84_to_gcj02, gcj02_to_wgs84, bd09_to_wgs84, wgs84_to_bd09):
        func(lon, lat)
    np.testing.assert_array_equal(lon, lon0)
    np.testing.assert_array_equal(lat, lat0)


def test_empty_arrays():
    for func in (wgs84_to_gcj02, gcj02_to_wgs84, bd09_to_wgs84, wgs84_to_bd09):
        a, b = func(np.array([]), np.array([]))
        assert a.shape == (0,) and b.shape == (0,)


# ---------------------------------------------------------------------------
# CRS names, to_wgs84 / from_wgs84
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("gcj02", "gcj02"),
        ("GCJ02", "gcj02"),
        ("GCJ-02", "gcj02"),
        (" gcj_02 ", "gcj02"),
        ("bd09", "bd09"),
        ("BD-09", "bd09"),
        ("bd09ll", "bd09"),
        ("EPSG:4326", "EPSG:4326"),
        ("EPSG:4490", "EPSG:4490"),
        ("EPSG:4547", "EPSG:4547"),
        (4490, "EPSG:4490"),
        (pyproj.CRS.from_epsg(4547), "EPSG:4547"),
    ],
)
def test_check_crs_normalises(given, expected):
    assert check_crs(given) == expected


@pytest.mark.parametrize("bad", ["EPSG:99999", "nonsense", "gcj03", ""])
def test_check_crs_rejects_with_message(bad):
    with pytest.raises(ValueError) as info:
        check_crs(bad)
    msg = str(info.value)
    assert "allowed" in msg
    assert "gcj02 / bd09" in msg
    assert "EPSG:4490" in msg
    if bad:
        assert repr(bad) in msg
        assert "not a CRS pyproj knows" in msg


def test_check_crs_none():
    with pytest.raises(ValueError, match="allowed"):
        check_crs(None)


def test_is_special_crs():
    assert is_special_crs("gcj02") and is_special_crs("GCJ-02")
    assert is_special_crs("bd09") and is_special_crs("BD-09")
    assert not is_special_crs("EPSG:4326")
    assert not is_special_crs(4326)
    assert not is_special_crs(None)


def test_to_wgs84_epsg4547_against_pyproj():
    # CGCS2000 / 3-degree Gauss-Kruger CM 114E (no zone prefix, false easting 500 km).
    x = np.array([500_000.0, 440_000.0, 560_123.4])
    y = np.array([4_440_000.0, 4_430_000.0, 4_500_000.0])
    lon, lat = to_wgs84(x, y, "EPSG:4547")
    ref = pyproj.Transformer.from_crs("EPSG:4547", "EPSG:4326", always_xy=True)
    rlon, rlat = ref.transform(x, y)
    np.testing.assert_allclose(lon, rlon, rtol=0, atol=1e-12)
    np.testing.assert_allclose(lat, rlat, rtol=0, atol=1e-12)
    assert lon[0] == pytest.approx(114.0, abs=1e-9)  # on the central meridian
    # And back.
    bx, by = from_wgs84(lon, lat, "EPSG:4547")
    np.testing.assert_allclose(bx, x, atol=1e-6)
    np.testing.assert_allclose(by, y, atol=1e-6)


def test_to_wgs84_geographic_is_lon_lat_order():
    # EPSG:4490 declares latitude first; we always take and give (lon, lat).
    lon, lat = to_wgs84(113.3, 40.1, "EPSG:4490")
    assert float(lon) == pytest.approx(113.3, abs=1e-6)
    assert float(lat) == pytest.approx(40.1, abs=1e-6)
    lon, lat = to_wgs84([113.3], [40.1], "EPSG:4326")
    assert lon.shape == (1,) and float(lon[0]) == pytest.approx(113.3)


def test_to_and_from_wgs84_special():
    g = (116.41024449916938, 39.91640428150164)
    np.testing.assert_array_equal(to_wgs84(*g, "GCJ-02"), gcj02_to_wgs84(*g))
    np.testing.assert_array_equal(to_wgs84(*g, "bd09"), bd09_to_wgs84(*g))
    w = (116.404, 39.915)
    np.testing.assert_array_equal(from_wgs84(*w, "gcj02"), wgs84_to_gcj02(*w))
    np.testing.assert_array_equal(from_wgs84(*w, "BD-09"), wgs84_to_bd09(*w))


def test_to_wgs84_rejects_unknown_crs():
    with pytest.raises(ValueError, match="not a CRS pyproj knows"):
        to_wgs84(1.0, 2.0, "EPSG:99999")


def test_transformers_are_cached():
    coords._transformer.cache_clear()
    to_wgs84(500_000.0, 4_440_000.0, "EPSG:4547")
    to_wgs84(510_000.0, 4_450_000.0, "EPSG:4547")
    info = coords._transformer.cache_info()
    assert info.hits >= 1 and info.misses == 1


# ---------------------------------------------------------------------------
# Metric CRS
# ---------------------------------------------------------------------------
def test_local_metric_crs_datong():
    crs = local_metric_crs((113.0, 39.9, 113.6, 40.3))
    assert crs.to_epsg() == 32649
    assert crs.axis_info[0].unit_name == "metre"


@pytest.mark.parametrize(
    ("bounds", "epsg"),
    [
        ((116.0, 39.5, 117.0, 40.5), 32650),  # Beijing
        ((121.0, 31.0, 122.0, 31.5), 32651),  # Shanghai
        ((87.0, 43.5, 88.0, 44.0), 32645),  # Urumqi
        ((151.0, -34.0, 151.3, -33.7), 32756),  # Sydney: southern hemisphere
        ((-0.5, 51.3, 0.3, 51.7), 32630),  # London straddles zones 30/31
    ],
)
def test_local_metric_crs_zones(bounds, epsg):
    assert local_metric_crs(bounds).to_epsg() == epsg


def test_local_metric_crs_rejects_nan():
    with pytest.raises(ValueError, match="not finite"):
        local_metric_crs((np.nan, np.nan, np.nan, np.nan))


def test_local_metric_crs_measures_metres():
    # 0.01 degree of latitude is about 1.11 km anywhere.
    gs = gpd.GeoSeries([shapely.LineString([(113.3, 40.0), (113.3, 40.01)])], crs=4326)
    crs = local_metric_crs(tuple(gs.total_bounds))
    assert gs.to_crs(crs).length.iloc[0] == pytest.approx(1110.5, rel=2e-3)


# ---------------------------------------------------------------------------
# Geometries
# ---------------------------------------------------------------------------
def _sample_geometries() -> np.ndarray:
    poly = shapely.Polygon(
        [(113.0, 40.0), (113.5, 40.0), (113.5, 40.4), (113.0, 40.4)],
        holes=[[(113.1, 40.1), (113.2, 40.1), (113.2, 40.2), (113.1, 40.1)]],
    )
    multi = shapely.MultiPolygon([poly, shapely.box(114.0, 41.0, 114.2, 41.1)])
    line = shapely.LineString([(113.2, 40.05), (113.25, 40.07), (113.4, 40.2)])
    mline = shapely.MultiLineString([[(110, 30), (110.1, 30.1)], [(111, 31), (111.2, 31.1)]])
    point = shapely.Point(113.3, 40.09)
    mpoint = shapely.MultiPoint([(113.3, 40.09), (120.0, 30.0)])
    coll = shapely.GeometryCollection([point, line])
    return np.array(
        [poly, multi, line, mline, point, mpoint, coll, None, shapely.Polygon()], dtype=object
    )


@pytest.mark.parametrize("func", [gcj02_to_wgs84, wgs84_to_gcj02, bd09_to_wgs84])
def test_transform_geometries_keeps_types_and_vertex_counts(func):
    geoms = _sample_geometries()
    out = transform_geometries(geoms, func)
    assert isinstance(out, np.ndarray) and out.shape == geoms.shape
    assert out[7] is None
    assert out[8].is_empty
    present = [i for i, g in enumerate(geoms) if g is not None]
    np.testing.assert_array_equal(
        shapely.get_type_id(out[present]), shapely.get_type_id(geoms[present])
    )
    np.testing.assert_array_equal(
        shapely.get_num_coordinates(out[present]), shapely.get_num_coordinates(geoms[present])
    )
    # Polygon rings and parts are preserved too.
    assert len(out[0].interiors) == 1
    assert len(out[1].geoms) == 2
    # Every vertex is exactly what the point transform gives.
    xy = shapely.get_coordinates(geoms[present])
    exp_lon, exp_lat = func(xy[:, 0], xy[:, 1])
    got = shapely.get_coordinates(out[present])
    np.testing.assert_allclose(got[:, 0], exp_lon, rtol=0, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], exp_lat, rtol=0, atol=1e-12)
    # The input geometries are not modified.
    assert shapely.equals_exact(geoms[4], shapely.Point(113.3, 40.09), tolerance=0)


def test_transform_geometries_keeps_z():
    geoms = np.array([shapely.Point(113.3, 40.09, 1234.5), shapely.Point(113.3, 40.09)])
    out = transform_geometries(geoms, wgs84_to_gcj02)
    assert out[0].has_z and out[0].z == 1234.5
    assert not out[1].has_z
    assert out[0].x == out[1].x


def test_transform_geometries_accepts_geoseries_values_and_lists():
    pts = [shapely.Point(113.3, 40.09), shapely.Point(116.404, 39.915)]
    out = transform_geometries(pts, wgs84_to_gcj02)
    assert out[1].x == pytest.approx(116.41024, abs=1e-5)
    out2 = transform_geometries(gpd.GeoSeries(pts).values, wgs84_to_gcj02)
    assert shapely.equals_exact(out, out2, tolerance=0).all()


def test_geoseries_to_wgs84_gcj02_moves_datong_point_hundreds_of_metres():
    gs = gpd.GeoSeries([shapely.Point(*DATONG)], crs=None, index=[10], name="where")
    out = geoseries_to_wgs84(gs, "gcj02")
    assert out.crs.to_epsg() == 4326
    assert list(out.index) == [10] and out.name == "where"
    p = out.iloc[0]
    d = geodesic_metres(DATONG[0], DATONG[1], p.x, p.y)
    assert 300 < d < 700
    # GCJ-02 lies north-east of WGS-84 around Datong: the WGS-84 point is south-west.
    assert p.x < DATONG[0] and p.y < DATONG[1]


def test_geoseries_to_wgs84_declared_crs_wins_over_file_crs():
    gs = gpd.GeoSeries([shapely.Point(*DATONG)], crs="EPSG:4326")
    out = geoseries_to_wgs84(gs, "GCJ-02")
    assert geodesic_metres(DATONG[0], DATONG[1], out.iloc[0].x, out.iloc[0].y) > 300


def test_geoseries_to_wgs84_bd09():
    gs = gpd.GeoSeries([shapely.Point(*DATONG)])
    out = geoseries_to_wgs84(gs, "bd09")
    exp = bd09_to_wgs84(*DATONG)
    assert out.iloc[0].x == pytest.approx(float(exp[0]), abs=1e-12)
    assert out.crs.to_epsg() == 4326


def test_geoseries_to_wgs84_pyproj_crs():
    x, y = 500_000.0, 4_440_000.0
    gs = gpd.GeoSeries([shapely.Point(x, y), shapely.LineString([(x, y), (x + 1000, y)])])
    out = geoseries_to_wgs84(gs, "EPSG:4547")
    assert out.crs.to_epsg() == 4326
    rlon, rlat = pyproj.Transformer.from_crs(4547, 4326, always_xy=True).transform(x, y)
    assert out.iloc[0].x == pytest.approx(rlon, abs=1e-9)
    assert out.iloc[0].y == pytest.approx(rlat, abs=1e-9)
    # Without a declared CRS the series' own CRS is used.
    out2 = geoseries_to_wgs84(gs.set_crs("EPSG:4547"))
    assert out2.iloc[0].equals_exact(out.iloc[0], tolerance=1e-12)


def test_geoseries_to_wgs84_without_any_crs_fails():
    with pytest.raises(ValueError, match="no CRS"):
        geoseries_to_wgs84(gpd.GeoSeries([shapely.Point(1, 2)]))


def test_geoseries_to_wgs84_rejects_bad_crs():
    with pytest.raises(ValueError, match="allowed"):
        geoseries_to_wgs84(gpd.GeoSeries([shapely.Point(1, 2)]), "EPSG:99999")


def test_geoseries_from_wgs84_round_trip():
    geoms = _sample_geometries()
    gs = gpd.GeoSeries(geoms, crs="EPSG:4326")
    gcj = geoseries_from_wgs84(gs, "gcj02")
    # Labelled EPSG:4326 so folium does not reproject the shifted coordinates.
    assert gcj.crs.to_epsg() == 4326
    assert gcj.iloc[4].x == pytest.approx(float(wgs84_to_gcj02(*DATONG)[0]), abs=1e-12)
    back = geoseries_to_wgs84(gcj, "gcj02")
    a = shapely.get_coordinates(gs.values)
    b = shapely.get_coordinates(back.values)
    assert metres(a[:, 0], a[:, 1], b[:, 0], b[:, 1]).max() < ONE_CM


def test_geoseries_from_wgs84_reprojects_other_input_first():
    gs = gpd.GeoSeries([shapely.Point(*DATONG)], crs="EPSG:4326").to_crs(32649)
    gcj = geoseries_from_wgs84(gs, "gcj02")
    exp = wgs84_to_gcj02(*DATONG)
    assert gcj.iloc[0].x == pytest.approx(float(exp[0]), abs=1e-8)
    assert gcj.iloc[0].y == pytest.approx(float(exp[1]), abs=1e-8)


def test_geoseries_from_wgs84_pyproj():
    gs = gpd.GeoSeries([shapely.Point(114.0, 40.0)], crs="EPSG:4326")
    out = geoseries_from_wgs84(gs, "EPSG:4547")
    assert out.crs.to_epsg() == 4547
    assert out.iloc[0].x == pytest.approx(500_000.0, abs=1e-3)
