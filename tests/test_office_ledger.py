"""Real office ledgers in, nothing lost (issue 9): the workspace of :mod:`office_ledger`."""

from __future__ import annotations

import json

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from office_ledger import BAD_CODE, CODES, ENTERPRISE_TITLE_ROWS, ENTERPRISES, HAZARDS, write_office_ledger
from riskmap import View, assess
from riskmap.cli import main
from riskmap.errors import InputError
from riskmap.filters import Filters
from riskmap.io.workspace import load_workspace
from riskmap.mapview import build_map


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    return write_office_ledger(tmp_path_factory.mktemp("office") / "ws")


@pytest.fixture(scope="module")
def assessed(ledger):
    return assess(ledger)


@pytest.fixture(scope="module")
def outputs(ledger, tmp_path_factory):
    out = tmp_path_factory.mktemp("office-out")
    assert main(["assess", str(ledger), "--out", str(out), "--quiet"]) == 0
    return out


def _toml(ws, old: str, new: str) -> None:
    text = (ws / "riskmap.toml").read_text("utf-8")
    assert old in text
    (ws / "riskmap.toml").write_text(text.replace(old, new, 1), "utf-8")


def test_every_row_of_every_ledger_is_in_the_outputs(outputs):
    assert len(gpd.read_file(outputs / "enterprises.geojson")) == len(ENTERPRISES)
    assert len(gpd.read_file(outputs / "hazards.geojson")) == len(HAZARDS)
    assert len(gpd.read_file(outputs / "accidents.geojson")) == 3
    unassigned = pd.read_csv(outputs / "unassigned.csv", dtype=str)
    assert set(unassigned["id"]) == {"YH-006", "YH-007"}     # unknown and ambiguous names, no point of their own


def test_the_header_is_found_below_the_title_rows_and_rows_keep_their_numbers(ledger):
    ws = load_workspace(ledger)
    first = ENTERPRISE_TITLE_ROWS + 2                           # title rows, the header, then the first enterprise
    assert ws.datasets["enterprises"]["_row"].tolist() == list(range(first, first + len(ENTERPRISES)))
    warning = next(p for p in ws.problems if p.column == "credit_code")
    assert warning.file == "enterprises.xlsx" and warning.row == first + 9 and warning.value == BAD_CODE
    assert "校验位" in warning.message
    late = next(p for p in ws.problems if p.column == "found_date")
    assert late.file == "hazards.csv" and late.row == 10 and "晚于评估日期" in late.message   # title, header, 8th hazard


def test_credit_codes_are_normalised(assessed):
    ids = assessed.enterprises["enterprise_id"].tolist()
    assert ids[1] == CODES[1] and ids[3] == CODES[3]           # typed in lower case with spaces, and full-width


def test_enterprises_without_coordinates_count_in_their_county(assessed, outputs):
    e = assessed.enterprises.set_index("name")
    fireworks = e.loc["盛世烟花厂"]
    assert fireworks["located_by"] == "county" and fireworks["county_name"] == "矿区" and fireworks.geometry is None
    assert fireworks["sector"] == "other" and fireworks["grade"] == "red"     # 烟花爆竹 → other; a red major hazard
    county = assessed.counties.set_index("county_name").loc["矿区"]
    assert county["n_enterprises"] == 2 and county["major_open_hazards"] == 1
    assert assessed.summary["enterprises"]["located_by_county"] == 3
    layer = json.loads((outputs / "enterprises.geojson").read_text("utf-8"))
    nulls = [f for f in layer["features"] if f["properties"]["located_by"] == "county"]
    assert len(nulls) == 3 and all(f["geometry"] is None for f in nulls)
    register = openpyxl.load_workbook(outputs / "risk_register.xlsx")["企业"]
    assert "盛世烟花厂" in [c.value for c in register["B"]]


def test_the_map_says_how_many_enterprises_are_not_drawn(assessed):
    html = build_map(assessed).get_root().render()
    assert "另有 3 家企业没有坐标，按所属区县计入，未在图上绘出" in html


