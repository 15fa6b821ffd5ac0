"""Grading exactly as DESIGN §6, from the shipped default standard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskmap.grading import grade_counties, grade_enterprises
from riskmap.screening import count_snapped, grade_units, severity_class, severity_codes
from riskmap.standard import load_standard

STANDARD = load_standard("default")


def enterprises(**columns) -> pd.DataFrame:
    n = max(len(v) for v in columns.values())
    base = {c: [np.nan] * n for c in ("lec_l", "lec_e", "lec_c", "likelihood", "severity", "major_hazard_level")}
    base["sector"] = ["other"] * n
    base.update(columns)
    return pd.DataFrame(base)


def grade(frame, open_major=None, overdue=None, fatal=None, lang="zh"):
    zero = pd.Series(0, index=frame.index)
    return grade_enterprises(frame, STANDARD, lang=lang, open_major=zero if open_major is None else pd.Series(open_major),
                             overdue=zero if overdue is None else pd.Series(overdue),
                             fatal_12m=zero if fatal is None else pd.Series(fatal))


@pytest.mark.parametrize("l, e, c, expected", [
    (10, 6, 7, "red"),      # D = 420
    (6, 6, 7, "orange"),    # D = 252
    (3, 6, 7, "yellow"),    # D = 126
    (1, 6, 7, "blue"),      # D = 42
])
def test_lec_bands(l, e, c, expected):
    d = l * e * c
    result = grade(enterprises(lec_l=[l], lec_e=[e], lec_c=[c]))
    assert result["method"].iat[0] == "lec"
    assert result["inherent_value"].iat[0] == d
    assert result["grade"].iat[0] == expected


def test_lec_thresholds_are_lower_bounds():
    # D exactly 320 / 160 / 70 sits in the higher band.
    frame = enterprises(lec_l=[1.0, 1.0, 1.0], lec_e=[1.0, 1.0, 1.0], lec_c=[1.0, 1.0, 1.0])
    frame.loc[0, ["lec_l", "lec_e", "lec_c"]] = [1, 3.2, 100]  # 320
    frame.loc[1, ["lec_l", "lec_e", "lec_c"]] = [1, 1.6, 100]  # 160
    frame.loc[2, ["lec_l", "lec_e", "lec_c"]] = [1, 1, 70]     # 70
    assert list(grade(frame)["grade"]) == ["red", "orange", "yellow"]


@pytest.mark.parametrize("likelihood, severity, expected", [(5, 4, "red"), (3, 5, "orange"), (3, 3, "yellow"), (2, 4, "blue"), (4, 4, "orange")])
def test_risk_matrix_bands(likelihood, severity, expected):
    result = grade(enterprises(likelihood=[likelihood], severity=[severity]))
    assert result["method"].iat[0] == "matrix" and result["grade"].iat[0] == expected


def test_lec_wins_over_matrix_and_baseline_by_sector():
    frame = enterprises(lec_l=[0.5, np.nan, np.nan, np.nan], lec_e=[1, np.nan, np.nan, np.nan], lec_c=[1, np.nan, np.nan, np.nan],
                        likelihood=[5, np.nan, np.nan, np.nan], severity=[5, np.nan, np.nan, np.nan],
                        sector=["coal_mine", "coal_mine", "hazardous_chemicals", "industry_trade"])
    result = grade(frame)
    assert list(result["method"]) == ["lec", "baseline", "baseline", "baseline"]
    assert list(result["grade"]) == ["blue", "orange", "yellow", "blue"]


def test_floors_and_raises():
    frame = enterprises(sector=["other"] * 5, major_hazard_level=[1, 3, np.nan, np.nan, np.nan])
    result = grade(frame, open_major=[0, 0, 1, 0, 0], overdue=[0, 0, 0, 3, 2], fatal=[0, 0, 0, 0, 1])
    # level 1 → red floor; level 3 → orange floor; open major hazard → red; 3 overdue → +1; fatal → +1.
    assert list(result["grade"]) == ["red", "orange", "red", "yellow", "yellow"]
    assert "重大事故隐患未销号" in result["reasons"].iat[2]
    assert "逾期" in result["reasons"].iat[3]
    assert "死亡" in result["reasons"].iat[4]


def test_raises_stack_and_cap_at_red():
    frame = enterprises(sector=["coal_mine", "coal_mine"])  # baseline orange
    result = grade(frame, overdue=[3, 3], fatal=[1, 0])
    assert list(result["grade"]) == ["red", "red"]


def test_rules_can_be_switched_off(tmp_path):
    custom = tmp_path / "std.toml"
    custom.write_text("[enterprise.rules.overdue_hazards]\nenabled = false\n", encoding="utf-8")
    standard = load_standard(custom)
    frame = enterprises(sector=["other"])
    zero = pd.Series([0])
    result = grade_enterprises(frame, standard, lang="en", open_major=zero, overdue=pd.Series([5]), fatal_12m=zero)
    assert result["grade"].iat[0] == "blue"
    # A partial standard keeps every other default.
    assert standard.roads["snap_distance_m"] == 50


def test_english_reasons():
    result = grade(enterprises(lec_l=[10], lec_e=[6], lec_c=[7]), lang="en")
    assert result["reasons"].iat[0].startswith("LEC: D=L×E×C=10×6×7=420")


def test_road_unit_rate_and_accident_prone():
    counts = pd.DataFrame({"fatal": [3, 0, 0, 0, 0], "injury": [0, 10, 0, 2, 0], "pdo": [0, 0, 30, 0, 1]})
    length = np.array([1000, 1000, 1000, 200, 1000.0])
    result = grade_units(counts, length, STANDARD, lang="zh")
    assert list(result["accident_prone"]) == [True, True, False, False, False]
    # EPDO 30 over 1 km and 3 years = 10/km/yr → orange; 10 EPDO over max(0.2, 0.5) km → 6.67 → yellow.
    assert result["rate"].iat[2] == pytest.approx(10.0)
    assert result["rate"].iat[3] == pytest.approx(10 / 0.5 / 3)
    assert list(result["grade"]) == ["red", "red", "orange", "yellow", "blue"]
    assert "事故多发" in result["reasons"].iat[0]


def test_severity_classes():
    classes = severity_class(pd.Series([1, 0, 0, 2]), pd.Series([5, 1, 0, 0]))
    assert list(classes) == ["fatal", "injury", "pdo", "fatal"]


@given(st.lists(st.tuples(st.integers(-1, 5), st.integers(0, 3), st.integers(0, 3)), max_size=60))
def test_snapped_accidents_are_counted_per_unit_and_class(accidents):
    units = np.array([u for u, _, _ in accidents], dtype=np.int64)
    deaths, injuries = pd.Series([d for _, d, _ in accidents]), pd.Series([i for _, _, i in accidents])
    counts = count_snapped(6, units, severity_codes(deaths, injuries))
    classes = severity_class(deaths, injuries).tolist()
    assert list(counts.columns) == ["fatal", "injury", "pdo"] and len(counts) == 6
    for unit in range(6):
        for name in ("fatal", "injury", "pdo"):
            expected = sum(1 for u, c in zip(units, classes) if u == unit and c == name)  # -1: not snapped
            assert counts.at[unit, name] == expected


def test_county_grades_fixed_thresholds_and_floor():
    thresholds = STANDARD.counties["thresholds"]
    components = pd.DataFrame({"points_enterprises": [thresholds["red"], thresholds["orange"], thresholds["yellow"], 0.0],
                               "points_roads": 0.0, "points_hazards": 0.0, "points_accidents": 0.0})
    result = grade_counties(components, STANDARD, lang="zh", floor=pd.Series([False, False, False, True]))
    assert list(result["grade"]) == ["red", "orange", "yellow", "orange"]
    assert "不低于" in result["reasons"].iat[3]


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks"])
def test_county_alternative_schemes(tmp_path, scheme):
    custom = tmp_path / "std.toml"
    custom.write_text(f'[counties]\nscheme = "{scheme}"\n', encoding="utf-8")
    standard = load_standard(custom)
    components = pd.DataFrame({"points_enterprises": [1.0, 5, 10, 50, 100, 200, 400, 800], "points_roads": 0.0,
                               "points_hazards": 0.0, "points_accidents": 0.0})
    result = grade_counties(components, standard, lang="en", floor=pd.Series([False] * 8))
    assert result["grade"].iat[-1] == "red" and result["grade"].iat[0] == "blue"


def test_demo_county_components_add_up(demo_assessment):
    counties = demo_assessment.counties
    total = counties[["points_enterprises", "points_roads", "points_hazards", "points_accidents"]].sum(axis=1)
    np.testing.assert_allclose(counties["score"], total)
    assert counties["top_contributors"].str.len().gt(0).all()


def test_demo_shows_the_grades_the_issue_asks_for(demo_assessment):
    s = demo_assessment.summary
    assert all(v > 0 for v in s["enterprises"]["by_grade"].values())
    assert all(v > 0 for v in s["roads"]["by_grade"].values())
    assert sum(v > 0 for v in s["counties"]["by_grade"].values()) >= 3
    assert s["roads"]["accident_prone_units"] >= 1
    assert s["counties"]["count"] == 10
