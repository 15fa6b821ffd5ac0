"""Benchmark of the map page (issue 3): map HTML size and filter-to-redraw time.

Usage::

    .venv/bin/python bench/bench_map.py [--workspace data/demo] [--workspace bench/data/shanxi]
                                        [--no-browser] [--runs 3]

For each workspace it reports

* the time to assess it (once; the app caches it by content),
* ``build_map`` + render time and the size of the map HTML (the page's map without the
  vendored Leaflet files, which the browser loads once and caches; also the standalone
  file with everything inlined),
* in a real browser (Debian's Chromium via Playwright) against ``streamlit run app.py``:
  the first visitor's first map (from opening the page, the server assessing the
  workspace), a second visitor's first map (another browser context, served from the
  one cache per workspace content), the size of the map document the browser received,
  the time from choosing a sector in the sidebar to the redrawn map (the new map frame
  showing its county shapes and legend), the median of ``--runs`` changes, and the time
  from 中文 → English (and back) to the redrawn map.

Budgets (issue 3): map HTML < 1.5 MB for the demo and < 8 MB at province scale; filter
change to redrawn map < 1 s (demo) and < 3 s (province).  The province workspace is made
by ``bench/make_province.py`` (bench/data/shanxi).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browserkit import CHROMIUM, CHROMIUM_ARGS, map_frame, streamlit_server  # noqa: E402


def measure_html(workspace: Path) -> dict:
    from riskmap import assess
    from riskmap.filters import Filters
    from riskmap.mapview import build_map, map_html, standalone_html

    start = time.perf_counter()
    assessment = assess(workspace)
    out = {"assess_s": time.perf_counter() - start}
    start = time.perf_counter()
    m = build_map(assessment, asset_base="../assets/")
    html = map_html(m)
    out["build_render_s"] = time.perf_counter() - start
    out["map_html_mb"] = len(html.encode("utf-8")) / 1e6
    out["standalone_mb"] = len(standalone_html(build_map(assessment)).encode("utf-8")) / 1e6
    start = time.perf_counter()
    html = map_html(build_map(assessment, filters=Filters(sectors=("coal_mine",)), asset_base="../assets/"))
    out["rebuild_coal_s"] = time.perf_counter() - start
    return out


def choose_sector(page, label: str, option: str) -> float:
    """Pick a sector in the sidebar; return the moment the choice is made (Enter)."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
    box.locator("input").first.click()
    page.keyboard.type(option)
    page.wait_for_timeout(100)  # let the option list filter down to the typed text
    moment = time.perf_counter()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    return moment


def _map_bytes(frame) -> int:
    """Bytes of the map document the browser holds (the iframe's HTML, as Streamlit sent it)."""
    return int(frame.evaluate("() => new Blob([document.documentElement.outerHTML]).size"))


def switch_language(page, frame, label: str) -> tuple[float, object]:
    """Choose ``label`` (中文 / English) in the sidebar; seconds until the redrawn map, and its frame."""
    frame.evaluate("() => { window.__seen = true; }")
    start = time.perf_counter()
    page.locator('[data-testid="stRadio"]').first.get_by_text(label, exact=True).click()
    frame = map_frame(page, exclude=frame, timeout=600)
    return time.perf_counter() - start, frame


def measure_browser(workspace: Path, runs: int, *, startup_timeout: float = 900) -> dict:
    """In Chromium against ``streamlit run app.py``: the first visitor's first map (the server assesses the
    workspace), a second visitor's first map (the shared cache), filter changes and language switches."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with tempfile.TemporaryDirectory() as log_dir, \
            streamlit_server(Path(log_dir), env={"RISKMAP_WORKSPACE": str(workspace.resolve())}) as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        page.goto(url)
        frame = map_frame(page, timeout=startup_timeout)
        out["first_map_s"] = time.perf_counter() - start
        out["map_document_mb"] = _map_bytes(frame) / 1e6
        print({k: out[k] for k in ("first_map_s", "map_document_mb")}, flush=True)
        second = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        start = time.perf_counter()
        second.goto(url)
        map_frame(second, timeout=startup_timeout)
        out["second_visitor_first_map_s"] = time.perf_counter() - start
        print({"second_visitor_first_map_s": out["second_visitor_first_map_s"]}, flush=True)
        second.context.close()
        times = []
        # Each run adds one sector to the filter, so each one changes the map.
        for sector in ("危险化学品", "建筑施工", "城市建设", "工贸", "消防")[:runs]:  # unambiguous names
            frame.evaluate("() => { window.__seen = true; }")
            start = choose_sector(page, "行业领域", sector)
            frame = map_frame(page, exclude=frame, timeout=600)
            times.append(time.perf_counter() - start)
            print({"filter_redraw_s": times[-1]}, flush=True)
        out["filter_redraw_s"] = statistics.median(times)
        out["filter_redraw_all_s"] = [round(t, 2) for t in times]
        switches = []
        for label in ("English", "中文", "English", "中文")[:max(2, runs + runs % 2)]:
            seconds, frame = switch_language(page, frame, label)
            switches.append(seconds)
            print({"language_switch_s": seconds}, flush=True)
        out["language_switch_s"] = statistics.median(switches)
        out["language_switch_all_s"] = [round(t, 2) for t in switches]
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", action="append", type=Path)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    workspaces = args.workspace or [p for p in (ROOT / "data" / "demo", ROOT / "bench" / "data" / "shanxi") if p.is_dir()]
    for ws in workspaces:
        result = {"workspace": str(ws)}
        result.update(measure_html(ws))
        print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}, flush=True)
        if not args.no_browser:
            result.update(measure_browser(ws, args.runs))
        print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
