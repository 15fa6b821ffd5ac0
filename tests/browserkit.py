"""Shared pieces of the real-browser tests: a Streamlit server and a watched page.

``streamlit run app.py`` is started on a free port; Playwright drives Debian's
Chromium; every request that leaves this machine is recorded and refused (the map
must work on an intranet with no internet).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("RISKMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:", "file:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log_dir: Path, *, env: dict[str, str] | None = None, root: Path = ROOT) -> Iterator[str]:
    """``streamlit run app.py`` on a free port; yields its URL, stops it afterwards.

    ``env`` adds to (or, with an empty value, removes from) the environment;
    ``RISKMAP_WORKSPACE`` is removed unless given.  ``root`` is the tree whose
    ``app.py`` runs (a benchmark's baseline runs the tree before a change).
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "RISKMAP_WORKSPACE"}
    for key, value in (env or {}).items():
        if value:
            environment[key] = value
        else:
            environment.pop(key, None)
    log_path = log_dir / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n" + log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def watched_page(browser, **context_options):
    """A page whose requests off this machine are refused and recorded in ``page.outside``.

    ``page.requests`` lists every URL asked for; ``page.dialogs`` and ``page.errors``
    collect alert boxes and script errors.
    """
    context = browser.new_context(**({"viewport": {"width": 1400, "height": 1250}, "locale": "zh-CN"} | context_options))
    page = context.new_page()
    page.outside, page.requests, page.dialogs, page.errors = [], [], [], []

    def route(r):
        page.requests.append(r.request.url)
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


LEAFLET_MAP = "Object.values(window).find(v => v instanceof L.Map)"
"""A page's (or frame's) Leaflet map, in JavaScript."""

DRAWN = ("(document.querySelectorAll('svg path.leaflet-interactive').length > 0"
         " || !!document.querySelector('.leaflet-overlay-pane canvas'))")
"""Shapes drawn, in JavaScript: on the map's canvas (the page's map), or as SVG paths (a tree before it)."""

COUNTY_LAYERS = f"""(() => {{ const map = {LEAFLET_MAP}, out = [];
    map.eachLayer(l => {{ if (l instanceof L.Polygon && l.options.fillOpacity === 0.45 && l.options.interactive !== false)
        out.push(l); }});
    return [map, out]; }})()"""
"""``[map, county shapes]`` in JavaScript: the interactive polygons filled at the counties' opacity."""


def county_count(frame) -> int:
    """How many county shapes the map drew (Leaflet's layers: the same on a canvas as in SVG)."""
    return int(frame.evaluate(f"() => {COUNTY_LAYERS}[1].length"))


def county_fills(frame) -> set[str]:
    """The fill colours of the county shapes drawn, lower case."""
    return set(frame.evaluate(f"() => {COUNTY_LAYERS}[1].map(l => String(l.options.fillColor).toLowerCase())"))


def county_point(frame) -> list[float] | None:
    """A point of the frame's document on a county shape with nothing else drawn there (no road, point or
    marker above it: Leaflet's own hit test of every other interactive shape, and the element there), or None."""
    return frame.evaluate(f"""() => {{
        const [map, counties] = {COUNTY_LAYERS};
        const others = [];
        map.eachLayer(l => {{ if (l._containsPoint && l.options.interactive !== false && !counties.includes(l))
            others.push(l); }});
        const box = map.getContainer().getBoundingClientRect();
        for (const county of counties) {{
            const b = county.getBounds();
            for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.6], [0.6, 0.4], [0.3, 0.3], [0.7, 0.7]]) {{
                const ll = L.latLng(b.getSouth() + (b.getNorth() - b.getSouth()) * fy,
                                    b.getWest() + (b.getEast() - b.getWest()) * fx);
                const p = map.latLngToLayerPoint(ll);
                if (!county._containsPoint(p) || others.some(o => o._containsPoint(p))) continue;
                const c = map.layerPointToContainerPoint(p), x = box.left + c.x, y = box.top + c.y;
                const el = document.elementFromPoint(x, y);
                if (el === county._path || (county._renderer && el === county._renderer._container)) return [x, y];
            }}
        }}
        return null;
    }}""")


def map_frame(page, *, exclude=None, timeout=90.0):
    """The map frame once it shows its shapes and the legend."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame is page.main_frame or frame == exclude:
                continue
            try:
                ready = frame.evaluate(
                    f"() => !window.__seen && {DRAWN} && !!document.querySelector('.rm-legend')")
            except Exception:
                continue
            if ready:
                return frame
        page.wait_for_timeout(50)
    raise AssertionError("the map did not appear")
