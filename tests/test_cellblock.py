"""The register's column-wise cells (riskmap.export.cellblock) read back as xlsxwriter's cell by cell."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.export.cellblock import BlockColumn, BlockSheet, excel_serial
from riskmap.export.register import HEADER_ROW, sheet_parts, write_register

HOSTILE = ["他说：\"危险\" & <b>粗</b>", " leading", "trailing ", "\tTAB", "line\nbreak", "_x0041_ literal",
           "控制\x01字符\x1f", "=SUM(A1:A9)", "emoji 😀", "", "x" * 40_000, "😀" * 17_000, "重大风险"]

# A cell: text, a number, a date, or nothing (blank with its format).
cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(HOSTILE),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-(2**52), max_value=2**52),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.none(),
)


def _formats(book):
    return [book.add_format({"font_name": "等线"}), book.add_format({"num_format": "0.00", "bold": True}),
            book.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#E60012", "font_color": "#FFFFFF"})]


def _columns(table: list[list], style: list[list[int]], formats) -> list[BlockColumn]:
    columns = []
    for j in range(len(table[0]) if table else 0):
        values = [row[j] for row in table]
        texts = np.array([v if isinstance(v, str) else None for v in values], dtype=object)
        numbers = np.array([float(v) if isinstance(v, (int, float)) else np.nan for v in values], dtype=float)
        days = [i for i, v in enumerate(values) if isinstance(v, dt.date)]
        numbers[days] = excel_serial(pd.Series([values[i] for i in days], dtype=object))
        columns.append(BlockColumn(texts, numbers, formats, np.array([row[j] for row in style], dtype=np.int32)))
    return columns


def _by_cell(ws, table, style, formats) -> None:
    """The same cells written one by one, as the register was written before issue 13."""
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            fmt = formats[style[i][j]]
            if isinstance(value, str):
                ws.write_string(i + 1, j, value, fmt)
            elif isinstance(value, dt.date):
                ws.write_datetime(i + 1, j, dt.datetime.combine(value, dt.time()), fmt)
            elif isinstance(value, (int, float)) and np.isfinite(value):
                ws.write_number(i + 1, j, float(value), fmt)
            else:
                ws.write_blank(i + 1, j, None, fmt)


def _write(path, table, style, *, blocks: bool) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False,
                                           "strings_to_formulas": False})
    formats = _formats(book)
    ws = book.add_worksheet("表", worksheet_class=BlockSheet)
    ws.write_string(0, 0, "标题", formats[1])
    if blocks:
        ws.write_block(1, 0, _columns(table, style, formats))
    else:
        _by_cell(ws, table, style, formats)
    ws.write_string(len(table) + 1, 0, "注：以下无内容", formats[0])  # a row after the block stays xlsxwriter's
    ws.autofilter(0, 0, max(len(table), 1), max(len(table[0]) - 1, 0) if table else 0)
    book.close()


def _read(path) -> list[list[tuple]]:
    ws = openpyxl.load_workbook(path)["表"]
    return [[(c.value, c.number_format, c.font.b, c.fill.fgColor.rgb if c.fill.fill_type else None) for c in row]
            for row in ws.iter_rows()]


def _same(a, b) -> bool:
    if isinstance(a[0], float) and isinstance(b[0], float):
        # xlsxwriter writes 16 significant digits, the block the shortest exact form.
        return abs(a[0] - b[0]) <= 1e-15 * abs(a[0]) and a[1:] == b[1:]
    return a == b


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 6).flatmap(lambda width: st.lists(
    st.tuples(st.lists(cells, min_size=width, max_size=width), st.lists(st.integers(0, 2), min_size=width,
                                                                         max_size=width)), min_size=1, max_size=25)))
def test_cells_read_back_as_xlsxwriter_writes_them_one_by_one(tmp_path_factory, rows):
    table = [r for r, _ in rows]
    style = [s for _, s in rows]
    folder = tmp_path_factory.mktemp("cells")
    _write(folder / "by_cell.xlsx", table, style, blocks=False)
    _write(folder / "block.xlsx", table, style, blocks=True)
    by_cell, block = _read(folder / "by_cell.xlsx"), _read(folder / "block.xlsx")
    assert len(by_cell) == len(block)
    for i, (x, y) in enumerate(zip(by_cell, block)):
        assert len(x) == len(y) and all(_same(a, b) for a, b in zip(x, y)), (i, x, y)


def test_hostile_texts_come_back_as_written(tmp_path):
    table = [[text] for text in HOSTILE] + [[t] for t in HOSTILE[:3]]  # repeated texts share
    _write(tmp_path / "hostile.xlsx", table, [[0]] * len(table), blocks=True)
    _write(tmp_path / "by_cell.xlsx", table, [[0]] * len(table), blocks=False)
    back = [row[0][0] for row in _read(tmp_path / "hostile.xlsx")[1:-1]]
    assert back == [row[0][0] for row in _read(tmp_path / "by_cell.xlsx")[1:-1]]
    for got, text in zip(back, HOSTILE):
        if len(text.encode("utf-16-le")) > 2 * 32_767:  # Excel's 32,767 UTF-16 units, as write_string cuts it
            assert text.startswith(got) and len(got.encode("utf-16-le")) <= 2 * 32_767
        elif "\x01" not in text:  # control characters are _xHHHH_ escapes, which Excel shows as characters
            assert (got or "") == text


def test_a_block_may_not_share_its_rows(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "clash.xlsx"))
    ws = book.add_worksheet("s", worksheet_class=BlockSheet)
    ws.write_block(1, 0, [BlockColumn(np.array(["a", "b"], dtype=object), None, [], np.zeros(2, dtype=np.int32))])
    ws.write_string(2, 3, "in the block's rows")
    with pytest.raises(ValueError, match="row 3"):
        book.close()


def test_excel_serials_of_dates():
    serial = excel_serial(pd.Series(pd.to_datetime(["1900-01-01", "1900-02-28", "1900-03-01", "2026-10-31 12:00", None],
                                                   format="ISO8601")))
    assert serial[:4].tolist() == [1.0, 59.0, 61.0, 46326.5] and np.isnan(serial[4])


@pytest.fixture()
def small_sheets(monkeypatch):
    from riskmap.runtime import settings as riskmap_settings

    monkeypatch.setattr(riskmap_settings, "register_max_rows", HEADER_ROW + 10)  # ten rows a sheet


def test_a_table_longer_than_a_sheet_goes_on_in_more_sheets(small_sheets, demo_assessment, tmp_path):
    from riskmap.tables import register_tables
    from riskmap.view import View

    path = write_register(demo_assessment, tmp_path / "all.xlsx", all_rows=True)
    book = openpyxl.load_workbook(path)
    tables = register_tables(View.of(demo_assessment), all_rows=True)
    enterprises = tables["enterprises"]
    parts = -(-len(enterprises) // 10)
    names = ["企业"] + [f"企业 ({k})" for k in range(2, parts + 1)]
    assert [n for n in book.sheetnames if n.startswith("企业")] == names
    ids = []
    for name in names:
        ws = book[name]
        assert ws.max_row <= HEADER_ROW + 10 and ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert "企业" in ws["A1"].value  # each part has the sheet's title rows
        header = [c.value for c in ws[HEADER_ROW]]
        ids += [row[header.index("企业编号")] for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert ids == enterprises["enterprise_id"].tolist()  # every row, once, in order


def test_sheet_parts_at_excels_limit():
    room = 1_048_576 - HEADER_ROW  # Excel's rows less the title rows and the header
    frame = pd.DataFrame({"a": np.arange(room + 1)})
    parts = sheet_parts(frame, rows_above=HEADER_ROW)
    assert [len(p) for p in parts] == [room, 1]
    assert len(sheet_parts(frame.iloc[:room], rows_above=HEADER_ROW)) == 1
