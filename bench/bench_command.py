"""Time `riskmap assess WS --out DIR` end to end against the geopandas baseline (issue 13, point 1).

Every run is a process of its own, as a user runs the command, and the runs are
interleaved round by round (a busy machine slows them all alike; the ratios are taken
within a round):

* ``command``: ``riskmap assess WS --out DIR`` with this tree's code (default options,
  or ``--options "..."``: e.g. ``--layers-as geoparquet``);
* ``before`` (with ``--before SRC``): the same command run from another source tree of
  RiskMap (``PYTHONPATH=SRC``), e.g. ``git archive <commit> | tar -x -C SRC``;
* ``baseline``: ``bench/baseline.py WS`` (the analyst's geopandas script, which reads
  and grades but writes nothing).

For each run: wall seconds, the child's peak RSS (``os.wait4``) and the stage times the
command prints on stderr (read, joins, history, warnings, write outputs). It prints the
best of ``--repeat`` and each round's ratios, and writes ``bench/out/command/bench_command.json``.
Times are printed, never asserted.

    .venv/bin/python bench/bench_command.py --repeat 3
    .venv/bin/python bench/bench_command.py --repeat 3 --before /tmp/riskmap-before
    .venv/bin/python bench/bench_command.py bench/data/national --skip-baseline --options "--layers-as geoparquet"
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WS = ROOT / "bench" / "data" / "shanxi"
OUT = ROOT / "bench" / "out" / "command"

STAGE_GROUPS = (("read", "read"), ("join", "joins"), ("counties", "joins"), ("roads: split", "roads"),
                ("roads: snap", "roads"), ("history", "history"), ("warnings", "warnings"), ("grade", "grade"),
                ("write outputs", "write"))


def run(cmd: list[str], log: Path, env: dict | None = None) -> dict:
    """Run ``cmd`` to the end; its wall seconds, exit code, peak RSS (MB) and stage seconds."""
    start = time.perf_counter()
    with open(log, "wb") as handle:
        # Not from this tree's folder: ``python -c`` puts the working folder first on sys.path, which
        # would run this tree's riskmap instead of ``--before``'s.
        child = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT, cwd=OUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return {"wall_s": round(wall, 2), "rc": os.waitstatus_to_exitcode(status),
            "peak_rss_mb": round(usage.ru_maxrss / 1024.0), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "stages": stages(log)}


def stages(log: Path) -> dict[str, float]:
    """Stage seconds from the command's progress lines ("  write outputs: 12.7 s"), grouped."""
    import re

    out: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        found = re.match(r"^\s+(.+?): ([0-9.]+) s$", line)
        if found:
            group = next((g for key, g in STAGE_GROUPS if key in found.group(1)), "other")
            out[group] = round(out.get(group, 0.0) + float(found.group(2)), 2)
    return out


def commands(ws: str, options: list[str], before: str | None, skip_baseline: bool) -> dict[str, tuple]:
    """What is run: name -> (argv, environment)."""
    python = sys.executable
    # What the `riskmap` program runs: riskmap.cli.run where the tree has it (main, then os._exit), else main.
    entry = ("import sys, riskmap.cli as cli; "
             "cli.run() if hasattr(cli, 'run') else sys.exit(cli.main())")
    runs: dict[str, tuple] = {}
    runs["command"] = ([python, "-c", entry, "assess", ws, "--out", str(OUT / "command"), *options],
                       dict(os.environ, PYTHONPATH=str(ROOT)))
    if before:
        env = dict(os.environ, PYTHONPATH=str(Path(before).resolve()))
        runs["before"] = ([python, "-c", entry, "assess", ws, "--out", str(OUT / "before"), *options], env)
    if not skip_baseline:
        runs["baseline"] = ([python, str(ROOT / "bench" / "baseline.py"), ws, "--json", str(OUT / "baseline.json")],
                            None)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="riskmap assess, end to end, against the geopandas baseline")
    parser.add_argument("workspace", nargs="?", default=str(DEFAULT_WS))
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the fastest of each run counts")
    parser.add_argument("--before", metavar="SRC", help="also run the command from this source tree of RiskMap")
    parser.add_argument("--options", default="", help='options for riskmap assess, e.g. "--layers-as geoparquet"')
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)
    ws = str(Path(args.workspace).resolve())
    if not Path(ws, "riskmap.toml").exists() and Path(ws) == DEFAULT_WS:
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_province.py")], check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    runs = commands(ws, shlex.split(args.options), args.before, args.skip_baseline)
    results: dict[str, list[dict]] = {name: [] for name in runs}
    for name, (cmd, env) in runs.items():  # which riskmap each run imports
        if name != "baseline":
            where = subprocess.run([cmd[0], "-c", "import riskmap; print(riskmap.__file__)"], capture_output=True,
                                   text=True, cwd=OUT, env=env).stdout.strip()
            print(f"{name}: {where}")
    for round_no in range(args.repeat):
        for name, (cmd, env) in runs.items():
            outcome = run(cmd, OUT / f"{name}-{round_no}.log", env)
            results[name].append(outcome)
            print(f"round {round_no + 1} {name:8s} {outcome['wall_s']:7.2f} s  rc {outcome['rc']}  "
                  f"peak {outcome['peak_rss_mb']:,} MB  cpu {outcome['cpu_s']:.1f} s  {outcome['stages']}", flush=True)
        if "baseline" in results:
            base = results["baseline"][-1]["wall_s"]
            ratios = {n: round(r[-1]["wall_s"] / base, 2) for n, r in results.items() if n != "baseline"}
            print(f"round {round_no + 1} time / baseline's: {ratios}  (load {os.getloadavg()[0]:.1f})", flush=True)
    best = {name: min((r for r in rs if r["rc"] == 0), key=lambda r: r["wall_s"], default=rs[0])
            for name, rs in results.items()}
    print("\nbest of", args.repeat)
    for name, outcome in best.items():
        print(f"  {name:8s} {outcome['wall_s']:7.2f} s  peak {outcome['peak_rss_mb']:,} MB  {outcome['stages']}")
    if "baseline" in best:
        for name in best:
            if name != "baseline":
                print(f"  {name} takes {best[name]['wall_s'] / best['baseline']['wall_s']:.2f}× the baseline's time "
                      f"(baseline / {name}: {best['baseline']['wall_s'] / best[name]['wall_s']:.2f}×)")
    record = {"when": datetime.now().isoformat(timespec="seconds"), "workspace": ws, "options": args.options,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
              "runs": results, "best": best}
    (OUT / "bench_command.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0 if all(r["rc"] == 0 for rs in results.values() for r in rs) else 1


if __name__ == "__main__":
    sys.exit(main())
