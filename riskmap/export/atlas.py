"""The county atlas (区县图册): one A4 page per county, in the manner of a QGIS atlas.

Each page (:func:`write_atlas`) holds

* the county's own map, zoomed to it: the county in its grade colour, its road units
  and enterprises by grade, its open major hazards, the neighbouring counties in grey,
  with a north arrow and a scale bar (:mod:`riskmap.export.cartography`);
* its grade, score and four components, and why (its top contributors and reasons);
* its score over the history's period ends and the forecast, over the grade bands;
* its warnings, its open hazards (overdue first), its red and orange enterprises,
  as many as the page holds (the rest counted).

A running header, and a footer with the source, ``as_of`` and "page x of y".  The
projection, the simplified outlines and the per-county groups are made once, and each
page goes to the PDF as soon as it is drawn, so a province of 117 counties takes well
under a minute (``bench/bench_atlas.py``).
"""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch

from riskmap.coords import local_metric_crs
from riskmap.document import Table
from riskmap.errors import InputError
from riskmap.export import fonts
from riskmap.export.cartography import HAZARD_COLOUR, drawable, open_major, polygon_path, tint
from riskmap.export.flow import Flow
from riskmap.export.furniture import draw_north_arrow, draw_scale_bar
from riskmap.export.page import Page
from riskmap.export.trendchart import draw_score_trend
from riskmap.export.truetype import truetype_text
from riskmap.grades import GRADES, RANK
from riskmap.history import History
from riskmap.i18n import HAZARD_LEVEL_LABELS, grade_label, label, label_of, sector_label, t
from riskmap.sectorview import county_trend
from riskmap.tables import hazard_rows, warning_rows
from riskmap.view import View

SIMPLIFY_M = 25.0
"""Outlines are simplified to 25 m: invisible at an atlas page's scale, and much lighter in the PDF."""
LIST_ROWS = 4
DENSE = 400
"""A county's roads or enterprises above this many are drawn as an image in the PDF (at :data:`RASTER_DPI`)."""
RASTER_DPI = 200
"""Rows of each list on a page (warnings, open hazards, enterprises); the rest are counted."""
COMPONENTS = ("points_enterprises", "points_roads", "points_hazards", "points_accidents")


class _Layers:
    """Everything the pages draw, projected once and grouped by county."""

    def __init__(self, view: View):
        everything = drawable(view.assessment.counties)
        if everything.empty:
            raise InputError(t("atlas_no_counties", view.lang))
        self.crs = local_metric_crs(tuple(everything.total_bounds))
        self.wgs = everything
        projected = everything.to_crs(self.crs)
        self.outline = shapely.simplify(projected.geometry.to_numpy(), SIMPLIFY_M, preserve_topology=True)
        self.codes = everything["county_code"].astype(str).to_numpy()
        self.tree = shapely.STRtree(self.outline)
        self.paths = [polygon_path(g) for g in self.outline]
        self.ents = self._points(view.enterprises)
        self.hazards = self._points(open_major(view.hazards))
        units = drawable(view.road_units)
        self.units = units.to_crs(self.crs) if len(units) else units
        # Each county's rows, found once (a province's pages would otherwise scan 200,000 rows each).
        self.ent_rows = _groups(self.ents["county_code"])
        self.hazard_rows = _groups(self.hazards["county_code"])
        self.unit_rows = _groups(self.units["county_code"]) if len(self.units) else {}

    def _points(self, frame: gpd.GeoDataFrame) -> pd.DataFrame:
        frame = drawable(frame)
        if frame.empty:
            return pd.DataFrame({"x": [], "y": [], "grade": [], "county_code": []})
        pts = shapely.get_coordinates(shapely.point_on_surface(frame.to_crs(self.crs).geometry.to_numpy()))
        return pd.DataFrame({"x": pts[:, 0], "y": pts[:, 1], "grade": frame["grade"].to_numpy(),
                             "county_code": frame["county_code"].astype(str).to_numpy()})


def _groups(codes: pd.Series) -> dict[str, np.ndarray]:
    """County code → the positions of its rows."""
    return {str(k): v for k, v in pd.Series(codes.astype(str).to_numpy()).groupby(codes.astype(str).to_numpy()).indices.items()}


