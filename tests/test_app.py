"""The Streamlit page (``app.py``) through Streamlit's ``AppTest``."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import streamlit  # noqa: F401  (the app extra; installed by `make test`)
from streamlit.testing.v1 import AppTest  # noqa: E402

from hostile import shown  # noqa: E402
from riskmap.filters import Filters, apply_filters, headline  # noqa: E402
from riskmap.grades import GRADES  # noqa: E402
from riskmap.view import View  # noqa: E402

pytestmark = pytest.mark.app
APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 180


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("RISKMAP_WORKSPACE", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_metrics(figures: dict) -> list[str]:
    """The metric values the page should show, in order."""
    values = [str(figures[kind][g]) for g in GRADES for kind in ("counties_by_grade", "enterprises_by_grade")]
    values += [str(figures[k]) for k in ("open_major_hazards", "overdue_hazards", "accident_prone_units", "deaths_12m")]
    return values


def open_tab(at, label: str):
    at.session_state["main_tabs"] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at, columns_hint: str):
    """The shown table whose columns include ``columns_hint``."""
    for frame in at.dataframe:
        value = frame.value
        columns = list(getattr(value, "columns", []))
        if columns_hint in columns:
            return value
    raise AssertionError(f"no table with column {columns_hint!r}")


def test_demo_page(app, demo_assessment):
    assert demo_assessment.info.title in shown(app.title[0].value)
    assert any("示例数据 / demo data" in i.value for i in app.info)
    assert [m.value for m in app.metric] == expected_metrics(headline(demo_assessment))
    # Each figure says what it counts: no "1 / 29" to decode.
    labels = [m.label.split("] ")[-1] for m in app.metric]
    assert labels[:4] == ["重大风险区县", "重大风险企业", "较大风险区县", "较大风险企业"]
    assert labels[8:] == ["未销号重大隐患", "逾期隐患", "事故多发路段单元", "近 12 个月死亡人数"]
    ranking = table(app, "区划代码")
    assert len(ranking) == len(demo_assessment.counties)
    assert not app.error


def trend_points(at) -> list[dict]:
    """The points of the why panel's score-trend chart (its Vega-Lite spec's data)."""
    import json

    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    return next(layer["data"]["values"] for layer in spec["layer"] if "period_end" in layer["data"]["values"][0])


def test_sector_filter_changes_figures_and_tables(app, demo_assessment):
    app.sidebar.button_group(key="f_sectors").set_value(["coal_mine"]).run()
    assert not app.exception
    filtered = View(demo_assessment, Filters(sectors=("coal_mine",))).shown  # re-graded for coal mines
    assert [m.value for m in app.metric] == expected_metrics(headline(filtered))
    assert [m.value for m in app.metric] != expected_metrics(headline(demo_assessment))
    open_tab(app, "企业清单")
    enterprises = table(app, "企业名称")
    assert len(enterprises) == len(filtered.enterprises) > 0
    assert set(enterprises["行业领域"]) == {"煤矿"}
    open_tab(app, "道路单元")
    assert any("没有符合条件的记录" in c.value for c in app.caption)  # road units belong to road transport
    # The why panel's score trend is graded on the same records as the sector grade beside it.
    open_tab(app, "区县排名")
    code = app.session_state["why_county"]
    coal = trend_points(app)
    shown = View(demo_assessment, Filters(sectors=("coal_mine",))).counties.set_index("county_code").loc[code, "score"]
    assert [p["score"] for p in coal if not p["forecast"]][-1] == pytest.approx(shown, abs=0.05)
    app.sidebar.button_group(key="f_sectors").set_value([]).run()
    every = trend_points(app)
    assert [p["score"] for p in every if not p["forecast"]][-1] == pytest.approx(
        demo_assessment.counties.set_index("county_code").loc[code, "score"], abs=0.05)
    assert [p["score"] for p in coal] != [p["score"] for p in every]


def test_grade_and_county_filters(app, demo_assessment):
    first = demo_assessment.counties.sort_values("score", ascending=False)["county_code"].iloc[0]
    app.sidebar.button_group(key="f_grades").set_value(["red", "orange"]).run()
    app.sidebar.button_group(key="f_counties").set_value([first]).run()
    assert not app.exception
    filtered = apply_filters(demo_assessment, Filters(grades=("red", "orange"), counties=(first,)))
    assert [m.value for m in app.metric] == expected_metrics(headline(filtered))
    assert len(table(app, "区划代码")) == len(filtered.counties)
    open_tab(app, "企业清单")
    assert len(table(app, "企业名称")) == len(filtered.enterprises)


def test_hazard_status_and_time_window(app, demo_assessment):
    app.sidebar.button_group(key="f_status").set_value(["open"]).run()
    app.sidebar.selectbox(key="f_window").set_value("12").run()
    assert not app.exception
    as_of = demo_assessment.info.as_of
    from datetime import timedelta
    filtered = apply_filters(demo_assessment, Filters(hazard_statuses=("open",),
                                                      date_from=as_of.replace(year=as_of.year - 1) + timedelta(days=1),
                                                      date_to=as_of))
    assert [m.value for m in app.metric] == expected_metrics(headline(filtered))
    open_tab(app, "隐患台账")
    ledger = table(app, "隐患编号")
    assert len(ledger) == len(filtered.hazards)
    overdue = list(ledger["逾期"])
    assert overdue == sorted(overdue, key=lambda v: v != "是")  # overdue first


def test_english(app, demo_assessment):
    app.sidebar.radio(key="lang").set_value("English").run()
    assert not app.exception
    labels = [m.label for m in app.metric]
    assert any("major risk" in label for label in labels)
    assert "County ranking" in [t.label for t in app.tabs]
    # The ranking's "why" is in English too, not the Chinese workspace's language.
    ranking = table(app, "top contributors")
    assert ranking["top contributors"].str.contains("pts").all()
    assert not ranking["top contributors"].str.contains("分").any()


def test_why_panel_and_charts_and_downloads(app, demo_assessment):
    code = demo_assessment.counties["county_code"].iloc[-1]
    app.selectbox(key="why_county").set_value(code).run()
    assert not app.exception
    name = demo_assessment.counties.set_index("county_code").loc[code, "county_name"]
    assert any(name in md.value for md in app.markdown)
    open_tab(app, "统计图")
    open_tab(app, "下载")
    assert not app.exception
    # The briefing's font fallback is said by the download, as the CLI prints it.
    from riskmap.export import export_notes

    notes = export_notes("docx", "zh")
    captions = [c.value for c in app.caption]
    assert all(note in captions for note in notes)
    if notes:
        assert any("GB/T 9704" in c for c in captions)


def test_broken_workspace_shows_an_error(monkeypatch, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "riskmap.toml").write_text('[workspace]\ntitle = "x"\n[datasets.counties]\npath = "nothere.geojson"\n',
                                     encoding="utf-8")
    monkeypatch.setenv("RISKMAP_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.error and "nothere.geojson" in shown(at.error[0].value)


def _upload(at, files):
    at.sidebar.get("file_uploader")[0].set_value(files).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_broken_upload_shows_an_error(app):
    _upload(app, [("riskmap.toml", b"[workspace\ntitle = 1", "text/plain"),
                  ("counties.geojson", b"{}", "application/json")])
    assert app.error and "riskmap.toml" in shown(app.error[0].value)
    assert app.metric  # the page goes on with the last good workspace (the demo), and says so
    assert any("上一次可用的工作区" in i.value for i in app.info)


def test_upload_without_counties_shows_an_error(app):
    _upload(app, [("enterprises.csv", "企业名称,经度,纬度\n甲,112,37\n".encode(), "text/csv")])
    assert app.error and ("区县" in app.error[0].value or "counties" in app.error[0].value)


def test_upload_of_a_zipped_workspace(app, demo_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in demo_path.iterdir():
            if path.is_file():
                archive.write(path, f"demo/{path.name}")
    _upload(app, [("demo.zip", buffer.getvalue(), "application/zip")])
    assert not app.error
    assert any("上传" in c.value for c in app.sidebar.caption)


def test_upload_without_toml_gets_one_from_file_names(app, demo_assessment):
    counties = demo_assessment.counties[["county_code", "county_name", "geometry"]]
    data = counties.to_json(drop_id=True).encode("utf-8")
    _upload(app, [("区县.geojson", data, "application/json")])
    assert not app.error, [e.value for e in app.error]
    assert len(app.metric) == 12
    json.loads(data)  # sanity: the upload was real GeoJSON
