"""The risk register: ``risk_register.xlsx``, formatted for reading.

One sheet per dataset, in the view's language, with the rows and columns of
:mod:`riskmap.tables`:

* counties: every county, worst first, with its score, components and top contributors;
* enterprises: the red and orange ones (every one with ``all_rows``);
* road units: the accident-prone and the red ones (every one with ``all_rows``);
* hazards: the open ones (open or rectifying), overdue first, then by days overdue
  and level (every one with ``all_rows``, closed ones last);
* accidents: the fatal and injury accidents of the window (36 months up to ``as_of``);
* unassigned: every record that was not placed in a county, with the reason.

Headers are Chinese for ``zh`` and English for ``en``.  The grade column shows the
grade's label in a cell filled with the grade colour; codes (sector, status, level,
supervision) are shown as labels, booleans as 是/否 (yes/no) and dates as Excel dates.

Each sheet is laid out as an office files it: a title row (``大同市安全风险清单（企业）``),
a date row (the assessment date, the day it was made, the filters and the demo mark),
a note saying which rows the sheet holds and how many were left out (``本表收录：重大风险和
较大风险（红色和橙色）企业，共 117 家；另有……483 家未列入``), then the header
(:data:`HEADER_ROW`, frozen, with filters) and the rows.  Printing is set up: A4
landscape, fit to one page wide, the header row repeated on every page, the title in
the page header and ``第 1 页，共 3 页`` in the footer, gridlines printed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from riskmap.assessment import Assessment
from riskmap.export.cellblock import BlockColumn, BlockSheet, QuickWorkbook, excel_serial
from riskmap.grades import DEFAULT_COLOURS, GRADES
from riskmap.i18n import DATASET_LABELS, label, t
from riskmap.tables import COLUMNS, Col, display_text, header, register_tables
from riskmap.view import View

# Text colour on each grade fill: white on the dark red and blue, black on the light ones.
GRADE_TEXT = {"red": "#FFFFFF", "orange": "#000000", "yellow": "#000000", "blue": "#FFFFFF"}

SHEETS = ("counties", "enterprises", "road_units", "hazards", "accidents", "unassigned")

TITLE_ROWS = 3
"""Rows above the header: the title, the dates and the note on which rows the sheet holds."""

HEADER_ROW = TITLE_ROWS + 1
"""The header's row as Excel numbers it (1-based); the first record is on the next row."""

A4_PAPER = 9  # Excel's paper code for A4


def grade_colours(source: Assessment | View | None = None) -> dict[str, str]:
    """The grade colours of the standard (DESIGN §2 defaults without one)."""
    return source.colours if source is not None else dict(DEFAULT_COLOURS)


def sheet_name(sheet: str, lang: str) -> str:
    """The sheet's name in ``lang`` (区县 / counties, ...)."""
    if sheet in ("unassigned", "accidents"):
        return t(f"sheet_{sheet}", lang)
    return label(DATASET_LABELS, sheet, lang)


def _text_width(text: str) -> float:
    # CJK characters are about two Latin characters wide in Excel's default font.
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text)


