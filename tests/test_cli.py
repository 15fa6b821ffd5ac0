"""The `riskmap` command on the demo workspace: outputs, summary, exit codes, help."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from riskmap.cli import main
from riskmap.export.register import HEADER_ROW


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory, demo_path):
    out = tmp_path_factory.mktemp("demo_out")
    code = main(["assess", str(demo_path), "--out", str(out), "--quiet"])
    assert code == 0
    return out


def test_assess_writes_every_output(demo_out):
    for name in ("counties.geojson", "enterprises.geojson", "road_units.geojson", "hazards.geojson",
                 "unassigned.csv", "risk_register.xlsx", "summary.json"):
        assert (demo_out / name).stat().st_size > 0, name


def test_summary_json_has_the_contract_shape(demo_out):
    summary = json.loads((demo_out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2026-10-31" and summary["standard"] == "default"
    for key in ("counties", "enterprises", "roads"):
        assert list(summary[key]["by_grade"]) == ["red", "orange", "yellow", "blue"]
    assert summary["counties"]["count"] == 10
    assert set(summary["accidents"]) == {"input", "in_window", "snapped", "unsnapped"}
    assert set(summary["hazards"]) == {"input", "open", "major_open", "overdue"}


def test_outputs_are_wgs84_with_contract_columns(demo_out):
    counties = gpd.read_file(demo_out / "counties.geojson")
    assert counties.crs.to_epsg() == 4326
    for column in ("county_code", "county_name", "grade", "score", "reasons", "points_enterprises", "points_roads",
                   "points_hazards", "points_accidents"):
        assert column in counties
    units = gpd.read_file(demo_out / "road_units.geojson")
    for column in ("unit_id", "segment_id", "county_code", "length_m", "fatal", "injury", "pdo", "epdo", "accident_prone", "grade"):
        assert column in units
    assert units["unit_id"].is_unique
    assert set(units["grade"]) <= {"red", "orange", "yellow", "blue"}
    enterprises = gpd.read_file(demo_out / "enterprises.geojson")
    assert {"enterprise_id", "county_code", "grade", "score", "reasons"} <= set(enterprises.columns)


def test_every_input_row_is_in_the_output_or_listed_unassigned(demo_out, demo_path):
    raw = pd.read_csv(demo_path / "enterprises.csv", encoding="gbk", dtype=str)
    enterprises = gpd.read_file(demo_out / "enterprises.geojson")
    unassigned = pd.read_csv(demo_out / "unassigned.csv", dtype=str)
    assert len(enterprises) == len(raw)
    missing = set(enterprises.loc[enterprises["county_code"].isna(), "enterprise_id"])
    assert missing and missing <= set(unassigned.loc[unassigned["dataset"] == "enterprises", "id"])
    hazards = gpd.read_file(demo_out / "hazards.geojson")
    assert len(hazards) == len(pd.read_excel(demo_path / "hazards.xlsx"))
    # Hazards naming an unknown enterprise are listed, not dropped.
    unknown = unassigned[(unassigned["dataset"] == "hazards") & unassigned["reason"].str.contains("不在企业表")]
    assert len(unknown) >= 1 and set(unknown["id"]) <= set(hazards["hazard_id"])


def test_road_length_is_conserved_in_outputs(demo_out):
    summary = json.loads((demo_out / "summary.json").read_text(encoding="utf-8"))
    units = gpd.read_file(demo_out / "road_units.geojson")
    assert units["length_m"].sum() == pytest.approx(summary["roads"]["assigned_length_m"], rel=1e-6)
    assert summary["roads"]["assigned_length_m"] <= summary["roads"]["input_length_m"] + 1e-6
    # Units are at most 1 km and each lies in one county.
    assert units["length_m"].max() <= 1000 + 1e-6


def test_register_has_the_key_rows_with_chinese_headers(demo_out, demo_assessment):
    book = openpyxl.load_workbook(demo_out / "risk_register.xlsx")
    assert len(book.sheetnames) >= 4
    headers = [c.value for c in next(book.worksheets[0].iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW))]
    assert any("区县" in str(h) for h in headers)
    ents = demo_assessment.enterprises
    key = int(ents["grade"].isin(["red", "orange"]).sum())
    rows = [ws.max_row - HEADER_ROW for ws in book.worksheets]
    assert key in rows


def test_register_all_writes_every_row(tmp_path, demo_path, demo_assessment):
    assert main(["assess", str(demo_path), "--out", str(tmp_path), "--register", "all", "--quiet"]) == 0
    book = openpyxl.load_workbook(tmp_path / "risk_register.xlsx")
    rows = [ws.max_row - HEADER_ROW for ws in book.worksheets]
    assert len(demo_assessment.enterprises) in rows
    assert len(demo_assessment.road_units) in rows


def test_assess_prints_a_readable_summary(tmp_path, demo_path, capsys):
    assert main(["assess", str(demo_path), "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "重大风险" in out and "低风险" in out and "区县" in out
    assert "平城区" in out
    assert "enterprises.csv" in err  # warnings grouped by file
    assert "Traceback" not in out + err


def test_validate_demo_reports_warnings_and_exits_0(demo_path, capsys):
    assert main(["validate", str(demo_path)]) == 0
    out, _ = capsys.readouterr()
    assert "enterprises.csv" in out and "第 " in out and " 行" in out


def test_missing_workspace_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2
    _, err = capsys.readouterr()
    assert "nope" in err and "Traceback" not in err


def test_help_is_readable_and_the_console_script_works():
    result = subprocess.run([sys.executable, "-m", "riskmap.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for word in ("validate", "assess", "export", "exit codes", "riskmap.toml"):
        assert word in result.stdout
    result = subprocess.run([sys.executable, "-m", "riskmap.cli", "assess", "--help"], capture_output=True, text=True)
    assert "--out" in result.stdout and "--register" in result.stdout


def test_progress_goes_to_stderr(tmp_path, demo_path):
    result = subprocess.run([sys.executable, "-m", "riskmap.cli", "assess", str(demo_path), "--out", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert "roads: split and cut" in result.stderr
    assert "roads: split and cut" not in result.stdout


def test_english_workspace_gives_english_summary(tmp_path, capsys):
    from wsfactory import write_workspace

    ws = write_workspace(tmp_path / "ws", language="en")
    assert main(["assess", str(ws), "--out", str(tmp_path / "out")]) == 0
    out, _ = capsys.readouterr()
    assert "major risk" in out and "enterprises" in out


def test_export_png_with_filters_by_name(tmp_path, demo_path):
    from PIL import Image

    out = tmp_path / "map.png"
    code = main(["export", str(demo_path), "--format", "png", "--out", str(out), "--county", "平城区,云冈区",
                 "--grade", "red,orange", "--sector", "煤矿", "--layers", "counties,enterprises", "--dpi", "100", "--quiet"])
    assert code == 0
    with Image.open(out) as image:
        assert image.size == (1169, 827)  # A4 landscape at 100 dpi


def test_export_default_is_a4_landscape_300_dpi(tmp_path, demo_path):
    from PIL import Image

    out = tmp_path / "map.png"
    assert main(["export", str(demo_path), "--format", "png", "--out", str(out), "--quiet"]) == 0
    with Image.open(out) as image:
        assert image.size == (3508, 2480)


@pytest.mark.parametrize("option, value, fragment", [
    ("--county", "北京", "不是本工作区的区县"),
    ("--grade", "purple", "不是风险等级"),
    ("--sector", "农业", "不是行业领域"),
])
def test_export_rejects_unknown_filter_values(tmp_path, demo_path, capsys, option, value, fragment):
    code = main(["export", str(demo_path), "--format", "png", "--out", str(tmp_path / "x.png"), option, value, "--quiet"])
    _, err = capsys.readouterr()
    assert code == 2 and fragment in err and f"'{value}'" in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_export_register_all_and_html(tmp_path, demo_path, demo_assessment):
    xlsx = tmp_path / "r.xlsx"
    assert main(["export", str(demo_path), "--format", "xlsx", "--out", str(xlsx), "--register", "all", "--quiet"]) == 0
    book = openpyxl.load_workbook(xlsx)
    assert len(demo_assessment.enterprises) in [ws.max_row - HEADER_ROW for ws in book.worksheets]
    html_path = tmp_path / "map.html"
    assert main(["export", str(demo_path), "--format", "html", "--out", str(html_path), "--quiet"]) == 0
    text = html_path.read_text(encoding="utf-8")
    assert "<script src=\"http" not in text and "leaflet" in text.lower()


def test_language_override_writes_reasons_in_that_language(demo_path):
    from riskmap import assess

    english = assess(demo_path, language="en")
    assert english.language == "en"
    red = english.enterprises[english.enterprises["grade"] == "red"]
    assert red["reasons"].str.contains("LEC: |risk matrix: |sector baseline").all()
    assert english.counties["top_contributors"].str.contains("pts").all()
    assert not english.counties["top_contributors"].str.contains("分").any()


def test_export_lang_en_gives_an_english_briefing(tmp_path, demo_path):
    import docx

    out = tmp_path / "brief.docx"
    assert main(["export", str(demo_path), "--format", "docx", "--out", str(out), "--lang", "en", "--quiet"]) == 0
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    cells = " ".join(c.text for t in docx.Document(out).tables for row in t.rows for c in row.cells)
    assert "major risk" in text
    assert "LEC: D=" in cells or "risk matrix: R=" in cells
    assert "风险矩阵" not in cells and "行业基准" not in cells


def test_layers_as_geoparquet(tmp_path, demo_path, demo_assessment):
    assert main(["assess", str(demo_path), "--out", str(tmp_path), "--layers-as", "geoparquet", "--quiet"]) == 0
    units = gpd.read_parquet(tmp_path / "road_units.parquet")
    assert units.crs.to_epsg() == 4326
    assert len(units) == len(demo_assessment.road_units)
    assert units["length_m"].sum() == pytest.approx(demo_assessment.road_units["length_m"].sum())
    hazards = gpd.read_parquet(tmp_path / "hazards.parquet")
    assert len(hazards) == len(demo_assessment.hazards)
    assert not (tmp_path / "road_units.geojson").exists()
