"""The print-quality static four-colour map (PNG, PDF, SVG).

:func:`render_map` draws an :class:`~riskmap.assessment.Assessment` on a page the way a
map in a report needs it: counties filled in the four grade colours with their names,
road units and enterprises coloured by grade, open major hazards marked, a legend with
counts, an inset table of counts by grade, title and subtitle, north arrow, scale bar,
data source and projection, and the words "示例数据 / demo data" on demo data.

The map is drawn in a local metric projection (the UTM zone of
:func:`riskmap.coords.local_metric_crs`), so distances on the page are true to within
0.1 % and the scale bar means what it says.  Text uses the CJK font of
:mod:`riskmap.fonts`; save the figure with :func:`save_figure` so the PDF and SVG embed
it the right way.
"""

from __future__ import annotations

import io
import math
import os
import re
from datetime import date
from typing import Iterable

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Polygon as PolygonPatch, Rectangle
from matplotlib.path import Path as MplPath

from riskmap import fonts
from riskmap.assessment import Assessment
from riskmap.errors import InputError
from riskmap.filters import Filters, apply_filters, headline
from riskmap.grades import GRADES, RANK, count_by_grade
from riskmap.i18n import LANGUAGES, grade_label, t
from riskmap.register import grade_colours

PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
"""Paper sizes, landscape (width, height) in millimetres."""

ORIENTATIONS = ("landscape", "portrait")

LAYERS: tuple[str, ...] = ("counties", "road_units", "enterprises", "hazards", "accidents")
"""Layers the static map can draw, bottom to top."""

DEFAULT_LAYERS: tuple[str, ...] = ("counties", "road_units", "enterprises", "hazards")
"""Drawn when ``layers`` is not given (accidents would bury the grades in dots)."""

LAYER_ALIASES = {"roads": "road_units", "road": "road_units", "county": "counties",
                 "enterprise": "enterprises", "hazard": "hazards", "accident": "accidents"}

MIN_DPI, MAX_DPI = 50, 1200

_HAZARD_COLOUR = "#6A1B9A"  # purple: no grade uses it, so the mark never blends in
_OUTLINE = "#3A3A3A"
_CONTEXT_FILL = "#EDEDED"  # counties hidden by a filter, drawn for orientation


# --- options ------------------------------------------------------------------------
def check_layout(paper: str, orientation: str, dpi: int) -> tuple[str, str, int]:
    """Validate page options; return them normalised (``a4`` → ``A4``).

    Raises
    ------
    InputError
        Naming the bad option and what is allowed.
    """
    paper_key = str(paper).upper()
    if paper_key not in PAPERS_MM:
        raise InputError(f"paper '{paper}' is not supported; allowed: {', '.join(PAPERS_MM)}")
    orient = str(orientation).lower()
    if orient not in ORIENTATIONS:
        raise InputError(f"orientation '{orientation}' is not supported; allowed: {', '.join(ORIENTATIONS)}")
    try:
        dpi_float = float(dpi)
    except (TypeError, ValueError):
        raise InputError(f"dpi '{dpi}' is not a whole number; allowed: {MIN_DPI}–{MAX_DPI}") from None
    if not dpi_float.is_integer():
        raise InputError(f"dpi '{dpi}' is not a whole number; allowed: {MIN_DPI}–{MAX_DPI}")
    dpi_value = int(dpi_float)
    if not MIN_DPI <= dpi_value <= MAX_DPI:
        raise InputError(f"dpi {dpi} is out of range; allowed: a whole number from {MIN_DPI} to {MAX_DPI}")
    return paper_key, orient, dpi_value