def write_register(
    source: Assessment | View,
    path: str | Path,
    *,
    lang: str | None = None,
    all_rows: bool = False,
) -> Path:
    """Write ``risk_register.xlsx``.

    Parameters
    ----------
    source
        What to write: a :class:`~riskmap.view.View` (filtered, in its language) or a
        whole assessment.
    path
        The ``.xlsx`` file to write (or a binary file object).
    lang
        ``zh`` or ``en`` headers and labels; the view's (or workspace's) language by default.
    all_rows
        Every enterprise, road unit and hazard, not only those needing attention
        (the CLI's ``--register all``).

    Returns
    -------
    pathlib.Path
        The file written (``path`` itself when a file object was given).

    Raises
    ------
    InputError
        For a language other than ``zh`` or ``en``.
    """
    view = View.of(source, lang=lang)
    lang = view.lang
    tables = register_tables(view, all_rows=all_rows)
    colours = grade_colours(view)
    target = str(path) if isinstance(path, (str, Path)) else path

    workbook = QuickWorkbook(target, {
        # Identifiers such as 140202 or 0012 stay text; URLs in descriptions stay text.
        "strings_to_numbers": False, "strings_to_urls": False, "strings_to_formulas": False,
        "default_date_format": "yyyy-mm-dd",
    })
    try:
        base = {"font_name": "等线" if lang == "zh" else "Calibri", "font_size": 10.5, "valign": "vcenter"}
        fmt_header = workbook.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1,
                                          "border_color": "#8EA9DB", "text_wrap": True, "align": "center"})
        fmt_text = workbook.add_format(base)
        fmt_wrap = workbook.add_format({**base, "text_wrap": True})
        fmt_date = workbook.add_format({**base, "num_format": "yyyy-mm-dd", "align": "left"})
        fmt_grade = {
            g: workbook.add_format({**base, "bg_color": colours[g], "font_color": GRADE_TEXT[g],
                                    "bold": g in ("red", "blue"), "align": "center",
                                    "border": 1, "border_color": "#FFFFFF"})
            for g in GRADES
        }
        fmt_num: dict[str | None, Any] = {}

        def number_format(code: str | None):
            if code not in fmt_num:
                fmt_num[code] = workbook.add_format({**base, "num_format": code or "0"})
            return fmt_num[code]

        heading = {
            "title": workbook.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
            "meta": workbook.add_format({**base, "font_size": 10, "font_color": "#404040"}),
            "note": workbook.add_format({**base, "font_size": 10, "text_wrap": True, "valign": "top",
                                         "bg_color": "#FFF8E1", "font_color": "#5D4037"}),
        }
        for sheet in SHEETS:
            parts = _write_sheet(workbook, sheet_name(sheet, lang), tables[sheet], COLUMNS[sheet], (lang, view.sectors),
                                 fmt_header, fmt_text, fmt_wrap, fmt_date, fmt_grade, number_format)
            for ws, widths in parts:  # every part of a long table says what the whole sheet holds
                _lay_out(ws, widths, sheet, view, tables[sheet], all_rows, heading)
    finally:
        workbook.close()
    return Path(path) if isinstance(path, (str, Path)) else path


WIDTH_SAMPLE = 2000


def _write_column(series: pd.Series, col: Col, words: tuple, fmt_text, fmt_wrap, fmt_date,
                  fmt_grade, fmt_number) -> tuple[BlockColumn, list[str]]:
    """One column below the header as a block column; and the displayed texts of its first rows (for widths).

    ``words`` is the language and the standard's sectors (for sector labels).  Column-wise: the values
    are converted at once and each distinct code is translated once (:mod:`riskmap.export.cellblock`).
    """
    lang, sectors = words
    n = len(series)
    values = series.to_numpy(dtype=object)
    missing = series.isna().to_numpy(dtype=bool)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        missing = missing | (series == "").fillna(False).to_numpy(dtype=bool)
    if col.kind in ("int", "float"):
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        finite = np.isfinite(numbers)
        # Text in a number column (e.g. "n/a" in an input file) is shown as it is.
        odd = ~finite & ~missing & np.array([not isinstance(v, float) for v in values], dtype=bool)
        texts = np.full(n, None, dtype=object)
        texts[odd] = [str(v) for v in values[odd]]
        pattern = "{:,.2f}" if col.kind == "float" else "{:,.0f}"
        sample = [pattern.format(x) if ok else t for x, ok, t in
                  zip(numbers[:WIDTH_SAMPLE], finite[:WIDTH_SAMPLE], texts[:WIDTH_SAMPLE]) if ok or t is not None]
        return BlockColumn(texts, numbers, [fmt_text, fmt_number], np.where(finite, 1, 0).astype(np.int32)), sample
    if col.kind == "date":
        serial = excel_serial(series)
        dated = np.isfinite(serial)
        return (BlockColumn(None, serial, [fmt_text, fmt_date], dated.astype(np.int32)),
                ["2026-10-31"] if n else [])
    # Text-like columns: translate each distinct value once.
    texts = np.full(n, None, dtype=object)
    present = np.flatnonzero(~missing)
    if col.kind == "text":  # shown as it is
        texts[present] = [v if isinstance(v, str) else str(v) for v in values[present]]
    else:
        _translate(texts, present, values, col.kind, lang, sectors)
    if col.kind == "grade":
        formats = [fmt_text, *(fmt_grade[g] for g in GRADES)]
        format_of = pd.Series(values).map({g: i + 1 for i, g in enumerate(GRADES)}).fillna(0).to_numpy(dtype=np.int32)
        format_of[missing] = 0
    else:
        # Long free text (reasons, descriptions) wraps in a fixed-width column
        # instead of spilling over its neighbours.
        formats = [fmt_text, fmt_wrap if col.width is not None else fmt_text]
        format_of = np.where(missing, 0, 1).astype(np.int32)
    sample = [t for t in texts[:WIDTH_SAMPLE] if t is not None]
    return BlockColumn(texts, None, formats, format_of), sample


