"""Drawing on the static map's axes: counties, roads, enterprises, hazards, the inset and the names.

The map is drawn in a local metric projection (the UTM zone of
:func:`riskmap.coords.local_metric_crs`), so distances on the page are true to within
0.1 % and the scale bar means what it says.

Print cartography (issue 10):

* counties are filled with light tints of the grade colours (:func:`tint`, 30 % of the
  colour on white), so that points and road units, in the full colours with a dark
  outline, stand out on any county, a red dot on a red county included;
* red and orange road units are drawn full width with a dark casing; yellow and blue
  ones thin and muted (:data:`ROAD_STYLE`), so 1,300 low-risk units do not bury the
  rest; accident-prone units are the heaviest lines, with a black casing, on top;
* the dense core gets an inset map when red enterprises cannot be told apart
  (:mod:`riskmap.export.inset`), decided by density on the page;
* county names are placed clear of each other, the points and the furniture
  (:mod:`riskmap.export.labels`);
* a county filter zooms to the chosen counties; every county outline stays drawn,
  those not chosen (by a county or a grade filter) in grey, with grey names.

:func:`draw_map` returns what it drew (:class:`Drawn`), from which the legend lists
exactly what is on the map, with counts.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from riskmap.coords import local_metric_crs
from riskmap.errors import InputError
from riskmap.export import inset as insets
from riskmap.export.furniture import box_of, draw_demo_mark, draw_north_arrow, draw_scale_bar, halo_text, renderer_of
from riskmap.export.labels import Obstacles, place_labels
from riskmap.export.page import Page
from riskmap.grades import GRADES, RANK
from riskmap.i18n import t
from riskmap.view import View

HAZARD_COLOUR = "#6A1B9A"  # purple: no grade uses it, so the mark never blends in
OUTLINE = "#4A4A4A"
POINT_EDGE = "#1A1A1A"
CONTEXT_FILL = "#EDEDED"  # counties not chosen by a filter, drawn for orientation
CONTEXT_EDGE = "#9A9A9A"
CONTEXT_TEXT = "#8A8A8A"

TINT = 0.30
"""Share of the grade colour in a county fill (the rest is white)."""

ROAD_STYLE = {"red": (1.7, False), "orange": (1.3, False), "yellow": (0.55, True), "blue": (0.45, True)}
"""Line width (points) of a road unit and whether it is muted, by grade."""
MUTED = (0.40, "#8C8C8C")
"""Share of grey mixed into a muted road colour, and the grey: it recedes, yet a muted
yellow unit still shows on a yellow county."""
PRONE_WIDTH = 2.6
PRONE_CASING = 1.6


def tint(colour: str, share: float = TINT) -> str:
    """``colour`` mixed with white: ``share`` of the colour (``#E60012`` → ``#F8B3B8``)."""
    r, g, b = to_rgb(colour)
    return to_hex((1 - share + share * r, 1 - share + share * g, 1 - share + share * b))


def _muted(colour: str) -> str:
    share, grey = MUTED
    (r, g, b), (gr, gg, gb) = to_rgb(colour), to_rgb(grey)
    return to_hex(((1 - share) * r + share * gr, (1 - share) * g + share * gg, (1 - share) * b + share * gb))


# --- geometry helpers -----------------------------------------------------------------
def _ring_codes(n: int) -> list[int]:
    return [MplPath.MOVETO] + [MplPath.LINETO] * (n - 2) + [MplPath.CLOSEPOLY]


def polygon_path(geom) -> MplPath | None:
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


def drawable(gdf):
    """Rows with a geometry that is neither missing nor empty.

    (Through shapely, not ``GeoSeries.notna``, which warns about empty geometries.)
    """
    if gdf.empty:
        return gdf
    geoms = gdf.geometry.values
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return gdf if keep.all() else gdf[keep]


MAX_ALL_ENTERPRISES = 20000
"""Above this many enterprises (a province) only the red and orange ones are drawn:
200,000 dots would bury the county colours, and the legend says what is shown."""


def enterprises_shown(ents):
    """The enterprises the map draws, and whether only the red and orange ones are."""
    ents = drawable(ents)
    if len(ents) > MAX_ALL_ENTERPRISES:
        return ents[ents["grade"].isin(["red", "orange"])], True
    return ents, False


def open_major(hazards):
    if hazards.empty:
        return hazards
    return hazards[hazards["is_open"].fillna(False).astype(bool) & (hazards["level"] == "major")]


# --- what is drawn --------------------------------------------------------------------
@dataclass
class MapData:
    """The layers of a view, in the map's metric projection, ready to draw on any axes."""

    crs: object
    base: object  # every county
    counties: object  # the counties shown (chosen by the filters)
    roads: object
    accidents: object
    enterprises: object
    only_high: bool
    hazards: object
    colours: dict
    frame_bounds: tuple

    @classmethod
    def of(cls, view: View, layers: set[str]) -> MapData:
        full, shown = view.assessment, view.shown
        all_counties = drawable(full.counties)
        if all_counties.empty:
            raise InputError("the assessment has no county boundaries to draw")
        crs = local_metric_crs(tuple(all_counties.total_bounds))
        base = all_counties.to_crs(crs)
        counties = drawable(shown.counties).to_crs(crs)
        empty = base.iloc[0:0]
        roads = drawable(shown.road_units).to_crs(crs) if "road_units" in layers and not shown.road_units.empty else empty
        acc = empty
        if "accidents" in layers and not shown.accidents.empty:
            acc = drawable(shown.accidents[shown.accidents["in_window"].fillna(False).astype(bool)]).to_crs(crs)
        ents, only_high = (enterprises_shown(shown.enterprises) if "enterprises" in layers and
                           not shown.enterprises.empty else (empty, False))
        ents = ents.to_crs(crs) if len(ents) else empty
        major = drawable(open_major(shown.hazards)) if "hazards" in layers else empty
        major = major.to_crs(crs) if len(major) else empty
        # A county filter zooms to the chosen counties (shown or not by a grade filter).
        chosen = view.filters.counties if view.filters is not None else None
        frame = base.total_bounds
        if chosen:
            picked = base[base["county_code"].astype(str).isin([str(c) for c in chosen])]
            if not picked.empty:
                frame = picked.total_bounds
        return cls(crs, base, counties, roads, acc, ents, only_high, major, view.colours, tuple(frame))


@dataclass
class Drawn:
    """What a map shows, for its legend: counts by grade of each layer drawn."""

    counties: Counter = field(default_factory=Counter)
    context: int = 0
    enterprises: Counter = field(default_factory=Counter)
    only_high: bool = False
    roads: Counter = field(default_factory=Counter)
    prone: int = 0
    hazards: int = 0
    accidents: int = 0
    marker_pt: float = 4.0
    inset: insets.Core | None = None


def _county_layers(ax, data: MapData, layers: set[str], page: Page, drawn: Drawn) -> None:
    shown_codes = set(data.counties["county_code"].astype(str)) if "counties" in layers else set()
    context = [p for p in (polygon_path(g) for g in data.base.geometry) if p is not None]
    ax.add_collection(PatchCollection([PathPatch(p) for p in context], facecolor=CONTEXT_FILL,
                                      edgecolor=CONTEXT_EDGE, linewidth=page.pt(0.5), zorder=1))
    drawn.context = int((~data.base["county_code"].astype(str).isin(shown_codes)).sum())
    if "counties" in layers and not data.counties.empty:
        patches, faces = [], []
        for geom, grade in zip(data.counties.geometry, data.counties["grade"]):
            path = polygon_path(geom)
            if path is not None and grade in data.colours:
                patches.append(PathPatch(path))
                faces.append(tint(data.colours[grade]))
                drawn.counties[grade] += 1
        ax.add_collection(PatchCollection(patches, facecolor=faces, edgecolor="white", linewidth=page.pt(1.2),
                                          zorder=2, gid="riskmap-county-fills"))
    # Dark boundaries over the fills; the white line under them separates same-grade
    # neighbours the way printed four-colour maps do.
    ax.add_collection(PatchCollection([PathPatch(p) for p in context], facecolor="none", edgecolor=OUTLINE,
                                      linewidth=page.pt(0.6), zorder=3))


def _segments(units):
    parts, index = shapely.get_parts(units.geometry.values, return_index=True)
    coords, owner = shapely.get_coordinates(parts, return_index=True)
    return np.split(coords, np.cumsum(np.bincount(owner, minlength=len(parts)))[:-1]), index


def _draw_roads(ax, units, colours, page, drawn: Drawn) -> None:
    if units.empty:
        return
    prone = units["accident_prone"].fillna(False).astype(bool).to_numpy()
    many = len(units) > 20000
    thin = 0.6 if many else 1.0  # a province's network: thinner still, rasterised in PDF/SVG
    for grade in reversed(GRADES):  # blue first, red on top
        sub = units[(units["grade"] == grade).to_numpy() & ~prone]
        if sub.empty:
            continue
        drawn.roads[grade] += len(sub)
        width, muted = ROAD_STYLE[grade]
        segments, _ = _segments(sub)
        colour = _muted(colours[grade]) if muted else colours[grade]
        if not muted and not many:
            # A dark casing: a red road across a red county stays visible.
            ax.add_collection(LineCollection(segments, colors=POINT_EDGE, linewidths=page.pt(width * thin + 0.9),
                                             capstyle="round", joinstyle="round", zorder=4 + RANK[grade] * 0.01))
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=page.pt(width * thin), capstyle="round",
                                         joinstyle="round", zorder=4.05 + RANK[grade] * 0.01, rasterized=many,
                                         gid=f"riskmap-roads-{grade}"))
    sub = units[prone]
    if len(sub):
        drawn.prone = len(sub)
        segments, index = _segments(sub)
        grades = sub["grade"].to_numpy(dtype=object)[index]
        ax.add_collection(LineCollection(segments, colors="#000000", linewidths=page.pt(PRONE_WIDTH + PRONE_CASING),
                                         capstyle="round", joinstyle="round", zorder=4.8))
        ax.add_collection(LineCollection(segments, colors=[colours.get(g, "#777777") for g in grades],
                                         linewidths=page.pt(PRONE_WIDTH), capstyle="round", joinstyle="round",
                                         zorder=4.9, gid="riskmap-roads-prone"))


