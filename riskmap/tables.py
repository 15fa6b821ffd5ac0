"""Tables of a :class:`~riskmap.view.View`: the same rows, order and labels everywhere.

The app's tabs, the risk register and the briefing all take their tables from here, so
a county table looks the same wherever it is read:

* **rows**: :func:`county_rows` (worst first: grade, then score), :func:`enterprise_rows`,
  :func:`road_rows` and :func:`hazard_rows` (overdue first, the longest overdue on top),
  each optionally only the rows that need attention (:func:`register_tables`);
* **columns**: :class:`Col` says how a column is shown (a grade as its label, a sector
  as its name, a flag as 是/否 ...; a coded input column by its vocabulary in
  :mod:`riskmap.schema`); :data:`COLUMNS` lists the register's columns and
  :data:`PAGE_COLUMNS` the subset the app shows;
* **display**: :func:`display_column` turns a column into what a reader sees, and
  :func:`page_table` builds a labelled table for the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskmap.grades import GRADES, RANK
from riskmap.grading import COMPONENTS
from riskmap.i18n import COLUMN_LABELS, STRINGS, column_label, grade_label, label_of, t
from riskmap.schema import DATASETS
from riskmap.view import View


@dataclass(frozen=True)
class Col:
    """One column of a table: the Assessment column and how to show it.

    Attributes
    ----------
    key
        The column.
    kind
        ``text``, ``int``, ``float``, ``date``, ``bool``, ``grade`` (the label, coloured
        in the register), ``gradelabel`` (the label only), ``method``, or a label kind of
        :func:`riskmap.i18n.label_of` (``sector``, ``hazard_level``, ...).
    fmt
        The Excel number format of a number.
    width
        A fixed width in the register (long text wraps in it).
    digits
        Decimals a page shows of a number (all when ``None``).
    """

    key: str
    kind: str = "text"
    fmt: str | None = None
    width: float | None = None
    digits: int | None = None


def _coded(dataset: str, key: str) -> str:
    """How an input column is shown: as the labels of its vocabulary in :mod:`riskmap.schema`."""
    vocabulary = DATASETS[dataset].column(key).vocabulary
    if vocabulary is None:
        raise ValueError(f"{dataset}.{key} has no vocabulary in riskmap.schema")
    return vocabulary


COUNTY_COLS = (
    Col("county_code"), Col("county_name"), Col("grade", "grade"), Col("score", "float", "0.0", digits=1),
    Col("grade_all", "grade"), Col("score_all", "float", "0.0", digits=1),
    Col("points_enterprises", "float", "0.0", digits=1), Col("points_roads", "float", "0.0", digits=1),
    Col("points_hazards", "float", "0.0", digits=1), Col("points_accidents", "float", "0.0", digits=1),
    Col("top_contributors", width=48), Col("reasons", width=36),
    Col("n_enterprises", "int"), Col("enterprises_red", "int"), Col("enterprises_orange", "int"),
    Col("enterprises_yellow", "int"), Col("enterprises_blue", "int"),
    Col("open_hazards", "int"), Col("major_open_hazards", "int"), Col("overdue_hazards", "int"),
    Col("deaths_12m", "int"), Col("unit_km", "float", "0.0"), Col("population", "float", "#,##0"),
    Col("area_km2", "float", "#,##0.0"),
)
ENTERPRISE_COLS = (
    Col("enterprise_id"), Col("name", width=28), Col("sector", _coded("enterprises", "sector")), Col("county_code"),
    Col("county_name"), Col("grade", "grade"), Col("reasons", width=40),
    Col("inherent_grade", "gradelabel"), Col("method", "method"), Col("inherent_value", "float", "0.##"),
    Col("major_hazard_level", "int"), Col("open_hazards", "int"), Col("major_open_hazards", "int"),
    Col("overdue_hazards", "int"), Col("fatal_accidents_12m", "int"), Col("employees", "int"),
    Col("address", width=30), Col("lon", "float", "0.000000"), Col("lat", "float", "0.000000"),
)
ROAD_COLS = (
    Col("unit_id"), Col("segment_id"), Col("road_name"), Col("road_class"), Col("county_code"),
    Col("county_name"), Col("grade", "grade"), Col("accident_prone", "bool"),
    Col("length_m", "float", "#,##0", digits=0), Col("fatal", "int"), Col("injury", "int"), Col("pdo", "int"),
    Col("epdo", "float", "0.#"), Col("rate", "float", "0.00", digits=2), Col("reasons", width=30),
)
HAZARD_COLS = (
    Col("hazard_id"), Col("enterprise_id"), Col("name", width=28), Col("sector", _coded("enterprises", "sector")),
    Col("county_code"), Col("county_name"), Col("level", _coded("hazards", "level")),
    Col("status", _coded("hazards", "status")), Col("overdue", "bool"), Col("days_overdue", "int"), Col("deadline", "date"),
    Col("found_date", "date"), Col("closed_date", "date"), Col("supervision", _coded("hazards", "supervision")),
    Col("description", width=40),
)
ACCIDENT_COLS = (
    Col("accident_id"), Col("date", "date"), Col("kind", _coded("accidents", "kind")), Col("severity_class", "severity"),
    Col("deaths", "int"), Col("injuries", "int"), Col("county_code"), Col("county_name"), Col("enterprise_id"),
    Col("sector", _coded("accidents", "sector")), Col("unit_id"), Col("located_by", "located_by"),
)
UNASSIGNED_COLS = (Col("dataset", "dataset"), Col("id"), Col("reason", width=60))
NOTE_COLS = (Col("dataset", "dataset"), Col("id"), Col("county_code"), Col("note", width=60))

COLUMNS: dict[str, tuple[Col, ...]] = {"counties": COUNTY_COLS, "enterprises": ENTERPRISE_COLS,
                                       "road_units": ROAD_COLS, "hazards": HAZARD_COLS, "accidents": ACCIDENT_COLS,
                                       "unassigned": UNASSIGNED_COLS}
"""The register's columns, per sheet."""

PAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "counties": ("county_name", "county_code", "grade", "score", "grade_all", "points_enterprises", "points_roads",
                 "points_hazards", "points_accidents", "top_contributors"),
    "enterprises": ("enterprise_id", "name", "sector", "county_name", "grade", "inherent_grade", "reasons",
                    "open_hazards", "overdue_hazards"),
    "road_units": ("unit_id", "road_name", "county_name", "grade", "accident_prone", "length_m", "fatal", "injury",
                   "epdo", "rate"),
    "hazards": ("hazard_id", "name", "county_name", "level", "status", "overdue", "days_overdue", "supervision",
                "found_date", "deadline", "description"),
}
"""The columns the app shows of each table, in order (a subset of :data:`COLUMNS`)."""

OPTIONAL_COLUMNS = frozenset({"grade_all", "score_all"})
"""Columns only a sector view has (the all-sector grade beside the sector grade): left out elsewhere."""

COMPONENT_COLUMNS: tuple[str, ...] = COMPONENTS
"""The four components of a county's score, as its "why" shows them."""


# --- rows --------------------------------------------------------------------------------

def _rank(series: pd.Series) -> pd.Series:
    return series.map(RANK).fillna(-1)


def _flag(series: pd.Series) -> pd.Series:
    return series.fillna(False).astype(bool)


def county_rows(counties: pd.DataFrame) -> pd.DataFrame:
    """Counties, worst first: by grade, then score, then code."""
    counties = pd.DataFrame(counties.drop(columns="geometry", errors="ignore"))
    if counties.empty:
        return counties
    return counties.assign(_r=_rank(counties["grade"])).sort_values(
        ["_r", "score", "county_code"], ascending=[False, False, True], kind="stable").drop(columns="_r")


def _coord(frame, axis: str) -> pd.Series:
    if frame.empty or "geometry" not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    geoms = frame.geometry
    ok = geoms.notna() & ~geoms.is_empty & (geoms.geom_type == "Point")
    values = pd.Series(np.nan, index=frame.index, dtype=float)
    if ok.any():
        values[ok] = getattr(geoms[ok], axis)
    return values