def _translate(texts: np.ndarray, present: np.ndarray, values: np.ndarray, kind: str, lang: str, sectors) -> None:
    """Fill ``texts`` at ``present`` with the labels of ``values``, each distinct value translated once."""
    try:
        codes, distinct = pd.factorize(values[present])
    except TypeError:  # unhashable values: one by one
        texts[present] = [display_text(v, kind, lang, sectors) for v in values[present]]
        return
    texts[present] = np.array([display_text(v, kind, lang, sectors) for v in distinct] + [None], dtype=object)[codes]


def sheet_parts(frame: pd.DataFrame, *, rows_above: int = 1) -> list[pd.DataFrame]:
    """A table cut into the parts that fit a sheet each: Excel's 1,048,576 rows (``settings.register_max_rows``),
    less the ``rows_above`` the table (its header)."""
    from riskmap.runtime import settings

    room = int(settings.register_max_rows) - rows_above
    if room < 1:
        raise ValueError(f"register_max_rows ({settings.register_max_rows}) leaves no row below the header")
    if len(frame) <= room:
        return [frame]
    return [frame.iloc[start:start + room] for start in range(0, len(frame), room)]


def part_name(name: str, part: int, parts: int) -> str:
    """The sheet name of part ``part`` (from 1) of ``parts``: ``企业``, ``企业 (2)``, ... (31 characters at most)."""
    if parts == 1:
        return name
    suffix = f" ({part})" if part > 1 else ""
    return name[:31 - len(suffix)] + suffix


def _write_sheet(workbook, name, frame: pd.DataFrame, cols, words: tuple, fmt_header, fmt_text, fmt_wrap,
                 fmt_date, fmt_grade, number_format: Callable) -> list[tuple[Any, list[float]]]:
    """Write one table as one sheet, or as several when it has more rows than a sheet holds (``--register all``:
    ``企业``, ``企业 (2)``, ...); return each worksheet with its column widths."""
    parts = sheet_parts(frame, rows_above=HEADER_ROW)
    return [_write_part(workbook, part_name(name, k, len(parts)), rows, cols, words, fmt_header, fmt_text, fmt_wrap,
                        fmt_date, fmt_grade, number_format) for k, rows in enumerate(parts, start=1)]


