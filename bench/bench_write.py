"""Benchmark: writing the assessment's layers, today's GeoJSON writer against the new one.

Usage::

    .venv/bin/python bench/bench_write.py [WORKSPACE] [--repeat N] [--layers a,b]
                                          [--writers w1,w2] [--check] [--keep]

With no WORKSPACE it uses ``bench/data/shanxi`` and generates it first
(``bench/make_province.py``) when it is missing.  The workspace is assessed once in this
process; then every writer writes every layer, each write in a forked child of the
assessed process (so its peak memory is its own and nothing it imports or caches
helps the next one).  Writers, interleaved layer by layer and round by round:

* ``old``        the writer before issue 13, kept as ``tests/geojson_reference.py`` (shapely.to_geojson + pandas ``to_json``);
* ``new``        ``riskmap.geojson.write_geojson`` (ragged coordinate text + polars, streamed; the outputs' writer);
* ``geoparquet`` ``riskmap.outputs.write_geoparquet``;
* ``gpkg``       GeoPackage by pyogrio (``engine="pyogrio"``), Arrow path (``use_arrow=True``);
* ``gpkg-rows``  the same without Arrow (pyogrio's feature-by-feature path).

For each it prints the best seconds of ``--repeat`` rounds, the old/new ratio, the file
size and the peak extra memory of the write: the child's resident memory, sampled every
2 ms while it writes, at its highest less what it was when the write began.  The imports a writer
needs (polars, pyogrio) are loaded in the child before the clock starts and reported
apart.  ``--check`` parses the old and new GeoJSON of every layer and compares them
feature by feature.  Figures go to ``bench/out/write/bench_write.json``.  Times are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
OUT = HERE / "out" / "write"
DEFAULT_WS = HERE / "data" / "shanxi"
LAYERS = ["counties", "enterprises", "road_units", "hazards", "accidents"]
WRITERS = ["old", "new", "geoparquet", "gpkg", "gpkg-rows"]
SUFFIX = {"old": ".old.geojson", "new": ".geojson", "geoparquet": ".parquet", "gpkg": ".gpkg",
          "gpkg-rows": ".rows.gpkg"}


# --------------------------------------------------------------------------- writers
def _for_gpkg(frame):
    """The layer as GDAL takes it: no private columns, text columns as plain strings."""
    out = frame.drop(columns=[c for c in frame.columns if str(c).startswith("_")])
    for column in out.columns:
        if column != out.geometry.name and out[column].dtype == object:
            out[column] = out[column].astype("string")
    return out


def _prepare(writer: str) -> None:
    """Import what a writer needs (not timed)."""
    if writer == "new":
        import polars  # noqa: F401

        import riskmap.geojson  # noqa: F401
    elif writer.startswith("gpkg"):
        import pyogrio  # noqa: F401
    elif writer == "geoparquet":
        import pyarrow.parquet  # noqa: F401


def _write(writer: str, frame, path: Path) -> None:
    if writer == "old":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from geojson_reference import write_geojson  # the writer before issue 13, kept by the tests

        write_geojson(frame, path)
    elif writer == "new":
        from riskmap.geojson import write_geojson

        write_geojson(frame, path)
    elif writer == "geoparquet":
        from riskmap.outputs import write_geoparquet

        write_geoparquet(frame, path)
    elif writer in ("gpkg", "gpkg-rows"):
        path.unlink(missing_ok=True)
        _for_gpkg(frame).to_file(path, driver="GPKG", engine="pyogrio", use_arrow=writer == "gpkg")
    else:
        raise ValueError(writer)


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class RssSampler:
    """The peak resident memory of this process while a block runs (sampled every 2 ms)."""

    def __init__(self, interval: float = 0.002):
        import threading

        self.interval = interval
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def timed_write(writer: str, frame, path: Path) -> dict:
    """Write one layer in a forked child; seconds, import seconds and peak extra MB.

    The extra memory is the child's peak RSS during the write less its RSS when the
    write began (after the writer's imports).
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        code = 0
        try:
            t0 = time.perf_counter()
            _prepare(writer)
            t1 = time.perf_counter()
            with RssSampler() as rss:
                _write(writer, frame, path)
            t2 = time.perf_counter()
            result = {"seconds": t2 - t1, "import_s": t1 - t0, "peak_extra_mb": rss.peak - rss.start}
        except BaseException as exc:  # report, never raise out of a fork
            result, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
        os.write(write_end, json.dumps(result).encode())
        os.close(write_end)
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as handle:
        payload = handle.read()
    os.waitpid(pid, 0)
    result = json.loads(payload) if payload else {"error": "child died"}
    result["size_mb"] = path.stat().st_size / 1e6 if path.exists() else math.nan
    return result


# --------------------------------------------------------------------------- checking
def check_same(old_path: Path, new_path: Path) -> list[str]:
    """Parse both files and compare them feature by feature (floats to 1e-9 relative)."""
    old = json.loads(old_path.read_text(encoding="utf-8"))["features"]
    new = json.loads(new_path.read_text(encoding="utf-8"))["features"]
    problems = [] if len(old) == len(new) else [f"{len(old)} features against {len(new)}"]
    for i, (a, b) in enumerate(zip(old, new)):
        if a["geometry"] != b["geometry"]:
            problems.append(f"feature {i}: geometry differs")
        if list(a["properties"]) != list(b["properties"]):
            problems.append(f"feature {i}: keys differ")
            continue
        for key, value in a["properties"].items():
            other = b["properties"][key]
            if isinstance(value, float) and isinstance(other, (int, float)):
                same = math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-10)
            else:
                same = value == other
            if not same:
                problems.append(f"feature {i}: {key} {value!r} against {other!r}")
        if len(problems) > 20:
            break
    return problems


