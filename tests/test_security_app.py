"""Attacks through the page (issue 7): AppTest and the real browser.

A hostile workspace (``hostile.py``) is opened in the app: its title, region, county
names and descriptions carry templates, Markdown images and links, HTML and formulas.
Each must show as the text it is.  Uploads that are zip bombs or reach outside their
folder are refused and leave nothing behind; a new upload replaces the old folder.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import hostile
from browserkit import CHROMIUM, CHROMIUM_ARGS, map_frame, streamlit_server, watched_page
from hostile import shown
from riskmap.io import upload as uploads

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 180
UNESCAPED = re.compile(r"[!\[\]()`*$:_<>|]")  # as it reaches Markdown (& and # only in references)


@pytest.fixture
def hostile_app(monkeypatch, tmp_path):
    ws = hostile.write_hostile_workspace(tmp_path / "ws")
    monkeypatch.setenv("RISKMAP_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.app
def test_data_never_renders_as_markdown(hostile_app):
    at = hostile_app
    title = at.title[0].value
    assert UNESCAPED.search(title) is None and hostile.PAYLOAD in shown(title)
    caption = next(c.value for c in at.caption if "测试市" in shown(c.value))
    region = caption[caption.index("测试市"):]
    assert UNESCAPED.search(region) is None
    heading = next(m.value for m in at.markdown if m.value.startswith("#### "))
    assert UNESCAPED.search(heading[5:].split(" · ")[0]) is None
    for element in (*at.markdown, *at.caption, *at.title):
        assert "![" not in element.value and "](" not in element.value


@pytest.mark.app
def test_a_backtick_cannot_break_out_of_the_error_box(monkeypatch, tmp_path):
    import wsfactory as wf

    ws = wf.write_workspace(tmp_path / "ws")
    frame = wf.enterprise_frame()
    frame.loc[0, "行业"] = hostile.BACKTICK
    frame.to_csv(ws / "enterprises.csv", index=False)
    monkeypatch.setenv("RISKMAP_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    box = at.error[0].value
    assert "enterprises.csv" in shown(box)
    line = next(line for line in box.splitlines() if "phish" in line)
    message = re.split(r"\*\*[:：] ?", line, maxsplit=1)[1]  # after the bold "where" (：on a Chinese page)
    assert UNESCAPED.search(message) is None and hostile.BACKTICK in shown(line)


@pytest.mark.app
def test_a_template_in_the_basemap_box_is_refused(monkeypatch):
    monkeypatch.delenv("RISKMAP_WORKSPACE", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.sidebar.selectbox(key="f_basemap").set_value("custom").run()
    at.sidebar.text_input(key="f_basemap_url").set_value("https://t.example.org/{z}/{x}/{y}.png?X{{7*7}}Y").run()
    assert not at.exception
    assert any("瓦片地址不可用" in e.value for e in at.sidebar.error)


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("counties.geojson", b"\0" * 200_000_000)
    return buffer.getvalue()


@pytest.fixture
def upload_root(monkeypatch, tmp_path):
    """Upload folders go to a temp directory of the test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("RISKMAP_WORKSPACE", raising=False)
    return uploads.upload_root()


@pytest.mark.app
def test_a_zip_bomb_upload_is_refused_and_leaves_nothing(upload_root):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.sidebar.get("file_uploader")[0].set_value([("ws.zip", _bomb(), "application/zip")]).run()
    assert not at.exception
    assert at.error and "ws.zip" in shown(at.error[0].value)
    assert not upload_root.exists() or list(upload_root.iterdir()) == []


@pytest.mark.app
def test_a_new_upload_replaces_the_old_folder(upload_root, demo_path):
    def zipped(title: str) -> bytes:
        toml = re.sub(r'(?m)^title = .*$', f'title = "{title}"', (demo_path / "riskmap.toml").read_text("utf-8"), count=1)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in demo_path.iterdir():
                if path.is_file() and path.name != "riskmap.toml":
                    archive.write(path, path.name)
            archive.writestr("riskmap.toml", toml)
        return buffer.getvalue()

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.sidebar.get("file_uploader")[0].set_value([("a.zip", zipped("第一次"), "application/zip")]).run()
    first = list(upload_root.iterdir())
    assert len(first) == 1 and "第一次" in shown(at.title[0].value)
    at.sidebar.get("file_uploader")[0].set_value([("b.zip", zipped("第二次"), "application/zip")]).run()
    second = list(upload_root.iterdir())
    assert len(second) == 1 and second != first and "第二次" in shown(at.title[0].value)
    assert not first[0].exists()


# --------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    ws = hostile.write_hostile_workspace(tmp_path_factory.mktemp("hostile") / "ws")
    with streamlit_server(tmp_path_factory.mktemp("streamlit"), env={"RISKMAP_WORKSPACE": str(ws)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    import playwright.sync_api as playwright_api

    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: run `make test`"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
def test_hostile_workspace_in_a_real_browser(browser, hostile_server):
    with watched_page(browser) as page:
        page.goto(hostile_server)
        frame = map_frame(page)
        page.wait_for_timeout(500)
        title = page.locator("h1").first.inner_text().replace("\u2060", "")
        assert hostile.PAYLOAD in title  # shown as typed
        assert page.locator(f"img[src='{hostile.IMAGE_URL}']").count() == 0
        assert page.locator(f"a[href='{hostile.LINK_URL}']").count() == 0
        assert frame.locator(f"a[href='{hostile.LINK_URL}']").count() == 0
        assert not any("127.0.0.1:9" in url for url in page.requests)
        assert hostile.EVALUATED not in page.content() and hostile.EVALUATED not in frame.content()
        assert page.dialogs == [] and page.outside == []


@pytest.mark.app
def test_a_broken_workspace_layer_is_an_error_box_not_a_traceback(monkeypatch, tmp_path):
    import wsfactory as wf

    ws = wf.write_workspace(tmp_path / "ws")
    (ws / "layers").mkdir()
    (ws / "layers" / "schools.toml").write_text('geometry = "point"\npath = "schools.csv"\n', "utf-8")
    (ws / "schools.csv").write_text("名称,x,y\n甲小学,113.05,40.05\n", "utf-8")  # no lon/lat columns
    monkeypatch.setenv("RISKMAP_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("schools" in shown(e.value) for e in at.error)
    assert at.metric  # the rest of the page is there
