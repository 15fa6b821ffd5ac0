"""The interactive four-colour map (folium / Leaflet).

:func:`build_map` draws a :class:`~riskmap.view.View` (or an assessment with filters
and a language) through the layer specs of :mod:`riskmap.layers`: counties filled by
grade, road units, enterprises, hidden hazards, an accident heat map and any extra
point layer, with a legend of the grades and their counts, a layer control, a scale,
a full-screen button, the page's controls (the wheel scrolls the page until the map is
clicked, with a hint; a reset button back to the region; a search box over the layers'
``search`` columns), and the view fitted to the region.  :func:`save_standalone`
writes it as one HTML file that opens from disk with no network.

The package, one job per module:

* :mod:`~riskmap.mapview.frames`: what each layer shows under the filters;
* :mod:`~riskmap.mapview.style`: colours and emphasis per feature;
* :mod:`~riskmap.mapview.encode`: values for tooltips and the compact GeoJSON/points payloads;
* :mod:`~riskmap.mapview.elements`: the map's own folium elements;
* :mod:`~riskmap.mapview.legend`: the legend;
* :mod:`~riskmap.mapview.basemaps`: tiles, and the GCJ-02 shift of the ``gaode`` basemap;
* :mod:`~riskmap.mapview.offline`: the assets of ``riskmap/static`` (``riskmap.js`` and
  ``riskmap.css`` among them), linked or inlined.

No Streamlit here: the app passes ``asset_base`` so the browser fetches the files
from the Streamlit server.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
from collections.abc import Sequence

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap import coords
from riskmap.assessment import Assessment
from riskmap.filters import Filters
from riskmap.i18n import t
from riskmap.layers import LayerSpec, load_layers
from riskmap.mapview.basemaps import BASEMAPS, add_basemap
from riskmap.mapview.elements import Controls, DataLayer, Helpers
from riskmap.mapview.encode import COORD_DECIMALS, encode_layer, format_value, layer_cache
from riskmap.mapview.frames import county_at, layer_frame, region_bounds
from riskmap.mapview.legend import Legend, legend_html
from riskmap.mapview.offline import ASSETS, STATIC_DIR, asset_links, localize_assets, map_html, save_standalone, standalone_html
from riskmap.mapview.style import BACKGROUND
from riskmap.view import View

__all__ = [
    "BASEMAPS",
    "COORD_DECIMALS",
    "STATIC_DIR",
    "ASSETS",
    "build_map",
    "save_standalone",
    "standalone_html",
    "localize_assets",
    "asset_links",
    "map_html",
    "format_value",
    "county_at",
    "layer_frame",
]


def _specs(view: View, layers: Sequence[LayerSpec] | None) -> list[LayerSpec]:
    """The layers to draw, in drawing order, coloured by the standard's grade colours."""
    specs = list(load_layers(workspace=view.info.path) if layers is None else layers)
    specs.sort(key=lambda s: (s.order, s.id))
    # Grade colours come from the standard (DESIGN §2: configurable); a layer's own
    # `colours` table still wins.
    return [dataclasses.replace(spec, style={**spec.style, "colours": {**view.colours, **spec.style.get("colours", {})}})
            if spec.style.get("colour_by") == "grade" else spec for spec in specs]


def _add_layers(m: folium.Map, view: View, specs: list[LayerSpec], shift: bool, selected_county: str | None) -> None:
    """Encode each layer (or take it from the assessment's layer cache) and add it."""
    cache: dict = {}
    bounds = region_bounds(view.everything)  # the whole region, for grids
    encoded = layer_cache(view.assessment)
    for spec in specs:
        # Escaped, and braces as entities: folium re-reads rendered scripts as templates.
        name = html.escape(spec.title(view.lang)).replace("{", "&#123;").replace("}", "&#125;")
        # A layer's encoding depends only on the filters it lists: when the sector
        # filter changes, the county layer is taken from the cache, not rebuilt.
        # The key is the rows drawn (their index), so two filters that keep the same
        # rows (sectors without road transport: no road units) share one encoding.
        frame = layer_frame(view, spec, _cache=cache)
        rows = hashlib.sha1(pd.util.hash_pandas_object(frame.index, index=False).to_numpy().tobytes()).hexdigest()
        key = (spec.id, spec.source, repr(spec), rows, len(frame), view.lang, shift,
               selected_county if spec.geometry == "polygon" else None)
        if key not in encoded:
            encoded[key] = encode_layer(frame, view.assessment.counties, spec, view.lang, shift, selected_county, bounds,
                                        view.sectors)
        builder, payload, extra_name = encoded[key]
        if builder == "heat":
            folium.plugins.HeatMap(payload["data"], name=name + extra_name, show=spec.show, **payload["options"]).add_to(m)
        elif builder is not None:
            DataLayer(name + extra_name, builder, payload, show=spec.show, cluster=bool(payload.get("cluster"))).add_to(m)


CONTEXT_STYLE = {"color": "#9a9a9a", "weight": 1, "fillColor": "#e6e6e6", "fillOpacity": 0.55}
"""The counties a grade or county filter leaves out: grey, under everything, so the points keep their ground."""


