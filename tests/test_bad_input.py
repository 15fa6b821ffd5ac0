"""Broken workspaces and the message each must give (DESIGN §5, §7; issue 2 points 6, 9).

Every case is a small workspace from :mod:`wsfactory` with one thing broken.  For each:

* ``riskmap validate WS`` and ``riskmap assess WS --out DIR`` exit with 2, print no
  traceback, and print a message naming the file, the row (1-based as a spreadsheet
  shows it: the header is row 1) or feature, the column, the offending value as it
  appears and what is allowed;
* :func:`riskmap.io.workspace.load_workspace` raises :class:`InputError` whose
  ``problems`` hold that file, row, column and value.

Messages are in the workspace language (zh by default), with canonical column names
quoted as ``enterprise_id（企业编号）``.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

import wsfactory as wf
from riskmap import assess
from riskmap.cli import main
from riskmap.errors import InputError
from riskmap.i18n import problem_word
from riskmap.io.workspace import load_workspace

# ---------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------

def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text it should show in the CSV ('' for empty)."""
    def cell(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return frame.astype(object).map(cell)


def set_frame(frame: pd.DataFrame, changes: dict | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with ``changes`` = {(row_index, column): value} applied."""
    frame = frame.copy()
    for (i, column), value in (changes or {}).items():
        frame.loc[i, column] = value
    return frame


def enterprises(changes: dict | None = None) -> pd.DataFrame:
    """The default enterprises as CSV text, edited."""
    return set_frame(text_frame(wf.enterprise_frame()), changes)


def hazards(changes: dict | None = None) -> pd.DataFrame:
    return set_frame(text_frame(wf.hazard_frame()), changes)


def accidents(changes: dict | None = None) -> pd.DataFrame:
    return set_frame(text_frame(wf.accident_frame()), changes)


def edit(**kw) -> dict:
    """``edit(**{"L@0": "7"})`` → {(0, "L"): "7"}: column L of the first data row."""
    out = {}
    for key, value in kw.items():
        column, row = key.rsplit("@", 1)
        out[(int(row), column)] = value
    return out


def zip_without_shapefile(ws: Path) -> None:
    with zipfile.ZipFile(ws / "roads.zip", "w") as archive:
        archive.writestr("readme.txt", "no shapefile here")


_DEFAULT_FILES: dict[str, bytes] = {}


def write_workspace(ws: Path, *, enterprises_=None, hazards_=None, accidents_=None, counties=None, roads=None,
                    language: str = "zh") -> None:
    """wsfactory's workspace, with the unchanged files copied from a cache (keeps the suite fast)."""
    if not _DEFAULT_FILES:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            wf.write_workspace(Path(folder))
            _DEFAULT_FILES.update({f.name: f.read_bytes() for f in Path(folder).iterdir()})
    ws.mkdir(parents=True, exist_ok=True)
    for name, data in _DEFAULT_FILES.items():
        (ws / name).write_bytes(data)
    (ws / "riskmap.toml").write_text(wf.TOML.format(language=language), "utf-8")
    if counties is not None:
        counties.to_file(ws / "counties.geojson", driver="GeoJSON")
    if roads is not None:
        roads.to_file(ws / "roads.geojson", driver="GeoJSON")
    for name, frame in (("enterprises", enterprises_), ("hazards", hazards_), ("accidents", accidents_)):
        if frame is not None:
            frame.to_csv(ws / f"{name}.csv", index=False, encoding="utf-8")


def build(*, enterprises_=None, hazards_=None, accidents_=None, counties=None, roads=None,
          toml: list[tuple[str, str]] = (), language: str = "zh", after: Callable[[Path], None] | None = None):
    """A builder: writes the workspace, applies the riskmap.toml replacements and ``after``."""
    def make(ws: Path) -> Path:
        write_workspace(ws, enterprises_=enterprises_, hazards_=hazards_, accidents_=accidents_, counties=counties,
                        roads=roads, language=language)
        text = (ws / "riskmap.toml").read_text("utf-8")
        for old, new in toml:
            assert old in text, old
            text = text.replace(old, new, 1)
        (ws / "riskmap.toml").write_text(text, "utf-8")
        if after is not None:
            after(ws)
        return ws
    return make


def counties_with(geometry_at_0) -> gpd.GeoDataFrame:
    frame = wf.county_frame()
    geoms = list(frame.geometry)
    geoms[0] = geometry_at_0
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geoms, crs=4326)


def write_utf16(ws: Path) -> None:
    text = (ws / "enterprises.csv").read_text("utf-8")
    (ws / "enterprises.csv").write_bytes(text.encode("utf-16"))


def write_xlsx_with_blank_row(ws: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业编号", "企业名称", "行业", "经度", "纬度"])
    sheet.append(["E1", "甲", "煤矿", 113.05, 40.05])   # row 2
    sheet.append([])                                    # row 3: blank
    sheet.append(["E2", "乙", "工贸", 113.15, 40.05])   # row 4
    sheet.append(["E3", "丙", "农业", 113.25, 40.05])   # row 5: unknown sector
    book.save(ws / "enterprises.xlsx")


def write_xlsx_without_sector(ws: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表说明"])
    sheet = book.create_sheet("台账")
    sheet.append(["某市企业台账"])
    sheet.append(["企业编号", "企业名称", "门类", "经度", "纬度"])
    sheet.append(["E1", "甲", "煤矿", 113.05, 40.05])
    book.save(ws / "enterprises.xlsx")


def write_standard(body: str) -> Callable[[Path], None]:
    def after(ws: Path) -> None:
        (ws / "my_standard.toml").write_text(body, "utf-8")
    return after


def far_west_workspace(ws: Path) -> None:
    """Counties near 80E 42N (where a swapped lon/lat is still in range) and one swapped point."""
    counties = wf.county_frame()
    counties = gpd.GeoDataFrame(counties.drop(columns="geometry"),
                                geometry=[box(80 + i * 0.1, 42, 80.1 + i * 0.1, 42.1) for i in range(3)], crs=4326)
    counties.to_file(ws / "counties.geojson", driver="GeoJSON")
    ent = pd.DataFrame({"企业编号": ["W1", "W2"], "企业名称": ["甲", "乙"], "行业": ["煤矿", "工贸"],
                        "经度": ["80.05", "42.05"], "纬度": ["42.05", "80.15"]})
    ent.to_csv(ws / "enterprises.csv", index=False)
    text = (ws / "riskmap.toml").read_text("utf-8")
    text = text.split("[datasets.roads]")[0]  # counties and enterprises only
    (ws / "riskmap.toml").write_text(text, "utf-8")


def patch_geojson(name: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    """Edit a GeoJSON file's first feature as raw JSON (NaN and Infinity survive)."""
    def after(ws: Path) -> None:
        data = json.loads((ws / name).read_text("utf-8"))
        change(data["features"][0])
        (ws / name).write_text(json.dumps(data), "utf-8")
    return after


def coordinate_nan(feature: dict) -> None:
    feature["geometry"]["coordinates"][0][1][0] = float("nan")


def property_set(key: str, value) -> Callable[[dict], None]:
    def change(feature: dict) -> None:
        feature["properties"][key] = value
    return change


def counties_in_metres(ws: Path) -> None:
    counties = wf.county_frame().to_crs(32649)
    counties.set_crs(None, allow_override=True).to_file(ws / "counties.geojson", driver="GeoJSON")


def accidents_as_geojson_at_lat_140(ws: Path) -> None:
    frame = wf.accident_frame()
    points = [Point(113.1, 140)] + [Point(x, y) for x, y in zip(frame["经度"][1:], frame["纬度"][1:])]
    gpd.GeoDataFrame(frame.drop(columns=["经度", "纬度"]), geometry=points, crs=4326).to_file(ws / "accidents.geojson")
    text = (ws / "riskmap.toml").read_text("utf-8").replace('path = "accidents.csv"', 'path = "accidents.geojson"')
    (ws / "riskmap.toml").write_text(text, "utf-8")


def write_layer(name: str, body: str) -> Callable[[Path], None]:
    def after(ws: Path) -> None:
        (ws / "layers").mkdir(exist_ok=True)
        (ws / "layers" / name).write_text(body, "utf-8")
    return after


OUTSIDE = "__OUTSIDE__"  # replaced by an existing file outside the workspace


def outside_file(ws: Path) -> None:
    target = ws.parent / "outside.csv"
    target.write_text("企业编号\nE1\n", "utf-8")
    text = (ws / "riskmap.toml").read_text("utf-8").replace(OUTSIDE, str(target))
    (ws / "riskmap.toml").write_text(text, "utf-8")


# ---------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    build: Callable[[Path], Path]
    file: str                      # the file the problem is reported against
    parts: tuple[str, ...]         # must appear in the printed message
    row: int | None = None
    column: str | None = None
    value: str | None = None
    unit: str = "row"


E_COUNTIES = '[datasets.counties]\npath = "counties.geojson"\ncrs = "EPSG:4326"\n'
LEC_L = "10, 6, 3, 1, 0.5, 0.2, 0.1"

CASES = [
    # --- riskmap.toml ----------------------------------------------------------------
    Case("missing riskmap.toml", build(after=lambda ws: (ws / "riskmap.toml").unlink()),
         "riskmap.toml", ("没有 riskmap.toml", "no riskmap.toml")),
    Case("riskmap.toml not TOML", build(after=lambda ws: (ws / "riskmap.toml").write_text('[workspace\ntitle = "x"\n', "utf-8")),
         "riskmap.toml", ("不是有效的 TOML", "第 1 行第 11 列"), row=1, unit="line"),  # tomllib's English only in English
    Case("no [datasets.counties]", build(toml=[(E_COUNTIES, "")]),
         "riskmap.toml", ("[datasets.counties]", "区县多边形文件必填"), column="datasets.counties"),
    Case("dataset path does not exist", build(toml=[('path = "accidents.csv"', 'path = "事故.csv"')]),
         "riskmap.toml", ("[datasets.accidents] path", "'事故.csv'", "没有这个文件"), column="datasets.accidents.path", value="事故.csv"),
    Case("path leaves the workspace (..)", build(toml=[('path = "hazards.csv"', 'path = "../hazards.csv"')],
                                                  after=lambda ws: (ws.parent / "hazards.csv").write_text("x", "utf-8")),
         "riskmap.toml", ("'../hazards.csv'", "超出工作区", "相对路径"), column="datasets.hazards.path", value="../hazards.csv"),
    Case("path leaves the workspace (absolute)", build(toml=[('path = "enterprises.csv"', f'path = "{OUTSIDE}"')], after=outside_file),
         "riskmap.toml", ("outside.csv'", "超出工作区"), column="datasets.enterprises.path"),
    Case("unknown file format", build(toml=[('path = "enterprises.csv"', 'path = "enterprises.ods"')],
                                      after=lambda ws: (ws / "enterprises.ods").write_bytes(b"PK\x03\x04")),
         "enterprises.ods", ("'.ods'", "不受支持", ".csv", ".xlsx", ".geojson", ".gpkg", ".zip", ".parquet")),
    Case("zip without a Shapefile", build(toml=[('path = "roads.geojson"', 'path = "roads.zip"')],
                                          after=zip_without_shapefile),
         "roads.zip", (".shp", ".shx", ".dbf")),
    Case("CSV in UTF-16", build(after=write_utf16),
         "enterprises.csv", ("UTF-8", "GBK", "UTF-16", "另存为")),
    Case("unreadable GeoJSON", build(after=lambda ws: (ws / "roads.geojson").write_text('{"type": "FeatureCollection", "features": [', "utf-8")),
         "roads.geojson", ("无法读取", "GeoJSON")),
    Case("unknown as_of", build(toml=[("as_of = 2026-10-31", 'as_of = "31.10.2026x"')]),
         "riskmap.toml", ("as_of", "'31.10.2026x'", "2026-10-31", "2026年10月31日"), column="as_of", value="31.10.2026x"),
    Case("language fr", build(toml=[('language = "zh"', 'language = "fr"')]),
         "riskmap.toml", ("'fr'", "zh", "en"), column="language", value="fr"),
    Case("unknown basemap", build(toml=[('standard = "default"', 'standard = "default"\nbasemap = "google"')]),
         "riskmap.toml", ("'google'", "none, osm, carto-light, tianditu, gaode", "{z}/{x}/{y}"), column="basemap", value="google"),
    Case("bad CRS EPSG:99999", build(toml=[('path = "accidents.csv"\ncrs = "EPSG:4326"', 'path = "accidents.csv"\ncrs = "EPSG:99999"')]),
         "riskmap.toml", ("[datasets.accidents]", "'EPSG:99999'", "EPSG:4490", "gcj02 / bd09"), column="datasets.accidents.crs",
         value="EPSG:99999"),
    Case("bad CRS 'wgs'", build(toml=[('crs = "EPSG:4326"', 'crs = "wgs"')]),
         "riskmap.toml", ("[datasets.counties]", "'wgs'", "pyproj"), column="datasets.counties.crs", value="wgs"),
    Case("standard path does not exist", build(toml=[('standard = "default"', 'standard = "standards/local.toml"')]),
         "riskmap.toml", ("standards/local.toml", "没有这个文件", "default"), column="standard", value="standards/local.toml"),
    Case("standard path leaves the workspace", build(toml=[('standard = "default"', 'standard = "../std.toml"')],
                                                     after=lambda ws: (ws.parent / "std.toml").write_text("", "utf-8")),
         "riskmap.toml", ("'../std.toml'", "超出工作区"), column="workspace.standard", value="../std.toml"),
    Case("standard thresholds red < orange",
         build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
               after=write_standard("[enterprise.lec]\nthresholds = { red = 100, orange = 160, yellow = 70 }\n")),
         "my_standard.toml", ("[enterprise.lec]", "red >= orange >= yellow", "100", "160"), column="enterprise.lec.thresholds"),
    Case("standard not TOML",
         build(toml=[('standard = "default"', 'standard = "my_standard.toml"')], after=write_standard("[roads\n")),
         "my_standard.toml", ("TOML",)),

    # --- columns ----------------------------------------------------------------------
    Case("missing enterprise_id column", build(enterprises_=enterprises().drop(columns=["统一社会信用代码"])),
         "enterprises.csv", ("enterprise_id（企业编号）", "统一社会信用代码", "columns"), column="enterprise_id"),
    Case("missing sector column", build(enterprises_=enterprises().drop(columns=["行业"])),
         "enterprises.csv", ("sector（行业领域）", "行业类别"), column="sector"),
    Case("missing hazard level column", build(hazards_=hazards().drop(columns=["隐患等级"])),
         "hazards.csv", ("level（隐患等级）", "缺少必填列"), column="level"),
    Case("missing lon/lat columns", build(accidents_=accidents().drop(columns=["经度", "纬度", "企业编号"])),
         "accidents.csv", ("lon（经度）", "longitude"), column="lon"),
    Case("mapped column absent", build(toml=[('path = "enterprises.csv"', 'path = "enterprises.csv"\ncolumns = { enterprise_id = "信用代码" }')]),
         "enterprises.csv", ("enterprise_id（企业编号）", "'信用代码'", "统一社会信用代码, 企业名称"), column="enterprise_id", value="信用代码"),
    Case("counties without geometry", build(toml=[('path = "counties.geojson"', 'path = "counties.csv"')],
                                            after=lambda ws: pd.DataFrame({"区划代码": ["1"], "名称": ["甲"]}).to_csv(ws / "counties.csv", index=False)),
         "counties.csv", ("区县（counties）", "Polygon", "GeoJSON")),

    # --- ids ----------------------------------------------------------------------------
    Case("duplicate enterprise_id", build(enterprises_=enterprises(edit(**{"统一社会信用代码@3": "E2"}))),
         "enterprises.csv", ("enterprise_id（企业编号）", "'E2'", "重复", "第 3 行", "唯一"), row=5, column="enterprise_id", value="E2"),
    Case("empty enterprise_id", build(enterprises_=enterprises(edit(**{"统一社会信用代码@4": ""}))),
         "enterprises.csv", ("enterprise_id（企业编号）", "为空", "唯一编号"), row=6, column="enterprise_id"),
    Case("duplicate county_code", build(counties=set_frame(wf.county_frame(), edit(**{"区划代码@2": "140001"}))),
         "counties.geojson", ("county_code（区划代码）", "'140001'", "重复", "第 1 行"), row=3, column="county_code", value="140001",
         unit="feature"),

    # --- values -----------------------------------------------------------------------
    Case("unknown sector", build(enterprises_=enterprises(edit(**{"行业@2": "农业"}))),
         "enterprises.csv", ("sector（行业领域）", "'农业'", "coal_mine (煤矿)", "other (其他)"), row=4, column="sector", value="农业"),
    Case("LEC L = 7", build(enterprises_=enterprises(edit(**{"L@0": "7"}))),
         "enterprises.csv", ("lec_l", "'7'", LEC_L, "[enterprise.lec] L"), row=2, column="lec_l", value="7"),
    Case("LEC E = 4", build(enterprises_=enterprises(edit(**{"E@0": "4"}))),
         "enterprises.csv", ("lec_e", "'4'", "10, 6, 3, 2, 1, 0.5"), row=2, column="lec_e", value="4"),
    Case("LEC C = 50", build(enterprises_=enterprises(edit(**{"C@0": "50"}))),
         "enterprises.csv", ("lec_c", "'50'", "100, 40, 15, 7, 3, 1"), row=2, column="lec_c", value="50"),
    Case("likelihood 6", build(enterprises_=enterprises(edit(**{"可能性@1": "6"}))),
         "enterprises.csv", ("likelihood（可能性）", "'6'", "1, 2, 3, 4, 5"), row=3, column="likelihood", value="6"),
    Case("severity 2.5", build(enterprises_=enterprises(edit(**{"严重性@1": "2.5"}))),
         "enterprises.csv", ("severity（严重性）", "'2.5'", "1, 2, 3, 4, 5"), row=3, column="severity", value="2.5"),
    Case("major_hazard_level 五级", build(enterprises_=enterprises(edit(**{"重大危险源等级@1": "五级"}))),
         "enterprises.csv", ("major_hazard_level（重大危险源等级）", "'五级'", "1, 2, 3, 4", "一级", "四级"), row=3,
         column="major_hazard_level", value="五级"),
    Case("employees not a number", build(enterprises_=enterprises().assign(从业人员=["10", "二十", "", "", "", ""])),
         "enterprises.csv", ("employees（从业人员）", "'二十'", "不是数字"), row=3, column="employees", value="二十"),
    Case("bad date 2026-13-45", build(hazards_=hazards(edit(**{"排查日期@2": "2026-13-45"}))),
         "hazards.csv", ("found_date（排查日期）", "'2026-13-45'", "2026-10-31", "2026/10/31", "2026年10月31日", "Excel"),
         row=4, column="found_date", value="2026-13-45"),
    Case("empty accident date", build(accidents_=accidents(edit(**{"发生时间@3": ""}))),
         "accidents.csv", ("date（发生时间）", "为空", "必填"), row=5, column="date"),
    Case("unknown hazard status", build(hazards_=hazards(edit(**{"整改状态@1": "搁置"}))),
         "hazards.csv", ("status（状态）", "'搁置'", "open, rectifying, closed", "已销号"), row=3, column="status", value="搁置"),
    Case("unknown hazard level", build(hazards_=hazards(edit(**{"隐患等级@0": "特大"}))),
         "hazards.csv", ("level（隐患等级）", "'特大'", "general, major", "一般, 重大"), row=2, column="level", value="特大"),
    Case("unknown supervision", build(hazards_=hazards(edit(**{"挂牌督办@3": "国家级"}))),
         "hazards.csv", ("supervision（挂牌督办）", "'国家级'", "none, county, city, province", "县级"), row=5,
         column="supervision", value="国家级"),
    Case("unknown accident kind", build(accidents_=accidents(edit(**{"类型@1": "火灾"}))),
         "accidents.csv", ("kind（类型）", "'火灾'", "traffic, production"), row=3, column="kind", value="火灾"),
    Case("non-numeric lon", build(enterprises_=enterprises(edit(**{"经度@2": "113.2五"}))),
         "enterprises.csv", ("lon（经度）", "'113.2五'", "不是数字"), row=4, column="lon", value="113.2五"),
    Case("lon/lat swapped (lat > 90)", build(enterprises_=enterprises(edit(**{"经度@1": "40.05", "纬度@1": "113.15"}))),
         "enterprises.csv", ("颠倒", "'40.05'", "'113.15'"), row=3, column="lon", value="40.05"),
    Case("lon/lat swapped (both in range)", build(after=far_west_workspace),
         "enterprises.csv", ("颠倒", "'42.05'", "'80.15'"), row=3, column="lon", value="42.05"),
    Case("lon out of range", build(accidents_=accidents(edit(**{"经度@0": "213.1"}))),
         "accidents.csv", ("lon（经度）", "'213.1'", "-180…180"), row=2, column="lon", value="213.1"),
    Case("lat out of range", build(hazards_=hazards(edit(**{"纬度@3": "-95"}))),
         "hazards.csv", ("lat（纬度）", "'-95'", "-90…90"), row=5, column="lat", value="-95"),
    Case("XLSX blank row keeps row numbers",
         build(toml=[('path = "enterprises.csv"', 'path = "enterprises.xlsx"')], after=write_xlsx_with_blank_row),
         "enterprises.xlsx", ("sector（行业领域）", "'农业'"), row=5, column="sector", value="农业"),

    # --- geometry ---------------------------------------------------------------------
    Case("county geometry is a Point", build(counties=counties_with(Point(113.05, 40.05))),
         "counties.geojson", ("Point", "区县（counties）", "Polygon / MultiPolygon"), row=1, column="geometry", value="Point",
         unit="feature"),
    Case("road geometry is a Polygon", build(roads=set_frame(wf.road_frame(), {(1, "geometry"): box(113.0, 40.0, 113.1, 40.1)})),
         "roads.geojson", ("Polygon", "道路（roads）", "LineString / MultiLineString"), row=2, column="geometry", value="Polygon",
         unit="feature"),
    Case("empty county geometry", build(counties=counties_with(None)),
         "counties.geojson", ("区县几何为空", "多边形"), row=1, column="geometry", unit="feature"),

    # --- hostile or absurd values (issue 7) --------------------------------------------
    Case("county coordinate NaN", build(after=patch_geojson("counties.geojson", coordinate_nan)),
         "counties.geojson", ("NaN",), row=1, column="geometry", unit="feature"),
    Case("metres declared as degrees", build(after=counties_in_metres),
         "counties.geojson", ("米制", "EPSG:4326", "crs = \"EPSG:4547\""), row=1, column="geometry", unit="feature"),
    Case("deaths = inf", build(accidents_=accidents(edit(**{"死亡人数@0": "inf"}))),
         "accidents.csv", ("deaths（死亡人数）", "'inf'", "有限"), row=2, column="deaths", value="inf"),
    Case("road accidents = Infinity", build(after=patch_geojson("roads.geojson", property_set("事故起数", float("inf")))),
         "roads.geojson", ("accidents（事故起数）", "有限"), row=1, column="accidents", unit="feature"),
    Case("road deaths = 1e308", build(after=patch_geojson("roads.geojson", property_set("死亡人数", 1e308))),
         "roads.geojson", ("deaths（死亡人数）", "0–100,000"), row=1, column="deaths", unit="feature"),
    Case("population = inf", build(after=patch_geojson("counties.geojson", property_set("人口", float("inf")))),
         "counties.geojson", ("population（人口）", "有限"), row=1, column="population", unit="feature"),
    Case("latitude 140 in a GeoJSON point", build(after=accidents_as_geojson_at_lat_140),
         "accidents.geojson", ("113.1, 140", "-90…90"), row=1, column="geometry", unit="feature"),
    Case("found_date 0001-01-15", build(hazards_=hazards(edit(**{"排查日期@0": "0001-01-15"}))),
         "hazards.csv", ("found_date（排查日期）", "'0001-01-15'", "1900–2100"), row=2, column="found_date", value="0001-01-15"),
    Case("found_date 9999-12-31 is no placeholder", build(hazards_=hazards(edit(**{"排查日期@1": "9999-12-31"}))),
         "hazards.csv", ("found_date（排查日期）", "1900–2100"), row=3, column="found_date", value="9999-12-31"),
    Case("closed_date 2263", build(hazards_=hazards(edit(**{"销号日期@2": "2263-01-01"}))),
         "hazards.csv", ("closed_date（销号日期）", "1900–2100"), row=4, column="closed_date", value="2263-01-01"),
    Case("impossible date 2026-02-30", build(hazards_=hazards(edit(**{"整改期限@0": "2026-02-30"}))),
         "hazards.csv", ("deadline（整改期限）", "'2026-02-30'", "不是存在的日期"), row=2, column="deadline", value="2026-02-30"),
    Case("two-digit year", build(accidents_=accidents(edit(**{"发生时间@1": "26-06-01"}))),
         "accidents.csv", ("date（发生时间）", "'26-06-01'", "四位年份"), row=3, column="date", value="26-06-01"),
    Case("ambiguous date", build(accidents_=accidents(edit(**{"发生时间@2": "03/04/2026"}))),
         "accidents.csv", ("date（发生时间）", "'03/04/2026'", "两个日期"), row=4, column="date", value="03/04/2026"),
    Case("standard L = 'x'", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                   after=write_standard('[enterprise.lec]\nL = "x"\n')),
         "my_standard.toml", ("enterprise.lec.L", '"x"', "正数列表"), column="enterprise.lec.L", value='"x"'),
    Case("standard unit_length_m = 0", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                             after=write_standard("[roads]\nunit_length_m = 0\n")),
         "my_standard.toml", ("roads.unit_length_m = 0", "不可用", "数字 > 0, <= 100000"), column="roads.unit_length_m", value="0"),
    Case("standard snap_distance_m = -1", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                                after=write_standard("[roads]\nsnap_distance_m = -1\n")),
         "my_standard.toml", ("roads.snap_distance_m = -1", "允许", "> 0"), column="roads.snap_distance_m", value="-1"),
    Case("standard epdo = 5", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                    after=write_standard("[roads]\nepdo = 5\n")),
         "my_standard.toml", ("roads.epdo = 5", "不是表", "fatal, injury, pdo"), column="roads.epdo", value="5"),
    Case("standard floor crimson", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                         after=write_standard('[enterprise.rules.major_hazard_installation]\n'
                                                              'floor_by_level = { 1 = "crimson" }\n')),
         "my_standard.toml", ('floor_by_level.1 = "crimson"', "风险等级 red, orange, yellow, blue"),
         column="enterprise.rules.major_hazard_installation.floor_by_level.1", value='"crimson"'),
    Case("standard misspelt table", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                          after=write_standard("[road]\nunit_length_m = 500\n")),
         "my_standard.toml", ("road = { unit_length_m = 500 }", "不是评估标准的键", "是否想写 'roads'", "counties"), column="road"),
    Case("standard misspelt rule", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                         after=write_standard("[enterprise.rules.overdue_hazard]\nmin_count = 2\n")),
         "my_standard.toml", ("enterprise.rules.overdue_hazard", "是否想写 'overdue_hazards'", "fatal_accident_12m"),
         column="enterprise.rules.overdue_hazard"),
    Case("standard months = 0", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                      after=write_standard("[enterprise.rules.fatal_accident_12m]\nmonths = 0\n")),
         "my_standard.toml", ("fatal_accident_12m.months = 0", "1 到 120 之间的整数"),
         column="enterprise.rules.fatal_accident_12m.months", value="0"),
    Case("standard sector without baseline", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                                   after=write_standard('[sectors.fireworks]\nzh = "烟花爆竹"\nen = "fireworks"\n')),
         "my_standard.toml", ("[sectors.fireworks]", "baseline"), column="sectors.fireworks.baseline"),
    Case("standard sector key", build(toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                      after=write_standard('[sectors."烟花"]\nzh = "烟花爆竹"\nen = "f"\nbaseline = "blue"\n')),
         "my_standard.toml", ("'烟花'", "小写字母"), column="sectors.烟花"),
    Case("English: standard misspelt key", build(language="en", toml=[('standard = "default"', 'standard = "my_standard.toml"')],
                                                 after=write_standard("[roads]\nsnap_distanse_m = 30\n")),
         "my_standard.toml", ("roads.snap_distanse_m = 30", "is not a key of a standard", "did you mean 'snap_distance_m'?",
                              "the keys allowed here"), column="roads.snap_distanse_m", value="30"),
    Case("layer TOML not TOML", build(after=write_layer("bad.toml", "[layer\n")),
         "layers/bad.toml", ("not valid TOML",)),
    Case("layer path outside the workspace", build(after=write_layer("out.toml", 'geometry = "point"\npath = "../x.csv"\n')),
         "layers/out.toml", ("stay inside",), column="path"),
    Case("layer of an unknown dataset", build(after=write_layer("s.toml", 'geometry = "point"\ndataset = "schools"\n')),
         "layers/s.toml", ("'schools'", "[datasets.schools]"), column="dataset", value="schools"),

    # --- real office ledgers (issue 9) --------------------------------------------------
    Case("local word mapped to no key", build(toml=[('path = "hazards.csv"', 'path = "hazards.csv"\n'
                                                                          'values = { status = { "待复查" = "pending" } }')]),
         "riskmap.toml", ("'待复查'", "'pending'", "open, rectifying, closed"), column="datasets.hazards.values.status",
         value="待复查"),
    Case("local words for a column that is not coded", build(toml=[('path = "hazards.csv"', 'path = "hazards.csv"\n'
                                                                                         'values = { hazard_id = { "a" = "b" } }')]),
         "riskmap.toml", ("'hazard_id'", "level, status, supervision"), column="datasets.hazards.values.hazard_id"),
    Case("unknown county name without coordinates",
         build(enterprises_=enterprises(edit(**{"经度@2": "", "纬度@2": ""})).assign(所属区县=["甲县", "乙县", "丁县", "", "", ""])),
         "enterprises.csv", ("'丁县'", "不是区县表中的区县", "甲县、乙县、丙县"), row=4, column="county_name", value="丁县"),
    Case("unknown county code without coordinates",
         build(enterprises_=enterprises(edit(**{"经度@1": "", "纬度@1": ""})).assign(区划代码=["", "149999", "", "", "", ""])),
         "enterprises.csv", ("'149999'", "没有坐标"), row=3, column="county_code", value="149999"),
    Case("lng,lat not two numbers",
         build(enterprises_=enterprises().drop(columns=["经度", "纬度"]).assign(
             经纬度=["113.05,40.05", "113.15 40.05", "113.25；40.05", "113.02", "113.12,40.08", "113.22,40.09"])),
         "enterprises.csv", ("'113.02'", "经度,纬度", "113.30,40.10"), row=5, column="lonlat", value="113.02"),
    Case("no such sheet", build(toml=[('path = "enterprises.csv"', 'path = "enterprises.xlsx"\nsheet = "企业"')],
                                after=write_xlsx_with_blank_row),
         "riskmap.toml", ("sheet = '企业'", "没有这个工作表", "Sheet"), column="datasets.enterprises.sheet", value="企业"),
    Case("header_row not a row", build(toml=[('path = "enterprises.csv"', 'path = "enterprises.csv"\nheader_row = 0')]),
         "riskmap.toml", ("header_row = 0", "1 到 1000"), column="datasets.enterprises.header_row", value="0"),
    Case("missing column says what was found",
         build(toml=[('path = "enterprises.csv"', 'path = "enterprises.xlsx"')], after=write_xlsx_without_sector),
         "enterprises.xlsx", ("sector（行业领域）", "在工作表 '台账' 第 2 行找到的列：企业编号, 企业名称, 门类"), column="sector"),

    # --- an English workspace ---------------------------------------------------------
    Case("English: duplicate id", build(language="en", enterprises_=enterprises(edit(**{"统一社会信用代码@1": "E1"}))),
         "enterprises.csv", ("enterprise_id 'E1' is a duplicate (first seen at row 2)", "IDs must be unique"), row=3,
         column="enterprise_id", value="E1"),
    Case("English: unknown status", build(language="en", hazards_=hazards(edit(**{"整改状态@0": "pending"}))),
         "hazards.csv", ("status 'pending' is not recognised", "allowed: open, rectifying, closed"), row=2, column="status",
         value="pending"),
]


