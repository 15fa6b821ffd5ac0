"""The folium map (``riskmap.mapview``) on a small synthetic assessment."""

from __future__ import annotations

import dataclasses
import json
import re

import folium
import numpy as np
import pandas as pd
import pytest
import shapely

from mapfixtures import COUNTIES, make_assessment
from riskmap import mapview
from riskmap.errors import InputError, LayerSpecError
from riskmap.filters import Filters
from riskmap.layers import load_layers, parse_layer
from riskmap.mapview import build_map, elements, encode, map_html, offline, save_standalone, standalone_html
from riskmap.mapview.legend import Legend

SRC = re.compile(r"<(script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']([^\"']*)[\"']", re.I)


@pytest.fixture(scope="module")
def assessment():
    return make_assessment()


def _payloads(m: folium.Map) -> dict[str, dict]:
    """The JSON payload of each drawn layer, by layer name; a layer's shapes also as the GeoJSON
    FeatureCollection ``riskmap.js`` rebuilds from them (``geojson``)."""
    out = {}
    for element in offline.walk(m):
        if isinstance(element, elements.DataLayer):
            payload = json.loads(element.payload)
            if "shapes" in payload:
                payload["geojson"] = _collection(payload["shapes"])
            out[element.layer_name] = payload
    return out


def _collection(shapes: dict) -> dict:
    """What ``collection()`` of riskmap.js makes of a layer's shapes."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": p, "geometry": g if t < 0 else {"type": shapes["t"][t], "coordinates": g}}
        for t, g, p in shapes["f"]]}


def test_shapes_are_geojson_without_its_boilerplate(assessment):
    """The shapes a layer sends read back as the GEOS GeoJSON of its (simplified, rounded) geometries."""

    payload = _payloads(build_map(assessment))["区县风险等级"]
    features = payload["geojson"]["features"]
    assert len(features) == len(assessment.counties) and set(payload["shapes"]["t"]) <= {"Polygon", "MultiPolygon"}
    for f in features:
        shape = shapely.geometry.shape(f["geometry"])
        assert shape.is_valid and not shape.is_empty
    collection = encode._shapes(np.array([shapely.Point(1, 2), shapely.GeometryCollection([shapely.Point(3, 4)]), None]),
                                ['{"s":0}', '{"s":1}', '{"s":2}'])
    back = _collection(json.loads(collection))["features"]
    assert back[0]["geometry"] == {"type": "Point", "coordinates": [1.0, 2.0]}
    assert back[1]["geometry"]["type"] == "GeometryCollection" and back[2]["geometry"] is None
    assert [f["properties"]["s"] for f in back] == [0, 1, 2]


def _n_points(payload: dict) -> int:
    return len(payload["rows"]) + sum(1 for _ in payload.get("cells", []))


def test_map_has_legend_control_scale_fullscreen_and_fits_region(assessment):
    m = build_map(assessment)
    html = map_html(m)
    assert isinstance(m, folium.Map)
    assert "rm-legend" in html and "风险等级" in html
    for label in ("重大风险", "较大风险", "一般风险", "低风险"):
        assert label in html
    assert "L.control.layers" in html
    assert "L.control.scale" in html
    assert "L.control.fullscreen" in html
    assert "fitBounds" in html
    # one county per grade: the legend shows the count 1 for each grade
    legend = next(e for e in offline.walk(m) if isinstance(e, Legend))
    for grade in ("red", "orange", "yellow", "blue"):
        assert f'data-grade=\\"{grade}\\">1<' in legend.content
    names = {e.layer_name for e in offline.walk(m) if isinstance(e, folium.map.Layer)}
    assert {"区县风险等级", "企业", "道路单元", "未销号隐患"} <= names


def test_english_labels(assessment):
    m = build_map(assessment, lang="en")
    html = map_html(m)
    assert "major risk" in html and "low risk" in html and "Enterprises" in html
    legend = next(e for e in offline.walk(m) if isinstance(e, Legend))
    assert "重大风险" not in legend.content and "major risk" in legend.content
    assert "重大风险" not in json.dumps(_payloads(m)["Enterprises"]["dicts"], ensure_ascii=False)


def test_no_internet_needed(assessment, tmp_path):
    # The page links only the vendored files (file:// by default, or a server path) ...
    for html in (map_html(build_map(assessment)), map_html(build_map(assessment, asset_base="../assets/"))):
        sources = [src for _tag, src in SRC.findall(html)]
        assert sources, "the vendored Leaflet files are linked"
        assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
        assert any(s.endswith("leaflet/leaflet.js") for s in sources)
    # ... and the saved map inlines every script and stylesheet.
    path = save_standalone(build_map(assessment), tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert SRC.findall(html) == []
    # with clustering on, the MarkerCluster plugin is inlined too
    specs = [dataclasses.replace(s, style={**s.style, "cluster_above": 5}) if s.id == "enterprises" else s
             for s in load_layers()]
    clustered = standalone_html(build_map(assessment, layers=specs))
    assert "markercluster/leaflet.markercluster.js" in clustered and SRC.findall(clustered) == []
    assert "leaflet/leaflet.js" in html and "window.L" in html  # Leaflet itself is inside
    # jQuery, Bootstrap and Font Awesome are not used and not shipped.
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower() and "fontawesome" not in html.lower()


def test_tile_urls_are_the_only_internet_urls(assessment, monkeypatch):
    monkeypatch.setenv("TIANDITU_KEY", "abc123")
    for basemap, host in (("osm", "tile.openstreetmap.org"), ("carto-light", "basemaps.cartocdn.com"),
                          ("tianditu", "tianditu.gov.cn"), ("gaode", "autonavi.com"),
                          ("https://tiles.example.org/{z}/{x}/{y}.png", "tiles.example.org")):
        html = map_html(build_map(assessment, basemap=basemap))
        assert host in html
        assert not [s for _t, s in SRC.findall(html) if s.startswith(("http://", "https://"))]
    assert "tk=abc123" in map_html(build_map(assessment, basemap="tianditu"))


def test_basemap_none_has_no_tiles_and_a_plain_background(assessment):
    html = map_html(build_map(assessment))
    assert "L.tileLayer" not in html
    assert mapview.BACKGROUND in html


def test_basemap_errors(assessment, monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(InputError, match="TIANDITU_KEY"):
        build_map(assessment, basemap="tianditu")
    with pytest.raises(InputError, match="unknown basemap"):
        build_map(assessment, basemap="google")


def test_gaode_shifts_overlays_into_gcj02(assessment):
    from riskmap.coords import wgs84_to_gcj02

    plain = _payloads(build_map(assessment))["区县风险等级"]
    shifted = _payloads(build_map(assessment, basemap="gaode"))["区县风险等级"]
    (lat0, lon0, _), (lat1, lon1, _) = plain["names"][0], shifted["names"][0]
    elon, elat = wgs84_to_gcj02(np.array([lon0]), np.array([lat0]))
    assert abs(lon1 - elon[0]) < 2e-5 and abs(lat1 - elat[0]) < 2e-5
    assert abs(lon1 - lon0) + abs(lat1 - lat0) > 1e-3  # hundreds of metres
    # a click on the shifted map finds the right county again
    code = COUNTIES[0][0]
    x, y = COUNTIES[0][3] + 0.25, COUNTIES[0][4] + 0.25
    gx, gy = wgs84_to_gcj02(np.array([x]), np.array([y]))
    assert mapview.county_at(assessment, float(gy[0]), float(gx[0]), basemap="gaode") == code
    assert mapview.county_at(assessment, y, x) == code
    assert mapview.county_at(assessment, 10.0, 10.0) is None


def test_text_is_escaped(assessment):
    html = map_html(build_map(assessment))
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1;alert(1)&quot;&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html  # hazard description
    # Values are never evaluated as templates either (folium re-reads scripts with Jinja).
    evil = make_assessment()
    evil.enterprises.loc[1, "name"] = "{{ 7*7 }}{% if true %}JINJA{% endif %}</script><script>alert(2)</script>"
    evil.counties.loc[0, "county_name"] = "{{ 6*7 }}"
    html = standalone_html(build_map(evil))
    assert "JINJA" not in html.replace("{\\u0025 if true %}JINJA", "")
    assert '"42' not in html and ">42<" not in html
    assert "</script><script>alert(2)" not in html


def test_filters_act_per_layer(assessment):
    full = _payloads(build_map(assessment))
    coal = _payloads(build_map(assessment, filters=Filters(sectors=("coal_mine",))))
    n_coal = int((assessment.enterprises["sector"] == "coal_mine").sum())
    assert _n_points(full["企业"]) == len(assessment.enterprises)
    assert _n_points(coal["企业"]) == n_coal
    # road units belong to road transport; counties do not take the sector filter
    assert coal["道路单元"]["geojson"]["features"] == []
    assert len(coal["区县风险等级"]["geojson"]["features"]) == 4
    red = _payloads(build_map(assessment, filters=Filters(grades=("red",))))
    assert len(red["区县风险等级"]["geojson"]["features"]) == 1
    one = _payloads(build_map(assessment, filters=Filters(counties=(COUNTIES[1][0],))))
    assert len(one["区县风险等级"]["geojson"]["features"]) == 1
    assert _n_points(one["企业"]) == int((assessment.enterprises["county_code"] == COUNTIES[1][0]).sum())
    # hazards: open ones only (the layer's `where`)
    n_open = int(assessment.hazards["is_open"].sum())
    assert _n_points(full["未销号隐患"]) == n_open


def test_layers_subset_and_selected_county(assessment):
    specs = [s for s in load_layers() if s.id == "counties"]
    m = build_map(assessment, layers=specs, selected_county=COUNTIES[2][0])
    payload = _payloads(m)["区县风险等级"]
    assert list(_payloads(m)) == ["区县风险等级"]
    styles = payload["styles"]
    chosen = [f for f in payload["geojson"]["features"] if f["properties"]["k"] == COUNTIES[2][0]][0]
    assert styles[chosen["properties"]["s"]]["w"] == specs[0].style["highlight_weight"]


def test_counties_simplified_as_a_valid_coverage(assessment):
    simple = encode.simplified_counties(assessment.counties)
    assert shapely.coverage_is_valid(simple.to_numpy())
    assert shapely.get_num_coordinates(simple.to_numpy()).sum() < shapely.get_num_coordinates(
        assessment.counties.geometry.to_numpy()).sum()


def test_coordinates_rounded(assessment):
    html = map_html(build_map(assessment))
    numbers = re.findall(r"\[(-?\d+\.\d+),(-?\d+\.\d+)\]", html)
    assert numbers
    assert max(len(x.split(".")[1]) for pair in numbers for x in pair) <= mapview.COORD_DECIMALS


def test_many_points_are_clustered_then_aggregated():
    big = make_assessment(n_enterprises=2500)
    spec = next(s for s in load_layers() if s.id == "enterprises")
    clustered = _payloads(build_map(big, layers=[dataclasses.replace(spec, style={**spec.style, "cluster_above": 100})]))
    assert clustered["企业"]["cluster"] is not None and len(clustered["企业"]["rows"]) == 2500
    style = {**spec.style, "aggregate_above": 1000, "aggregate_keep": ["red"], "aggregate_cells": 20}
    agg = _payloads(build_map(big, layers=[dataclasses.replace(spec, style=style)]))["企业"]
    n_red = int((big.enterprises["grade"] == "red").sum())
    assert len(agg["rows"]) == n_red  # red ones stay individual
    assert 0 < len(agg["cells"]) <= 20 * 20
    # Each cell says how many it holds, and of which grade (its tooltip is written from these in the browser).
    assert all(c[4] == sum(c[5]) > 0 for c in agg["cells"])
    assert sum(c[4] for c in agg["cells"]) == len(big.enterprises) - n_red
    assert len(agg["cell_text"]["keys"]) == len(agg["cells"][0][5]) and "{n}" in agg["cell_text"]["head"]


def test_many_road_units_keep_the_grades_that_matter():
    a = make_assessment()
    spec = next(s for s in load_layers() if s.id == "road_units")
    spec = dataclasses.replace(spec, style={**spec.style, "aggregate_above": 5})
    m = build_map(a, layers=[spec])
    name, payload = next(iter(_payloads(m).items()))
    assert "仅" in name
    grades = {payload["styles"][f["properties"]["s"]]["c"] for f in payload["geojson"]["features"]}
    assert "#1E78FF" not in grades or any(  # blue only where emphasised (accident-prone)
        payload["styles"][f["properties"]["s"]]["casing"] for f in payload["geojson"]["features"])
    # one feature per road and style: 4 roads, 3 kept grades, plus the accident-prone unit
    assert len(payload["geojson"]["features"]) <= 4 * 3 + 1


def _schools(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    pd.DataFrame({
        "名称": ["第一中学", "<script>alert(3)</script>小学"],
        "lon": [112.2, 112.7], "lat": [37.7, 38.2],
    }).to_csv(ws / "schools.csv", index=False, encoding="utf-8-sig")
    return ws


SCHOOLS_TOML = """
[layer]
title = { zh = "学校", en = "Schools" }
path = "schools.csv"
crs = "EPSG:4326"
geometry = "point"
order = 60
filters = ["counties"]

