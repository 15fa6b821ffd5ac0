"""The page in Chinese has no English, and uploads replace each other (issue 10, points 3, 4 and 8).

Every element AppTest sees is walked, in every tab, with sector, county, grade and status filters on;
its texts (labels, help, placeholders, options, values, table headers and cells, alerts, captions)
may hold no English word except the ones listed in :data:`ALLOWED`, each with its reason.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import streamlit  # noqa: F401  (the app extra; installed by `make test`)
from streamlit.testing.v1 import AppTest

from hostile import shown

pytestmark = pytest.mark.app

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 180
TABS = ("区县排名", "预警", "企业清单", "道路单元", "隐患台账", "统计图", "下载")

WORD = re.compile(r"(?<![A-Za-z0-9_.\-/])[A-Za-z][A-Za-z_]*[A-Za-z](?![A-Za-z0-9_\-])")
"""A word of Latin letters (snake_case too: an untranslated key such as map_legend_counties is a word) that is
not part of a code (codes hold digits: 91140200MA0…, G208, R12-140212-1)."""

FILE_NAME = re.compile(r"[\w\-\u4e00-\u9fff]+\.(?:csv|geojson|xlsx|xls|json|zip|toml|png|pdf|svg|html|docx|parquet|gpkg)"
                       r"\b", re.I)
"""File names (counties.geojson, summary.json, 大同市_2026-10-31.png) are what the reader's file system shows."""

ALLOWED = {
    # The demo banner must read "示例数据 / demo data" in both languages (DESIGN §4, README).
    "demo", "data",
    # File formats, as a file system and the office's software name them (the download buttons' labels).
    "PNG", "PDF", "SVG", "HTML", "XLSX", "DOCX", "CSV", "JSON", "GeoJSON", "ZIP", "TOML",
    # The environment variables of the server (typed by an administrator as they are).
    "RISKMAP_WORKSPACE", "RISKMAP_MAX_UNPACKED_MB",
    # The language switch names both languages, so that a reader of either finds it.
    "Language", "English",
    # Unit symbols, as GB 3100 lets Chinese text write them (距区域边界 4.2 km; 解压后合计不超过 500 MB).
    "km", "MB",
    # The line a message tells an office to add to riskmap.toml: its table names are the file's syntax.
    "datasets", "values",
    # Names of methods, as Chinese standards and papers write them: the LEC method (作业条件危险性评价法),
    # the Mann–Kendall trend test with Sen's slope, the Getis–Ord Gi* hot-spot statistic.
    "LEC", "Mann", "Kendall", "Sen", "Getis", "Ord", "Gi",
    # The national standard the briefing's fonts follow, by its number (GB/T 9704).
    "GB",
}
"""English words a Chinese page may show, each for the reason given above."""


def _column_names() -> set[str]:
    """Canonical column names (county_code, sector ...) and the keys of coded values (fire, other ...): quoted in
    messages as the data contract spells them (DESIGN §5), with the Chinese label beside them."""
    from riskmap.schema import DATASETS, VOCABULARIES

    codes = {str(key) for table in VOCABULARIES.values() for key in table.values()}  # coal_mine, fire, open ...
    return {c.name for d in DATASETS.values() for c in d.columns} | {"lon", "lat", "geometry"} | codes


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, pd.DataFrame):
        cells = [str(v) for v in value.astype(object).to_numpy().ravel() if isinstance(v, str)]
        return [str(c) for c in value.columns] + cells
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


TEXT_FIELDS = ("label", "help", "placeholder", "body", "options", "caption")
SKIPPED_TYPES = {"component_instance", "iframe", "arrow_vega_lite_chart", "vega_lite_chart", "html", "deck_gl_json_chart"}


