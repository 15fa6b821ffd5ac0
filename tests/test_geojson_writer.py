"""The fast GeoJSON writer (riskmap.geojson): what a user opening the file would see."""

from __future__ import annotations

import datetime as dt
import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, shape

from riskmap.geojson import geojson_bytes, write_geojson

TRICKY_TEXT = ['他说："危险"', "C:\\路径\\文件", "第一行\n第二行\t制表", "</script><script>alert(1)</script>",
               "控制\x00字符\x1f", "emoji 😀 and \u2028 separator", ""]


def _features(frame: gpd.GeoDataFrame, **options) -> list[dict]:
    document = json.loads(geojson_bytes(frame, **options))
    assert document["type"] == "FeatureCollection"
    return document["features"]


def _every_dtype_frame() -> gpd.GeoDataFrame:
    n = len(TRICKY_TEXT)
    frame = pd.DataFrame({
        "text": pd.Series(TRICKY_TEXT, dtype=object),
        "text_or_none": pd.Series(["山西省", None, "大同市", np.nan, "x", None, "y"], dtype=object),
        "pandas_str": pd.Series(["太原", None, "晋中", "b", "c", "d", "e"], dtype="str"),
        "ints": np.arange(n, dtype=np.int64) * 1_000_000_007,
        "uint8": np.arange(n, dtype=np.uint8),
        "nullable_int": pd.array([1, None, 3, None, 5, 6, 7], dtype="Int64"),
        "floats": [0.1, np.nan, np.inf, -np.inf, -0.0, 1e-9, 123456.7890123],
        "float32": np.array([0.5, 1.25, np.nan, 2.0, 3.5, -1.0, 0.0], dtype=np.float32),
        "bools": [True, False, True, False, True, False, True],
        "nullable_bool": pd.array([True, None, False, True, None, False, True], dtype="boolean"),
        "dates": pd.to_datetime(["2026-10-31", None, "2024-02-29 13:45", "2020-01-01", None, "1999-12-31", "2026-01-01"], format="ISO8601"),
        "aware": pd.to_datetime(["2026-10-31 23:30"] * n).tz_localize("Asia/Shanghai"),
        "python_dates": [dt.date(2026, 1, 2), None, dt.date(2025, 5, 6), dt.date(2024, 1, 1), None, dt.date(2023, 3, 4),
                         dt.date(2022, 8, 9)],
        "grade": pd.Categorical(["red", "orange", None, "blue", "yellow", "red", "blue"]),
        "mixed": [1, "two", [3, 4.5, np.nan], {"k": "值", "n": np.int64(7)}, None, np.float64("nan"), True],
        "numpy_objects": pd.Series([np.int64(3), np.float64(2.5), None, np.int64(-1), np.float64(np.inf), 7, 8.0],
                                   dtype=object),
        "nothing": [None] * n,
        "huge_ints": pd.Series([2**70, 1, None, -(2**65), 0, 5, 6], dtype=object),
        "two_zones": [pd.Timestamp("2026-10-31 23:30", tz="Asia/Shanghai"), None,
                      pd.Timestamp("2026-10-31 23:30", tz="UTC")] + [None] * (n - 3),
        "_private": np.arange(n),
    })
    geometry = [Point(112.123456789, 37.987654321)] * n
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def test_values_of_every_dtype_come_back(tmp_path):
    frame = _every_dtype_frame()
    path = tmp_path / "every.geojson"
    write_geojson(frame, path)
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    props = [f["properties"] for f in features]
    assert "_private" not in props[0]
    assert list(props[0]) == [c for c in frame.columns if c not in ("geometry", "_private")]
    assert [p["text"] for p in props] == TRICKY_TEXT
    assert [p["text_or_none"] for p in props] == ["山西省", None, "大同市", None, "x", None, "y"]
    assert [p["pandas_str"] for p in props] == ["太原", None, "晋中", "b", "c", "d", "e"]
    assert [p["ints"] for p in props] == [i * 1_000_000_007 for i in range(7)]
    assert all(isinstance(p["ints"], int) for p in props)
    assert [p["uint8"] for p in props] == list(range(7))
    assert [p["nullable_int"] for p in props] == [1, None, 3, None, 5, 6, 7]
    assert [p["floats"] for p in props] == [0.1, None, None, None, 0.0, 1e-9, 123456.7890123]
    assert [p["float32"] for p in props] == [0.5, 1.25, None, 2.0, 3.5, -1.0, 0.0]
    assert [p["bools"] for p in props] == [True, False] * 3 + [True]
    assert [p["nullable_bool"] for p in props] == [True, None, False, True, None, False, True]
    assert [p["dates"] for p in props] == ["2026-10-31", None, "2024-02-29", "2020-01-01", None, "1999-12-31",
                                          "2026-01-01"]
    assert {p["aware"] for p in props} == {"2026-10-31"}  # the local date, as pandas formats it
    assert [p["python_dates"] for p in props] == ["2026-01-02", None, "2025-05-06", "2024-01-01", None,
                                                 "2023-03-04", "2022-08-09"]
    assert [p["grade"] for p in props] == ["red", "orange", None, "blue", "yellow", "red", "blue"]
    assert [p["mixed"] for p in props] == [1, "two", [3, 4.5, None], {"k": "值", "n": 7}, None, None, True]
    assert [p["numpy_objects"] for p in props] == [3, 2.5, None, -1, None, 7, 8.0]
    assert [p["nothing"] for p in props] == [None] * 7
    assert [p["huge_ints"] for p in props] == [2**70, 1, None, -(2**65), 0, 5, 6]
    assert [p["two_zones"] for p in props][:3] == ["2026-10-31", None, "2026-10-31"]


