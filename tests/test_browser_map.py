"""Real-browser tests of the page's map (issue 10, point 2): Playwright driving Debian's Chromium
against ``streamlit run app.py`` on the demo at 1600×1000.

The map starts in the first screen; the wheel scrolls the page until the map is clicked; the
reset button returns to the region; the search box finds an enterprise (by name and by id), a
county and a hazard and opens its popup, showing data as text; points cluster at region zoom
and stand alone zoomed in, a cluster holding a red enterprise is red; county names sit above
the points; a click leaves no focus box.  Nothing leaves the machine.
"""

from __future__ import annotations

import os

import pytest

from browserkit import CHROMIUM, CHROMIUM_ARGS, county_point, map_frame, streamlit_server, watched_page

pytestmark = pytest.mark.browser

assert os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM}: run `make test` (it installs Debian's chromium) or set RISKMAP_CHROMIUM"
import playwright.sync_api as playwright_api  # noqa: E402

WINDOW = {"width": 1600, "height": 1000}


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


@pytest.fixture(scope="module")
def loaded(browser, server):
    """One page for the module (a Streamlit page takes seconds to draw its map), with its map frame."""
    with watched_page(browser, viewport=WINDOW) as page:
        page.goto(server)
        frame = map_frame(page)
        frame.wait_for_function("() => window.map && document.querySelector('.rm-search input')")
        page.wait_for_timeout(400)  # the fit to the region
        yield page, frame


@pytest.fixture
def page(loaded):
    page, frame = loaded
    # Each test starts as the page opened: at the top, the map at the region, nothing open.
    page.mouse.move(5, 5)
    frame.evaluate("""() => { map.closePopup(); document.activeElement && document.activeElement.blur();
                              map.scrollWheelZoom.disable(); }""")
    frame.locator(".rm-reset a").dispatch_event("click")
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    settle(frame)
    page.outside.clear()
    page.errors.clear()
    return page


@pytest.fixture
def shown(page, loaded):
    return loaded[1]


def settle(frame) -> None:
    """Wait for the map's zoom and pan animations to end (moving it during one stalls Chromium for long)."""
    frame.page.wait_for_timeout(100)
    frame.wait_for_function("() => !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress)")
    frame.page.wait_for_timeout(150)


def view(frame) -> dict:
    return frame.evaluate("() => ({zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng})")


def empty_spot(frame) -> tuple[float, float]:
    """A point of the map (frame coordinates) with no shape, point or control under it."""
    spot = frame.evaluate("""() => {
        const box = map.getContainer().getBoundingClientRect(), shapes = [];
        map.eachLayer(l => { if (l._containsPoint && l.options.interactive !== false) shapes.push(l); });
        // On the shapes' canvas, Leaflet's own hit test says whether a shape is there.
        const bare = (el, x, y) => el.tagName === 'CANVAS' && el.closest('.leaflet-overlay-pane')
            && !shapes.some(l => l._containsPoint(map.containerPointToLayerPoint([x - box.left, y - box.top])));
        for (let fy = 0.3; fy < 0.9; fy += 0.05) for (let fx = 0.12; fx < 0.9; fx += 0.02) {
            const x = box.left + box.width * fx, y = box.top + box.height * fy;
            const el = document.elementFromPoint(x, y);
            if (el && (el === map.getContainer() || el.classList.contains('leaflet-pane') || bare(el, x, y))) return [x, y];
        }
        return null;
    }""")
    assert spot is not None, "no empty spot on the map"
    return spot


def page_point(frame, x: float, y: float) -> tuple[float, float]:
    box = frame.frame_element().bounding_box()
    return box["x"] + x, box["y"] + y


def test_the_map_starts_in_the_first_screen_under_one_row_of_figures(page, shown):
    box = shown.frame_element().bounding_box()
    visible = min(box["y"] + box["height"], WINDOW["height"]) - max(box["y"], 0)
    assert box["y"] < WINDOW["height"] - 600 and visible >= 600, box
    # The legend (bottom right of the map) is on the first screen too.
    legend = shown.evaluate("() => document.querySelector('.rm-legend').getBoundingClientRect().bottom")
    assert box["y"] + legend <= WINDOW["height"]
    # One row of figures, each with its own label: no "1 / 29" to decode.
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.count() == 12
    tops = {round(metrics.nth(i).bounding_box()["y"]) for i in range(metrics.count())}
    assert len(tops) == 1, tops
    labels = [metrics.nth(i).locator('[data-testid="stMetricLabel"]').inner_text() for i in range(12)]
    values = [metrics.nth(i).locator('[data-testid="stMetricValue"]').inner_text() for i in range(12)]
    assert "重大风险区县" in labels[0] and "重大风险企业" in labels[1]
    assert all("/" not in v and v.strip().isdigit() for v in values), values
    # Nothing English on the Chinese map: no "Leaflet" credit (there is no basemap to credit).
    assert shown.evaluate("() => (document.querySelector('.leaflet-control-attribution') || {}).innerText || ''") == ""
    # The validation report comes after the map.
    report = page.locator('[data-testid="stExpander"]').first.bounding_box()
    assert report["y"] >= box["y"] + box["height"]
    assert page.outside == [] and page.errors == []


def test_the_wheel_scrolls_the_page_until_the_map_is_clicked(page, shown):
    frame = shown
    hint = frame.locator(".rm-hint")
    assert hint.is_visible() and hint.inner_text() == "点击地图后可用滚轮缩放"
    before, top = view(frame), frame.frame_element().bounding_box()["y"]
    x, y = page_point(frame, *empty_spot(frame))
    page.mouse.move(x, y)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(600)
    moved = frame.frame_element().bounding_box()["y"]
    assert moved < top - 100, (top, moved)  # the page scrolled ...
    assert view(frame)["zoom"] == before["zoom"]  # ... and the map kept its zoom
    # After a click on the map the wheel zooms it (and the page stays).
    x, y = page_point(frame, *empty_spot(frame))
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    clicked = frame.frame_element().bounding_box()["y"]  # (the browser may bring the focused map into view)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(300)
    settle(frame)
    assert view(frame)["zoom"] > before["zoom"]
    assert abs(frame.frame_element().bounding_box()["y"] - clicked) < 2
    assert not hint.is_visible()
    # Leaving the map gives the wheel back to the page.
    page.mouse.move(5, 500)
    assert frame.evaluate("() => map.scrollWheelZoom.enabled()") is False
    assert page.outside == [] and page.errors == []


def test_reset_returns_to_the_region(page, shown):
    frame = shown
    start = view(frame)
    zoom_in = frame.locator(".leaflet-control-zoom-in").bounding_box()
    page.mouse.click(*page_point(frame, zoom_in["x"] + 5, zoom_in["y"] + 5))
    settle(frame)
    x, y = page_point(frame, *empty_spot(frame))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 200, y - 100, steps=4)
    page.mouse.up()
    settle(frame)
    assert view(frame) != start
    reset = frame.locator(".rm-reset a")
    assert reset.get_attribute("title") == "回到全区范围"
    reset.click()
    settle(frame)
    back = view(frame)
    assert back["zoom"] == start["zoom"]
    assert abs(back["lat"] - start["lat"]) < 1e-3 and abs(back["lng"] - start["lng"]) < 1e-3