def page_texts(at) -> list[str]:
    """Every text of every element AppTest holds (the map's frame and the charts' specs excepted: the browser
    test reads the map as drawn)."""
    texts = []
    for node in at._tree:
        if node.type in SKIPPED_TYPES:
            continue
        proto = getattr(node, "proto", None)
        for name in TEXT_FIELDS:
            try:
                value = getattr(proto, name)
            except AttributeError:
                continue
            texts += _strings(list(value) if hasattr(value, "__iter__") and not isinstance(value, str) else value)
        if node.type == "markdown" and str(getattr(proto, "body", "")).lstrip().startswith("<style>"):
            texts = [t for t in texts if not t.lstrip().startswith("<style>")]  # fixed CSS of the page, not words
        if node.type in ("arrow_data_frame", "dataframe", "table"):
            try:
                texts += _strings(node.value)
            except Exception:  # noqa: BLE001 - a frame AppTest cannot decode has no words to check
                pass
        if node.type == "metric":
            texts += _strings(getattr(node, "value", ""))
        label = getattr(node, "label", None)
        if isinstance(label, str):
            texts.append(label)
    return [shown(t) for t in texts]  # as the page reads: character references decoded


COLOUR_DIRECTIVE = re.compile(r":(?:red|orange|yellow|blue|green|violet|gray|grey|rainbow|primary)\[")
"""Streamlit's Markdown colour marks (``:red[■]``): syntax, not words on the page."""


@functools.cache
def _data_words() -> frozenset[str]:
    """Words of the demo workspace's own records (names, descriptions, roads: "SIS系统旁路"): data is shown
    as it is, never translated."""
    from riskmap import assess

    a = assess(Path(__file__).resolve().parents[1] / "data" / "demo")
    words = set()
    for frame in (a.counties, a.enterprises, a.road_units, a.hazards, a.accidents):
        for column in ("name", "county_name", "description", "road_name", "road_class", "address", "enterprise_id",
                       "hazard_id", "accident_id", "unit_id", "segment_id"):
            if column in frame:
                for value in frame[column].dropna().astype(str).unique():
                    words.update(WORD.findall(value))
    return frozenset(words)


@functools.cache
def _font_words() -> set[str]:
    """The names of the fonts this machine's briefing falls back to (Noto Serif CJK SC, Microsoft YaHei ...): the
    downloads tab names them as they are installed, since that is how a font is found and replaced."""
    from riskmap.export.briefing import briefing_fonts

    return {word for family in briefing_fonts().fonts.values() for word in WORD.findall(family)}


