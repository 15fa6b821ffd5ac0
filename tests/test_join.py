"""Joins: border rule, border tolerance, unassigned points, road splitting and units."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from riskmap.join import assign_points, cut_units, snap_points, split_roads

# Two counties sharing the border x = 113.1 (WGS-84), codes deliberately unsorted.
COUNTIES = np.array([box(113.1, 40.0, 113.2, 40.1), box(113.0, 40.0, 113.1, 40.1)], dtype=object)
CODES = np.array(["140002", "140001"])
METRIC = pyproj.Transformer.from_crs(4326, 32649, always_xy=True)


def to_metric(x, y):
    return METRIC.transform(np.asarray(x, float), np.asarray(y, float))


COUNTIES_M = np.array([shapely.transform(g, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1]))) for g in COUNTIES], dtype=object)


def assign(x, y, tolerance=100.0):
    return assign_points(np.asarray(x, float), np.asarray(y, float), COUNTIES, codes=CODES, to_metric=to_metric,
                         counties_metric=COUNTIES_M, tolerance_m=tolerance)


def test_interior_points_go_to_their_county():
    result = assign([113.05, 113.15], [40.05, 40.05])
    assert list(result.county) == [1, 0]
    assert not result.by_tolerance.any()


def test_point_on_shared_border_goes_to_smallest_code():
    # On the shared edge x = 113.1 both counties touch the point: 140001 (position 1) wins.
    result = assign([113.1], [40.05])
    assert list(result.county) == [1]


def test_point_just_outside_goes_to_nearest_county_with_distance():
    # ~42 m west of the outer boundary at x = 113.0 (1e-3° lon ≈ 85 m at 40°N).
    result = assign([113.0 - 0.0005], [40.05])
    assert result.county[0] == 1
    assert result.by_tolerance[0]
    assert 30 < result.distance_m[0] < 60


def test_point_far_outside_is_unassigned_with_nearest_and_distance():
    result = assign([112.9], [40.05])
    assert result.county[0] == -1
    assert result.nearest[0] == 1
    assert 8000 < result.distance_m[0] < 9000


def test_point_without_location_is_unassigned_with_nan_distance():
    result = assign([np.nan], [np.nan])
    assert result.county[0] == -1 and np.isnan(result.distance_m[0])


def test_tolerance_is_a_setting():
    result = assign([113.0 - 0.0005], [40.05], tolerance=10.0)
    assert result.county[0] == -1


def test_split_roads_conserves_length_and_keeps_pieces_in_one_county():
    line = LineString([(0, 0), (3000, 0), (3000, 2500)])
    counties = np.array([box(-10, -10, 1000, 10), box(1000, -10, 5000, 5000)], dtype=object)
    pieces = split_roads(np.array([line], dtype=object), counties)
    assert set(pieces.county) == {0, 1}
    assert shapely.length(pieces.geometry).sum() == pytest.approx(line.length, rel=1e-9)
    for geom, county in zip(pieces.geometry, pieces.county):
        assert counties[county].buffer(1e-6).contains(geom)


def test_split_roads_separates_disconnected_parts_in_one_county():
    # A line leaving county 0, crossing county 1 and coming back: two pieces in county 0.
    line = LineString([(0, 0), (2000, 0)])
    counties = np.array([box(-1, -1, 2001, 1).difference(box(900, -2, 1100, 2)), box(900, -2, 1100, 2)], dtype=object)
    pieces = split_roads(np.array([line], dtype=object), counties)
    assert sorted(pieces.county.tolist()) == [0, 0, 1]
    assert shapely.length(pieces.geometry).sum() == pytest.approx(2000.0)


def test_road_outside_everything_has_no_pieces():
    pieces = split_roads(np.array([LineString([(10, 10), (20, 20)])], dtype=object), np.array([box(100, 100, 200, 200)], dtype=object))
    assert len(pieces.geometry) == 0 and pieces.inside_length[0] == 0


@pytest.mark.parametrize("length, expected", [(999.0, 1), (1000.0, 1), (1000.5, 2), (2200.0, 3), (0.3, 1)])
def test_cut_units_counts_and_equal_lengths(length, expected):
    line = LineString([(0, 0), (length / 2, 0), (length / 2, length / 2)])
    units, piece, index = cut_units(np.array([line], dtype=object), 1000.0)
    assert len(units) == expected
    assert list(index) == list(range(expected))
    np.testing.assert_allclose(shapely.length(units), length / expected, rtol=1e-9)
    # Units follow each other: each ends where the next starts.
    for a, b in zip(units[:-1], units[1:]):
        assert Point(a.coords[-1]).distance(Point(b.coords[0])) < 1e-9


def test_snap_points_within_distance_only():
    lines = np.array([LineString([(0, 0), (1000, 0)]), LineString([(0, 100), (1000, 100)])], dtype=object)
    points = shapely.points([[500, 10], [500, 60], [500, 300]])
    target, distance = snap_points(points, lines, max_distance=50)
    assert list(target) == [0, 1, -1]
    assert distance[0] == pytest.approx(10) and np.isnan(distance[2])