def search(frame, text: str, *, pick: bool = True) -> list[str]:
    box = frame.locator(".rm-search input")
    box.fill(text)
    results = frame.locator(".rm-results li[role=option]")
    results.first.wait_for(timeout=5000)
    found = [results.nth(i).inner_text() for i in range(results.count())]
    if pick:
        box.press("Enter")
    return found


def popup_text(frame, expected: str) -> str:
    """The text of the one open popup, once it shows ``expected`` (a closed one fades out first)."""
    frame.locator(".leaflet-popup-content").filter(has_text=expected).wait_for(timeout=5000)
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1")
    return frame.locator(".leaflet-popup-content").inner_text()


def test_the_search_box_finds_an_enterprise_by_name_and_by_id_and_opens_its_popup(page, shown, demo_assessment):
    frame = shown
    ents = demo_assessment.enterprises
    red = ents[ents["grade"] == "red"].iloc[0]
    assert frame.locator(".rm-search input").get_attribute("placeholder").startswith("搜索")
    found = search(frame, red["name"])
    assert red["name"] in found[0]
    text = popup_text(frame, red["name"])
    assert red["enterprise_id"] in text
    assert view(frame)["zoom"] >= 13  # zoomed in past the clusters, onto the enterprise
    # By id, in lower case, from another view.
    frame.locator(".rm-reset a").click()
    settle(frame)
    other = ents[ents["grade"] == "blue"].iloc[-1]
    search(frame, other["enterprise_id"].lower())
    text = popup_text(frame, other["enterprise_id"])
    assert other["name"] in text
    # A county by its name, a hazard by its id.
    county = demo_assessment.counties.iloc[2]
    search(frame, county["county_name"])
    assert county["county_name"] in popup_text(frame, county["county_code"])
    hazard = demo_assessment.hazards[demo_assessment.hazards["is_open"]].iloc[0]
    found = search(frame, hazard["hazard_id"])
    assert hazard["description"] in popup_text(frame, hazard["hazard_id"]) and "未销号隐患" in found[0]
    # Nothing found says so.
    frame.locator(".rm-search input").fill("没有这个名字的企业")
    assert frame.locator(".rm-results").inner_text() == "没有找到"
    assert page.outside == [] and page.errors == []


