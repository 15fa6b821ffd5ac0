"""The page's time (issue 11, point 5) through Streamlit's AppTest: the warnings tab, the period
selector, the change mode and the county's trend chart."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit  # noqa: F401  (the app extra; installed by `make test`)
from streamlit.testing.v1 import AppTest

from riskmap.filters import Filters, headline
from riskmap.history import build_history
from riskmap.view import View

pytestmark = pytest.mark.app
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def history(demo_path):
    return build_history(demo_path)


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("RISKMAP_WORKSPACE", raising=False)
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at, label: str):
    at.session_state["main_tabs"] = label
    return rerun(at)


def frame(at, column: str):
    return next(d.value for d in at.dataframe if column in list(d.value.columns))


def figures(view: View) -> list[str]:
    f = headline(view.shown)
    return [str(f[kind][g]) for g in ("red", "orange", "yellow", "blue") for kind in ("counties_by_grade", "enterprises_by_grade")] + \
        [str(f[k]) for k in ("open_major_hazards", "overdue_hazards", "accident_prone_units", "deaths_12m")]


def test_the_warnings_tab_lists_every_warning_red_first_and_filters_by_level_and_kind(app, history):
    open_tab(app, "预警")
    table = frame(app, "预警内容")
    assert len(table) == len(history.warnings)
    assert list(table["预警内容"]) == list(history.warnings["message"])
    assert table["预警级别"].iloc[0] == "红色预警"
    app.button_group(key="f_warn_levels").set_value(["orange"]).run()
    app.button_group(key="f_warn_kinds").set_value(["hotspot", "overdue"]).run()
    table = frame(app, "预警内容")
    expected = history.warnings[(history.warnings["level"] == "orange") & history.warnings["kind"].isin(["hotspot", "overdue"])]
    assert len(table) == len(expected) > 0 and set(table["预警级别"]) == {"橙色预警"}


def test_the_sidebar_filters_act_on_the_warnings(app, history):
    county = history.warnings.loc[history.warnings["dataset"] == "hazards", "county_code"].iloc[0]
    app.sidebar.button_group(key="f_counties").set_value([county]).run()
    open_tab(app, "预警")
    table = frame(app, "预警内容")
    assert len(table) == int((history.warnings["county_code"] == county).sum())
    app.sidebar.button_group(key="f_sectors").set_value(["coal_mine"]).run()
    table = frame(app, "预警内容")
    mine = history.warnings[(history.warnings["county_code"] == county) & (history.warnings["sector"] == "coal_mine")]
    assert len(table) == len(mine)


def test_a_warnings_subject_is_found_on_the_map(app, history):
    open_tab(app, "预警")
    first_hazard = int((history.warnings["dataset"] == "hazards").to_numpy().argmax())
    app.selectbox(key="warn_pick").set_value(first_hazard).run()
    assert not app.exception
    row = history.warnings.iloc[first_hazard]
    assert app.session_state["_focus"] == pytest.approx((row["lon"], row["lat"]))
    county = int((history.warnings["dataset"] == "counties").to_numpy().argmax())
    if history.warnings["dataset"].iloc[county] == "counties":
        app.selectbox(key="warn_pick").set_value(county).run()
        assert app.session_state["_focus"] == history.warnings["id"].iloc[county]


def test_the_period_selector_shows_a_past_period_end_and_the_forecast_without_assessing_again(app, history, monkeypatch):
    import riskmap.history
    import riskmap.spatial

    calls = []
    monkeypatch.setattr(riskmap.history, "build_history", lambda *a, **k: calls.append("history"))
    monkeypatch.setattr(riskmap.spatial, "prepare", lambda *a, **k: calls.append("prepare"))
    box = app.sidebar.selectbox(key="f_period")
    assert box.options[-1].endswith("（预测：若不整改）") and box.options[-2].endswith("（评估日期）")
    past = history.ends[6]
    box.set_value(past).run()
    assert not app.exception
    view = View(history.at(past), None, "zh", past)
    assert [m.value for m in app.metric] == figures(view)
    assert any(past.isoformat() in c.value for c in app.caption)
    open_tab(app, "隐患台账")
    assert len(frame(app, "隐患编号")) == len(view.hazards) < len(history.assessment.hazards)
    app.sidebar.selectbox(key="f_period").set_value(history.forecast_end).run()
    assert not app.exception and any("预测" in w.value for w in app.warning)
    assert [m.value for m in app.metric] == figures(View(history.forecast, None, "zh", history.forecast_end))
    assert calls == []


def test_the_change_mode_and_the_trend_chart(app, history):
    app.sidebar.selectbox(key="f_period").set_value(history.ends[-1]).run()
    app.sidebar.radio(key="f_mode").set_value("change").run()
    assert not app.exception
    app.sidebar.button_group(key="f_grades").set_value(["red"]).run()  # the filters still act
    assert not app.exception
    counties = history.assessment.counties
    code = counties.loc[counties["grade"] == "red", "county_code"].iloc[0]
    app.selectbox(key="why_county").set_value(code).run()
    charts = app.get("vega_lite_chart")
    assert charts, "no trend chart in the why panel"
    spec = json.loads(charts[0].proto.spec)
    scores = [round(s, 1) for s in history.county_trend(code)["score"]]
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")["data"]["values"]
    assert [p["score"] for p in points] == scores and points[-1]["forecast"]
    bands = spec["layer"][0]["data"]["values"]
    assert [b["from"] for b in bands] == [0.0, 160.0, 300.0, 400.0]


def test_english_warnings(app, history):
    app.sidebar.radio(key="lang").set_value("English").run()
    open_tab(app, "Warnings")
    table = frame(app, "since")
    assert table["level"].iloc[0] == "red" and "overdue" in table["message"].iloc[0]
    assert not table["message"].str.contains("逾期").any()


def test_filters_on_the_warnings_are_the_views(history):
    from riskmap.tables import warning_rows

    view = View(history.assessment, Filters(grades=("red",)), "en")
    rows = warning_rows(history.warnings, view)
    assert set(rows["level"]) == {"red"} and len(rows) == int((history.warnings["level"] == "red").sum())


def statuses(node) -> list:
    """The st.status boxes of a page (AppTest lists blocks only as a tree)."""
    from streamlit.testing.v1.element_tree import Status

    found = [node] if isinstance(node, Status) else []
    for child in (getattr(node, "children", None) or {}).values():
        found += statuses(child)
    return found


def test_the_downloads_tab_builds_the_pack_and_the_atlas_for_the_period_shown(app, history):
    past = history.ends[-2]
    app.sidebar.selectbox(key="f_period").set_value(past).run()
    app.sidebar.button_group(key="f_counties").set_value([history.assessment.counties["county_code"].iloc[0]]).run()
    open_tab(app, "下载")
    assert not app.exception
    label = f"研判会商_{past.strftime('%Y-%m')}.docx"
    assert not [b for b in app.get("download_button") if b.proto.label == label]
    app.button(key="mk_consultation_docx").click().run()
    assert not app.exception
    made = [b for b in app.get("download_button") if b.proto.label == label]
    assert made, [b.proto.label for b in app.get("download_button")]
    status = statuses(app._tree)
    assert status and status[0].state == "complete" and "已生成" in status[0].label  # the progress indication
    assert [p.proto.value for p in app.get("progress")] == [100]
    app.button(key="mk_atlas_pdf").click().run()
    assert not app.exception
    assert [b for b in app.get("download_button") if b.proto.label == f"区县图册_{past.strftime('%Y-%m')}.pdf"]


def test_the_pack_of_an_earlier_period_end_is_that_periods(history):
    from riskmap.consultation import build_consultation, period_of

    past = history.ends[-3]
    earlier = history.until(past)
    assert earlier.as_of == past and earlier.forecast_end == history.ends[-2] and earlier.ends == history.ends[:-2]
    assert period_of(earlier).label == past.strftime("%Y-%m")
    overview = build_consultation(earlier).section("overview").tables()[0]
    counties = history.at(past).counties["grade"].value_counts()
    assert [int(r[2]) for r in overview.rows[:4]] == [int(counties.get(g, 0)) for g in ("red", "orange", "yellow", "blue")]
    assert set(earlier.warnings["kind"]) <= set(history.warnings["kind"]) | {"grade_rise", "forecast_rise"}


def test_the_warnings_found_after_the_map_are_counted_in_the_downloads_summary(app, history):
    """The page draws the first map before it finds the warnings (issue 13); once found they are counted in
    the shared history's summary, so the downloads' summary.json says what ``riskmap assess`` says."""
    import io
    import zipfile

    from page import workspace
    from riskmap import outputs

    shared = workspace.load_history(*app.session_state["_history_key"])  # the one history every visitor shares
    assert "warnings" in shared.__dict__
    assert shared.assessment.summary["warnings"] == history.assessment.summary["warnings"]
    full = shared.with_change(shared.as_of)
    with zipfile.ZipFile(io.BytesIO(outputs.outputs_zip(View(full, None, "zh"), history=shared))) as archive:
        summary = json.loads(archive.read("summary.json"))
    assert summary["warnings"]["count"] == len(history.warnings) > 0


def test_the_first_map_waits_only_for_the_period_ends_it_shows(demo_path, tmp_path, monkeypatch, history):
    """The page's first map grades ``as_of`` and the period end before it (its change mode) and no other; the
    other period ends are graded once the map is drawn (for the warnings, the trend, the tables), and the
    history is the same as one graded at once."""
    import shutil

    import riskmap.history

    monkeypatch.syspath_prepend(str(Path(APP).parent))  # the page package, as app.py finds it
    import page.mapframe

    folder = tmp_path / "ws"
    shutil.copytree(demo_path, folder)  # a folder of its own: the page's shared history is made anew
    made, at_map = [], []
    real_build, real_show = riskmap.history.build_history, page.mapframe.show_map
    monkeypatch.setattr(riskmap.history, "build_history", lambda *a, **k: made.append(real_build(*a, **k)) or made[-1])
    monkeypatch.setattr(page.mapframe, "show_map", lambda *a, **k: at_map.append(made[-1].periods.graded) or real_show(*a, **k))
    monkeypatch.setenv("RISKMAP_WORKSPACE", str(folder))
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(made) == 1 and at_map == [2] and len(history.ends) > 2
    deferred = made[0]
    assert deferred.periods.graded == len(deferred.ends)  # the warnings read them all, after the map
    for name, ranks in history.ranks.items():
        assert (deferred.ranks[name] == ranks).all(), name
    pd.testing.assert_frame_equal(deferred.counties, history.counties)
    assert len(deferred.warnings) == len(history.warnings)