[style]
colour = "#2E7D32"
radius = 6

[[tooltip]]
column = "名称"
zh = "学校"
en = "School"
"""


def test_a_new_point_layer_needs_no_code(tmp_path):
    ws = _schools(tmp_path)
    (ws / "layers").mkdir()
    (ws / "layers" / "schools.toml").write_text(SCHOOLS_TOML, encoding="utf-8")
    a = make_assessment(workspace=ws)
    m = build_map(a)  # default layers + the workspace's layers/ folder
    payloads = _payloads(m)
    assert "学校" in payloads and len(payloads["学校"]["rows"]) == 2
    html = map_html(m)
    assert '"学校"' in html  # in the layer control
    assert "&lt;script&gt;alert(3)&lt;/script&gt;小学" in html
    # the county filter acts by location when the file has no county column
    only = _payloads(build_map(a, filters=Filters(counties=(COUNTIES[0][0],))))
    assert len(only["学校"]["rows"]) == 1


def test_a_dataset_from_the_workspace_extra_mapping(tmp_path):
    import geopandas as gpd

    a = make_assessment()
    a.extra = {"hospitals": gpd.GeoDataFrame({"name": ["人民医院"]}, geometry=[shapely.Point(112.3, 37.8)], crs=4326)}
    spec = parse_layer({"dataset": "hospitals", "geometry": "point", "title": {"zh": "医院", "en": "Hospitals"},
                        "tooltip": [{"column": "name", "zh": "名称", "en": "Name"}]}, source="hospitals.toml")
    payloads = _payloads(build_map(a, layers=[*load_layers(), spec]))
    assert len(payloads["医院"]["rows"]) == 1
    missing = dataclasses.replace(spec, dataset="clinics")
    with pytest.raises(LayerSpecError, match="hospitals.toml: key 'dataset'"):
        build_map(a, layers=[missing])


def test_layer_file_errors_name_the_spec(tmp_path):
    ws = _schools(tmp_path)
    a = make_assessment(workspace=ws)
    spec = parse_layer({"path": "nothere.csv", "geometry": "point"}, source="schools.toml")
    with pytest.raises(LayerSpecError, match="schools.toml: key 'path'"):
        build_map(a, layers=[spec])
    spec = parse_layer({"path": "schools.csv", "geometry": "point", "lon": "x"}, source="schools.toml")
    with pytest.raises(LayerSpecError, match="schools.toml: key 'lon'"):
        build_map(a, layers=[spec])
    spec = parse_layer({"dataset": "enterprises", "geometry": "point", "where": {"nope": 1}}, source="e.toml")
    with pytest.raises(LayerSpecError, match="e.toml: key 'where.nope'"):
        build_map(a, layers=[spec])


def test_demo_map_size(demo_assessment):
    html = map_html(build_map(demo_assessment))
    assert len(html.encode("utf-8")) < 1.5e6


def test_grade_colours_of_the_standard_reach_the_map_and_legend(tmp_path):
    from riskmap import assess
    from riskmap.mapview import build_map, map_html
    from wsfactory import TOML, write_workspace

    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "office.toml").write_text('[colours]\nred = "#B00000"\n', encoding="utf-8")
    ws = write_workspace(tmp_path / "ws", toml=TOML.format(language="zh").replace('standard = "default"', 'standard = "office.toml"'))
    html_text = map_html(build_map(assess(ws)))
    assert 'background:#B00000' in html_text  # the legend swatch
    assert html_text.count("#B00000") > 1  # and the features


def test_the_search_box_reads_the_shown_fields_and_sends_nothing_twice(assessment):
    from riskmap.mapview.elements import Controls

    m = build_map(assessment)
    payloads = _payloads(m)
    ents = payloads["企业"]
    # The name and the id are the popup's own fields: found through them, not sent again.
    assert [ents["labels"][i] for i in ents["find"]] == ["企业名称", "企业编号"]
    assert len(ents["labels"]) == len(set(ents["tip"]) | set(ents["pop"]))  # no field beyond those shown
    assert ents["title"] == "企业"
    i, row = ents["find"][1], ents["rows"][0][3]
    value = row[i] if ents["dicts"][i] is None else ents["dicts"][i][row[i]]
    assert value in set(assessment.enterprises["enterprise_id"])
    counties = payloads["区县风险等级"]
    assert [counties["labels"][i] for i in counties["find"]] == ["区县", "区划代码"]
    # A search column no field shows is added once, unlabelled in tooltip and popup.
    spec = next(s for s in load_layers() if s.id == "enterprises")
    extra = dataclasses.replace(spec, search=("name", "address", "enterprise_id"),
                                popup=tuple(f for f in spec.popup if f.column != "address"))
    found = _payloads(build_map(assessment, layers=[extra]))["企业"]
    address = found["find"][1]
    assert address not in found["tip"] and address not in found["pop"]
    # The controls: the region's bounds (as the map opened) and their words, in the page's language.
    controls = next(e for e in offline.walk(m) if isinstance(e, Controls))
    options = json.loads(controls.options)
    assert options["gate"] is True and options["strings"]["hint"] == "点击地图后可用滚轮缩放"
    (south, west), (north, east) = options["bounds"]
    minx, miny, maxx, maxy = assessment.counties.total_bounds
    assert (south, west, north, east) == pytest.approx((miny, minx, maxy, maxx))
    english = json.loads(next(e for e in offline.walk(build_map(assessment, lang="en")) if isinstance(e, Controls)).options)
    assert english["strings"]["reset"] == "Reset view to the whole region"
    assert "{n}" in english["strings"]["more"]