def test_points_cluster_at_region_zoom_and_stand_alone_zoomed_in(page, shown, demo_assessment):
    frame = shown
    clusters = frame.evaluate("() => document.querySelectorAll('.rm-cluster').length")
    assert clusters > 0
    # A cluster holding a red enterprise is red, never the colour of its many blue ones.
    red = frame.evaluate("() => getComputedStyle(document.querySelector('.rm-legend .rm-swatch')).backgroundColor")
    colours = frame.evaluate("""() => {
        const out = [];
        map.eachLayer(l => {
            if (!(l instanceof L.MarkerCluster) || !l._icon) return;
            const fills = l.getAllChildMarkers().map(m => m.options.fillColor);
            out.push([fills, getComputedStyle(l._icon.firstChild).backgroundColor]);
        });
        return out;
    }""")
    red_hex = frame.evaluate("""(rgb) => '#' + rgb.match(/\\d+/g).slice(0, 3)
                                  .map(v => (+v).toString(16).padStart(2, '0')).join('')""", red)
    with_red = [bg for fills, bg in colours if any(f.lower() == red_hex for f in fills)]
    assert with_red and all(bg == red for bg in with_red)
    # Zoomed in (onto an enterprise of the dense core, as the search box does) every point stands alone.
    ents = demo_assessment.enterprises
    search(frame, ents[ents["county_name"] == "平城区"]["name"].iloc[0])
    frame.wait_for_function("() => map.getZoom() >= 13 && document.querySelectorAll('.rm-cluster').length === 0",
                            timeout=10_000)


def test_the_shapes_are_drawn_on_one_canvas_and_hovering_a_county_shows_its_tooltip(page, shown, demo_assessment):
    """Counties, roads and points are drawn on one canvas (not thousands of SVG elements: at province scale the
    browser took twice as long to build and draw them); Leaflet hit-tests it, so a pointer over a county still
    shows that county's tooltip."""
    frame = shown
    drawn = frame.evaluate("""() => ({canvases: document.querySelectorAll('.leaflet-overlay-pane canvas').length,
                                      paths: document.querySelectorAll('.leaflet-overlay-pane svg path').length})""")
    assert drawn == {"canvases": 1, "paths": 0}
    point = county_point(frame)
    assert point is not None
    page.mouse.move(*page_point(frame, *point))
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.first.wait_for(timeout=10_000)
    names = set(demo_assessment.counties["county_name"])
    assert any(name in tooltip.first.inner_text() for name in names)
    page.mouse.move(1, 1)
    assert page.outside == [] and page.errors == []


