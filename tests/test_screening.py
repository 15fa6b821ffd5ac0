"""Road screening through the pipeline: units, snapping, stand-in road columns."""

from __future__ import annotations

import pytest

from riskmap import assess
from wsfactory import TOML, road_frame, write_workspace


def test_units_are_cut_per_county_and_named(small_workspace):
    a = assess(small_workspace)
    units = a.road_units
    # R1 crosses all three counties; every unit lies in one county and is at most 1 km.
    assert set(units.loc[units["segment_id"] == "R1", "county_code"]) == {"140001", "140002", "140003"}
    assert units["length_m"].max() <= 1000 + 1e-6
    assert units["unit_id"].is_unique
    assert units["unit_id"].iat[0].startswith("R1-140001-")
    assert a.summary["roads"]["assigned_length_m"] == pytest.approx(units["length_m"].sum())


def test_accidents_snap_within_50_m_and_count_by_severity(small_workspace):
    a = assess(small_workspace)
    acc = a.accidents.set_index("accident_id")
    # A1 and A2 lie ~11 m and ~22 m from R1; A3 too; A4 is a production accident (not snapped).
    assert acc.loc["A1", "unit_id"] is not None and acc.loc["A1", "snap_distance_m"] < 50
    assert acc.loc["A4", "unit_id"] is None
    unit = a.road_units.set_index("unit_id").loc[acc.loc["A1", "unit_id"]]
    assert unit["fatal"] == 1 and unit["injury"] == 1  # A1 fatal, A2 injury on the same unit
    assert unit["epdo"] == 15


def test_far_accident_is_noted_unsnapped_but_counts_for_its_county(tmp_path):
    from wsfactory import accident_frame

    accidents = accident_frame()
    accidents.loc[0, ["经度", "纬度"]] = [113.15, 40.06]  # in 乙县 (140002), ~3 km from R1, 1 fatal
    a = assess(write_workspace(tmp_path / "ws", accidents=accidents))
    assert a.accidents.set_index("accident_id").loc["A1", "unit_id"] is None
    # It has a county, so it is a note (notes.csv), not an unassigned record.
    assert not ((a.unassigned["dataset"] == "accidents") & (a.unassigned["id"] == "A1")).any()
    listed = a.notes[(a.notes["dataset"] == "accidents") & (a.notes["id"] == "A1")]
    assert len(listed) == 1 and "50" in listed["note"].iat[0] and listed["county_code"].iat[0] == "140002"
    county = a.counties.set_index("county_code").loc["140002"]
    assert county["deaths_12m"] == 1 and county["points_accidents"] == 5


def test_road_columns_stand_in_without_accident_points(tmp_path):
    roads = road_frame()
    roads["事故起数"] = [12, 0]
    roads["死亡人数"] = [3, 0]
    roads["受伤人数"] = [4, 0]
    toml = TOML.format(language="zh").split("[datasets.accidents]")[0]
    ws = write_workspace(tmp_path / "ws", roads=roads, toml=toml)
    a = assess(ws)
    r1 = a.road_units[a.road_units["segment_id"] == "R1"]
    # Shared by length: the unit counts add up to the segment's 3 fatal, 4 injury, 5 property-only.
    assert r1["fatal"].sum() == pytest.approx(3)
    assert r1["injury"].sum() == pytest.approx(4)
    assert r1["pdo"].sum() == pytest.approx(5)
    assert (a.road_units.loc[a.road_units["segment_id"] == "R2", "epdo"] == 0).all()


def test_counties_only_workspace(tmp_path, demo_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "counties.geojson").write_bytes((demo_path / "counties.geojson").read_bytes())
    (ws / "riskmap.toml").write_text('[workspace]\nas_of = 2026-10-31\n[datasets.counties]\npath = "counties.geojson"\ncrs = "gcj02"\n',
                                     encoding="utf-8")
    a = assess(ws)
    assert a.summary["counties"]["by_grade"]["blue"] == 10
    assert a.summary["enterprises"]["input"] == 0 and a.summary["roads"]["units"] == 0


def test_accident_window_is_36_months_after_the_same_day(tmp_path):
    from wsfactory import accident_frame

    accidents = accident_frame()
    accidents["发生时间"] = ["2023-10-31", "2023-11-01", "2026-10-31", "2026-11-01"]
    accidents["类型"] = "traffic"
    a = assess(write_workspace(tmp_path / "ws", accidents=accidents))
    flags = a.accidents.set_index("accident_id")["in_window"]
    assert list(flags) == [False, True, True, False]
