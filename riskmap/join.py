"""Spatial joins that lose nothing: points to counties, roads split at county borders.

The fast paths here replace the obvious geopandas calls where those are slow at
province scale (see ``bench/``):

* points → counties: per county, the points inside its bounding box are found on an
  x-sorted array with ``searchsorted`` and tested with prepared ``contains_xy``;
  only the few left over (on a border, or outside) go through an STRtree.
* roads → counties: an STRtree on the lines; a line that a county
  ``contains_properly`` is taken whole, and ``intersection`` runs only on border pairs.
* snapping: ``STRtree.query_nearest`` with ``max_distance``.

Border rule (deterministic): a point in the interior of a county belongs to it; a point
exactly on a shared border belongs to the county with the smallest ``county_code``
among those it touches.  A point outside every county but within
``settings.border_tolerance_m`` goes to the nearest county with a warning; a farther
one is unassigned with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree


@dataclass
class PointAssignment:
    """Result of :func:`assign_points`.

    Attributes
    ----------
    county
        Index (position) of the county of each point, ``-1`` when unassigned.
    distance_m
        Metres outside the region for points placed by the border tolerance (else 0),
        distance to the nearest county for unassigned points, NaN for no location.
    nearest
        Position of the nearest county for points outside the region (else -1).
    """

    county: np.ndarray
    distance_m: np.ndarray
    nearest: np.ndarray

    @property
    def by_tolerance(self) -> np.ndarray:
        """Points placed in a county although they lie outside it (border tolerance)."""
        return (self.county >= 0) & (self.distance_m > 0)


def _inside_pass(x: np.ndarray, y: np.ndarray, has_location: np.ndarray, counties: np.ndarray,
                 county: np.ndarray) -> None:
    """Points inside a county: per county, the x-sorted candidates in its box, tested with ``contains_xy``."""
    order = np.argsort(np.where(has_location, x, np.inf), kind="stable")
    xs_valid = x[order][:int(has_location.sum())]
    shapely.prepare(counties)
    bounds = shapely.bounds(counties)
    for position, polygon in enumerate(counties):
        if polygon is None or shapely.is_empty(polygon):
            continue
        minx, miny, maxx, maxy = bounds[position]
        lo, hi = np.searchsorted(xs_valid, [minx, maxx], side="left")[0], np.searchsorted(xs_valid, maxx, side="right")
        if hi <= lo:
            continue
        candidates = order[lo:hi]
        cy = y[candidates]
        candidates = candidates[(cy >= miny) & (cy <= maxy)]
        if candidates.size == 0:
            continue
        inside = shapely.contains_xy(polygon, x[candidates], y[candidates])
        # Interiors of a coverage do not overlap, so a point is inside at most one
        # county; keep the first in case the input overlaps.
        hits = candidates[inside]
        hits = hits[county[hits] < 0]
        county[hits] = position


def _border_pass(x: np.ndarray, y: np.ndarray, left: np.ndarray, counties: np.ndarray, codes: np.ndarray,
                 county: np.ndarray) -> None:
    """Points on a border go to the smallest county code among those they touch."""
    tree = STRtree(counties)
    point_idx, county_idx = tree.query(shapely.points(x[left], y[left]), predicate="intersects")
    if point_idx.size:
        code_rank = np.argsort(np.argsort(codes.astype(str), kind="stable"), kind="stable")
        sort = np.lexsort((code_rank[county_idx], point_idx))
        point_idx, county_idx = point_idx[sort], county_idx[sort]
        first = np.r_[True, point_idx[1:] != point_idx[:-1]]
        county[left[point_idx[first]]] = county_idx[first]


def _outside_pass(x: np.ndarray, y: np.ndarray, outside: np.ndarray, to_metric, counties_metric: np.ndarray,
                  tolerance_m: float, county: np.ndarray, distance: np.ndarray, nearest: np.ndarray) -> None:
    """Points outside: within the tolerance to the nearest county; farther ones keep their nearest county."""
    mx, my = to_metric(x[outside], y[outside])
    metric_points = shapely.points(mx, my)
    # Within the tolerance: exact distances to the counties found by "dwithin".
    point_idx, county_idx = STRtree(counties_metric).query(metric_points, predicate="dwithin", distance=tolerance_m)
    close = np.zeros(outside.size, dtype=bool)
    if point_idx.size:
        dist = shapely.distance(metric_points[point_idx], counties_metric[county_idx])
        order = np.lexsort((county_idx, dist, point_idx))
        point_idx, county_idx, dist = point_idx[order], county_idx[order], dist[order]
        first = np.r_[True, point_idx[1:] != point_idx[:-1]]
        point_idx, county_idx, dist = point_idx[first], county_idx[first], dist[first]
        county[outside[point_idx]] = county_idx
        nearest[outside[point_idx]] = county_idx
        distance[outside[point_idx]] = dist
        close[point_idx] = True
    # Farther out the point stays unassigned; its reason names the nearest county,
    # found on simplified outlines (a nearest search on full province outlines
    # costs 80 µs a point) with the exact distance to that county.
    far = np.flatnonzero(~close)
    if far.size:
        outlines = shapely.simplify(counties_metric, 200.0)
        far_idx, nearest_idx = STRtree(outlines).query_nearest(metric_points[far], all_matches=False)
        far = far[far_idx]
        nearest[outside[far]] = nearest_idx
        distance[outside[far]] = np.maximum(shapely.distance(metric_points[far], counties_metric[nearest_idx]),
                                            np.nextafter(tolerance_m, np.inf))


def assign_points(x: np.ndarray, y: np.ndarray, counties: np.ndarray, *, codes: np.ndarray,
                  to_metric, counties_metric: np.ndarray, tolerance_m: float) -> PointAssignment:
    """Assign points (WGS-84 ``x``/``y`` arrays) to county polygons.

    Parameters
    ----------
    x, y
        Longitudes and latitudes; NaN for points without a location.
    counties
        County polygons in WGS-84 (shapely array).
    codes
        County codes, used for the border rule (smallest code wins).
    to_metric
        A function ``(x, y) -> (X, Y)`` into the local metric CRS.
    counties_metric
        The same polygons in the metric CRS (for the border tolerance).
    tolerance_m
        Points up to this far outside go to the nearest county.
    """
    n = len(x)
    county = np.full(n, -1, dtype=np.int64)
    distance = np.zeros(n, dtype=float)
    nearest = np.full(n, -1, dtype=np.int64)
    has_location = np.isfinite(x) & np.isfinite(y)
    distance[~has_location] = np.nan
    _inside_pass(x, y, has_location, counties, county)
    left = np.flatnonzero((county < 0) & has_location)
    if left.size:
        _border_pass(x, y, left, counties, codes, county)
        outside = left[county[left] < 0]
        if outside.size:
            _outside_pass(x, y, outside, to_metric, counties_metric, tolerance_m, county, distance, nearest)
    return PointAssignment(county=county, distance_m=distance, nearest=nearest)


@dataclass
class RoadPieces:
    """Road segments split at county borders.

    Attributes
    ----------
    geometry
        One connected piece per row (metric CRS).
    segment
        Position of the source segment of each piece.
    county
        Position of the county of each piece.
    inside_length
        Length of each source segment inside the counties (metric units).
    """

    geometry: np.ndarray
    segment: np.ndarray
    county: np.ndarray
    inside_length: np.ndarray


def merge_parts(lines: np.ndarray) -> np.ndarray:
    """Multipart lines as few parts as they allow: overlaps dissolved, connected parts joined.

    Shapefiles and GeoPackages often store one road as a MultiLineString of many
    touching parts; merged first, a connected 2 km road is one 2 km piece (two units),
    not ten.  Parts that repeat each other, or a line running back over itself, count
    once.  Simple lines (most of a network) are kept as given.
    """
    multi = np.flatnonzero((shapely.get_type_id(lines) == 5) | ~shapely.is_simple(lines))
    if not multi.size:
        return lines
    out = lines.copy()
    out[multi] = shapely.line_merge(shapely.node(lines[multi]))
    return out


def split_roads(lines: np.ndarray, counties: np.ndarray, *, codes: np.ndarray | None = None) -> RoadPieces:
    """Split lines (metric CRS) at county borders into connected pieces per county.

    Each connected part of a line inside one county is one piece; the pieces of a
    line add up to its length inside the counties, never more: a stretch running
    along a shared border belongs to the county with the smallest ``codes`` value
    (the border rule of points), and multipart lines are merged first
    (:func:`merge_parts`).
    """
    lines = merge_parts(lines)
    tree = STRtree(lines)
    county_idx, line_idx = tree.query(counties, predicate="intersects")
    shapely.prepare(counties)
    whole = shapely.contains_properly(counties[county_idx], lines[line_idx])
    pieces = np.empty(len(line_idx), dtype=object)
    pieces[whole] = lines[line_idx[whole]]
    border = ~whole
    if border.any():
        pieces[border] = shapely.intersection(lines[line_idx[border]], counties[county_idx[border]])
    # A border intersection may return several parts, points or a collection: merge
    # touching parts (a connected run is one piece) and keep the linear ones.
    merged = pieces.copy()
    merged[border] = shapely.line_merge(_linear_part(pieces[border]))
    parts, part_index = shapely.get_parts(merged, return_index=True)
    keep = shapely.get_type_id(parts) == 1  # LineString
    keep &= shapely.length(parts) > 0
    parts, part_index = parts[keep], part_index[keep]
    segment = line_idx[part_index]
    county = county_idx[part_index]
    inside_length = np.bincount(segment, weights=shapely.length(parts), minlength=len(lines))
    twice = _counted_twice(parts, segment, county, inside_length)
    if twice.size:
        rank = np.argsort(np.argsort(codes.astype(str), kind="stable"), kind="stable") if codes is not None \
            else np.arange(len(counties))
        parts, segment, county = _count_once(parts, segment, county, twice, rank)
        inside_length = np.bincount(segment, weights=shapely.length(parts), minlength=len(lines))
    return RoadPieces(geometry=parts, segment=segment, county=county, inside_length=inside_length)


def _counted_twice(parts: np.ndarray, segment: np.ndarray, county: np.ndarray, inside_length: np.ndarray) -> np.ndarray:
    """The lines whose pieces in two counties overlap (a stretch along a shared border).

    Only lines with pieces in several counties can; their pieces are noded together
    (overlaps dissolved) and a line whose dissolved length falls short of the sum of
    its pieces is one.
    """
    pairs = np.unique(np.column_stack([segment, county]), axis=0) if len(segment) else np.zeros((0, 2), dtype=np.int64)
    lines, n_counties = np.unique(pairs[:, 0], return_counts=True)
    several = lines[n_counties > 1]
    if not several.size:
        return several
    chosen = np.isin(segment, several)
    order = np.argsort(segment[chosen], kind="stable")
    sub_parts, sub_segment = parts[chosen][order], segment[chosen][order]
    _, compact = np.unique(sub_segment, return_inverse=True)
    dissolved = shapely.length(shapely.node(shapely.multilinestrings(sub_parts, indices=compact)))
    return several[inside_length[several] > dissolved * (1 + 1e-9) + 1e-6]


BORDER_SNAP_M = 0.001
"""How close (metres) a stretch must lie to one already counted to be the same stretch."""


def _count_once(parts: np.ndarray, segment: np.ndarray, county: np.ndarray, lines_twice: np.ndarray,
                rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give each stretch of the lines that lie along a shared border to one county only.

    The pieces of such a line are taken county by county, smallest code first; each
    loses what an earlier county already has (within :data:`BORDER_SNAP_M`).
    """
    redo = np.isin(segment, lines_twice)
    keep_parts, keep_segment, keep_county = [parts[~redo]], [segment[~redo]], [county[~redo]]
    for line in lines_twice:
        mine = np.flatnonzero(segment == line)
        taken = None
        for c in sorted(set(county[mine].tolist()), key=lambda c: rank[c]):
            piece = shapely.union_all(parts[mine[county[mine] == c]])
            if taken is not None:
                piece = shapely.difference(piece, shapely.buffer(taken, BORDER_SNAP_M))
            taken = piece if taken is None else shapely.union(taken, piece)
            found = shapely.get_parts(shapely.line_merge(_linear_part(np.array([piece], dtype=object)))[0])
            found = found[(shapely.get_type_id(found) == 1) & (shapely.length(found) > BORDER_SNAP_M)]
            keep_parts.append(found)
            keep_segment.append(np.full(len(found), line, dtype=segment.dtype))
            keep_county.append(np.full(len(found), c, dtype=county.dtype))
    return np.concatenate(keep_parts), np.concatenate(keep_segment), np.concatenate(keep_county)


