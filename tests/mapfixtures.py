"""A small synthetic :class:`Assessment` for the map tests (no engine needed).

Four square counties in a 2 x 2 grid near Taiyuan (one per grade), enterprises in
every sector (one of them named like an XSS attack), road units (one accident-prone),
accidents and hidden hazards.  Columns follow ``riskmap.assessment``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap.assessment import Assessment, WorkspaceInfo
from riskmap.grades import GRADES, count_by_grade
from riskmap.sectors import default_sectors

XSS_NAME = '<img src=x onerror="window.__xss=1;alert(1)">'
COUNTIES = [
    ("140101", "甲县", "red", 112.0, 37.5),
    ("140102", "乙区", "orange", 112.5, 37.5),
    ("140103", "丙县", "yellow", 112.0, 38.0),
    ("140104", "丁市", "blue", 112.5, 38.0),
]


def _square(x: float, y: float, size: float = 0.5) -> shapely.Polygon:
    # Extra vertices along each edge give the simplifier something to do; they are
    # shared exactly between neighbours, so the squares form a clean coverage.
    steps = np.linspace(0, size, 21)
    ring = ([(x + s, y) for s in steps[:-1]] + [(x + size, y + s) for s in steps[:-1]]
            + [(x + size - s, y + size) for s in steps[:-1]] + [(x, y + size - s) for s in steps[:-1]])
    return shapely.Polygon(ring)


def make_assessment(*, n_enterprises: int = 40, seed: int = 1, workspace: Path | str = ".",
                    demo: bool = True) -> Assessment:
    """Return a small graded assessment covering every layer."""
    rng = np.random.default_rng(seed)
    counties = gpd.GeoDataFrame(
        {
            "county_code": [c[0] for c in COUNTIES],
            "county_name": [c[1] for c in COUNTIES],
            "population": [3e5, 2e5, 1.5e5, 1e5],
            "n_enterprises": 0,
            "points_enterprises": [40.0, 20.0, 8.0, 2.0],
            "points_roads": [10.0, 5.0, 1.0, 0.0],
            "points_hazards": [20.0, 6.0, 2.0, 0.5],
            "points_accidents": [10.0, 5.0, 0.0, 0.0],
            "score": [80.0, 36.0, 11.0, 2.5],
            "grade": [c[2] for c in COUNTIES],
            "reasons": ["", "", "", ""],
            "top_contributors": ["重大风险企业 3 家（30 分）", "较大风险企业 2 家", "", ""],
            "area_km2": 2500.0,
        },
        geometry=[_square(c[3], c[4]) for c in COUNTIES],
        crs=4326,
    )
    n = n_enterprises
    codes = rng.integers(0, 4, n)
    grades = np.array(GRADES)[rng.integers(0, 4, n)]
    keys = default_sectors().keys
    sectors = np.array(keys)[np.arange(n) % len(keys)]
    lon = np.array([COUNTIES[c][3] for c in codes]) + rng.uniform(0.05, 0.45, n)
    lat = np.array([COUNTIES[c][4] for c in codes]) + rng.uniform(0.05, 0.45, n)
    names = [f"企业{i:03d}" for i in range(n)]
    names[0] = XSS_NAME
    enterprises = gpd.GeoDataFrame(
        {
            "enterprise_id": [f"E{i:04d}" for i in range(n)],
            "name": names,
            "sector": sectors,
            "county_code": [COUNTIES[c][0] for c in codes],
            "county_name": [COUNTIES[c][1] for c in codes],
            "address": ["某路 1 号"] * n,
            "employees": rng.integers(5, 500, n).astype(float),
            "method": "baseline",
            "inherent_grade": grades,
            "grade": grades,
            "score": [float(3 - GRADES.index(g)) for g in grades],
            "reasons": ["" if g != "red" else "重大事故隐患未销号" for g in grades],
            "open_hazards": 0,
            "major_open_hazards": 0,
            "overdue_hazards": 0,
            "fatal_accidents_12m": 0,
        },
        geometry=shapely.points(lon, lat),
        crs=4326,
    )
    counties["n_enterprises"] = [int((codes == i).sum()) for i in range(4)]
    for g in GRADES:
        counties[f"enterprises_{g}"] = [int(((codes == i) & (grades == g)).sum()) for i in range(4)]

    units = []
    for i, (code, cname, _g, x, y) in enumerate(COUNTIES):
        for j, grade in enumerate(GRADES):
            yy = y + 0.1 + 0.1 * j
            units.append({
                "unit_id": f"S{i}-{code}-0-{j}", "segment_id": f"S{i}", "road_name": f"G{i}08国道",
                "road_class": "国道", "county_code": code, "county_name": cname, "length_m": 1000.0,
                "fatal": 3 if (i == 0 and j == 0) else 0, "injury": 1, "pdo": 2, "epdo": 7.0 + 30 * (i == 0 and j == 0),
                "rate": 2.3, "accident_prone": bool(i == 0 and j == 0), "grade": grade, "score": 2.3,
                "reasons": "", "geometry": shapely.LineString([(x + 0.05, yy), (x + 0.25, yy + 0.02), (x + 0.45, yy)]),
            })
    road_units = gpd.GeoDataFrame(units, geometry="geometry", crs=4326)

    as_of = date(2026, 10, 31)
    m = 60
    acc_codes = rng.integers(0, 4, m)
    dates = pd.Timestamp(as_of) - pd.to_timedelta(rng.integers(0, 1400, m), unit="D")
    accidents = gpd.GeoDataFrame(
        {
            "accident_id": [f"A{i:04d}" for i in range(m)],
            "date": dates,
            "deaths": rng.integers(0, 2, m),
            "injuries": rng.integers(0, 3, m),
            "kind": np.where(np.arange(m) % 5 == 0, "production", "traffic"),
            "enterprise_id": None,
            "sector": np.where(np.arange(m) % 5 == 0, "coal_mine", None),
            "county_code": [COUNTIES[c][0] for c in acc_codes],
            "county_name": [COUNTIES[c][1] for c in acc_codes],
            "in_window": dates > pd.Timestamp(date(2023, 10, 31)),
            "in_12m": dates > pd.Timestamp(date(2025, 10, 31)),
            "severity_class": "pdo",
            "unit_id": None,
            "snap_distance_m": np.nan,
        },
        geometry=shapely.points(np.array([COUNTIES[c][3] for c in acc_codes]) + rng.uniform(0.05, 0.45, m),
                                np.array([COUNTIES[c][4] for c in acc_codes]) + rng.uniform(0.05, 0.45, m)),
        crs=4326,
    )

    h = 30
    pick = rng.integers(0, n, h)
    statuses = np.array(["open", "rectifying", "closed"])[np.arange(h) % 3]
    levels = np.where(np.arange(h) % 4 == 0, "major", "general")
    deadline = pd.Timestamp(as_of) + pd.to_timedelta(rng.integers(-90, 90, h), unit="D")
    is_open = statuses != "closed"
    overdue = is_open & (deadline < pd.Timestamp(as_of))
    hazards = gpd.GeoDataFrame(
        {
            "hazard_id": [f"H{i:04d}" for i in range(h)],
            "enterprise_id": enterprises["enterprise_id"].to_numpy()[pick],
            "name": enterprises["name"].to_numpy()[pick],
            "sector": enterprises["sector"].to_numpy()[pick],
            "level": levels,
            "status": statuses,
            "found_date": deadline - pd.Timedelta(days=60),
            "deadline": deadline,
            "closed_date": pd.NaT,
            "supervision": np.array(["none", "county", "city", "province"])[np.arange(h) % 4],
            "description": ["消防通道堵塞 <b>x</b>"] * h,
            "is_open": is_open,
            "overdue": overdue,
            "days_overdue": np.where(overdue, (pd.Timestamp(as_of) - deadline).days, 0),
            "located_by": "enterprise",
            "county_code": enterprises["county_code"].to_numpy()[pick],
            "county_name": enterprises["county_name"].to_numpy()[pick],
        },
        geometry=enterprises.geometry.to_numpy()[pick],
        crs=4326,
    )
    summary = {
        "as_of": as_of.isoformat(),
        "standard": "default",
        "counties": {"count": 4, "by_grade": count_by_grade(counties["grade"])},
        "enterprises": {"input": n, "assigned": n, "unassigned": 0, "by_grade": count_by_grade(enterprises["grade"])},
    }
    info = WorkspaceInfo(path=Path(workspace), title="测试市安全风险空间分布图", region="测试市",
                         as_of=as_of, demo=demo)
    return Assessment(
        info=info, counties=counties, enterprises=enterprises, road_units=road_units,
        accidents=accidents, hazards=hazards,
        unassigned=pd.DataFrame(columns=["dataset", "id", "reason"]), summary=summary,
    )
