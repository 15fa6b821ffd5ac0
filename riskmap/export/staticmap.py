"""The print-quality static four-colour map (PNG, PDF, SVG).

:func:`render_map` draws a :class:`~riskmap.view.View` on a page the way a map in a
report needs it: counties filled in the four grade colours with their names, road
units and enterprises coloured by grade, open major hazards marked
(:mod:`riskmap.export.cartography`), a legend with counts, an inset table of counts by
grade, title and subtitle, north arrow, scale bar, data source and projection, and the
words "示例数据 / demo data" on demo data.  The page comes from
:class:`~riskmap.export.page.ExportOptions`.

Text uses the CJK font of :mod:`riskmap.export.fonts`; save the figure with
:func:`save_figure` so the PDF and SVG embed it the right way.
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from typing import Any

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from riskmap._version import __version__
from riskmap.assessment import Assessment
from riskmap.errors import InputError
from riskmap.export import fonts
from riskmap.export.cartography import (
    CONTEXT_FILL,
    HAZARD_COLOUR,
    OUTLINE,
    POINT_EDGE,
    PRONE_CASING,
    PRONE_WIDTH,
    ROAD_STYLE,
    Drawn,
    draw_map,
    road_colours,
    tint,
)
from riskmap.export.flow import break_tokens
from riskmap.export.furniture import renderer_of
from riskmap.export.page import ExportOptions, Page, check_layers
from riskmap.export.truetype import truetype_text
from riskmap.filters import Filters
from riskmap.grades import GRADES, count_by_grade
from riskmap.i18n import grade_label, t
from riskmap.view import View


def render_map(source: Assessment | View, *, options: ExportOptions | None = None, filters: Filters | None = None,
               lang: str | None = None, **changes: Any) -> Figure:
    """Draw the four-colour map on a page.

    Parameters
    ----------
    source
        A :class:`~riskmap.view.View`, or an assessment shown under ``filters`` in
        ``lang`` (the workspace language by default).  The subtitle says which filters
        are applied; counties hidden by a filter stay as grey outlines.
    options
        Paper, orientation, dpi, title and layers (:class:`ExportOptions`); single
        options may be given as keywords too (``dpi=150``).  A4 landscape at 300 dpi
        saves as exactly 3508 × 2480 pixels.

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot (nothing is kept alive by a global figure manager).
        Save it with :func:`save_figure`.

    Raises
    ------
    InputError
        For a bad option (listing what is allowed) or an assessment with no counties.
    FontNotFoundError
        When no CJK font is installed (the message says how to install one).
    """
    view = View.of(source, filters=filters, lang=lang)
    options = ExportOptions.of(options, **changes).checked()
    layer_set = set(check_layers(options.layers))
    font = fonts.cjk_font()
    page = Page(options.paper, options.orientation, options.dpi, width_mm=options.width_mm)
    with matplotlib.rc_context(fonts.rc_params(font)):
        fig = Figure(figsize=page.size_in, dpi=options.dpi, facecolor="white")
        # Remember how to save it: the export and the caller's own savefig agree.
        fig._riskmap_rc = fonts.rc_params(font)  # type: ignore[attr-defined]
        if page.figure:
            # A document's figure: the map, the legend in a band below, the notes.
            band = FIGURE_BAND_MM
            map_rect, panel = page.rect(1, 1, 1, band), page.rect(2, page.h_mm - band + 3, 2, 16)
        elif page.landscape:
            map_rect, panel = page.rect(7, 27, 82, 18), page.rect(222, 27, 7, 18)
        else:
            map_rect, panel = page.rect(7, 27, 7, 86), page.rect(7, 216, 7, 18)
        ax = fig.add_axes(map_rect)
        crs, drawn = draw_map(ax, view, layer_set, page)
        if not page.figure:
            _draw_titles(fig, view, options.title, page)
        _draw_panel(fig, view, drawn, layer_set, page, panel)
        draw_footer(fig, view, crs, page)
    return fig


FIGURE_BAND_MM = 46
"""Below the map of a document figure: the legend and the notes."""


def _draw_titles(fig, view: View, title: str | None, page: Page) -> None:
    info, lang = view.info, view.lang
    fig.text(0.5, page.y(7), title or view.title, fontsize=page.pt(20),
             fontweight="bold", ha="center", va="top")
    as_of = info.as_of.isoformat() if isinstance(info.as_of, date) else str(info.as_of)
    parts = [info.region, f"{t('as_of', lang)} {as_of}"]
    if view.filtered:
        parts.append(f"{t('filters_applied', lang)}{view.describe_filters()}")
    subtitle = "  ·  ".join(p for p in parts if p)
    fig.text(0.5, page.y(17.5), subtitle, fontsize=page.pt(11), ha="center", va="top", color="#333333")


def _legend_sections(drawn: Drawn, colours, layers, page: Page, lang: str) -> list[tuple[str, list]]:
    """The legend's sections: only what the map draws, each entry with its count."""
    n = lambda v: f"{v:,}"  # noqa: E731
    sections = []
    counties = [Patch(facecolor=tint(colours[g]), edgecolor=OUTLINE, linewidth=page.pt(0.6),
                      label=f"{grade_label(g, lang)}  {n(drawn.counties[g])}") for g in GRADES if drawn.counties[g]]
    if drawn.context:
        counties.append(Patch(facecolor=CONTEXT_FILL, edgecolor="#9A9A9A", linewidth=page.pt(0.5),
                              label=f"{t('legend_context' if 'counties' in layers else 'legend_boundaries', lang)}  "
                                    f"{n(drawn.context)}"))
    if counties:
        sections.append((t("legend_county_grades", lang), counties))
    ents = [Line2D([], [], marker="o", linestyle="none", markersize=drawn.marker_pt * 1.15, markerfacecolor=colours[g],
                   markeredgecolor=POINT_EDGE, markeredgewidth=page.pt(0.5),
                   label=f"{grade_label(g, lang)}  {n(drawn.enterprises[g])}") for g in GRADES if drawn.enterprises[g]]
    if ents:
        sections.append((t("legend_enterprises_high" if drawn.only_high else "legend_enterprises", lang), ents))
    shades = road_colours(colours)
    roads = []
    for g in GRADES:
        if not drawn.roads[g]:
            continue
        width, muted = ROAD_STYLE[g]
        effects = [] if muted else [patheffects.Stroke(linewidth=page.pt(width + 0.9), foreground=POINT_EDGE),
                                    patheffects.Normal()]
        roads.append(Line2D([], [], color=shades[g], linewidth=page.pt(width), path_effects=effects,
                            label=f"{grade_label(g, lang)}  {n(drawn.roads[g])}"))
    if drawn.prone:
        roads.append(Line2D([], [], color=colours["red"], linewidth=page.pt(PRONE_WIDTH),
                            path_effects=[patheffects.Stroke(linewidth=page.pt(PRONE_WIDTH + PRONE_CASING),
                                                             foreground="#000000"), patheffects.Normal()],
                            label=t("legend_prone", lang, n=n(drawn.prone))))
    if roads:
        sections.append((t("legend_roads", lang), roads))
    others = []
    if drawn.hazards:
        others.append(Line2D([], [], marker="^", linestyle="none", markersize=page.pt(9), markerfacecolor="none",
                             markeredgecolor=HAZARD_COLOUR, markeredgewidth=page.pt(1.3),
                             label=t("legend_major_hazard", lang, n=n(drawn.hazards))))
    if drawn.accidents:
        others.append(Line2D([], [], marker=".", linestyle="none", markersize=page.pt(5), color="#222222",
                             label=t("legend_accidents_n", lang, n=n(drawn.accidents))))
    if drawn.inset is not None:
        others.append(Patch(facecolor="none", edgecolor="#111111", linewidth=page.pt(0.8),
                            label=t("legend_inset", lang)))
    if others:
        sections.append((t("legend_symbols", lang), others))
    return sections


