"""A workspace whose cells take every path of reading (issue 13's fast reading).

``write_messy_workspace(folder, rows=N)`` writes, from fixed data (no randomness), N
rows per point dataset in which most cells are plain (what pyarrow types: ASCII
codes, ``113.25``, ``2026-05-01``) and every few rows one is not:

* ``enterprises.csv`` in GBK with Chinese column names: codes with spaces, in lower
  case, full-width, with a vertical tab; numbers as ``1,200``, ``１２０``, ``1e3``,
  `` 7 ``, ``inf``, ``abc``, ``无数据``, ``-``; coordinates as text that is not one,
  swapped, out of range, one of the pair missing; a repeated ID;
* ``hazards.xlsx``: a title row and a 填报单位 line above an English header; dates as
  ``2026/1/5``, ``2026年1月5日``, ``2026.9.1``, ``20260105``, Excel date cells, Excel
  serials, ``26-1-5``, ``03/04/2026``, ``2026-02-30``, ``1850-01-01``, ``9999-12-31``,
  `` 2026-01-05 ``;
* ``accidents.parquet``: a plain Parquet table (lon/lat columns), dates as text in
  several forms, counts as text, a date after ``as_of``;
* ``roads.parquet``: GeoParquet with codes in mixed forms;
* ``counties.geojson``: three counties.

Rows of the same content repeat with the row number in their IDs, so the file can be
made as large as a benchmark needs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
from shapely.geometry import LineString

import wsfactory as wf

ODD_NUMBERS = ["1,200", "１２０", "1e3", " 7 ", "inf", "abc", "无数据", "-", "+5", ".5", "3.", "", "12345678901234567890"]
ODD_CODES = [" e{n} ", "Ｅ{n}", "e\x0b{n}", "e{n}\u3000", "ＡＢ{n}"]
ODD_DATES = ["2026/1/5", "2026年1月5日", "2026.9.1", "20260105", "26-1-5", "03/04/2026", "13/04/2026", "2026-02-30",
             "1850-01-01", "9999-12-31", " 2026-01-05 ", "2026-1-5", "someday", "2026-13-01", "45000", "2026-05-01 08:30"]
ODD_LONLAT = [("abc", "40.05"), ("40.05", "113.05"), ("200", "40.05"), ("", "40.05"), ("113.05", ""), ("113,05", "40.05"),
              ("１１３．０５", "４０．０５")]


def _lon(n: int) -> float:
    return round(wf.X0 + 0.01 + (n * 0.0137) % 0.28, 6)


def _lat(n: int) -> float:
    return round(wf.Y0 + 0.01 + (n * 0.0071) % 0.08, 6)


def enterprise_rows(rows: int) -> pd.DataFrame:
    sectors = ["煤矿", "危险化学品", "消防", "建筑施工", "道路运输", "工贸", "coal_mine", "Hazardous chemicals"]
    data = []
    for n in range(1, rows + 1):
        code = f"E{n}"
        lon, lat = str(_lon(n)), str(_lat(n))
        employees = str(10 + n % 90)
        lec = ("", "", "")
        if n % 5 == 0:
            lec = ("3", "6", "7")
        if n % 7 == 0:
            code = ODD_CODES[(n // 7) % len(ODD_CODES)].format(n=n)
        if n % 11 == 0:
            employees = ODD_NUMBERS[(n // 11) % len(ODD_NUMBERS)]
        if n % 13 == 0:
            lon, lat = ODD_LONLAT[(n // 13) % len(ODD_LONLAT)]
        if n % 17 == 0:
            lec = ("0.5", "6", "abc")
        if n % 97 == 0:
            code = "E1"  # a repeated ID
        data.append([code, f"企业{n:05d}有限公司", sectors[n % len(sectors)], lon, lat, *lec, employees])
    return pd.DataFrame(data, columns=["企业编号", "企业名称", "行业", "经度", "纬度", "L", "E", "C", "从业人员"])


def hazard_rows(rows: int) -> list[list]:
    data = []
    for n in range(1, rows + 1):
        found: object = f"2026-{1 + n % 9:02d}-{1 + n % 27:02d}"
        deadline: object = "2026-12-01"
        if n % 5 == 0:
            found = ODD_DATES[(n // 5) % len(ODD_DATES)]
        if n % 9 == 0:
            found = dt.datetime(2026, 1 + n % 12, 1 + n % 28)  # an Excel date cell
        if n % 23 == 0:
            deadline = "9999-12-31"
        if n % 29 == 0:
            found = 46000.0  # an Excel serial stored as a number
        enterprise = f"E{1 + n % 50}" if n % 3 else None
        lon, lat = (_lon(n), _lat(n)) if enterprise is None else (None, None)
        data.append([f"H{n}", enterprise, "general" if n % 4 else "major", "open" if n % 2 else "closed", found,
                     deadline, None, lon, lat])
    return data


def accident_rows(rows: int) -> pd.DataFrame:
    data = []
    for n in range(1, rows + 1):
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
        deaths = str(n % 3)
        if n % 6 == 0:
            day = ODD_DATES[(n // 6) % len(ODD_DATES)]
        if n % 19 == 0:
            deaths = ODD_NUMBERS[(n // 19) % len(ODD_NUMBERS)]
        if n % 31 == 0:
            day = "2027-01-01"  # after as_of
        data.append([f"A{n}", day, deaths, "0", "traffic" if n % 2 else "production", f"E{1 + n % 40}" if n % 2 == 0 else None,
                     _lon(n), _lat(n)])
    return pd.DataFrame(data, columns=["accident_id", "date", "deaths", "injuries", "kind", "enterprise_id", "lon", "lat"])


def _hazards_workbook(path: Path, rows: int) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "隐患台账"
    header = ["hazard_id", "enterprise_id", "level", "status", "found_date", "deadline", "closed_date", "lon", "lat"]
    sheet.append(["示范市事故隐患排查治理台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(["填报单位：示范市应急管理局"])
    sheet.append(header)
    for row in hazard_rows(rows):
        sheet.append(row)
    book.save(path)


TOML = wf.workspace_toml(title="杂乱单元格", roads="roads.parquet", accidents="accidents.parquet", hazards="hazards.xlsx")


def write_messy_workspace(folder: Path, *, rows: int = 400, language: str = "zh") -> Path:
    """Write the messy workspace into ``folder`` (``rows`` rows per point dataset) and return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wf.county_frame().to_file(folder / "counties.geojson", driver="GeoJSON")
    enterprise_rows(rows).to_csv(folder / "enterprises.csv", index=False, encoding="gbk")
    accident_rows(rows).to_parquet(folder / "accidents.parquet", index=False)
    _hazards_workbook(folder / "hazards.xlsx", rows)
    ids = [f"R{n}" if n % 4 else f" r{n} " for n in range(1, 41)]
    roads = gpd.GeoDataFrame({"segment_id": ids, "road_name": [f"G{n}" for n in range(1, 41)],
                              "road_class": ["national" if n % 2 else "省道" for n in range(1, 41)]},
                             geometry=[LineString([(wf.X0 + 0.007 * n, wf.Y0 + 0.01), (wf.X0 + 0.007 * n, wf.Y0 + 0.09)])
                                       for n in range(1, 41)], crs=4326)
    roads.to_parquet(folder / "roads.parquet")
    (folder / "riskmap.toml").write_text(TOML.format(language=language), encoding="utf-8")
    return folder


if __name__ == "__main__":
    import sys

    print(write_messy_workspace(Path(sys.argv[1] if len(sys.argv) > 1 else "messy"),
                                rows=int(sys.argv[2]) if len(sys.argv) > 2 else 400))