def enterprise_marker_pt(n: int) -> float:
    """The area (points²) of an enterprise dot: larger for a city, smaller for a province."""
    return 16.0 if n < 2000 else (6.0 if n < 10000 else 2.5)


def _draw_enterprises(ax, ents, colours, page, drawn: Drawn) -> None:
    if ents.empty:
        return
    size = enterprise_marker_pt(len(ents))
    edge = page.pt(0.5) if len(ents) < 10000 else 0
    drawn.marker_pt = float(np.sqrt(page.pt(size)))
    for grade in reversed(GRADES):  # blue first, red drawn on top
        sub = ents[ents["grade"] == grade]
        if sub.empty:
            continue
        drawn.enterprises[grade] += len(sub)
        ax.scatter(sub.geometry.x, sub.geometry.y, s=page.pt(size), c=colours[grade], edgecolors=POINT_EDGE,
                   linewidths=edge, zorder=6 + RANK[grade] * 0.1, rasterized=len(ents) > 10000,
                   gid=f"riskmap-enterprises-{grade}")


def draw_layers(ax, data: MapData, layers: set[str], page: Page) -> Drawn:
    """Draw the layers of ``data`` on ``ax`` (the map or its inset); return what was drawn."""
    drawn = Drawn(only_high=data.only_high)
    _county_layers(ax, data, layers, page, drawn)
    _draw_roads(ax, data.roads, data.colours, page, drawn)
    if len(data.accidents):
        drawn.accidents = len(data.accidents)
        ax.scatter(data.accidents.geometry.x, data.accidents.geometry.y, s=page.pt(3), c="#222222", marker=".",
                   linewidths=0, zorder=5, rasterized=len(data.accidents) > 20000, gid="riskmap-accidents")
    _draw_enterprises(ax, data.enterprises, data.colours, page, drawn)
    if len(data.hazards):
        drawn.hazards = len(data.hazards)
        ax.scatter(data.hazards.geometry.x, data.hazards.geometry.y, s=page.pt(70 if len(data.hazards) <= 100 else 18),
                   marker="^", facecolors="none", edgecolors=HAZARD_COLOUR, linewidths=page.pt(1.3), zorder=8,
                   gid="riskmap-hazards")
    return drawn