def _find(problems, case: Case):
    for p in problems:
        if p.severity != "error" or p.file != case.file:
            continue
        if case.row is not None and (p.row != case.row or p.unit != case.unit):
            continue
        if case.column is not None and p.column != case.column:
            continue
        if case.value is not None and p.value != case.value:
            continue
        if all(part in p.message for part in case.parts):
            return p
    return None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_workspace_gives_a_clear_message(tmp_path, capsys, case):
    ws = case.build(tmp_path / "ws")

    with pytest.raises(InputError) as info:
        load_workspace(ws)
    assert _find(info.value.problems, case) is not None, "\n".join(map(str, info.value.problems))

    # The report's own words follow the workspace language (第 5 行 / row 5).
    lang = "en" if case.id.startswith("English") else "zh"
    expected_where = [f"{case.file}:"]
    if case.row is not None:
        expected_where.append(problem_word(case.unit, lang, n=case.row))
    if case.column is not None:
        expected_where.append(problem_word("column", lang, c=case.column))

    for argv in (["validate", str(ws)], ["assess", str(ws), "--out", str(tmp_path / "out"), "--quiet"]):
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 2, err
        assert "Traceback" not in err and "Traceback" not in out
        assert "internal error" not in err
        for text in (*expected_where, *case.parts):
            assert text in err, f"{text!r} not in:\n{err}"
    assert not (tmp_path / "out" / "summary.json").exists()


