"""The command line of time (issue 11): `assess --as-of`, the history's files and `riskmap warn`."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from riskmap.alerts import KINDS, WARNING_COLUMNS
from riskmap.cli import main
from riskmap.history import TREND_COUNTY_COLUMNS, TREND_REGION_COLUMNS


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory, demo_path):
    out = tmp_path_factory.mktemp("history_out")
    assert main(["assess", str(demo_path), "--out", str(out), "--quiet"]) == 0
    return out


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_assess_writes_the_history_files_with_their_columns(demo_out, demo_assessment):
    counties, region, warnings = (read(demo_out / n) for n in ("trend_counties.csv", "trend_region.csv", "warnings.csv"))
    assert tuple(counties.columns) == TREND_COUNTY_COLUMNS and tuple(region.columns) == TREND_REGION_COLUMNS
    assert tuple(warnings.columns) == WARNING_COLUMNS
    assert len(counties) == 12 * len(demo_assessment.counties) and counties["period_end"].iloc[-1] == "2026-10-31"
    assert set(warnings["level"]) <= {"red", "orange", "yellow", "blue"} and set(warnings["kind"]) <= set(KINDS)
    ranks = warnings["level"].map({"red": 3, "orange": 2, "yellow": 1, "blue": 0})
    assert ranks.is_monotonic_decreasing
    summary = json.loads((demo_out / "summary.json").read_text(encoding="utf-8"))
    assert summary["warnings"]["count"] == len(warnings)
    assert summary["warnings"]["by_level"] == {g: int((warnings["level"] == g).sum()) for g in ("red", "orange", "yellow", "blue")}
    assert summary["warnings"]["by_kind"] == {k: int((warnings["kind"] == k).sum()) for k in KINDS}
    assert summary["history"]["periods"] == 12 and summary["forecast"]["period_end"] == "2026-11-30"
    assert summary["hazards"] == demo_assessment.summary["hazards"]


def test_as_of_grades_the_workspace_as_it_stood(tmp_path, demo_path, capsys):
    out = tmp_path / "june"
    assert main(["assess", str(demo_path), "--out", str(out), "--as-of", "2026-06-30", "--periods", "4",
                 "--period", "quarter", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2026-06-30"
    assert summary["history"]["period_ends"] == ["2025-09-30", "2025-12-31", "2026-03-31", "2026-06-30"]
    hazards = pd.read_json(out / "hazards.geojson")  # the features, read as JSON
    props = pd.DataFrame([f["properties"] for f in hazards["features"]])
    opened = props[props["is_open"]]
    assert (pd.to_datetime(opened["found_date"]) <= pd.Timestamp(date(2026, 6, 30))).all()
    assert "2026-06-30" in capsys.readouterr().out


def test_bad_time_options_exit_2_naming_them(demo_path, tmp_path, capsys):
    assert main(["assess", str(demo_path), "--out", str(tmp_path), "--as-of", "2026/02/30", "--quiet"]) == 2
    assert "--as-of" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["assess", str(demo_path), "--periods", "0"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["assess", str(demo_path), "--period", "week"])
    assert caught.value.code == 2


def test_warn_prints_a_readable_table_and_exits_0(demo_path, demo_out, capsys):
    assert main(["warn", str(demo_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    warnings = read(demo_out / "warnings.csv")
    assert "预警级别" in out and "预警内容" in out and "起始时点" in out
    first = warnings.iloc[0]
    assert first["message"] in out and first["since"] in out
    assert f"预警 {len(warnings)} 条" in out


def table_lines(out: str) -> list[str]:
    """The rows of the printed table (after its rule of dashes)."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("--"))
    return [line for line in lines[rule + 1:] if line.strip()]


def test_warn_filters_by_level_kind_and_county(demo_path, demo_out, capsys):
    warnings = read(demo_out / "warnings.csv")
    assert main(["warn", str(demo_path), "--level", "orange", "--kind", "overdue,hotspot", "--lang", "en", "--quiet"]) == 0
    out = capsys.readouterr().out
    chosen = warnings[warnings["level"].isin(["red", "orange"]) & warnings["kind"].isin(["overdue", "hotspot"])]
    rows = table_lines(out)
    assert len(rows) == len(chosen) > 0
    assert not any(row.startswith("yellow") for row in rows) and "accident hotspot" in out
    county = warnings.loc[warnings["dataset"] == "hazards", "county_code"].iloc[0]
    assert main(["warn", str(demo_path), "--county", county, "--quiet"]) == 0
    rows = table_lines(capsys.readouterr().out)
    mine = warnings[warnings["county_code"] == county]
    assert len(rows) == len(mine) and all(any(i in row for row in rows) for i in mine["id"])


def test_warn_with_a_wrong_kind_or_level_exits_2(demo_path, capsys):
    assert main(["warn", str(demo_path), "--kind", "nope", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "'nope'" in err and "hotspot" in err
    assert main(["warn", str(demo_path), "--level", "purple", "--quiet"]) == 2
    assert "'purple'" in capsys.readouterr().err
