"""Benchmark: the RiskMap engine against the plain-geopandas baseline, province scale.

Usage::

    .venv/bin/python bench/bench_assess.py [WORKSPACE] [--repeat N] [--profile]
                                           [--skip-cli] [--skip-baseline]

With no WORKSPACE it uses ``bench/data/shanxi`` and generates it first
(``bench/make_province.py``: Shanxi's 117 real counties, 200,000 enterprises, 30,000
road segments, 300,000 accidents, 50,000 hazards) when it is missing.

Three runs, each in its own subprocess so that peak memory is measured separately
(``ru_maxrss`` of that child, from ``os.wait4``):

1. **engine**: ``riskmap.assess(WS)`` in a fresh interpreter; its
   ``Assessment.timings`` gives the per-stage seconds;
2. **cli**: ``riskmap assess WS --out bench/out/assess/cli`` (assessment plus every output file
   of DESIGN §7), timed end to end;
3. **baseline**: ``bench/baseline.py`` (sjoin, overlay, a substring loop, sjoin_nearest).

It prints the per-stage table, totals, speed-up and peak memory, then compares the
results (counts by grade of enterprises, road units and counties, road length assigned,
accident snapping, per-record grades) and prints every difference.  The figures are
also written to ``bench/out/assess/bench_assess.json``.

Goal (issue 2, point 10): engine at least 2x faster than the baseline end to end, peak
memory under 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "assess"
DEFAULT_WS = HERE / "data" / "shanxi"
GRADES = ["red", "orange", "yellow", "blue"]
GOAL_SPEEDUP = 2.0
GOAL_PEAK_MB = 4096.0


# --------------------------------------------------------------------------- workers
def worker_engine(ws: str, out_json: str, dump_dir: str, profile: str | None) -> None:
    """Run in the child: import and run the engine, write figures and per-record grades."""
    import resource

    t0 = time.perf_counter()
    import pandas as pd

    from riskmap import assess

    t_import = time.perf_counter() - t0
    if profile:
        import cProfile

        prof = cProfile.Profile()
        t1 = time.perf_counter()
        prof.enable()
        a = assess(ws)
        prof.disable()
        wall = time.perf_counter() - t1
        prof.dump_stats(profile)
    else:
        t1 = time.perf_counter()
        a = assess(ws)
        wall = time.perf_counter() - t1

    def by_grade(series):
        vc = pd.Series(series).value_counts()
        return {g: int(vc.get(g, 0)) for g in GRADES}

    ent, units, cty, acc = a.enterprises, a.road_units, a.counties, a.accidents
    res = {
        "implementation": "engine (riskmap.assess)",
        "import_s": round(t_import, 3),
        "assess_wall_s": round(wall, 3),
        "timings": {k: round(float(v), 3) for k, v in (a.timings or {}).items()},
        "summary": a.summary,
        "enterprises": {
            "input": int(len(ent)),
            "assigned": int(ent["county_code"].notna().sum()),
            "by_grade": by_grade(ent["grade"]),
        },
        "roads": {
            "units": int(len(units)),
            "assigned_length_m": round(float(units["length_m"].sum()), 1),
            "accident_prone_units": int(units["accident_prone"].astype(bool).sum()),
            "by_grade": by_grade(units["grade"]),
            "length_by_grade_m": {g: round(float(units.loc[units["grade"] == g, "length_m"].sum()), 1) for g in GRADES},
        },
        "accidents": {
            "input": int(len(acc)),
            "assigned": int(acc["county_code"].notna().sum()),
            "in_window": int(acc["in_window"].astype(bool).sum()) if "in_window" in acc else None,
            "snapped": int(acc["unit_id"].notna().sum()) if "unit_id" in acc else None,
        },
        "counties": {
            "count": int(len(cty)),
            "by_grade": by_grade(cty["grade"]),
            "grade": dict(zip(cty["county_code"].astype(str), cty["grade"])),
            "score": {str(k): round(float(v), 3) for k, v in zip(cty["county_code"], cty["score"])},
        },
        "peak_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }
    d = Path(dump_dir)
    d.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"enterprise_id": ent["enterprise_id"].astype(str), "county_code": ent["county_code"],
                  "grade": ent["grade"]}).to_parquet(d / "engine_enterprises.parquet")
    ucols = [c for c in ["unit_id", "segment_id", "county_code", "length_m", "fatal", "injury", "pdo", "grade"] if c in units]
    pd.DataFrame(units[ucols]).to_parquet(d / "engine_units.parquet")
    if "unit_id" in acc:
        pd.DataFrame(acc[["accident_id", "unit_id"]]).to_parquet(d / "engine_snaps.parquet")
    ccols = [c for c in cty.columns if c != "geometry" and (c.startswith("points_") or c in ("county_code", "score", "grade"))]
    pd.DataFrame(cty[ccols]).to_parquet(d / "engine_counties.parquet")
    Path(out_json).write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


# --------------------------------------------------------------------------- running
def run_child(cmd: list[str], log: Path, env=None) -> dict:
    """Run ``cmd``; return wall seconds, exit code and the child's own peak RSS (MB)."""
    t0 = time.perf_counter()
    with open(log, "wb") as f:
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(wall, 3), "rc": p.returncode, "peak_rss_mb": round(ru.ru_maxrss / 1024.0, 1), "log": str(log)}


