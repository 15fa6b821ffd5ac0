"""risk_register.xlsx as a reader opens it: sheets, headers, colours, order, formats."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from riskmap.errors import InputError
from riskmap.export.register import HEADER_ROW, sheet_name, write_register
from riskmap.grades import DEFAULT_COLOURS
from test_export import synthetic_assessment


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("register") / "risk_register.xlsx"
    assert write_register(synthetic_assessment(), path) == path
    return openpyxl.load_workbook(path)


def _rows(ws) -> list[dict]:
    header = [c.value for c in ws[HEADER_ROW]]
    return [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=HEADER_ROW + 1)]


def _column(ws, title: str) -> int:
    return [c.value for c in ws[HEADER_ROW]].index(title) + 1


def test_sheets_in_chinese(workbook):
    assert workbook.sheetnames == ["区县", "企业", "道路单元", "隐患", "事故", "未分配"]


def test_headers_are_chinese_labels(workbook):
    header = [c.value for c in workbook["区县"][HEADER_ROW]]
    assert header[:8] == ["区划代码", "区县", "风险等级", "风险值", "企业得分", "道路得分", "隐患得分", "事故得分"]
    assert "主要因素" in header
    assert [c.value for c in workbook["未分配"][HEADER_ROW]] == ["数据集", "编号", "原因"]


def test_every_sheet_has_frozen_header_filter_and_widths(workbook):
    for ws in workbook.worksheets:
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}", ws.title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A{HEADER_ROW}:{last}{max(ws.max_row, HEADER_ROW + 1)}", ws.title
        for col in range(1, ws.max_column + 1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width
            assert width and width >= 8, (ws.title, col)


def test_grade_cells_show_the_label_in_the_grade_colour(workbook):
    ws = workbook["区县"]
    col = _column(ws, "风险等级")
    seen = {}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        cell = ws.cell(row, col)
        seen[cell.value] = cell
    assert set(seen) == {"重大风险", "较大风险", "一般风险", "低风险"}
    for label, key in (("重大风险", "red"), ("较大风险", "orange"), ("一般风险", "yellow"), ("低风险", "blue")):
        cell = seen[label]
        assert cell.fill.fgColor.rgb.upper().endswith(DEFAULT_COLOURS[key].lstrip("#").upper())
    # White bold text on the dark fills, dark text on the light ones.
    assert seen["重大风险"].font.color.rgb.upper().endswith("FFFFFF") and seen["重大风险"].font.b
    assert seen["低风险"].font.color.rgb.upper().endswith("FFFFFF") and seen["低风险"].font.b
    assert seen["一般风险"].font.color.rgb.upper().endswith("000000")


def test_counties_all_worst_first(workbook):
    rows = _rows(workbook["区县"])
    assert [r["区县"] for r in rows] == ["平城区", "云冈区", "新荣区", "阳高县"]
    assert rows[0]["风险值"] == pytest.approx(77)


def test_enterprises_red_and_orange_only_with_labels(workbook):
    rows = _rows(workbook["企业"])
    assert {r["风险等级"] for r in rows} == {"重大风险", "较大风险"}
    assert len(rows) == 8
    assert rows[0]["风险等级"] == "重大风险"
    assert rows[0]["行业领域"] == "煤矿"  # a label, not coal_mine
    assert rows[0]["评估方法"] == "作业条件危险性评价法（LEC）"
    assert isinstance(rows[0]["经度"], float)


def test_road_units_accident_prone_and_red_first(workbook):
    rows = _rows(workbook["道路单元"])
    assert len(rows) == 4  # the four red units; two of them accident-prone
    assert [r["事故多发"] for r in rows] == ["是", "是", "否", "否"]


def test_hazards_open_ones_overdue_first_with_dates(workbook):
    rows = _rows(workbook["隐患"])
    assert [r["隐患编号"] for r in rows] == ["H5", "H1", "H3", "H2", "H6"]  # 122, 61, 31 days; then not overdue
    assert all(r["状态"] in ("未整改", "整改中") for r in rows)
    assert rows[0]["挂牌督办"] == "省级" and rows[0]["隐患等级"] == "重大" and rows[0]["逾期"] == "是"
    assert rows[0]["整改期限"] == dt.datetime(2026, 7, 1)
    ws = workbook["隐患"]
    assert ws.cell(HEADER_ROW + 1, _column(ws, "整改期限")).number_format == "yyyy-mm-dd"


def test_unassigned_listed_with_reasons(workbook):
    rows = _rows(workbook["未分配"])
    assert [(r["数据集"], r["编号"]) for r in rows] == [("企业", "E900"), ("隐患", "H6")]
    assert all(r["原因"] for r in rows)


def test_accidents_sheet_lists_fatal_and_injury_accidents_of_the_window(tmp_path):
    a = synthetic_assessment()
    a.accidents.loc[a.accidents["accident_id"] == "A3", "in_window"] = False   # fatal, but before the window
    extra = a.accidents.iloc[[0]].assign(accident_id="A4", deaths=0, injuries=0, severity_class="pdo")
    a.accidents = gpd.GeoDataFrame(pd.concat([a.accidents, extra], ignore_index=True), geometry="geometry", crs=4326)
    rows = _rows(openpyxl.load_workbook(write_register(a, tmp_path / "acc.xlsx"))["事故"])
    # A1 fatal and A2 injury, the latest first; A3 (outside the window) and A4 (property only) are not listed.
    assert [r["事故编号"] for r in rows] == ["A1", "A2"]
    assert [r["事故类别"] for r in rows] == ["死亡事故", "受伤事故"]
    assert rows[0]["发生时间"] == dt.datetime(2026, 3, 1) and rows[0]["死亡人数"] == 1
    assert rows[0]["类型"] == "交通事故" and rows[1]["区县"] == "云冈区"


def test_all_rows(tmp_path):
    path = write_register(synthetic_assessment(), tmp_path / "all.xlsx", all_rows=True)
    wb = openpyxl.load_workbook(path)
    assert wb["企业"].max_row - HEADER_ROW == 17
    assert wb["道路单元"].max_row - HEADER_ROW == 16
    hazards = _rows(wb["隐患"])
    assert len(hazards) == 6 and hazards[-1]["状态"] == "已销号"  # closed ones last


def test_english_register(tmp_path):
    path = write_register(synthetic_assessment(), tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["counties", "enterprises", "road units", "hazards", "accidents", "unassigned"]
    assert [c.value for c in wb["counties"][HEADER_ROW]][:3] == ["county code", "county", "grade"]
    rows = _rows(wb["road units"])
    assert rows[0]["accident-prone"] == "yes" and rows[0]["grade"] == "major risk"
    assert _rows(wb["enterprises"])[0]["sector"] == "coal mines"
    assert sheet_name("unassigned", "en") == "unassigned"


def test_empty_datasets_still_get_their_sheet(tmp_path):
    a = synthetic_assessment()
    a.road_units = a.road_units.iloc[0:0]
    a.hazards = gpd.GeoDataFrame(a.hazards.iloc[0:0], geometry="geometry", crs="EPSG:4326")
    a.unassigned = pd.DataFrame(columns=["dataset", "id", "reason"])
    wb = openpyxl.load_workbook(write_register(a, tmp_path / "empty.xlsx"))
    assert wb["道路单元"].max_row == HEADER_ROW and wb["道路单元"][f"A{HEADER_ROW}"].value == "单元编号"
    assert wb["隐患"].max_row == HEADER_ROW
    assert "共 0 项" in wb["隐患"]["A3"].value  # the note says the sheet is empty, not that it is broken


def test_identifiers_stay_text(tmp_path):
    a = synthetic_assessment()
    a.enterprises.loc[0, "enterprise_id"] = "0012"
    wb = openpyxl.load_workbook(write_register(a, tmp_path / "ids.xlsx"))
    ids = [r["企业编号"] for r in _rows(wb["企业"])]
    assert "0012" in ids


def test_bad_language():
    with pytest.raises(InputError, match="allowed: zh, en"):
        write_register(synthetic_assessment(), "x.xlsx", lang="fr")


def test_the_demo_register(demo_assessment, tmp_path):
    wb = openpyxl.load_workbook(write_register(demo_assessment, tmp_path / "demo.xlsx"))
    summary = demo_assessment.summary
    assert wb["区县"].max_row - HEADER_ROW == summary["counties"]["count"]
    by_grade = summary["enterprises"]["by_grade"]
    assert wb["企业"].max_row - HEADER_ROW == by_grade["red"] + by_grade["orange"]
    assert wb["隐患"].max_row - HEADER_ROW == summary["hazards"]["open"]
    overdue = [r["逾期"] for r in _rows(wb["隐患"])]
    assert overdue == sorted(overdue, key=lambda v: v != "是")  # overdue ones first


# --- the layout an office files: title, date and note rows, print setup -------------------
def test_each_sheet_has_a_title_a_date_row_and_a_note_on_its_rows(workbook):
    for ws in workbook.worksheets:
        title, dates, note = (ws.cell(r, 1).value for r in (1, 2, 3))
        assert title == f"示例市安全风险清单（{ws.title}）", ws.title
        assert "评估日期：2026-10-31" in dates and "制表日期：" in dates
        assert note.startswith("本表收录："), note
        # Merged across the table, so they read as headings, not as a first column.
        last = openpyxl.utils.get_column_letter(ws.max_column)
        merged = {str(r) for r in ws.merged_cells.ranges}
        if ws.max_column > 1:
            assert {f"A1:{last}1", f"A2:{last}2", f"A3:{last}3"} <= merged, ws.title
    notes = {ws.title: ws["A3"].value for ws in workbook.worksheets}
    assert "重大风险和较大风险（红色和橙色）企业，共 8 家" in notes["企业"]
    assert "另有一般风险和低风险企业" in notes["企业"] and "未列入" in notes["企业"]
    assert "全部区县，共 4 个" in notes["区县"]
    assert "未销号" in notes["隐患"] and "共 5 项" in notes["隐患"]


def test_notes_follow_all_rows_and_count_what_was_left_out(tmp_path):
    a = synthetic_assessment()
    key = openpyxl.load_workbook(write_register(a, tmp_path / "key.xlsx"))["企业"]["A3"].value
    every = openpyxl.load_workbook(write_register(a, tmp_path / "all.xlsx", all_rows=True))["企业"]["A3"].value
    n_all = len(a.enterprises)
    assert f"另有一般风险和低风险企业 {n_all - 8} 家未列入" in key
    assert every == f"本表收录：全部企业，共 {n_all} 家，按风险等级、风险值从高到低排列。"
    en = openpyxl.load_workbook(write_register(a, tmp_path / "en.xlsx", lang="en"))
    assert en["enterprises"]["A3"].value.startswith("Rows: the red and orange")
    assert en["enterprises"]["A1"].value == "Safety risk register of 示例市: enterprises"


def test_print_setup_landscape_a4_fit_to_width_with_repeated_header_and_page_numbers(workbook):
    for ws in workbook.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert str(setup.paperSize) == "9", ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # one page wide, any number long
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}", ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.oddHeader.center.text == ws["A1"].value
        assert ws.print_options.gridLines


def test_a_title_with_an_ampersand_is_printed_as_typed(tmp_path):
    a = synthetic_assessment()
    a.info.region = "A&P市"
    ws = openpyxl.load_workbook(write_register(a, tmp_path / "amp.xlsx"))["区县"]
    # In a page header "&P" is the page number: the region's "&" is doubled to stay text.
    assert ws.oddHeader.center.text == "A&&P市安全风险清单（区县）"
    assert ws["A1"].value == "A&P市安全风险清单（区县）"


def test_the_register_is_deflated_fast_and_others_workbooks_are_left_as_they_were(tmp_path):
    import zipfile
    import zlib

    import xlsxwriter

    from riskmap.export.cellblock import ZIP_LEVEL

    path = write_register(synthetic_assessment(), tmp_path / "risk_register.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet2.xml")
        data = archive.read(sheet)
    packer = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    assert sheet.compress_size == len(packer.compress(data) + packer.flush())
    # xlsxwriter's own workbooks keep its default deflate level.
    other = tmp_path / "other.xlsx"
    book = xlsxwriter.Workbook(str(other))
    book.add_worksheet().write_column(0, 0, [f"第 {i} 行 row text" for i in range(5000)])
    book.close()
    with zipfile.ZipFile(other) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        assert info.compress_size == len(packer.compress(archive.read(info)) + packer.flush())
