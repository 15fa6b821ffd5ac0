"""Reference implementation of the default standard (DESIGN §6) in plain geopandas.

What a competent analyst would write in an afternoon: read the files with
geopandas/pandas, move the GCJ-02 counties to WGS-84, ``gpd.sjoin`` the points to the
counties, ``gpd.overlay`` the roads with the counties in a UTM zone, explode the
pieces, cut them into units with a Python loop over ``shapely.ops.substring``,
``gpd.sjoin_nearest(max_distance=50)`` the accidents onto the units, then grade
enterprises, road units and counties with pandas.  It exists to time the engine
against, and to cross-check its results; it is not used by RiskMap itself.

It reads the workspace written by ``bench/make_province.py`` (canonical column names,
the datasets named in ``riskmap.toml``); it is not a general workspace reader.

Usage::

    .venv/bin/python bench/baseline.py bench/data/shanxi [--json OUT.json]

Prints per-stage seconds and counts by grade; ``--json`` writes the full result,
including peak RSS of this process (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
import tomllib
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _coords  # noqa: E402

GRADES = ["red", "orange", "yellow", "blue"]
BY_RANK = np.array(["blue", "yellow", "orange", "red"], dtype=object)
METRIC_CRS = "EPSG:32649"  # UTM 49N: 108-114E, holds the centre of Shanxi (110.2-114.6E)

# ---- the default standard, numbers from DESIGN §6 -----------------------------------
LEC_L = {10, 6, 3, 1, 0.5, 0.2, 0.1}
LEC_E = {10, 6, 3, 2, 1, 0.5}
LEC_C = {100, 40, 15, 7, 3, 1}
LEC_T = (320, 160, 70)  # red, orange, yellow lower bounds
MATRIX_T = (20, 15, 9)
SECTOR_BASELINE = {  # rank: 0 blue, 1 yellow, 2 orange, 3 red
    "coal_mine": 2,
    "hazardous_chemicals": 1,
    "non_coal_mine": 1,
    "fire": 1,
    "construction": 1,
}
ROAD_WINDOW_YEARS = 3
SNAP_M = 50.0
EPDO_W = (10.0, 5.0, 1.0)  # fatal, injury, property-only
PRONE_FATAL, PRONE_INJURY = 3, 10
ROAD_T = (20.0, 10.0, 3.0)
UNIT_M = 1000.0
NEAR_M = 100.0  # a point up to 100 m outside goes to the nearest county
ENT_POINTS = {"red": 10.0, "orange": 5.0, "yellow": 2.0, "blue": 0.5}
ROAD_POINTS = {"red": 5.0, "orange": 2.0, "yellow": 0.5, "blue": 0.0}
HAZ_POINTS = {"major": 10.0, "overdue": 2.0, "other": 0.5}
DEATH_POINTS = 5.0


def county_thresholds() -> tuple[tuple[float, float, float], str]:
    """County score thresholds (red, orange, yellow): DESIGN §6 leaves the numbers to the
    standard TOML, so take them from the package's ``default`` standard."""
    try:
        from riskmap.standard import load_standard  # type: ignore

        std = load_standard("default")
        th = std.county_thresholds if hasattr(std, "county_thresholds") else None
        if th:
            return (float(th["red"]), float(th["orange"]), float(th["yellow"])), "riskmap.standard"
    except Exception:
        pass
    path = HERE.parent / "riskmap" / "standards" / "default.toml"
    if path.exists():
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        found = _find_county_thresholds(doc)
        if found:
            return found, str(path.relative_to(HERE.parent))
    return (100.0, 50.0, 20.0), "fallback (no default.toml found)"


def _find_county_thresholds(doc):
    county = doc.get("county") or doc.get("counties") or {}
    for key in ("thresholds", "fixed", "breaks"):
        t = county.get(key)
        if isinstance(t, dict) and {"red", "orange", "yellow"} <= set(t):
            return float(t["red"]), float(t["orange"]), float(t["yellow"])
        if isinstance(t, dict):
            for v in t.values():
                if isinstance(v, dict) and {"red", "orange", "yellow"} <= set(v):
                    return float(v["red"]), float(v["orange"]), float(v["yellow"])
    return None


def by_threshold(values, t) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return np.select([v >= t[0], v >= t[1], v >= t[2]], [3, 2, 1], 0)


def count_grades(grades) -> dict:
    vc = pd.Series(grades).value_counts()
    return {g: int(vc.get(g, 0)) for g in GRADES}


class Stages:
    def __init__(self):
        self.t = time.perf_counter()
        self.times: dict[str, float] = {}

    def done(self, name):
        now = time.perf_counter()
        self.times[name] = round(now - self.t, 3)
        self.t = now


