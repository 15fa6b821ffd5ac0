"""The risk register: ``risk_register.xlsx``, formatted for reading.

One sheet per dataset, in the workspace language:

* counties: every county, worst first, with its score, components and top contributors;
* enterprises: the red and orange ones (every one with ``all_rows``);
* road units: the accident-prone and the red ones (every one with ``all_rows``);
* hazards: the open ones (open or rectifying), overdue first, then by days overdue
  and level (every one with ``all_rows``, closed ones last);
* unassigned: every record that was not placed in a county, with the reason.

Headers are Chinese for ``zh`` and English for ``en``.  The grade column shows the
grade's label in a cell filled with the grade colour; codes (sector, status, level,
supervision) are shown as labels, booleans as 是/否 (yes/no) and dates as Excel dates.
Each sheet has its header row frozen, filters on and column widths set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from riskmap.assessment import Assessment
from riskmap.errors import InputError
from riskmap.grades import DEFAULT_COLOURS, GRADES, RANK
from riskmap.i18n import (
    COLUMN_LABELS,
    DATASET_LABELS,
    HAZARD_LEVEL_LABELS,
    HAZARD_STATUS_LABELS,
    LANGUAGES,
    SUPERVISION_LABELS,
    STRINGS,
    column_label,
    grade_label,
    label,
    sector_label,
    t,
)

# Text colour on each grade fill: white on the dark red and blue, black on the light ones.
GRADE_TEXT = {"red": "#FFFFFF", "orange": "#000000", "yellow": "#000000", "blue": "#FFFFFF"}


def grade_colours(assessment: Assessment | None = None) -> dict[str, str]:
    """The grade colours of the assessment's standard (DESIGN §2 defaults without one)."""
    return assessment.colours if assessment is not None else dict(DEFAULT_COLOURS)


def header(column: str, lang: str) -> str:
    """The header of a register column (the i18n column label, else a string)."""
    if column in COLUMN_LABELS:
        return column_label(column, lang)
    return t(column, lang) if column in STRINGS else column


# --- column specs -----------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """One register column: the Assessment column and how to show it."""

    key: str
    kind: str = "text"  # text grade int float date bool sector level status supervision method dataset gradelabel
    fmt: str | None = None  # Excel number format for numbers
    width: float | None = None  # fixed width; measured from the content when None


COUNTY_COLS = (
    Col("county_code"), Col("county_name"), Col("grade", "grade"), Col("score", "float", "0.0"),
    Col("points_enterprises", "float", "0.0"), Col("points_roads", "float", "0.0"),
    Col("points_hazards", "float", "0.0"), Col("points_accidents", "float", "0.0"),
    Col("top_contributors", width=48), Col("reasons", width=36),
    Col("n_enterprises", "int"), Col("enterprises_red", "int"), Col("enterprises_orange", "int"),
    Col("enterprises_yellow", "int"), Col("enterprises_blue", "int"),
    Col("open_hazards", "int"), Col("major_open_hazards", "int"), Col("overdue_hazards", "int"),
    Col("deaths_12m", "int"), Col("unit_km", "float", "0.0"), Col("population", "float", "#,##0"),
    Col("area_km2", "float", "#,##0.0"),
)
ENTERPRISE_COLS = (
    Col("enterprise_id"), Col("name", width=28), Col("sector", "sector"), Col("county_code"),
    Col("county_name"), Col("grade", "grade"), Col("reasons", width=40),
    Col("inherent_grade", "gradelabel"), Col("method", "method"), Col("inherent_value", "float", "0.##"),
    Col("major_hazard_level", "int"), Col("open_hazards", "int"), Col("major_open_hazards", "int"),
    Col("overdue_hazards", "int"), Col("fatal_accidents_12m", "int"), Col("employees", "int"),
    Col("address", width=30), Col("lon", "float", "0.000000"), Col("lat", "float", "0.000000"),
)
ROAD_COLS = (
    Col("unit_id"), Col("segment_id"), Col("road_name"), Col("road_class"), Col("county_code"),
    Col("county_name"), Col("grade", "grade"), Col("accident_prone", "bool"),
    Col("length_m", "float", "#,##0"), Col("fatal", "int"), Col("injury", "int"), Col("pdo", "int"),
    Col("epdo", "float", "0.#"), Col("rate", "float", "0.00"), Col("reasons", width=30),
)
HAZARD_COLS = (
    Col("hazard_id"), Col("enterprise_id"), Col("name", width=28), Col("sector", "sector"),
    Col("county_code"), Col("county_name"), Col("level", "level"), Col("status", "status"),
    Col("overdue", "bool"), Col("days_overdue", "int"), Col("deadline", "date"),
    Col("found_date", "date"), Col("closed_date", "date"), Col("supervision", "supervision"),
    Col("description", width=40),
)
UNASSIGNED_COLS = (Col("dataset", "dataset"), Col("id"), Col("reason", width=60))

