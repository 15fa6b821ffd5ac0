"""Time (DESIGN §9, issue 11): an assessment at any date, the history, the forecast and their files."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

import riskmap
from riskmap.history import TREND_COUNTY_COLUMNS, TREND_REGION_COLUMNS, build_history
from riskmap.periods import first_end_on_or_after, next_period_end, period_ends, period_start
from wsfactory import write_workspace

AS_OF = date(2026, 10, 31)


def hazards(*rows) -> pd.DataFrame:
    """Hazards at enterprise E3 (丙县), each row (id, level, status, found, deadline, closed, supervision)."""
    return pd.DataFrame([{"隐患编号": r[0], "企业编号": "E3", "隐患等级": r[1], "整改状态": r[2], "排查日期": r[3],
                          "整改期限": r[4], "销号日期": r[5], "挂牌督办": r[6] if len(r) > 6 else "无"} for r in rows])


def one(assessment, hazard_id: str) -> pd.Series:
    return assessment.hazards.set_index("hazard_id").loc[hazard_id]


# --- periods --------------------------------------------------------------------------------

def test_period_ends_are_month_ends_and_the_last_is_as_of():
    assert period_ends(date(2026, 10, 31), 3) == [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]
    assert period_ends(date(2026, 3, 15), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 15)]
    assert period_ends(date(2024, 3, 31), 2) == [date(2024, 2, 29), date(2024, 3, 31)]
    assert period_ends(date(2026, 11, 20), 3, "quarter") == [date(2026, 6, 30), date(2026, 9, 30), date(2026, 11, 20)]
    assert next_period_end(date(2026, 10, 31)) == date(2026, 11, 30)
    assert next_period_end(date(2026, 12, 31)) == date(2027, 1, 31)
    assert next_period_end(date(2026, 11, 20), "quarter") == date(2026, 12, 31)
    assert next_period_end(date(2026, 10, 15)) == date(2026, 10, 31)
    ends = period_ends(date(2026, 10, 31), 2)
    assert period_start(ends, 0) == date(2026, 9, 1) and period_start(ends, 1) == date(2026, 10, 1)
    assert first_end_on_or_after(date(2026, 10, 1), ends) == date(2026, 10, 31)
    assert first_end_on_or_after(date(2025, 2, 1), ends) == date(2025, 2, 28)
    with pytest.raises(ValueError, match="allowed: month, quarter"):
        period_ends(AS_OF, 3, "week")


# --- point 1: an assessment at any date -------------------------------------------------------

def test_a_hazard_exists_from_found_date_is_open_until_closed_date_and_overdue_past_its_deadline(tmp_path):
    ws = write_workspace(tmp_path / "ws", hazards=hazards(("H1", "一般", "已销号", "2026-03-01", "2026-05-01", "2026-06-15")))
    before = riskmap.assess(ws, as_of=date(2026, 2, 28))
    assert not one(before, "H1")["is_open"] and before.summary["hazards"]["open"] == 0
    found = riskmap.assess(ws, as_of=date(2026, 3, 1))
    assert one(found, "H1")["is_open"] and one(found, "H1")["status"] == "open" and not one(found, "H1")["overdue"]
    due = riskmap.assess(ws, as_of=date(2026, 5, 1))  # the deadline itself: not yet overdue
    assert one(due, "H1")["is_open"] and not one(due, "H1")["overdue"]
    late = riskmap.assess(ws, as_of=date(2026, 5, 31))
    assert one(late, "H1")["overdue"] and one(late, "H1")["days_overdue"] == 30
    assert late.summary["hazards"] == {"input": 1, "open": 1, "major_open": 0, "overdue": 1}
    closed = riskmap.assess(ws, as_of=date(2026, 6, 15))
    assert one(closed, "H1")["status"] == "closed" and not one(closed, "H1")["is_open"]
    assert closed.summary["as_of"] == "2026-06-15"


def test_closed_date_wins_over_the_ledger_status_and_each_disagreement_is_said(tmp_path):
    ws = write_workspace(tmp_path / "ws", hazards=hazards(
        ("H1", "一般", "未整改", "2026-03-01", "2026-05-01", "2026-06-15"),   # open in the ledger, closed by its date
        ("H2", "一般", "已销号", "2026-03-01", "2026-05-01", None),           # closed without a date
        ("H3", "重大", "整改中", "2026-03-01", "2026-12-01", None),           # rectifying: open, and says so
        ("H4", "一般", "未整改", "2026-11-05", "2026-12-01", None)))          # found after as_of
    a = riskmap.assess(ws)
    assert one(a, "H1")["status"] == "closed" and not one(a, "H1")["is_open"]
    assert not one(a, "H2")["is_open"]
    assert one(a, "H3")["status"] == "rectifying" and one(a, "H3")["is_open"]
    assert not one(a, "H4")["is_open"] and a.summary["hazards"]["open"] == 1
    # In the history H2 was never open; H1 was open (and overdue) in May.
    may = riskmap.assess(ws, as_of=date(2026, 5, 31))
    assert one(may, "H1")["overdue"] and not one(may, "H2")["is_open"]
    said = {(p.row, p.column): p.message for p in a.problems if p.file == "hazards.csv"}
    assert "已填销号日期 2026-06-15，但整改状态为 未整改" in said[(2, "status")]
    assert "销号日期为空" in said[(3, "closed_date")]
    assert "'2026-11-05' 晚于评估日期 as_of（2026-10-31）" in said[(5, "found_date")]


def test_an_accident_counts_from_its_date(tmp_path):
    accidents = pd.DataFrame({"事故编号": ["A1"], "发生时间": ["2026-05-01"], "经度": [113.05], "纬度": [40.05],
                              "死亡人数": [2], "受伤人数": [0], "类型": ["production"], "企业编号": ["E1"]})
    ws = write_workspace(tmp_path / "ws", accidents=accidents)
    day_before = riskmap.assess(ws, as_of=date(2026, 4, 30))
    that_day = riskmap.assess(ws, as_of=date(2026, 5, 1))
    assert day_before.summary["accidents"]["in_window"] == 0 and that_day.summary["accidents"]["in_window"] == 1
    county = that_day.counties.set_index("county_code").loc["140001"]
    assert county["deaths_12m"] == 2 and county["points_accidents"] == 10.0
    e1 = that_day.enterprises.set_index("enterprise_id").loc["E1"]
    assert e1["fatal_accidents_12m"] == 1 and "fatal_accident_12m" in {r.rule for r in e1["reason_codes"]}
    assert day_before.enterprises.set_index("enterprise_id").loc["E1", "fatal_accidents_12m"] == 0


# --- point 2: the history and its files -------------------------------------------------------

@pytest.fixture(scope="module")
def demo_history(demo_path):
    return build_history(demo_path)


def test_the_history_grades_twelve_month_ends_and_keeps_the_assessment_at_as_of(demo_history, demo_assessment):
    h = demo_history
    assert h.ends == period_ends(demo_assessment.info.as_of, 12) and h.forecast_end == date(2026, 11, 30)
    for name in ("counties", "enterprises", "road_units", "hazards", "accidents"):
        pd.testing.assert_frame_equal(getattr(h.assessment, name).drop(columns="geometry"),
                                      getattr(demo_assessment, name).drop(columns="geometry"))
    plain = {k: v for k, v in h.assessment.summary.items() if k not in ("history", "forecast", "warnings")}
    assert plain == demo_assessment.summary
    assert h.assessment.summary["history"]["period_ends"][-1] == "2026-10-31"


def test_an_earlier_period_end_equals_the_assessment_at_that_date(demo_history, demo_path):
    end = demo_history.ends[5]
    at = demo_history.at(end)
    plain = riskmap.assess(demo_path, as_of=end)
    for name in ("counties", "enterprises", "road_units", "hazards"):
        pd.testing.assert_frame_equal(getattr(at, name).drop(columns="geometry"), getattr(plain, name).drop(columns="geometry"))
    assert at.summary == plain.summary
    with pytest.raises(KeyError, match="not a period end"):
        demo_history.at(date(2026, 6, 15))


def test_trend_files_have_their_columns_and_agree_with_the_periods(demo_history):
    counties, region = demo_history.counties, demo_history.region
    assert tuple(counties.columns) == TREND_COUNTY_COLUMNS and tuple(region.columns) == TREND_REGION_COLUMNS
    n = len(demo_history.assessment.counties)
    assert len(counties) == 12 * n and len(region) == 12
    last = counties[counties["period_end"] == "2026-10-31"].set_index("county_code")
    now = demo_history.assessment.counties.set_index("county_code")
    np.testing.assert_allclose(last.loc[now.index, "score"], now["score"])
    assert (last.loc[now.index, "grade"] == now["grade"]).all()
    assert (last.loc[now.index, "overdue"] == now["overdue_hazards"]).all()
    # The region's figures: every hazard, also those without a county.
    assert int(region["open"].iloc[-1]) == demo_history.assessment.summary["hazards"]["open"]
    assert int(region["overdue"].iloc[-1]) == demo_history.assessment.summary["hazards"]["overdue"]
    by_grade = demo_history.assessment.summary["enterprises"]["by_grade"]
    assert {g: int(region[f"enterprises_{g}"].iloc[-1]) for g in by_grade} == by_grade
    # Per period, the counties never hold more than the region.
    sums = counties.groupby("period_end")[["hazards_found", "hazards_closed", "open"]].sum()
    assert (sums.to_numpy() <= region.set_index("period_end")[["hazards_found", "hazards_closed", "open"]].to_numpy()).all()


def test_lifecycle_counts_found_closed_on_time_and_days_to_close(tmp_path):
    ws = write_workspace(tmp_path / "ws", hazards=hazards(
        ("H1", "一般", "已销号", "2026-09-05", "2026-09-30", "2026-09-20"),  # found and closed on time in September
        ("H2", "一般", "已销号", "2026-09-10", "2026-10-01", "2026-10-11"),  # found in September, closed late in October
        ("H3", "一般", "未整改", "2026-10-02", "2026-10-20", None)))          # found in October, overdue at its end
    h = build_history(ws, periods=2)
    rows = h.counties[h.counties["county_code"] == "140003"].set_index("period_end")
    sep, oct_ = rows.loc["2026-09-30"], rows.loc["2026-10-31"]
    assert (sep["hazards_found"], sep["hazards_closed"], sep["closed_on_time"], sep["open"]) == (2, 1, 1, 1)
    assert sep["mean_days_to_close"] == 15.0
    assert (oct_["hazards_found"], oct_["hazards_closed"], oct_["closed_on_time"], oct_["open"], oct_["overdue"]) == (1, 1, 0, 1, 1)
    assert oct_["mean_days_to_close"] == 31.0
    assert np.isnan(rows.loc["2026-09-30", "mean_days_to_close"]) is np.False_


def test_quarters_and_fewer_periods(tmp_path):
    ws = write_workspace(tmp_path / "ws")
    h = build_history(ws, periods=4, period="quarter")
    assert h.ends == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 10, 31)]
    assert h.forecast_end == date(2026, 12, 31) and h.kind == "quarter"
    assert set(h.counties["period_end"]) == {d.isoformat() for d in h.ends}


def test_the_standard_sets_the_periods_and_is_checked(tmp_path):
    from riskmap.errors import InputError

    ws = write_workspace(tmp_path / "ws")
    (ws / "mine.toml").write_text('[history]\nperiods = 3\nperiod = "quarter"\n', encoding="utf-8")
    toml = (ws / "riskmap.toml").read_text(encoding="utf-8").replace('standard = "default"', 'standard = "mine.toml"')
    (ws / "riskmap.toml").write_text(toml, encoding="utf-8")
    h = build_history(ws)
    assert len(h.ends) == 3 and h.kind == "quarter"
    (ws / "mine.toml").write_text('[history]\nperiods = 0\nperiod = "week"\n[warnings.overdue]\norange_dayz = 3\n',
                                  encoding="utf-8")
    with pytest.raises(InputError) as caught:
        riskmap.assess(ws)
    text = "\n".join(p.message for p in caught.value.problems)
    assert "history.periods = 0" in text and "history.period = \"week\"" in text and "是否想写 'orange_days'" in text


# --- point 3: the forecast --------------------------------------------------------------------

def test_the_forecast_keeps_hazards_open_adds_nothing_and_lets_old_accidents_leave(tmp_path):
    accidents = pd.DataFrame({"事故编号": ["A1", "A2"], "发生时间": ["2025-11-15", "2026-11-10"], "经度": [113.05, 113.05],
                              "纬度": [40.05, 40.05], "死亡人数": [1, 3], "受伤人数": [0, 0], "类型": ["production"] * 2,
                              "企业编号": ["E1", "E1"]})
    ws = write_workspace(tmp_path / "ws", accidents=accidents, hazards=hazards(
        ("H1", "一般", "未整改", "2026-10-01", "2026-11-15", None),           # becomes overdue in November
        ("H2", "一般", "已销号", "2026-10-01", "2026-11-15", "2026-11-05")))  # closed after as_of: not in the forecast
    h = build_history(ws, periods=2)
    f = h.forecast
    assert f.info.as_of == date(2026, 11, 30)
    assert one(f, "H1")["overdue"] and one(f, "H2")["is_open"] and one(f, "H2")["overdue"]
    e1 = f.enterprises.set_index("enterprise_id").loc["E1"]
    assert e1["fatal_accidents_12m"] == 0  # A1 has left the 12 months, A2 (after as_of) is not known
    assert h.assessment.enterprises.set_index("enterprise_id").loc["E1", "fatal_accidents_12m"] == 1
    assert h.at(h.forecast_end) is f