def test_at_least_25_cases():
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


# ---------------------------------------------------------------------------
# several problems at once
# ---------------------------------------------------------------------------

def test_validate_prints_every_error_of_a_workspace(tmp_path, capsys):
    ws = build(
        toml=[('language = "zh"', 'language = "zh"\nbasemap = "google"'),
              ('path = "accidents.csv"\ncrs = "EPSG:4326"', 'path = "accidents.csv"\ncrs = "wgs84?"')],
        enterprises_=enterprises(edit(**{"统一社会信用代码@3": "E1", "行业@4": "农业", "L@0": "7", "纬度@5": "400"})),
        hazards_=hazards(edit(**{"整改状态@1": "搁置", "排查日期@2": "2026-13-45"})),
        accidents_=accidents(edit(**{"发生时间@0": "去年"})),
        roads=set_frame(wf.road_frame(), {(0, "路段编号"): "R2"}),
    )(tmp_path / "ws")
    assert main(["validate", str(ws)]) == 2
    err = capsys.readouterr().err
    expected = [
        ("riskmap.toml", "列 basemap", "'google'"),
        ("riskmap.toml", "列 datasets.accidents.crs", "'wgs84?'"),
        ("enterprises.csv", "第 5 行，列 enterprise_id", "'E1'"),
        ("enterprises.csv", "第 6 行，列 sector", "'农业'"),
        ("enterprises.csv", "第 2 行，列 lec_l", "'7'"),
        ("enterprises.csv", "第 7 行，列 lat", "'400'"),
        ("hazards.csv", "第 3 行，列 status", "'搁置'"),
        ("hazards.csv", "第 4 行，列 found_date", "'2026-13-45'"),
        ("accidents.csv", "第 2 行，列 date", "'去年'"),
        ("roads.geojson", "第 2 个要素，列 segment_id", "'R2'"),
    ]
    for file, where, value in expected:
        assert f"{file}:" in err
        assert any(where in line and value in line for line in err.splitlines()), f"{where} {value} missing:\n{err}"
    assert sum(line.startswith("  错误 ") for line in err.splitlines()) == len(expected)
    assert "(10)" in err  # the headline counts them