def check_layers(layers: Iterable[str] | str | None) -> tuple[str, ...]:
    """Validate layer names (``roads`` is accepted for ``road_units``).

    Raises
    ------
    InputError
        For an unknown name, listing the allowed ones.
    """
    if layers is None:
        return DEFAULT_LAYERS
    if isinstance(layers, str):
        layers = [part for part in layers.replace(";", ",").split(",")]
    chosen = []
    for name in layers:
        key = str(name).strip().lower()
        if not key:
            continue
        key = LAYER_ALIASES.get(key, key)
        if key not in LAYERS:
            raise InputError(f"layer '{name}' is not known; allowed: {', '.join(LAYERS)} (or roads)")
        if key not in chosen:
            chosen.append(key)
    return tuple(chosen)


def check_lang(lang: str | None, assessment: Assessment) -> str:
    """Return ``lang`` or the workspace language; raise InputError for others."""
    value = lang or assessment.language or "zh"
    if value not in LANGUAGES:
        raise InputError(f"language '{lang}' is not supported; allowed: {', '.join(LANGUAGES)}")
    return value


def page_pixels(paper: str = "A4", orientation: str = "landscape", dpi: int = 300) -> tuple[int, int]:
    """Pixel size of a page: A4 landscape at 300 dpi is 3508 × 2480."""
    paper, orientation, dpi = check_layout(paper, orientation, dpi)
    w_mm, h_mm = PAPERS_MM[paper]
    if orientation == "portrait":
        w_mm, h_mm = h_mm, w_mm
    return round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi)


# --- geometry helpers -----------------------------------------------------------------
def _nice_length_km(max_km: float) -> float:
    """The largest 1, 2 or 5 × 10^n km not above ``max_km``."""
    if max_km <= 0 or not math.isfinite(max_km):
        return 1.0
    exp = math.floor(math.log10(max_km))
    for mult in (5, 2, 1):
        value = mult * 10**exp
        if value <= max_km:
            return float(value)
    return float(10**exp)


def _ring_codes(n: int) -> list[int]:
    return [MplPath.MOVETO] + [MplPath.LINETO] * (n - 2) + [MplPath.CLOSEPOLY]


def _polygon_path(geom) -> MplPath | None:
    """A matplotlib path for a (multi)polygon, holes included."""
    vertices, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            coords = np.asarray(ring.coords)[:, :2]
            if len(coords) < 3:
                continue
            vertices.append(coords)
            codes.extend(_ring_codes(len(coords)))
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), codes)



# --- drawing --------------------------------------------------------------------------
class _Page:
    """Sizes of one page.  Layout is in millimetres of an A4 sheet and font sizes in
    points, both scaled with the paper (A3 is √2 larger), never with the dpi."""

    def __init__(self, paper: str, orientation: str, dpi: int):
        self.paper, self.orientation, self.dpi = paper, orientation, dpi
        self.px = page_pixels(paper, orientation, dpi)
        # Inches from whole pixels so the PNG is exactly 3508 × 2480 at A4/300 dpi
        # (matplotlib truncates width × dpi; 297 mm is 3507.87 px).  The tiny epsilon
        # keeps floating error from truncating 3508 to 3507.
        self.size_in = ((self.px[0] + 0.01) / dpi, (self.px[1] + 0.01) / dpi)
        w_mm, h_mm = PAPERS_MM[paper]
        self.landscape = orientation == "landscape"
        self.w_mm, self.h_mm = (w_mm, h_mm) if self.landscape else (h_mm, w_mm)
        self.scale = min(w_mm, h_mm) / 210.0

    def pt(self, size: float) -> float:
        return size * self.scale

    def x(self, mm: float) -> float:
        """Figure fraction of a distance from the left edge, in A4 millimetres."""
        return mm * self.scale / self.w_mm

    def y(self, mm: float) -> float:
        """Figure fraction of a distance from the top edge, in A4 millimetres."""
        return 1 - mm * self.scale / self.h_mm

    def rect(self, left_mm: float, top_mm: float, right_mm: float, bottom_mm: float) -> tuple[float, float, float, float]:
        """(x, y, width, height) in figure fractions of a box given by its distances
        from the left/top/right/bottom edges of the page."""
        x0, x1 = self.x(left_mm), 1 - self.x(right_mm)
        y0, y1 = 1 - self.y(bottom_mm), self.y(top_mm)
        return (x0, y0, x1 - x0, y1 - y0)


