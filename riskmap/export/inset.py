"""An inset map of the dense core, so that every red enterprise on the print map can be found.

A city's red enterprises crowd its urban core: at the scale of the whole city their
dots overlap, and one cannot tell two from one.  :func:`dense_core` decides from the
drawn page, never from names: a red enterprise is *lost* when another red one is
closer than a dot's width, or when it sits in a crowd (six or more dots within two
dots' widths).  The lost ones are grouped (within 10 mm of paper of each other); the
largest group is the core.  It gets an inset magnified so that the red dots in it lie
at least 1.4 dots' widths apart (at least 2×), within 40 % × 45 % of the map.  The
magnification also thins each crowd (the 90th percentile of the lost dots); when
even that cannot help (magnification under 1.5×) there is no inset.

:func:`inset_place` puts the inset where it hides least (a grid of places over the map): the least of
the region, none of the core itself and none of the furniture (north arrow, scale
bar, demo mark).  :func:`draw_frame_and_leaders` marks the core on the map and joins
it to the inset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

CROWD = 6
"""Dots within two dots' widths of a red one that make it lost in a crowd."""
GROUP_MM = 10.0
SPACING = 1.4
"""Distance, in dots' widths, between red dots in the inset."""
MIN_MAGNIFICATION = 1.5
MAX_SHARE = (0.40, 0.45)
"""The inset's largest width and height, as shares of the map's."""
MIN_SHARE = 0.22
PLACES = 9
"""Places tried per side of the map for the inset."""
SIZES = (1.0, 0.85, 0.7, 0.55)
"""Shares of the magnification tried when placing the inset."""


@dataclass(frozen=True)
class Core:
    """The dense core: its extent in data coordinates and the inset's magnification."""

    extent: tuple[float, float, float, float]
    magnification: float
    lost: int
    """Red enterprises that could not be told apart on the map."""


def _lost_reds(px: np.ndarray, is_red: np.ndarray, marker_px: float) -> np.ndarray:
    """Indices (into the red points) of the red dots one cannot find on the map."""
    reds = px[is_red]
    if len(reds) < 1:
        return np.zeros(0, dtype=int)
    lost = np.zeros(len(reds), dtype=bool)
    if len(reds) >= 2:
        distance, _ = cKDTree(reds).query(reds, k=2)
        lost |= distance[:, 1] < marker_px
    crowd = cKDTree(px).query_ball_point(reds, r=2 * marker_px, return_length=True) - 1
    lost |= crowd >= CROWD
    return np.flatnonzero(lost)


def dense_core(ax, data_xy: np.ndarray, grades: np.ndarray, *, marker_px: float) -> Core | None:
    """Find the dense core of the drawn points, or ``None`` when every red dot can be found.

    Parameters
    ----------
    ax
        The map axes with its final limits.
    data_xy, grades
        Every point symbol drawn (enterprises, hazards, accidents) in data
        coordinates, and its grade (``None`` for a point that is no enterprise).
    marker_px
        The width of an enterprise dot in display pixels.
    """
    if len(data_xy) < 2:
        return None
    # Dots at one address stay one dot at any zoom: count each place once.
    keys = np.round(data_xy, 0)
    _, first = np.unique(keys, axis=0, return_index=True)
    data_xy, grades = data_xy[np.sort(first)], grades[np.sort(first)]
    px = ax.transData.transform(data_xy)
    is_red = grades == "red"
    lost = _lost_reds(px, is_red, marker_px)
    if not len(lost):
        return None
    reds = px[is_red]
    lost_px = reds[lost]
    dpi = ax.figure.dpi
    pairs = cKDTree(lost_px).query_pairs(GROUP_MM / 25.4 * dpi, output_type="ndarray")
    n = len(lost_px)
    from scipy.sparse import coo_matrix

    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)) if len(pairs) else \
        coo_matrix((n, n))
    _, label = connected_components(graph, directed=False)
    group = lost_px[label == np.bincount(label).argmax()]
    pad = 1.0 * marker_px
    x0, y0 = group.min(axis=0) - pad
    x1, y1 = group.max(axis=0) + pad
    frame = ax.get_window_extent()
    inside = reds[(reds[:, 0] >= x0) & (reds[:, 0] <= x1) & (reds[:, 1] >= y0) & (reds[:, 1] <= y1)]
    nearest = cKDTree(inside).query(inside, k=2)[0][:, 1].min() if len(inside) >= 2 else marker_px
    # Enough to part the red dots, and to thin each crowd below CROWD dots within two widths.
    k = min(CROWD, len(px) - 1)
    crowd_distance = cKDTree(px).query(group, k=k + 1)[0][:, k]
    needed = max(SPACING * marker_px / max(nearest, 1e-6),
                 float(np.percentile(2 * marker_px / np.maximum(crowd_distance, 1e-6), 90)), 2.0)
    width, height = max(x1 - x0, 4 * marker_px), max(y1 - y0, 4 * marker_px)
    cap = min(MAX_SHARE[0] * frame.width / width, MAX_SHARE[1] * frame.height / height)
    magnification = min(needed, cap)
    if magnification < MIN_MAGNIFICATION:
        return None
    # Not smaller than a readable inset: show more of the surroundings at the same zoom.
    width = max(width, MIN_SHARE * frame.width / magnification)
    height = max(height, MIN_SHARE * frame.width / magnification)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    corners = ax.transData.inverted().transform([(cx - width / 2, cy - height / 2), (cx + width / 2, cy + height / 2)])
    (dx0, dy0), (dx1, dy1) = corners
    return Core((float(dx0), float(dy0), float(dx1), float(dy1)), float(magnification), int(len(lost)))