def test_county_names_sit_above_the_points_and_a_click_leaves_no_focus_box(page, shown):
    frame = shown
    panes = frame.evaluate("""() => {
        const label = document.querySelector('.rm-label');
        const pane = label.closest('.leaflet-pane');
        const z = el => +getComputedStyle(el).zIndex;
        return {pane: pane.className, label: z(pane), markers: z(map.getPane('markerPane')),
                overlay: z(map.getPane('overlayPane')), events: getComputedStyle(pane).pointerEvents};
    }""")
    assert "rmLabels" in panes["pane"]
    assert panes["label"] > panes["markers"] > panes["overlay"] and panes["events"] == "none"
    # Click a county where nothing else is drawn: the shape takes no focus box.
    point = county_point(frame)
    assert point is not None
    page.mouse.click(*page_point(frame, *point))
    frame.locator(".leaflet-popup-content").wait_for(timeout=10_000)
    outlines = frame.evaluate("""([x, y]) => {
        const shape = document.querySelectorAll('svg path.leaflet-interactive, .leaflet-overlay-pane canvas');
        const active = document.activeElement;
        const style = el => { const s = getComputedStyle(el); return s.outlineStyle === 'none' || s.outlineWidth === '0px'; };
        return {active: style(active), shapes: [...shape].every(style), tag: active.tagName};
    }""", point)
    assert outlines["active"] and outlines["shapes"], outlines
    assert page.outside == [] and page.errors == []


def test_a_saved_map_finds_a_hostile_name_as_text_and_zooms_with_the_wheel(browser, tmp_path):
    from mapfixtures import XSS_NAME, make_assessment
    from riskmap.mapview import build_map, save_standalone

    path = save_standalone(build_map(make_assessment()), tmp_path / "map.html")
    with watched_page(browser, viewport=WINDOW) as page:
        page.goto(path.as_uri())
        page.wait_for_selector(".rm-search input")
        # Alone in its window there is no page to scroll: the wheel zooms, no hint is needed.
        assert page.evaluate("() => Object.values(window).find(v => v instanceof L.Map).scrollWheelZoom.enabled()")
        assert page.locator(".rm-hint").count() == 0
        found = search(page.main_frame, XSS_NAME[:12])
        assert found[0].startswith(XSS_NAME)  # the name as text ...
        page.locator(".leaflet-popup-content").filter(has_text=XSS_NAME).first.wait_for(timeout=5000)
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__xss") is None  # ... never run
        assert page.locator("img[src='x']").count() == 0
        assert page.outside == [] and page.dialogs == [] and page.errors == []


def test_a_grid_cell_says_how_many_it_holds_of_each_grade(browser, tmp_path):
    """Province scale: points past ``aggregate_above`` are counted in grid cells, whose tooltip (written in
    the browser from the counts sent) names the layer, the count and the count of each grade, worst first."""
    import dataclasses
    import re

    from mapfixtures import make_assessment
    from riskmap.layers import load_layers
    from riskmap.mapview import build_map, save_standalone

    big = make_assessment(n_enterprises=2500)
    spec = next(s for s in load_layers() if s.id == "enterprises")
    spec = dataclasses.replace(spec, style={**spec.style, "aggregate_above": 1000, "aggregate_keep": ["red"],
                                            "aggregate_cells": 12})
    path = save_standalone(build_map(big, layers=[spec]), tmp_path / "cells.html")
    with watched_page(browser, viewport=WINDOW) as page:
        page.goto(path.as_uri())
        page.wait_for_selector(".rm-search input")
        texts = page.evaluate("""() => {
            const map = Object.values(window).find(v => v instanceof L.Map), out = [];
            map.eachLayer(l => { if (l instanceof L.CircleMarker && l.getTooltip() && l.options.color === '#ffffff') {
                l.openTooltip(); out.push(l.getTooltip().getElement().innerText); l.closeTooltip(); } });
            return out.filter(t => t.includes('网格汇总')); }""")
        assert texts, "no grid cell drawn"
        total = 0
        for text in texts:
            n = int(re.search(r"(\d+) 家（网格汇总）", text).group(1))
            counts = [int(c) for c in re.findall(r"(?:较大风险|一般风险|低风险)\s+(\d+)", text)]
            assert text.startswith("企业") and sum(counts) == n and "重大风险" not in text  # red ones stand alone
            total += n
        assert total == int((big.enterprises["grade"] != "red").sum())
        assert page.outside == [] and page.errors == []
