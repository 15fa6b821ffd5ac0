"""Load benchmark of one RiskMap server (issue 7, point 6): many visitors changing filters.

Usage::

    .venv/bin/python bench/bench_load.py [--workspace data/demo] [--visitors 20] [--rounds 3]

Starts ``streamlit run app.py`` on the workspace, then opens ``--visitors`` pages in one
headless Chromium (Debian's, via Playwright), each a separate Streamlit session.  Each
visitor waits for its map, then changes the sector filter ``--rounds`` times; all the
visitors change filters at the same time, round after round.  It prints

* the server's resident memory (``VmRSS`` of the Streamlit process) before any visitor,
  with every visitor's first map drawn, and after the filter rounds, and the memory per
  visitor;
* the time from a visitor's filter change to its redrawn map (median and 95th
  percentile over all visitors and rounds), against the same change with one visitor
  alone, as a ratio.

The browser pages share the server's two cores with it, so the figures are an upper
bound of what the server itself needs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browserkit import CHROMIUM, CHROMIUM_ARGS, map_frame, streamlit_server  # noqa: E402

SECTORS = ("危险化学品", "煤矿", "消防", "建筑施工")


def server_rss_mb(port: int) -> float:
    """Resident memory of the process listening on ``port`` (the Streamlit server)."""
    import subprocess

    pid = subprocess.run(["fuser", f"{port}/tcp"], capture_output=True, text=True).stdout.split()
    if not pid:  # fuser missing: fall back to the newest streamlit process
        out = subprocess.run(["pgrep", "-n", "-f", "streamlit run"], capture_output=True, text=True).stdout.split()
        pid = out
    status = Path(f"/proc/{pid[0]}/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kb / 1024


def choose_sector(page, frame, sector: str):
    """Add one sector to the filter; return (seconds until the new map is drawn, its frame)."""
    frame.evaluate("() => { window.__seen = true; }")
    box = page.locator('[data-testid="stTextInput"]').filter(has_text="输入行业名称").locator("input").first
    box.click()
    start = time.perf_counter()
    page.keyboard.type(sector)  # typed and confirmed with Enter: that sector alone
    page.keyboard.press("Enter")
    new = map_frame(page, exclude=frame, timeout=180)
    return time.perf_counter() - start, new


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workspace", default=str(ROOT / "data" / "demo"))
    ap.add_argument("--visitors", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    import playwright.sync_api as pw

    log_dir = Path(tempfile.mkdtemp(prefix="riskmap-load-"))
    with streamlit_server(log_dir, env={"RISKMAP_WORKSPACE": str(Path(args.workspace).resolve())}) as url:
        port = int(url.rsplit(":", 1)[1])
        before = server_rss_mb(port)
        with pw.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # One visitor alone: the reference figure.
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page = context.new_page()
            page.goto(url)
            frame = map_frame(page, timeout=300)
            alone = []
            for i in range(args.rounds):
                seconds, frame = choose_sector(page, frame, SECTORS[i % len(SECTORS)])
                alone.append(seconds)
            context.close()
            warm = server_rss_mb(port)

            # Many visitors: pages opened one after another, then filter rounds together.
            visitors = []
            start = time.perf_counter()
            for _ in range(args.visitors):
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
                page = context.new_page()
                page.goto(url)
                visitors.append([context, page, None])
            for visitor in visitors:
                visitor[2] = map_frame(visitor[1], timeout=600)
            first_maps_s = time.perf_counter() - start
            loaded = server_rss_mb(port)
            times: list[float] = []
            for i in range(args.rounds):
                # Playwright's sync API is not thread-safe: start every change, then wait.
                marks = []
                for visitor in visitors:
                    page, frame = visitor[1], visitor[2]
                    frame.evaluate("() => { window.__seen = true; }")
                    box = page.locator('[data-testid="stTextInput"]').filter(has_text="输入行业名称").locator("input").first
                    box.click()
                    page.keyboard.type(SECTORS[i % len(SECTORS)])
                    page.keyboard.press("Enter")
                    marks.append(time.perf_counter())
                for visitor, mark in zip(visitors, marks):
                    visitor[2] = map_frame(visitor[1], exclude=visitor[2], timeout=600)
                    times.append(time.perf_counter() - mark)
            after = server_rss_mb(port)
            for context, _page, _frame in visitors:
                context.close()
            browser.close()
        time.sleep(2)
        left = server_rss_mb(port)

    median = statistics.median(times)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    alone_median = statistics.median(alone)
    print(f"workspace: {args.workspace}")
    print(f"visitors: {args.visitors}, filter rounds: {args.rounds}")
    print(f"server memory: {before:,.0f} MB at start, {warm:,.0f} MB after one visitor, "
          f"{loaded:,.0f} MB with {args.visitors} maps drawn, {after:,.0f} MB after the rounds, "
          f"{left:,.0f} MB after they left")
    print(f"memory per visitor: {(after - warm) / args.visitors:,.1f} MB")
    print(f"first maps of {args.visitors} visitors opened one after another: {first_maps_s:.1f} s")
    print(f"filter change -> redrawn map, one visitor alone: median {alone_median:.2f} s")
    print(f"filter change -> redrawn map, {args.visitors} at once: median {median:.2f} s, 95th percentile "
          f"{p95:.2f} s ({median / alone_median:.1f}x the time alone)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