def render_map(
    assessment: Assessment,
    *,
    filters: Filters | None = None,
    lang: str | None = None,
    layers: Iterable[str] | str | None = None,
    title: str | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
) -> Figure:
    """Draw the four-colour map of an assessment on a page.

    Parameters
    ----------
    assessment
        The graded assessment.
    filters
        What to show (:class:`~riskmap.filters.Filters`); the subtitle says which
        filters are applied.  Counties hidden by a filter stay as grey outlines.
    lang
        ``zh`` or ``en``; the workspace language by default.
    layers
        Names from :data:`LAYERS` (``roads`` is accepted); :data:`DEFAULT_LAYERS`
        when omitted.
    title
        The title; the workspace title by default.
    paper, orientation, dpi
        ``A4``/``A3``, ``landscape``/``portrait`` and the resolution; A4 landscape at
        300 dpi saves as exactly 3508 × 2480 pixels.

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
    lang = check_lang(lang, assessment)
    paper, orientation, dpi = check_layout(paper, orientation, dpi)
    layer_set = set(check_layers(layers))
    font = fonts.cjk_font()
    page = _Page(paper, orientation, dpi)
    shown = apply_filters(assessment, filters)
    colours = grade_colours(assessment)

    with matplotlib.rc_context(fonts.rc_params(font)):
        fig = Figure(figsize=page.size_in, dpi=dpi, facecolor="white")
        # Remember how to save it: the export and the caller's own savefig agree.
        fig._riskmap_rc = fonts.rc_params(font)  # type: ignore[attr-defined]
        if page.landscape:
            map_rect = page.rect(7, 27, 82, 18)
            panel = page.rect(222, 27, 7, 18)
        else:
            map_rect = page.rect(7, 27, 7, 86)
            panel = page.rect(7, 216, 7, 18)
        ax = fig.add_axes(map_rect)
        crs = _draw_map(ax, assessment, shown, layer_set, colours, lang, page)
        _draw_titles(fig, ax, assessment, filters, title, lang, page)
        _draw_panel(fig, shown, layer_set, colours, lang, page, panel)
        _draw_footer(fig, assessment, crs, lang, page)
    return fig


def _draw_map(ax, full: Assessment, shown: Assessment, layers: set[str], colours, lang, page) -> "object":
    from riskmap.coords import local_metric_crs

    all_counties = _drawable(full.counties)
    if all_counties.empty:
        raise InputError("the assessment has no county boundaries to draw")
    crs = local_metric_crs(tuple(all_counties.total_bounds))
    base = all_counties.to_crs(crs)

    ax.set_axis_off()

    # Every county in light grey first: counties a filter hides still orient the reader.
    context = [p for p in (_polygon_path(g) for g in base.geometry) if p is not None]
    ax.add_collection(PatchCollection(
        [PathPatch(p) for p in context], facecolor=_CONTEXT_FILL, edgecolor="#9A9A9A",
        linewidth=page.pt(0.5), zorder=1))

    counties = _drawable(shown.counties).to_crs(crs)
    if "counties" in layers and not counties.empty:
        patches, faces = [], []
        for geom, grade in zip(counties.geometry, counties["grade"]):
            path = _polygon_path(geom)
            if path is not None:
                patches.append(PathPatch(path))
                faces.append(colours.get(grade, _CONTEXT_FILL))
        ax.add_collection(PatchCollection(
            patches, facecolor=faces, edgecolor="white", linewidth=page.pt(1.6), zorder=2))
    # Dark boundaries over the fills; the white line under them separates same-grade
    # neighbours the way printed four-colour maps do.
    ax.add_collection(PatchCollection(
        [PathPatch(p) for p in context], facecolor="none", edgecolor=_OUTLINE,
        linewidth=page.pt(0.6), zorder=3))

    if "road_units" in layers and not shown.road_units.empty:
        _draw_roads(ax, shown.road_units.to_crs(crs), colours, page)
    if "accidents" in layers and not shown.accidents.empty:
        acc = shown.accidents[shown.accidents["in_window"].fillna(False).astype(bool)]
        acc = _drawable(acc).to_crs(crs)
        if not acc.empty:
            ax.scatter(acc.geometry.x, acc.geometry.y, s=page.pt(3), c="#222222",
                       marker=".", linewidths=0, zorder=5, rasterized=len(acc) > 20000)
    if "enterprises" in layers and not shown.enterprises.empty:
        _draw_enterprises(ax, shown.enterprises.to_crs(crs), colours, page)
    if "hazards" in layers:
        major = _open_major(shown.hazards)
        major = _drawable(major)
        if not major.empty:
            major = major.to_crs(crs)
            ax.scatter(major.geometry.x, major.geometry.y, s=page.pt(70 if len(major) <= 100 else 18), marker="^",
                       facecolors="none", edgecolors=_HAZARD_COLOUR, linewidths=page.pt(1.3), zorder=8)

    _frame(ax, base.total_bounds)

    _draw_county_names(ax, counties if "counties" in layers else base.iloc[0:0], page)
    _draw_north_arrow(ax, crs, all_counties, lang, page)
    _draw_scale_bar(ax, page)
    return crs


def _frame(ax, bounds) -> None:
    """Fit the region into the axes box at one scale in x and y, with a margin.

    The limits are widened by hand to the box's shape (rather than through
    ``adjustable='datalim'``) so the map fills its box and nothing is logged.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    width, height = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    pad = 0.05 * max(width, height)
    width, height = width + 2 * pad, height + 2 * pad
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    box_ratio = (box.width * fig_w) / (box.height * fig_h)
    if width / height < box_ratio:
        width = height * box_ratio
    else:
        height = width / box_ratio
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")
    # A thin neatline round the map, as printed maps have.
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor="none",
                           edgecolor="#8A8A8A", linewidth=0.6, zorder=20, clip_on=False))


