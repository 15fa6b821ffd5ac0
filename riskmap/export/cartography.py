"""Drawing on the static map's axes: counties, roads, enterprises, hazards, north arrow, scale bar.

The map is drawn in a local metric projection (the UTM zone of
:func:`riskmap.coords.local_metric_crs`), so distances on the page are true to within
0.1 % and the scale bar means what it says.  Counties a filter hides stay as grey
outlines for orientation.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.path import Path as MplPath

from riskmap.coords import local_metric_crs
from riskmap.errors import InputError
from riskmap.export.page import Page
from riskmap.grades import GRADES, RANK
from riskmap.i18n import t
from riskmap.view import View

HAZARD_COLOUR = "#6A1B9A"  # purple: no grade uses it, so the mark never blends in
OUTLINE = "#3A3A3A"
CONTEXT_FILL = "#EDEDED"  # counties hidden by a filter, drawn for orientation


# --- geometry helpers -----------------------------------------------------------------
def nice_length_km(max_km: float) -> float:
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





def draw_map(ax, view: View, layers: set[str], page: Page):
    """Draw the layers of a view on ``ax``; return the metric CRS they are drawn in."""
    full, shown, colours, lang = view.assessment, view.shown, view.colours, view.lang
    all_counties = drawable(full.counties)
    if all_counties.empty:
        raise InputError("the assessment has no county boundaries to draw")
    crs = local_metric_crs(tuple(all_counties.total_bounds))
    base = all_counties.to_crs(crs)

    ax.set_axis_off()

    # Every county in light grey first: counties a filter hides still orient the reader.
    context = [p for p in (_polygon_path(g) for g in base.geometry) if p is not None]
    ax.add_collection(PatchCollection(
        [PathPatch(p) for p in context], facecolor=CONTEXT_FILL, edgecolor="#9A9A9A",
        linewidth=page.pt(0.5), zorder=1))

    counties = drawable(shown.counties).to_crs(crs)
    if "counties" in layers and not counties.empty:
        patches, faces = [], []
        for geom, grade in zip(counties.geometry, counties["grade"]):
            path = _polygon_path(geom)
            if path is not None:
                patches.append(PathPatch(path))
                faces.append(colours.get(grade, CONTEXT_FILL))
        ax.add_collection(PatchCollection(
            patches, facecolor=faces, edgecolor="white", linewidth=page.pt(1.6), zorder=2))
    # Dark boundaries over the fills; the white line under them separates same-grade
    # neighbours the way printed four-colour maps do.
    ax.add_collection(PatchCollection(
        [PathPatch(p) for p in context], facecolor="none", edgecolor=OUTLINE,
        linewidth=page.pt(0.6), zorder=3))

    if "road_units" in layers and not shown.road_units.empty:
        _draw_roads(ax, shown.road_units.to_crs(crs), colours, page)
    if "accidents" in layers and not shown.accidents.empty:
        acc = shown.accidents[shown.accidents["in_window"].fillna(False).astype(bool)]
        acc = drawable(acc).to_crs(crs)
        if not acc.empty:
            ax.scatter(acc.geometry.x, acc.geometry.y, s=page.pt(3), c="#222222",
                       marker=".", linewidths=0, zorder=5, rasterized=len(acc) > 20000)
    if "enterprises" in layers and not shown.enterprises.empty:
        _draw_enterprises(ax, shown.enterprises.to_crs(crs), colours, page)
    if "hazards" in layers:
        major = open_major(shown.hazards)
        major = drawable(major)
        if not major.empty:
            major = major.to_crs(crs)
            ax.scatter(major.geometry.x, major.geometry.y, s=page.pt(70 if len(major) <= 100 else 18), marker="^",
                       facecolors="none", edgecolors=HAZARD_COLOUR, linewidths=page.pt(1.3), zorder=8)

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


def drawable(gdf):
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
    units = drawable(units)
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


def enterprises_shown(ents):
    """The enterprises the map draws, and whether only the red and orange ones are."""
    ents = drawable(ents)
    if len(ents) > MAX_ALL_ENTERPRISES:
        return ents[ents["grade"].isin(["red", "orange"])], True
    return ents, False


def _draw_enterprises(ax, ents, colours, page) -> None:
    ents, _ = enterprises_shown(ents)
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


def open_major(hazards):
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
        halo_text(ax, point.x, point.y, name, halo=page.pt(2.4), fontsize=size, ha="center",
                   va="center", color="#111111", fontweight="bold", zorder=9, clip_on=True)


def halo_text(ax, x, y, text, *, halo: float, zorder: float, **kwargs) -> None:
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
    halo_text(ax, tip[0] + dx * 0.02 * span, tip[1] + dy * 0.02 * span, t("north", lang),
               halo=page.pt(2.5), fontsize=page.pt(12), fontweight="bold", ha="center", va="bottom",
               zorder=10)


def _draw_scale_bar(ax, page) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    # UTM metres are ground metres to within 0.04 % inside the zone: a bar drawn in
    # projected metres is true.
    length_km = nice_length_km(0.22 * (x1 - x0) / 1000.0)
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