def test_many_bad_rows_are_counted_not_all_listed(tmp_path, capsys):
    n = 30
    ent = pd.DataFrame({"企业编号": [f"E{i}" for i in range(n)], "企业名称": ["x"] * n, "行业": ["农业"] * n,
                        "经度": ["x"] * n, "纬度": ["40.05"] * n})
    ws = build(enterprises_=ent, hazards_=hazards().iloc[[3]], accidents_=accidents().iloc[:3])(tmp_path / "ws")
    assert main(["validate", str(ws)]) == 2
    err = capsys.readouterr().err
    assert "第 2 行，列 lon" in err and "第 21 行，列 lon" in err and "第 22 行，列 lon" not in err
    assert "另有 10 行同类问题" in err


def test_an_unknown_value_is_reported_once_with_its_count_and_the_toml_line(tmp_path, capsys):
    n = 30
    ent = pd.DataFrame({"企业编号": [f"E{i}" for i in range(n)], "企业名称": ["x"] * n,
                        "行业": ["冶金"] * 20 + ["烟花爆竹"] * 9 + ["煤矿"], "经度": ["113.05"] * n, "纬度": ["40.05"] * n})
    ws = build(enterprises_=ent, hazards_=hazards().iloc[[3]], accidents_=accidents().iloc[:3])(tmp_path / "ws")
    assert main(["validate", str(ws)]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "列 sector" in line]
    assert len(lines) == 2, err
    assert "第 2 行" in lines[0] and "'冶金'" in lines[0] and "共 20 行：2、3、4、5、6…" in lines[0]
    assert '[datasets.enterprises.values] sector = { "冶金" = "other" }' in lines[0]
    assert "第 22 行" in lines[1] and "共 9 行" in lines[1] and "coal_mine (煤矿)" in lines[1]


