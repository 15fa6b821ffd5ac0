"""Real-browser tests of the page's time (issue 11): the change mode, the period selector and the
warnings tab, in Debian's Chromium against ``streamlit run app.py``; nothing leaves the machine."""

from __future__ import annotations

import os

import pytest

from browserkit import CHROMIUM, CHROMIUM_ARGS, county_fills, map_frame, streamlit_server, watched_page

pytestmark = pytest.mark.browser

assert os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM}: run `make test` (it installs Debian's chromium) or set RISKMAP_CHROMIUM"
import playwright.sync_api as playwright_api  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
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


@pytest.fixture(scope="module")
def history(demo_path):
    from riskmap.history import build_history

    return build_history(demo_path)


def legend(frame) -> str:
    return frame.evaluate("() => document.querySelector('.rm-legend').innerText")


def change_counts(frame) -> dict[str, int]:
    return frame.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.rm-legend [data-change]')]
                                    .map(e => [e.dataset.change, +e.innerText]))""")


def test_change_mode_colours_counties_by_their_grade_change(page, server, history):
    page.goto(server)
    frame = map_frame(page)
    assert "较上期等级变化" not in legend(frame)
    frame.evaluate("() => { window.__seen = true; }")
    page.locator('[data-testid="stRadio"]').filter(has_text="地图显示").get_by_text("变化（较上期）").click()
    frame = map_frame(page, exclude=frame)
    assert "较上期等级变化" in legend(frame) and "升一级" in legend(frame)
    change = history.change(history.as_of)["change"]
    expected = {"up2": int((change >= 2).sum()), "up1": int((change == 1).sum()), "same": int((change == 0).sum()),
                "down1": int((change == -1).sum()), "down2": int((change <= -2).sum())}
    assert change_counts(frame) == expected
    # The counties are filled with the change colours.
    assert "#E0E0E0".lower() in county_fills(frame)
    assert page.outside == [] and page.errors == []


def test_the_period_selector_redraws_the_map_and_the_figures(page, server, history):
    page.goto(server)
    frame = map_frame(page)
    before = legend(frame)
    frame.evaluate("() => { window.__seen = true; }")
    past = history.ends[4]  # an earlier month end with other grades
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="时点")
    box.click()
    page.keyboard.type(past.isoformat())
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")
    frame = map_frame(page, exclude=frame)
    then = history.at(past)
    counts = [then.summary["counties"]["by_grade"][g] for g in ("red", "orange", "yellow", "blue")]
    assert legend(frame) != before
    cells = frame.evaluate("""() => [...document.querySelectorAll('.rm-legend td.rm-n')].map(e => +e.innerText)""")
    assert cells[0::3] == counts  # the counties' column of the legend, at that period end
    page.get_by_text(f"评估日期 {past.isoformat()}").first.wait_for(timeout=30_000)
    assert page.outside == [] and page.errors == []


def test_the_warnings_tab_shows_the_warnings(page, server, history):
    page.goto(server)
    map_frame(page)
    page.get_by_role("tab", name="预警").click()
    page.get_by_text(f"{len(history.warnings)} 条预警").first.wait_for(timeout=30_000)
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="预警内容")
    grid.first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.outside == [] and page.errors == []
