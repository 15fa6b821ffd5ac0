"""Properties of time (hypothesis): the history path grades as the plain assessment does, and
time moving on with nothing new never lowers an overdue count."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskmap
from riskmap.history import build_history
from wsfactory import write_workspace

AS_OF = date(2026, 10, 31)
START = date(2025, 6, 1)
SPAN = (AS_OF - START).days

hazard = st.fixed_dictionaries({
    "found": st.integers(0, SPAN + 20),            # a few found after as_of
    "deadline": st.one_of(st.none(), st.integers(-5, 120)),
    "closed": st.one_of(st.none(), st.integers(-3, 200)),
    "status": st.sampled_from(["未整改", "整改中", "已销号"]),
    "level": st.sampled_from(["一般", "一般", "重大"]),
    "where": st.sampled_from(["E1", "E2", "E3", "E6", None]),
    "supervision": st.sampled_from(["无", "县级", "市级"]),
})
accident = st.fixed_dictionaries({
    "day": st.integers(-800, SPAN + 20),
    "deaths": st.integers(0, 2), "injuries": st.integers(0, 3),
    "x": st.floats(113.02, 113.28), "on_road": st.booleans(),
    "production": st.booleans(),
})


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


def hazard_rows(drawn: list[dict]) -> pd.DataFrame:
    rows = []
    for i, h in enumerate(drawn):
        found = START + timedelta(days=h["found"])
        rows.append({"隐患编号": f"H{i}", "企业编号": h["where"], "隐患等级": h["level"], "整改状态": h["status"],
                     "排查日期": found.isoformat(),
                     "整改期限": None if h["deadline"] is None else (found + timedelta(days=h["deadline"])).isoformat(),
                     "销号日期": None if h["closed"] is None else (found + timedelta(days=h["closed"])).isoformat(),
                     "挂牌督办": h["supervision"], "经度": None if h["where"] else 113.25, "纬度": None if h["where"] else 40.02})
    return pd.DataFrame(rows, columns=["隐患编号", "企业编号", "隐患等级", "整改状态", "排查日期", "整改期限", "销号日期", "挂牌督办",
                                       "经度", "纬度"])


def accident_rows(drawn: list[dict]) -> pd.DataFrame:
    rows = [{"事故编号": f"A{i}", "发生时间": _day(a["day"]), "经度": 113.05 if a["production"] else a["x"],
             "纬度": 40.05 if a["production"] else (40.0301 if a["on_road"] else 40.06), "死亡人数": a["deaths"],
             "受伤人数": a["injuries"], "类型": "production" if a["production"] else "traffic",
             "企业编号": "E1" if a["production"] else None} for i, a in enumerate(drawn)]
    return pd.DataFrame(rows, columns=["事故编号", "发生时间", "经度", "纬度", "死亡人数", "受伤人数", "类型", "企业编号"])


def same(a, b) -> None:
    for name in ("counties", "enterprises", "road_units", "hazards", "accidents"):
        pd.testing.assert_frame_equal(getattr(a, name).drop(columns="geometry"), getattr(b, name).drop(columns="geometry"))
    pd.testing.assert_frame_equal(a.unassigned, b.unassigned)
    assert {k: v for k, v in a.summary.items() if k in b.summary} == b.summary


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hazard, min_size=1, max_size=25), st.lists(accident, max_size=30), st.integers(0, 2))
def test_the_history_path_grades_as_the_plain_assessment_record_by_record(hazards, accidents, earlier):
    with tempfile.TemporaryDirectory() as tmp:
        ws = write_workspace(Path(tmp) / "ws", hazards=hazard_rows(hazards), accidents=accident_rows(accidents))
        history = build_history(ws, periods=3)
        same(history.assessment, riskmap.assess(ws))
        end = history.ends[earlier]
        same(history.at(end), riskmap.assess(ws, as_of=end))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hazard, min_size=1, max_size=30), st.integers(0, 400), st.integers(1, 400))
def test_time_moving_on_with_nothing_new_never_lowers_an_overdue_count(hazards, first, step):
    t1 = START + timedelta(days=first)
    t2 = t1 + timedelta(days=step)
    # Nothing new after t1: every record (found, closed) is dated by t1; deadlines may lie anywhere.
    kept = [h | {"found": min(h["found"], first)} for h in hazards]
    kept = [h | {"closed": None if h["closed"] is None or h["found"] + h["closed"] > first else h["closed"]} for h in kept]
    kept = [h | {"status": "已销号" if h["closed"] is not None else ("未整改" if h["status"] == "已销号" else h["status"])}
            for h in kept]
    with tempfile.TemporaryDirectory() as tmp:
        ws = write_workspace(Path(tmp) / "ws", hazards=hazard_rows(kept), accidents=accident_rows([]))
        prepared = riskmap.prepare(ws, as_of=t2, horizon=(t1, t2))
        before, after = riskmap.grade_at(prepared, t1), riskmap.grade_at(prepared, t2)
        assert after.summary["hazards"]["overdue"] >= before.summary["hazards"]["overdue"]
        was = before.hazards.set_index("hazard_id")["overdue"]
        now = after.hazards.set_index("hazard_id")["overdue"]
        assert (now[was[was].index]).all()  # an overdue hazard stays overdue, and longer
        days = after.hazards.set_index("hazard_id")["days_overdue"] - before.hazards.set_index("hazard_id")["days_overdue"]
        assert (days[was[was].index] == step).all()
        for name in ("counties", "enterprises"):
            assert (getattr(after, name)["overdue_hazards"].to_numpy() >= getattr(before, name)["overdue_hazards"].to_numpy()).all()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hazard, min_size=1, max_size=30))
def test_the_forecast_never_lowers_an_overdue_count(hazards):
    """Whatever the ledger holds after as_of, the forecast knows nothing new: overdue only grows."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = write_workspace(Path(tmp) / "ws", hazards=hazard_rows(hazards), accidents=accident_rows([]))
        history = build_history(ws, periods=1)
        now, then = history.assessment, history.forecast
        assert then.summary["hazards"]["overdue"] >= now.summary["hazards"]["overdue"]
        assert then.summary["hazards"]["open"] == now.summary["hazards"]["open"]
        assert (then.counties["overdue_hazards"].to_numpy() >= now.counties["overdue_hazards"].to_numpy()).all()