def _context_counties(m: folium.Map, view: View, specs: list[LayerSpec], shift: bool) -> None:
    """Every county outline stays drawn: those a county or grade filter does not select, in grey (issue 10).

    Geometry only (no names, no values) and not interactive: the counties shown keep their popups.
    """
    f = view.filters
    if f is None or (f.counties is None and f.grades is None) or not any(s.dataset == "counties" for s in specs):
        return
    shown = set(view.only(["counties", "grades"]).counties["county_code"].astype(str))
    everyone = view.everything.counties
    others = everyone[~everyone["county_code"].astype(str).isin(shown)]
    if others.empty:
        return
    geoms = others.geometry.to_numpy()
    if shift:
        geoms = coords.transform_geometries(geoms, coords.wgs84_to_gcj02)
    data = gpd.GeoSeries(geoms, crs=4326).simplify(0.0005).__geo_interface__
    folium.GeoJson(data, name=html.escape(t("map_context", view.lang)), style_function=lambda _: dict(CONTEXT_STYLE),
                   interactive=False, control=False).add_to(m)


def _region(view: View, shift: bool) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the counties shown (in GCJ-02 on the ``gaode`` basemap)."""
    minx, miny, maxx, maxy = region_bounds(view)
    if shift:
        (minx, maxx), (miny, maxy) = coords.wgs84_to_gcj02(np.array([minx, maxx]), np.array([miny, maxy]))
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _controls(view: View, region: list[list[float]]) -> Controls:
    """The wheel gate and its hint, the reset button and the search box, in the view's language."""
    lang = view.lang
    words = {"hint": "map_wheel_hint", "reset": "map_reset_view", "search": "map_search", "none": "map_search_none",
             "more": "map_search_more"}
    return Controls(region, {k: t(key, lang, n="{n}") if k == "more" else t(key, lang) for k, key in words.items()})


def build_map(
    source: Assessment | View,
    *,
    layers: Sequence[LayerSpec] | None = None,
    filters: Filters | None = None,
    lang: str | None = None,
    basemap: str = "none",
    selected_county: str | None = None,
    focus: tuple[float, float] | str | None = None,
    asset_base: str | None = None,
    width: str | int = "100%",
    height: str | int = "100%",
) -> folium.Map:
    """Build the interactive four-colour map.

    Parameters
    ----------
    source
        A :class:`~riskmap.view.View` (its filters and language), or an assessment
        shown under ``filters`` in ``lang``.  Each layer applies the filters it lists.
    layers
        Layer specs to draw; default :func:`riskmap.layers.load_layers` of the built-in
        folder plus the workspace's own ``layers/`` folder.  Pass a subset to hide layers.
    filters, lang
        For an assessment: what to show (the legend counts follow it), and ``zh`` or
        ``en`` (layer names, legend, tooltips and popups).
    basemap
        ``none`` (default: a plain background, readable with no network), ``osm``,
        ``carto-light``, ``tianditu`` (key in ``TIANDITU_KEY``), ``gaode`` (GCJ-02
        tiles: every overlay is shifted into GCJ-02 to line up), or an XYZ template.
    selected_county
        A county code to outline (the county whose "why" panel is open).
    focus
        A point (lon, lat, WGS-84) to ring and open the map on, about 2 km around it,
        or a county code to outline (a warning's subject chosen on the page).
    asset_base
        Where the browser finds ``riskmap/static``: a URL prefix ending in ``/``.
        Default: the folder's ``file://`` URI (works for a file opened on this
        machine); :func:`save_standalone` inlines everything instead.
    width, height
        Size of the map element.

    Raises
    ------
    LayerSpecError
        A layer refers to a dataset, file or column that is not there.
    InputError
        Unknown basemap, a basemap key missing, or a language other than zh/en.
    """
    if lang is not None and lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    view = View.of(source, filters=filters, lang=lang)
    specs = _specs(view, layers)
    if isinstance(focus, str):
        selected_county, focus = focus, None
    # maxZoom must be set on the map itself: with no tile layer Leaflet has none, and
    # MarkerCluster refuses to work without it.  zoomSnap 0.25 lets the region fill
    # the view instead of jumping to the next whole zoom level.  Shapes and circles are
    # drawn on one canvas (Leaflet hit-tests it for tooltips, popups and clicks): at
    # province scale ~16,500 SVG elements took the browser twice as long to build and draw.
    m = folium.Map(location=None, tiles=None, control_scale=False, zoom_start=8, width=width, height=height,
                   prefer_canvas=True, zoom_snap=0.25, zoom_delta=0.5)
    m.options.update({"maxZoom": 18, "minZoom": 3})
    shift = add_basemap(m, basemap, view.lang)
    m.add_child(Helpers(BACKGROUND if basemap in (None, "", "none") else "#ddd"))
    _context_counties(m, view, specs, shift)
    _add_layers(m, view, specs, shift, selected_county)
    m.add_child(Legend(legend_html(view, specs)))
    folium.plugins.Fullscreen(position="topleft", title=t("map_full_screen", view.lang),
                              title_cancel=t("map_exit_full_screen", view.lang)).add_to(m)
    region = _region(view, shift)
    m.add_child(_controls(view, region))
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.fit_bounds(region)
    if focus is not None and np.isfinite(np.asarray(focus, dtype=float)).all():
        _focus(m, focus, shift)
    localize_assets(m, asset_base)
    return m


def _focus(m: folium.Map, point: tuple[float, float], shift: bool) -> None:
    """Ring a point and open the map around it (shifted into GCJ-02 on the ``gaode`` basemap)."""
    lon, lat = np.array([float(point[0])]), np.array([float(point[1])])
    if shift:
        lon, lat = coords.wgs84_to_gcj02(lon, lat)
    x, y = float(lon[0]), float(lat[0])
    folium.CircleMarker([y, x], radius=16, color="#000000", weight=3, fill=False, interactive=False).add_to(m)
    m.fit_bounds([[y - 0.02, x - 0.02], [y + 0.02, x + 0.02]])
