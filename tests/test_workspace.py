"""Reading a workspace (DESIGN §4): every format, encoding, spelling and CRS rule.

Each test writes a small workspace with :mod:`wsfactory` (three 0.1° square counties
near 113E 40N), replaces what it is about, and checks the values
:func:`riskmap.io.workspace.load_workspace` returns (canonical columns, WGS-84) or what
:func:`riskmap.assess` makes of them.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

import wsfactory as wf
from riskmap import assess, coords
from riskmap.io.workspace import load_workspace
from riskmap.sectors import default_sectors

WGS84_COUNTIES = wf.county_frame()
WGS84_ROADS = wf.road_frame()


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def toml_text(datasets: dict[str, dict], *, language: str = "zh", workspace: str = "") -> str:
    """A riskmap.toml declaring ``datasets`` (name → {path, crs, columns, ...})."""
    lines = ["[workspace]", 'title = "测试"', "as_of = 2026-10-31", f'language = "{language}"', workspace, ""]
    for name, spec in datasets.items():
        lines.append(f"[datasets.{name}]")
        for key, value in spec.items():
            if isinstance(value, dict):
                inner = ", ".join(f'{k} = "{v}"' for k, v in value.items())
                lines.append(f"{key} = {{ {inner} }}")
            else:
                lines.append(f'{key} = "{value}"')
        lines.append("")
    return "\n".join(lines)


def write_toml(ws: Path, datasets: dict[str, dict], **kw) -> Path:
    (ws / "riskmap.toml").write_text(toml_text(datasets, **kw), encoding="utf-8")
    return ws


def counties_only(ws: Path, **spec) -> Path:
    """A workspace holding only the default counties (GeoJSON, WGS-84)."""
    ws.mkdir(parents=True, exist_ok=True)
    WGS84_COUNTIES.to_file(ws / "counties.geojson", driver="GeoJSON")
    return write_toml(ws, {"counties": {"path": "counties.geojson", **spec}})


def same_geometry(a, b, tol=1e-7) -> bool:
    """Geometries equal within ``tol`` degrees (Hausdorff distance), element-wise."""
    a = np.asarray(gpd.GeoSeries(a).to_numpy(), dtype=object)
    b = np.asarray(gpd.GeoSeries(b).to_numpy(), dtype=object)
    return bool(np.all(shapely.hausdorff_distance(a, b) < tol))


def write_shapefile(frame: gpd.GeoDataFrame, folder: Path, stem: str, *, encoding: str | None = None, cpg: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    kwargs = {"encoding": encoding} if encoding else {}
    frame.to_file(folder / f"{stem}.shp", driver="ESRI Shapefile", **kwargs)
    if not cpg:
        (folder / f"{stem}.cpg").unlink(missing_ok=True)
    return folder / f"{stem}.shp"


def zip_shapefile(shp: Path, target: Path) -> Path:
    """Zip .shp/.shx/.dbf/.prj (no .cpg) into ``target``."""
    with zipfile.ZipFile(target, "w") as archive:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            archive.write(shp.with_suffix(suffix), arcname=f"{shp.stem}{suffix}")
    return target


# ---------------------------------------------------------------------------
# CSV encodings
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    enterprises = wf.enterprise_frame()
    if encoding == "gb18030":
        enterprises.loc[5, "企业名称"] = "𠮷工贸"  # U+20BB7: in GB18030, not in GBK
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, encoding=encoding)
    raw = (ws / "enterprises.csv").read_bytes()
    if encoding in ("gbk", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")

    loaded = load_workspace(ws)
    ent = loaded.datasets["enterprises"]
    assert list(ent["enterprise_id"]) == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert ent["name"].iloc[0] == "甲煤矿"
    assert ent["name"].iloc[5] == ("𠮷工贸" if encoding == "gb18030" else "己工贸")
    assert list(ent["sector"]) == ["coal_mine", "hazardous_chemicals", "fire", "construction", "road_transport", "industry_trade"]
    assert list(ent["_row"]) == [2, 3, 4, 5, 6, 7]
    hz = loaded.datasets["hazards"]
    assert list(hz["level"]) == ["major", "general", "general", "general"]
    assert list(hz["status"]) == ["open", "rectifying", "closed", "open"]
    assert list(hz["supervision"]) == ["city", "none", "none", "none"]
    acc = loaded.datasets["accidents"]
    assert list(acc["date"].dt.date) == [date(2026, 5, 1), date(2026, 6, 1), date(2025, 7, 1), date(2026, 9, 1)]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_large_csv_whose_64_kib_head_ends_inside_a_character_is_read(tmp_path, encoding):
    # The header is looked for in the first 64 KiB; a Chinese character across that boundary must not make
    # the file look like neither UTF-8 nor GBK.
    enterprises = pd.concat([wf.enterprise_frame()] * 1500, ignore_index=True)
    enterprises["统一社会信用代码"] = [f"E{i}" for i in range(len(enterprises))]
    for shift in range(3):
        enterprises.loc[0, "企业名称"] = "甲" * (1 + shift)
        ws = wf.write_workspace(tmp_path / f"ws{shift}", enterprises=enterprises, encoding=encoding)
        assert (ws / "enterprises.csv").stat().st_size > 1 << 16
        assert len(load_workspace(ws).datasets["enterprises"]) == len(enterprises)


def test_csv_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    ws = wf.write_workspace(tmp_path / "ws")
    lines = (ws / "enterprises.csv").read_text("utf-8").splitlines()
    # a blank line after the first data row and a line of empty cells after the third
    lines = lines[:2] + [""] + lines[2:4] + ["," * (lines[0].count(","))] + lines[4:]
    (ws / "enterprises.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ent = load_workspace(ws).datasets["enterprises"]
    assert list(ent["enterprise_id"]) == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert list(ent["_row"]) == [2, 4, 5, 7, 8, 9]


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------

def write_xlsx(path: Path, header: list, rows: list[list], *, date_columns: tuple[int, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column in date_columns:
        for cells in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            for cell in cells:
                if isinstance(cell.value, (datetime, date)):
                    cell.number_format = "yyyy-mm-dd"
    workbook.save(path)
    return path


def test_xlsx_date_cells_and_numbers_stored_as_text(tmp_path):
    ws = wf.write_workspace(tmp_path / "ws")
    write_xlsx(ws / "enterprises.xlsx",
               ["企业编号", "企业名称", "行业", "经度", "纬度", "L", "E", "C", "从业人员", "重大危险源等级"],
               [["E1", "甲煤矿", "煤矿", "113.05", "40.05", "6", "6", "15", "120", "2"],   # numbers stored as text
                ["E2", "乙化工", "危险化学品", 113.15, 40.05, 3, 0.5, 40, 80, "二级"],       # real numbers
                [None, None, None, None, None, None, None, None, None, None],             # a blank row
                [20260001, "丙商场", "fire", 113.25, 40.05, "0.5", "10", "100", None, 4]])  # numeric id
    write_xlsx(ws / "hazards.xlsx",
               ["隐患编号", "企业编号", "隐患等级", "整改状态", "排查日期", "整改期限", "销号日期"],
               [["H1", "E1", "重大", "未整改", datetime(2026, 8, 1), date(2026, 12, 1), None],
                ["H2", "E2", "一般", "已整改", datetime(2026, 1, 2, 9, 30), "2026/2/1", "2026年3月5日"],
                ["H3", "E2", "一般", "整改中", "2026-07-01", 46296, None]],                 # 46296 = 2026-10-01 as a serial
               date_columns=(4, 5))
    text = (ws / "riskmap.toml").read_text("utf-8")
    (ws / "riskmap.toml").write_text(text.replace("enterprises.csv", "enterprises.xlsx").replace("hazards.csv", "hazards.xlsx"), "utf-8")

    loaded = load_workspace(ws)
    ent = loaded.datasets["enterprises"]
    assert list(ent["enterprise_id"]) == ["E1", "E2", "20260001"]
    assert list(ent["_row"]) == [2, 3, 5]  # the blank row 4 is skipped, numbering kept
    assert ent["lec_l"].tolist() == [6.0, 3.0, 0.5]
    assert ent["lec_e"].tolist() == [6.0, 0.5, 10.0]
    assert ent["lec_c"].tolist() == [15.0, 40.0, 100.0]
    assert ent["employees"].iloc[0] == 120.0
    assert ent["major_hazard_level"].tolist() == [2.0, 2.0, 4.0]
    assert ent["sector"].tolist() == ["coal_mine", "hazardous_chemicals", "fire"]
    assert same_geometry(ent.geometry, [Point(113.05, 40.05), Point(113.15, 40.05), Point(113.25, 40.05)])

    hz = loaded.datasets["hazards"]
    assert list(hz["found_date"].dt.date) == [date(2026, 8, 1), date(2026, 1, 2), date(2026, 7, 1)]
    assert list(hz["deadline"].dt.date) == [date(2026, 12, 1), date(2026, 2, 1), date(2026, 10, 1)]
    assert hz["closed_date"].iloc[1].date() == date(2026, 3, 5)
    assert hz["status"].tolist() == ["open", "closed", "rectifying"]

    result = assess(ws)
    assert result.summary["enterprises"]["input"] == 3
    assert result.summary["hazards"]["major_open"] == 1


# ---------------------------------------------------------------------------
# Vector formats
# ---------------------------------------------------------------------------

def county_frame_english() -> gpd.GeoDataFrame:
    """Counties with field names a Shapefile can hold (10 bytes) and mixed case."""
    frame = WGS84_COUNTIES.rename(columns={"区划代码": "ADCODE", "名称": "NAME", "人口": "Population"})
    return frame


def road_frame_english() -> gpd.GeoDataFrame:
    return WGS84_ROADS.rename(columns={"路段编号": "segment_id", "道路名称": "road_name", "道路等级": "road_class"})


def write_vector(frame: gpd.GeoDataFrame, folder: Path, stem: str, fmt: str) -> str:
    """Write ``frame`` as ``fmt`` into ``folder``; return the path for riskmap.toml."""
    if fmt == "geojson":
        frame.to_file(folder / f"{stem}.geojson", driver="GeoJSON")
        return f"{stem}.geojson"
    if fmt == "gpkg":
        frame.to_file(folder / f"{stem}.gpkg", driver="GPKG", layer=stem)
        return f"{stem}.gpkg"
    if fmt == "shp":
        write_shapefile(frame, folder / "shp", stem)
        return f"shp/{stem}.shp"
    if fmt == "zip":
        shp = write_shapefile(frame, folder / "_build", stem)
        zip_shapefile(shp, folder / f"{stem}.zip")
        return f"{stem}.zip"
    if fmt == "parquet":
        frame.to_parquet(folder / f"{stem}.parquet")
        return f"{stem}.parquet"
    raise ValueError(fmt)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "zip", "parquet"])
def test_vector_formats_for_counties_and_roads(tmp_path, fmt):
    ws = tmp_path / "ws"
    ws.mkdir()
    counties = write_vector(county_frame_english(), ws, "counties", fmt)
    roads = write_vector(road_frame_english(), ws, "roads", fmt)
    write_toml(ws, {"counties": {"path": counties}, "roads": {"path": roads}})

    loaded = load_workspace(ws)
    c = loaded.datasets["counties"]
    assert c["county_code"].tolist() == ["140001", "140002", "140003"]
    assert c["county_name"].tolist() == ["甲县", "乙县", "丙县"]  # UTF-8 values, also from a zip without .cpg
    assert c["population"].tolist() == [100000, 200000, 150000]
    assert same_geometry(c.geometry, WGS84_COUNTIES.geometry)
    assert list(c["_row"]) == [1, 2, 3]
    r = loaded.datasets["roads"]
    assert r["segment_id"].tolist() == ["R1", "R2"]
    assert r["road_class"].tolist() == ["国道", "省道"]
    assert same_geometry(r.geometry, WGS84_ROADS.geometry)
    assert not [p for p in loaded.problems if p.severity == "error"]


def test_gbk_shapefile_without_cpg(tmp_path):
    ws = tmp_path / "ws"
    shp = write_shapefile(WGS84_COUNTIES.rename(columns={"区划代码": "code"}), ws, "counties", encoding="gbk", cpg=False)
    assert not shp.with_suffix(".cpg").exists()
    write_toml(ws, {"counties": {"path": "counties.shp"}})
    c = load_workspace(ws).datasets["counties"]
    assert c["county_name"].tolist() == ["甲县", "乙县", "丙县"]  # the 名称 header and values decoded as GBK
    assert c["county_code"].tolist() == ["140001", "140002", "140003"]


def test_point_datasets_from_geometry_files(tmp_path):
    ws = wf.write_workspace(tmp_path / "ws")
    ent = wf.enterprise_frame()
    points = gpd.GeoDataFrame(ent.drop(columns=["经度", "纬度"]), geometry=gpd.points_from_xy(ent["经度"], ent["纬度"]), crs=4326)
    points.to_file(ws / "enterprises.gpkg", driver="GPKG")
    text = (ws / "riskmap.toml").read_text("utf-8").replace('path = "enterprises.csv"\ncrs = "EPSG:4326"', 'path = "enterprises.gpkg"')
    (ws / "riskmap.toml").write_text(text, "utf-8")
    loaded = load_workspace(ws)
    e = loaded.datasets["enterprises"]
    assert same_geometry(e.geometry, points.geometry)
    assert e["lec_c"].iloc[0] == 15.0
    base = assess(wf.write_workspace(tmp_path / "base"))
    assert assess(loaded).enterprises["county_code"].tolist() == base.enterprises["county_code"].tolist()


# ---------------------------------------------------------------------------
# Column names
# ---------------------------------------------------------------------------

def canonical_enterprises() -> pd.DataFrame:
    return pd.DataFrame({
        "enterprise_id": ["E1", "E2"], "name": ["甲", "乙"], "sector": ["coal_mine", "fire"],
        "lon": [113.05, 113.15], "lat": [40.05, 40.05], "lec_l": [6, None], "lec_e": [6, None], "lec_c": [15, None],
        "likelihood": [None, 4], "severity": [None, 3], "major_hazard_level": [None, 3], "employees": [10, 20],
        "address": ["甲路1号", "乙路2号"], "county_code": ["140001", "140002"],
    })


def test_canonical_english_column_names(tmp_path):
    ws = wf.write_workspace(tmp_path / "ws", enterprises=canonical_enterprises())
    e = load_workspace(ws).datasets["enterprises"]
    assert e["enterprise_id"].tolist() == ["E1", "E2"]
    assert e["lec_l"].iloc[0] == 6 and e["likelihood"].iloc[1] == 4 and e["severity"].iloc[1] == 3
    assert e["major_hazard_level"].iloc[1] == 3
    assert e["address"].tolist() == ["甲路1号", "乙路2号"]
    assert e["declared_county"].tolist() == ["140001", "140002"]
    assert e["employees"].tolist() == [10, 20]


def test_aliases_are_case_insensitive(tmp_path):
    enterprises = canonical_enterprises().rename(columns={
        "enterprise_id": "ID", "name": "Name", "sector": "SECTOR", "lon": "Longitude", "lat": "LATITUDE",
        "lec_l": "l", "lec_e": "E", "lec_c": "c", "major_hazard_level": "Major_Hazard_Level"})
    hazards = pd.DataFrame({"Hazard_ID": ["H1"], "Enterprise_ID": ["E1"], "LEVEL": ["Major"], "Status": ["OPEN"],
                            "Found_Date": ["2026-09-01"], "DEADLINE": ["2026-10-01"], "Supervision": ["Province"]})
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=hazards)
    loaded = load_workspace(ws)
    e = loaded.datasets["enterprises"]
    assert e["enterprise_id"].tolist() == ["E1", "E2"]
    assert e["name"].tolist() == ["甲", "乙"]
    assert e[["lec_l", "lec_e", "lec_c"]].iloc[0].tolist() == [6, 6, 15]
    assert same_geometry(e.geometry, [Point(113.05, 40.05), Point(113.15, 40.05)])
    h = loaded.datasets["hazards"]
    assert h[["hazard_id", "enterprise_id", "level", "status", "supervision"]].iloc[0].tolist() == ["H1", "E1", "major", "open", "province"]
    assert h["deadline"].iloc[0].date() == date(2026, 10, 1)


def test_chinese_aliases(tmp_path):
    enterprises = pd.DataFrame({"单位名称": ["甲"], "企业编号": ["E1"], "行业领域": ["煤矿"], "经度": [113.05], "纬度": [40.05],
                                "可能性": [5], "严重程度": [4], "职工人数": [30], "地址": ["某路"]})
    hazards = pd.DataFrame({"隐患编号": ["H1"], "统一社会信用代码": ["E1"], "隐患等级": ["重大"], "状态": ["整改中"],
                            "发现日期": ["2026/09/01"], "整改期限": ["2026年10月01日"], "销号日期": [""], "督办级别": ["省级"],
                            "隐患描述": ["描述"]})
    accidents = pd.DataFrame({"事故编号": ["A1"], "日期": ["2026-10-31"], "经度": [113.1], "纬度": [40.03],
                              "死亡人数": [1], "受伤人数": [0], "事故类型": ["生产安全事故"], "企业编号": ["E1"]})
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=hazards, accidents=accidents)
    loaded = load_workspace(ws)
    e = loaded.datasets["enterprises"].iloc[0]
    assert (e["enterprise_id"], e["name"], e["sector"], e["likelihood"], e["severity"], e["employees"], e["address"]) == \
        ("E1", "甲", "coal_mine", 5, 4, 30, "某路")
    h = loaded.datasets["hazards"].iloc[0]
    assert (h["level"], h["status"], h["supervision"], h["description"]) == ("major", "rectifying", "province", "描述")
    assert h["found_date"].date() == date(2026, 9, 1) and pd.isna(h["closed_date"])
    a = loaded.datasets["accidents"].iloc[0]
    assert (a["kind"], a["deaths"], a["enterprise_id"]) == ("production", 1, "E1")


def test_columns_mapping_in_toml(tmp_path):
    enterprises = pd.DataFrame({"信用代码": ["E1", "E2"], "企业全称": ["甲", "乙"], "name": ["别名1", "别名2"],
                                "所属行业": ["煤矿", "工贸"], "X坐标": [113.05, 113.15], "Y坐标": [40.05, 40.05]})
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises)
    text = (ws / "riskmap.toml").read_text("utf-8").replace(
        'path = "enterprises.csv"',
        'path = "enterprises.csv"\ncolumns = { enterprise_id = "信用代码", name = "企业全称", sector = "所属行业", lon = "x坐标", lat = "Y坐标" }')
    (ws / "riskmap.toml").write_text(text, "utf-8")
    e = load_workspace(ws).datasets["enterprises"]
    assert e["enterprise_id"].tolist() == ["E1", "E2"]
    assert e["name"].tolist() == ["甲", "乙"]  # the mapping wins over a column literally called "name"
    assert e["sector"].tolist() == ["coal_mine", "industry_trade"]
    assert same_geometry(e.geometry, [Point(113.05, 40.05), Point(113.15, 40.05)])


# ---------------------------------------------------------------------------
# Vocabularies and values
# ---------------------------------------------------------------------------

def test_sector_keys_and_chinese_labels(tmp_path):
    sectors = default_sectors()
    spellings = [(s.key, s.key) for s in sectors] + [(s.zh, s.key) for s in sectors] + \
        [("Coal_Mine", "coal_mine"), (" 危险化学品 ", "hazardous_chemicals")]
    n = len(spellings)
    enterprises = pd.DataFrame({"企业编号": [f"E{i}" for i in range(n)], "企业名称": ["x"] * n,
                                "行业": [s for s, _ in spellings], "经度": [113.05] * n, "纬度": [40.05] * n})
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=wf.hazard_frame().iloc[[3]])
    e = load_workspace(ws).datasets["enterprises"]
    assert e["sector"].tolist() == [key for _, key in spellings]


def test_hazard_levels_statuses_and_supervision_in_both_languages(tmp_path):
    rows = [  # level, status, supervision → expected
        ("一般", "未整改", "无", "general", "open", "none"),
        ("重大", "整改中", "县级", "major", "rectifying", "county"),
        ("一般", "已销号", "市级", "general", "closed", "city"),
        ("重大", "已整改", "省级", "major", "closed", "province"),
        ("general", "open", "none", "general", "open", "none"),
        ("major", "rectifying", "county", "major", "rectifying", "county"),
        ("General", "closed", "city", "general", "closed", "city"),
        ("MAJOR", "Closed", "province", "major", "closed", "province"),
        ("一般", "未整改", "", "general", "open", "none"),  # empty supervision = none
    ]
    n = len(rows)
    hazards = pd.DataFrame({"隐患编号": [f"H{i}" for i in range(n)], "企业编号": ["E1"] * n,
                            "隐患等级": [r[0] for r in rows], "整改状态": [r[1] for r in rows], "挂牌督办": [r[2] for r in rows],
                            "排查日期": ["2026-01-01"] * n})
    ws = wf.write_workspace(tmp_path / "ws", hazards=hazards)
    h = load_workspace(ws).datasets["hazards"]
    assert h["level"].tolist() == [r[3] for r in rows]
    assert h["status"].tolist() == [r[4] for r in rows]
    assert h["supervision"].tolist() == [r[5] for r in rows]


def test_date_spellings(tmp_path):
    spellings = {"2026-10-31": date(2026, 10, 31), "2026/10/31": date(2026, 10, 31), "2026年10月31日": date(2026, 10, 31),
                 "2026/1/5": date(2026, 1, 5), "2026年1月5日": date(2026, 1, 5), "2026-10-31 14:30": date(2026, 10, 31)}
    n = len(spellings)
    accidents = pd.DataFrame({"事故编号": [f"A{i}" for i in range(n)], "发生时间": list(spellings),
                              "经度": [113.1] * n, "纬度": [40.03] * n})
    ws = wf.write_workspace(tmp_path / "ws", accidents=accidents)
    a = load_workspace(ws).datasets["accidents"]
    assert list(a["date"].dt.date) == list(spellings.values())


def test_major_hazard_level_numbers_and_chinese(tmp_path):
    levels = ["1", "2", "3", "4", "一级", "二级", "三级", "四级", "3.0", ""]
    n = len(levels)
    enterprises = pd.DataFrame({"企业编号": [f"E{i}" for i in range(n)], "企业名称": ["x"] * n, "行业": ["危险化学品"] * n,
                                "经度": [113.15] * n, "纬度": [40.05] * n, "重大危险源等级": levels})
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=wf.hazard_frame().iloc[[3]])
    e = load_workspace(ws).datasets["enterprises"]
    assert e["major_hazard_level"].tolist()[:9] == [1, 2, 3, 4, 1, 2, 3, 4, 3]
    assert np.isnan(e["major_hazard_level"].iloc[9])
    graded = assess(ws).enterprises.set_index("enterprise_id")["grade"]
    assert graded["E0"] == "red" and graded["E5"] == "red" and graded["E2"] == "orange" and graded["E7"] == "orange"


def test_lec_factors_from_the_standard_tables(tmp_path):
    enterprises = pd.DataFrame({"企业编号": ["L1", "L2"], "企业名称": ["x", "y"], "行业": ["工贸", "工贸"],
                                "经度": [113.05, 113.15], "纬度": [40.05, 40.05],
                                "L": ["0.1", "10"], "E": ["0.5", "6"], "C": ["1", "100"]})
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=wf.hazard_frame().iloc[[3]])
    e = load_workspace(ws).datasets["enterprises"]
    assert e["lec_l"].tolist() == [0.1, 10.0]
    assert assess(ws).enterprises["grade"].tolist() == ["blue", "red"]


# ---------------------------------------------------------------------------
# Coordinate reference systems
# ---------------------------------------------------------------------------

def test_file_crs_used_when_none_declared_geojson_4547(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    WGS84_COUNTIES.to_crs(4547).to_file(ws / "counties.geojson", driver="GeoJSON")
    write_toml(ws, {"counties": {"path": "counties.geojson"}})
    loaded = load_workspace(ws)
    assert same_geometry(loaded.datasets["counties"].geometry, WGS84_COUNTIES.geometry)
    assert not [p for p in loaded.problems if "EPSG:4326" in p.message]  # no "assumed WGS-84" warning


def test_file_crs_used_when_none_declared_gpkg_32649_matches_wgs84_results(tmp_path):
    base = wf.write_workspace(tmp_path / "base")
    ws = wf.write_workspace(tmp_path / "utm")
    WGS84_COUNTIES.to_crs(32649).to_file(ws / "counties.gpkg", driver="GPKG")
    WGS84_ROADS.to_crs(32649).to_file(ws / "roads.gpkg", driver="GPKG")
    ent = wf.enterprise_frame()
    points = gpd.GeoDataFrame(ent.drop(columns=["经度", "纬度"]), geometry=gpd.points_from_xy(ent["经度"], ent["纬度"]), crs=4326)
    points.to_crs(32649).to_file(ws / "enterprises.gpkg", driver="GPKG")
    text = (ws / "riskmap.toml").read_text("utf-8")
    text = text.replace('path = "counties.geojson"\ncrs = "EPSG:4326"', 'path = "counties.gpkg"')
    text = text.replace('path = "enterprises.csv"\ncrs = "EPSG:4326"', 'path = "enterprises.gpkg"')
    text = text.replace('path = "roads.geojson"', 'path = "roads.gpkg"')
    (ws / "riskmap.toml").write_text(text, "utf-8")

    loaded = load_workspace(ws)
    assert same_geometry(loaded.datasets["counties"].geometry, WGS84_COUNTIES.geometry)
    assert same_geometry(loaded.datasets["enterprises"].geometry, points.geometry)
    assert same_geometry(loaded.datasets["roads"].geometry, WGS84_ROADS.geometry)
    a, b = assess(base), assess(loaded)
    assert a.enterprises["county_code"].tolist() == b.enterprises["county_code"].tolist()
    assert a.enterprises["grade"].tolist() == b.enterprises["grade"].tolist()
    assert a.counties["grade"].tolist() == b.counties["grade"].tolist()
    assert np.allclose(a.counties["score"], b.counties["score"])
    assert a.summary["roads"]["units"] == b.summary["roads"]["units"]


def test_declared_crs_wins_over_the_file(tmp_path):
    # The file says WGS-84 (GeoJSON always does) but the coordinates are GCJ-02.
    ws = counties_only(tmp_path / "ws", crs="gcj02")
    c = load_workspace(ws).datasets["counties"]
    x, y = shapely.get_coordinates(WGS84_COUNTIES.geometry.to_numpy()).T
    gx, gy = coords.gcj02_to_wgs84(x, y)
    assert np.allclose(shapely.get_coordinates(c.geometry.to_numpy()), np.column_stack([gx, gy]), atol=1e-7)
    assert not same_geometry(c.geometry, WGS84_COUNTIES.geometry, tol=1e-3)  # ~500 m apart: really moved


def test_declared_projected_crs_for_csv_coordinates(tmp_path):
    ent = wf.enterprise_frame()
    x, y = coords.from_wgs84(ent["经度"].to_numpy(), ent["纬度"].to_numpy(), "EPSG:4547")
    ent["经度"], ent["纬度"] = np.round(x, 3), np.round(y, 3)
    ws = wf.write_workspace(tmp_path / "ws", enterprises=ent)
    text = (ws / "riskmap.toml").read_text("utf-8").replace('path = "enterprises.csv"\ncrs = "EPSG:4326"',
                                                           'path = "enterprises.csv"\ncrs = "EPSG:4547"')
    (ws / "riskmap.toml").write_text(text, "utf-8")
    e = load_workspace(ws).datasets["enterprises"]
    expected = gpd.points_from_xy(wf.enterprise_frame()["经度"], wf.enterprise_frame()["纬度"])
    assert same_geometry(e.geometry, expected, tol=1e-6)


def test_declared_crs_overriding_a_projected_file_crs_is_announced(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    WGS84_COUNTIES.to_crs(4547).to_file(ws / "counties.gpkg", driver="GPKG")
    # Same numbers, but tagged as EPSG:32649 would be wrong: the declared CRS is used anyway.
    write_toml(ws, {"counties": {"path": "counties.gpkg", "crs": "EPSG:4547"}})
    loaded = load_workspace(ws)
    assert same_geometry(loaded.datasets["counties"].geometry, WGS84_COUNTIES.geometry)
    assert not loaded.problems  # same CRS: nothing to say

    WGS84_COUNTIES.to_crs(32649).to_file(ws / "counties.gpkg", driver="GPKG")
    write_toml(ws, {"counties": {"path": "counties.gpkg", "crs": "EPSG:32649"}})
    assert same_geometry(load_workspace(ws).datasets["counties"].geometry, WGS84_COUNTIES.geometry)
    WGS84_COUNTIES.to_crs(32649).to_file(ws / "counties.gpkg", driver="GPKG")
    write_toml(ws, {"counties": {"path": "counties.gpkg", "crs": "EPSG:32650"}})
    warnings = [p for p in load_workspace(ws).problems if p.severity == "warning"]
    assert any("EPSG:32650" in p.message and "32649" in p.message for p in warnings)


def test_no_crs_anywhere_means_wgs84_with_a_warning(tmp_path):
    ws = wf.write_workspace(tmp_path / "ws")
    text = (ws / "riskmap.toml").read_text("utf-8").replace('path = "enterprises.csv"\ncrs = "EPSG:4326"', 'path = "enterprises.csv"')
    (ws / "riskmap.toml").write_text(text, "utf-8")
    loaded = load_workspace(ws)
    e = loaded.datasets["enterprises"]
    ent = wf.enterprise_frame()
    assert same_geometry(e.geometry, gpd.points_from_xy(ent["经度"], ent["纬度"]))
    warnings = [p for p in loaded.problems if p.severity == "warning" and p.file == "enterprises.csv"]
    assert len(warnings) == 1 and "EPSG:4326" in warnings[0].message


def test_shapefile_without_prj_is_wgs84_with_a_warning(tmp_path):
    ws = tmp_path / "ws"
    shp = write_shapefile(county_frame_english(), ws, "counties")
    shp.with_suffix(".prj").unlink()
    write_toml(ws, {"counties": {"path": "counties.shp"}}, language="en")
    loaded = load_workspace(ws)
    assert same_geometry(loaded.datasets["counties"].geometry, WGS84_COUNTIES.geometry)
    assert [p.message for p in loaded.problems] == [
        "no CRS declared and none in the file; assumed EPSG:4326 (WGS-84); declare `crs` in riskmap.toml if not"]


# ---------------------------------------------------------------------------
# Workspace settings and repairs
# ---------------------------------------------------------------------------

def test_workspace_settings(tmp_path):
    ws = counties_only(tmp_path / "ws")
    write_toml(ws, {"counties": {"path": "counties.geojson"}}, language="en",
               workspace='region = "X市"\nbasemap = "https://t.example/{z}/{x}/{y}.png"')
    info = load_workspace(ws).info
    assert (info.language, info.region, info.as_of, info.basemap) == ("en", "X市", date(2026, 10, 31), "https://t.example/{z}/{x}/{y}.png")


def test_as_of_as_text(tmp_path):
    ws = counties_only(tmp_path / "ws")
    text = (ws / "riskmap.toml").read_text("utf-8").replace("as_of = 2026-10-31", 'as_of = "2026年10月31日"')
    (ws / "riskmap.toml").write_text(text, "utf-8")
    assert load_workspace(ws).info.as_of == date(2026, 10, 31)


def test_bow_tie_county_is_repaired_with_a_warning(tmp_path):
    counties = wf.county_frame()
    counties.loc[0, "geometry"] = shapely.Polygon([(113.0, 40.0), (113.1, 40.1), (113.1, 40.0), (113.0, 40.1)])
    ws = wf.write_workspace(tmp_path / "ws", counties=counties)
    loaded = load_workspace(ws)
    c = loaded.datasets["counties"]
    assert c.geometry.is_valid.all()
    assert c.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon") and c.geometry.iloc[0].area > 0
    [warning] = [p for p in loaded.problems if p.file == "counties.geojson"]
    assert warning.severity == "warning" and warning.row == 1 and "make_valid" in warning.message


def test_extra_dataset_read_as_a_layer(tmp_path):
    ws = counties_only(tmp_path / "ws")
    pd.DataFrame({"名称": ["一中"], "经度": [113.05], "纬度": [40.05]}).to_csv(ws / "schools.csv", index=False)
    write_toml(ws, {"counties": {"path": "counties.geojson"}, "schools": {"path": "schools.csv", "crs": "EPSG:4326"}})
    loaded = load_workspace(ws)
    assert same_geometry(loaded.extra["schools"].geometry, [Point(113.05, 40.05)])
    assert loaded.files["schools"] == "schools.csv"


def test_numbers_with_grouping_and_full_width_digits(tmp_path):
    enterprises = pd.DataFrame({"企业编号": ["E1", "E2"], "企业名称": ["x", "y"], "行业": ["工贸", "工贸"],
                                "经度": ["１１３．０５", "113.15"], "纬度": ["40.05", " 40.05 "], "从业人员": ["1,200", "35"]})
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=wf.hazard_frame().iloc[[3]])
    e = load_workspace(ws).datasets["enterprises"]
    assert e["employees"].tolist() == [1200, 35]
    assert same_geometry(e.geometry, [Point(113.05, 40.05), Point(113.15, 40.05)])


def test_misspelt_dataset_name_is_pointed_out(tmp_path):
    ws = wf.write_workspace(tmp_path / "ws")
    text = (ws / "riskmap.toml").read_text("utf-8").replace("[datasets.hazards]", "[datasets.hazard]")
    (ws / "riskmap.toml").write_text(text, "utf-8")
    loaded = load_workspace(ws)
    assert "hazards" not in loaded.datasets and "hazard" in loaded.extra
    [warning] = [p for p in loaded.problems if p.column == "datasets.hazard"]
    assert "[datasets.hazards]" in warning.message


def test_rows_without_coordinates_have_no_geometry_and_are_listed(tmp_path):
    enterprises = wf.enterprise_frame()
    enterprises.loc[5, ["经度", "纬度"]] = None
    hazards = wf.hazard_frame()
    hazards.loc[3, ["经度", "纬度"]] = None  # no enterprise either
    ws = wf.write_workspace(tmp_path / "ws", enterprises=enterprises, hazards=hazards)
    loaded = load_workspace(ws)
    assert loaded.datasets["enterprises"].geometry.isna().tolist() == [False] * 5 + [True]
    assert loaded.datasets["hazards"].geometry.isna().tolist() == [True] * 4  # located by enterprise or nowhere
    unassigned = assess(loaded).unassigned
    assert set(zip(unassigned["dataset"], unassigned["id"])) >= {("enterprises", "E6"), ("hazards", "H4")}
