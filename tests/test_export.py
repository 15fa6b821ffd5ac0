"""Tests of riskmap.export, and the small synthetic assessment the export tests share.

The synthetic assessment has all four grades among counties, enterprises and road
units, an overdue major hazard under city supervision, an accident-prone unit and
unassigned records, so every element of every export has something to show.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point, box

from riskmap.assessment import Assessment, WorkspaceInfo
from riskmap.grades import GRADES, RANK, count_by_grade
from riskmap.reasons import Reason

AS_OF = date(2026, 10, 31)

COUNTY_NAMES = {"140201": "平城区", "140202": "云冈区", "140203": "新荣区", "140204": "阳高县"}


def synthetic_assessment(*, language: str = "zh", demo: bool = True) -> Assessment:
    """Build a small graded assessment by hand (no engine involved)."""
    x0, y0, step = 113.0, 39.9, 0.3
    codes = list(COUNTY_NAMES)
    grades = ["red", "orange", "yellow", "blue"]
    cells = [(0, 1), (1, 1), (0, 0), (1, 0)]
    county_rows = []
    for code, grade, (i, j) in zip(codes, grades, cells):
        geom = box(x0 + i * step, y0 + j * step, x0 + (i + 1) * step, y0 + (j + 1) * step)
        pe, pr, ph, pa = {"red": (30, 12, 25, 10), "orange": (20, 6, 10, 5),
                          "yellow": (10, 3, 4, 0), "blue": (3, 0.5, 0.5, 0)}[grade]
        county_rows.append({
            "county_code": code, "county_name": COUNTY_NAMES[code], "population": 250000.0,
            "n_enterprises": 4, "points_enterprises": pe, "points_roads": pr,
            "points_hazards": ph, "points_accidents": pa, "score": pe + pr + ph + pa,
            "grade": grade,
            "reasons": "重大事故隐患未销号企业所在区县至少较大风险" if grade == "orange" else "",
            "top_contributors": f"重大风险企业 {pe // 10} 家（{pe} 分）; 未销号重大隐患（{ph} 分）",
            "contributor_codes": (Reason.of("enterprise_points", grade="red", count=pe // 10, points=float(pe)),
                                  Reason.of("hazard_points", kind="major", count=1, points=float(ph))),
            "area_km2": 850.0, "enterprises_red": 1, "enterprises_orange": 1,
            "enterprises_yellow": 1, "enterprises_blue": 1,
            "open_hazards": 3, "major_open_hazards": 1 if grade == "red" else 0,
            "overdue_hazards": 1, "deaths_12m": pa // 5, "unit_km": 4.0, "geometry": geom,
        })
    counties = gpd.GeoDataFrame(county_rows, geometry="geometry", crs="EPSG:4326")

    sectors = ["coal_mine", "hazardous_chemicals", "fire", "construction"]
    ent_rows = []
    n = 0
    for c, (code, (i, j)) in enumerate(zip(codes, cells)):
        for k, grade in enumerate(GRADES):
            n += 1
            lon = x0 + i * step + 0.05 + 0.06 * k
            lat = y0 + j * step + 0.08 + 0.04 * k
            ent_rows.append({
                "enterprise_id": f"E{n:03d}", "name": f"示例企业{n}号", "sector": sectors[k],
                "county_code": code, "county_name": COUNTY_NAMES[code], "address": f"{COUNTY_NAMES[code]}某路{n}号",
                "employees": 50.0 * (k + 1), "lec_l": 6.0, "lec_e": 6.0, "lec_c": 15.0,
                "likelihood": np.nan, "severity": np.nan,
                "major_hazard_level": 2.0 if grade == "red" and c == 0 else np.nan,
                "method": "lec", "inherent_value": 540.0 - 100 * k, "inherent_grade": grade,
                "grade": grade, "score": RANK[grade] + 0.5,
                "reasons": "重大事故隐患未销号; 重大危险源二级" if grade == "red" else
                           ("近12个月发生死亡事故，升一级" if grade == "orange" else ""),
                "open_hazards": 1, "major_open_hazards": 1 if grade == "red" else 0,
                "overdue_hazards": 1 if grade == "red" else 0, "fatal_accidents_12m": 0,
                "geometry": Point(lon, lat),
            })
    # One enterprise outside every county: unassigned but still drawn and graded.
    ent_rows.append({**ent_rows[-1], "enterprise_id": "E900", "name": "界外企业", "county_code": None,
                     "county_name": None, "grade": "yellow", "geometry": Point(x0 + 0.7, y0 + 0.3)})
    enterprises = gpd.GeoDataFrame(ent_rows, geometry="geometry", crs="EPSG:4326")

    unit_rows = []
    for c, (code, (i, j)) in enumerate(zip(codes, cells)):
        for k, grade in enumerate(GRADES):
            yy = y0 + j * step + 0.03 + 0.07 * k
            xa = x0 + i * step + 0.02
            geom = LineString([(xa, yy), (xa + 0.011, yy + 0.002)])
            prone = grade == "red" and c < 2
            unit_rows.append({
                "unit_id": f"G6-{code}-0-{k}", "segment_id": "G6", "road_name": "京藏高速",
                "road_class": "expressway", "county_code": code, "county_name": COUNTY_NAMES[code],
                "length_m": 1000.0, "fatal": 3 if prone else 0, "injury": 2 * (3 - k),
                "pdo": 4, "epdo": (30 if prone else 0) + 10.0 * (3 - k) + 4, "rate": 25.0 - 7 * k,
                "accident_prone": prone, "grade": grade, "score": 25.0 - 7 * k,
                "reasons": "事故多发路段" if prone else "", "geometry": geom,
            })
    road_units = gpd.GeoDataFrame(unit_rows, geometry="geometry", crs="EPSG:4326")

    accidents = gpd.GeoDataFrame({
        "accident_id": ["A1", "A2", "A3"],
        "date": pd.to_datetime(["2026-03-01", "2025-12-24", "2024-05-05"]),
        "deaths": [1, 0, 2], "injuries": [0, 3, 1], "kind": ["traffic", "traffic", "production"],
        "enterprise_id": [None, None, "E001"], "sector": [None, None, "coal_mine"],
        "county_code": ["140201", "140202", "140201"], "county_name": ["平城区", "云冈区", "平城区"],
        "in_window": [True, True, True], "in_12m": [True, True, False],
        "severity_class": ["fatal", "injury", "fatal"], "unit_id": ["G6-140201-0-0", None, None],
        "snap_distance_m": [12.0, np.nan, np.nan],
        "geometry": [Point(x0 + 0.03, y0 + 0.33), Point(x0 + 0.4, y0 + 0.4), Point(x0 + 0.06, y0 + 0.38)],
    }, geometry="geometry", crs="EPSG:4326")

    hz = [
        # id, enterprise, level, status, found, deadline, supervision, days_overdue
        ("H1", "E001", "major", "open", "2026-06-01", "2026-08-31", "city", 61),
        ("H2", "E005", "major", "rectifying", "2026-09-01", "2026-12-31", "county", 0),
        ("H3", "E002", "general", "open", "2026-07-01", "2026-09-30", "none", 31),
        ("H4", "E003", "general", "closed", "2026-01-10", "2026-02-10", "none", 0),
        ("H5", "E009", "major", "open", "2026-05-01", "2026-07-01", "province", 122),
        ("H6", None, "general", "open", "2026-10-01", "2026-11-30", "none", 0),
    ]
    ent_by_id = enterprises.set_index("enterprise_id")
    hazard_rows = []
    for hid, eid, level, status, found, deadline, sup, days in hz:
        ent = ent_by_id.loc[eid] if eid else None
        hazard_rows.append({
            "hazard_id": hid, "enterprise_id": eid, "name": ent["name"] if eid else "",
            "sector": ent["sector"] if eid else None, "level": level, "status": status,
            "found_date": pd.Timestamp(found), "deadline": pd.Timestamp(deadline),
            "closed_date": pd.Timestamp("2026-02-01") if status == "closed" else pd.NaT,
            "supervision": sup, "description": f"隐患描述{hid}", "is_open": status != "closed",
            "overdue": days > 0, "days_overdue": days,
            "located_by": "enterprise" if eid else "none",
            "county_code": ent["county_code"] if eid else None,
            "county_name": ent["county_name"] if eid else None,
            "geometry": ent.geometry if eid else None,
        })
    hazards = gpd.GeoDataFrame(hazard_rows, geometry="geometry", crs="EPSG:4326")

    unassigned = pd.DataFrame({
        "dataset": ["enterprises", "hazards"],
        "id": ["E900", "H6"],
        "reason": ["距区域边界 4.2 km，超过 100 m", "既无企业也无坐标"],
    })
    info = WorkspaceInfo(
        path=Path("synthetic"), title="示例市安全风险空间分布图（示例数据）", region="示例市",
        as_of=AS_OF, language=language, demo=demo, source="合成测试数据 / synthetic test data",
    )
    summary = {
        "as_of": AS_OF.isoformat(), "standard": "default",
        "counties": {"count": 4, "by_grade": count_by_grade(counties["grade"])},
    }
    return Assessment(info=info, counties=counties, enterprises=enterprises, road_units=road_units,
                      accidents=accidents, hazards=hazards, unassigned=unassigned, summary=summary)


# --- tests of riskmap.export ---------------------------------------------------------------
import io  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import zipfile  # noqa: E402

import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from riskmap.errors import InputError  # noqa: E402
from riskmap.export import FORMATS, MIME_TYPES, export_bytes, export_file  # noqa: E402
from riskmap.export.register import HEADER_ROW  # noqa: E402
from riskmap.filters import Filters  # noqa: E402

MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml", "html": b"<!DOCTYPE html", "xlsx": b"PK", "docx": b"PK"}


@pytest.fixture(scope="module")
def small():
    return synthetic_assessment()


@pytest.mark.filterwarnings("error:Glyph")
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_a_file_of_its_kind(small, tmp_path, fmt):
    out = export_file(small, fmt, tmp_path / "sub" / f"map.{fmt}", dpi=100)
    assert out == tmp_path / "sub" / f"map.{fmt}" and out.is_file()
    data = out.read_bytes()
    assert data[: len(MAGIC[fmt])].lower() == MAGIC[fmt].lower()
    assert fmt in MIME_TYPES
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_png_default_is_a4_landscape_300dpi(small):
    image = Image.open(io.BytesIO(export_bytes(small, "png")))
    assert image.size == (3508, 2480)


def test_html_opens_offline(small):
    html = export_bytes(small, "html").decode("utf-8")
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)
    assert "平城区" in html and "重大风险" in html


def test_xlsx_is_the_filtered_register(small):
    import openpyxl

    data = export_bytes(small, "xlsx", filters=Filters(counties=("140201",)))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert [r[1].value for r in wb["区县"].iter_rows(min_row=HEADER_ROW + 1)] == ["平城区"]
    assert {r[4].value for r in wb["企业"].iter_rows(min_row=HEADER_ROW + 1)} == {"平城区"}


def test_docx_holds_a_map_rendered_for_the_page(small):
    data = export_bytes(small, "docx", lang="en")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        image = Image.open(io.BytesIO(z.read(media[0])))
        # Drawn at the width it is printed (the English text block, 166 mm) at 200 dpi.
        assert image.size == (1307, 1438)
        assert "Safety risk briefing" in z.read("word/document.xml").decode("utf-8")


def test_pdf_export_with_options(small, tmp_path):
    out = export_file(small, "PDF", tmp_path / "a3.pdf", paper="A3", orientation="portrait",
                      title="Filtered map", lang="en", filters=Filters(grades=("red",)))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.9\d* x 1190\.\d+ pts", info), info  # A3 portrait
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                                              text=True, check=True).stdout)
    assert "Filteredmap" in text and "Filters:grades:majorrisk" in text


@pytest.mark.parametrize("kwargs,message", [
    ({"fmt": "jpg"}, "format 'jpg' is not supported; allowed: png, pdf, svg, html, xlsx, docx"),
    ({"fmt": "png", "paper": "Letter"}, "paper 'Letter' is not supported; allowed: A4, A3"),
    ({"fmt": "png", "orientation": "up"}, "orientation 'up' is not supported; allowed: landscape, portrait"),
    ({"fmt": "png", "dpi": 10000}, "dpi 10000 is out of range; allowed: a whole number from 50 to 1200"),
    ({"fmt": "png", "lang": "ja"}, "language 'ja' is not supported; allowed: zh, en"),
    ({"fmt": "png", "layers": ["counties", "rivers"]}, "layer 'rivers' cannot be drawn on the png map; allowed: counties"),
    ({"fmt": "html", "layers": ["rivers"]}, "layer 'rivers' is not known; allowed: "),
    ({"fmt": "xlsx", "dpi": "high"}, "dpi 'high' is not a whole number"),
])
def test_bad_options_say_what_is_allowed(small, tmp_path, kwargs, message):
    fmt = kwargs.pop("fmt")
    with pytest.raises(InputError) as info:
        export_file(small, fmt, tmp_path / "x.out", **kwargs)
    assert message in str(info.value)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_out_must_not_be_a_folder(small, tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        export_file(small, "xlsx", tmp_path)


def test_a_failed_export_leaves_no_file(small, tmp_path, monkeypatch):
    import riskmap.export.register

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(riskmap.export.register, "write_register", broken)
    with pytest.raises(RuntimeError):
        export_file(small, "xlsx", tmp_path / "r.xlsx")
    assert not list(tmp_path.iterdir())


@pytest.mark.filterwarnings("error:Glyph")
def test_the_demo_exports(demo_assessment, tmp_path):
    for fmt in ("png", "xlsx", "docx", "html"):
        out = export_file(demo_assessment, fmt, tmp_path / f"demo.{fmt}", dpi=100)
        assert out.stat().st_size > 10_000, fmt


def test_html_has_a_page_title_and_the_title_date_and_demo_mark_on_the_map(small):
    html = export_bytes(small, "html").decode("utf-8")
    assert re.search(r"<title>示例市安全风险空间分布图（示例数据） · 2026-10-31</title>", html)
    heading = re.search(r'<div class="riskmap-html-heading".*?</div></div>', html, re.S).group(0)
    assert "示例市安全风险空间分布图（示例数据）" in heading
    assert "评估日期 2026-10-31" in heading and "示例市" in heading
    assert "示例数据 / demo data" in heading
    # Not the demo: no demo mark; filters are said; a title given replaces the workspace's.
    real = synthetic_assessment(demo=False)
    html = export_bytes(real, "html", filters=Filters(grades=("red",)), title="煤矿专题图").decode("utf-8")
    heading = re.search(r'<div class="riskmap-html-heading".*?</div></div>', html, re.S).group(0)
    assert "示例数据" not in heading and "煤矿专题图" in heading and "筛选：等级：重大风险" in heading
    assert "<title>煤矿专题图 · 2026-10-31</title>" in html


def test_html_title_is_text_never_markup_or_a_template(small):
    hostile = synthetic_assessment()
    hostile.info.title = "<script>alert(1)</script>{{ 7*7 }}"
    html = export_bytes(hostile, "html").decode("utf-8")
    assert "<script>alert(1)</script>" not in html and "49" not in re.findall(r"<title>(.*?)</title>", html)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#123;&#123; 7*7 &#125;&#125;" in html