def _drawable(gdf):
    """Rows with a geometry that is neither missing nor empty.

    (Through shapely, not ``GeoSeries.notna``, which warns about empty geometries.)
    """
    if gdf.empty:
        return gdf
    geoms = gdf.geometry.values
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return gdf if keep.all() else gdf[keep]


_ROAD_WIDTHS = {"red": 2.0, "orange": 1.6, "yellow": 1.3, "blue": 1.1}


def _draw_roads(ax, units, colours, page) -> None:
    units = _drawable(units)
    if units.empty:
        return
    grades = units["grade"].to_numpy(dtype=object)
    order = np.argsort(pd.Series(grades).map(RANK).fillna(0).to_numpy(), kind="stable")  # red on top
    parts, index = shapely.get_parts(units.geometry.values[order], return_index=True)
    coords, owner = shapely.get_coordinates(parts, return_index=True)
    segments = np.split(coords, np.cumsum(np.bincount(owner, minlength=len(parts)))[:-1])
    part_grades = pd.Series(grades[order][index])
    widths = part_grades.map(_ROAD_WIDTHS).fillna(1.0).to_numpy()
    line_colours = part_grades.map(colours).fillna("#777777").tolist()
    # Province-scale networks: thinner lines without casing (it would bury the fills),
    # rasterised inside PDF/SVG (100,000 vector lines make viewers crawl).
    many = len(segments) > 20000
    if many:
        widths = widths * 0.45
    else:
        # A dark casing under each line: a red road across a red county stays visible.
        ax.add_collection(LineCollection(segments, colors="#202020", linewidths=page.pt(widths + 1.2),
                                         capstyle="round", joinstyle="round", zorder=4))
    ax.add_collection(LineCollection(segments, colors=line_colours, linewidths=page.pt(widths),
                                     capstyle="round", joinstyle="round", zorder=4.5, rasterized=many))