SHEETS = ("counties", "enterprises", "road_units", "hazards", "unassigned")


def sheet_name(sheet: str, lang: str) -> str:
    """The sheet's name in ``lang`` (区县 / counties, ...)."""
    if sheet == "unassigned":
        return t("sheet_unassigned", lang)
    return label(DATASET_LABELS, sheet, lang)


# --- selecting and ordering rows -----------------------------------------------------------
def _rank(series: pd.Series) -> pd.Series:
    return series.map(RANK).fillna(-1)


def _bool(series: pd.Series) -> pd.Series:
    return series.fillna(False).astype(bool)


def register_tables(assessment: Assessment, *, all_rows: bool = False) -> dict[str, pd.DataFrame]:
    """The rows of each register sheet, selected and ordered (still with the keys).

    Parameters
    ----------
    assessment
        The graded (possibly filtered) assessment.
    all_rows
        Every enterprise, road unit and hazard instead of the ones that need attention.

    Returns
    -------
    dict
        ``counties``, ``enterprises``, ``road_units``, ``hazards``, ``unassigned``.
    """
    counties = pd.DataFrame(assessment.counties.drop(columns="geometry", errors="ignore"))
    if not counties.empty:
        counties = counties.assign(_r=_rank(counties["grade"])).sort_values(
            ["_r", "score", "county_code"], ascending=[False, False, True], kind="stable")

    ents = assessment.enterprises
    ents = pd.DataFrame(ents.assign(lon=_coord(ents, "x"), lat=_coord(ents, "y")).drop(columns="geometry", errors="ignore"))
    if not all_rows:
        ents = ents[ents["grade"].isin(["red", "orange"])]
    if not ents.empty:
        ents = ents.assign(_r=_rank(ents["grade"])).sort_values(
            ["_r", "score", "enterprise_id"], ascending=[False, False, True], kind="stable")

    units = pd.DataFrame(assessment.road_units.drop(columns="geometry", errors="ignore"))
    if not all_rows:
        units = units[_bool(units["accident_prone"]) | (units["grade"] == "red")]
    if not units.empty:
        units = units.assign(_p=_bool(units["accident_prone"]), _r=_rank(units["grade"])).sort_values(
            ["_p", "_r", "rate", "unit_id"], ascending=[False, False, False, True], kind="stable")

    hz = pd.DataFrame(assessment.hazards.drop(columns="geometry", errors="ignore"))
    if not all_rows:
        hz = hz[_bool(hz["is_open"])]
    if not hz.empty:
        # Overdue first, the longest overdue on top; then major before general, then
        # the nearest deadline: the order a supervisor works through them.
        hz = hz.assign(
            _o=_bool(hz["is_open"]), _d=_bool(hz["overdue"]),
            _days=pd.to_numeric(hz["days_overdue"], errors="coerce").fillna(0),
            _m=(hz["level"] == "major"),
        ).sort_values(["_o", "_d", "_days", "_m", "deadline", "hazard_id"],
                      ascending=[False, False, False, False, True, True], kind="stable", na_position="last")

    return {
        "counties": counties,
        "enterprises": ents,
        "road_units": units,
        "hazards": hz,
        "unassigned": pd.DataFrame(assessment.unassigned),
    }


def _coord(gdf, axis: str) -> pd.Series:
    if gdf.empty or "geometry" not in gdf:
        return pd.Series(np.nan, index=gdf.index, dtype=float)
    geoms = gdf.geometry
    ok = geoms.notna() & ~geoms.is_empty & (geoms.geom_type == "Point")
    values = pd.Series(np.nan, index=gdf.index, dtype=float)
    if ok.any():
        values[ok] = getattr(geoms[ok], axis)
    return values


# --- writing -------------------------------------------------------------------------------
def _display_text(value: Any, kind: str, lang: str) -> str:
    if kind == "grade" or kind == "gradelabel":
        return grade_label(str(value), lang)
    if kind == "sector":
        return sector_label(str(value), lang)
    if kind == "level":
        return label(HAZARD_LEVEL_LABELS, str(value), lang)
    if kind == "status":
        return label(HAZARD_STATUS_LABELS, str(value), lang)
    if kind == "supervision":
        return label(SUPERVISION_LABELS, str(value), lang)
    if kind == "method":
        key = f"method_{value}"
        return t(key, lang) if key in STRINGS else str(value)
    if kind == "dataset":
        return label(DATASET_LABELS, str(value), lang)
    if kind == "bool":
        return t("yes", lang) if bool(value) else t("no", lang)
    return str(value)


def _text_width(text: str) -> float:
    # CJK characters are about two Latin characters wide in Excel's default font.
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text)