def test_text_is_utf8_with_chinese_readable_and_no_bare_nan(tmp_path):
    frame = _every_dtype_frame()
    raw = geojson_bytes(frame)
    assert "山西省".encode() in raw and b"\\u5c71" not in raw
    for token in (b"NaN", b"Infinity", b"nan,", b"inf,"):
        assert token not in raw
    json.loads(raw, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))


def test_geometry_types_rounded_and_null(tmp_path):
    hole = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(2, 2), (2, 4), (4, 4), (4, 2)]])
    geoms = [
        Point(112.12345678912, 37.98765432198),
        LineString([(112.0, 37.0), (112.123456789, 37.5), (113.000000049, 38.1)]),
        MultiLineString([[(1, 1), (2, 2.00000001)], [(3, 3), (4, 4), (5, 5)]]),
        hole,
        MultiPolygon([hole, Polygon([(20, 20), (21, 20), (21, 21)])]),
        None,
        Point(),
        LineString(),
        MultiPoint([(1, 2), (3.33333333, 4)]),
        shapely.GeometryCollection([Point(1, 1), LineString([(0, 0), (1, 1)])]),
        Point(1.5, 2.5, 3.123456789),
        Point(np.nan, 1.0),
    ]
    frame = gpd.GeoDataFrame({"i": range(len(geoms))}, geometry=geoms, crs="EPSG:4326")
    features = _features(frame)
    types = [f["geometry"]["type"] if f["geometry"] else None for f in features]
    assert types == ["Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon", None, None, None,
                     "MultiPoint", "GeometryCollection", "Point", None]
    assert features[0]["geometry"]["coordinates"] == [112.1234568, 37.9876543]
    assert features[1]["geometry"]["coordinates"] == [[112.0, 37.0], [112.1234568, 37.5], [113.0, 38.1]]
    assert features[10]["geometry"]["coordinates"] == [1.5, 2.5, 3.1234568]
    for feature, geom in zip(features, geoms):
        if feature["geometry"] is None or feature["geometry"]["type"] == "GeometryCollection":
            continue
        expected = shapely.transform(geom, lambda xy: np.round(xy, 7), include_z=geom.has_z)
        assert shape(feature["geometry"]).equals_exact(expected, 0), feature
    polygon = features[3]["geometry"]["coordinates"]
    assert len(polygon) == 2 and polygon[1][0] == [2.0, 2.0]  # the hole is kept, rings in order
    assert len(features[4]["geometry"]["coordinates"]) == 2