def _points(data: MapData) -> tuple[np.ndarray, np.ndarray]:
    """Every point symbol drawn (data coordinates) and its grade (None for non-enterprises)."""
    xy, grades = [], []
    for frame, grade in ((data.enterprises, None), (data.hazards, "hazard"), (data.accidents, "accident")):
        if len(frame):
            xy.append(np.column_stack([frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()]))
            grades.append(frame["grade"].to_numpy(dtype=object) if grade is None else np.full(len(frame), grade, object))
    if not xy:
        return np.zeros((0, 2)), np.zeros(0, dtype=object)
    return np.vstack(xy), np.concatenate(grades)


# --- the map ----------------------------------------------------------------------------
def draw_map(ax, view: View, layers: set[str], page: Page):
    """Draw the layers of a view on ``ax``; return the metric CRS and what was drawn."""
    data = MapData.of(view, layers)
    ax.set_axis_off()
    frame_axes(ax, data.frame_bounds)
    drawn = draw_layers(ax, data, layers, page)
    renderer = renderer_of(ax.figure)
    furniture = [box_of(draw_north_arrow(ax, data.crs, drawable(view.assessment.counties), view.lang, page), renderer),
                 box_of(draw_scale_bar(ax, page), renderer)]
    if view.info.demo:
        furniture.append(box_of(draw_demo_mark(ax, t("demo_data", view.lang), page), renderer))
    xy, grades = _points(data)
    marker_px = drawn.marker_pt * ax.figure.dpi / 72
    core = insets.dense_core(ax, xy, grades, marker_px=marker_px) if len(xy) else None
    if core is not None:
        box, drawn.inset = _draw_inset(ax, data, layers, page, core, furniture, xy, view.lang)
        furniture.append(box)
    _draw_county_names(ax, data, layers, page, (xy, grades, marker_px), furniture, renderer)
    return data.crs, drawn