def riskmap_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("riskmap")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from riskmap.cli import main; sys.exit(main())"]


def best_of(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["rc"] == 0] or runs
    best = min(ok, key=lambda r: r["wall_s"])
    best = dict(best)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    best["runs_wall_s"] = [r["wall_s"] for r in runs]
    return best


# --------------------------------------------------------------------------- comparing
def compare(eng: dict, base: dict, dump: Path) -> list[str]:
    """Differences between engine and baseline results, as printable lines."""
    import pandas as pd

    diffs: list[str] = []

    def cmp(label, a, b, rel=0.0):
        if isinstance(a, dict):
            for k in sorted(set(a) | set(b), key=lambda k: (k not in GRADES, GRADES.index(k) if k in GRADES else 0, k)):
                cmp(f"{label}.{k}", a.get(k), b.get(k), rel)
            return
        if a is None or b is None:
            return
        if isinstance(a, float) or isinstance(b, float):
            same = abs(a - b) <= rel * max(abs(a), abs(b), 1.0)
        else:
            same = a == b
        if not same:
            extra = f" ({(a - b) / b * 100:+.4f} %)" if isinstance(a, (int, float)) and b else ""
            diffs.append(f"{label}: engine {a} vs baseline {b}{extra}")

    cmp("enterprises.by_grade", eng["enterprises"]["by_grade"], base["enterprises"]["by_grade"])
    cmp("enterprises.assigned", eng["enterprises"]["assigned"], base["enterprises"]["assigned"])
    cmp("road_units.count", eng["roads"]["units"], base["roads"]["units"])
    cmp("road_units.by_grade", eng["roads"]["by_grade"], base["roads"]["by_grade"])
    cmp("road_units.accident_prone", eng["roads"]["accident_prone_units"], base["roads"]["accident_prone_units"])
    cmp("road_units.assigned_length_m", eng["roads"]["assigned_length_m"], base["roads"]["assigned_length_m"], 1e-6)
    cmp("road_units.length_by_grade_m", eng["roads"]["length_by_grade_m"], base["roads"]["length_by_grade_m"], 1e-6)
    cmp("accidents.assigned", eng["accidents"]["assigned"], base["accidents"]["assigned"])
    cmp("accidents.in_window", eng["accidents"]["in_window"], base["accidents"]["in_window"])
    cmp("accidents.snapped", eng["accidents"]["snapped"], base["accidents"]["snapped"])
    s = eng.get("summary") or {}
    h = s.get("hazards") or {}
    for k in ("open", "major_open", "overdue"):
        cmp(f"hazards.{k}", h.get(k), base["hazards"][k])
    cmp("counties.by_grade", eng["counties"]["by_grade"], base["counties"]["by_grade"])
    es, bs = eng["counties"]["score"], base["counties"]["score"]
    bad = [(k, es.get(k), bs.get(k)) for k in sorted(set(es) | set(bs))
           if es.get(k) is None or bs.get(k) is None or abs(es[k] - bs[k]) > 1e-6 * max(abs(bs[k]), 1.0)]
    if bad:
        worst = max(bad, key=lambda r: abs((r[1] or 0) - (r[2] or 0)))
        diffs.append(f"counties.score: {len(bad)} of {len(bs)} counties differ; largest {worst[0]}: "
                     f"engine {worst[1]} vs baseline {worst[2]}")

    # per-record: enterprises by id
    try:
        ee = pd.read_parquet(dump / "engine_enterprises.parquet")
        be = pd.read_parquet(dump / "baseline_enterprises.parquet")
        m = ee.merge(be, on="enterprise_id", how="outer", suffixes=("_engine", "_baseline"), indicator=True)
        g = m[(m["_merge"] == "both") & (m["grade_engine"] != m["grade_baseline"])]
        if len(g):
            ex = ", ".join(f"{r.enterprise_id} {r.grade_engine}/{r.grade_baseline}" for r in g.head(5).itertuples())
            diffs.append(f"enterprises: {len(g)} records graded differently (engine/baseline), e.g. {ex}")
        cc = m[(m["_merge"] == "both") & (m["county_code_engine"].fillna("") != m["county_code_baseline"].fillna(""))]
        if len(cc):
            ex = ", ".join(f"{r.enterprise_id} {r.county_code_engine}/{r.county_code_baseline}" for r in cc.head(5).itertuples())
            diffs.append(f"enterprises: {len(cc)} placed in a different county, e.g. {ex}")
        only = m[m["_merge"] != "both"]
        if len(only):
            diffs.append(f"enterprises: {len(only)} ids only on one side")
    except Exception as exc:  # noqa: BLE001
        diffs.append(f"(enterprise record comparison skipped: {exc})")
    # per-record: units per (segment, county): number and length
    try:
        eu = pd.read_parquet(dump / "engine_units.parquet")
        bu = pd.read_parquet(dump / "baseline_units.parquet")
        key = ["segment_id", "county_code"]
        ea = eu.groupby(key).agg(n=("length_m", "size"), km=("length_m", "sum"))
        ba = bu.groupby(key).agg(n=("length_m", "size"), km=("length_m", "sum"))
        j = ea.add_suffix("_e").join(ba.add_suffix("_b"), how="outer")
        dn = j[j["n_e"].fillna(-1) != j["n_b"].fillna(-1)]
        if len(dn):
            ex = "; ".join(f"{i[0]}@{i[1]} {r.n_e:.0f}/{r.n_b:.0f} units, {r.km_e:.2f}/{r.km_b:.2f} m"
                           for i, r in dn.head(5).iterrows())
            diffs.append(f"road units: {len(dn)} (segment, county) pairs cut into a different number of units, e.g. {ex}")
        dl = j[(j["km_e"].fillna(0) - j["km_b"].fillna(0)).abs() > 1e-3]
        if len(dl):
            diffs.append(f"road units: {len(dl)} (segment, county) pairs differ in length by > 1 mm "
                         f"(sum of |diff| {float((j['km_e'].fillna(0) - j['km_b'].fillna(0)).abs().sum()):.1f} m)")
        if "fatal" in eu:
            for col in ("fatal", "injury", "pdo"):
                te, tb = int(eu[col].sum()), int(bu[col].sum())
                if te != tb:
                    diffs.append(f"road units: total {col} accidents snapped engine {te} vs baseline {tb}")
            # unit by unit, independent of the unit_id scheme: the multiset of
            # (segment, county, length to 1 cm, fatal, injury, pdo, grade)
            cols = ["segment_id", "county_code", "len_cm", "fatal", "injury", "pdo", "grade"]
            ku = [u.assign(len_cm=(u["length_m"] * 100).round().astype("int64"), grade=u["grade"].astype(str))[cols]
                  .value_counts() for u in (eu, bu)]
            kj = ku[0].to_frame("e").join(ku[1].to_frame("b"), how="outer").fillna(0)
            bad_units = kj[kj["e"] != kj["b"]]
            if len(bad_units):
                diffs.append(f"road units: {int((bad_units['e'] - bad_units['b']).abs().sum())} units differ in "
                             f"(segment, county, length, fatal, injury, pdo, grade), e.g. {list(bad_units.index[:3])}")
    except Exception as exc:  # noqa: BLE001
        diffs.append(f"(unit comparison skipped: {exc})")
    try:
        es_ = pd.read_parquet(dump / "engine_snaps.parquet")
        bs_ = pd.read_parquet(dump / "baseline_snaps.parquet")
        m = bs_.merge(es_, on="accident_id", how="left", suffixes=("_b", "_e"))
        snapped_b = m["unit_id_b"].notna()
        snapped_e = m["unit_id_e"].notna()
        n_diff_status = int((snapped_b != snapped_e).sum())
        if n_diff_status:
            diffs.append(f"accidents: {n_diff_status} in-window traffic accidents snapped by one side only")
        # the unit each accident went to, as (segment, county, position along the piece)
        def where(units, ids):
            u = units.set_index("unit_id")
            return ids.map(u["segment_id"]).astype(str).str.cat(ids.map(u["county_code"]).astype(str), sep="|")
        both = m[snapped_b & snapped_e]
        seg_b, seg_e = where(bu, both["unit_id_b"]), where(eu, both["unit_id_e"])
        n_seg = int((seg_b != seg_e).sum())
        if n_seg:
            diffs.append(f"accidents: {n_seg} snapped to a unit of a different (segment, county)")
    except Exception as exc:  # noqa: BLE001
        diffs.append(f"(snap comparison skipped: {exc})")
    return diffs