def inset_place(ax, core: Core, *, furniture: list[Bbox], region, points_px: np.ndarray) -> tuple[Bbox, float]:
    """Where the inset goes (display pixels) and its magnification.

    Tried over a grid of places on the map and at a few sizes (a smaller inset that
    hides nothing beats a larger one on top of the data): never on the core or the
    furniture; then the fewest dots and the least of the region hidden, the largest
    magnification.
    """
    frame = ax.get_window_extent()
    to_px = ax.transData.transform
    (cx0, cy0), (cx1, cy1) = to_px([core.extent[:2], core.extent[2:]])
    core_box = Bbox.from_extents(cx0, cy0, cx1, cy1)
    m = 0.012 * frame.width
    inverse = ax.transData.inverted()
    best = None
    for share in SIZES:
        magnification = max(core.magnification * share, MIN_MAGNIFICATION)
        w, h = core_box.width * magnification, core_box.height * magnification
        for x in np.linspace(frame.x0 + m, max(frame.x1 - m - w, frame.x0 + m), PLACES):
            for y in np.linspace(frame.y0 + m, max(frame.y1 - m - h, frame.y0 + m), PLACES):
                box = Bbox.from_bounds(x, y, w, h)
                cost = 1e6 * (_overlap(box, core_box) > 0) + 1e6 * sum(_overlap(box, f) > 0 for f in furniture)
                (dx0, dy0), (dx1, dy1) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
                rect = shapely.box(min(dx0, dx1), min(dy0, dy1), max(dx0, dx1), max(dy0, dy1))
                cost += 40 * shapely.intersection(rect, region).area / max(rect.area, 1e-12)
                cost += 120 * (1 - magnification / core.magnification)
                if len(points_px):
                    hidden = ((points_px[:, 0] > box.x0) & (points_px[:, 0] < box.x1)
                              & (points_px[:, 1] > box.y0) & (points_px[:, 1] < box.y1)).sum()
                    cost += 5.0 * hidden
                if best is None or cost < best[0]:
                    best = (cost, box, magnification)
    return best[1], float(best[2])


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0.0) * max(h, 0.0)


def draw_frame_and_leaders(ax, inset_ax, core: Core, *, linewidth: float) -> None:
    """Outline the core on the map and join it to the inset with two thin lines."""
    x0, y0, x1, y1 = core.extent
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none", edgecolor="#111111",
                           linewidth=linewidth, zorder=12, gid="riskmap-inset-core"))
    fig = ax.figure
    to_fig = fig.transFigure.inverted().transform
    core_px = ax.transData.transform([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    box = inset_ax.get_window_extent()
    inset_px = np.array([(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)])
    centre = core_px.mean(axis=0)
    # The two inset corners nearest the core, each joined to the core corner nearest it.
    near = np.argsort(np.hypot(*(inset_px - centre).T))[:2]
    for i in near:
        j = int(np.argmin(np.hypot(*(core_px - inset_px[i]).T)))
        (ax_, ay), (bx, by) = to_fig([core_px[j], inset_px[i]])
        fig.add_artist(Line2D([ax_, bx], [ay, by], transform=fig.transFigure, color="#444444",
                              linewidth=linewidth * 0.8, zorder=2.5))