MAX_ALL_ENTERPRISES = 20000
"""Above this many enterprises (a province) only the red and orange ones are drawn:
200,000 dots would bury the county colours, and the legend says what is shown."""


def _enterprises_shown(ents):
    """The enterprises the map draws, and whether only the red and orange ones are."""
    ents = _drawable(ents)
    if len(ents) > MAX_ALL_ENTERPRISES:
        return ents[ents["grade"].isin(["red", "orange"])], True
    return ents, False


def _draw_enterprises(ax, ents, colours, page) -> None:
    ents, _ = _enterprises_shown(ents)
    if ents.empty:
        return
    # Larger dots for a city; smaller ones when there are many, so the fill still shows.
    size = 16 if len(ents) < 2000 else (6 if len(ents) < 10000 else 2.5)
    edge = page.pt(0.45) if len(ents) < 10000 else 0
    for grade in reversed(GRADES):  # blue first, red drawn on top
        sub = ents[ents["grade"] == grade]
        if sub.empty:
            continue
        ax.scatter(sub.geometry.x, sub.geometry.y, s=page.pt(size), c=colours[grade],
                   edgecolors="#1A1A1A", linewidths=edge, zorder=6 + RANK[grade] * 0.1,
                   rasterized=len(ents) > 10000)


def _open_major(hazards):
    if hazards.empty:
        return hazards
    return hazards[hazards["is_open"].fillna(False).astype(bool) & (hazards["level"] == "major")]


def _draw_county_names(ax, counties, page) -> None:
    if counties.empty:
        return
    size = page.pt(10 if len(counties) <= 20 else (7 if len(counties) <= 60 else 5))
    points = counties.geometry.representative_point()
    for point, name in zip(points, counties["county_name"]):
        if point is None or point.is_empty or not isinstance(name, str):
            continue
        _halo_text(ax, point.x, point.y, name, halo=page.pt(2.4), fontsize=size, ha="center",
                   va="center", color="#111111", fontweight="bold", zorder=9, clip_on=True)


def _halo_text(ax, x, y, text, *, halo: float, zorder: float, **kwargs) -> None:
    """Text with a white halo that stays text in PDF and SVG.

    A path effect on the text itself would turn it into outlines (unsearchable); so
    the halo is a second, stroke-only copy underneath and the text on top is plain.
    """
    ax.text(x, y, text, zorder=zorder - 0.01, color="white",
            path_effects=[patheffects.Stroke(linewidth=halo, foreground="white")],
            **{k: v for k, v in kwargs.items() if k != "color"})
    ax.text(x, y, text, zorder=zorder, **kwargs)


def _draw_north_arrow(ax, crs, counties_wgs, lang, page) -> None:
    from pyproj import Transformer

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span = min(x1 - x0, y1 - y0)
    # True north differs from grid north (meridian convergence, up to ~3° at a UTM
    # zone edge): take the direction from the projected meridian through the centre.
    lon_c, lat_c = counties_wgs.geometry.union_all().centroid.coords[0]
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    (ax_, bx), (ay, by) = to_map.transform([lon_c, lon_c], [lat_c, lat_c + 0.05])
    dx, dy = bx - ax_, by - ay
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    length = 0.07 * span
    tip = (x1 - 0.06 * (x1 - x0), y1 - 0.05 * (y1 - y0))
    tail = (tip[0] - dx * length, tip[1] - dy * length)
    # A two-tone arrowhead: one half filled, one white, the usual map north arrow.
    half = 0.22 * length
    px, py = -dy, dx  # perpendicular
    base_pt = (tip[0] - dx * length * 0.55, tip[1] - dy * length * 0.55)
    left = (base_pt[0] + px * half, base_pt[1] + py * half)
    right = (base_pt[0] - px * half, base_pt[1] - py * half)
    ax.add_patch(PolygonPatch([tip, left, tail], closed=True, facecolor="#111111",
                              edgecolor="#111111", linewidth=page.pt(0.8), zorder=10))
    ax.add_patch(PolygonPatch([tip, right, tail], closed=True, facecolor="white",
                              edgecolor="#111111", linewidth=page.pt(0.8), zorder=10))
    _halo_text(ax, tip[0] + dx * 0.02 * span, tip[1] + dy * 0.02 * span, t("north", lang),
               halo=page.pt(2.5), fontsize=page.pt(12), fontweight="bold", ha="center", va="bottom",
               zorder=10)


