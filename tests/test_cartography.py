"""Print-grade cartography as a reader sees it: tints under full colours, muted low-risk roads,
the accident-prone units in the legend, an inset for a dense core, names clear of points and
of each other, a legend of what is drawn, and a county filter that zooms in."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
from shapely.geometry import Point

from riskmap.export.cartography import ROAD_STYLE, road_colours, tint
from riskmap.export.staticmap import render_map
from riskmap.filters import Filters
from riskmap.grades import DEFAULT_COLOURS, GRADES
from riskmap.i18n import grade_label
from test_export import synthetic_assessment

pytestmark = pytest.mark.filterwarnings("error:Glyph")


def _by_gid(fig, gid: str):
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid)]


def _legend_texts(fig) -> list[str]:
    return [text.get_text() for legend in fig.legends for text in legend.get_texts()]


def _map_axes(fig):
    return fig.axes[0]


def _inset_axes(fig):
    return [ax for ax in fig.axes if ax.get_label() == "riskmap-inset"]


def _hex(colours) -> list[str]:
    return [to_hex(c) for c in colours]


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_assessment()


@pytest.fixture(scope="module")
def demo_figure(demo_assessment):
    return render_map(demo_assessment, dpi=100)


def test_county_fills_are_light_tints_and_points_keep_the_full_colours(synthetic):
    fig = render_map(synthetic, dpi=72)
    (fills,) = [c for c in _by_gid(fig, "riskmap-county-fills") if c.axes is _map_axes(fig)]
    faces = set(_hex(fills.get_facecolors()))
    assert faces == {tint(DEFAULT_COLOURS[g]) for g in GRADES}
    for face in faces:
        assert min(to_rgb(face)) > 0.65, face  # light: at least 65 % white in every channel
        assert face not in {DEFAULT_COLOURS[g].lower() for g in GRADES}
    for grade in GRADES:
        (dots,) = [c for c in _by_gid(fig, f"riskmap-enterprises-{grade}") if c.axes is _map_axes(fig)]
        assert set(_hex(dots.get_facecolors())) == {DEFAULT_COLOURS[grade].lower()}
        edge = to_rgb(dots.get_edgecolors()[0])
        assert max(edge) < 0.2 and dots.get_linewidths()[0] > 0  # a dark outline


def test_low_risk_roads_are_thin_and_muted_and_accident_prone_ones_heaviest(synthetic):
    fig = render_map(synthetic, dpi=72)
    width = {g: _by_gid(fig, f"riskmap-roads-{g}")[0].get_linewidths()[0] for g in ("red", "orange", "yellow", "blue")
             if _by_gid(fig, f"riskmap-roads-{g}")}
    assert width["blue"] < width["red"] / 2 and width["yellow"] < width["orange"] / 2
    blue = _hex(_by_gid(fig, "riskmap-roads-blue")[0].get_colors())
    assert blue == [road_colours(DEFAULT_COLOURS)["blue"]] and blue != [DEFAULT_COLOURS["blue"].lower()]
    (prone,) = _by_gid(fig, "riskmap-roads-prone")
    assert prone.get_linewidths()[0] > max(width.values())
    units = synthetic.road_units
    n_prone = int(units["accident_prone"].sum())
    assert len(prone.get_segments()) == n_prone
    assert f"事故多发路段单元  {n_prone}" in _legend_texts(fig)
    assert ROAD_STYLE["blue"][1] and not ROAD_STYLE["red"][1]


def test_the_legend_lists_only_what_is_drawn_with_counts(synthetic):
    fig = render_map(synthetic, dpi=72, layers="counties,enterprises")
    texts = _legend_texts(fig)
    ents = synthetic.enterprises
    for grade in GRADES:
        assert f"{grade_label(grade, 'zh')}  {int((ents['grade'] == grade).sum())}" in texts
    assert not [t for t in texts if "事故多发" in t or "隐患" in t or "事故（" in t]
    assert not _by_gid(fig, "riskmap-roads-red") and not _by_gid(fig, "riskmap-hazards")
    # Every layer: the hazards drawn are counted; a grade no county has is not listed.
    filtered = render_map(synthetic, dpi=72, filters=Filters(grades=("red",)))
    texts = _legend_texts(filtered)
    assert "重大风险  1" in texts and not [t for t in texts if t.startswith("低风险  ") and "区县" in t]
    assert "未选中区县  3" in texts  # the three counties greyed out
    full = _legend_texts(render_map(synthetic, dpi=72))
    hazards = synthetic.hazards
    drawn = int((hazards["is_open"] & (hazards["level"] == "major") & hazards.geometry.notna()).sum())
    assert f"未销号重大隐患（{drawn} 处）" in full
    assert "未选中区县" not in " ".join(full)  # nothing is greyed out when nothing is filtered


def _dense():
    """The synthetic assessment with an urban core: 30 red enterprises 150 m apart (a dot's
    width is about 120 m at 100 dpi on this map) and 30 others between them."""
    a = synthetic_assessment()
    rng = np.random.default_rng(7)
    base = a.enterprises.iloc[0]
    rows = []
    lon0, lat0, step_lon, step_lat = 113.12, 40.02, 150 / 85_000, 150 / 111_000
    for i in range(60):
        red = i < 30
        col, row = (i % 6, (i % 30) // 6)
        shift = 0.0 if red else 0.5
        lon = lon0 + (col + shift) * step_lon + rng.uniform(-1, 1) * 15 / 85_000
        lat = lat0 + (row + shift) * step_lat + rng.uniform(-1, 1) * 15 / 111_000
        rows.append({**base.to_dict(), "enterprise_id": f"D{i:03d}", "name": f"密集企业{i}",
                     "grade": "red" if red else GRADES[1 + i % 3], "geometry": Point(lon, lat)})
    extra = gpd.GeoDataFrame(rows, geometry="geometry", crs=a.enterprises.crs)
    a.enterprises = gpd.GeoDataFrame(
        gpd.pd.concat([a.enterprises, extra], ignore_index=True), geometry="geometry", crs=a.enterprises.crs)
    return a


def test_a_dense_core_gets_an_inset_where_each_red_enterprise_stands_apart():
    a = _dense()
    fig = render_map(a, dpi=100)
    (inset,) = _inset_axes(fig)
    main = _map_axes(fig)
    # The inset sits inside the map frame and magnifies.
    mbox, ibox = main.get_window_extent(), inset.get_window_extent()
    assert mbox.x0 <= ibox.x0 and ibox.x1 <= mbox.x1 and mbox.y0 <= ibox.y0 and ibox.y1 <= mbox.y1
    scale_main = main.transData.transform((1000, 0))[0] - main.transData.transform((0, 0))[0]
    scale_inset = inset.transData.transform((1000, 0))[0] - inset.transData.transform((0, 0))[0]
    assert scale_inset / scale_main >= 1.5
    # Red dots inside the inset: further apart than on the map, most clear of each other.
    (reds,) = [c for c in _by_gid(fig, "riskmap-enterprises-red") if c.axes is inset]
    xy = inset.transData.transform(reds.get_offsets())
    x0, y0, x1, y1 = ibox.x0, ibox.y0, ibox.x1, ibox.y1
    inside = xy[(xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)]
    assert len(inside) >= 25
    diameter = np.sqrt(reds.get_sizes()[0]) * fig.dpi / 72
    from scipy.spatial import cKDTree

    nearest = cKDTree(inside).query(inside, k=2)[0][:, 1]
    assert nearest.min() >= diameter  # every red dot of the core clear of the others
    (on_map,) = [c for c in _by_gid(fig, "riskmap-enterprises-red") if c.axes is main]
    xy_map = main.transData.transform(on_map.get_offsets())
    assert (cKDTree(xy_map).query(xy_map, k=2)[0][:, 1] < diameter).sum() >= 25  # lost on the map itself
    assert "放大图范围" in _legend_texts(fig)
    assert _by_gid(fig, "riskmap-inset-core")  # the core outlined on the map


def test_no_inset_when_every_red_enterprise_can_be_found(synthetic):
    fig = render_map(synthetic, dpi=100)
    assert not _inset_axes(fig)
    assert "放大图范围" not in _legend_texts(fig)


def _label_boxes(fig, gid="riskmap-county-label"):
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    if renderer is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in _by_gid(fig, gid)], renderer


def test_county_names_overlap_neither_each_other_nor_a_red_enterprise(demo_figure, demo_assessment):
    fig = demo_figure
    boxes, renderer = _label_boxes(fig)
    names = {name for name, _ in boxes}
    assert names == set(demo_assessment.counties["county_name"])
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), (a, b)
    main = _map_axes(fig)
    for grade in ("red", "orange"):
        (dots,) = [c for c in _by_gid(fig, f"riskmap-enterprises-{grade}") if c.axes is main]
        xy = main.transData.transform(dots.get_offsets())
        for name, box in boxes:
            inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
            if grade == "red":
                assert not inside.any(), (name, xy[inside])
    # Names never sit on the furniture or the inset.
    for inset in _inset_axes(fig):
        ibox = inset.get_window_extent()
        for name, box in boxes:
            assert not box.overlaps(ibox), name


def test_a_county_filter_zooms_in_and_greys_the_neighbours(synthetic):
    fig = render_map(synthetic, dpi=72, filters=Filters(counties=("140201",)))
    main = _map_axes(fig)
    county = synthetic.counties.set_index("county_code").loc["140201", "geometry"]
    from riskmap.coords import local_metric_crs

    crs = local_metric_crs(tuple(synthetic.counties.total_bounds))
    chosen = gpd.GeoSeries([county], crs="EPSG:4326").to_crs(crs).total_bounds
    region = synthetic.counties.to_crs(crs).total_bounds
    (x0, x1), (y0, y1) = main.get_xlim(), main.get_ylim()
    assert x0 <= chosen[0] and chosen[2] <= x1 and y0 <= chosen[1] and chosen[3] <= y1
    # Zoomed: the frame is about the county, far smaller than the region.
    assert (y1 - y0) < 0.75 * (region[3] - region[1])
    (fills,) = [c for c in _by_gid(fig, "riskmap-county-fills") if c.axes is main]
    assert len(fills.get_paths()) == 1
    grey = [t.get_text() for t in _by_gid(fig, "riskmap-context-label")]
    assert grey and set(grey) <= {"云冈区", "新荣区", "阳高县"}
    assert [t.get_text() for t in _by_gid(fig, "riskmap-county-label")] == ["平城区"]


def test_cli_export_county_zooms(tmp_path, demo_path, demo_assessment):
    from PIL import Image

    from riskmap.cli import main

    grade = demo_assessment.counties.set_index("county_name").loc["平城区", "grade"]
    fill = np.array([int(tint(DEFAULT_COLOURS[grade])[i:i + 2], 16) for i in (1, 3, 5)])

    def share_of_fill(*options) -> float:
        out = tmp_path / "map.png"
        assert main(["export", str(demo_path), "--format", "png", "--out", str(out), "--dpi", "60", "--quiet",
                     *options]) == 0
        pixels = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3).astype(int)
        return float((np.abs(pixels - fill).max(axis=1) <= 2).mean())

    zoomed, whole = share_of_fill("--county", "平城区"), share_of_fill()
    # 平城区 fills much of the zoomed page; on the whole city it is a small patch.
    assert zoomed > 4 * whole and zoomed > 0.10, (zoomed, whole)