def _linear_part(geometries: np.ndarray) -> np.ndarray:
    """Drop points from intersection results so that line_merge sees only lines."""
    type_ids = shapely.get_type_id(geometries)
    collections = np.flatnonzero(type_ids == 7)
    if collections.size:
        out = geometries.copy()
        for i in collections:
            lines = [g for g in shapely.get_parts(geometries[i]) if shapely.get_type_id(g) in (1, 5)]
            out[i] = shapely.multilinestrings(shapely.get_parts(np.array(lines, dtype=object))) if lines else shapely.from_wkt("LINESTRING EMPTY")
        return out
    return geometries


def cut_units(pieces: np.ndarray, unit_length: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut every piece into ``ceil(length / unit_length)`` equal-length units.

    Vectorised over all pieces at once: vertices are assigned to units by their
    distance along the piece, cut points are interpolated, and the units are built
    with one ``shapely.linestrings`` call (a substring loop is 30× slower).

    Returns
    -------
    units, piece, index
        Unit geometries, the position of each unit's piece, and the unit's index
        (0-based) along its piece.
    """
    if len(pieces) == 0:
        empty = np.array([], dtype=object)
        return empty, np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    xy, vertex_piece = shapely.get_coordinates(pieces, return_index=True)
    step = np.hypot(np.diff(xy[:, 0]), np.diff(xy[:, 1]))
    same_piece = vertex_piece[1:] == vertex_piece[:-1]
    step = np.where(same_piece, step, 0.0)
    cumulative = np.r_[0.0, np.cumsum(step)]
    starts = np.r_[0, np.flatnonzero(~same_piece) + 1]
    piece_start_distance = cumulative[starts]
    along = cumulative - piece_start_distance[vertex_piece]  # distance from the piece start
    ends = np.r_[starts[1:] - 1, len(xy) - 1]
    length = along[ends]
    n_units = np.maximum(np.ceil(length / unit_length - 1e-9).astype(np.int64), 1)
    unit_len = length / n_units
    unit_offset = np.r_[0, np.cumsum(n_units)[:-1]]  # global id of each piece's first unit
    total_units = int(n_units.sum())

    # Interior vertices: unit = floor(along / unit_len), clipped.
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex_unit = np.floor(along / unit_len[vertex_piece]).astype(np.int64)
    vertex_unit = np.clip(vertex_unit, 0, n_units[vertex_piece] - 1)
    vertex_gid = unit_offset[vertex_piece] + vertex_unit

    # Cut points at j * unit_len for j = 1 .. n-1, each ending one unit and starting the next.
    cut_piece = np.repeat(np.arange(len(pieces)), n_units - 1)
    cut_j = _within_group_rank(cut_piece) + 1  # 1 .. n-1 within each piece
    cut_distance = cut_j * unit_len[cut_piece]
    global_target = piece_start_distance[cut_piece] + cut_distance
    # The segment holding each cut: last vertex with cumulative <= target, within its piece.
    seg = np.searchsorted(cumulative, global_target, side="right") - 1
    seg = np.clip(seg, starts[cut_piece], ends[cut_piece] - 1)
    seg_len = step[seg]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(seg_len > 0, (global_target - cumulative[seg]) / seg_len, 0.0)
    frac = np.clip(frac, 0.0, 1.0)
    cut_xy = xy[seg] + (xy[seg + 1] - xy[seg]) * frac[:, None]
    cut_end_gid = unit_offset[cut_piece] + cut_j - 1
    cut_start_gid = cut_end_gid + 1

    # Drop interior vertices that coincide with a cut (they would repeat a coordinate).
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = along / unit_len[vertex_piece]
    on_cut = (np.abs(ratio - np.round(ratio)) < 1e-12) & (np.round(ratio) >= 1) & (np.round(ratio) <= n_units[vertex_piece] - 1)
    keep = ~on_cut

    all_xy = np.concatenate([xy[keep], cut_xy, cut_xy])
    all_gid = np.concatenate([vertex_gid[keep], cut_end_gid, cut_start_gid])
    all_pos = np.concatenate([along[keep], cut_distance, cut_distance])
    # At equal positions an ending cut comes after vertices, a starting cut before.
    tiebreak = np.concatenate([np.ones(keep.sum()), np.full(len(cut_xy), 2.0), np.zeros(len(cut_xy))])
    order = np.lexsort((tiebreak, all_pos, all_gid))
    units = shapely.linestrings(all_xy[order], indices=all_gid[order])
    unit_piece = np.repeat(np.arange(len(pieces)), n_units)
    unit_index = _within_group_rank(unit_piece)
    assert len(units) == total_units
    return units, unit_piece, unit_index


def _within_group_rank(groups: np.ndarray) -> np.ndarray:
    """0-based rank of each element within its run of equal, sorted group values."""
    if len(groups) == 0:
        return np.array([], dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(groups[1:] != groups[:-1]) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    return np.arange(len(groups)) - run_start


def snap_points(points: np.ndarray, lines: np.ndarray, *, max_distance: float) -> tuple[np.ndarray, np.ndarray]:
    """Snap points to the nearest line within ``max_distance`` (both metric).

    Returns the line position per point (-1 when none is close) and the distance
    (NaN when not snapped).
    """
    target = np.full(len(points), -1, dtype=np.int64)
    distance = np.full(len(points), np.nan)
    if len(points) == 0 or len(lines) == 0:
        return target, distance
    # A "dwithin" query then a vectorised distance is 3× faster than query_nearest
    # with max_distance at province scale (bench/); ties go to the lowest line.
    tree = STRtree(lines)
    point_idx, line_idx = tree.query(points, predicate="dwithin", distance=max_distance)
    if point_idx.size:
        dist = shapely.distance(points[point_idx], lines[line_idx])
        order = np.lexsort((line_idx, dist, point_idx))
        point_idx, line_idx, dist = point_idx[order], line_idx[order], dist[order]
        first = np.r_[True, point_idx[1:] != point_idx[:-1]]
        target[point_idx[first]] = line_idx[first]
        distance[point_idx[first]] = dist[first]
    return target, distance
