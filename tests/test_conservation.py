"""Nothing lost, nothing counted twice (issue 9, point 1): the audit, notes, hazard grades, classes."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from riskmap import assess
from riskmap.cli import main
from riskmap.grading import grade_counties
from riskmap.standard import load_standard
from wsfactory import TOML, accident_frame, enterprise_frame, hazard_frame, write_workspace


def _ids(frame: pd.DataFrame, dataset: str) -> set:
    return set(frame.loc[frame["dataset"] == dataset, "id"])


def test_a_hazard_whose_enterprise_has_no_county_is_kept_and_listed(tmp_path):
    enterprises = enterprise_frame()
    enterprises.loc[1, ["经度", "纬度"]] = [115.0, 42.0]        # E2 far outside the region
    hazards = hazard_frame()                                    # H2 (open) and H3 (closed) are E2's
    hazards.loc[2, ["经度", "纬度"]] = [113.25, 40.05]          # H3 has a point of its own, in 丙县
    a = assess(write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=hazards))
    hz = a.hazards.set_index("hazard_id")
    assert len(a.hazards) == 4
    assert pd.isna(hz.loc["H2", "county_code"]) and hz.loc["H2", "located_by"] == "none"
    assert hz.loc["H2", "geometry"] is not None          # still drawn, at its enterprise's point
    reason = a.unassigned.set_index(["dataset", "id"]).loc[("hazards", "H2"), "reason"]
    assert "E2" in reason and "未归属" in reason
    # Its own point places H3 when the enterprise cannot.
    assert hz.loc["H3", "county_code"] == "140003" and hz.loc["H3", "located_by"] == "point"
    assert ("hazards", "H3") in set(zip(a.notes["dataset"], a.notes["id"]))
    assert "H3" not in _ids(a.unassigned, "hazards")


def test_unknown_enterprise_is_a_note_when_the_record_has_a_county(tmp_path):
    hazards = hazard_frame()
    hazards.loc[3, "企业编号"] = "NOPE"     # H4: unknown enterprise, own point in 丙县
    hazards.loc[0, "企业编号"] = "GONE"     # H1: unknown enterprise and no point
    a = assess(write_workspace(tmp_path / "ws", hazards=hazards))
    notes = a.notes.set_index(["dataset", "id"])
    assert notes.loc[("hazards", "H4"), "county_code"] == "140003" and "NOPE" in notes.loc[("hazards", "H4"), "note"]
    assert "H4" not in _ids(a.unassigned, "hazards")
    # H1 has no county: one unassigned row with both reasons.
    h1 = a.unassigned[(a.unassigned["dataset"] == "hazards") & (a.unassigned["id"] == "H1")]
    assert len(h1) == 1 and "GONE" in h1["reason"].iat[0] and len(h1["reason_codes"].iat[0]) == 2


def test_the_cli_counts_what_unassigned_csv_lists_and_writes_notes(tmp_path, capsys):
    enterprises = enterprise_frame()
    enterprises.loc[5, ["经度", "纬度"]] = [None, None]          # E6: no location
    accidents = accident_frame()
    accidents.loc[0, ["经度", "纬度"]] = [113.15, 40.06]          # A1 unsnapped, in 乙县
    ws = write_workspace(tmp_path / "ws", enterprises=enterprises, accidents=accidents)
    assert main(["assess", str(ws), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    unassigned = pd.read_csv(tmp_path / "out" / "unassigned.csv", dtype=str)
    notes = pd.read_csv(tmp_path / "out" / "notes.csv", dtype=str)
    assert list(notes.columns) == ["dataset", "id", "county_code", "note"]
    assert f"未分配记录: {len(unassigned)} " in out and f": {len(notes)} (见 notes.csv)" in out
    assert unassigned["id"].tolist() == ["E6"] and notes["id"].tolist() == ["A1"]
    assert notes["county_code"].tolist() == ["140002"]


def test_without_roads_unsnapped_accidents_are_counted_and_noted(tmp_path):
    toml = TOML.format(language="zh").replace('[datasets.roads]\npath = "roads.geojson"\n', "")
    a = assess(write_workspace(tmp_path / "ws", toml=toml))
    noted = a.notes[a.notes["note"].str.contains("没有道路单元")]
    assert a.summary["accidents"]["unsnapped"] == len(noted) == 3    # the three traffic accidents
    assert set(noted["id"]) == {"A1", "A2", "A3"} and noted["county_code"].notna().all()


def test_hazards_carry_their_own_grade_score_and_reasons(tmp_path):
    hazards = hazard_frame()
    hazards.loc[3, "整改期限"] = "2026-12-01"    # H4 open, not yet due
    a = assess(write_workspace(tmp_path / "ws", hazards=hazards))
    hz = a.hazards.set_index("hazard_id")
    # H1 open major → red; H2 rectifying, overdue (deadline 2026-09-01) → orange; H3 closed → blue; H4 open → yellow.
    assert hz["grade"].to_dict() == {"H1": "red", "H2": "orange", "H3": "blue", "H4": "yellow"}
    assert hz["score"].to_dict() == {"H1": 10.0, "H2": 2.0, "H3": 0.0, "H4": 0.5}
    assert "逾期 60 天" in hz.loc["H2", "reasons"]
    per_county = a.hazards.groupby("county_code")["score"].sum()
    counties = a.counties.set_index("county_code")["points_hazards"]
    for code, points in counties.items():
        assert per_county.get(code, 0.0) == pytest.approx(points)
    layer = json.loads(_written(a, tmp_path).read_text("utf-8"))
    props = layer["features"][0]["properties"]
    assert {"grade", "score", "reasons", "reason_codes"} <= set(props)


def _written(a, tmp_path):
    from riskmap.outputs import write_outputs

    write_outputs(a, tmp_path / "out")
    return tmp_path / "out" / "hazards.geojson"


def test_the_hazard_grades_come_from_the_standard(tmp_path):
    ws = write_workspace(tmp_path / "ws", toml=TOML.format(language="zh").replace('standard = "default"', 'standard = "s.toml"'))
    (ws / "s.toml").write_text('[hazards]\ngrades = { overdue = "red" }\n', "utf-8")
    hz = assess(ws).hazards.set_index("hazard_id")
    assert hz.loc["H4", "grade"] == "red" and hz.loc["H2", "grade"] == "red" and hz.loc["H3", "grade"] == "blue"


def test_the_fatal_accident_rule_has_its_own_window(tmp_path):
    accidents = accident_frame()
    accidents.loc[3, "发生时间"] = "2025-08-01"   # A4 (production, 2 deaths at E1): 15 months before as_of
    toml = TOML.format(language="zh").replace('standard = "default"', 'standard = "s.toml"')
    ws = write_workspace(tmp_path / "ws", accidents=accidents, toml=toml)
    (ws / "s.toml").write_text("[enterprise.rules.fatal_accident_12m]\nmonths = 24\n", "utf-8")
    e1 = assess(ws).enterprises.set_index("enterprise_id").loc["E1"]
    assert e1["fatal_accidents_12m"] == 1 and "近24个月" in e1["reasons"]
    (ws / "s.toml").write_text("[enterprise.rules.fatal_accident_12m]\nmonths = 12\n", "utf-8")
    assert assess(ws).enterprises.set_index("enterprise_id").loc["E1", "fatal_accidents_12m"] == 0


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks"])
def test_class_schemes_give_ties_one_grade_and_equal_scores_the_lowest(scheme):
    standard = load_standard("default")
    standard.data["counties"]["scheme"] = scheme
    names = ["points_enterprises", "points_roads", "points_hazards", "points_accidents"]

    def grades(scores):
        frame = pd.DataFrame({names[0]: scores, **{n: 0.0 for n in names[1:]}})
        return grade_counties(frame, standard, lang="en", floor=pd.Series(False, index=frame.index))["grade"].tolist()

    assert grades([50.0] * 7) == ["blue"] * 7
    tied = grades([10.0, 10.0, 10.0, 20.0, 30.0, 40.0, 40.0, 50.0, 60.0])
    assert tied[0] == tied[1] == tied[2] and tied[5] == tied[6]
    assert tied[-1] == "red" and tied[0] == "blue"
    rng = np.random.default_rng(4)
    scores = rng.choice([1.0, 5.0, 9.0, 30.0, 100.0], size=40)
    by_score = pd.DataFrame({"s": scores, "g": grades(list(scores))}).groupby("s")["g"].nunique()
    assert (by_score == 1).all()


def test_hazards_geojson_keeps_every_hazard(tmp_path):
    enterprises = enterprise_frame()
    enterprises.loc[2, ["经度", "纬度"]] = [None, None]          # E3 (H1's enterprise) without a location
    ws = write_workspace(tmp_path / "ws", enterprises=enterprises)
    assert main(["assess", str(ws), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    layer = gpd.read_file(tmp_path / "out" / "hazards.geojson")
    assert len(layer) == len(hazard_frame())
    unassigned = pd.read_csv(tmp_path / "out" / "unassigned.csv", dtype=str)
    assert {"E3", "H1"} <= set(unassigned["id"])