def _stack_legends(fig, sections, columns, page: Page, fs: float) -> float:
    """Lay the sections out top-down in ``columns`` [(x, top), ...]; return the lowest bottom (figure fraction)."""
    renderer = _renderer(fig)
    per_column = max(1, -(-len(sections) // len(columns)))
    lowest = 1.0
    for c, (x, top) in enumerate(columns):
        y = top
        for title, handles in sections[c * per_column:(c + 1) * per_column]:
            legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(x, y), bbox_transform=fig.transFigure,
                                title=title, fontsize=fs, title_fontsize=fs * 1.1, frameon=False, handlelength=2.2,
                                handleheight=1.1, borderaxespad=0, labelspacing=0.45, alignment="left")
            legend.get_title().set_fontweight("bold")
            legend.set_gid("riskmap-legend")
            box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            y = box.y0 - page.pt(4) / 72 / fig.get_size_inches()[1]
            lowest = min(lowest, box.y0)
    return lowest


def _draw_panel(fig, view: View, drawn: Drawn, layers, page: Page, rect) -> None:
    shown, colours, lang = view.shown, view.colours, view.lang
    figures = view.headline
    counties_by = figures["counties_by_grade"]
    ents_by = figures["enterprises_by_grade"]
    roads_by = count_by_grade(shown.road_units["grade"]) if not shown.road_units.empty else count_by_grade([])
    x, y, w, h = rect
    sections = _legend_sections(drawn, colours, layers, page, lang)
    if page.figure:
        # One section a column across the band; the document's tables give the counts by grade.
        n = max(len(sections), 1)
        _stack_legends(fig, sections, [(x + w * i / n, y + h) for i in range(n)], page, page.pt(7.5))
        return
    if page.landscape:
        columns, table_rect = [(x, y + h)], (x, y, w, h * 0.36)
    else:
        columns, table_rect = [(x, y + h), (x + w * 0.32, y + h)], (x + w * 0.64, y, w * 0.36, h)
    table_top = table_rect[1] + table_rect[3] if page.landscape else y
    fs = page.pt(9.5)
    # Shrink the type until the legend clears the table (a long English legend, many layers).
    while True:
        count = len(fig.legends)
        bottom = _stack_legends(fig, sections, columns, page, fs)
        if bottom >= table_top + 0.01 or fs <= page.pt(6.5):
            break
        for legend in fig.legends[count:]:
            legend.remove()
        fs = max(fs * 0.9, page.pt(6.5))
    _draw_count_table(fig, table_rect, counties_by, ents_by, roads_by, colours, lang, page)


def _draw_count_table(fig, rect, counties_by, ents_by, roads_by, colours, lang, page) -> None:
    tax = fig.add_axes(rect)
    tax.set_axis_off()
    tax.set_xlim(0, 1)
    tax.set_ylim(0, 1)
    header = [t("legend_title", lang), t("counties", lang), t("enterprises", lang), t("road_units", lang)]
    rows = [[grade_label(g, lang), counties_by[g], ents_by[g], roads_by[g]] for g in GRADES]
    rows.append([t("total", lang), sum(counties_by.values()), sum(ents_by.values()), sum(roads_by.values())])
    table = [header] + [[f"{v:,}" if isinstance(v, int) else str(v) for v in row] for row in rows]
    n_rows = len(table)
    title_h = min(0.14, 0.5 / n_rows)
    row_h = min((1 - title_h) / n_rows, 0.11)
    tax.text(0, 1, t("table_title", lang), fontsize=page.pt(10.5), fontweight="bold", ha="left", va="top")

    texts = []
    for r, values in enumerate(table):
        line = []
        for c, value in enumerate(values):
            colour, weight = "#111111", "bold" if r == 0 or r == n_rows - 1 else "normal"
            if 1 <= r <= len(GRADES) and c == 0:
                grade = GRADES[r - 1]
                colour = "white" if grade in ("red", "blue") else "#111111"
                weight = "bold"
            line.append(tax.text(0, 0, value, fontsize=page.pt(8.5), color=colour, fontweight=weight,
                                 ha="left" if c == 0 else "right", va="center"))
        texts.append(line)

    # Size the columns to their longest entry (English labels are long), shrinking
    # the type when the table would not fit its box.
    renderer = _renderer(fig)
    box_px = tax.get_window_extent(renderer).width
    pad_px = page.pt(9) * fig.dpi / 72
    needed = [max(line[c].get_window_extent(renderer).width for line in texts) + pad_px
              for c in range(len(header))]
    shrink = min(1.0, box_px / sum(needed))
    if shrink < 1.0:
        for line in texts:
            for text in line:
                text.set_fontsize(text.get_fontsize() * shrink)
    widths = np.array(needed) * shrink / box_px
    widths = widths + (1 - widths.sum()) * widths / widths.sum()  # spread the slack
    lefts = np.concatenate([[0], np.cumsum(widths)[:-1]])
    inset = pad_px * shrink / box_px / 2

    for r, line in enumerate(texts):
        top = 1 - title_h - r * row_h
        for c, text in enumerate(line):
            face = "#F2F2F2" if r == 0 else "white"
            if 1 <= r <= len(GRADES) and c == 0:
                face = colours[GRADES[r - 1]]
            tax.add_patch(Rectangle((lefts[c], top - row_h), widths[c], row_h, facecolor=face,
                                    edgecolor="#8A8A8A", linewidth=page.pt(0.5)))
            text.set_position((lefts[c] + inset if c == 0 else lefts[c] + widths[c] - inset, top - row_h / 2))
            text.set_zorder(3)


def _renderer(fig):
    return renderer_of(fig)


def _wrap(text: str, width_px: float, fontsize: float, renderer, *, weight: str = "normal") -> list[str]:
    """Greedy line breaking for mixed Chinese/Latin text: a line may break after any
    CJK character or at a space, never inside a Latin word."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fontsize, weight=weight)

    def width(s: str) -> float:
        return renderer.get_text_width_height_descent(s, prop, ismath=False)[0]

    lines, line = [], ""
    for token in break_tokens(text):
        candidate = line + token
        if line and width(candidate) > width_px:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


def draw_footer(fig, view: View, crs, page: Page) -> None:
    """Write the page's footer: the source, the standard, ``as_of``, the CRS and the demo-data note.

    Shared by the four-colour map and the consultation pack's change map, so both pages
    carry the same furniture.
    """
    info, lang = view.info, view.lang
    standard = view.standard
    std_name = info.standard
    data = getattr(standard, "data", None)
    if isinstance(data, dict):
        std_name = data.get("title_zh" if lang == "zh" else "title_en") or getattr(standard, "name", std_name)
    sep = "：" if lang == "zh" else ": "
    source = f"{t('source', lang)}{sep}{info.source or info.region}"
    epsg = crs.to_epsg()
    right_lines = [
        f"{t('standard', lang)}{sep}{std_name}",
        t("footer_projection", lang, crs=f"{crs.name}" + (f" (EPSG:{epsg})" if epsg else "")),
        t("footer_made", lang, version=__version__, today=date.today().isoformat()),
    ]
    renderer = _renderer(fig)
    fs = page.pt(7)
    px_per_frac = fig.bbox.width
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fs)
    right_w = max(renderer.get_text_width_height_descent(s, prop, ismath=False)[0] for s in right_lines)
    left_w = (1 - 2 * page.x(7)) * px_per_frac - right_w - page.x(8) * px_per_frac
    # The data source can be long (two languages, licences): wrap it into its column
    # and, past three lines, set it smaller rather than let it run into the notes.
    lines = _wrap(source, left_w, fs, renderer)
    while len(lines) > 3 and fs > page.pt(4.5):
        fs *= 0.9
        lines = _wrap(source, left_w, fs, renderer)
    bottom = 1 - page.y(5)
    fig.text(page.x(7), bottom, "\n".join(lines), fontsize=fs, ha="left", va="bottom", color="#333333",
             linespacing=1.35)
    fig.text(1 - page.x(7), bottom, "\n".join(right_lines), fontsize=page.pt(7), ha="right", va="bottom",
             color="#333333", linespacing=1.35, multialignment="right")
    # A hairline above the footer, as printed maps separate the map from its notes.
    line_y = 1 - page.y(15)
    fig.add_artist(Line2D([page.x(7), 1 - page.x(7)], [line_y, line_y], transform=fig.transFigure,
                          color="#BBBBBB", linewidth=page.pt(0.6)))


# --- saving ----------------------------------------------------------------------------
FORMATS = ("png", "pdf", "svg")


def save_figure(fig: Figure, target, *, fmt: str) -> None:
    """Save a figure made by :func:`render_map` with the CJK font embedded properly.

    Parameters
    ----------
    fig
        From :func:`render_map`.
    target
        A path or a binary file object.
    fmt
        ``png``, ``pdf`` or ``svg``.
    """
    if fmt not in FORMATS:
        raise InputError(f"format '{fmt}' is not a static map format; allowed: {', '.join(FORMATS)}")
    rc = getattr(fig, "_riskmap_rc", None) or fonts.rc_params()
    metadata = {"png": {"Software": "RiskMap"}, "pdf": {"Creator": "RiskMap"}, "svg": {"Creator": "RiskMap"}}[fmt]
    with matplotlib.rc_context(rc):
        if fmt == "pdf":
            # Text of CFF fonts from TrueType subsets: every font Type 42, none Type 3.
            with truetype_text(fig):
                fig.savefig(target, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
            return
        if fmt == "png":
            # Never bbox_inches='tight': the page must keep its paper size.
            fig.savefig(target, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
            return
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", dpi=fig.dpi, facecolor="white", metadata=metadata)
    text = _svg_font_fallbacks(buffer.getvalue())
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
    elif isinstance(target, io.TextIOBase):
        target.write(text)
    else:
        target.write(text.encode("utf-8"))


# The SVG keeps its text as text, so the viewer picks the font: name the CJK fonts of
# Windows, macOS and Linux after ours, so the text is Chinese wherever it is opened.
SVG_FALLBACK_FAMILIES = ("Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
                         "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")


def _svg_font_fallbacks(svg: str) -> str:
    def extend(match: re.Match) -> str:
        families = match.group(1)
        extra = [f"'{f}'" for f in SVG_FALLBACK_FAMILIES if f"'{f}'" not in families]
        return "font-family: " + ", ".join([families.strip(), *extra, "sans-serif"])

    return re.sub(r"font-family: ([^;\"]*?)(?=;|\")", extend, svg)
