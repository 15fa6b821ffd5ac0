"""Real-browser tests: Playwright driving Debian's Chromium against ``streamlit run app.py``.

Every request the page makes is watched: anything leaving this machine fails the test
(the map must work on an intranet with no internet).
"""

from __future__ import annotations

import os
import shutil

import pytest

from browserkit import CHROMIUM, CHROMIUM_ARGS, DRAWN, ROOT, county_count, county_point, map_frame, streamlit_server, watched_page

pytestmark = pytest.mark.browser

# `make test` installs Debian's Chromium; without it these tests fail (never skip).
assert os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM}: run `make test` (it installs Debian's chromium) or set RISKMAP_CHROMIUM"
import playwright.sync_api as playwright_api  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``streamlit run app.py`` on the demo workspace, on a free port."""
    with streamlit_server(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    with watched_page(browser) as page:
        yield page


def legend_text(frame) -> str:
    return frame.evaluate("() => document.querySelector('.rm-legend').innerText")


def test_page_map_legend_filter_and_screenshot(page, server, tmp_path, demo_assessment):
    page.goto(server)
    frame = map_frame(page)
    n_counties = len(demo_assessment.counties)
    assert county_count(frame) >= n_counties
    before = legend_text(frame)
    for label in ("风险等级", "重大风险", "较大风险", "一般风险", "低风险"):
        assert label in before
    controls = frame.evaluate("() => document.querySelector('.leaflet-control-layers').innerText")
    assert "区县风险等级" in controls and "企业" in controls
    assert frame.evaluate("() => !!document.querySelector('.leaflet-control-scale')")
    assert frame.evaluate("() => !!document.querySelector('.leaflet-control-zoom-fullscreen, .fullscreen-icon')")
    shot = tmp_path / "page.png"
    page.wait_for_timeout(500)  # let the fit-to-region animation settle
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("RISKMAP_UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / "screenshot.png")

    # Choose one sector: a new map is drawn with fewer enterprises.
    frame.evaluate("() => { window.__seen = true; }")
    box = page.locator('[data-testid="stTextInput"]').filter(has_text="输入行业名称").locator("input").first
    box.click()
    page.keyboard.type("危险化学品")  # a sector typed and confirmed with Enter is chosen alone
    page.keyboard.press("Enter")
    new = map_frame(page, exclude=frame)
    after = legend_text(new)
    assert after != before
    n_chem = int((demo_assessment.enterprises["sector"] == "hazardous_chemicals").sum())
    assert sum(legend_counts(after, "企业")) == n_chem
    assert sum(legend_counts(before, "企业")) == len(demo_assessment.enterprises)
    page.screenshot(path=str(tmp_path / "chemicals.png"))
    assert page.outside == [], page.outside
    assert page.dialogs == []


def legend_counts(text: str, column: str) -> list[int]:
    """The legend's counts per grade in one column (区县 / 企业 / 道路单元)."""
    lines = [line.split("\t") for line in text.splitlines()]
    header = next(cells for cells in lines if column in [c.strip() for c in cells])
    index = [c.strip() for c in header].index(column)
    rows = [cells for cells in lines if cells and cells[0].strip() in ("重大风险", "较大风险", "一般风险", "低风险")]
    return [int(cells[index]) for cells in rows]


def test_clicking_a_county_opens_its_why_panel(page, server):
    page.goto(server)
    frame = map_frame(page)
    frame.frame_element().scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    # A county whose centre is on the county itself (not under a road or a marker).
    point = county_point(frame)
    assert point is not None
    box = frame.frame_element().bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    name = frame.evaluate("() => document.querySelector('.leaflet-popup-content td').innerText")
    assert name
    page.get_by_role("heading", name=name).first.wait_for(timeout=30_000)
    assert page.outside == []


def test_broken_upload_shows_an_error_box(page, server, tmp_path):
    page.goto(server)
    map_frame(page)
    broken = tmp_path / "riskmap.toml"
    broken.write_text("[workspace\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(broken))
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="riskmap.toml")
    alert.first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.outside == []


def test_saved_map_opens_offline_and_runs_no_injected_script(browser, tmp_path):
    from mapfixtures import XSS_NAME, make_assessment
    from riskmap.mapview import build_map, save_standalone

    path = save_standalone(build_map(make_assessment()), tmp_path / "map.html")
    context = browser.new_context()
    page = context.new_page()
    outside, dialogs, errors = [], [], []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                  else (outside.append(r.request.url), r.abort()))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".rm-legend")
    assert page.evaluate(f"() => {DRAWN}")
    # Open every tooltip and popup on the map.
    shown = page.evaluate("""() => {
        const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
                                       .find(v => v && v.eachLayer);
        let texts = [];
        map.eachLayer(l => {
            if (l.getTooltip && l.getTooltip()) { l.openTooltip(l.getLatLng ? l.getLatLng() : l.getBounds().getCenter());
                texts.push(document.querySelector('.leaflet-tooltip:last-child')?.innerText || ''); }
            if (l.getPopup && l.getPopup()) { l.openPopup(l.getLatLng ? l.getLatLng() : l.getBounds().getCenter());
                texts.push(document.querySelector('.leaflet-popup-content')?.innerText || ''); }
        });
        return texts.join('\\n');
    }""")
    page.wait_for_timeout(300)
    assert XSS_NAME in shown  # shown as text ...
    assert page.evaluate("() => window.__xss") is None  # ... and never run
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == [] and outside == [] and errors == []
    context.close()


# What the page reads as: its text, the icons drawn from an icon font's ligatures ("keyboard_arrow_right" is the
# expander's arrow) left out.
_READ = """() => {
  const style = document.createElement('style');
  style.textContent = '[data-testid="stIconMaterial"] { display: none !important; }';
  document.head.appendChild(style);
  const text = document.body.innerText;
  style.remove();
  return text;
}"""


# Words a Chinese page may show: see tests/test_app_chinese.py (ALLOWED) for the reason of each.
def test_no_english_on_the_served_chinese_page(page, server, demo_assessment):
    from test_app_chinese import english_words

    page.goto(server)
    frame = map_frame(page)
    texts = [page.evaluate(_READ), frame.evaluate("() => document.body.innerText")]
    for tab in ("企业清单", "隐患台账", "下载"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(1500)
        texts.append(page.evaluate(_READ))
    # Streamlit's own words that a multiselect or the uploader would show are not on the page.
    joined = "\n".join(texts)
    for words in ("Choose options", "No results", "Remove an option", "Drag and drop", "Browse files", "None"):
        assert words not in joined
    found = english_words(texts) - {"Leaflet", "OpenStreetMap"}  # the map library's credit link, a proper noun
    assert found == set(), found
    assert page.outside == [], page.outside