def _draw_inset(ax, data: MapData, layers, page: Page, core: insets.Core, furniture, xy,
                lang: str) -> tuple[Bbox, insets.Core]:
    """The inset of the dense core; return its box (display pixels) and the core as drawn."""
    fig = ax.figure
    region = shapely.union_all(data.base.geometry.values)
    box, magnification = insets.inset_place(ax, core, furniture=furniture, region=region,
                                            points_px=ax.transData.transform(xy))
    core = dataclasses.replace(core, magnification=magnification)
    to_fig = fig.transFigure.inverted()
    (fx0, fy0), (fx1, fy1) = to_fig.transform([(box.x0, box.y0), (box.x1, box.y1)])
    inset_ax = fig.add_axes((fx0, fy0, fx1 - fx0, fy1 - fy0), label="riskmap-inset", zorder=5)
    inset_ax.set_axis_off()
    inset_ax.add_patch(Rectangle((0, 0), 1, 1, transform=inset_ax.transAxes, facecolor="white", edgecolor="none",
                                 zorder=0))
    x0, y0, x1, y1 = core.extent
    inset_ax.set_xlim(x0, x1)
    inset_ax.set_ylim(y0, y1)
    inset_ax.set_aspect("equal", adjustable="box")
    draw_layers(inset_ax, data, layers, page)
    inset_ax.add_patch(Rectangle((0, 0), 1, 1, transform=inset_ax.transAxes, facecolor="none", edgecolor="#111111",
                                 linewidth=page.pt(1.0), zorder=20, clip_on=False))
    draw_scale_bar(inset_ax, page, share=0.3, font_pt=6.5, middle=False)
    halo_text(inset_ax, 0.03, 0.97, t("map_inset", lang, m=f"{core.magnification:.1f}"),
              halo=page.pt(2.2), fontsize=page.pt(8), fontweight="bold", ha="left", va="top", zorder=21,
              transform=inset_ax.transAxes)
    insets.draw_frame_and_leaders(ax, inset_ax, core, linewidth=page.pt(0.8))
    return box, core


def _draw_county_names(ax, data: MapData, layers, page: Page, points, furniture, renderer) -> None:
    """Names of the counties shown (dark) and of the others (grey), clear of points and of each other.

    ``points`` are the point symbols drawn (data coordinates), their grades and the
    width of a dot in pixels.
    """
    xy, grades, marker_px = points
    shown = data.counties if "counties" in layers else data.base.iloc[0:0]
    n = len(data.base)
    size = page.pt(10 if n <= 20 else (7 if n <= 60 else 5))
    halo = page.pt(2.4)
    dpi = ax.figure.dpi
    obstacles = Obstacles(points=ax.transData.transform(xy) if len(xy) else np.zeros((0, 2)),
                          radius=max(marker_px / 2, 1.0), important=(grades == "red"),
                          boxes=list(furniture))
    pad = halo / 2 * dpi / 72
    places = place_labels(ax, list(shown.geometry), list(shown["county_name"]), fontsize=size, pad_px=pad,
                          renderer=renderer, obstacles=obstacles)
    for place, name in zip(places, shown["county_name"]):
        if place is not None:
            halo_text(ax, place.x, place.y, name, halo=halo, fontsize=size, ha="center", va="center",
                      color="#111111", fontweight="bold", zorder=9, clip_on=True, gid="riskmap-county-label")
    shown_codes = set(shown["county_code"].astype(str))
    others = data.base[~data.base["county_code"].astype(str).isin(shown_codes)]
    if others.empty:
        return
    places = place_labels(ax, list(others.geometry), list(others["county_name"]), fontsize=size * 0.9, pad_px=pad,
                          renderer=renderer, obstacles=obstacles, weight="normal", optional=True)
    for place, name in zip(places, others["county_name"]):
        if place is not None:
            halo_text(ax, place.x, place.y, name, halo=halo, fontsize=size * 0.9, ha="center", va="center",
                      color=CONTEXT_TEXT, zorder=9, clip_on=True, gid="riskmap-context-label")


def frame_axes(ax, bounds) -> None:
    """Fit ``bounds`` into the axes box at one scale in x and y, with a margin.

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


def road_colours(colours: dict) -> dict[str, str]:
    """The colour each grade's road units are drawn in (muted ones mixed with white)."""
    return {g: (_muted(colours[g]) if ROAD_STYLE[g][1] else colours[g]) for g in GRADES}


__all__ = ["CONTEXT_FILL", "HAZARD_COLOUR", "OUTLINE", "ROAD_STYLE", "Drawn", "MapData", "draw_layers", "draw_map",
           "drawable", "enterprises_shown", "open_major", "road_colours", "tint"]