def _draw_scale_bar(ax, page) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    # UTM metres are ground metres to within 0.04 % inside the zone: a bar drawn in
    # projected metres is true.
    length_km = _nice_length_km(0.22 * (x1 - x0) / 1000.0)
    length = length_km * 1000.0
    left = x0 + 0.035 * (x1 - x0)
    bottom = y0 + 0.04 * (y1 - y0)
    height = 0.011 * (y1 - y0)
    # A white card behind bar and labels keeps them legible over any fill.
    ax.add_patch(Rectangle((left - 0.015 * (x1 - x0), bottom - 0.02 * (y1 - y0)),
                           length + 0.05 * (x1 - x0), height + 0.075 * (y1 - y0),
                           facecolor="white", edgecolor="#8A8A8A", linewidth=page.pt(0.5),
                           alpha=0.9, zorder=9.5))
    for i in range(4):
        ax.add_patch(Rectangle((left + i * length / 4, bottom), length / 4, height,
                               facecolor="#111111" if i % 2 == 0 else "white",
                               edgecolor="#111111", linewidth=page.pt(0.7), zorder=10))
    labels = [(0.0, "0"), (0.5, _fmt_km(length_km / 2)), (1.0, f"{_fmt_km(length_km)} km")]
    for frac, text in labels:
        ax.text(left + frac * length, bottom + height * 1.6, text, fontsize=page.pt(8),
                ha="center", va="bottom", zorder=10)


def _fmt_km(value: float) -> str:
    return f"{value:g}"


def _draw_titles(fig, ax, assessment, filters, title, lang, page) -> None:
    info = assessment.info
    fig.text(0.5, page.y(7), title or info.title or t("app_title", lang), fontsize=page.pt(20),
             fontweight="bold", ha="center", va="top")
    as_of = info.as_of.isoformat() if isinstance(info.as_of, date) else str(info.as_of)
    parts = [info.region, f"{t('as_of', lang)} {as_of}"]
    if filters is not None and filters.active:
        parts.append(f"{t('filters_applied', lang)}{filters.describe(lang, county_names=assessment.county_names)}")
    subtitle = "  ·  ".join(p for p in parts if p)
    fig.text(0.5, page.y(17.5), subtitle, fontsize=page.pt(11), ha="center", va="top", color="#333333")
    if info.demo:
        # Inside the map frame, top left: never collides with the title, whatever
        # its length, and stays with the map if the page is cropped.
        ax.text(0.012, 0.985, t("demo_data", lang), transform=ax.transAxes, fontsize=page.pt(12),
                fontweight="bold", ha="left", va="top", color="#B00010", zorder=30,
                bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": "#B00010",
                      "linewidth": page.pt(1.2)})


