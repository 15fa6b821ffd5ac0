"""Benchmark of the map page (issues 3 and 13): what a visitor waits for, and what the browser receives.

Usage::

    .venv/bin/python bench/bench_map.py [--workspace data/demo] [--workspace bench/data/shanxi]
                                        [--no-browser] [--runs 3] [--before SRC]

For each workspace it reports

* in process: the time to build the history the page shows (once; the app caches it by
  content), ``build_map`` + render time and the size of the map HTML (the page's map
  without the vendored Leaflet files, which the browser loads once and caches; also the
  standalone file with everything inlined);
* in a real browser (Debian's Chromium via Playwright) against ``streamlit run app.py``:

  - ``first_map_s``: the first visitor's first map, from opening the page (the server
    assessing the workspace) to the map frame showing its county shapes and legend;
  - ``second_visitor_s``: a second visitor's first map (another browser context against
    the same server: the one cache per workspace content);
  - ``received_mb``: the bytes the browser received for the first map (Streamlit's
    websocket messages, where the map travels as a component's arguments, and every
    HTTP response, counted by the DevTools protocol), and ``map_dom_mb``: the size of
    the map frame's document once drawn (the inline script plus every SVG path and
    marker Leaflet made: this is what the issue's "9.34 MB" measured);
  - ``filter_s``: from clicking a sector pill in the sidebar to the redrawn map, the
    median of ``--runs`` clicks (each adds one sector), with ``filter_mb`` received;
  - ``language_s``: from 中文 → English (and back) to the redrawn map, the median.

Every phase also records the server process's CPU seconds (``/proc/PID/stat``), and the
load average is printed: the machine is shared, so wall times are read beside them.

``--before SRC`` runs the same browser measures on the tree at ``SRC`` (for instance
``git archive COMMIT | tar -x -C /tmp/riskmap-before``) in the same round, before this
tree's, and prints both side by side with their ratio.

Budgets (issues 3 and 13): map HTML < 1.5 MB for the demo and < 8 MB at province scale;
at province scale first map < 5 s, second visitor < 2 s, filter change and language
switch < 1 s.  The province workspace is made by ``bench/make_province.py``
(bench/data/shanxi).
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browserkit import CHROMIUM, CHROMIUM_ARGS, map_frame, streamlit_server  # noqa: E402

SECTORS = ("危险化学品", "建筑施工", "工贸", "消防", "城市建设")
"""Sector pills clicked in turn (each adds a sector, so each click changes the map)."""


def measure_html(workspace: Path) -> dict:
    from riskmap.filters import Filters
    from riskmap.history import build_history
    from riskmap.mapview import build_map, map_html, standalone_html
    from riskmap.view import View

    start = time.perf_counter()
    history = build_history(workspace)
    out = {"history_s": time.perf_counter() - start}
    assessment = history.with_change(history.as_of)
    start = time.perf_counter()
    html = map_html(build_map(assessment, asset_base="../assets/"))
    out["build_render_s"] = time.perf_counter() - start
    out["map_html_mb"] = len(html.encode("utf-8")) / 1e6
    out["standalone_mb"] = len(standalone_html(build_map(assessment)).encode("utf-8")) / 1e6
    start = time.perf_counter()
    map_html(build_map(View(assessment, Filters(sectors=("coal_mine",)), "zh"), asset_base="../assets/"))
    out["rebuild_coal_s"] = time.perf_counter() - start
    return out


# --- the server: its process, CPU seconds and the load ------------------------------------

def server_pid(url: str) -> int | None:
    """The process listening on the server's port (``fuser``), or ``None``."""
    port = url.rsplit(":", 1)[1]
    found = subprocess.run(["fuser", f"{port}/tcp"], capture_output=True, text=True).stdout.split()
    return int(found[0]) if found else None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process and its waited-for children (0 when unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the browser: bytes received -----------------------------------------------------------

class Received:
    """Bytes a page receives (websocket frames and HTTP responses), counted by the DevTools protocol."""

    def __init__(self, page):
        self.total = 0
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.loadingFinished", self._http)
        session.on("Network.webSocketFrameReceived", self._frame)

    def _http(self, event: dict) -> None:
        self.total += int(event.get("encodedDataLength", 0))

    def _frame(self, event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        # Binary frames (Streamlit's protobuf messages) come base64-encoded.
        self.total += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode("utf-8"))

    def since(self, mark: int) -> float:
        return (self.total - mark) / 1e6


def _dom_mb(frame) -> float:
    """Size of the map frame's document as drawn (the inline script and every element Leaflet made)."""
    return int(frame.evaluate("() => new Blob([document.documentElement.outerHTML]).size")) / 1e6


def click_sector(page, sector: str) -> float:
    """Click a sector pill in the sidebar; return the moment of the click."""
    pill = page.locator('[data-testid="stSidebar"] button').filter(has_text=re.compile(f"^{re.escape(sector)}$")).first
    pill.scroll_into_view_if_needed()
    moment = time.perf_counter()
    pill.click()
    return moment


def switch_language(page, frame, label: str) -> tuple[float, object]:
    """Choose ``label`` (中文 / English) in the sidebar; seconds until the redrawn map, and its frame."""
    frame.evaluate("() => { window.__seen = true; }")
    start = time.perf_counter()
    page.locator('[data-testid="stRadio"]').first.get_by_text(label, exact=True).click()
    frame = map_frame(page, exclude=frame, timeout=900)
    return time.perf_counter() - start, frame


def _first_map(browser, url: str, pid: int | None, timeout: float) -> tuple[dict, object, object, Received]:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    received = Received(page)
    cpu = cpu_seconds(pid)
    start = time.perf_counter()
    page.goto(url)
    frame = map_frame(page, timeout=timeout)
    out = {"s": time.perf_counter() - start, "cpu_s": cpu_seconds(pid) - cpu, "received_mb": received.since(0)}
    return out, page, frame, received


def measure_browser(workspace: Path, runs: int, *, root: Path = ROOT, startup_timeout: float = 1800) -> dict:
    """In Chromium against ``streamlit run app.py`` of the tree ``root``: see the module's docstring."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with tempfile.TemporaryDirectory() as log_dir, \
            streamlit_server(Path(log_dir), env={"RISKMAP_WORKSPACE": str(workspace.resolve())}, root=root) as url, \
            sync_playwright() as p:
        pid = server_pid(url)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first, page, frame, received = _first_map(browser, url, pid, startup_timeout)
        out.update(first_map_s=first["s"], first_map_cpu_s=first["cpu_s"], received_mb=first["received_mb"],
                   map_dom_mb=_dom_mb(frame), load_first=load_average())
        print({k: out[k] for k in ("first_map_s", "first_map_cpu_s", "received_mb", "map_dom_mb")}, flush=True)
        second, other, _frame, _received = _first_map(browser, url, pid, startup_timeout)
        other.context.close()
        out.update(second_visitor_s=second["s"], second_visitor_cpu_s=second["cpu_s"],
                   second_received_mb=second["received_mb"])
        print({"second_visitor_s": second["s"], "cpu_s": second["cpu_s"]}, flush=True)
        times, cpus, sizes = [], [], []
        for sector in SECTORS[:runs]:
            frame.evaluate("() => { window.__seen = true; }")
            mark, cpu = received.total, cpu_seconds(pid)
            start = click_sector(page, sector)
            frame = map_frame(page, exclude=frame, timeout=900)
            times.append(time.perf_counter() - start)
            cpus.append(cpu_seconds(pid) - cpu)
            sizes.append(received.since(mark))
            print({"filter_s": times[-1], "cpu_s": cpus[-1], "received_mb": sizes[-1]}, flush=True)
        out.update(filter_s=statistics.median(times), filter_cpu_s=statistics.median(cpus),
                   filter_mb=statistics.median(sizes), filter_all_s=[round(t, 2) for t in times])
        switches, cpus = [], []
        for label in ("English", "中文", "English", "中文")[:max(2, runs + runs % 2)]:
            cpu = cpu_seconds(pid)
            seconds, frame = switch_language(page, frame, label)
            switches.append(seconds)
            cpus.append(cpu_seconds(pid) - cpu)
            print({"language_s": seconds, "cpu_s": cpus[-1]}, flush=True)
        out.update(language_s=statistics.median(switches), language_cpu_s=statistics.median(cpus),
                   language_all_s=[round(t, 2) for t in switches], load_last=load_average())
        browser.close()
    return out


FIGURES = ("first_map_s", "first_map_cpu_s", "second_visitor_s", "second_visitor_cpu_s", "received_mb", "map_dom_mb",
           "filter_s", "filter_cpu_s", "filter_mb", "language_s", "language_cpu_s")


def side_by_side(before: dict, now: dict) -> str:
    """A table of the figures before and now, with now / before."""
    lines = [f"{'figure':<22} {'before':>10} {'now':>10} {'now/before':>11}"]
    for key in FIGURES:
        if key in before and key in now:
            ratio = now[key] / before[key] if before[key] else float("nan")
            lines.append(f"{key:<22} {before[key]:>10.2f} {now[key]:>10.2f} {ratio:>11.2f}")
    lines.append(f"load (1, 5, 15 min): before {before.get('load_first')} → {before.get('load_last')}; "
                 f"now {now.get('load_first')} → {now.get('load_last')}")
    return "\n".join(lines)


def _rounded(result: dict) -> dict:
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", action="append", type=Path)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a tree (with app.py) to measure first, side by side")
    args = parser.parse_args(argv)
    workspaces = args.workspace or [p for p in (ROOT / "data" / "demo", ROOT / "bench" / "data" / "shanxi") if p.is_dir()]
    print(f"load average at start: {load_average()}", flush=True)
    for ws in workspaces:
        result = {"workspace": str(ws)}
        result.update(measure_html(ws))
        print(_rounded(result), flush=True)
        if args.no_browser:
            continue
        before = None
        if args.before is not None:
            before = measure_browser(ws, args.runs, root=args.before.resolve())
            print("before:", _rounded(before), flush=True)
        result.update(measure_browser(ws, args.runs))
        print("now:", _rounded(result), flush=True)
        if before is not None:
            print(side_by_side(before, result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