def enterprise_rows(enterprises: pd.DataFrame, *, key_only: bool = False) -> pd.DataFrame:
    """Enterprises, worst first (with ``lon``/``lat``); only red and orange ones with ``key_only``."""
    if key_only:  # chosen first: the points of the others are not looked at
        enterprises = enterprises[enterprises["grade"].isin(["red", "orange"]).to_numpy()]
    frame = enterprises.assign(lon=_coord(enterprises, "x"), lat=_coord(enterprises, "y"))
    frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    if frame.empty:
        return frame
    return frame.assign(_r=_rank(frame["grade"])).sort_values(
        ["_r", "score", "enterprise_id"], ascending=[False, False, True], kind="stable").drop(columns="_r")


def road_rows(road_units: pd.DataFrame, *, key_only: bool = False) -> pd.DataFrame:
    """Road units: accident-prone first, then by grade and rate; only those and red ones with ``key_only``."""
    units = pd.DataFrame(road_units.drop(columns="geometry", errors="ignore"))
    if key_only:
        units = units[_flag(units["accident_prone"]) | (units["grade"] == "red")]
    if units.empty:
        return units
    return units.assign(_p=_flag(units["accident_prone"]), _r=_rank(units["grade"])).sort_values(
        ["_p", "_r", "rate", "unit_id"], ascending=[False, False, False, True], kind="stable").drop(columns=["_p", "_r"])


def hazard_rows(hazards: pd.DataFrame, *, key_only: bool = False) -> pd.DataFrame:
    """Hazards in the order a supervisor works through them; only the open ones with ``key_only``.

    Open first, overdue first, the longest overdue on top; then major before general,
    then the nearest deadline.
    """
    hz = pd.DataFrame(hazards.drop(columns="geometry", errors="ignore"))
    if key_only:
        hz = hz[_flag(hz["is_open"])]
    if hz.empty:
        return hz
    return hz.assign(
        _o=_flag(hz["is_open"]), _d=_flag(hz["overdue"]),
        _days=pd.to_numeric(hz["days_overdue"], errors="coerce").fillna(0), _m=(hz["level"] == "major"),
    ).sort_values(["_o", "_d", "_days", "_m", "deadline", "hazard_id"],
                  ascending=[False, False, False, False, True, True], kind="stable", na_position="last"
                  ).drop(columns=["_o", "_d", "_days", "_m"])


def accident_rows(accidents: pd.DataFrame) -> pd.DataFrame:
    """The fatal and injury accidents of the window (36 months up to ``as_of``), the latest first."""
    acc = pd.DataFrame(accidents.drop(columns="geometry", errors="ignore"))
    if acc.empty:
        return acc
    acc = acc[_flag(acc["in_window"]) & acc["severity_class"].isin(["fatal", "injury"])]
    return acc.sort_values(["date", "accident_id"], ascending=[False, True], kind="stable")


def register_tables(view: View, *, all_rows: bool = False) -> dict[str, pd.DataFrame]:
    """The rows of each register sheet, selected and ordered (still with the keys).

    Parameters
    ----------
    view
        What to show.
    all_rows
        Every enterprise, road unit and hazard instead of the ones that need attention.

    Returns
    -------
    dict
        ``counties``, ``enterprises``, ``road_units``, ``hazards``, ``accidents`` (the fatal
        and injury accidents of the window), ``unassigned``.
    """
    key_only = not all_rows
    return {
        "counties": county_rows(view.counties),
        "enterprises": enterprise_rows(view.enterprises, key_only=key_only),
        "road_units": road_rows(view.road_units, key_only=key_only),
        "hazards": hazard_rows(view.hazards, key_only=key_only),
        "accidents": accident_rows(view.accidents),
        "unassigned": pd.DataFrame(view.unassigned.drop(columns="reason_codes", errors="ignore")),
    }


# --- display -----------------------------------------------------------------------------

def header(column: str, lang: str) -> str:
    """The header of a column (the i18n column label, else a string)."""
    if column in COLUMN_LABELS:
        return column_label(column, lang)
    return t(column, lang) if column in STRINGS else column


