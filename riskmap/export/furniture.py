"""The map's furniture: north arrow, scale bar and the demo mark, each returning its box.

The boxes (display pixels) are what the county names and the inset must not cover
(:mod:`riskmap.export.labels`, :mod:`riskmap.export.inset`).  :func:`halo_text` is the
white-haloed text of every name on the map.
"""

from __future__ import annotations

import math

from matplotlib import patheffects
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from riskmap.i18n import t


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


def halo_text(ax, x, y, text, *, halo: float, zorder: float, gid: str | None = None, **kwargs) -> list:
    """Text with a white halo that stays text in PDF and SVG; return [halo, text].

    A path effect on the text itself would turn it into outlines (unsearchable); so
    the halo is a second, stroke-only copy underneath and the text on top is plain.
    """
    under = ax.text(x, y, text, zorder=zorder - 0.01, color="white",
                    path_effects=[patheffects.Stroke(linewidth=halo, foreground="white")],
                    gid=f"{gid}-halo" if gid else None, **{k: v for k, v in kwargs.items() if k != "color"})
    return [under, ax.text(x, y, text, zorder=zorder, gid=gid, **kwargs)]


def draw_north_arrow(ax, crs, counties_wgs, lang, page) -> list:
    """The two-tone north arrow, top right, pointing to true north; return its artists."""
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
    artists = [
        ax.add_patch(PolygonPatch([tip, left, tail], closed=True, facecolor="#111111",
                                  edgecolor="#111111", linewidth=page.pt(0.8), zorder=10)),
        ax.add_patch(PolygonPatch([tip, right, tail], closed=True, facecolor="white",
                                  edgecolor="#111111", linewidth=page.pt(0.8), zorder=10)),
    ]
    return artists + halo_text(ax, tip[0] + dx * 0.02 * span, tip[1] + dy * 0.02 * span, t("north", lang),
                               halo=page.pt(2.5), fontsize=page.pt(12), fontweight="bold", ha="center",
                               va="bottom", zorder=10)


def draw_scale_bar(ax, page, *, share: float = 0.22, font_pt: float = 8, middle: bool = True) -> list:
    """A 1-2-5 km bar on a white card, bottom left; return its artists."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    # UTM metres are ground metres to within 0.04 % inside the zone: a bar drawn in
    # projected metres is true.
    length_km = nice_length_km(share * (x1 - x0) / 1000.0)
    length = length_km * 1000.0
    left = x0 + 0.035 * (x1 - x0)
    bottom = y0 + 0.04 * (y1 - y0)
    height = 0.011 * (y1 - y0)
    # A white card behind bar and labels keeps them legible over any fill.
    artists = [ax.add_patch(Rectangle((left - 0.015 * (x1 - x0), bottom - 0.02 * (y1 - y0)),
                                      length + 0.05 * (x1 - x0), height + 0.075 * (y1 - y0),
                                      facecolor="white", edgecolor="#8A8A8A", linewidth=page.pt(0.5),
                                      alpha=0.9, zorder=9.5))]
    for i in range(4):
        artists.append(ax.add_patch(Rectangle((left + i * length / 4, bottom), length / 4, height,
                                              facecolor="#111111" if i % 2 == 0 else "white",
                                              edgecolor="#111111", linewidth=page.pt(0.7), zorder=10)))
    labels = [(0.0, "0"), (0.5, _fmt_km(length_km / 2)), (1.0, f"{_fmt_km(length_km)} km")]
    if not middle:  # a short bar (an inset's): the middle figure would run into the others
        labels = [labels[0], labels[2]]
    for frac, text in labels:
        artists.append(ax.text(left + frac * length, bottom + height * 1.6, text, fontsize=page.pt(font_pt),
                               ha="center", va="bottom", zorder=10))
    return artists


def _fmt_km(value: float) -> str:
    return f"{value:g}"




def draw_demo_mark(ax, text: str, page) -> list:
    """The words 示例数据 / demo data inside the map frame, top left.

    Inside the frame, it never collides with the title, whatever its length, and
    stays with the map if the page is cropped.
    """
    return [ax.text(0.012, 0.985, text, transform=ax.transAxes, fontsize=page.pt(12), fontweight="bold",
                    ha="left", va="top", color="#B00010", zorder=30,
                    bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": "#B00010",
                          "linewidth": page.pt(1.2)})]


def renderer_of(fig):
    """The Agg renderer of a figure (made once), for measuring text and artists."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def box_of(artists, renderer) -> Bbox:
    """The box, in display pixels, round some artists (a piece of furniture)."""
    return Bbox.union([a.get_window_extent(renderer) for a in artists])
