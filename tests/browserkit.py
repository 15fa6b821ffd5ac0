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


def map_frame(page, *, exclude=None, timeout=90.0):
    """The map frame once it shows county shapes (SVG paths) and the legend."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame is page.main_frame or frame == exclude:
                continue
            try:
                ready = frame.evaluate(
                    "() => !window.__seen && document.querySelectorAll('svg path.leaflet-interactive').length > 0"
                    " && !!document.querySelector('.rm-legend')")
            except Exception:
                continue
            if ready:
                return frame
        page.wait_for_timeout(50)
    raise AssertionError("the map did not appear")