def _draw_panel(fig, shown: Assessment, layers, colours, lang, page, rect) -> None:
    figures = headline(shown)
    counties_by = figures["counties_by_grade"]
    ents_by = figures["enterprises_by_grade"]
    roads_by = count_by_grade(shown.road_units["grade"]) if not shown.road_units.empty else count_by_grade([])
    x, y, w, h = rect
    fs = page.pt(9.5)

    # Legend 1: the county fill colours, with how many counties have each grade.
    grade_handles = [Patch(facecolor=colours[g], edgecolor=_OUTLINE, linewidth=page.pt(0.6),
                           label=f"{grade_label(g, lang)}  {counties_by[g]}") for g in GRADES]
    if page.landscape:
        anchor1, anchor2 = (x, y + h), (x, y + h * 0.73)
    else:
        anchor1, anchor2 = (x, y + h), (x + w * 0.30, y + h)
    leg1 = fig.legend(handles=grade_handles, loc="upper left", bbox_to_anchor=anchor1,
                      bbox_transform=fig.transFigure, title=t("legend_county_grades", lang),
                      fontsize=fs, title_fontsize=page.pt(10.5), frameon=False,
                      handlelength=2.2, handleheight=1.3, borderaxespad=0, labelspacing=0.55,
                      alignment="left")
    leg1.get_title().set_fontweight("bold")

    # Legend 2: what the symbols are.
    symbols = []
    if "enterprises" in layers:
        symbols.append(Line2D([], [], marker="o", linestyle="none", markersize=page.pt(6),
                              markerfacecolor="#9E9E9E", markeredgecolor="#1A1A1A",
                              label=t("legend_enterprise_high" if _enterprises_shown(shown.enterprises)[1]
                                      else "legend_enterprise", lang)))
    if "road_units" in layers:
        symbols.append(Line2D([], [], color="#9E9E9E", linewidth=page.pt(2.2),
                              path_effects=[patheffects.Stroke(linewidth=page.pt(3.4), foreground="#202020"),
                                            patheffects.Normal()],
                              label=t("legend_road", lang)))
    if "hazards" in layers:
        symbols.append(Line2D([], [], marker="^", linestyle="none", markersize=page.pt(9),
                              markerfacecolor="none", markeredgecolor=_HAZARD_COLOUR,
                              markeredgewidth=page.pt(1.3),
                              label=t("legend_major_hazard", lang, n=figures["open_major_hazards"])))
    if "accidents" in layers:
        symbols.append(Line2D([], [], marker=".", linestyle="none", markersize=page.pt(5),
                              color="#222222", label=t("legend_accident", lang)))
    symbols.append(Patch(facecolor=_CONTEXT_FILL, edgecolor="#9A9A9A", linewidth=page.pt(0.5),
                         label=t("legend_context", lang)))
    leg2 = fig.legend(handles=symbols, loc="upper left", bbox_to_anchor=anchor2,
                      bbox_transform=fig.transFigure, title=t("legend_symbols", lang),
                      fontsize=fs, title_fontsize=page.pt(10.5), frameon=False,
                      handlelength=2.2, borderaxespad=0, labelspacing=0.55, alignment="left")
    leg2.get_title().set_fontweight("bold")

    # Inset table: counts by grade for counties, enterprises and road units.
    if page.landscape:
        table_rect = (x, y, w, h * 0.42)
    else:
        table_rect = (x + w * 0.64, y, w * 0.36, h)
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
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def _wrap(text: str, width_px: float, fontsize: float, renderer, *, weight: str = "normal") -> list[str]:
    """Greedy line breaking for mixed Chinese/Latin text: a line may break after any
    CJK character or at a space, never inside a Latin word."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fontsize, weight=weight)

    def width(s: str) -> float:
        return renderer.get_text_width_height_descent(s, prop, ismath=False)[0]

    tokens, word = [], ""
    for ch in text:
        if ch == " " or ord(ch) > 0x2E80:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    lines, line = [], ""
    for token in tokens:
        candidate = line + token
        if line and width(candidate) > width_px:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _draw_footer(fig, assessment, crs, lang, page) -> None:
    from riskmap import __version__

    info = assessment.info
    standard = assessment.standard
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
        if fmt != "svg":
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