# --------------------------------------------------------------------------- report
def fmt_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(best: dict, layers: list[str], writers: list[str], sizes: dict[str, int]) -> str:
    head = ["layer", "features"]
    for w in writers:
        head += [f"{w} s", f"{w} MB", f"{w} +RSS MB"]
    if "old" in writers and "new" in writers:
        head.append("old/new")
    rows = [head]
    totals = {w: 0.0 for w in writers}
    for layer in layers:
        row = [layer, f"{sizes[layer]:,}"]
        for w in writers:
            r = best[layer][w]
            totals[w] += r["seconds"]
            row += [f"{r['seconds']:.2f}", f"{r['size_mb']:.1f}", f"{r['peak_extra_mb']:,.0f}"]
        if "old" in writers and "new" in writers:
            row.append(f"{best[layer]['old']['seconds'] / max(best[layer]['new']['seconds'], 1e-9):.1f}x")
        rows.append(row)
    total = ["all layers", f"{sum(sizes.values()):,}"]
    for w in writers:
        total += [f"{totals[w]:.2f}", "", ""]
    if "old" in writers and "new" in writers:
        total.append(f"{totals['old'] / max(totals['new'], 1e-9):.1f}x")
    rows.append(total)
    return fmt_table(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workspace", nargs="?", default=str(DEFAULT_WS))
    ap.add_argument("--repeat", type=int, default=1, help="rounds; the best of them is reported (default 1)")
    ap.add_argument("--layers", default=",".join(LAYERS), help="comma-separated layers (default all five)")
    ap.add_argument("--writers", default=",".join(WRITERS), help=f"comma-separated, of {', '.join(WRITERS)}")
    ap.add_argument("--check", action="store_true", help="compare old and new GeoJSON feature by feature")
    ap.add_argument("--keep", action="store_true", help="keep the written files in bench/out/write/files")
    a = ap.parse_args(argv)
    layers = [x for x in a.layers.split(",") if x]
    writers = [x for x in a.writers.split(",") if x]
    unknown = sorted(set(layers) - set(LAYERS)) + sorted(set(writers) - set(WRITERS))
    if unknown:
        ap.error(f"unknown layer or writer: {', '.join(unknown)}")
    ws = Path(a.workspace)
    if not ws.exists() and ws.resolve() == DEFAULT_WS.resolve():
        subprocess.run([sys.executable, str(HERE / "make_province.py"), "--out", str(ws)], check=True)

    from riskmap import assess

    t0 = time.perf_counter()
    assessment = assess(ws)
    assess_s = time.perf_counter() - t0
    frames = {layer: getattr(assessment, layer) for layer in layers}
    sizes = {layer: len(frame) for layer, frame in frames.items()}
    print(f"assessed {ws} in {assess_s:.1f} s; process RSS {_rss_mb():,.0f} MB; "
          + ", ".join(f"{k} {v:,}" for k, v in sizes.items()), flush=True)

    files = OUT / "files"
    files.mkdir(parents=True, exist_ok=True)
    runs: dict = {layer: {w: [] for w in writers} for layer in layers}
    for round_ in range(a.repeat):
        for layer in layers:
            for writer in writers:
                r = timed_write(writer, frames[layer], files / f"{layer}{SUFFIX[writer]}")
                if "error" in r:
                    print(f"  {layer} {writer}: {r['error']}", file=sys.stderr)
                    return 1
                runs[layer][writer].append(r)
                print(f"  round {round_ + 1} {layer:12s} {writer:10s} {r['seconds']:6.2f} s "
                      f"{r['size_mb']:7.1f} MB  +{r['peak_extra_mb']:,.0f} MB RSS  (imports {r['import_s']:.2f} s)",
                      flush=True)
    best = {layer: {w: min(runs[layer][w], key=lambda r: r["seconds"]) for w in writers} for layer in layers}
    print()
    print(report(best, layers, writers, sizes))

    problems: dict[str, list[str]] = {}
    if a.check and "old" in writers and "new" in writers:
        for layer in layers:
            problems[layer] = check_same(files / f"{layer}{SUFFIX['old']}", files / f"{layer}{SUFFIX['new']}")
            verdict = "same features" if not problems[layer] else "; ".join(problems[layer][:5])
            print(f"check {layer}: {verdict}")

    figures = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load": os.getloadavg(), "python": platform.python_version()},
        "workspace": str(ws), "assess_s": round(assess_s, 2), "features": sizes, "repeat": a.repeat,
        "best": best, "runs": runs, "check": problems,
        "peak_rss_mb_parent": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    (OUT / "bench_write.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    if not a.keep:
        shutil.rmtree(files, ignore_errors=True)
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