def _write_part(workbook, name, frame: pd.DataFrame, cols, words: tuple, fmt_header, fmt_text, fmt_wrap,
                fmt_date, fmt_grade, number_format: Callable):
    """Write the header and the rows of one sheet; return the worksheet and its column widths."""
    ws = workbook.add_worksheet(name, worksheet_class=BlockSheet)
    lang = words[0]
    cols = [c for c in cols if c.key in frame.columns or frame.empty]
    widths = []
    top = HEADER_ROW - 1  # 0-based row of the header
    for j, col in enumerate(cols):
        head = header(col.key, lang)
        ws.write_string(top, j, head, fmt_header)
        widths.append(max(_text_width(head) + 2, 8.0))
    ws.set_row(top, 30)

    block = []
    for j, col in enumerate(cols):
        series = frame[col.key] if col.key in frame.columns else pd.Series([], dtype=object)
        cells, texts = _write_column(series, col, words, fmt_text, fmt_wrap, fmt_date, fmt_grade,
                                     number_format(col.fmt if col.kind == "float" else "0"))
        block.append(cells)
        if col.width is not None:
            widths[j] = col.width
        else:
            # The widest of the first rows (the sheet is sorted worst first, so these are
            # the ones read); measuring 200,000 rows would cost seconds for nothing.
            measured = max([widths[j] - 2, *(_text_width(x) for x in texts[:WIDTH_SAMPLE])])
            widths[j] = min(measured + 2, 50)

    ws.write_block(top + 1, 0, block)

    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + max(len(frame), 1), len(cols) - 1)
    return ws, widths


def _sheet_note(sheet: str, view: View, frame: pd.DataFrame, all_rows: bool) -> str:
    """Which rows the sheet holds, and how many of the view's were left out."""
    n = len(frame)
    totals = {"enterprises": view.enterprises, "road_units": view.road_units, "hazards": view.hazards,
              "accidents": view.accidents}
    if sheet in ("counties", "unassigned"):
        return t(f"reg_note_{sheet}", view.lang, n=f"{n:,}")
    left_out = max(len(totals[sheet]) - n, 0)
    if sheet == "accidents":
        return t("reg_note_accidents", view.lang, n=f"{n:,}", m=f"{left_out:,}")
    key = f"reg_note_{sheet}_{'all' if all_rows else 'key'}"
    return t(key, view.lang, n=f"{n:,}", m=f"{left_out:,}")


def _header_footer_text(text: str) -> str:
    """Data in an Excel page header is text: ``&`` starts a code (``&P`` = page number)."""
    return text.replace("&", "&&")[:200]


def _lay_out(ws, widths: list[float], sheet: str, view: View, frame: pd.DataFrame, all_rows: bool, heading: dict) -> None:
    """The title, date and note rows above the header, and the print setup."""
    lang, info = view.lang, view.info
    as_of = info.as_of.isoformat() if isinstance(info.as_of, date) else str(info.as_of)
    title = t("reg_title", lang, region=info.region or "", sheet=sheet_name(sheet, lang))
    dates = t("reg_dates", lang, as_of=as_of, today=date.today().isoformat())
    if view.filtered:
        dates += t("reg_filters", lang, desc=view.describe_filters())
    if info.demo:
        dates += t("reg_demo", lang)
    note = _sheet_note(sheet, view, frame, all_rows)
    last = max(len(widths) - 1, 0)
    for row, text, fmt in ((0, title, heading["title"]), (1, dates, heading["meta"]), (2, note, heading["note"])):
        if last > 0:
            ws.merge_range(row, 0, row, last, text, fmt)
        else:
            ws.write_string(row, 0, text, fmt)
    ws.set_row(0, 30)
    # The note wraps in the merged cell: give it the lines it needs.
    lines = max(1, int(np.ceil(_text_width(note) / max(sum(widths) * 0.95, 1.0))))
    ws.set_row(2, 15 * lines + 4)

    ws.set_paper(A4_PAPER)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    ws.repeat_rows(HEADER_ROW - 1)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    ws.hide_gridlines(0)  # gridlines on screen and on paper
    ws.set_header("&C" + _header_footer_text(title), {"margin": 0.3})
    ws.set_footer("&C" + t("reg_footer", lang), {"margin": 0.3})
