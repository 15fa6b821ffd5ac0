"""County names on the static map, placed where they hide nothing and nothing hides them.

:func:`place_labels` tries each name at candidate places inside its county: the pole
of inaccessibility (the point farthest from the boundary), the representative point,
then the points of a grid over the county, nearest to the pole first.  A place costs
the points it would cover (enterprises, hazards, accidents), the share of the label
that would stick out of its county and its distance from the pole; it is refused
when it overlaps a name already placed or the map's furniture (north arrow, scale
bar, inset, demo mark) or leaves the map.  Names are placed smallest county first,
since a small county has the fewest places; a name with no free place goes to its
least bad one, so no name is ever dropped.  Everything is measured in display pixels
of the rendered figure, so what is tested is what is printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Bbox
from shapely.ops import polylabel

GRID = 9
"""Candidate grid per side over a county's bounding box."""
MAX_CANDIDATES = 48

POINT_COST = 40.0
RED_POINT_COST = 120.0
OUTSIDE_COST = 30.0
DISTANCE_COST = 4.0
BLOCKED = 1e6


@dataclass
class Obstacles:
    """What labels must avoid, in display pixels.

    Attributes
    ----------
    points
        (n, 2) centres of the point symbols drawn.
    radius
        Half the width of a point symbol.
    important
        (n,) True for the points a label must never cover (red enterprises).
    boxes
        Boxes nothing may overlap: the map's furniture, then each label placed.
    """

    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    radius: float = 0.0
    important: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    boxes: list[Bbox] = field(default_factory=list)


@dataclass(frozen=True)
class Placement:
    """Where a name went: its centre in data coordinates and its box in display pixels."""

    x: float
    y: float
    box: Bbox
    covered: int


def _largest_part(geom):
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    return max(parts, key=lambda p: p.area) if parts else None


def _candidates(geom) -> np.ndarray:
    """Candidate centres in data coordinates, the pole first, then nearest to it."""
    part = _largest_part(geom)
    if part is None:
        return np.zeros((0, 2))
    size = math.sqrt(part.area) or 1.0
    try:
        pole = polylabel(part, tolerance=size / 60)
    except Exception:  # a degenerate ring: fall back to the representative point
        pole = part.representative_point()
    first = [(pole.x, pole.y)]
    rep = geom.representative_point()
    first.append((rep.x, rep.y))
    minx, miny, maxx, maxy = geom.bounds
    xs = np.linspace(minx, maxx, GRID + 2)[1:-1]
    ys = np.linspace(miny, maxy, GRID + 2)[1:-1]
    grid = np.array([(x, y) for x in xs for y in ys])
    inside = shapely.contains_xy(geom, grid[:, 0], grid[:, 1]) if len(grid) else np.zeros(0, dtype=bool)
    grid = grid[inside]
    if len(grid):
        order = np.argsort(np.hypot(grid[:, 0] - pole.x, grid[:, 1] - pole.y))
        grid = grid[order][: MAX_CANDIDATES - 2]
    return np.vstack([np.array(first), grid]) if len(grid) else np.array(first)


def text_size_px(text: str, renderer, *, fontsize: float, weight: str = "bold") -> tuple[float, float]:
    """Width and height in display pixels of one line of text."""
    prop = FontProperties(size=fontsize, weight=weight)
    width, height, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(width), float(height)


def _overlaps(box: Bbox, boxes: list[Bbox]) -> bool:
    return any(box.x0 < b.x1 and b.x0 < box.x1 and box.y0 < b.y1 and b.y0 < box.y1 for b in boxes)


def _covered(box: Bbox, obstacles: Obstacles) -> tuple[int, int]:
    """How many points, and how many important ones, a box would cover."""
    pts = obstacles.points
    if not len(pts):
        return 0, 0
    r = obstacles.radius
    hit = ((pts[:, 0] > box.x0 - r) & (pts[:, 0] < box.x1 + r)
           & (pts[:, 1] > box.y0 - r) & (pts[:, 1] < box.y1 + r))
    return int(hit.sum()), int((hit & obstacles.important).sum())


def place_labels(ax, geoms, names, *, fontsize: float, pad_px: float, renderer, obstacles: Obstacles,
                 weight: str = "bold", optional: bool = False) -> list[Placement | None]:
    """Choose a place for each county name.

    Parameters
    ----------
    ax
        The map axes, its limits set (the frame is final).
    geoms, names
        The counties (in the axes' data coordinates) and their names.
    fontsize, pad_px, weight
        The type of the names and the halo round them, in pixels.
    renderer
        The figure's renderer (for text sizes).
    obstacles
        What to avoid; each placed name is added to ``obstacles.boxes``.
    optional
        Leave out a name that has no free place (the grey names of counties not
        chosen); otherwise it goes to its least bad place.

    Returns
    -------
    list
        A :class:`Placement` per county, ``None`` for a county with no area or no name
        (or, when ``optional``, no free place).
    """
    to_px = ax.transData.transform
    frame = ax.get_window_extent(renderer)
    px_per_unit = abs(to_px((1.0, 0.0))[0] - to_px((0.0, 0.0))[0]) or 1.0
    # Simplified to a pixel: the share of a label outside its county needs no finer outline.
    tolerance = 1.0 / px_per_unit
    jobs = []
    for index, (geom, name) in enumerate(zip(geoms, names)):
        if geom is None or geom.is_empty or not isinstance(name, str) or not name:
            continue
        simple = shapely.simplify(geom, tolerance, preserve_topology=True)
        jobs.append((simple.area, index, simple, name))
    placements: list[Placement | None] = [None] * len(names)
    for _, index, geom, name in sorted(jobs, key=lambda job: job[0]):
        width, height = text_size_px(name, renderer, fontsize=fontsize, weight=weight)
        half_w, half_h = width / 2 + pad_px, height / 2 + pad_px
        candidates = _candidates(geom)
        if not len(candidates):
            continue
        centres = to_px(candidates)
        pole = centres[0]
        scale = math.sqrt(max(geom.area, 1e-12)) * px_per_unit
        best = None
        for (x, y), (cx, cy) in zip(candidates, centres):
            box = Bbox.from_extents(cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            cost = 0.0
            if _overlaps(box, obstacles.boxes):
                cost += BLOCKED
            if box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1:
                cost += BLOCKED / 2
            n_points, n_important = _covered(box, obstacles)
            cost += POINT_COST * n_points + RED_POINT_COST * n_important
            cost += OUTSIDE_COST * _outside_share(box, geom, ax)
            cost += DISTANCE_COST * math.hypot(cx - pole[0], cy - pole[1]) / max(scale, 1.0)
            if best is None or cost < best[0]:
                best = (cost, x, y, box, n_points)
            if cost < DISTANCE_COST * 0.05:  # the pole itself is free: nothing can beat it
                break
        cost, x, y, box, n_points = best
        if optional and (cost >= BLOCKED / 2 or n_points):
            continue
        obstacles.boxes.append(box)
        placements[index] = Placement(float(x), float(y), box, n_points)
    return placements


def _outside_share(box: Bbox, geom, ax) -> float:
    """The share of a label's box (display pixels) that lies outside its county."""
    inverse = ax.transData.inverted()
    (x0, y0), (x1, y1) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
    rect = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    area = rect.area
    if area <= 0:
        return 0.0
    return float(1.0 - shapely.intersection(rect, geom).area / area)
