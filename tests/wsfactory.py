"""Build small workspaces on disk for tests.

Three square counties side by side near Datong (WGS-84, 0.1° wide), a handful of
enterprises, two roads, accidents and hazards; every dataset can be replaced or
edited by the test before it is written.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, box

X0, Y0, W = 113.0, 40.0, 0.1


def county_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"区划代码": ["140001", "140002", "140003"], "名称": ["甲县", "乙县", "丙县"], "人口": [100000, 200000, 150000]},
        geometry=[box(X0 + i * W, Y0, X0 + (i + 1) * W, Y0 + W) for i in range(3)],
        crs=4326,
    )


def enterprise_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "统一社会信用代码": ["E1", "E2", "E3", "E4", "E5", "E6"],
        "企业名称": ["甲煤矿", "乙化工", "丙商场", "丁建筑工地", "戊运输公司", "己工贸"],
        "行业": ["煤矿", "危险化学品", "消防", "建筑施工", "道路运输", "工贸"],
        "经度": [113.05, 113.15, 113.25, 113.02, 113.12, 113.22],
        "纬度": [40.05, 40.05, 40.05, 40.02, 40.08, 40.09],
        "L": [6, None, None, None, None, None],
        "E": [6, None, None, None, None, None],
        "C": [15, None, None, None, None, None],
        "可能性": [None, 4, None, None, None, None],
        "严重性": [None, 4, None, None, None, None],
        "重大危险源等级": [None, "三级", None, None, None, None],
    })


def road_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"路段编号": ["R1", "R2"], "道路名称": ["G1", "S2"], "道路等级": ["国道", "省道"]},
        geometry=[LineString([(113.01, 40.03), (113.29, 40.03)]), LineString([(113.05, 40.01), (113.05, 40.09)])],
        crs=4326,
    )


def accident_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "事故编号": ["A1", "A2", "A3", "A4"],
        "发生时间": ["2026-05-01", "2026/06/01", "2025年7月1日", "2026-09-01"],
        "经度": [113.10, 113.10, 113.20, 113.05],
        "纬度": [40.0301, 40.0302, 40.0301, 40.05],
        "死亡人数": [1, 0, 0, 2],
        "受伤人数": [0, 2, 0, 1],
        "类型": ["traffic", "traffic", "traffic", "production"],
        "企业编号": [None, None, None, "E1"],
    })


def hazard_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "隐患编号": ["H1", "H2", "H3", "H4"],
        "企业编号": ["E3", "E2", "E2", None],
        "隐患等级": ["重大", "一般", "一般", "一般"],
        "整改状态": ["未整改", "整改中", "已销号", "未整改"],
        "排查日期": ["2026-08-01", "2026-07-01", "2026-01-01", "2026-09-01"],
        "整改期限": ["2026-12-01", "2026-09-01", "2026-02-01", "2026-10-01"],
        "销号日期": [None, None, "2026-01-25", None],
        "挂牌督办": ["市级", "无", "无", "无"],
        "经度": [None, None, None, 113.25],
        "纬度": [None, None, None, 40.02],
    })


def workspace_toml(*, title: str = "测试工作区", roads: str = "roads.geojson", accidents: str = "accidents.csv",
                   hazards: str = "hazards.csv") -> str:
    """The test workspace's riskmap.toml with its title and file names; ``{language}`` left to fill."""
    return WORKSPACE_TOML.replace("{title}", title).replace("{roads}", roads).replace("{accidents}", accidents) \
        .replace("{hazards}", hazards)


WORKSPACE_TOML = """[workspace]
title = "{title}"
region = "测试市"
as_of = 2026-10-31
language = "{language}"
standard = "default"

[datasets.counties]
path = "counties.geojson"
crs = "EPSG:4326"

[datasets.enterprises]
path = "enterprises.csv"
crs = "EPSG:4326"

[datasets.roads]
path = "{roads}"

[datasets.accidents]
path = "{accidents}"
crs = "EPSG:4326"

[datasets.hazards]
path = "{hazards}"
crs = "EPSG:4326"
"""

TOML = workspace_toml()


def write_workspace(folder: Path, *, counties=None, enterprises=None, roads=None, accidents=None, hazards=None,
                    toml: str | None = None, language: str = "zh", encoding: str = "utf-8") -> Path:
    """Write a workspace into ``folder`` and return it.  ``None`` means the default frame."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (county_frame() if counties is None else counties).to_file(folder / "counties.geojson", driver="GeoJSON")
    (enterprise_frame() if enterprises is None else enterprises).to_csv(folder / "enterprises.csv", index=False, encoding=encoding)
    (road_frame() if roads is None else roads).to_file(folder / "roads.geojson", driver="GeoJSON")
    (accident_frame() if accidents is None else accidents).to_csv(folder / "accidents.csv", index=False, encoding=encoding)
    (hazard_frame() if hazards is None else hazards).to_csv(folder / "hazards.csv", index=False, encoding=encoding)
    (folder / "riskmap.toml").write_text(toml if toml is not None else TOML.format(language=language), encoding="utf-8")
    return folder