def _rows(frame: pd.DataFrame, groups: dict[str, np.ndarray], code: str) -> pd.DataFrame:
    return frame.iloc[groups.get(code, np.zeros(0, dtype=int))]


def _draw_map(ax, layers: _Layers, position: int, colours: dict, grade: str, lang: str, page: Page) -> None:
    ax.set_axis_off()
    minx, miny, maxx, maxy = shapely.bounds(layers.outline[position])
    box_w, box_h = ax.get_position().width * ax.figure.get_size_inches()[0], ax.get_position().height * ax.figure.get_size_inches()[1]
    width, height = (maxx - minx) * 1.12 + 1, (maxy - miny) * 1.12 + 1
    width, height = max(width, height * box_w / box_h), max(height, width * box_h / box_w)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    near = [int(k) for k in layers.tree.query(shapely.box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2))
            if int(k) != position and layers.paths[int(k)] is not None]
    ax.add_collection(PatchCollection([PathPatch(layers.paths[k]) for k in near], facecolor="#EDEDED", edgecolor="#9A9A9A",
                                      linewidth=0.5, zorder=1))
    if layers.paths[position] is not None:
        ax.add_patch(PathPatch(layers.paths[position], facecolor=tint(colours.get(grade, "#CCCCCC")), edgecolor="none",
                               zorder=2))
        ax.add_patch(PathPatch(layers.paths[position], facecolor="none", edgecolor="#222222", linewidth=1.2, zorder=6))
    code = layers.codes[position]
    units = _rows(layers.units, layers.unit_rows, code) if len(layers.units) else layers.units
    if len(units):
        parts, owner = shapely.get_parts(units.geometry.to_numpy(), return_index=True)
        coords, part = shapely.get_coordinates(parts, return_index=True)
        lines = np.split(coords, np.cumsum(np.bincount(part, minlength=len(parts)))[:-1])
        # Dense networks are drawn as an image inside the page (text and outlines stay vector): writing
        # thousands of vector paths is most of a province page's time.
        ax.add_collection(LineCollection(lines, colors=[colours.get(g, "#777777") for g in units["grade"].to_numpy()[owner]],
                                         linewidths=1.3, zorder=4, rasterized=len(lines) > DENSE))
    ents = _rows(layers.ents, layers.ent_rows, code)
    for g in reversed(GRADES):
        sub = ents[ents["grade"].to_numpy() == g]
        if len(sub):
            ax.scatter(sub["x"], sub["y"], s=9 if len(ents) < 2000 else 4, c=colours[g], edgecolors="#1A1A1A",
                       linewidths=0.3 if len(ents) < 2000 else 0.15, zorder=5 + RANK[g] * 0.1, rasterized=len(ents) > DENSE)
    major = _rows(layers.hazards, layers.hazard_rows, code)
    if len(major):
        ax.scatter(major["x"], major["y"], s=30, marker="^", facecolors="none", edgecolors=HAZARD_COLOUR, linewidths=1,
                   zorder=8)
    draw_north_arrow(ax, layers.crs, layers.wgs.iloc[[position]], lang, page)
    draw_scale_bar(ax, page)


def _panel(fig, rect, row: pd.Series, colours: dict, lang: str, flow: Flow) -> None:
    """Grade, score, the four components and why, beside the map."""
    x, y, w, h = rect
    grade = row["grade"]
    fig.patches.append(matplotlib.patches.Rectangle((x, y + h - 0.05), w, 0.05, transform=fig.transFigure,
                                                    facecolor=colours.get(grade, "#CCCCCC"), edgecolor="none"))
    from riskmap.export.register import GRADE_TEXT

    fig.text(x + 0.01, y + h - 0.025, f"{t('atlas_grade', lang)}：{grade_label(grade, lang)}" if lang == "zh" else
             f"{t('atlas_grade', lang)}: {grade_label(grade, lang)}", fontsize=11, fontweight="bold",
             color=GRADE_TEXT.get(grade, "#111111"), va="center")
    fig.text(x, y + h - 0.075, f"{t('atlas_score', lang)} {float(row['score']):.1f}", fontsize=10.5, fontweight="bold",
             va="top")
    top = y + h - 0.105
    for i, part in enumerate(COMPONENTS):
        fig.text(x, top - i * 0.022, t(part, lang), fontsize=8.5, va="top")
        fig.text(x + w, top - i * 0.022, f"{float(row[part]):.1f}", fontsize=8.5, va="top", ha="right")
    why = str(row.get("top_contributors") or "") or t("atlas_none", lang)
    lines = flow.measure.wrap(f"{t('atlas_top', lang)}：{why}" if lang == "zh" else f"{t('atlas_top', lang)}: {why}",
                              w * flow.w_mm, 8)
    reasons = str(row.get("reasons") or "")
    if reasons:
        lines += flow.measure.wrap(reasons, w * flow.w_mm, 8)
    fig.text(x, top - 4 * 0.022 - 0.01, "\n".join(lines[:14]), fontsize=8, va="top", linespacing=1.35, color="#222222")


