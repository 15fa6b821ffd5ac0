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
  the time from choosing a sector in the sidebar to the redrawn map (the new map frame
  showing its county shapes and legend), the median of ``--runs`` changes.

Budgets (issue 3): map HTML < 1.5 MB for the demo and < 8 MB at province scale; filter
change to redrawn map < 1 s (demo) and < 3 s (province).  The province workspace is made
by ``bench/make_province.py`` (bench/data/shanxi).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def _map_frame(page, exclude=None):
    """The streamlit-folium frame whose map shows county shapes and the legend."""
    for frame in page.frames:
        if frame is page.main_frame or (exclude is not None and frame == exclude):
            continue
        try:
            ready = frame.evaluate(
                "() => !window.__bench_old && document.querySelectorAll('path.leaflet-interactive').length > 0"
                " && document.querySelectorAll('.rm-legend').length > 0")
        except Exception:  # a frame going away while we look
            continue
        if ready:
            return frame
    return None


def wait_map(page, timeout: float, exclude=None):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        frame = _map_frame(page, exclude)
        if frame is not None:
            return frame
        page.wait_for_timeout(25)
    raise TimeoutError("the map did not appear")


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


def measure_browser(workspace: Path, runs: int, *, startup_timeout: float = 600) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(os.environ, RISKMAP_WORKSPACE=str(workspace.resolve()))
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    out: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            deadline = time.perf_counter() + 60
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=10_000)
                    break
                except Exception:
                    if time.perf_counter() > deadline:
                        raise
                    time.sleep(0.5)
            start = time.perf_counter()
            frame = wait_map(page, startup_timeout)
            out["first_map_s"] = time.perf_counter() - start
            label = "行业领域"
            times = []
            # Each run adds one sector to the filter, so each one changes the map.
            for sector in ("危险化学品", "建筑施工", "城市建设", "工贸", "消防")[:runs]:  # unambiguous names
                frame.evaluate("() => { window.__bench_old = true; }")
                start = choose_sector(page, label, sector)
                frame = wait_map(page, 120)
                times.append(time.perf_counter() - start)
            out["filter_redraw_s"] = statistics.median(times)
            out["filter_redraw_all_s"] = [round(t, 2) for t in times]
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
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
        if not args.no_browser:
            result.update(measure_browser(ws, args.runs))
        print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