def test_repeated_county_names_are_qualified_by_their_city(assessed, ledger, tmp_path, capsys):
    names = set(assessed.counties["county_name"])
    assert {"城区（大同市）", "城区（阳泉市）", "矿区", "郊区"} == names
    assert set(assessed.road_units["county_name"]) >= {"城区（大同市）", "城区（阳泉市）"}
    html = build_map(assessed).get_root().render()
    assert "城区（大同市）" in html and "城区（阳泉市）" in html
    assert View(assessed, Filters(counties=("140302",))).describe_filters() == "区县：城区（阳泉市）"
    out = tmp_path / "map.html"
    assert main(["export", str(ledger), "--format", "html", "--out", str(out), "--county", "城区", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "对应多个区县" in err and "城区（大同市） (140202)" in err
    assert main(["export", str(ledger), "--format", "html", "--out", str(out), "--county", "城区（阳泉市）", "--quiet"]) == 0


def test_without_a_city_column_the_code_tells_them_apart(ledger, tmp_path):
    counties = gpd.read_file(ledger / "counties.geojson").drop(columns="所属地市")
    ws = tmp_path / "ws"
    ws.mkdir()
    for f in ledger.iterdir():
        (ws / f.name).write_bytes(f.read_bytes())
    counties.to_file(ws / "counties.geojson", driver="GeoJSON")
    # Without a city, 所属区县 = 城区 is ambiguous for the two enterprises that have no coordinates there.
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    ambiguous = [p for p in info.value.problems if p.column == "county_name"]
    assert [p.row for p in ambiguous] == [6] and "城区（140202）、城区（140302）" in ambiguous[0].message


def test_name_only_links(assessed):
    hz = assessed.hazards.set_index("hazard_id")
    assert hz.loc["YH-002", "county_name"] == "城区（阳泉市）"    # 阳泉钢铁(集团) typed with half-width brackets
    assert hz.loc["YH-006", "name"] == "无名小作坊" and pd.isna(hz.loc["YH-006", "county_code"])
    reasons = assessed.unassigned.set_index("id")["reason"]
    assert "多家企业" in reasons["YH-007"] and "不在企业表" in reasons["YH-006"]
    acc = assessed.accidents.set_index("accident_id")
    assert acc.loc["SG-03", "county_name"] == "矿区" and acc.loc["SG-03", "located_by"] == "county"
    e = assessed.enterprises.set_index("name")
    assert e.loc["大同煤业一矿", "fatal_accidents_12m"] == 1


def test_statuses_dates_and_local_words(assessed):
    hz = assessed.hazards.set_index("hazard_id")
    assert hz["status"].to_dict() == {"YH-001": "open", "YH-002": "closed", "YH-003": "rectifying", "YH-004": "closed",
                                      "YH-005": "closed", "YH-006": "open", "YH-007": "rectifying", "YH-008": "open"}
    assert hz.loc["YH-002", "closed_date"] == pd.Timestamp("2026-09-20")
    assert (hz.loc[["YH-001", "YH-002", "YH-003"], "found_date"] == pd.Timestamp("2026-09-01")).all()
    e = assessed.enterprises.set_index("name")
    assert e.loc["阳泉钢铁（集团）", "sector"] == "industry_trade" and pd.isna(e.loc["阳泉钢铁（集团）", "major_hazard_level"])
    assert e.loc["大同煤业一矿", "employees"] == 120 and e.loc["大同煤业一矿", "method"] == "lec"


def test_a_multipart_road_is_cut_as_one(assessed):
    g1 = assessed.road_units[assessed.road_units["segment_id"] == "G1"]
    assert len(g1) == 14                                             # 8 + 6 units of under 1 km, not one per part
    assert assessed.summary["roads"]["assigned_length_m"] <= assessed.summary["roads"]["input_length_m"] + 1e-6


def test_a_named_sheet_and_header_row(ledger, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    for f in ledger.iterdir():
        (ws / f.name).write_bytes(f.read_bytes())
    _toml(ws, 'path = "enterprises.xlsx"', 'path = "enterprises.xlsx"\nsheet = "企业台账"\nheader_row = 3')
    assert load_workspace(ws).datasets["enterprises"]["_row"].iat[0] == 4
    _toml(ws, 'sheet = "企业台账"', 'sheet = "企业"')
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    problem = next(p for p in info.value.problems if p.column == "datasets.enterprises.sheet")
    assert "填报说明, 企业台账" in problem.message and problem.value == "企业"


def test_missing_columns_say_what_was_found_and_where(ledger, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    for f in ledger.iterdir():
        (ws / f.name).write_bytes(f.read_bytes())
    book = openpyxl.load_workbook(ws / "enterprises.xlsx")
    book["企业台账"]["D3"] = "门类"                                  # 行业类别 (sector) renamed
    book.save(ws / "enterprises.xlsx")
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    problem = next(p for p in info.value.problems if p.column == "sector")
    assert "在工作表 '企业台账' 第 3 行找到的列：序号, 单位名称, 统一社会信用代码, 门类" in problem.message


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_large_csv_whose_64_kib_mark_falls_inside_a_character_is_read(encoding):
    # The header is searched in the file's first 64 KiB: a Chinese character cut there
    # must not make the file read as "neither UTF-8 nor GBK".
    from riskmap.io.readers import csv_head, read_csv

    lines = ["hazard_id,description"] + [f"H{i:06d},消防设施损坏{i}" for i in range(6000)]
    raw = "\n".join(lines).encode(encoding)
    cut = 1 << 16
    assert len(raw) > cut
    head = csv_head(raw, "hazards.csv", sep=",", lang="zh")
    assert head.rows[0] == ["hazard_id", "description"]
    frame = read_csv(raw, "hazards.csv", sep=",", lang="zh")
    assert len(frame) == 6000 and frame["description"].iat[-1] == "消防设施损坏5999"