def _lists(view: View, code: str, lists: dict, lang: str) -> list[tuple[str, Table]]:
    w, h, e = (_rows(frame, groups, code) for frame, groups in lists.values())
    counts = (len(w), len(h), len(e))
    w, h, e = w.head(LIST_ROWS), h.head(LIST_ROWS), e.head(LIST_ROWS)
    tables = [
        (t("atlas_warnings", lang, n=counts[0]), Table(
            [t("warning_level", lang), t("warning_kind", lang), t("warning_name", lang), t("warning_message", lang)],
            [[label_of("warning_level", r.level, lang), label_of("warning_kind", r.kind, lang), str(r.name), str(r.message)]
             for r in w.itertuples()], widths=(1.1, 1.4, 2.4, 6.5), grade_col=0, grades=w["level"].tolist())),
        (t("atlas_hazards", lang, n=counts[1]), Table(
            [t("hazard_id", lang), t("description", lang), t("level", lang), t("deadline", lang), t("days_overdue", lang)],
            [[str(r.hazard_id), str(r.description) if pd.notna(r.description) and str(r.description) else str(r.name),
              label(HAZARD_LEVEL_LABELS, r.level, lang), "" if pd.isna(r.deadline) else pd.Timestamp(r.deadline).strftime("%Y-%m-%d"),
              str(int(r.days_overdue)) if bool(r.overdue) else "0"] for r in h.itertuples()],
            widths=(1.8, 5.2, 1, 1.6, 1.2), numeric=(4,))),
        (t("atlas_enterprises", lang, n=counts[2]), Table(
            [t("name", lang), t("sector", lang), t("grade", lang), t("reasons", lang)],
            [[str(r.name), sector_label(str(r.sector), lang, view.sectors), grade_label(r.grade, lang),
              str(r.reasons) if pd.notna(r.reasons) else "—"] for r in e.itertuples()],
            widths=(2.8, 1.5, 1.3, 6), grade_col=2, grades=e["grade"].tolist())),
    ]
    for (_, table), n in zip(tables, counts):
        table.total = n
        table.note = t("pack_more", lang, n=n - len(table.rows)).strip() if n > len(table.rows) else ""
    return tables


def _page(flow: Flow, view: View, history: History, layers: _Layers, position: int, row: pd.Series, lists: dict) -> None:
    lang, colours, code = view.lang, view.colours, str(row["county_code"])
    fig = flow.new_page()
    flow.heading(t("atlas_page_title", lang, county=row["county_name"]), size=15)
    page = Page("A4", "portrait", 72)

    def draw(fig, rect):
        x, y, w, h = rect
        _draw_map(fig.add_axes((x, y, w * 0.66, h)), layers, position, colours, row["grade"], lang, page)
        _panel(fig, (x + w * 0.69, y, w * 0.31, h), row, colours, lang, flow)

    flow.box(88, draw)
    flow.paragraph(t("atlas_trend", lang), size=8.5, indent=False)
    flow.box(27, lambda f, r: draw_score_trend(f.add_axes((r[0] + 0.05 * r[2], r[1] + 0.12 * r[3], 0.93 * r[2], 0.86 * r[3])),
                                               county_trend(history, code, view.sectors_graded), view.standard,
                                               colours=colours, lang=lang))
    for title, table in _lists(view, code, lists, lang):
        if flow.room() < 18 or flow.fig is not fig:
            break
        flow.paragraph(title, size=9, indent=False)
        if table.rows:
            flow.table(table, size=7, max_lines=1, cut=True)