def english_words(texts: list[str], extra: set[str] = frozenset()) -> set[str]:
    allowed = ALLOWED | _column_names() | set(extra) | _data_words() | _font_words()
    found = set()
    for text in texts:
        for word in WORD.findall(FILE_NAME.sub(" ", COLOUR_DIRECTIVE.sub(" ", text))):
            if word not in allowed:
                found.add(word)
    return found


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("RISKMAP_WORKSPACE", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _every_tab(at) -> list[str]:
    texts = page_texts(at)
    for tab in TABS:
        at.session_state["main_tabs"] = tab
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        texts += page_texts(at)
    return texts


def test_no_english_on_the_chinese_page(app):
    texts = _every_tab(app)
    assert len(texts) > 200  # the walk reads the page, not nothing
    assert english_words(texts) == set()
    # Filters on: the sector view's words, the empty tables, the typed sector.
    app.sidebar.text_input(key="f_sector_text").input("危险化学品").run()
    assert app.session_state["f_sectors"] == ["hazardous_chemicals"]
    app.sidebar.button_group(key="f_grades").set_value(["red"]).run()
    app.sidebar.button_group(key="f_status").set_value(["closed"]).run()
    texts = _every_tab(app)
    assert any("按所选行业重新评估" in t for t in texts)
    assert english_words(texts) == set()


def test_the_walk_finds_english(app):
    """The check can fail: the English page is full of English words."""
    app.sidebar.radio(key="lang").set_value("English").run()
    assert {"County", "Sectors"} <= english_words(page_texts(app))


def test_typing_a_sector_chooses_it_alone(app):
    app.sidebar.button_group(key="f_sectors").set_value(["coal_mine", "fire"]).run()
    app.sidebar.text_input(key="f_sector_text").input("煤矿").run()
    assert app.session_state["f_sectors"] == ["coal_mine"]
    assert app.sidebar.text_input(key="f_sector_text").value == ""
    app.sidebar.text_input(key="f_sector_text").input("不存在的行业").run()
    assert app.session_state["f_sectors"] == ["coal_mine"]
    assert any("不存在的行业" in c.value for c in app.sidebar.caption)
    assert "煤矿安全风险分布图" in shown(app.title[0].value)


def _zipped(demo_path: Path, title: str) -> bytes:
    toml = re.sub(r'(?m)^title = .*$', f'title = "{title}"', (demo_path / "riskmap.toml").read_text("utf-8"), count=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in demo_path.iterdir():
            if path.is_file() and path.name != "riskmap.toml":
                archive.write(path, path.name)
        archive.writestr("riskmap.toml", toml)
    return buffer.getvalue()


def _upload(at, files):
    at.sidebar.get("file_uploader")[0].set_value(files).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_new_upload_replaces_the_previous_one(app, demo_path, demo_assessment):
    _upload(app, [("a.zip", _zipped(demo_path, "第一次上传"), "application/zip")])
    assert "第一次上传" in shown(app.title[0].value)
    counties = demo_assessment.counties[["county_code", "county_name", "geometry"]].head(3)
    data = counties.to_json(drop_id=True).encode("utf-8")
    _upload(app, [("区县.geojson", data, "application/json")])
    # The second upload alone: three counties, no enterprises of the first (it did not merge).
    assert "第一次上传" not in shown(app.title[0].value)
    ranking = next(f.value for f in app.dataframe if "区划代码" in list(getattr(f.value, "columns", [])))
    assert len(ranking) == 3
    assert not app.get("file_uploader")[0].value  # the uploader is empty again, ready for the next one
    assert any("区县.geojson" in shown(c.value) for c in app.sidebar.caption)


def test_a_broken_upload_keeps_the_last_good_workspace(app, demo_path):
    _upload(app, [("good.zip", _zipped(demo_path, "可用的上传"), "application/zip")])
    assert "可用的上传" in shown(app.title[0].value)
    figures = [m.value for m in app.metric]
    _upload(app, [("riskmap.toml", b"[workspace\ntitle = 1", "text/plain"),
                  ("counties.geojson", b"{}", "application/json")])
    assert app.error and "riskmap.toml" in shown(app.error[0].value)
    assert any("可用的上传" in i.value or "上一次" in i.value for i in app.info)
    assert "可用的上传" in shown(app.title[0].value)
    assert [m.value for m in app.metric] == figures  # the page goes on with the last good workspace
    assert english_words(page_texts(app)) == set()  # the report is in Chinese too
    app.sidebar.button_group(key="f_sectors").set_value(["coal_mine"]).run()  # and stays usable
    assert not app.exception and "煤矿安全风险分布图" in shown(app.title[0].value)


def test_a_refused_archive_keeps_the_demo(app):
    _upload(app, [("ws.zip", b"not a zip at all", "application/zip")])
    assert app.error and "ws.zip" in shown(app.error[0].value)
    assert app.metric  # the demo is still shown
    assert english_words(page_texts(app)) == set()


def test_the_skip_box_assesses_a_workspace_with_bad_rows(monkeypatch, tmp_path):
    from wsfactory import enterprise_frame, write_workspace

    enterprises = enterprise_frame()
    enterprises.loc[1, "行业"] = "烟花"
    ws = write_workspace(tmp_path / "ws", enterprises=enterprises)
    monkeypatch.setenv("RISKMAP_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert at.error and "烟花" in shown(at.error[0].value) and not at.metric
    assert any("略去有错误的行" in i.value for i in at.info)
    at.sidebar.checkbox(key="skip_bad_rows").check().run()
    assert not at.exception and not at.error and at.metric
    assert any("已略去有错误的行 1 行" in w.value for w in at.warning)
    assert english_words(page_texts(at), extra={"ws"}) == set()  # "ws": the workspace folder's name, as it is


def test_export_settings_on_the_downloads_tab(app):
    app.session_state["main_tabs"] = "下载"
    app.run()
    assert app.selectbox(key="x_paper").value == "A4"
    app.radio(key="x_orientation").set_value("portrait").run()
    app.number_input(key="x_dpi").set_value(100).run()
    app.text_input(key="x_title").input("本月研判用图").run()
    assert not app.exception
    assert any("大同市_2026-10-31" in shown(c.value) for c in app.caption)
    assert english_words(page_texts(app)) == set()
