"""Reading benchmark (issue 13, point 1's reading lever and point 2's memory): ``load_workspace`` alone.

Usage::

    .venv/bin/python bench/bench_read.py [--workspace bench/data/shanxi] [--repeat 3] [--before SRC] [--check]

Each run is a process of its own that imports RiskMap, then times
``riskmap.io.workspace.load_workspace(WS)`` (wall and CPU seconds of the process,
every thread) and reports its peak RSS (``os.wait4``; the imports are about 250 MB of
it).  With ``--before SRC`` the same runs are made from another source tree
(``PYTHONPATH=SRC``, e.g. ``git archive <commit> | tar -x -C SRC``), interleaved round
by round, and the ratios are taken within a round.  ``--check`` also compares what the
two trees read: every dataset's columns, dtypes and values (geometry as WKB), every
problem (severity, file, row, column, value, message) and every row left out, and
fails when they differ.  ``--skip-bad-rows`` reads as ``--skip-bad-rows`` does.

A workspace with errors is timed too (the error and its problems are what is
compared).  Figures go to ``bench/out/read/bench_read.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "read"

CHILD = r"""
import os, pickle, sys, time, resource
from riskmap.errors import InputError
from riskmap.io.workspace import load_workspace
ws, dump, skip = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
t0, c0 = time.perf_counter(), time.process_time()
try:
    result, error = load_workspace(ws, skip_bad_rows=skip), None
except InputError as exc:
    result, error = None, exc
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(f"READ {wall:.3f} {cpu:.3f}", flush=True)
if dump != "-":
    def problems(items):
        return [(p.severity, p.file, p.row, p.column, p.value, p.message) for p in items]
    data = {"error": None if error is None else (str(error), problems(error.problems))}
    if result is not None:
        import shapely
        frames = {}
        for name, frame in sorted({**result.datasets, **{"extra:" + k: v for k, v in result.extra.items()}}.items()):
            plain = frame.drop(columns=[frame.geometry.name]).copy()
            plain["__wkb"] = shapely.to_wkb(frame.geometry.to_numpy())
            frames[name] = (list(plain.columns), [str(t) for t in plain.dtypes], plain.reset_index(drop=True))
        data.update(frames=frames, problems=problems(result.problems),
                    skipped=[(s.dataset, s.file, s.row, s.id, str(s.error)) for s in result.skipped])
    with open(dump, "wb") as handle:
        pickle.dump(data, handle)
"""


def run(src: Path, ws: str, dump: str, skip: bool) -> dict:
    """One child process reading ``ws`` with the RiskMap of ``src``: wall and CPU seconds, peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(src))
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "child.log"
    with open(log, "w") as handle:
        child = subprocess.Popen([sys.executable, "-c", CHILD, ws, dump, "1" if skip else "0"], cwd=OUT, env=env,
                                 stdout=handle, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    text = log.read_text()
    line = next((x for x in text.splitlines() if x.startswith("READ ")), None)
    if status != 0 or line is None:
        raise SystemExit(f"the child failed ({status}):\n{text[-3000:]}")
    _, wall, cpu = line.split()
    return {"wall": float(wall), "cpu": float(cpu), "peak_mb": usage.ru_maxrss / 1024}


def compare(a: dict, b: dict) -> list[str]:
    """What differs between two dumps (empty when they are the same)."""
    import pandas as pd

    diffs = []
    if a["error"] != b["error"]:
        diffs.append(f"error: {str(a['error'])[:2000]}\n  vs {str(b['error'])[:2000]}")
    for key in ("problems", "skipped"):
        if a.get(key) != b.get(key):
            extra_a = [p for p in a.get(key) or [] if p not in (b.get(key) or [])]
            extra_b = [p for p in b.get(key) or [] if p not in (a.get(key) or [])]
            diffs.append(f"{key}: before only {extra_a[:5]}, now only {extra_b[:5]}")
    frames_a, frames_b = a.get("frames") or {}, b.get("frames") or {}
    if sorted(frames_a) != sorted(frames_b):
        diffs.append(f"datasets: {sorted(frames_a)} vs {sorted(frames_b)}")
    for name in sorted(set(frames_a) & set(frames_b)):
        (cols_a, types_a, fa), (cols_b, types_b, fb) = frames_a[name], frames_b[name]
        if (cols_a, types_a) != (cols_b, types_b):
            diffs.append(f"{name}: columns/dtypes {list(zip(cols_a, types_a))} vs {list(zip(cols_b, types_b))}")
            continue
        try:
            pd.testing.assert_frame_equal(fa, fb, check_exact=True)
        except AssertionError as exc:
            diffs.append(f"{name}: {str(exc)[:1500]}")
        for column in fa.columns:  # None and NaN are different cells to a user (an empty cell, a number)
            kinds_a = fa[column].map(type).astype(str).to_numpy() if fa[column].dtype == object else None
            kinds_b = fb[column].map(type).astype(str).to_numpy() if fb[column].dtype == object else None
            if kinds_a is not None and kinds_b is not None and (kinds_a != kinds_b).any():
                diffs.append(f"{name}.{column}: cell types differ")
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", action="append", help="workspace folder (repeatable; default bench/data/shanxi)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", metavar="SRC", help="also read with this source tree of RiskMap")
    parser.add_argument("--check", action="store_true", help="compare what the two trees read (needs --before)")
    parser.add_argument("--skip-bad-rows", action="store_true")
    args = parser.parse_args(argv)
    spaces = [str(Path(w).resolve()) for w in (args.workspace or [str(ROOT / "bench" / "data" / "shanxi")])]
    trees = {"now": ROOT} | ({"before": Path(args.before).resolve()} if args.before else {})
    load = os.getloadavg()[0]
    print(f"load average {load:.1f}; {args.repeat} round(s); trees: " + ", ".join(f"{k}={v}" for k, v in trees.items()))
    figures: dict = {"load": load, "runs": []}
    failed = False
    for ws in spaces:
        print(f"\n{ws}")
        print(f"{'round':>5} {'tree':>7} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'wall ratio':>11} {'cpu ratio':>10} {'peak ratio':>11}")
        for round_ in range(1, args.repeat + 1):
            row = {}
            for name, src in trees.items():
                dump = str(OUT / f"{name}.pickle") if args.check and round_ == 1 else "-"
                row[name] = run(src, ws, dump, args.skip_bad_rows)
            for name, figure in row.items():
                before = row.get("before")
                ratio = (f"{figure['wall'] / before['wall']:>11.2f} {figure['cpu'] / before['cpu']:>10.2f} "
                         f"{figure['peak_mb'] / before['peak_mb']:>11.2f}") if before else ""
                print(f"{round_:>5} {name:>7} {figure['wall']:>8.2f} {figure['cpu']:>8.2f} {figure['peak_mb']:>8.0f} {ratio}")
            figures["runs"].append({"workspace": ws, "round": round_, **row})
            if args.check and round_ == 1 and "before" in trees:
                with open(OUT / "before.pickle", "rb") as fa, open(OUT / "now.pickle", "rb") as fb:
                    diffs = compare(pickle.load(fa), pickle.load(fb))
                print("  check: the same datasets, values, problems and rows left out" if not diffs
                      else "  check FAILED:\n  " + "\n  ".join(diffs))
                failed |= bool(diffs)
    (OUT / "bench_read.json").write_text(json.dumps(figures, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