def _characters(view: View, warnings: pd.DataFrame, hazards: pd.DataFrame, flow: Flow) -> str:
    """Every character the pages may draw: the words of the language, the data's texts, digits and signs."""
    from riskmap.i18n import COLUMN_LABELS, GRADE_LABELS, STRINGS

    pick = 0 if view.lang == "zh" else 1
    words = [pair[pick] for table in (STRINGS, COLUMN_LABELS, GRADE_LABELS) for pair in table.values()]
    frames = [(view.counties, ("county_name", "top_contributors", "reasons")), (view.enterprises, ("name", "reasons")),
              (warnings, ("name", "message")), (hazards, ("hazard_id", "description", "name"))]
    for frame, columns in frames:
        for column in columns:
            if column in frame:
                words.extend(frame[column].dropna().astype(str).unique())
    words += [view.sectors.label(s, view.lang) for s in view.sectors.keys]
    words += [flow.header, flow.footer, "".join(chr(c) for c in range(32, 127)), "…—→↑↓·：；，（）、"]
    return "".join(sorted(set("".join(words))))


def write_atlas(history: History, target: str | Path | io.BufferedIOBase, *, view: View | None = None,
                progress=None) -> int:
    """Write the atlas of a history's ``as_of`` as a PDF; return the number of pages.

    Parameters
    ----------
    history
        The graded history.
    target
        A path or a binary file object.
    view
        What to show (filters and language; a county filter chooses the pages); default: everything, in the
        workspace language.
    progress
        Called as ``progress(done, total)`` after each page.

    Raises
    ------
    InputError
        When no county is left to draw.
    """
    view = view or View(history.assessment)
    lang = view.lang
    counties = view.counties.sort_values("county_code", kind="stable")
    if counties.empty:
        raise InputError(t("atlas_no_counties", lang))
    layers = _Layers(view)
    counties = counties[counties["county_code"].astype(str).isin(set(layers.codes))]
    positions = pd.Index(layers.codes).get_indexer(counties["county_code"].astype(str))
    warnings = warning_rows(history.warnings, view)
    hazards = hazard_rows(view.hazards)
    hazards = hazards[hazards["is_open"].fillna(False).astype(bool)] if not hazards.empty else hazards
    ents = view.enterprises
    ents = pd.DataFrame(ents[ents["grade"].isin(["red", "orange"])].drop(columns="geometry"))
    ents = ents.assign(_r=ents["grade"].map(RANK)).sort_values(["_r", "score"], ascending=False, kind="stable")
    lists = {name: (frame, _groups(frame["county_code"]) if len(frame) else {})
             for name, frame in (("warnings", warnings), ("hazards", hazards), ("enterprises", ents))}
    info = view.info
    rc = fonts.rc_params(fonts.cjk_font())
    with matplotlib.rc_context(rc):  # the typesetter measures text in the CJK font
        # The filters in the running header: a sector atlas's grades and trends are of those sectors' records.
        header = "  ·  ".join([t("atlas_title", lang, region=info.region),
                               *([f"{t('filters_applied', lang)}{view.describe_filters()}"] if view.filtered else []),
                               *([t("demo_data", lang)] if info.demo else [])])
        flow = Flow(header=header,
                    footer=t("pack_footer", lang, source=info.source or info.region, d=info.as_of.isoformat()),
                    lang=lang, colours=view.colours)
    total = len(counties)
    chars = _characters(view, warnings, hazards, flow)
    with matplotlib.rc_context(rc), PdfPages(target, metadata={"Title": t("atlas_title", lang, region=info.region),
                                                               "Creator": "RiskMap", "CreationDate": None}) as pdf:
        for number, ((_, row), position) in enumerate(zip(counties.iterrows(), positions), start=1):
            _page(flow, view, history, layers, int(position), row, lists)
            page = flow.fig
            flow.stamp(page, number, total)
            with truetype_text(page, extra_chars=chars):  # one TrueType subset for every page: Type 42, never Type 3
                pdf.savefig(page, dpi=RASTER_DPI)
            flow.release()
            if progress is not None:
                progress(number, total)
    return total
