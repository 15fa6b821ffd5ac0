"""Benchmark: export a workspace to every format (issue 4: under 10 s each on the demo).

Two measurements per format:

* **export** – ``riskmap.export.export_file`` on an assessment already in memory
  (what the app's download buttons cost), best of ``--repeat`` runs;
* **command** – ``riskmap export WS --format F --out FILE`` in a fresh process, end
  to end (Python start-up, imports, reading and assessing the workspace, exporting):
  what a briefing writer waits for.

Usage::

    python bench/bench_export.py                      # the demo, every format
    python bench/bench_export.py --workspace WS --formats png,pdf --repeat 3
    python bench/bench_export.py --no-command         # skip the fresh-process runs

Prints a table and exits 1 when a command run exceeds ``--goal`` seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", default=str(ROOT / "data" / "demo"))
    parser.add_argument("--formats", default="png,pdf,svg,html,xlsx,docx")
    parser.add_argument("--repeat", type=int, default=2, help="in-process runs per format (best is kept)")
    parser.add_argument("--goal", type=float, default=10.0, help="seconds allowed per command run")
    parser.add_argument("--no-command", action="store_true", help="skip the fresh-process command runs")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]

    import matplotlib

    matplotlib.use("Agg")
    from riskmap import assess
    from riskmap.export import export_file

    warnings.simplefilter("ignore")
    start = time.perf_counter()
    assessment = assess(args.workspace)
    assess_s = time.perf_counter() - start
    counts = (f"{len(assessment.counties)} counties, {len(assessment.enterprises)} enterprises, "
              f"{len(assessment.road_units)} road units, {len(assessment.hazards)} hazards")
    print(f"workspace: {args.workspace} ({counts}); assess {assess_s:.2f} s")

    riskmap_cmd = shutil.which("riskmap", path=str(Path(sys.executable).parent)) or shutil.which("riskmap")
    rows = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            out = Path(tmp) / f"export.{fmt}"
            best = float("inf")
            for _ in range(max(args.repeat, 1)):
                t0 = time.perf_counter()
                export_file(assessment, fmt, out)
                best = min(best, time.perf_counter() - t0)
            size = out.stat().st_size
            command_s = None
            if not args.no_command and riskmap_cmd:
                cmd = [riskmap_cmd, "export", args.workspace, "--format", fmt, "--out", str(out), "--quiet"]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "MPLBACKEND": "Agg"})
                command_s = time.perf_counter() - t0
                failed |= command_s > args.goal
            rows.append((fmt, best, command_s, size))

    print("\n| format | export (in memory) | `riskmap export` (fresh process) | file size |")
    print("|---|---:|---:|---:|")
    for fmt, best, command_s, size in rows:
        cmd_text = f"{command_s:.2f} s" if command_s is not None else "–"
        print(f"| {fmt} | {best:.2f} s | {cmd_text} | {size / 1024:,.0f} KiB |")
    if failed:
        print(f"\nFAIL: a command run took more than {args.goal:g} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
