"""The consultation pack as data (issue 12): lifecycle rates, forecast preventions, actions, an empty period."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskmap.actions import fill, propose_actions
from riskmap.consultation import build_consultation, lifecycle_table, pack_file_name, period_of
from riskmap.document import Table
from riskmap.errors import StandardError
from riskmap.history import build_history
from riskmap.prevention import preventions
from riskmap.standard import load_standard
from riskmap.view import View
from wsfactory import TOML, accident_frame, enterprise_frame, write_workspace

COLUMNS = ["隐患编号", "企业编号", "隐患等级", "整改状态", "排查日期", "整改期限", "销号日期", "挂牌督办", "经度", "纬度"]


def point_hazards(*rows) -> pd.DataFrame:
    """Hazards at their own points: (id, county 0-2, status, found, deadline, closed, supervision)."""
    return pd.DataFrame([{"隐患编号": r[0], "企业编号": None, "隐患等级": "一般", "整改状态": r[2], "排查日期": r[3],
                          "整改期限": r[4], "销号日期": r[5], "挂牌督办": r[6] if len(r) > 6 else "无",
                          "经度": 113.05 + 0.1 * r[1], "纬度": 40.07} for r in rows], columns=COLUMNS)


# Hand-computed: the period is October 2026 (as_of 2026-10-31).
#  甲县: H1 closed 10-05, deadline 10-10 (on time, 25 days); H2 closed 10-20 after its deadline 10-15 (late, 17 days);
#        H3 found 10-12, open, not yet due; H4 open since August, overdue; H5 closed in September (not this period).
#  乙县: H6 closed on its deadline 10-31 (on time, 30 days); H7 open, no deadline.
#  丙县: nothing.
LIFECYCLE = point_hazards(
    ("H1", 0, "已销号", "2026-09-10", "2026-10-10", "2026-10-05"),
    ("H2", 0, "已销号", "2026-10-03", "2026-10-15", "2026-10-20"),
    ("H3", 0, "未整改", "2026-10-12", "2026-11-30", None),
    ("H4", 0, "整改中", "2026-08-01", "2026-09-01", None, "市级"),
    ("H5", 0, "已销号", "2026-07-01", "2026-08-01", "2026-09-15"),
    ("H6", 1, "已销号", "2026-10-01", "2026-10-31", "2026-10-31"),
    ("H7", 1, "未整改", "2026-10-02", None, None),
)


@pytest.fixture(scope="module")
def lifecycle_history(tmp_path_factory):
    ws = write_workspace(tmp_path_factory.mktemp("lifecycle"), hazards=LIFECYCLE)
    return build_history(ws, periods=3)


def test_the_lifecycle_rates_are_the_hand_computed_ones(lifecycle_history):
    history = lifecycle_history
    period = period_of(history)
    assert (period.start.isoformat(), period.end.isoformat()) == ("2026-10-01", "2026-10-31")
    table = lifecycle_table(View(history.assessment), period.start, period.end).set_index("county_code")
    jia, yi, bing, total = table.loc["140001"], table.loc["140002"], table.loc["140003"], table.loc[""]
    assert [jia[c] for c in ("hazards_found", "hazards_closed", "closed_on_time", "open", "overdue")] == [2, 2, 1, 2, 1]
    assert jia["rate"] == pytest.approx(0.5) and jia["on_time_rate"] == pytest.approx(0.5)
    assert jia["mean_days_to_close"] == pytest.approx(21.0)
    assert [yi[c] for c in ("hazards_found", "hazards_closed", "closed_on_time", "open", "overdue")] == [2, 1, 1, 1, 0]
    assert yi["rate"] == pytest.approx(0.5) and yi["on_time_rate"] == pytest.approx(1.0)
    assert np.isnan(bing["rate"]) and np.isnan(bing["on_time_rate"])
    assert [total[c] for c in ("hazards_found", "hazards_closed", "closed_on_time", "open", "overdue")] == [4, 3, 2, 3, 1]
    assert total["rate"] == pytest.approx(0.5) and total["on_time_rate"] == pytest.approx(2 / 3)
    assert total["mean_days_to_close"] == pytest.approx(24.0)


def test_the_pack_prints_the_rates_and_lists_every_supervised_hazard(lifecycle_history):
    section = build_consultation(lifecycle_history).section("lifecycle")
    rates, supervised = section.tables()
    rows = {r[0]: r for r in rates.rows}
    assert rows["甲县"][1:] == ["2", "2", "1", "50.0%", "50.0%", "2", "1", "21"]
    assert rows["乙县"][4:6] == ["50.0%", "100.0%"] and rows["丙县"][4:6] == ["—", "—"]
    assert rows["合计"][4:6] == ["50.0%", "66.7%"]
    assert [r[0] for r in supervised.rows] == ["H4"]
    h4 = supervised.rows[0]
    assert h4[3] == "市级" and h4[5:8] == ["2026-08-01", "2026-09-01", "60"] and h4[8] == "整改中"
    english = build_consultation(lifecycle_history, lang="en").section("lifecycle").tables()[0]
    assert english.headers[4:6] == ["rectification rate", "on-time rate"]


def test_the_file_name_carries_the_period(lifecycle_history):
    assert pack_file_name(lifecycle_history) == "研判会商_2026-10.docx"
    assert pack_file_name(lifecycle_history, report="atlas", fmt="pdf", lang="en") == "atlas_2026-10.pdf"


# --- the forecast: which hazards prevent a rise -----------------------------------------------------

def test_rectifying_any_one_of_the_hazards_that_fall_overdue_prevents_the_rise(tmp_path):
    # 己工贸 (an industry-and-trade enterprise: blue) has two overdue hazards and a third due mid-November:
    # three overdue by the forecast's 2026-11-30 raise it one grade (the overdue_hazards rule), unless one is closed.
    hazards = pd.DataFrame([{"隐患编号": h, "企业编号": "E6", "隐患等级": "一般", "整改状态": "未整改", "排查日期": "2026-08-01",
                             "整改期限": d, "销号日期": None, "挂牌督办": "无", "经度": None, "纬度": None}
                            for h, d in (("P1", "2026-09-01"), ("P2", "2026-09-15"), ("P3", "2026-11-15"))], columns=COLUMNS)
    history = build_history(write_workspace(tmp_path / "ws", hazards=hazards), periods=3)
    position = int(np.flatnonzero(history.assessment.enterprises["enterprise_id"] == "E6")[0])
    assert history.outlook.ranks["enterprises"][position] > history.periods[-1].ranks["enterprises"][position]
    found = preventions(history)["enterprises"][position]
    ids = history.assessment.hazards["hazard_id"].to_numpy()
    assert found.how == "single" and sorted(ids[found.hazards]) == ["P1", "P2", "P3"]
    forecast = build_consultation(history).section("forecast")
    row = next(r for table in forecast.tables() for r in table.rows if r[0] == "己工贸")
    assert "任一项" in row[4] and "P3" in row[4]
    action = build_consultation(history).section("actions")
    assert not any("己工贸" in r[1] for table in action.tables() for r in table.rows)  # yellow: below the rule's levels


# --- actions ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_history(demo_path):
    return build_history(demo_path)


def test_every_proposed_action_names_an_existing_warning(demo_history):
    document = build_consultation(demo_history)
    from riskmap.tables import warning_rows

    warnings = warning_rows(demo_history.warnings, View(demo_history.assessment))
    refs = {f"W{i + 1}": (w.kind, str(w.id)) for i, w in enumerate(warnings.itertuples())}
    actions = propose_actions(warnings.assign(ref=list(refs)), demo_history.assessment.standard, lang="zh",
                              county_names=demo_history.assessment.county_names)
    assert len(actions) and set(actions["action"]) >= {"special_inspection", "supervision_letter", "reinspection"} - \
        {"special_inspection"}  # the demo has no county turning red this month
    for a in actions.itertuples():
        assert refs[a.warning_ref] == (a.warning_kind, a.id)
    shown = [r for table in document.section("actions").tables() for r in table.rows]
    assert shown and all(r[2].split(" · ")[0] in refs for r in shown)
    kinds = {"supervision_letter": "supervised_overdue", "reinspection": "repeated_hazards"}
    for action, kind in kinds.items():
        assert set(actions.loc[actions["action"] == action, "warning_kind"]) == {kind}


def test_a_county_turning_red_gets_a_special_inspection(demo_history):
    warnings = pd.DataFrame([{"level": "red", "kind": "grade_rise", "dataset": "counties", "id": "140213",
                              "county_code": "140213", "name": "平城区", "message": "升为重大风险", "since": "2026-10-31"},
                             {"level": "orange", "kind": "grade_rise", "dataset": "counties", "id": "140214",
                              "county_code": "140214", "name": "云冈区", "message": "升为较大风险", "since": "2026-10-31"}])
    actions = propose_actions(warnings, demo_history.assessment.standard, lang="zh", county_names={})
    assert list(actions["action"]) == ["special_inspection"] and actions["id"].tolist() == ["140213"]
    assert actions["text"].iloc[0].startswith("对平城区开展专项督导") and actions["warning_ref"].iloc[0] == "W1"


def test_the_wording_is_filled_as_plain_text():
    assert fill("对{name}开展{kind}：{message}", {"name": "{message}", "kind": "复查", "message": "{{x}} =cmd"}) == \
        "对{message}开展复查：{{x}} =cmd"
    assert fill("{unknown} {name}", {"name": "甲"}) == "{unknown} 甲"


@pytest.mark.parametrize("table, where, words", [
    ('[actions.x]\nkinds = ["grade_rise"]\nlabel_zh = "a"\nlabel_en = "a"\ntext_zh = "{evil}"\ntext_en = "b"\n',
     "actions.x.text_zh", "{name}"),
    ('[actions.x]\nkinds = ["grade_rise"]\nlable_zh = "a"\nlabel_en = "a"\ntext_zh = "a"\ntext_en = "b"\n',
     "actions.x.lable_zh", "label_zh"),
    ('[actions.x]\nkinds = ["gradrise"]\nlabel_zh = "a"\nlabel_en = "a"\ntext_zh = "a"\ntext_en = "b"\n',
     "actions.x.kinds", "grade_rise"),
    ('[actions.x]\nkinds = ["overdue"]\nlabel_zh = "a"\ntext_zh = "a"\ntext_en = "b"\n', "actions.x.label_en", "label_en"),
    ('[actions.special_inspection]\nlevels = ["crimson"]\n', "actions.special_inspection.levels", "red"),
])
def test_the_actions_rules_are_checked_like_the_rest_of_the_standard(tmp_path, table, where, words):
    (tmp_path / "mine.toml").write_text(table, encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard("mine.toml", base_dir=tmp_path, lang="en")
    problems = caught.value.problems
    assert any(p.column == where and words in p.message for p in problems), [(p.column, p.message) for p in problems]


def test_a_workspace_standard_can_reword_or_switch_off_an_action(tmp_path):
    (tmp_path / "mine.toml").write_text('[actions.reinspection]\ntext_zh = "复查{name}（{since}）"\n'
                                        '[actions.road_audit]\nenabled = false\n', encoding="utf-8")
    standard = load_standard("mine.toml", base_dir=tmp_path)
    warnings = pd.DataFrame([{"level": "yellow", "kind": "repeated_hazards", "dataset": "enterprises", "id": "E1",
                              "county_code": None, "name": "甲煤矿", "message": "m", "since": "2026-09-30"},
                             {"level": "orange", "kind": "hotspot", "dataset": "road_units", "id": "U1",
                              "county_code": None, "name": "G1 U1", "message": "m", "since": "2026-09-30"}])
    actions = propose_actions(warnings, standard, lang="zh", county_names={})
    assert actions["text"].tolist() == ["复查甲煤矿（2026-09-30）"]


# --- a period with nothing to warn of -----------------------------------------------------------------

def test_a_pack_without_warnings_says_so_plainly(tmp_path):
    quiet = enterprise_frame().iloc[[5]]  # 己工贸: blue, no hazards
    no_accidents = accident_frame().iloc[0:0]
    ws = write_workspace(tmp_path / "ws", enterprises=quiet, accidents=no_accidents, hazards=point_hazards())
    history = build_history(ws, periods=3)
    assert history.warnings.empty
    document = build_consultation(history)
    warnings, actions = document.section("warnings"), document.section("actions")
    assert warnings.blocks == ["本期无预警。"] and actions.blocks == ["本期无预警。"]
    assert not document.section("forecast").tables() and "没有区县、企业或道路单元风险等级上升" in document.section("forecast").blocks[0]
    lifecycle = document.section("lifecycle")
    assert "没有挂牌督办的隐患。" in lifecycle.blocks
    assert all(isinstance(b, str) or isinstance(b, Table) and b.rows for s in document.sections for b in s.blocks
               if not hasattr(b, "kind"))
    english = build_consultation(history, lang="en")
    assert english.section("warnings").blocks == ["There are no warnings this period."]
    assert TOML  # the factory's workspace: zh


def test_the_counties_regraded_with_hazards_rectified_are_those_of_a_full_grading(demo_history):
    from riskmap.timeline import counties_rectified, state_at

    history, rng = demo_history, np.random.default_rng(12)
    outlook = state_at(history.prepared, history.forecast_end, known_until=history.as_of)
    for share in (0.0, 0.1, 0.5, 1.0):
        mask = rng.random(len(outlook.is_open)) < share
        quick = counties_rectified(history.prepared, outlook, mask)
        full = state_at(history.prepared, history.forecast_end, known_until=history.as_of, rectified=mask).county
        assert list(quick["grade"]) == list(full["grade"])
        assert np.allclose(quick["score"], full["score"])
