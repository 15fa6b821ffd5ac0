"""Benchmark: the assessment with its history and forecast against the assessment alone (issue 11).

Usage::

    .venv/bin/python bench/bench_history.py [WORKSPACE] [--repeat N] [--periods 12] [--period month]

With no WORKSPACE it uses ``bench/data/shanxi`` (``bench/make_province.py`` makes it).
Each run is a fresh interpreter (so that neither shares caches or warmed imports with the
other), and the runs alternate, side by side in the same session:

1. **assess**: ``riskmap.assess(WS)``;
2. **history**: ``riskmap.history.build_history(WS)`` without its warnings: the
   assessment at ``as_of`` as frames, 12 month ends and the forecast graded as numbers,
   the trend tables;
3. **history + warnings**: the same and :attr:`History.warnings` (the eight kinds, the
   Gi* hot spots and the Mann–Kendall tests included).

It prints the best time of each over ``--repeat`` runs and the ratios to the assessment
alone, with the stage times of the history run, and writes them to
``bench/out/history/bench_history.json``.  Goal: history and forecast at most 1.5x the
assessment alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "history"
DEFAULT_WS = HERE / "data" / "shanxi"
GOAL = 1.5


def worker(kind: str, ws: str, periods: int, period: str) -> dict:
    """Run in the child: time one run of ``kind``."""
    import riskmap  # noqa: F401  (imports are not what is measured)
    import riskmap.history

    start = time.perf_counter()
    if kind == "assess":
        assessment = riskmap.assess(ws)
        figures = {"counties": assessment.summary["counties"]["by_grade"]}
        timings = dict(assessment.timings)
    else:
        history = riskmap.history.build_history(ws, periods=periods, period=period, warnings="warnings" in kind)
        history.counties, history.region  # noqa: B018  (the trend tables are part of the work)
        figures = {"periods": len(history.ends), "counties": history.assessment.summary["counties"]["by_grade"]}
        if "warnings" in kind:
            figures["warnings"] = history.assessment.summary["warnings"]["by_kind"]
        timings = dict(history.assessment.timings)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "timings": timings, "figures": figures}


def _child(kind: str, ws: str, periods: int, period: str) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import bench_history as b; "
            f"print(json.dumps(b.worker({kind!r}, {ws!r}, {periods}, {period!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="time the history and forecast against the assessment alone")
    ap.add_argument("workspace", nargs="?", default=str(DEFAULT_WS))
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the fastest counts (default 3)")
    ap.add_argument("--periods", type=int, default=12)
    ap.add_argument("--period", default="month", choices=["month", "quarter"])
    args = ap.parse_args(argv)
    if not Path(args.workspace).is_dir():
        subprocess.run([sys.executable, str(HERE / "make_province.py")], check=True)
    kinds = ("assess", "history", "history+warnings")
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for round_ in range(args.repeat):
        for kind in kinds:
            result = _child(kind, args.workspace, args.periods, args.period)
            runs[kind].append(result)
            print(f"  round {round_ + 1}: {kind:18s} {result['seconds']:6.2f} s", file=sys.stderr, flush=True)
    best = {k: min(runs[k], key=lambda r: r["seconds"]) for k in kinds}
    base = best["assess"]["seconds"]
    print(f"\nworkspace {args.workspace}: {args.periods} {args.period} periods and the forecast, best of {args.repeat}")
    for kind in kinds:
        ratio = best[kind]["seconds"] / base
        print(f"  {kind:18s} {best[kind]['seconds']:7.2f} s   {ratio:5.2f}x the assessment alone")
    print("\nstages of the history run (s):")
    for stage, seconds in best["history+warnings"]["timings"].items():
        print(f"  {stage:28s} {seconds:6.2f}")
    ratio = best["history+warnings"]["seconds"] / base
    print(f"\ngoal: history and forecast <= {GOAL}x the assessment: "
          f"{best['history']['seconds'] / base:.2f}x without the warnings, {ratio:.2f}x with them")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_history.json").write_text(json.dumps({"best": best, "runs": runs}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