def test_column_names_polars_would_read_as_patterns():
    names = ["*", "^grade$", "a.b", "风险 等级", 'quote"d', 7]
    frame = gpd.GeoDataFrame({n: [i] for i, n in enumerate(names)}, geometry=[Point(1, 2)], crs="EPSG:4326")
    frame["mixed"] = [[1, "x"]]  # a JSON-text column between the others
    assert _features(frame)[0]["properties"] == {**{str(n): i for i, n in enumerate(names)}, "mixed": [1, "x"]}


def test_precision_option():
    frame = gpd.GeoDataFrame(geometry=[Point(112.123456789, 37.987654321)], crs="EPSG:4326")
    assert _features(frame, precision=3)[0]["geometry"]["coordinates"] == [112.123, 37.988]


def test_file_reads_back_with_pyogrio(tmp_path):
    frame = _every_dtype_frame().drop(columns=["mixed", "huge_ints", "two_zones"])
    frame["text"] = [t.replace("\x00", "") for t in TRICKY_TEXT]  # GDAL's strings end at NUL
    frame["geometry"] = [Point(112 + i / 10, 37 + i / 10) if i != 3 else None for i in range(len(frame))]
    path = tmp_path / "layer.geojson"
    write_geojson(frame, path)
    back = gpd.read_file(path, engine="pyogrio")
    assert len(back) == len(frame)
    assert back.crs.to_epsg() == 4326
    assert back["text"].tolist() == frame["text"].tolist()
    assert back["ints"].tolist() == frame["ints"].tolist()
    assert back.geometry.isna().tolist() == [i == 3 for i in range(len(frame))]
    assert back.geometry.x.dropna().round(7).tolist() == [112 + i / 10 for i in range(len(frame)) if i != 3]
    assert [None if pd.isna(v) else str(v)[:10] for v in back["dates"]] == [
        "2026-10-31", None, "2024-02-29", "2020-01-01", None, "1999-12-31", "2026-01-01"]


def test_bytes_file_and_chunk_sizes_agree(tmp_path, monkeypatch):
    frame = _every_dtype_frame()
    frame["geometry"] = [Point(1, 1), None, LineString([(0, 0), (1, 1)]), Point(), Point(3, 4),
                         Polygon([(0, 0), (1, 0), (1, 1)]), Point(5, 6)]
    whole = geojson_bytes(frame)
    for size in (1, 2, 3, 100):
        assert geojson_bytes(frame, chunk_size=size) == whole
    monkeypatch.setattr("riskmap.geojson.MAX_CHUNK_COORDINATES", 3)  # chunks cut by coordinates
    assert geojson_bytes(frame) == whole
    path = tmp_path / "x.geojson"
    write_geojson(frame, path, chunk_size=2)
    assert path.read_bytes() == whole
    with pytest.raises(ValueError):
        geojson_bytes(frame, chunk_size=0)


def test_empty_frame_and_frame_without_properties(tmp_path):
    empty = gpd.GeoDataFrame({"a": pd.Series([], dtype=float)}, geometry=[], crs="EPSG:4326")
    assert json.loads(geojson_bytes(empty)) == {"type": "FeatureCollection", "features": []}
    bare = gpd.GeoDataFrame(geometry=[Point(1, 2), None], crs="EPSG:4326")
    assert _features(bare) == [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}},
        {"type": "Feature", "properties": {}, "geometry": None},
    ]


def test_projected_frame_is_written_in_wgs84():
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(500000, 4_000_000)], crs="EPSG:32649")
    lon, lat = _features(frame)[0]["geometry"]["coordinates"]
    assert lon == pytest.approx(111.0, abs=1e-6) and 36.0 < lat < 36.2


