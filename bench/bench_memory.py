"""Where the memory of ``riskmap assess WS --out DIR`` goes, stage by stage (issue 13, point 2).

Runs the command as a process of its own (this tree's riskmap), samples its resident
memory (``/proc/PID/status`` ``VmRSS``) every ``--every`` seconds and timestamps each
progress line it prints, then prints, for every stage, its seconds, the RSS when it
ended and the highest RSS while it ran, with the process's peak (``VmHWM``) and the
load average at the start and the end. Figures go to ``bench/out/memory/bench_memory.json``.
Nothing is asserted.

    .venv/bin/python bench/bench_memory.py                       # bench/data/shanxi
    .venv/bin/python bench/bench_memory.py bench/data/national   # the nation (one at a time: ~6-12 GB)
    .venv/bin/python bench/bench_memory.py WS --options "--layers-as geoparquet"
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WS = ROOT / "bench" / "data" / "shanxi"
OUT = ROOT / "bench" / "out" / "memory"


def status_mb(pid: int, field: str) -> float | None:
    """A ``/proc/PID/status`` field in MB (``VmRSS``, ``VmHWM``), or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def sample(pid: int, every: float, samples: list[tuple[float, float]], hwm: list[float], done: threading.Event) -> None:
    """Append (seconds since start, RSS MB) every ``every`` seconds until ``done``; keep the last VmHWM."""
    start = time.perf_counter()
    while not done.is_set():
        rss, peak = status_mb(pid, "VmRSS"), status_mb(pid, "VmHWM")
        if rss is None:
            return
        samples.append((time.perf_counter() - start, rss))
        if peak is not None:
            hwm[0] = max(hwm[0], peak)
        done.wait(every)


def stage_table(lines: list[tuple[float, str]], samples: list[tuple[float, float]]) -> list[dict]:
    """Each ended stage: name, seconds, RSS at its end, highest RSS since the previous stage ended."""
    rows, since = [], 0.0
    for at, line in lines:
        found = re.match(r"^\s+(.+?): ([0-9.]+) s$", line)
        if not found:
            continue
        during = [rss for t, rss in samples if since <= t <= at + 0.05]
        before = [rss for t, rss in samples if t <= at + 0.05]
        rows.append({"stage": found.group(1), "s": float(found.group(2)), "ended_s": round(at, 1),
                     "rss_end_mb": round(before[-1]) if before else None,
                     "rss_max_mb": round(max(during)) if during else None})
        since = at
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="riskmap assess: resident memory stage by stage")
    parser.add_argument("workspace", nargs="?", default=str(DEFAULT_WS))
    parser.add_argument("--options", default="", help='options for riskmap assess, e.g. "--layers-as geoparquet"')
    parser.add_argument("--every", type=float, default=0.1, help="seconds between samples")
    parser.add_argument("--out", default=str(OUT / "assess"), help="the command's --out folder")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    entry = "import riskmap.cli as cli; cli.run()"  # what the `riskmap` program runs
    cmd = [sys.executable, "-c", entry, "assess", str(Path(args.workspace).resolve()), "--out", args.out,
           *shlex.split(args.options)]
    load_start = os.getloadavg()
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=OUT, text=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    samples: list[tuple[float, float]] = []
    hwm, done = [0.0], threading.Event()
    sampler = threading.Thread(target=sample, args=(child.pid, args.every, samples, hwm, done), daemon=True)
    sampler.start()
    lines = [(time.perf_counter() - start, line.rstrip("\n")) for line in child.stderr]
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    rows = stage_table(lines, samples)
    peak = max(hwm[0], usage.ru_maxrss / 1024.0)
    for row in rows:
        print(f"  {row['stage']:28s} {row['s']:7.1f} s   RSS at end {row['rss_end_mb'] or 0:7,} MB   "
              f"highest {row['rss_max_mb'] or 0:7,} MB")
    load_end = os.getloadavg()
    print(f"wall {wall:.1f} s  cpu {usage.ru_utime + usage.ru_stime:.1f} s  peak {peak:,.0f} MB  "
          f"rc {os.waitstatus_to_exitcode(status)}  load {load_start[0]:.1f} -> {load_end[0]:.1f}")
    record = {"when": datetime.now().isoformat(timespec="seconds"), "workspace": args.workspace,
              "options": args.options, "wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
              "peak_mb": round(peak), "load": [load_start, load_end], "stages": rows,
              "rc": os.waitstatus_to_exitcode(status),
              "errors": [line for _, line in lines if not re.match(r"^\s+.+?(: [0-9.]+ s| \.\.\.)$", line)][-20:]}
    (OUT / "bench_memory.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
