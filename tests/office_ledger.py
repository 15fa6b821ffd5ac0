"""A workspace as a county or city work-safety office really keeps it (issue 9, point 9).

``write_office_ledger(folder)`` writes, from fixed data (no randomness):

* ``counties.geojson``: four counties, two of them named 城区 (in 大同市 and 阳泉市),
  with a ``所属地市`` column;
* ``enterprises.xlsx``: a cover sheet (填报说明) first, then the ledger sheet with a
  merged title row and a 填报单位 line above the header; 统一社会信用代码 typed with
  spaces, in lower case and in full-width characters (one with a wrong check
  character); 经纬度 in one column as Amap copies it (some full-width); numbers stored
  as text; sectors in local words (冶金, 烟花爆竹); no coordinates for some enterprises,
  which name their county (所属区县 + 所属地市) instead; 重大危险源等级 as 无/否/0/二级;
  two enterprises with the same name;
* ``hazards.csv``: GBK, a title line, enterprises named by name only (one in
  full-width brackets, one unknown, one ambiguous), statuses 整改完成/已验收/已闭环 and a
  local 待复查, dates as 2026.09.01, 2026.9.1 and 2026年9月1日, one found after as_of;
* ``accidents.xls``: an Excel 97-2003 workbook, a title row, a production accident
  named by its enterprise's name;
* ``roads.geojson``: a road stored as a MultiLineString of touching parts;
* ``riskmap.toml`` mapping the local words.

``LEDGER`` describes what the files hold, so tests can say what they expect.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import openpyxl
import xlwt
from shapely.geometry import LineString, MultiLineString, box

from riskmap.io.identifiers import credit_check_character

X0, Y0, W = 113.0, 40.0, 0.1

COUNTIES = [  # code, name, city
    ("140202", "城区", "大同市"),
    ("140302", "城区", "阳泉市"),
    ("140303", "矿区", "阳泉市"),
    ("140311", "郊区", "阳泉市"),
]


def credit_code(body17: str) -> str:
    """A credit code with its right check character."""
    return body17 + credit_check_character(body17)


CODES = [credit_code(f"9114020{n:02d}MA0X{n:04d}") for n in range(1, 11)]
BAD_CODE = CODES[9][:17] + ("0" if CODES[9][17] != "0" else "1")  # the wrong check character

# name, credit code as typed, sector as typed, city, county, 经纬度 (or ""), L, E, C, 重大危险源等级, employees
ENTERPRISES = [
    ("大同煤业一矿", CODES[0], "煤矿", "大同市", "城区", "113.05,40.05", "6", "6", "15", "无", "１２０"),
    ("新华化工有限公司", " " + CODES[1].lower() + " ", "危险化学品", "大同市", "城区", "113.06，40.06", "", "", "", "二级", "80"),
    ("新华化工有限公司", CODES[2], "危化品", "阳泉市", "城区", "", "", "", "", "否", "40"),
    ("阳泉钢铁（集团）", CODES[3].translate(str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY",
                                                    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ")),
     "冶金", "阳泉市", "城区", "１１３．１５,４０．０５", "", "", "", "0", "300"),
    ("盛世烟花厂", CODES[4], "烟花爆竹", "阳泉市", "矿区", "", "", "", "", "", "12"),
    ("矿区建筑工地", CODES[5], "建筑施工", "阳泉市", "矿区", "113.25,40.05", "", "", "", "", "60"),
    ("郊区商场", CODES[6], "消防", "阳泉市", "郊区", "113.35,40.05", "", "", "", "", "25"),
    ("郊区运输公司", CODES[7], "道路运输", "阳泉市", "郊区", "", "", "", "", "", "18"),
    ("城区加油站", CODES[8], "危险化学品", "大同市", "城区", "113.02,40.08", "", "", "", "四级", "9"),
    ("错码工贸", BAD_CODE, "工贸", "阳泉市", "郊区", "113.32,40.02", "", "", "", "", "7"),
]
ENTERPRISE_HEADER = ["序号", "单位名称", "统一社会信用代码", "行业类别", "所属地市", "所属区县", "经纬度", "L", "E", "C",
                     "重大危险源等级", "从业人员"]
ENTERPRISE_TITLE_ROWS = 2  # the merged title and the 填报单位 line: the header is row 3, the first enterprise row 4

# hazard id, enterprise name, level, status, found, deadline, closed
HAZARDS = [
    ("YH-001", "大同煤业一矿", "重大", "未整改", "2026.09.01", "2026.12.31", ""),
    ("YH-002", "阳泉钢铁(集团)", "一般", "整改完成", "2026.9.1", "2026.9.30", "2026年9月20日"),
    ("YH-003", "盛世烟花厂", "重大", "待复查", "2026年9月1日", "2026-09-15", ""),
    ("YH-004", "郊区商场", "一般", "已验收", "2026/08/01", "2026/08/31", "2026/08/20"),
    ("YH-005", "郊区运输公司", "一般", "已闭环", "2026-07-01", "2026-07-31", "2026-07-15"),
    ("YH-006", "无名小作坊", "一般", "未整改", "2026-10-01", "2026-10-20", ""),      # unknown name
    ("YH-007", "新华化工有限公司", "一般", "整改中", "2026-10-05", "2026-11-30", ""),  # two enterprises have this name
    ("YH-008", "城区加油站", "一般", "未整改", "2026-11-15", "2026-12-31", ""),        # found after as_of
]
HAZARD_HEADER = ["隐患编号", "单位名称", "隐患等级", "整改状态", "排查日期", "整改期限", "销号日期"]

# accident id, date, enterprise name, kind, deaths, injuries, 经纬度
ACCIDENTS = [
    ("SG-01", dt.datetime(2026, 3, 2), "大同煤业一矿", "生产安全事故", 1, 0, ""),
    ("SG-02", dt.datetime(2026, 5, 9), "", "道路交通事故", 0, 2, "113.12,40.0301"),
    ("SG-03", dt.datetime(2025, 12, 1), "盛世烟花厂", "生产安全事故", 2, 1, ""),
]
ACCIDENT_HEADER = ["事故编号", "发生时间", "单位名称", "事故类型", "死亡人数", "受伤人数", "经纬度"]

TOML = """[workspace]
title = "阳泉—大同示范台账"
region = "示范市"
as_of = 2026-10-31
language = "zh"