def _same_value(old, new) -> bool:
    if isinstance(old, float) and isinstance(new, (int, float)):
        return math.isclose(old, new, rel_tol=1e-9, abs_tol=1e-10)  # pandas writes 10 decimals
    return old == new


def test_same_features_as_todays_writer_on_the_demo(demo_assessment, tmp_path):
    from geojson_reference import write_geojson as todays_writer

    for layer in ("counties", "enterprises", "road_units", "hazards", "accidents"):
        frame = getattr(demo_assessment, layer)
        todays_writer(frame, tmp_path / f"old_{layer}.geojson")
        write_geojson(frame, tmp_path / f"new_{layer}.geojson")
        old = json.loads((tmp_path / f"old_{layer}.geojson").read_text(encoding="utf-8"))["features"]
        new = json.loads((tmp_path / f"new_{layer}.geojson").read_text(encoding="utf-8"))["features"]
        assert len(new) == len(old) == len(frame) > 0, layer
        for a, b in zip(old, new):
            assert b["geometry"] == a["geometry"], layer
            assert list(b["properties"]) == list(a["properties"]), layer
            for key, value in a["properties"].items():
                assert _same_value(value, b["properties"][key]), (layer, key, value, b["properties"][key])


# --------------------------------------------------------------------------- hypothesis
_text = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
_float = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e6, 1e6))
_COLUMNS = {
    "text": lambda n: st.lists(_text, min_size=n, max_size=n).map(lambda v: pd.Series(v, dtype=object)),
    "int": lambda n: st.lists(st.integers(-2**62, 2**62), min_size=n, max_size=n).map(np.array),
    "float": lambda n: st.lists(_float, min_size=n, max_size=n).map(lambda v: np.array(v, dtype=float)),
    "bool": lambda n: st.lists(st.booleans(), min_size=n, max_size=n).map(np.array),
    "date": lambda n: st.lists(st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))),
                               min_size=n, max_size=n).map(lambda v: pd.to_datetime(pd.Series(v, dtype=object))),
}
_coord = st.floats(-180, 180, allow_nan=False)
_geometry = st.one_of(
    st.none(),
    st.tuples(_coord, _coord).map(Point),
    st.lists(st.tuples(_coord, _coord), min_size=2, max_size=5).map(LineString),
    st.tuples(_coord, _coord, st.floats(0.001, 5)).map(lambda t: Point(t[0], t[1]).buffer(t[2], 2)),
)


@st.composite
def _frames(draw):
    n = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(sorted(_COLUMNS)), max_size=6))
    data = {f"{kind}_{i}": draw(_COLUMNS[kind](n)) for i, kind in enumerate(kinds)}
    geoms = draw(st.lists(_geometry, min_size=n, max_size=n))
    frame = gpd.GeoDataFrame(pd.DataFrame(data, index=range(n)), geometry=geoms, crs="EPSG:4326")
    return frame, draw(st.integers(1, 5)), draw(st.integers(0, 9))


def _expected(value, kind):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "date":
        return value.strftime("%Y-%m-%d")
    if kind == "float":
        return float(value) if math.isfinite(value) else None
    return value.item() if isinstance(value, np.generic) else value


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames())
def test_random_frames_round_trip(case):
    frame, chunk_size, precision = case
    features = _features(frame, chunk_size=chunk_size, precision=precision)
    assert len(features) == len(frame)
    for i, feature in enumerate(features):
        assert list(feature["properties"]) == [c for c in frame.columns if c != "geometry"]
        for column, value in feature["properties"].items():
            assert value == _expected(frame[column].iloc[i], column.split("_")[0]), (column, i)
        geom = frame.geometry.iloc[i]
        if geom is None:
            assert feature["geometry"] is None
        else:
            expected = shapely.transform(geom, lambda xy: np.round(xy, precision))
            assert shape(feature["geometry"]).equals_exact(expected, 0)