# ---------------------------------------------------------------------------
# warnings: repaired, exit 0
# ---------------------------------------------------------------------------

def test_invalid_county_polygon_is_repaired_with_a_warning(tmp_path, capsys):
    bow_tie = shapely.Polygon([(113.0, 40.0), (113.1, 40.1), (113.1, 40.0), (113.0, 40.1)])
    assert not bow_tie.is_valid
    ws = build(counties=counties_with(bow_tie))(tmp_path / "ws")
    assert main(["validate", str(ws)]) == 0
    out, err = capsys.readouterr()
    line = next(line for line in out.splitlines() if "第 1 个要素，列 geometry" in line)
    assert "警告" in line and "多边形无效" in line and "Self-intersection" in line and "make_valid 修复" in line
    assert main(["assess", str(ws), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "make_valid" in err and "Traceback" not in err
    assert (tmp_path / "out" / "summary.json").exists()


def test_missing_crs_is_announced(tmp_path, capsys):
    ws = build(toml=[('path = "hazards.csv"\ncrs = "EPSG:4326"', 'path = "hazards.csv"')])(tmp_path / "ws")
    assert main(["validate", str(ws)]) == 0
    out, _ = capsys.readouterr()
    assert "hazards.csv: 0 个错误，1 个警告" in out
    assert "未声明坐标系" in out and "EPSG:4326" in out
    assert main(["assess", str(ws), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    _, err = capsys.readouterr()
    assert "hazards.csv" in err and "EPSG:4326" in err


def test_partial_coordinates_are_a_warning(tmp_path, capsys):
    ws = build(enterprises_=enterprises(edit(**{"纬度@2": ""})))(tmp_path / "ws")
    assert main(["validate", str(ws)]) == 0
    out, _ = capsys.readouterr()
    assert "第 4 行，列 lat" in out and "'113.25'" in out


def test_the_error_carries_the_warnings_too(tmp_path):
    bow_tie = shapely.Polygon([(113.0, 40.0), (113.1, 40.1), (113.1, 40.0), (113.0, 40.1)])
    ws = build(counties=counties_with(bow_tie), enterprises_=enterprises(edit(**{"行业@0": "农业"})))(tmp_path / "ws")
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    assert [p.column for p in info.value.problems] == ["sector"]
    assert any("make_valid" in p.message for p in info.value.warnings)


def test_deadline_9999_means_no_deadline(tmp_path, capsys):
    ws = build(hazards_=hazards(edit(**{"整改期限@0": "9999-12-31", "整改期限@3": "9999/12/31"})))(tmp_path / "ws")
    assert main(["validate", str(ws)]) == 0
    hz = assess(ws).hazards.set_index("hazard_id")
    assert hz.loc["H1", "deadline"] is pd.NaT and not hz.loc["H1", "overdue"]
    assert hz.loc["H4", "deadline"] is pd.NaT and not hz.loc["H4", "overdue"]
