"""Each kind of warning just below, at and above its thresholds (issue 11, point 4)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats

from riskmap.alerts import KINDS, WARNING_COLUMNS, run_start
from riskmap.clusters import HotSpots
from riskmap.history import build_history
from riskmap.standard import load_standard
from riskmap.trends import series_length, trend_test
from wsfactory import write_workspace

AS_OF = date(2026, 10, 31)
RULES = load_standard("default").warnings


def day(offset: int) -> str:
    """A date ``offset`` days from as_of."""
    return (AS_OF + timedelta(days=offset)).isoformat()


def hazard(hid, *, at="E3", level="一般", status="未整改", found=-60, deadline=None, closed=None, supervision="无"):
    return {"隐患编号": hid, "企业编号": at, "隐患等级": level, "整改状态": status, "排查日期": day(found),
            "整改期限": None if deadline is None else day(deadline), "销号日期": None if closed is None else day(closed),
            "挂牌督办": supervision}


def history(tmp_path, hazards=(), accidents=None, standard: str | None = None, periods: int = 3):
    frame = pd.DataFrame(list(hazards), columns=["隐患编号", "企业编号", "隐患等级", "整改状态", "排查日期", "整改期限", "销号日期", "挂牌督办"])
    empty = pd.DataFrame(columns=["事故编号", "发生时间", "经度", "纬度", "死亡人数", "受伤人数", "类型", "企业编号"])
    ws = write_workspace(tmp_path / "ws", hazards=frame, accidents=empty if accidents is None else accidents)
    if standard is not None:
        (ws / "mine.toml").write_text(standard, encoding="utf-8")
        toml = (ws / "riskmap.toml").read_text(encoding="utf-8").replace('standard = "default"', 'standard = "mine.toml"')
        (ws / "riskmap.toml").write_text(toml, encoding="utf-8")
    return build_history(ws, periods=periods)


def of(h, kind: str) -> pd.DataFrame:
    w = h.warnings
    return w[w["kind"] == kind].set_index("id")


def test_the_warnings_frame_has_the_columns_and_order_of_warnings_csv(demo_path):
    h = build_history(demo_path)
    w = h.warnings
    assert tuple(w.columns[:8]) == WARNING_COLUMNS
    assert set(w["kind"]) <= set(KINDS) and set(w["dataset"]) <= {"counties", "enterprises", "road_units", "hazards"}
    ranks = w["rank"].to_numpy()
    assert (np.diff(ranks) <= 0).all()  # red first
    assert (w["since"] <= AS_OF.isoformat()).all() and w["message"].str.len().gt(0).all()


# --- hazards --------------------------------------------------------------------------------

def test_overdue_levels_at_their_thresholds(tmp_path):
    h = history(tmp_path, [hazard("due_today", deadline=0), hazard("d1", deadline=-1), hazard("d29", deadline=-29),
                           hazard("d30", deadline=-30), hazard("d31", deadline=-31),
                           hazard("major", level="重大", deadline=-1),
                           hazard("closed", deadline=-40, status="已销号", closed=-2)])
    w = of(h, "overdue")
    assert set(w.index) == {"d1", "d29", "d30", "d31", "major"}
    assert w.loc[["d1", "d29"], "level"].tolist() == ["yellow", "yellow"]
    assert w.loc[["d30", "d31"], "level"].tolist() == ["orange", "orange"]
    assert w.loc["major", "level"] == "red"
    assert "逾期 30 天" in w.loc["d30", "message"] and "整改期限 2026-10-01" in w.loc["d30", "message"]
    assert w.loc["d30", "since"] == "2026-10-31"           # overdue from 10-02: first period end after it
    assert w.loc["d31", "since"] == "2026-10-31"
    assert list(w.index[:1]) == ["major"]                  # red first


def test_overdue_since_reaches_back_beyond_the_history(tmp_path):
    h = history(tmp_path, [hazard("old", found=-400, deadline=-300)])  # overdue since 2026-01-05
    assert of(h, "overdue").loc["old", "since"] == "2026-01-31"


def test_supervised_overdue_is_red_only_when_listed_and_overdue(tmp_path):
    h = history(tmp_path, [hazard("listed", deadline=-1, supervision="县级"), hazard("free", deadline=-1),
                           hazard("listed_not_late", deadline=0, supervision="市级")])
    w = of(h, "supervised_overdue")
    assert list(w.index) == ["listed"] and w.loc["listed", "level"] == "red"
    assert "县级挂牌督办" in w.loc["listed", "message"]
    assert set(of(h, "overdue").index) == {"listed", "free"}


def test_due_soon_within_seven_days(tmp_path):
    h = history(tmp_path, [hazard("d6", deadline=6), hazard("d7", deadline=7), hazard("d8", deadline=8),
                           hazard("today", deadline=0), hazard("late", deadline=-1),
                           hazard("major", level="重大", deadline=3)])
    w = of(h, "due_soon")
    assert set(w.index) == {"d6", "d7", "today", "major"}
    assert w.loc["major", "level"] == "orange" and w.loc["d7", "level"] == "yellow"
    assert "今天到期" in w.loc["today", "message"] and "7 天后到期" in w.loc["d7", "message"]


def test_repeated_hazards_three_in_ninety_days(tmp_path):
    h = history(tmp_path, [hazard("a1", at="E2", found=-89), hazard("a2", at="E2", found=-50), hazard("a3", at="E2", found=0),
                           hazard("b1", at="E6", found=-90), hazard("b2", at="E6", found=-50), hazard("b3", at="E6", found=-1),
                           hazard("c1", at="E1", found=-10), hazard("c2", at="E1", found=-5)])
    w = of(h, "repeated_hazards")
    assert list(w.index) == ["E2"] and w.loc["E2", "level"] == "yellow"
    assert "近 90 天排查出隐患 3 项" in w.loc["E2", "message"]


# --- grades ---------------------------------------------------------------------------------

def rising(tmp_path, **extra):
    """E3 (fire safety: yellow by its baseline) goes orange in September (3 overdue) and red in October (a major hazard)."""
    late = [hazard(f"o{i}", found=-91, deadline=-46) for i in range(3)]
    return history(tmp_path, [*late, hazard("m", level="重大", found=-21, deadline=60)], **extra)


def test_grade_rise_names_the_new_grade_and_since_when(tmp_path):
    h = rising(tmp_path)
    e3 = of(h, "grade_rise").loc["E3"]
    assert e3["level"] == "red" and e3["dataset"] == "enterprises" and e3["since"] == "2026-09-30"
    assert "由较大风险升为重大风险" in e3["message"] and "2026-09-30 起逐期上升" in e3["message"]
    county = of(h, "grade_rise")
    assert all(county.loc[i, "level"] in ("yellow", "orange", "red") for i in county.index)


def test_grade_rise_below_min_grade_is_not_listed(tmp_path):
    h = rising(tmp_path, standard='[warnings.grade_rise]\nmin_grade = "red"\ndatasets = ["counties"]\n')
    assert "E3" not in of(h, "grade_rise").index
    h = history(tmp_path / "flat", [hazard("x", found=-200, deadline=-150)])  # overdue all along: no change
    assert of(h, "grade_rise").empty


def test_a_kind_can_be_switched_off(tmp_path):
    h = rising(tmp_path, standard="[warnings.grade_rise]\nenabled = false\n[warnings.overdue]\nenabled = false\n")
    assert of(h, "grade_rise").empty and of(h, "overdue").empty
    assert not set(h.warnings["kind"]) & {"grade_rise", "overdue"} and "supervised_overdue" in RULES


@pytest.mark.parametrize("deadline, rises", [(29, True), (30, False), (35, False)])
def test_forecast_rise_when_a_third_hazard_falls_overdue_before_the_next_month_end(tmp_path, deadline, rises):
    # Two overdue now; the third's deadline is 29 days after as_of (2026-11-29): overdue on 2026-11-30.
    h = history(tmp_path, [hazard("o1", deadline=-5), hazard("o2", deadline=-5), hazard("soon", deadline=deadline)])
    w = of(h, "forecast_rise")
    assert ("E3" in w.index) is rises
    if rises:
        assert w.loc["E3", "level"] == "orange" and w.loc["E3", "since"] == "2026-10-31"
        assert w.loc["E3", "message"].startswith("若不整改，下月（2026-11-30）企业 丙商场 将由一般风险升为较大风险：1 项隐患将逾期")


# --- accident trends --------------------------------------------------------------------------

def series(before: list[int], recent: list[int], middle: int = 1) -> np.ndarray:
    """A 15-month series: three months a year before the last three, then flat months, then the last three."""
    return np.array(before + [middle] * 9 + recent, dtype=float)


@pytest.mark.parametrize("before, recent, fires", [
    ([2, 2, 2], [3, 3, 2], False),   # 8 against 6: +33 %
    ([2, 2, 2], [3, 3, 3], True),    # 9 against 6: +50 % and +3, exactly
    ([2, 2, 2], [4, 3, 3], True),    # 10 against 6
    ([1, 1, 0], [2, 1, 1], False),   # 4 against 2: +100 % but only +2
    ([1, 1, 0], [2, 2, 1], True),    # 5 against 2: +3
])
def test_accident_trend_against_the_same_months_a_year_earlier(before, recent, fires):
    assert series_length(RULES["accident_trend"]) == 15
    result = trend_test(series(before, recent), RULES["accident_trend"])
    assert result.jumped is fires
    assert result.recent == sum(recent) and result.before == sum(before)


def test_accident_trend_by_mann_kendall_at_its_p_value():
    rising_months = np.array([0, 0, 0, 1, 0, 1, 2, 1, 2, 3, 2, 4, 3, 4, 5], dtype=float)
    result = trend_test(rising_months, RULES["accident_trend"])
    assert result.rising and result.p < 0.05 and result.slope > 0
    at = dict(RULES["accident_trend"], p=result.p)
    assert not trend_test(rising_months, at).rising                       # p < p: strictly below only
    assert trend_test(rising_months, dict(at, p=result.p * 1.0001)).rising
    assert not trend_test(np.full(15, 3.0), RULES["accident_trend"]).rising  # flat
    assert not trend_test(rising_months[::-1], RULES["accident_trend"]).rising  # falling


def test_a_county_whose_accidents_rise_over_the_year_is_warned_with_the_sen_slope(tmp_path):
    rows = []
    for month in range(15):  # 1, 1, 2, 2, 3, ... accidents per month in 甲县, up to as_of
        when = (pd.Timestamp(AS_OF) - pd.DateOffset(months=14 - month)).date() - timedelta(days=3)
        for k in range(1 + month // 2):
            rows.append({"事故编号": f"A{month}-{k}", "发生时间": when.isoformat(), "经度": 113.04, "纬度": 40.07, "死亡人数": 0,
                         "受伤人数": 1, "类型": "production", "企业编号": None})
    h = history(tmp_path, accidents=pd.DataFrame(rows))
    w = of(h, "accident_trend")
    assert list(w.index) == ["140001"] and w.loc["140001", "level"] == "orange"
    assert "Mann–Kendall" in w.loc["140001", "message"] and "Sen 斜率 +" in w.loc["140001", "message"]
    assert w.loc["140001", "since"] <= "2026-09-30"  # it held at the earlier period ends too


# --- hot spots --------------------------------------------------------------------------------

@pytest.mark.parametrize("z, listed", [(1.95, False), (1.96, True), (2.5, True), (-3.0, False)])
def test_a_hot_spot_needs_a_positive_z_with_two_sided_p_below_005(z, listed):
    p = 2 * stats.norm.sf(abs(z))
    spots = HotSpots(np.array([z]), np.array([p]), np.array([3]), np.array([10.0]), 1500.0)
    assert bool(spots.significant(0.05)[0]) is listed


def test_accident_clusters_on_a_road_are_hot_spots_and_lone_accidents_are_not(tmp_path):
    rng = np.random.default_rng(1)
    rows = [{"事故编号": f"C{i}", "发生时间": day(-int(rng.integers(10, 700))), "经度": 113.195 + rng.uniform(0, 0.02),
             "纬度": 40.0301, "死亡人数": int(i % 5 == 0), "受伤人数": 1, "类型": "traffic", "企业编号": None} for i in range(40)]
    rows += [{"事故编号": "L1", "发生时间": day(-30), "经度": 113.03, "纬度": 40.0301, "死亡人数": 0, "受伤人数": 0,
              "类型": "traffic", "企业编号": None}]
    h = history(tmp_path, accidents=pd.DataFrame(rows))
    w = of(h, "hotspot")
    assert len(w) >= 1 and (w["level"] == "orange").all()
    units = h.assessment.road_units.set_index("unit_id")
    x = shapely.get_x(shapely.centroid(units.loc[w.index].geometry.to_numpy()))
    assert ((x > 113.17) & (x < 113.24)).all()              # the cluster, not the lone accident
    assert "Getis–Ord Gi*" in w["message"].iloc[0] and "1500 m" in w["message"].iloc[0]


def test_run_start_is_the_first_period_of_the_current_run():
    flags = np.array([[1, 0, 1, 0], [1, 1, 0, 0], [1, 1, 1, 0]], dtype=bool)
    assert run_start(flags).tolist() == [0, 1, 2, -1]