[datasets.counties]
path = "counties.geojson"
crs = "EPSG:4326"

[datasets.enterprises]
path = "enterprises.xlsx"
crs = "EPSG:4326"
[datasets.enterprises.values]
sector = { "冶金" = "industry_trade", "烟花爆竹" = "other" }

[datasets.roads]
path = "roads.geojson"

[datasets.accidents]
path = "accidents.xls"
crs = "EPSG:4326"

[datasets.hazards]
path = "hazards.csv"
crs = "EPSG:4326"
[datasets.hazards.values]
status = { "待复查" = "rectifying" }
"""


def _counties(folder: Path) -> None:
    frame = gpd.GeoDataFrame({"区划代码": [c[0] for c in COUNTIES], "名称": [c[1] for c in COUNTIES],
                              "所属地市": [c[2] for c in COUNTIES]},
                             geometry=[box(X0 + i * W, Y0, X0 + (i + 1) * W, Y0 + W) for i in range(len(COUNTIES))], crs=4326)
    frame.to_file(folder / "counties.geojson", driver="GeoJSON")


def _enterprises(folder: Path) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "填报说明"
    cover.append(["填报说明：本表由各区县应急管理局于每月 5 日前报送。"])
    cover.append(["“行业类别”按本局口径填写。"])
    sheet = book.create_sheet("企业台账")
    sheet.append(["示范市安全生产重点企业台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ENTERPRISE_HEADER))
    sheet.append(["填报单位：示范市应急管理局", None, None, None, None, None, None, None, None, "填报日期：2026年10月"])
    sheet.append(ENTERPRISE_HEADER)
    for k, row in enumerate(ENTERPRISES, start=1):
        sheet.append([k, *row])
    book.save(folder / "enterprises.xlsx")


def _hazards(folder: Path) -> None:
    lines = ["示范市事故隐患排查治理台账（2026 年）", ",".join(HAZARD_HEADER)]
    lines += [",".join(row) for row in HAZARDS]
    (folder / "hazards.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def _accidents(folder: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("事故台账")
    sheet.write(0, 0, "示范市生产安全事故和道路交通事故统计")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for j, name in enumerate(ACCIDENT_HEADER):
        sheet.write(1, j, name)
    for i, row in enumerate(ACCIDENTS, start=2):
        for j, value in enumerate(row):
            sheet.write(i, j, value, date_style) if isinstance(value, dt.datetime) else sheet.write(i, j, value)
    book.save(str(folder / "accidents.xls"))


def _roads(folder: Path) -> None:
    # G1 runs across 城区（大同市） and into 城区（阳泉市）, stored as ten touching parts.
    parts = [[(X0 + 0.01 + 0.015 * i, Y0 + 0.03), (X0 + 0.01 + 0.015 * (i + 1), Y0 + 0.03)] for i in range(10)]
    frame = gpd.GeoDataFrame({"路段编号": ["G1", "S2"], "道路名称": ["国道1", "省道2"]},
                             geometry=[MultiLineString(parts), LineString([(X0 + 0.25, Y0 + 0.01), (X0 + 0.25, Y0 + 0.09)])],
                             crs=4326)
    frame.to_file(folder / "roads.geojson", driver="GeoJSON")


def write_office_ledger(folder: Path) -> Path:
    """Write the office-ledger workspace into ``folder`` and return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _counties(folder)
    _enterprises(folder)
    _hazards(folder)
    _accidents(folder)
    _roads(folder)
    (folder / "riskmap.toml").write_text(TOML, encoding="utf-8")
    return folder


if __name__ == "__main__":
    import sys

    print(write_office_ledger(Path(sys.argv[1] if len(sys.argv) > 1 else "office-ledger")))
