"""Property tests (hypothesis): nothing lost, road length conserved, grades monotone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import shapely
import shapely.ops
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from riskmap.grades import RANK
from riskmap.grading import grade_counties, grade_enterprises
from riskmap.join import assign_points
from riskmap.screening import build_units, grade_units
from riskmap.standard import load_standard

STANDARD = load_standard("default")
METRIC = pyproj.Transformer.from_crs(4326, 32649, always_xy=True)

# A 3 × 2 grid of counties, 0.1° each, with a hole-free coverage.
GRID = np.array([box(113 + 0.1 * i, 40 + 0.1 * j, 113.1 + 0.1 * i, 40.1 + 0.1 * j) for i in range(3) for j in range(2)], dtype=object)
CODES = np.array([f"14{k:04d}" for k in range(len(GRID))])


def to_metric(x, y):
    return METRIC.transform(np.asarray(x, float), np.asarray(y, float))


GRID_M = np.array([shapely.transform(g, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1]))) for g in GRID], dtype=object)

coordinates = st.lists(st.tuples(st.floats(112.9, 113.4), st.floats(39.9, 40.3)), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(coordinates)
def test_every_point_is_assigned_or_unassigned_with_a_reason(points):
    x = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    result = assign_points(x, y, GRID, codes=CODES, to_metric=to_metric, counties_metric=GRID_M, tolerance_m=100.0)
    region = shapely.union_all(GRID)
    for i in range(len(points)):
        point = shapely.Point(x[i], y[i])
        if region.covers(point):
            # Inside (or on the boundary of) the region: assigned to a county covering it.
            assert result.county[i] >= 0 and GRID[result.county[i]].covers(point)
        elif result.county[i] >= 0:
            assert result.distance_m[i] <= 100.0
        else:
            # Unassigned: its reason (the distance to the nearest county) is known and > tolerance.
            assert result.distance_m[i] > 100.0 and result.nearest[i] >= 0


lines = st.lists(
    st.lists(st.tuples(st.floats(112.95, 113.35), st.floats(39.95, 40.25)), min_size=2, max_size=8, unique=True),
    min_size=1, max_size=10,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_road_length_is_conserved_by_splitting_and_cutting(raw_lines):
    geoms = [LineString(coords) for coords in raw_lines]
    geoms = [g for g in geoms if g.length > 0]
    if not geoms:
        return
    metric = np.array([shapely.transform(g, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1]))) for g in geoms], dtype=object)
    units = build_units(metric, GRID_M, unit_length_m=1000.0)
    region = shapely.union_all(GRID_M)
    inside = shapely.length(shapely.intersection(metric, region))
    unit_lengths = shapely.length(units.geometry)
    per_segment = np.bincount(units.segment, weights=unit_lengths, minlength=len(metric))
    np.testing.assert_allclose(per_segment, inside, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(units.inside_length, inside, rtol=1e-6, atol=1e-6)
    # Every unit is at most 1 km and lies in its county.
    assert (unit_lengths <= 1000.0 + 1e-6).all()
    assert shapely.covers(shapely.buffer(GRID_M[units.county], 0.01), units.geometry).all()


L_VALUES, E_VALUES, C_VALUES = [0.1, 0.2, 0.5, 1, 3, 6, 10], [0.5, 1, 2, 3, 6, 10], [1, 3, 7, 15, 40, 100]


def _grade_one(l, e, c, open_major=0, overdue=0, fatal=0, level=np.nan):
    frame = pd.DataFrame({"lec_l": [l], "lec_e": [e], "lec_c": [c], "likelihood": [np.nan], "severity": [np.nan],
                          "major_hazard_level": [level], "sector": ["other"]})
    result = grade_enterprises(frame, STANDARD, lang="en", open_major=pd.Series([open_major]),
                               overdue=pd.Series([overdue]), fatal_12m=pd.Series([fatal]))
    return RANK[result["grade"].iat[0]]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 6), st.integers(0, 5), st.integers(0, 5), st.integers(0, 2), st.integers(0, 5), st.integers(0, 2),
       st.sampled_from([np.nan, 1, 2, 3, 4]), st.sampled_from(["l", "e", "c", "major", "overdue", "fatal"]))
def test_enterprise_grade_is_monotone_in_its_inputs(li, ei, ci, major, overdue, fatal, level, bump):
    base = dict(l=L_VALUES[li], e=E_VALUES[ei], c=C_VALUES[ci], open_major=major, overdue=overdue, fatal=fatal, level=level)
    worse = dict(base)
    if bump == "l":
        worse["l"] = L_VALUES[min(li + 1, 6)]
    elif bump == "e":
        worse["e"] = E_VALUES[min(ei + 1, 5)]
    elif bump == "c":
        worse["c"] = C_VALUES[min(ci + 1, 5)]
    elif bump == "major":
        worse["open_major"] += 1
    elif bump == "overdue":
        worse["overdue"] += 1
    else:
        worse["fatal"] += 1
    assert _grade_one(**worse) >= _grade_one(**base)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 5), st.integers(0, 15), st.integers(0, 40), st.floats(100, 3000),
       st.sampled_from(["fatal", "injury", "pdo"]))
def test_road_unit_grade_is_monotone_in_accidents(fatal, injury, pdo, length, bump):
    counts = pd.DataFrame({"fatal": [fatal, fatal], "injury": [injury, injury], "pdo": [pdo, pdo]})
    counts.loc[1, bump] += 1
    result = grade_units(counts, np.array([length, length]), STANDARD, lang="en")
    assert RANK[result["grade"].iat[1]] >= RANK[result["grade"].iat[0]]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0, 1000), min_size=4, max_size=4), st.integers(0, 3), st.floats(0, 500), st.booleans())
def test_county_grade_is_monotone_in_its_components(values, which, extra, floor):
    names = ["points_enterprises", "points_roads", "points_hazards", "points_accidents"]
    components = pd.DataFrame([values, values], columns=names)
    components.iloc[1, which] += extra
    result = grade_counties(components, STANDARD, lang="en", floor=pd.Series([floor, floor]))
    assert RANK[result["grade"].iat[1]] >= RANK[result["grade"].iat[0]]


# --- roads along shared borders and multipart roads (issue 9, point 1) -----------------------

def _shared_edges() -> list:
    """The borders two counties of the grid share, in metres."""
    edges = []
    for a in range(len(GRID_M)):
        for b in range(a + 1, len(GRID_M)):
            shared = shapely.line_merge(shapely.intersection(GRID_M[a].boundary, GRID_M[b].boundary))
            if shared.geom_type == "LineString" and shared.length > 0:
                edges.append(shared)
    return edges


EDGES = _shared_edges()
_point = st.tuples(st.floats(112.95, 113.35), st.floats(39.95, 40.25))
_fraction = st.floats(0, 1)
roads = st.lists(st.one_of(
    st.tuples(st.just("line"), st.lists(_point, min_size=2, max_size=6, unique=True)),
    # a stretch of a shared border, maybe running on beyond its end
    st.tuples(st.just("border"), st.integers(0, len(EDGES) - 1), _fraction, _fraction, st.none() | _point),
    # a chain stored as a MultiLineString of its segments, maybe with one part repeated
    st.tuples(st.just("multipart"), st.lists(_point, min_size=2, max_size=6, unique=True), st.booleans()),
    # a border stretch stored in two touching parts
    st.tuples(st.just("border_parts"), st.integers(0, len(EDGES) - 1), _fraction, _fraction, _fraction),
), min_size=1, max_size=8)


def _metric_line(coords) -> LineString:
    xy = np.array(coords, dtype=float)
    return LineString(np.column_stack(to_metric(xy[:, 0], xy[:, 1])))


def _build_road(recipe):
    kind = recipe[0]
    if kind == "line":
        return _metric_line(recipe[1])
    if kind == "multipart":
        chain = _metric_line(recipe[1])
        parts = [LineString(pair) for pair in zip(chain.coords[:-1], chain.coords[1:])]
        if recipe[2]:
            parts.append(parts[0])
        return shapely.MultiLineString(parts)
    edge = EDGES[recipe[1]]
    lo, hi = sorted((recipe[2], recipe[3]))
    if hi - lo < 0.01:
        hi = min(lo + 0.01, 1.0) if lo < 0.99 else 1.0
        lo = hi - 0.01
    stretch = shapely.ops.substring(edge, lo, hi, normalized=True)
    if kind == "border":
        if recipe[4] is None:
            return stretch
        end = np.array(to_metric([recipe[4][0]], [recipe[4][1]])).ravel()
        return LineString([*stretch.coords, tuple(end)])
    cut = lo + (hi - lo) * (0.1 + 0.8 * recipe[4])
    return shapely.MultiLineString([shapely.ops.substring(edge, lo, cut, normalized=True),
                                    shapely.ops.substring(edge, cut, hi, normalized=True)])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roads)
def test_assigned_length_never_exceeds_input_on_borders_and_multipart_roads(recipes):
    geoms = [g for g in (_build_road(r) for r in recipes) if g.length > 0.01]
    if not geoms:
        return
    metric = np.array(geoms, dtype=object)
    units = build_units(metric, GRID_M, unit_length_m=1000.0, codes=CODES)
    per_segment = np.bincount(units.segment, weights=shapely.length(units.geometry), minlength=len(metric))
    # Never more than was put in: a border stretch counts once, a repeated part once.
    assert (per_segment <= shapely.length(metric) + 1e-6).all()
    region = shapely.union_all(GRID_M)
    dissolved_inside = shapely.length(shapely.intersection(shapely.node(metric), region))
    np.testing.assert_allclose(per_segment, dissolved_inside, rtol=1e-6, atol=0.05)
    # Units of at most 1 km, each in one county; a border stretch goes to the smaller code.
    assert (shapely.length(units.geometry) <= 1000.0 + 1e-6).all()
    assert shapely.covers(shapely.buffer(GRID_M[units.county], 0.01), units.geometry).all()


def test_a_connected_multipart_road_is_merged_before_it_is_cut():
    # A 2 km road inside one county, stored as ten 200 m parts: two units of 1 km.
    inside = np.array([GRID_M[0]], dtype=object)
    x0, y0 = shapely.get_coordinates(shapely.centroid(GRID_M[0]))[0]
    parts = shapely.MultiLineString([[(x0 - 1000 + 200 * i, y0), (x0 - 800 + 200 * i, y0)] for i in range(10)])
    units = build_units(np.array([parts], dtype=object), inside, unit_length_m=1000.0)
    assert len(units.geometry) == 2
    np.testing.assert_allclose(shapely.length(units.geometry), [1000.0, 1000.0])


def test_a_road_on_a_shared_border_goes_once_to_the_smaller_code():
    edge = EDGES[0]
    units = build_units(np.array([edge], dtype=object), GRID_M, unit_length_m=1000.0, codes=CODES)
    assert abs(shapely.length(units.geometry).sum() - edge.length) < 1e-6
    owners = set(CODES[units.county])
    assert len(owners) == 1
    touching = [CODES[k] for k in range(len(GRID_M)) if shapely.covers(shapely.buffer(GRID_M[k], 0.01), edge)]
    assert owners == {min(touching)}