# --------------------------------------------------------------------------- report
def fmt_table(rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description="time riskmap assess against the geopandas baseline")
    ap.add_argument("workspace", nargs="?", default=str(DEFAULT_WS))
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; the fastest counts (default 1)")
    ap.add_argument("--profile", action="store_true", help="also profile the engine with cProfile (bench/out/assess/engine.prof)")
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--worker-args", nargs="*", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.worker == "engine":
        out_json, dump, prof = a.worker_args
        worker_engine(a.workspace, out_json, dump, prof or None)
        return 0

    ws = Path(a.workspace).resolve()
    if not (ws / "riskmap.toml").exists():
        if ws != DEFAULT_WS.resolve():
            sys.exit(f"no riskmap.toml in {ws}")
        print(f"generating {ws} (bench/make_province.py) ...", flush=True)
        subprocess.run([sys.executable, str(HERE / "make_province.py"), "--out", str(ws)], check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    dump = OUT / "records"
    env = dict(os.environ, PYTHONWARNINGS="ignore")

    results: dict = {"workspace": str(ws), "date": datetime.now().isoformat(timespec="seconds"),
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform(), "loadavg_start": os.getloadavg()}}

    # The three runs are interleaved (engine, cli, baseline, engine, ...) so that on a
    # shared machine each sees about the same background load; the fastest run counts.
    eng_runs, eng = [], None
    cli_runs, base_runs, base = [], [], None
    for i in range(a.repeat):
        # 1. engine
        j = OUT / "engine.json"
        prof = str(OUT / "engine.prof") if (a.profile and i == 0) else ""
        r = run_child([sys.executable, __file__, str(ws), "--worker", "engine", "--worker-args", str(j), str(dump), prof],
                      OUT / "engine.log", env)
        if r["rc"] != 0:
            print(Path(r["log"]).read_text(errors="replace")[-3000:])
            sys.exit(f"engine run failed (exit {r['rc']}), log {r['log']}")
        data = json.loads(j.read_text(encoding="utf-8"))
        r["assess_wall_s"] = data["assess_wall_s"]
        r["profiled"] = bool(prof)  # a profiled run counts for memory and figures, not time
        eng_runs.append(r)
        data["_profiled"] = bool(prof)
        if eng is None or (eng["_profiled"] and not prof) or (not prof and data["assess_wall_s"] < eng["assess_wall_s"]):
            eng = data
        # 2. CLI: assessment + every output file
        if not a.skip_cli:
            out_dir = OUT / "cli"
            shutil.rmtree(out_dir, ignore_errors=True)
            cli_runs.append(run_child(riskmap_cmd() + ["assess", str(ws), "--out", str(out_dir)], OUT / "cli.log", env))
        # 3. baseline
        if not a.skip_baseline:
            j = OUT / "baseline.json"
            r = run_child([sys.executable, str(HERE / "baseline.py"), str(ws), "--json", str(j), "--dump", str(dump)],
                          OUT / "baseline.log", env)
            if r["rc"] != 0:
                print(Path(r["log"]).read_text(errors="replace")[-3000:])
                sys.exit(f"baseline failed (exit {r['rc']})")
            data = json.loads(j.read_text(encoding="utf-8"))
            base_runs.append(r)
            if base is None or data["timings"]["total"] < base["timings"]["total"]:
                base = data

    timed = [r for r in eng_runs if not r["profiled"]] or eng_runs
    eng_proc = best_of(timed)
    eng_proc["peak_rss_mb"] = max(r["peak_rss_mb"] for r in eng_runs)
    results["engine"] = {"process": eng_proc, **{k: v for k, v in eng.items() if k != "_profiled"}}
    if a.profile:
        import io
        import pstats

        s = io.StringIO()
        pstats.Stats(str(OUT / "engine.prof"), stream=s).sort_stats("cumulative").print_stats(40)
        s.write("\n\n")
        pstats.Stats(str(OUT / "engine.prof"), stream=s).sort_stats("tottime").print_stats(30)
        (OUT / "engine_profile.txt").write_text(s.getvalue(), encoding="utf-8")
        print(f"profile written to {OUT / 'engine_profile.txt'}")
        if a.repeat == 1:
            print("note: with --profile and --repeat 1 the engine time includes profiling overhead")
    cli = None
    if cli_runs:
        cli = best_of(cli_runs)
        if cli["rc"] != 0:
            print(Path(cli["log"]).read_text(errors="replace")[-3000:])
            print(f"warning: riskmap assess exited {cli['rc']} (log {cli['log']})")
        cli["stages"] = cli_stages(Path(cli["log"]))
        results["cli"] = cli
    if base is not None:
        results["baseline"] = {"process": best_of(base_runs), **base}

    # ---- report
    print()
    print(f"workspace: {ws}")
    s = eng.get("summary") or {}
    print(f"records: {s.get('enterprises', {}).get('input', '?')} enterprises, "
          f"{s.get('roads', {}).get('segments_input', '?')} road segments, "
          f"{s.get('accidents', {}).get('input', '?')} accidents, {s.get('hazards', {}).get('input', '?')} hazards; "
          f"{os.cpu_count()} CPUs, best of {a.repeat}; load average {results['machine']['loadavg_start'][0]:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} at end")
    results["machine"]["loadavg_end"] = os.getloadavg()
    print()
    et = dict(eng["timings"])
    print("engine stages (Assessment.timings, s):")
    print(fmt_table([["stage", "seconds"]] + [[k, f"{v:.2f}"] for k, v in et.items()]))
    if base:
        print()
        print("baseline stages (s):")
        print(fmt_table([["stage", "seconds"]] + [[k, f"{v:.2f}"] for k, v in base["timings"].items()]))
    if cli and cli.get("stages"):
        print()
        print("cli stages (progress lines of `riskmap assess --out`, s):")
        print(fmt_table([["stage", "seconds"]] + [[k, f"{v:.1f}"] for k, v in cli["stages"].items()]))
    if base:
        print()
        print("stages side by side (s):")
        ge, gb = group_stages(et, ENGINE_GROUPS), group_stages(base["timings"], BASELINE_GROUPS)
        rows = [["stage", "engine", "baseline", "baseline/engine"]]
        for g in STAGE_GROUPS:
            if g in ge or g in gb:
                e_, b_ = ge.get(g, 0.0), gb.get(g, 0.0)
                rows.append([g, f"{e_:.2f}", f"{b_:.2f}", f"{b_ / e_:.2f}x" if e_ > 0 else "-"])
        results["stage_groups"] = {"engine": ge, "baseline": gb}
        print(fmt_table(rows))
    print()
    rows = [["run", "in-process s", "process wall s", "peak RSS MB"]]
    rows.append(["engine: assess()", f"{eng['assess_wall_s']:.2f}", f"{eng_proc['wall_s']:.2f}", f"{eng_proc['peak_rss_mb']:.0f}"])
    if cli:
        rows.append(["cli: riskmap assess --out", "", f"{cli['wall_s']:.2f}", f"{cli['peak_rss_mb']:.0f}"])
    if base:
        bp = results["baseline"]["process"]
        rows.append(["baseline (geopandas)", f"{base['timings']['total']:.2f}", f"{bp['wall_s']:.2f}", f"{bp['peak_rss_mb']:.0f}"])
    print(fmt_table(rows))
    verdict = {}
    if base:
        sp_in = base["timings"]["total"] / eng["assess_wall_s"]
        sp_proc = results["baseline"]["process"]["wall_s"] / eng_proc["wall_s"]
        peak = max(eng_proc["peak_rss_mb"], cli["peak_rss_mb"] if cli else 0)
        verdict = {"speedup_in_process": round(sp_in, 2), "speedup_process": round(sp_proc, 2),
                   "peak_rss_mb": peak,
                   "speedup_ok": sp_in >= GOAL_SPEEDUP, "memory_ok": peak < GOAL_PEAK_MB}
        print()
        print(f"speed-up (baseline / engine): {sp_in:.2f}x in process, {sp_proc:.2f}x as processes "
              f"(goal >= {GOAL_SPEEDUP:.0f}x: {'met' if sp_in >= GOAL_SPEEDUP else 'NOT met'})")
        print(f"peak memory engine {eng_proc['peak_rss_mb']:.0f} MB"
              + (f", cli {cli['peak_rss_mb']:.0f} MB" if cli else "")
              + f", baseline {results['baseline']['process']['peak_rss_mb']:.0f} MB "
              f"(goal < {GOAL_PEAK_MB:.0f} MB: {'met' if peak < GOAL_PEAK_MB else 'NOT met'})")
        print()
        print("results (engine | baseline):")
        print(fmt_table([
            ["", "engine", "baseline"],
            ["enterprises by grade", _g(eng["enterprises"]["by_grade"]), _g(base["enterprises"]["by_grade"])],
            ["road units", eng["roads"]["units"], base["roads"]["units"]],
            ["road units by grade", _g(eng["roads"]["by_grade"]), _g(base["roads"]["by_grade"])],
            ["accident-prone units", eng["roads"]["accident_prone_units"], base["roads"]["accident_prone_units"]],
            ["assigned road km", f"{eng['roads']['assigned_length_m'] / 1000:.3f}", f"{base['roads']['assigned_length_m'] / 1000:.3f}"],
            ["accidents snapped", eng["accidents"]["snapped"], base["accidents"]["snapped"]],
            ["counties by grade", _g(eng["counties"]["by_grade"]), _g(base["counties"]["by_grade"])],
        ]))
        diffs = compare(eng, base, dump)
        results["differences"] = diffs
        print()
        if diffs:
            print("differences:")
            for d in diffs:
                print("  - " + d)
        else:
            print("no differences: engine and baseline agree on every compared figure")
    results["verdict"] = verdict
    (OUT / "bench_assess.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"\nfigures written to {OUT / 'bench_assess.json'}")
    return 0


STAGE_GROUPS = ["read + coordinates", "points to counties", "roads: split + units", "accident snapping (+ road grading)",
                "grading", "other"]
# keyword -> group, first match wins (engine stage names may change; unknown ones go to "other")
ENGINE_GROUPS = [("snap", STAGE_GROUPS[3]), ("split", STAGE_GROUPS[2]), ("cut", STAGE_GROUPS[2]),
                 ("unit", STAGE_GROUPS[2]), ("join", STAGE_GROUPS[1]), ("place", STAGE_GROUPS[1]),
                 ("grade", STAGE_GROUPS[4]), ("read", STAGE_GROUPS[0]), ("load", STAGE_GROUPS[0]),
                 ("counties", STAGE_GROUPS[0]), ("coord", STAGE_GROUPS[0])]
BASELINE_GROUPS = [("read", STAGE_GROUPS[0]), ("coords", STAGE_GROUPS[0]), ("join_points", STAGE_GROUPS[1]),
                   ("split", STAGE_GROUPS[2]), ("units", STAGE_GROUPS[2]), ("snap", STAGE_GROUPS[3]),
                   ("grade", STAGE_GROUPS[4])]


def cli_stages(log: Path) -> dict:
    """Stage times from the CLI's progress lines ("  write outputs: 12.7 s")."""
    import re

    out: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.match(r"^\s+(.+?): ([0-9.]+) s$", line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def group_stages(timings: dict, rules) -> dict:
    out: dict[str, float] = {}
    for name, sec in timings.items():
        if name == "total":
            continue
        group = next((g for key, g in rules if key in name.lower()), "other")
        out[group] = round(out.get(group, 0.0) + float(sec), 3)
    return out


def _g(d: dict) -> str:
    return "/".join(str(d.get(g, 0)) for g in GRADES)


if __name__ == "__main__":
    sys.exit(main())
