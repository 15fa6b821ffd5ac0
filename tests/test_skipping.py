"""Rows with errors left out on request (issue 10, point 3): ``--skip-bad-rows`` and its listing."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from riskmap import assess
from riskmap.cli import main
from riskmap.errors import InputError
from riskmap.runtime import settings
from wsfactory import accident_frame, county_frame, enterprise_frame, hazard_frame, write_workspace


def _bad_workspace(folder):
    enterprises = enterprise_frame()
    enterprises["经度"] = enterprises["经度"].astype(object)
    enterprises.loc[1, "行业"] = "烟花"  # E2: an unknown sector (row 3)
    enterprises.loc[2, "经度"] = "abc"  # E3: not a number (row 4)
    hazards = hazard_frame()
    hazards.loc[3, "排查日期"] = "2026-02-30"  # H4: no such date (row 5)
    accidents = accident_frame()
    accidents.loc[0, "死亡人数"] = -1  # A1: out of range (row 2)
    return write_workspace(folder, enterprises=enterprises, hazards=hazards, accidents=accidents)


def test_without_the_option_a_bad_row_stops_the_assessment(tmp_path, capsys):
    ws = _bad_workspace(tmp_path / "ws")
    assert main(["assess", str(ws), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "烟花" in capsys.readouterr().err
    with pytest.raises(InputError):
        assess(ws)


def test_bad_rows_are_left_out_and_listed(tmp_path, capsys):
    ws = _bad_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    assert main(["assess", str(ws), "--skip-bad-rows", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr()
    assert "已略去有错误的行 4 行" in printed.out
    unassigned = pd.read_csv(out / "unassigned.csv", encoding="utf-8-sig", dtype=str)
    skipped = unassigned[unassigned["reason"].str.contains("已略去")]
    assert sorted(zip(skipped["dataset"], skipped["id"])) == [("accidents", "A1"), ("enterprises", "E2"),
                                                               ("enterprises", "E3"), ("hazards", "H4")]
    reasons = dict(zip(skipped["id"], skipped["reason"]))
    assert "第 3 行" in reasons["E2"] and "烟花" in reasons["E2"]
    assert "第 4 行" in reasons["E3"] and "abc" in reasons["E3"]
    assert "2026-02-30" in reasons["H4"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["skipped"] == {"rows": 4, "by_dataset": {"accidents": 1, "enterprises": 2, "hazards": 1}}
    assert summary["enterprises"]["input"] == 4  # the six rows: four kept, two listed
    ids = [f["properties"]["enterprise_id"] for f in json.loads((out / "enterprises.geojson").read_text("utf-8"))["features"]]
    assert sorted(ids) == ["E1", "E4", "E5", "E6"]
    # Their errors are still reported, as warnings that say the rows were left out.
    assert "已略去" in printed.err


def test_every_row_is_in_the_output_or_listed(tmp_path):
    ws = _bad_workspace(tmp_path / "ws")
    a = assess(ws, skip_bad_rows=True)
    listed = a.unassigned.groupby("dataset")["id"].apply(set)
    for dataset, frame, column in (("enterprises", a.enterprises, "enterprise_id"), ("hazards", a.hazards, "hazard_id"),
                                   ("accidents", a.accidents, "accident_id")):
        given = {"enterprises": enterprise_frame, "hazards": hazard_frame, "accidents": accident_frame}[dataset]()
        kept = set(frame[column].astype(str))
        assert kept | listed.get(dataset, set()) == set(given.iloc[:, 0].astype(str)), dataset


def test_rows_past_the_message_limit_are_left_out_too(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "max_problems_per_column", 1)
    enterprises = enterprise_frame()
    enterprises["经度"] = enterprises["经度"].astype(object)
    enterprises.loc[[0, 1, 2], "经度"] = ["x", "y", "z"]  # one message, then "and 2 more rows"
    ws = write_workspace(tmp_path / "ws", enterprises=enterprises)
    a = assess(ws, skip_bad_rows=True)
    assert sorted(a.enterprises["enterprise_id"]) == ["E4", "E5", "E6"]
    assert a.summary["skipped"]["rows"] == 3
    reasons = a.unassigned.set_index("id")["reason"]
    assert "lon" in reasons["E2"] and "lon" in reasons["E3"]


def test_what_is_not_a_row_still_stops_it(tmp_path):
    counties = county_frame()
    counties.loc[1, "区划代码"] = None  # a county without its code: never skipped (its records would move)
    ws = write_workspace(tmp_path / "ws", counties=counties)
    with pytest.raises(InputError):
        assess(ws, skip_bad_rows=True)
    hazards = hazard_frame().drop(columns=["整改状态"])  # a missing required column: the whole file
    ws = write_workspace(tmp_path / "ws2", hazards=hazards)
    with pytest.raises(InputError):
        assess(ws, skip_bad_rows=True)


def test_validate_says_how_many_rows_it_would_leave_out(tmp_path, capsys):
    ws = _bad_workspace(tmp_path / "ws")
    assert main(["validate", str(ws), "--skip-bad-rows"]) == 0
    assert "已略去有错误的行 4 行" in capsys.readouterr().out