# ---- the pipeline --------------------------------------------------------------------
def assign_county(points: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, counties_m: gpd.GeoDataFrame) -> pd.Series:
    """county_code for each point: within a county, else the nearest one within 100 m."""
    j = gpd.sjoin(points[["geometry"]], counties[["county_code", "geometry"]], how="left", predicate="within")
    j = j[~j.index.duplicated(keep="first")]
    code = j["county_code"].reindex(points.index)
    miss = code.isna() & points.geometry.notna()
    if miss.any():
        near = gpd.sjoin_nearest(
            points.loc[miss, ["geometry"]].to_crs(METRIC_CRS),
            counties_m[["county_code", "geometry"]],
            how="left",
            max_distance=NEAR_M,
        )
        near = near[~near.index.duplicated(keep="first")]
        code.loc[miss] = near["county_code"]
    return code


def run(ws: Path) -> dict:
    ws = Path(ws)
    cfg = tomllib.loads((ws / "riskmap.toml").read_text(encoding="utf-8"))
    as_of = pd.Timestamp(cfg["workspace"]["as_of"])
    ds = cfg["datasets"]
    st = Stages()

    # -- read
    counties = gpd.read_file(ws / ds["counties"]["path"])
    counties["county_code"] = counties["county_code"].astype(str)
    ent = pd.read_csv(ws / ds["enterprises"]["path"], dtype={"enterprise_id": str, "sector": str})
    roads = gpd.read_parquet(ws / ds["roads"]["path"])
    acc = gpd.read_parquet(ws / ds["accidents"]["path"])
    haz = pd.read_csv(
        ws / ds["hazards"]["path"],
        dtype={"hazard_id": str, "enterprise_id": str},
        parse_dates=["found_date", "deadline", "closed_date"],
    )
    st.done("read")

    # -- coordinates: counties GCJ-02 -> WGS-84; points to GeoDataFrames; a metric copy
    counties = counties.set_crs(None, allow_override=True)
    counties["geometry"] = shapely.transform(
        counties.geometry.values, lambda xy: np.column_stack(_coords.gcj02_to_wgs84(xy[:, 0], xy[:, 1]))
    )
    counties = counties.set_crs("EPSG:4326", allow_override=True)
    counties["geometry"] = counties.geometry.make_valid()
    counties_m = counties.to_crs(METRIC_CRS)
    ent = gpd.GeoDataFrame(ent, geometry=gpd.points_from_xy(ent["lon"], ent["lat"]), crs="EPSG:4326")
    haz_has_pt = haz["lon"].notna() & haz["lat"].notna()
    haz = gpd.GeoDataFrame(
        haz, geometry=gpd.points_from_xy(haz["lon"].where(haz_has_pt), haz["lat"].where(haz_has_pt)), crs="EPSG:4326"
    )
    haz.loc[~haz_has_pt, "geometry"] = None
    acc["date"] = pd.to_datetime(acc["date"])
    st.done("coords")

    # -- points to counties
    ent["county_code"] = assign_county(ent, counties, counties_m)
    acc["county_code"] = assign_county(acc, counties, counties_m)
    haz_pt = haz[haz_has_pt]
    haz["point_county"] = assign_county(haz_pt, counties, counties_m).reindex(haz.index)
    st.done("join_points")

    # -- roads split at county borders (overlay), connected parts as pieces
    roads_m = roads.to_crs(METRIC_CRS)
    input_length = float(roads_m.length.sum())
    pieces = gpd.overlay(
        roads_m[["segment_id", "road_name", "road_class", "geometry"]],
        counties_m[["county_code", "geometry"]],
        how="intersection",
        keep_geom_type=True,
    )
    pieces["geometry"] = shapely.line_merge(pieces.geometry.values)
    pieces = pieces.explode(index_parts=False).reset_index(drop=True)
    pieces = pieces[pieces.length > 0].reset_index(drop=True)
    pieces["piece"] = pieces.groupby(["segment_id", "county_code"]).cumcount() + 1
    st.done("split")

    # -- units: each piece into ceil(len/1000) equal parts
    rows = []
    for seg, cc, piece, geom in zip(pieces["segment_id"], pieces["county_code"], pieces["piece"], pieces.geometry):
        length = geom.length
        n = max(1, math.ceil(length / UNIT_M))
        step = length / n
        for i in range(n):
            rows.append((f"{seg}-{cc}-{piece}-{i + 1}", seg, cc, substring(geom, i * step, (i + 1) * step)))
    units = gpd.GeoDataFrame(rows, columns=["unit_id", "segment_id", "county_code", "geometry"], crs=METRIC_CRS)
    units["length_m"] = units.length
    st.done("units")

    # -- accidents in the 36-month window snap to the nearest unit within 50 m
    win_start = as_of - pd.DateOffset(years=ROAD_WINDOW_YEARS)
    in_window = (acc["date"] > win_start) & (acc["date"] <= as_of)
    traffic = acc[in_window & (acc["kind"].fillna("traffic") == "traffic")].to_crs(METRIC_CRS)
    snapped = gpd.sjoin_nearest(
        traffic[["accident_id", "deaths", "injuries", "geometry"]],
        units[["unit_id", "geometry"]],
        how="left",
        max_distance=SNAP_M,
        distance_col="snap_distance_m",
    )
    snapped = snapped[~snapped.index.duplicated(keep="first")]
    st.done("snap")

    # -- grading: enterprises
    l, e, c = ent["lec_l"], ent["lec_e"], ent["lec_c"]
    has_lec = l.notna() & e.notna() & c.notna()
    bad_lec = has_lec & ~(l.isin(LEC_L) & e.isin(LEC_E) & c.isin(LEC_C))
    has_mat = ~has_lec & ent["likelihood"].notna() & ent["severity"].notna()
    inherent = np.where(
        has_lec,
        by_threshold(l * e * c, LEC_T),
        np.where(has_mat, by_threshold(ent["likelihood"] * ent["severity"], MATRIX_T),
                 ent["sector"].map(SECTOR_BASELINE).fillna(0).astype(int)),
    )
    haz["is_open"] = haz["status"].isin(["open", "rectifying"])
    haz["overdue"] = haz["is_open"] & (haz["deadline"] < as_of)
    major_open_ids = set(haz.loc[haz["is_open"] & (haz["level"] == "major"), "enterprise_id"].dropna())
    overdue_n = haz[haz["overdue"]].groupby("enterprise_id").size()
    win12 = (acc["date"] > as_of - pd.DateOffset(years=1)) & (acc["date"] <= as_of)
    fatal_prod_ids = set(acc.loc[win12 & (acc["kind"] == "production") & (acc["deaths"] >= 1), "enterprise_id"].dropna())
    mh = ent["major_hazard_level"]
    floor = np.zeros(len(ent), dtype=int)
    red_by_major = ent["enterprise_id"].isin(major_open_ids).to_numpy()
    floor = np.where(red_by_major, 3, floor)
    floor = np.maximum(floor, np.where(mh.isin([1, 2]), 3, np.where(mh.isin([3, 4]), 2, 0)))
    raises = ent["enterprise_id"].isin(fatal_prod_ids).astype(int) + (
        ent["enterprise_id"].map(overdue_n).fillna(0) >= 3
    ).astype(int)
    ent["rank"] = np.minimum(np.maximum(inherent, floor) + raises.to_numpy(), 3)
    ent["grade"] = BY_RANK[ent["rank"]]

    # -- grading: road units
    d, inj = snapped["deaths"].fillna(0), snapped["injuries"].fillna(0)
    snapped["fatal"] = (d >= 1).astype(int)
    snapped["injury"] = ((d == 0) & (inj >= 1)).astype(int)
    snapped["pdo"] = ((d == 0) & (inj == 0)).astype(int)
    per_unit = snapped.dropna(subset=["unit_id"]).groupby("unit_id")[["fatal", "injury", "pdo"]].sum()
    units = units.join(per_unit, on="unit_id")
    units[["fatal", "injury", "pdo"]] = units[["fatal", "injury", "pdo"]].fillna(0).astype(int)
    units["epdo"] = EPDO_W[0] * units["fatal"] + EPDO_W[1] * units["injury"] + EPDO_W[2] * units["pdo"]
    units["accident_prone"] = (units["fatal"] >= PRONE_FATAL) | (units["injury"] >= PRONE_INJURY)
    units["rate"] = units["epdo"] / np.maximum(units["length_m"] / 1000.0, 0.5) / ROAD_WINDOW_YEARS
    units["grade"] = np.where(units["accident_prone"], "red", BY_RANK[by_threshold(units["rate"], ROAD_T)])

    # -- grading: counties
    c_thr, c_thr_src = county_thresholds()
    pe = ent.groupby("county_code")["grade"].apply(lambda g: g.map(ENT_POINTS).sum())
    units["_pts"] = units["grade"].map(ROAD_POINTS) * units["length_m"] / 1000.0
    pr = units.groupby("county_code")["_pts"].sum()
    ent_county = ent.set_index("enterprise_id")["county_code"]
    haz["county_code"] = haz["enterprise_id"].map(ent_county)
    haz.loc[haz["enterprise_id"].isna(), "county_code"] = haz["point_county"]
    open_h = haz[haz["is_open"]]
    h_pts = np.where(open_h["level"] == "major", HAZ_POINTS["major"],
                     np.where(open_h["overdue"], HAZ_POINTS["overdue"], HAZ_POINTS["other"]))
    ph = pd.Series(h_pts, index=open_h.index).groupby(open_h["county_code"]).sum()
    pa = (acc.loc[win12, "deaths"] * DEATH_POINTS).groupby(acc.loc[win12, "county_code"]).sum()
    cty = counties[["county_code", "county_name"]].copy()
    for col, s in [("points_enterprises", pe), ("points_roads", pr), ("points_hazards", ph), ("points_accidents", pa)]:
        cty[col] = cty["county_code"].map(s).fillna(0.0).astype(float)
    cty["score"] = cty[["points_enterprises", "points_roads", "points_hazards", "points_accidents"]].sum(axis=1)
    crank = by_threshold(cty["score"], c_thr)
    major_counties = set(ent.loc[red_by_major, "county_code"].dropna())
    crank = np.where(cty["county_code"].isin(major_counties), np.maximum(crank, 2), crank)
    cty["grade"] = BY_RANK[crank]
    st.done("grade")

    times = dict(st.times)
    times["total"] = round(sum(st.times.values()), 3)
    assigned_len = float(units["length_m"].sum())
    return {
        "implementation": "baseline (geopandas)",
        "coords": _coords.SOURCE,
        "county_thresholds": {"values": c_thr, "source": c_thr_src},
        "timings": times,
        "enterprises": {
            "input": int(len(ent)),
            "assigned": int(ent["county_code"].notna().sum()),
            "unassigned": int(ent["county_code"].isna().sum()),
            "bad_lec": int(bad_lec.sum()),
            "by_grade": count_grades(ent["grade"]),
            "by_method": {"lec": int(has_lec.sum()), "matrix": int(has_mat.sum()),
                          "baseline": int((~has_lec & ~has_mat).sum())},
        },
        "roads": {
            "segments_input": int(len(roads)),
            "input_length_m": round(input_length, 1),
            "pieces": int(len(pieces)),
            "units": int(len(units)),
            "assigned_length_m": round(assigned_len, 1),
            "accident_prone_units": int(units["accident_prone"].sum()),
            "by_grade": count_grades(units["grade"]),
            "length_by_grade_m": {g: round(float(units.loc[units["grade"] == g, "length_m"].sum()), 1) for g in GRADES},
        },
        "accidents": {
            "input": int(len(acc)),
            "assigned": int(acc["county_code"].notna().sum()),
            "in_window": int(in_window.sum()),
            "traffic_in_window": int(len(traffic)),
            "snapped": int(snapped["unit_id"].notna().sum()),
            "unsnapped": int(snapped["unit_id"].isna().sum()),
        },
        "hazards": {
            "input": int(len(haz)),
            "open": int(haz["is_open"].sum()),
            "major_open": int((haz["is_open"] & (haz["level"] == "major")).sum()),
            "overdue": int(haz["overdue"].sum()),
            "located": int(haz["county_code"].notna().sum()),
        },
        "counties": {
            "count": int(len(cty)),
            "by_grade": count_grades(cty["grade"]),
            "grade": dict(zip(cty["county_code"], cty["grade"])),
            "score": {k: round(float(v), 3) for k, v in zip(cty["county_code"], cty["score"])},
        },
        "_frames": {"ent": ent, "units": units, "snapped": snapped, "counties": cty},
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def main(argv=None):
    ap = argparse.ArgumentParser(description="geopandas reference implementation of the default standard")
    ap.add_argument("workspace", nargs="?", default=str(HERE / "data" / "shanxi"))
    ap.add_argument("--json", help="write the result as JSON here")
    ap.add_argument("--dump", help="write per-record grades (enterprises, road units) as parquet into this folder")
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    res = run(Path(a.workspace))
    frames = res.pop("_frames")
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    if a.dump:
        out = Path(a.dump)
        out.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(frames["ent"][["enterprise_id", "county_code", "grade"]]).to_parquet(out / "baseline_enterprises.parquet")
        pd.DataFrame(frames["units"][["unit_id", "segment_id", "county_code", "length_m", "fatal", "injury", "pdo",
                                      "grade"]]).to_parquet(out / "baseline_units.parquet")
        pd.DataFrame(frames["snapped"][["accident_id", "unit_id", "snap_distance_m"]]).to_parquet(out / "baseline_snaps.parquet")
        pd.DataFrame(frames["counties"].drop(columns="geometry", errors="ignore")).to_parquet(out / "baseline_counties.parquet")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    t = res["timings"]
    print("baseline stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()))
    print("enterprises by grade:", res["enterprises"]["by_grade"])
    print("road units:", res["roads"]["units"], "by grade:", res["roads"]["by_grade"],
          "assigned km:", round(res["roads"]["assigned_length_m"] / 1000, 1))
    print("counties by grade:", res["counties"]["by_grade"], "thresholds from", res["county_thresholds"]["source"])
    print("accidents:", res["accidents"])
    print(f"peak RSS: {res['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