def number_text(value: Any) -> str:
    """A number as people read it: thousands separated, no trailing zeros (``1,234.5``)."""
    if isinstance(value, float):
        if not np.isfinite(value):
            return ""
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, (int, np.integer)) else str(value)


def display_text(value: Any, kind: str, lang: str, sectors=None) -> str:
    """A coded value as a reader sees it (``red`` → 重大风险, ``True`` → 是); ``sectors``: the standard's."""
    if kind in ("grade", "gradelabel"):
        return grade_label(str(value), lang)
    if kind == "method":
        key = f"method_{value}"
        return t(key, lang) if key in STRINGS else str(value)
    if kind == "bool":
        return t("yes", lang) if bool(value) else t("no", lang)
    if kind in ("text", "int", "float", "date"):
        return str(value)
    return label_of(kind, value, lang, sectors=sectors)


def display_column(series: pd.Series, col: Col, lang: str, sectors=None) -> pd.Series:
    """A column as the page shows it: labels for codes, rounded numbers, dates as text."""
    if col.kind in ("int", "float"):
        return series.round(col.digits) if col.digits is not None and col.kind == "float" else series
    if col.kind == "date":
        return pd.to_datetime(series, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    if col.kind == "text":
        return series
    if col.kind == "bool":
        return series.map(lambda v: display_text(bool(v), "bool", lang))
    return series.map(lambda v: display_text(v, col.kind, lang, sectors) if isinstance(v, str) else "")


_ROWS = {"counties": county_rows, "enterprises": enterprise_rows, "road_units": road_rows, "hazards": hazard_rows}


def page_table(view: View, dataset: str) -> pd.DataFrame:
    """The table the app shows of a dataset: the :data:`PAGE_COLUMNS`, labelled in the view's language."""
    rows = _ROWS[dataset](view.frame(dataset))
    cols = {c.key: c for c in COLUMNS[dataset]}
    shown = {header(key, view.lang): display_column(rows[key], cols[key], view.lang, view.sectors) if key in rows
             else pd.Series(dtype=object) for key in PAGE_COLUMNS[dataset] if key in rows or key not in OPTIONAL_COLUMNS}
    return pd.DataFrame(shown).reset_index(drop=True)


def county_why(view: View, code: str | None, heading: str) -> tuple[pd.Series, pd.DataFrame] | None:
    """What a county's "why" panel shows, whatever the filters: its row, and its four
    score components as a table (``heading`` over their names, then the points)."""
    counties = view.everything.counties
    chosen = counties[counties["county_code"].astype(str) == str(code)]
    if code is None or chosen.empty:
        return None
    row = chosen.iloc[0]
    parts = pd.DataFrame({heading: [column_label(c, view.lang) for c in COMPONENT_COLUMNS],
                          column_label("score", view.lang): [round(float(row[c]), 1) for c in COMPONENT_COLUMNS]})
    return row, parts


PROBLEM_COLUMNS = ("file", "row", "column", "value", "message")


def problem_table(problems, lang: str | None = None) -> pd.DataFrame:
    """Problems as a table: ``file``, ``row``, ``column``, ``value``, ``message``.

    With ``lang`` the headers are in that language (文件, 行, 列, 值, 说明) and an empty cell
    is empty text (never "None"), as the page shows it.
    """
    shown = [p.in_language(lang) for p in problems] if lang is not None else list(problems)
    rows = [{"file": p.file, "row": p.row, "column": p.column, "value": p.value, "message": p.message} for p in shown]
    table = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    if lang is None:
        return table
    table = table.astype(object).where(table.notna(), "").map(lambda v: "" if v is None else str(v))
    return table.rename(columns={c: t(f"problem_{c}", lang) for c in PROBLEM_COLUMNS})


def grade_crosstab(frame: pd.DataFrame, by: pd.Series, lang: str) -> pd.DataFrame:
    """Counts of each grade per value of ``by`` (columns: the grade labels, highest first)."""
    table = pd.crosstab(by, frame["grade"]).reindex(columns=list(GRADES), fill_value=0)
    return table.rename(columns=lambda g: grade_label(g, lang))


# --- warnings (issue 11) -----------------------------------------------------------------

WARNING_PAGE_COLUMNS = ("level", "kind", "name", "county_name", "message", "since", "id")
"""The columns the app shows of the warnings, in order."""


def warning_rows(warnings: pd.DataFrame, view: View, *, levels=None, kinds=None) -> pd.DataFrame:
    """The warnings a view's filters let through (counties, sectors, hazard statuses; grades act on
    the level), of the levels and kinds chosen, their messages in the view's language."""
    from riskmap.alerts import in_language, select_warnings

    filters = view.filters
    grades = filters.grades if filters is not None else None
    if grades is not None:
        levels = tuple(g for g in (levels or grades) if g in grades)
    hazards = view.assessment.hazards
    chosen = select_warnings(
        warnings, levels=levels, kinds=kinds, counties=filters.counties if filters else None,
        sectors=filters.sectors if filters else None, hazard_statuses=filters.hazard_statuses if filters else None,
        statuses_of=pd.Series(hazards["status"].to_numpy(), index=hazards["hazard_id"].astype(str)))
    return in_language(chosen, view.lang).assign(county_name=lambda f: f["county_code"].map(view.county_names))


def warning_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The warnings as the page shows them: levels and kinds by their labels, the columns labelled."""
    shown = {}
    for key in WARNING_PAGE_COLUMNS:
        values = rows[key] if key in rows else pd.Series(dtype=object)
        if key in ("level", "kind"):
            values = values.map(lambda v, k=key: label_of(f"warning_{k}", v, lang))
        shown[t(f"warning_{key}", lang) if f"warning_{key}" in STRINGS else header(key, lang)] = values.to_numpy()
    return pd.DataFrame(shown)


def warning_choices(rows: pd.DataFrame, lang: str) -> dict[int, str]:
    """Each warning shown, by its position in ``rows``, as a line to pick it by (to find it on the map)."""
    return {i: f"{label_of('warning_level', r.level, lang)} · {label_of('warning_kind', r.kind, lang)} · {r.name}"
            for i, r in enumerate(rows.itertuples())}


def styled(table: pd.DataFrame, lang: str, colours: dict[str, str], *, max_rows: int = 200):
    """A table with its grade (or warning level) column in the grade colours, as a pandas Styler;
    the table itself past ``max_rows`` rows (a Styler is slow there)."""
    headers = [h for h in (column_label("grade", lang), t("warning_level", lang)) if h in table]
    if not headers or len(table) > max_rows:
        return table
    by_label = {label_of(kind, g, lang): g for g in GRADES for kind in ("grade", "warning_level")}

    def colour(value) -> str:
        g = by_label.get(value)
        return f"background-color: {colours[g]}; color: {'#111' if g == 'yellow' else '#fff'}" if g else ""

    return table.style.map(colour, subset=headers).format(
        {c: number_text for c in table.columns if pd.api.types.is_float_dtype(table[c])})


def warning_focus(rows: pd.DataFrame, pick: int | None):
    """Where a picked warning's subject is found on the map: its county code, or its point (lon, lat); None."""
    if pick is None or pick >= len(rows):
        return None
    row = rows.iloc[pick]
    return str(row["id"]) if row["dataset"] == "counties" else (float(row["lon"]), float(row["lat"]))


def problem_markdown(problems, lang: str, *, header: str, limit: int = 200) -> str:
    """Problems as one Markdown list (file, row, column, value, message), every value inert."""
    from riskmap.sanitize import markdown_text

    lines = [header]
    for p in problems[:limit]:
        value = f" — 「{markdown_text(p.value)}」" if p.value not in (None, "") else ""
        sep = "：" if lang == "zh" else ": "
        lines.append(f"- **{markdown_text(p.where(lang))}**{sep}{markdown_text(p.in_language(lang).message)}{value}")
    if len(problems) > limit:
        lines.append(f"- … (+{len(problems) - limit})")
    return "\n".join(lines)