def write_register(
    assessment: Assessment,
    path: str | Path,
    *,
    lang: str | None = None,
    all_rows: bool = False,
) -> Path:
    """Write ``risk_register.xlsx``.

    Parameters
    ----------
    assessment
        The graded assessment (apply :func:`riskmap.filters.apply_filters` first to
        write a filtered register).
    path
        The ``.xlsx`` file to write (or a binary file object).
    lang
        ``zh`` or ``en`` headers and labels; the workspace language by default.
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
    import xlsxwriter

    lang = lang or assessment.language or "zh"
    if lang not in LANGUAGES:
        raise InputError(f"language '{lang}' is not supported; allowed: {', '.join(LANGUAGES)}")
    tables = register_tables(assessment, all_rows=all_rows)
    colours = grade_colours(assessment)
    target = str(path) if isinstance(path, (str, Path)) else path

    workbook = xlsxwriter.Workbook(target, {
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

        specs = {"counties": COUNTY_COLS, "enterprises": ENTERPRISE_COLS, "road_units": ROAD_COLS,
                 "hazards": HAZARD_COLS, "unassigned": UNASSIGNED_COLS}
        for sheet in SHEETS:
            _write_sheet(workbook, sheet_name(sheet, lang), tables[sheet], specs[sheet], lang,
                         fmt_header, fmt_text, fmt_wrap, fmt_date, fmt_grade, number_format)
    finally:
        workbook.close()
    return Path(path) if isinstance(path, (str, Path)) else path


WIDTH_SAMPLE = 2000


def _write_column(ws, j: int, series: pd.Series, col: Col, lang: str, fmt_text, fmt_wrap, fmt_date,
                  fmt_grade, fmt_number) -> list[str]:
    """Write one column below the header; return the displayed texts (for widths)."""
    values = series.tolist()
    missing = series.isna().to_numpy(dtype=bool)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        missing = missing | (series == "").fillna(False).to_numpy(dtype=bool)
    texts: list[str] = []
    if col.kind in ("int", "float"):
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        finite = np.isfinite(numbers)
        pattern = "{:,.2f}" if col.kind == "float" else "{:,.0f}"
        for i in range(len(values)):
            if finite[i]:
                ws.write_number(i + 1, j, float(numbers[i]), fmt_number)
                if len(texts) < WIDTH_SAMPLE:
                    texts.append(pattern.format(numbers[i]))
            elif not missing[i] and not isinstance(values[i], float):
                # Text in a number column (e.g. "n/a" in an input file): shown as is.
                ws.write_string(i + 1, j, str(values[i]), fmt_text)
                texts.append(str(values[i]))
            else:
                ws.write_blank(i + 1, j, None, fmt_text)
        return texts
    if col.kind == "date":
        stamps = pd.to_datetime(series, errors="coerce")
        for i, stamp in enumerate(stamps):
            if pd.isna(stamp):
                ws.write_blank(i + 1, j, None, fmt_text)
            else:
                ws.write_datetime(i + 1, j, stamp.to_pydatetime().replace(tzinfo=None), fmt_date)
        return ["2026-10-31"] if len(stamps) else []
    # Text-like columns: translate each distinct value once.
    cache: dict[Any, str] = {}
    cell_format = fmt_wrap if col.width is not None else fmt_text
    for i, value in enumerate(values):
        if missing[i]:
            ws.write_blank(i + 1, j, None, fmt_text)
            continue
        try:
            text = cache[value]
        except KeyError:
            text = cache[value] = _display_text(value, col.kind, lang)
        except TypeError:  # an unhashable value
            text = _display_text(value, col.kind, lang)
        if col.kind == "grade":
            ws.write_string(i + 1, j, text, fmt_grade.get(value, fmt_text))
        else:
            # Long free text (reasons, descriptions) wraps in a fixed-width column
            # instead of spilling over its neighbours.
            ws.write_string(i + 1, j, text, cell_format)
        if len(texts) < WIDTH_SAMPLE:
            texts.append(text)
    return texts


def _write_sheet(workbook, name, frame: pd.DataFrame, cols, lang, fmt_header, fmt_text, fmt_wrap,
                 fmt_date, fmt_grade, number_format: Callable) -> None:
    ws = workbook.add_worksheet(name)
    cols = [c for c in cols if c.key in frame.columns or frame.empty]
    widths = []
    for j, col in enumerate(cols):
        head = header(col.key, lang)
        ws.write_string(0, j, head, fmt_header)
        widths.append(max(_text_width(head) + 2, 8.0))
    ws.set_row(0, 30)

    for j, col in enumerate(cols):
        series = frame[col.key] if col.key in frame.columns else pd.Series([], dtype=object)
        texts = _write_column(ws, j, series, col, lang, fmt_text, fmt_wrap, fmt_date, fmt_grade,
                              number_format(col.fmt if col.kind == "float" else "0"))
        if col.width is not None:
            widths[j] = col.width
        else:
            # The widest of the first rows (the sheet is sorted worst first, so these are
            # the ones read); measuring 200,000 rows would cost seconds for nothing.
            measured = max([widths[j] - 2, *(_text_width(x) for x in texts[:WIDTH_SAMPLE])])
            widths[j] = min(measured + 2, 50)

    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(cols) - 1)
