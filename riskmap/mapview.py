"""The interactive four-colour map (folium / Leaflet).

:func:`build_map` draws an :class:`~riskmap.assessment.Assessment` through the layer
specs of :mod:`riskmap.layers`: counties filled by grade, road units, enterprises,
hidden hazards, an accident heat map and any extra point layer, with a legend of the
grades and their counts, a layer control, a scale, a full-screen button, and the view
fitted to the region.  :func:`save_standalone` writes it as one HTML file that opens
from disk with no network.

Design notes
------------
* **No internet.**  Every script and stylesheet comes from ``riskmap/static`` (see its
  README); folium's CDN links are replaced element by element (:func:`localize_assets`),
  so a map can point at the files on disk, at URLs where a server publishes them (the
  Streamlit app), or have them inlined (:func:`standalone_html`).
* **Text is text.**  Every value and label shown in a tooltip, popup, legend or county
  label is ``html.escape``-d in Python; the browser only concatenates escaped strings.
* **Size.**  Layers are encoded compactly (a style table plus per-feature indices and
  values), coordinates are rounded to :data:`COORD_DECIMALS`, counties are simplified
  with ``shapely.coverage_simplify`` (still a valid coverage), and points are clustered,
  or counted in grid cells at province scale, so the page stays small and fast.
* No Streamlit here: the app passes ``asset_base`` so the browser fetches the vendored
  files from the Streamlit server.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import math
import os
import re
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import branca.element
import folium
import folium.elements
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Template

from riskmap.assessment import Assessment
from riskmap.errors import InputError, LayerSpecError, Problem
from riskmap.filters import Filters, apply_filters
from riskmap.grades import DEFAULT_COLOURS, GRADES, count_by_grade
from riskmap.i18n import (ACCIDENT_KIND_LABELS, HAZARD_LEVEL_LABELS, HAZARD_STATUS_LABELS,
                          SUPERVISION_LABELS, grade_label, label, sector_label, t)
from riskmap.layers import BUILTIN_DATASETS, LayerSpec, load_layers
from riskmap.sanitize import check_tile_url, jinja_inert

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

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""Folder of the vendored Leaflet assets."""

COORD_DECIMALS = 5
"""Decimals kept in coordinates sent to the browser (1e-5 degree is about 1 m)."""

ASSETS: dict[str, tuple[str, str]] = {
    "leaflet": ("js", "leaflet/leaflet.js"),
    "leaflet_css": ("css", "leaflet/leaflet.css"),
    "markercluster": ("js", "markercluster/leaflet.markercluster.js"),
    "markercluster_css": ("css", "markercluster/MarkerCluster.css"),
    "fullscreen": ("js", "fullscreen/Control.FullScreen.js"),
    "fullscreen_css": ("css", "fullscreen/Control.FullScreen.css"),
    "heat": ("js", "heat/leaflet-heat.js"),
}
"""Asset name → (kind, path under :data:`STATIC_DIR`)."""

# Which vendored assets each folium element needs.  Anything else that asks for a
# script is refused (see localize_assets) rather than silently left on a CDN.
_ELEMENT_ASSETS: list[tuple[type, tuple[str, ...], tuple[str, ...]]] = [
    (folium.Map, ("leaflet",), ("leaflet_css",)),
    (folium.plugins.Fullscreen, ("fullscreen",), ("fullscreen_css",)),
    (folium.plugins.HeatMap, ("heat",), ()),
]

BASEMAPS: dict[str, dict[str, Any]] = {
    "none": {},
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "&copy; OpenStreetMap contributors",
        "max_zoom": 19,
    },
    "carto-light": {
        "tiles": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attr": "&copy; OpenStreetMap contributors &copy; CARTO",
        "subdomains": "abcd",
        "max_zoom": 20,
    },
    "tianditu": {
        # Vector map plus its annotation layer; CGCS2000 ≈ WGS-84, so no shift.
        "tiles": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                 "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                 "&TILECOL={x}&tk={key}",
        "labels": "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                  "&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                  "&TILECOL={x}&tk={key}",
        "attr": "&copy; 天地图 Tianditu",
        "subdomains": "01234567",
        "max_zoom": 18,
        "key_env": "TIANDITU_KEY",
    },
    "gaode": {
        # Amap tiles are drawn in GCJ-02: every overlay is shifted into GCJ-02 too.
        "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "attr": "&copy; 高德地图 AutoNavi",
        "subdomains": "1234",
        "max_zoom": 18,
        "gcj02": True,
    },
}
"""Named basemaps; any other value containing ``{z}``, ``{x}`` and ``{y}`` is an XYZ template."""

BACKGROUND = "#f3f1ec"
"""Map background when there are no tiles (``basemap="none"``): plain and readable."""

_METHOD_LABELS = {
    "lec": ("LEC 法", "LEC"),
    "matrix": ("风险矩阵", "risk matrix"),
    "baseline": ("行业基准", "sector baseline"),
}

_MAP_STRINGS = {
    "legend_counties": ("区县", "counties"),
    "legend_enterprises": ("企业", "enterprises"),
    "legend_roads": ("道路单元", "road units"),
    "aggregated": ("{n} 家（网格汇总）", "{n} (grid cell)"),
    "accident_prone_legend": ("事故多发路段", "accident-prone road unit"),
    "overdue_legend": ("逾期（黑圈）", "overdue (black ring)"),
}


def _s(key: str, lang: str, **fmt) -> str:
    zh, en = _MAP_STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


# --------------------------------------------------------------------------- values

def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).isin(["", "nan", "None", "NaT", "<NA>"])


def _labels_of(table: Mapping[str, tuple[str, str]], lang: str) -> Callable[[Any], str]:
    return lambda v: label(table, v, lang)


def _format_unique(values: pd.Series, fmt: str, lang: str, digits: int) -> pd.Series:
    """Format distinct, non-missing values (the slow per-value work happens once each)."""
    if fmt in ("int", "float", "km", "percent"):
        numbers = pd.to_numeric(values, errors="coerce")
        if fmt == "km":
            numbers = numbers / 1000.0
        if fmt == "percent":
            numbers = numbers * 100.0
        if fmt == "int":
            return numbers.map(lambda x: "" if pd.isna(x) else f"{int(round(x)):d}")
        suffix = "%" if fmt == "percent" else ""
        return numbers.map(lambda x: "" if pd.isna(x) else f"{x:.{digits}f}{suffix}")
    if fmt == "date":
        dates = pd.to_datetime(values, errors="coerce")
        return dates.dt.strftime("%Y-%m-%d").fillna("")
    if fmt == "bool":
        yes, no = t("yes", lang), t("no", lang)
        return values.map(lambda v: yes if bool(v) and str(v).lower() not in ("false", "0") else no)
    mapper: Callable[[Any], str] = {
        "grade": lambda v: grade_label(v, lang),
        "sector": lambda v: sector_label(v, lang),
        "hazard_level": _labels_of(HAZARD_LEVEL_LABELS, lang),
        "hazard_status": _labels_of(HAZARD_STATUS_LABELS, lang),
        "supervision": _labels_of(SUPERVISION_LABELS, lang),
        "accident_kind": _labels_of(ACCIDENT_KIND_LABELS, lang),
        "method": _labels_of(_METHOD_LABELS, lang),
    }.get(fmt, str)
    return values.map(mapper)


def format_value(series: pd.Series, fmt: str, *, lang: str = "zh", digits: int = 1,
                 escape: bool = False) -> pd.Series:
    """Format a column for display; missing values become ``""``.

    Parameters
    ----------
    series
        The values.
    fmt
        One of :data:`riskmap.layers.FORMATS`.
    lang
        ``zh`` or ``en`` (labels of keys such as grades and sectors).
    digits
        Decimals for ``float``, ``km`` and ``percent``.
    escape
        ``html.escape`` the results (for tooltips and popups).
    """
    # Each distinct value is formatted (and escaped) once: a province has 200,000
    # enterprises but only a handful of grades, sectors and dates.
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    uniques = pd.Series(uniques, dtype=object)
    blank = _blank(uniques)
    out = _format_unique(uniques.where(~blank), fmt, lang, digits).astype(object).where(~blank, "")
    text = [str(v) if v is not None else "" for v in out]
    if escape:
        text = [html.escape(v, quote=True) for v in text]
    table = np.array(text + [""], dtype=object)  # code -1 (missing) takes the last entry
    return pd.Series(table[codes], index=series.index, dtype=object)


def _escape(values: Iterable[str]) -> list[str]:
    return [html.escape(v, quote=True) for v in values]


def _js(obj: Any) -> str:
    """JSON for embedding in a ``<script>``: no ``</script>`` or line separators inside.

    Values of type :class:`_RawJSON` (already serialised and escaped) are spliced in.
    """
    raw: dict[str, str] = {}

    def default(value: Any) -> Any:
        if isinstance(value, _RawJSON):
            marker = f"\u0000raw{len(raw)}\u0000"
            raw[marker] = str(value)
            return marker
        raise TypeError(f"cannot serialise {type(value).__name__}")

    if isinstance(obj, dict) and any(isinstance(v, _RawJSON) for v in obj.values()):
        obj = {k: (default(v) if isinstance(v, _RawJSON) else v) for k, v in obj.items()}
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for marker, value in raw.items():
        text = text.replace(json.dumps(marker), value)
    return jinja_inert(text).replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --------------------------------------------------------------------------- data

def _restrict(filters: Filters | None, allowed: Sequence[str]) -> Filters | None:
    """Keep only the filters a layer says apply to it."""
    if filters is None:
        return None
    drop: dict[str, Any] = {}
    for name in ("sectors", "counties", "grades", "hazard_statuses"):
        if name not in allowed:
            drop[name] = None
    if "dates" not in allowed:
        drop["date_from"] = None
        drop["date_to"] = None
    return dataclasses.replace(filters, **drop)


def _read_layer_file(spec: LayerSpec, workspace: Path) -> gpd.GeoDataFrame:
    """Read a layer's own ``path`` (a workspace file) into WGS-84 points or shapes.

    The file goes through the workspace's reader, so it is opened only as the format
    its extension names (:mod:`riskmap.formats`).
    """
    from riskmap import coords, formats
    from riskmap.workspace import read_table

    try:
        formats.check_path_text(spec.path)
    except formats.FormatRefused as exc:
        raise LayerSpecError(f"{spec.source}: key 'path': {exc.text('en')}",
                             [Problem("error", spec.source, exc.text("en"), column="path", value=spec.path)]) from None
    path = (workspace / spec.path).resolve()
    if not path.is_relative_to(workspace.resolve()):
        raise LayerSpecError(f"{spec.source}: key 'path': leaves the workspace",
                             [Problem("error", spec.source, "path leaves the workspace", column="path")])
    if not path.is_file():
        message = f"file '{spec.path}' not found in the workspace {workspace}"
        raise LayerSpecError(f"{spec.source}: key 'path': {message}",
                             [Problem("error", spec.source, message, column="path", value=spec.path)])
    frame, _unit = read_table(path, spec.path, {}, "en")
    if not isinstance(frame, gpd.GeoDataFrame):
        missing = [c for c in (spec.lon, spec.lat) if c not in frame.columns]
        if missing:
            message = f"'{spec.path}' has no column {missing[0]!r} (set lon/lat in the layer file)"
            raise LayerSpecError(f"{spec.source}: key '{'lon' if missing[0] == spec.lon else 'lat'}': {message}",
                                 [Problem("error", spec.source, message, column="lon")])
        lon = pd.to_numeric(frame[spec.lon], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(frame[spec.lat], errors="coerce").to_numpy(float)
        lon, lat = coords.to_wgs84(lon, lat, spec.crs or "EPSG:4326")
        return gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=4326)
    if spec.crs and coords.is_special_crs(spec.crs):
        geoms = coords.transform_geometries(frame.geometry.to_numpy(),
                                            coords.gcj02_to_wgs84 if coords.check_crs(spec.crs) == "gcj02" else coords.bd09_to_wgs84)
        return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=list(geoms), crs=4326)
    if spec.crs:
        frame = frame.set_crs(spec.crs, allow_override=True)
    elif frame.crs is None:
        frame = frame.set_crs(4326)
    return frame.to_crs(4326)


def _generic_filter(frame: gpd.GeoDataFrame, spec: LayerSpec, filters: Filters | None,
                    counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Apply the filters to a dataset outside the assessment, column by column."""
    if filters is None or not filters.active:
        return frame
    if "sectors" in spec.filters and filters.sectors is not None and "sector" in frame:
        frame = frame[frame["sector"].isin(filters.sectors)]
    if "grades" in spec.filters and filters.grades is not None and "grade" in frame:
        frame = frame[frame["grade"].isin(filters.grades)]
    if "hazard_statuses" in spec.filters and filters.hazard_statuses is not None and "status" in frame:
        frame = frame[frame["status"].isin(filters.hazard_statuses)]
    if "counties" in spec.filters and filters.counties is not None:
        if "county_code" in frame:
            frame = frame[frame["county_code"].astype(str).isin(filters.counties)]
        elif len(frame):
            # No county column: keep what lies in the chosen counties.
            chosen = counties[counties["county_code"].isin(filters.counties)]
            area = shapely.union_all(chosen.geometry.to_numpy()) if len(chosen) else shapely.Polygon()
            frame = frame[shapely.intersects(frame.geometry.to_numpy(), area)]
    if "dates" in spec.filters and spec.date_column and spec.date_column in frame:
        dates = pd.to_datetime(frame[spec.date_column], errors="coerce")
        keep = pd.Series(True, index=frame.index)
        if filters.date_from is not None:
            keep &= dates >= pd.Timestamp(filters.date_from)
        if filters.date_to is not None:
            keep &= dates <= pd.Timestamp(filters.date_to)
        frame = frame[keep]
    return frame


def _where(frame: pd.DataFrame, spec: LayerSpec) -> pd.DataFrame:
    for column, wanted in spec.where.items():
        if column not in frame.columns:
            message = f"column {column!r} is not in dataset '{spec.key}'"
            raise LayerSpecError(f"{spec.source}: key 'where.{column}': {message}",
                                 [Problem("error", spec.source, message, column=f"where.{column}")])
        allowed = wanted if isinstance(wanted, list) else [wanted]
        values = frame[column]
        if values.dtype == bool or all(isinstance(a, bool) for a in allowed):
            values = values.fillna(False).astype(bool)
        frame = frame[values.isin(allowed)]
    return frame


def layer_frame(assessment: Assessment, spec: LayerSpec, filters: Filters | None = None, *,
                _cache: dict | None = None) -> gpd.GeoDataFrame:
    """Return the rows a layer draws: its dataset, filtered as the layer says, in WGS-84.

    Parameters
    ----------
    assessment
        The (unfiltered) assessment.
    spec
        The layer.
    filters
        The filters chosen; only those listed in ``spec.filters`` act.
    """
    cache = {} if _cache is None else _cache
    sub = _restrict(filters, spec.filters)
    if spec.dataset in BUILTIN_DATASETS:
        key = ("filtered", sub)
        if key not in cache:
            cache[key] = apply_filters(assessment, sub)
        frame = getattr(cache[key], spec.dataset)
    else:
        if spec.dataset is not None:
            extra = getattr(assessment, "extra", None) or {}
            if spec.dataset not in extra:
                message = (f"dataset '{spec.dataset}' is not in the workspace "
                           f"(add [datasets.{spec.dataset}] to riskmap.toml, or give path = ...)")
                raise LayerSpecError(f"{spec.source}: key 'dataset': {message}",
                                     [Problem("error", spec.source, message, column="dataset", value=spec.dataset)])
            frame = extra[spec.dataset]
        else:
            key = ("file", spec.id, spec.path)
            if key not in cache:
                cache[key] = _read_layer_file(spec, Path(assessment.info.path))
            frame = cache[key]
        frame = _generic_filter(frame, spec, sub, assessment.counties)
    frame = _where(frame, spec)
    if len(frame):
        # Nothing to draw for a record without a place (None, empty or NaN
        # coordinates, e.g. a hazard with neither enterprise nor location); the
        # tables still list it.
        drawable = np.isfinite(shapely.bounds(frame.geometry.to_numpy())).all(axis=1)
        if not drawable.all():
            frame = frame[drawable]
    return frame


# --------------------------------------------------------------------------- geometry

def _transform(geoms: np.ndarray, shift: bool) -> np.ndarray:
    if not shift or len(geoms) == 0:
        return geoms
    from riskmap import coords

    return coords.transform_geometries(geoms, coords.wgs84_to_gcj02)


def _round(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, COORD_DECIMALS))


_SIMPLIFIED: dict[str, np.ndarray] = {}


def _simplified_counties(counties: gpd.GeoDataFrame) -> pd.Series:
    """County shapes simplified for display, as a valid coverage, cached by content.

    The tolerance is 1/5000 of the region's diagonal: well under a pixel when the whole
    region fills the map, so the outline looks unchanged while the vertices drop.
    """
    geoms = counties.geometry.to_numpy()
    if len(geoms) == 0:
        return pd.Series([], dtype=object, index=counties.index)
    key = hashlib.sha1(b"".join(shapely.to_wkb(geoms))).hexdigest()
    if key not in _SIMPLIFIED:
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        tolerance = math.hypot(maxx - minx, maxy - miny) / 5000.0
        try:
            simple = shapely.coverage_simplify(geoms, tolerance)
            if not shapely.is_valid(simple).all():
                raise ValueError("invalid after simplify")
        except Exception:  # not a clean coverage: fall back to per-shape simplification
            simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
        if len(_SIMPLIFIED) > 8:
            _SIMPLIFIED.clear()
        _SIMPLIFIED[key] = simple
    return pd.Series(_SIMPLIFIED[key], index=counties.index)


# --------------------------------------------------------------------------- styles

def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _by_value(setting: Any, value: Any, default: Any) -> Any:
    if isinstance(setting, Mapping):
        return setting.get(str(value), setting.get("default", default))
    return default if setting is None else setting


def _colour_table(spec: LayerSpec) -> tuple[str | None, dict[str, str], list[str]]:
    """Return (colour column, value → colour, values in priority order, highest first)."""
    style = spec.style
    column = style.get("colour_by")
    if column == "grade":
        colours = dict(DEFAULT_COLOURS)
        colours.update(style.get("colours", {}))
        return column, colours, list(GRADES)
    colours = dict(style.get("colours", {}))
    return column, colours, list(colours)


def _match(frame: pd.DataFrame, when: Mapping[str, Any]) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for column, wanted in when.items():
        if column not in frame:
            return np.zeros(len(frame), dtype=bool)
        allowed = wanted if isinstance(wanted, list) else [wanted]
        values = frame[column]
        if all(isinstance(a, bool) for a in allowed):
            values = values.fillna(False).astype(bool)
        mask = mask & values.isin(allowed).to_numpy()
    return mask


def _feature_styles(frame: pd.DataFrame, spec: LayerSpec, *, selected: np.ndarray | None = None
                    ) -> tuple[np.ndarray, list[dict]]:
    """Style each row; return per-row indices into a small table of distinct styles.

    A style is ``{c: fill/line colour, o: outline, w: weight, r: radius, fo, op, dash,
    p: priority (for cluster colours), tc: text colour on c}``.
    """
    style = spec.style
    column, colours, priority = _colour_table(spec)
    default_colour = style.get("colour", "#607D8B")
    n = len(frame)
    if column and column in frame:
        keys = frame[column].astype(object).where(frame[column].notna(), "").astype(str).to_numpy()
    else:
        keys = np.full(n, "", dtype=object)
    emphasis = style.get("emphasis", [])
    masks = [_match(frame, rule["when"]) for rule in emphasis]
    combo = np.zeros(n, dtype=np.int64)
    for i, mask in enumerate(masks):
        combo |= mask.astype(np.int64) << i
    sel = np.zeros(n, dtype=bool) if selected is None else selected
    combo |= sel.astype(np.int64) << len(masks)
    table: list[dict] = []
    index: dict[tuple, int] = {}
    out = np.zeros(n, dtype=np.int32)
    codes, uniques = pd.factorize(pd.Series(list(zip(keys, combo))), sort=False)
    for code, (key, bits) in enumerate(uniques):
        c = colours.get(key, default_colour)
        entry = {
            "c": c,
            "o": style.get("outline", c if spec.geometry != "polygon" else "#4d4d4d"),
            "w": float(_by_value(style.get("weight"), key, 1.0 if spec.geometry != "line" else 3.0)),
            "r": float(_by_value(style.get("radius"), key, 5.0)),
            "fo": float(style.get("fill_opacity", 0.45 if spec.geometry == "polygon" else 0.85)),
            "op": float(style.get("opacity", 1.0)),
            "dash": style.get("dash"),
            "p": len(priority) - priority.index(key) if key in priority else 0,
            "tc": "#111" if _luminance(c) > 0.55 else "#fff",
            "casing": None,
        }
        for i, rule in enumerate(emphasis):
            if bits >> i & 1:
                for k_rule, k_style in (("radius", "r"), ("weight", "w"), ("dash", "dash"),
                                        ("colour", "c"), ("opacity", "op"), ("fill_opacity", "fo")):
                    if k_rule in rule:
                        entry[k_style] = rule[k_rule]
                if "outline" in rule:
                    # Lines get a casing drawn underneath; points and polygons an outline.
                    if spec.geometry == "line":
                        entry["casing"] = rule["outline"]
                    else:
                        entry["o"] = rule["outline"]
        if bits >> len(emphasis) & 1:
            entry["o"] = style.get("highlight_colour", "#111111")
            entry["w"] = float(style.get("highlight_weight", 4))
        ident = tuple(sorted(entry.items(), key=lambda kv: kv[0]))
        ident = tuple((k, json.dumps(v)) for k, v in ident)
        if ident not in index:
            index[ident] = len(table)
            table.append(entry)
        out[codes == code] = index[ident]
    return out, table


# --------------------------------------------------------------------------- fields

def _field_values(frame: pd.DataFrame, spec: LayerSpec, lang: str
                  ) -> tuple[list[str], list[int], list[int], list[list], list[list[str] | None]]:
    """Escaped labels, tooltip and popup indices, values per row and value tables.

    A field with few distinct values (grades, sectors, county names) is sent as a table
    of its escaped strings plus an index per row; other fields as escaped strings.
    """
    fields = []
    seen: dict[tuple, int] = {}
    tip_idx: list[int] = []
    pop_idx: list[int] = []
    for target, items in ((tip_idx, spec.tooltip), (pop_idx, spec.popup)):
        for f in items:
            if f.column not in frame.columns:
                continue  # an optional column this dataset lacks: leave the row out
            ident = (f.column, f.format, f.digits, f.label(lang))
            if ident not in seen:
                seen[ident] = len(fields)
                fields.append(f)
            target.append(seen[ident])
    labels = _escape(f.label(lang) for f in fields)
    columns: list[list] = []
    dicts: list[list[str] | None] = []
    for f in fields:
        text = format_value(frame[f.column], f.format, lang=lang, digits=f.digits, escape=True)
        codes, uniques = pd.factorize(text)
        if len(text) >= 20 and len(uniques) <= len(text) // 4:
            columns.append(codes.tolist())
            dicts.append([str(u) for u in uniques])
        else:
            columns.append(text.tolist())
            dicts.append(None)
    values = [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(frame))]
    return labels, tip_idx, pop_idx, values, dicts


# --------------------------------------------------------------------------- elements

_HELPERS_JS = r"""
window.RiskMap = window.RiskMap || (function () {
  function val(d, v, i) {
    // A number stands for an entry of the field's table of distinct values.
    var x = v[i];
    return typeof x === 'number' ? d.dicts[i][x] : x;
  }
  function table(d, v, idx) {
    var h = '';
    for (var k = 0; k < idx.length; k++) {
      var i = idx[k], x = val(d, v, i);
      if (x !== '') h += '<tr><th>' + d.labels[i] + '</th><td>' + x + '</td></tr>';
    }
    return '<table class="rm-table">' + h + '</table>';
  }
  function bind(layer, d, v, withTitle) {
    // Values and labels arrive html-escaped from Python; here they are only joined.
    if (d.tip.length) layer.bindTooltip(function () { return table(d, v, d.tip); }, {sticky: true});
    if (d.pop.length) layer.bindPopup(function () {
      var title = withTitle && d.pop.length ? val(d, v, d.pop[0]) : '';
      return (title ? '<div class="rm-title">' + title + '</div>' : '') + table(d, v, d.pop);
    }, {maxWidth: 360});
  }
  function pathStyle(s) {
    return {color: s.o, weight: s.w, opacity: s.op, fillColor: s.c, fillOpacity: s.fo, dashArray: s.dash};
  }
  function clusterIcon(styles) {
    return function (cluster) {
      var ms = cluster.getAllChildMarkers(), best = null;
      for (var i = 0; i < ms.length; i++) {
        var s = styles[ms[i].options.rmStyle];
        if (s && (best === null || s.p > best.p)) best = s;
      }
      best = best || styles[0];
      var n = cluster.getChildCount(), size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 44;
      return L.divIcon({
        html: '<div style="background:' + best.c + ';color:' + best.tc + '"><span>' + n + '</span></div>',
        className: 'rm-cluster', iconSize: L.point(size, size)});
    };
  }
  function geo(d) {
    var group = L.featureGroup();
    if (d.casing) {
      L.geoJSON(d.geojson, {
        filter: function (f) { return !!d.styles[f.properties.s].casing; },
        style: function (f) { var s = d.styles[f.properties.s];
          return {color: s.casing, weight: s.w + 3, opacity: 0.9, dashArray: s.dash, lineCap: 'butt'}; },
        interactive: false}).addTo(group);
    }
    L.geoJSON(d.geojson, {
      style: function (f) { var s = d.styles[f.properties.s];
        var st = pathStyle(s); if (d.kind === 'line') { st.dashArray = null; } return st; },
      onEachFeature: function (f, layer) {
        layer.options.rmKey = f.properties.k;
        bind(layer, d, f.properties.v, false);
      }}).addTo(group);
    for (var i = 0; i < (d.names || []).length; i++) {
      var a = d.names[i];
      L.marker([a[0], a[1]], {interactive: false, keyboard: false,
        icon: L.divIcon({className: 'rm-label', html: a[2], iconSize: null})}).addTo(group);
    }
    return group;
  }
  function points(d) {
    var group = d.cluster ? L.markerClusterGroup({
        maxClusterRadius: d.cluster.radius, disableClusteringAtZoom: d.cluster.disable_at,
        chunkedLoading: true, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
        iconCreateFunction: clusterIcon(d.styles)}) : L.featureGroup();
    var markers = [];
    for (var i = 0; i < d.rows.length; i++) {
      var r = d.rows[i], s = d.styles[r[2]];
      var m = L.circleMarker([r[0], r[1]], {radius: s.r, color: s.o, weight: s.w, opacity: s.op,
        fillColor: s.c, fillOpacity: s.fo, dashArray: s.dash, rmStyle: r[2]});
      bind(m, d, r[3], true);
      markers.push(m);
    }
    if (d.cluster) { group.addLayers(markers); } else { for (var j = 0; j < markers.length; j++) markers[j].addTo(group); }
    if (!(d.cells || []).length) return group;
    // Grid cells (province scale): one circle per cell, sized by its count, kept out
    // of the cluster group (they are already a summary).
    var all = L.featureGroup([group]);
    for (var c = 0; c < d.cells.length; c++) {
      var e = d.cells[c], cs = d.styles[e[2]];
      L.circleMarker([e[0], e[1]], {radius: e[3], color: '#ffffff', weight: 0.6, fillColor: cs.c,
        fillOpacity: 0.75}).bindTooltip(e[4]).addTo(all);
    }
    return all;
  }
  return {table: table, geo: geo, points: points};
})();
"""

_CSS = """
<style>
  .leaflet-container { background: %(background)s; font-family: "Noto Sans CJK SC", "Microsoft YaHei",
      "PingFang SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
  .rm-table { border-collapse: collapse; font-size: 12px; }
  .rm-table th { text-align: left; padding: 1px 8px 1px 0; color: #555; font-weight: normal; white-space: nowrap; vertical-align: top; }
  .rm-table td { padding: 1px 0; max-width: 260px; }
  .rm-title { font-weight: bold; margin-bottom: 4px; }
  .rm-label { font-size: 12px; font-weight: bold; color: #222; white-space: nowrap; text-align: center;
      text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; transform: translate(-50%%, -50%%); pointer-events: none; }
  .rm-cluster { background: rgba(255,255,255,0.6); border-radius: 50%%; }
  .rm-cluster div { width: calc(100%% - 6px); height: calc(100%% - 6px); margin: 3px; border-radius: 50%%;
      text-align: center; font: bold 12px/1 sans-serif; display: flex; align-items: center; justify-content: center; }
  .rm-legend { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 4px;
      box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px; line-height: 1.5; }
  .rm-legend .rm-legend-title { font-weight: bold; margin-bottom: 2px; }
  .rm-legend table { border-collapse: collapse; }
  .rm-legend td { padding: 0 4px; white-space: nowrap; }
  .rm-legend td.rm-n { text-align: right; font-variant-numeric: tabular-nums; }
  .rm-legend th { font-weight: normal; color: #666; padding: 0 4px; text-align: right; }
  .rm-swatch { display: inline-block; width: 14px; height: 11px; border: 1px solid #555; vertical-align: middle; }
  .rm-dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%%; vertical-align: middle; }
</style>
"""


class _Raw(branca.element.Element):
    """Text put into the page as it is (not parsed as a template)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        self._name = "RiskMapRaw"
        self.text = text


class _Helpers(branca.element.MacroElement):
    """Shared JavaScript (the layer builders) and CSS; added once, before the layers.

    The JavaScript sits in the ``script`` macro, not the header: streamlit-folium
    injects the header with ``innerHTML``, where scripts do not run.
    """

    _template = Template("""
{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}
""")

    def __init__(self, background: str):
        super().__init__()
        self._name = "RiskMapHelpers"
        self.css = _CSS % {"background": background}
        self.js = _HELPERS_JS


class _DataLayer(folium.elements.JSCSSMixin, folium.map.Layer):
    """A layer drawn by the helpers from a compact JSON payload (one per layer spec)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = window.RiskMap.{{ this.builder }}({{ this.payload }});
{% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
{% endmacro %}
""")

    def __init__(self, name: str, builder: str, payload: dict, *, show: bool, cluster: bool = False):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "RiskMapLayer"
        self.builder = builder
        self.payload = payload.text if isinstance(payload, _Payload) else _js(payload)
        self.cluster = cluster
        self.default_js = [("markercluster", "")] if cluster else []
        self.default_css = [("markercluster_css", "")] if cluster else []

    def render(self, **kwargs):
        # As JSCSSMixin/MacroElement.render, but the script goes in as plain text: the
        # stock path wraps it in a new Jinja template (slow for megabytes of data).
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(branca.element.JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(branca.element.CssLink(url), name=name)
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(script(self, kwargs)), name=self.get_name())


class _Legend(branca.element.MacroElement):
    """The four-colour legend (a Leaflet control) with counts per grade."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'rm-legend');
    div.innerHTML = {{ this.content }};
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
  L.control.scale({imperial: false, position: 'bottomleft'}).addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

    def __init__(self, content_html: str):
        super().__init__()
        self._name = "RiskMapLegend"
        self.content = _js(content_html)


# --------------------------------------------------------------------------- layers

class _RawJSON(str):
    """Already serialised JSON to splice into a payload (GeoJSON from GEOS)."""


def _geojson(geoms: np.ndarray, props: list[str]) -> _RawJSON:
    # GEOS writes each geometry's JSON (fast, already rounded); only the small
    # properties go through Python's json.
    texts = shapely.to_geojson(geoms)
    features = ",".join(f'{{"type":"Feature","geometry":{g},"properties":{p}}}' for g, p in zip(texts, props))
    return _RawJSON('{"type":"FeatureCollection","features":[' + features + "]}")


def _merge_lines(frame: gpd.GeoDataFrame, geoms: np.ndarray, style_idx: np.ndarray, values: list[list[str]],
                 by: str) -> tuple[np.ndarray, np.ndarray, list[list[str]], list[int]]:
    """Merge the units of one road (``by``) that share a style into one feature.

    A field keeps its value where all merged units agree (the road name, the grade)
    and is left blank where they differ (unit ids, lengths).
    """
    keys = frame[by].astype(str).to_numpy() if by in frame else np.arange(len(frame)).astype(str)
    group, _ = pd.factorize(pd.Series(keys) + "\x00" + pd.Series(style_idx.astype(str)))
    order = np.argsort(group, kind="stable")
    merged = shapely.multilinestrings(geoms[order], indices=group[order])
    merged = shapely.line_merge(merged)
    n_groups = int(group.max()) + 1 if len(group) else 0
    first = pd.Series(np.arange(len(group))).groupby(group).first().to_numpy()
    out_style = style_idx[first]
    table = pd.DataFrame(values) if values and values[0] else pd.DataFrame(index=range(len(group)))
    if table.shape[1]:
        same = table.groupby(group).nunique() <= 1
        firsts = table.groupby(group).first()
        merged_values = firsts.where(same, "").to_numpy().tolist()
    else:
        merged_values = [[] for _ in range(n_groups)]
    counts = pd.Series(group).value_counts().sort_index().tolist()
    return merged, out_style, merged_values, counts


def _geo_payload(frame: gpd.GeoDataFrame, spec: LayerSpec, lang: str, shift: bool,
                 selected_county: str | None, simplified: pd.Series | None,
                 bounds: tuple[float, float, float, float]) -> dict:
    style = spec.style
    aggregated = False
    if spec.geometry == "line" and style.get("aggregate_above") is not None and len(frame) > style["aggregate_above"]:
        # Province scale: draw only the grades that matter (plus emphasised units,
        # e.g. accident-prone ones), merged per road.  Filtering to a county brings
        # the count under the threshold and every unit back.
        aggregated = True
        keep = style.get("aggregate_keep")
        if keep and style.get("colour_by") in frame:
            mask = frame[style["colour_by"]].isin(keep).to_numpy().copy()
            for rule in style.get("emphasis", []):
                mask |= _match(frame, rule["when"])
            frame = frame[mask]
    selected = None
    if spec.geometry == "polygon" and selected_county is not None and "county_code" in frame:
        selected = (frame["county_code"].astype(str) == str(selected_county)).to_numpy()
    style_idx, styles = _feature_styles(frame, spec, selected=selected)
    labels, tip, pop, values, dicts = _field_values(frame, spec, lang)
    geoms = frame.geometry.to_numpy()
    if simplified is not None:
        geoms = simplified.reindex(frame.index).to_numpy()
    keys = frame["county_code"].astype(str).tolist() if spec.geometry == "polygon" and "county_code" in frame else None
    if spec.geometry == "line" and len(geoms):
        minx, miny, maxx, maxy = bounds
        # Drop vertices the eye cannot see: ~1 m normally, 1/5000 of the region when
        # the whole province's roads are drawn at once.
        tolerance = math.hypot(maxx - minx, maxy - miny) / 5000.0 if aggregated else 10 ** -COORD_DECIMALS
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=False)
        if aggregated:
            geoms, style_idx, values, _counts = _merge_lines(frame, geoms, style_idx, values,
                                                            style.get("aggregate_by", "segment_id"))
    geoms = _round(_transform(geoms, shift))
    props = []
    for i in range(len(geoms)):
        p = {"s": int(style_idx[i]), "v": values[i]}
        if keys is not None:
            p["k"] = keys[i]
        props.append(_js(p))
    payload = {
        "kind": spec.geometry,
        "geojson": _geojson(geoms, props),
        "styles": styles,
        "labels": labels,
        "dicts": dicts,
        "tip": tip,
        "pop": pop,
        "casing": any(s.get("casing") for s in styles),
        "thinned": aggregated and bool(style.get("aggregate_keep")),
    }
    if spec.geometry == "polygon" and style.get("labels", False):
        column = style.get("label_column", "county_name")
        if column in frame:
            anchors = _round(_transform(shapely.point_on_surface(frame.geometry.to_numpy()), shift))
            xy = shapely.get_coordinates(anchors)
            names = format_value(frame[column], "text", escape=True).tolist()
            payload["names"] = [[float(y), float(x), n] for (x, y), n in zip(xy, names)]
    return payload


def _point_xy(frame: gpd.GeoDataFrame, shift: bool) -> np.ndarray:
    geoms = frame.geometry.to_numpy()
    # Non-point shapes (a school campus polygon) are drawn at a point on their surface.
    if len(geoms) and not (shapely.get_type_id(geoms) == 0).all():
        geoms = shapely.point_on_surface(geoms)
    geoms = _transform(geoms, shift)
    return np.round(shapely.get_coordinates(geoms), COORD_DECIMALS)


def _cells(frame: gpd.GeoDataFrame, xy: np.ndarray, style_idx: np.ndarray, styles: list[dict],
           spec: LayerSpec, bounds: tuple[float, float, float, float], lang: str) -> list[list]:
    """Count points in grid cells: one marker per cell, coloured by its highest style."""
    minx, miny, maxx, maxy = bounds
    cells_across = int(spec.style.get("aggregate_cells", 160))
    size = max(maxx - minx, maxy - miny, 1e-6) / cells_across
    ix = np.floor((xy[:, 0] - minx) / size).astype(np.int64)
    iy = np.floor((xy[:, 1] - miny) / size).astype(np.int64)
    cell_id, _ = pd.factorize(pd.Series(ix) * 1_000_003 + pd.Series(iy))
    priority = np.array([styles[i]["p"] for i in range(len(styles))])[style_idx]
    column, _colours, prio = _colour_table(spec)
    keys = frame[column].astype(str).to_numpy() if column and column in frame else np.full(len(frame), "")
    data = pd.DataFrame({"c": cell_id, "x": xy[:, 0], "y": xy[:, 1], "p": priority, "s": style_idx, "key": keys})
    summary = data.groupby("c").agg(x=("x", "mean"), y=("y", "mean"), n=("x", "size"))
    best = data.sort_values("p", ascending=False).groupby("c")["s"].first()
    by_key = data.groupby(["c", "key"]).size().unstack(fill_value=0)
    fmt = "grade" if column == "grade" else ("hazard_level" if column == "level" else "text")
    order = [k for k in prio if k in by_key.columns] + [k for k in by_key.columns if k not in prio]
    names = dict(zip(order, format_value(pd.Series(order, dtype=object), fmt, lang=lang, escape=True)))
    rows = pd.Series("", index=by_key.index)
    for k in order:  # a handful of keys: build each cell's table row by row, vectorised over cells
        counts = by_key[k]
        rows = rows + np.where(counts > 0, f"<tr><th>{names[k]}</th><td>" + counts.astype(str) + "</td></tr>", "")
    title = html.escape(spec.title(lang))
    heads = summary["n"].map(lambda n: f'<div class="rm-title">{title}: {html.escape(_s("aggregated", lang, n=int(n)))}</div>')
    tips = heads + '<table class="rm-table">' + rows.reindex(summary.index) + "</table>"
    radius = np.minimum(16.0, 3.0 + 2.2 * np.sqrt(summary["n"].to_numpy())).round(1)
    return [[round(float(y), COORD_DECIMALS), round(float(x), COORD_DECIMALS), int(s), float(r), tip]
            for x, y, s, r, tip in zip(summary["x"], summary["y"], best.reindex(summary.index), radius, tips)]


def _points_payload(frame: gpd.GeoDataFrame, spec: LayerSpec, lang: str, shift: bool,
                    bounds: tuple[float, float, float, float]) -> tuple[dict, bool]:
    style = spec.style
    style_idx, styles = _feature_styles(frame, spec)
    xy = _point_xy(frame, shift)
    n = len(frame)
    aggregate_above = style.get("aggregate_above")
    individual = np.ones(n, dtype=bool)
    cells: list[list] = []
    if aggregate_above is not None and n > aggregate_above:
        keep = style.get("aggregate_keep", [])
        column = style.get("colour_by")
        if keep and column and column in frame:
            individual = frame[column].isin(keep).to_numpy()
        else:
            individual = np.zeros(n, dtype=bool)
        rest = ~individual
        if rest.any():
            cells = _cells(frame[rest], xy[rest], style_idx[rest], styles, spec, bounds, lang)
    sub = frame[individual]
    labels, tip, pop, values, dicts = _field_values(sub, spec, lang)
    xs, ys, sidx = xy[individual, 0], xy[individual, 1], style_idx[individual]
    rows = [[float(y), float(x), int(s), v] for x, y, s, v in zip(xs, ys, sidx, values)]
    cluster_above = style.get("cluster_above")
    cluster = cluster_above is not None and len(rows) > cluster_above
    payload = {
        "rows": rows,
        "cells": cells,
        "styles": styles,
        "labels": labels,
        "dicts": dicts,
        "tip": tip,
        "pop": pop,
        "cluster": {"radius": int(style.get("cluster_radius", 45)),
                    "disable_at": int(style["disable_clustering_at_zoom"]) if "disable_clustering_at_zoom" in style else None}
        if cluster else None,
    }
    return payload, cluster


def _heat_data(frame: gpd.GeoDataFrame, spec: LayerSpec, shift: bool,
               bounds: tuple[float, float, float, float]) -> dict:
    """Heat-map points ``[lat, lon, weight]`` and the HeatMap options of a layer."""
    style = spec.style
    xy = _point_xy(frame, shift)
    weight = np.full(len(frame), float(style.get("weight_base", 1.0)))
    column = style.get("weight_column")
    if column and column in frame:
        extra = pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy(float)
        weight = weight + float(style.get("weight_factor", 1.0)) * extra
    # Many points: sum the weights in small cells (a heat map cannot show finer anyway).
    if len(xy) > 20000:
        minx, miny, maxx, maxy = bounds
        size = max(maxx - minx, maxy - miny, 1e-6) / 160.0
        grid = pd.DataFrame({"ix": np.floor((xy[:, 0] - minx) / size), "iy": np.floor((xy[:, 1] - miny) / size),
                             "x": xy[:, 0], "y": xy[:, 1], "w": weight})
        agg = grid.groupby(["ix", "iy"]).agg(x=("x", "mean"), y=("y", "mean"), w=("w", "sum"))
        xy = np.round(agg[["x", "y"]].to_numpy(), 4)
        weight = agg["w"].to_numpy()
    data = [[float(y), float(x), round(float(w), 2)] for (x, y), w in zip(xy, weight)]
    gradient = {float(k): v for k, v in style.get("gradient", {}).items()} or None
    options = {"radius": style.get("radius", 18), "blur": style.get("blur", 15),
               "min_opacity": style.get("min_opacity", 0.35), "max_zoom": style.get("max_zoom", 12),
               "gradient": gradient}
    return {"data": data, "options": options}


# --------------------------------------------------------------------------- legend

def _legend_html(filtered: Assessment, specs: Sequence[LayerSpec], lang: str) -> str:
    counties = count_by_grade(filtered.counties["grade"]) if "grade" in filtered.counties else None
    enterprises = count_by_grade(filtered.enterprises["grade"]) if "grade" in filtered.enterprises else None
    drawn = {s.dataset for s in specs}
    cols = []
    if "counties" in drawn and counties is not None:
        cols.append((_s("legend_counties", lang), counties))
    if "enterprises" in drawn and enterprises is not None:
        cols.append((_s("legend_enterprises", lang), enterprises))
    if "road_units" in drawn and "grade" in filtered.road_units:
        cols.append((_s("legend_roads", lang), count_by_grade(filtered.road_units["grade"])))
    e = html.escape
    head = "".join(f"<th>{e(name)}</th>" for name, _ in cols)
    rows = []
    for g in GRADES:
        cells = "".join(f'<td class="rm-n" data-grade="{g}">{counts[g]}</td>' for _, counts in cols)
        rows.append(f'<tr><td><span class="rm-swatch" style="background:{filtered.colours[g]}"></span> '
                    f'{e(grade_label(g, lang))}</td>{cells}</tr>')
    extra = []
    for spec in specs:
        if spec.geometry == "point" and spec.style.get("colour_by") not in (None, "grade"):
            column = spec.style["colour_by"]
            fmt = "hazard_level" if column == "level" else "text"
            for value, colour in spec.style.get("colours", {}).items():
                text = format_value(pd.Series([value]), fmt, lang=lang).iloc[0]
                extra.append(f'<div><span class="rm-dot" style="background:{e(colour)}"></span> '
                             f'{e(spec.title(lang))} · {e(text)}</div>')
        if spec.geometry == "line" and any("outline" in r for r in spec.style.get("emphasis", [])):
            rule = next(r for r in spec.style["emphasis"] if "outline" in r)
            extra.append(f'<div><span class="rm-swatch" style="background:{e(rule["outline"])};height:4px;border:0"></span> '
                         f'{e(_s("accident_prone_legend", lang))}</div>')
        if spec.dataset == "hazards" and any(r.get("when", {}).get("overdue") for r in spec.style.get("emphasis", [])):
            extra.append(f'<div><span class="rm-dot" style="border:2px solid #000;width:7px;height:7px"></span> '
                         f'{e(_s("overdue_legend", lang))}</div>')
    return (f'<div class="rm-legend-title">{e(t("legend_title", lang))}</div>'
            f'<table><tr><td></td>{head}</tr>{"".join(rows)}</table>{"".join(extra)}')


# --------------------------------------------------------------------------- map

def _basemap(m: folium.Map, basemap: str, lang: str) -> bool:
    """Add the basemap tiles; return whether overlays must be shifted to GCJ-02."""
    if basemap in (None, "", "none"):
        return False
    if basemap in BASEMAPS:
        spec = BASEMAPS[basemap]
        tiles = spec["tiles"]
        label_tiles = spec.get("labels")
        if "key_env" in spec:
            key = os.environ.get(spec["key_env"], "").strip()
            if not key:
                message = (f"basemap '{basemap}' needs a key in the environment variable {spec['key_env']}"
                           if lang == "en" else
                           f"底图 '{basemap}' 需要在环境变量 {spec['key_env']} 中提供密钥（tk）")
                raise InputError(message, [Problem("error", "basemap", message, value=basemap)])
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", key):
                message = (f"the key in {spec['key_env']} must be letters and digits" if lang == "en" else
                           f"环境变量 {spec['key_env']} 中的密钥只能由字母和数字组成")
                raise InputError(message, [Problem("error", "basemap", message, value=basemap)])
            tiles = tiles.replace("{key}", key)
            label_tiles = label_tiles.replace("{key}", key) if label_tiles else None
        options = {"subdomains": spec["subdomains"]} if "subdomains" in spec else {}
        folium.TileLayer(tiles, attr=spec["attr"], name=basemap, max_zoom=spec.get("max_zoom", 18),
                         overlay=False, control=False, **options).add_to(m)
        if label_tiles:
            folium.TileLayer(label_tiles, attr=spec["attr"], name=f"{basemap}-labels", max_zoom=spec.get("max_zoom", 18),
                             overlay=True, control=False, **options).add_to(m)
        return bool(spec.get("gcj02"))
    problem = check_tile_url(basemap, lang=lang)
    if problem is None:
        folium.TileLayer(basemap, attr="custom tiles", name="custom", overlay=False, control=False).add_to(m)
        return False
    if "://" not in str(basemap):  # a name, not an address
        problem = "未知底图 / unknown basemap" if lang == "zh" else "unknown basemap"
    message = (f"basemap {basemap!r} is not usable: {problem}. Use none, osm, carto-light, tianditu, gaode or an "
               "XYZ URL template such as https://tile.example.org/{z}/{x}/{y}.png"
               if lang == "en" else
               f"底图 {basemap!r} 不可用：{problem}。可用 none、osm、carto-light、tianditu、gaode，或 XYZ 瓦片地址模板，"
               "如 https://tile.example.org/{z}/{x}/{y}.png")
    raise InputError(message, [Problem("error", "basemap", message, value=str(basemap))])


def _region_bounds(assessment: Assessment, filters: Filters | None) -> tuple[float, float, float, float]:
    counties = assessment.counties
    if filters is not None and filters.counties is not None:
        chosen = counties[counties["county_code"].isin(filters.counties)]
        if len(chosen):
            counties = chosen
    if len(counties):
        return tuple(float(v) for v in counties.total_bounds)  # type: ignore[return-value]
    frames = [f for f in (assessment.enterprises, assessment.road_units) if len(f)]
    if frames:
        b = np.array([f.total_bounds for f in frames])
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())
    return 73.5, 18.0, 135.1, 53.6  # China


_LAYER_CACHES: dict[int, dict] = {}


def _layer_cache(assessment: Assessment) -> dict:
    """Encoded layers of one assessment object, dropped when the object is."""
    ident = id(assessment)
    if ident not in _LAYER_CACHES:
        _LAYER_CACHES[ident] = {}
        weakref.finalize(assessment, _LAYER_CACHES.pop, ident, None)
    cache = _LAYER_CACHES[ident]
    if len(cache) > 64:  # many filter combinations: start again rather than grow
        cache.clear()
    return cache


def _encode_layer(frame: gpd.GeoDataFrame, assessment: Assessment, spec: LayerSpec, lang: str, shift: bool,
                  selected_county: str | None, bounds: tuple[float, float, float, float]
                  ) -> tuple[str | None, Any, str]:
    """Encode one layer's rows: (builder, payload as JSON text or heat data, name suffix)."""
    if spec.geometry == "polygon":
        simplified = None
        if spec.dataset == "counties" and spec.style.get("simplify", False):
            simplified = _simplified_counties(assessment.counties)
        payload = _geo_payload(frame, spec, lang, shift, selected_county, simplified, bounds)
        return "geo", _Payload(payload), ""
    if spec.geometry == "line":
        payload = _geo_payload(frame, spec, lang, shift, None, None, bounds)
        suffix = ""
        if payload["thinned"]:
            # Say in the layer control that only some grades are drawn at this scale.
            kept = ("、" if lang == "zh" else ", ").join(grade_label(g, lang) for g in spec.style["aggregate_keep"])
            suffix = html.escape(f"（仅{kept}）" if lang == "zh" else f" ({kept} only)")
        return "geo", _Payload(payload), suffix
    if spec.geometry == "point":
        payload, _cluster = _points_payload(frame, spec, lang, shift, bounds)
        return "points", _Payload(payload), ""
    if spec.geometry == "heatmap" and len(frame):
        return "heat", _heat_data(frame, spec, shift, bounds), ""
    return None, None, ""


class _Payload(dict):
    """A layer payload with its JSON text computed once (kept in the layer cache)."""

    def __init__(self, payload: dict):
        super().__init__(cluster=payload.get("cluster"))
        self.text = _js(payload)


def build_map(
    assessment: Assessment,
    *,
    layers: Sequence[LayerSpec] | None = None,
    filters: Filters | None = None,
    lang: str = "zh",
    basemap: str = "none",
    selected_county: str | None = None,
    asset_base: str | None = None,
    width: str | int = "100%",
    height: str | int = "100%",
) -> folium.Map:
    """Build the interactive four-colour map of an assessment.

    Parameters
    ----------
    assessment
        The unfiltered assessment (each layer applies the filters it lists).
    layers
        Layer specs to draw; default :func:`riskmap.layers.load_layers` of the built-in
        folder plus the workspace's own ``layers/`` folder.  Pass a subset to hide layers.
    filters
        What to show (:class:`riskmap.filters.Filters`); the legend counts follow it.
    lang
        ``zh`` or ``en``: layer names, legend, tooltips and popups.
    basemap
        ``none`` (default: a plain background, readable with no network), ``osm``,
        ``carto-light``, ``tianditu`` (key in ``TIANDITU_KEY``), ``gaode`` (GCJ-02
        tiles: every overlay is shifted into GCJ-02 to line up), or an XYZ template.
    selected_county
        A county code to outline (the county whose "why" panel is open).
    asset_base
        Where the browser finds ``riskmap/static``: a URL prefix ending in ``/``.
        Default: the folder's ``file://`` URI (works for a file opened on this
        machine); :func:`save_standalone` inlines everything instead.
    width, height
        Size of the map element.

    Returns
    -------
    folium.Map

    Raises
    ------
    LayerSpecError
        A layer refers to a dataset, file or column that is not there.
    InputError
        Unknown basemap, or a basemap key missing.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    specs = list(load_layers(workspace=assessment.info.path) if layers is None else layers)
    specs.sort(key=lambda s: (s.order, s.id))
    # Grade colours come from the standard (DESIGN §2: configurable); a layer's own
    # `colours` table still wins.
    specs = [dataclasses.replace(spec, style={**spec.style, "colours": {**assessment.colours, **spec.style.get("colours", {})}})
             if spec.style.get("colour_by") == "grade" else spec for spec in specs]
    # maxZoom must be set on the map itself: with no tile layer Leaflet has none, and
    # MarkerCluster refuses to work without it.  zoomSnap 0.25 lets the region fill
    # the view instead of jumping to the next whole zoom level.
    m = folium.Map(location=None, tiles=None, control_scale=False, zoom_start=8,
                   width=width, height=height, prefer_canvas=False,
                   zoom_snap=0.25, zoom_delta=0.5)
    m.options.update({"maxZoom": 18, "minZoom": 3})
    shift = _basemap(m, basemap, lang)
    m.add_child(_Helpers(BACKGROUND if basemap in (None, "", "none") else "#ddd"))

    cache: dict = {}
    bounds = _region_bounds(assessment, _restrict(filters, ()))  # the whole region, for grids
    view = _region_bounds(assessment, filters)  # what the map opens on
    layer_cache = _layer_cache(assessment)
    for spec in specs:
        # Escaped, and braces as entities: folium re-reads rendered scripts as templates.
        name = html.escape(spec.title(lang)).replace("{", "&#123;").replace("}", "&#125;")
        # A layer's encoding depends only on the filters it lists: when the sector
        # filter changes, the county layer is taken from the cache, not rebuilt.
        # The key is the rows drawn (their index), so two filters that keep the same
        # rows (sectors without road transport: no road units) share one encoding.
        frame = layer_frame(assessment, spec, filters, _cache=cache)
        rows = hashlib.sha1(pd.util.hash_pandas_object(frame.index, index=False).to_numpy().tobytes()).hexdigest()
        key = (spec.id, spec.source, repr(spec), rows, len(frame), lang, shift,
               selected_county if spec.geometry == "polygon" else None)
        if key not in layer_cache:
            layer_cache[key] = _encode_layer(frame, assessment, spec, lang, shift, selected_county, bounds)
        builder, payload, extra_name = layer_cache[key]
        if builder is None:
            continue
        if builder == "heat":
            folium.plugins.HeatMap(payload["data"], name=name + extra_name, show=spec.show,
                                   **payload["options"]).add_to(m)
        else:
            _DataLayer(name + extra_name, builder, payload, show=spec.show,
                       cluster=bool(payload.get("cluster"))).add_to(m)

    filtered = cache.get(("filtered", filters)) or apply_filters(assessment, filters)
    m.add_child(_Legend(_legend_html(filtered, specs, lang)))
    folium.plugins.Fullscreen(position="topleft",
                              title="全屏" if lang == "zh" else "Full screen",
                              title_cancel="退出全屏" if lang == "zh" else "Exit full screen").add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    minx, miny, maxx, maxy = view
    if shift:
        from riskmap import coords

        (minx, maxx), (miny, maxy) = coords.wgs84_to_gcj02(np.array([minx, maxx]), np.array([miny, maxy]))
    m.fit_bounds([[float(miny), float(minx)], [float(maxy), float(maxx)]])
    localize_assets(m, asset_base)
    return m


# --------------------------------------------------------------------------- assets

def _walk(element: branca.element.Element) -> Iterable[branca.element.Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _asset_url(name: str, base: str | None) -> str:
    relative = ASSETS[name][1]
    if base is None:
        return (STATIC_DIR / relative).as_uri()
    return base + relative


def localize_assets(m: folium.Map, asset_base: str | None = None) -> folium.Map:
    """Point every script and stylesheet of the map at the vendored copies.

    folium's own defaults (jQuery, Bootstrap, Font Awesome, awesome-markers) are
    dropped: nothing on this map uses them.

    Parameters
    ----------
    m
        The map (changed in place and returned).
    asset_base
        URL prefix of ``riskmap/static`` (ending in ``/``); ``None`` for ``file://``.

    Raises
    ------
    ValueError
        An element needs a script that is not vendored (so it would need a CDN).
    """
    for element in _walk(m):
        if isinstance(element, _DataLayer):
            element.default_js = [(n, _asset_url(n, asset_base)) for n, _ in element.default_js]
            element.default_css = [(n, _asset_url(n, asset_base)) for n, _ in element.default_css]
            continue
        if not isinstance(element, folium.elements.JSCSSMixin):
            continue
        for cls, js, css in _ELEMENT_ASSETS:
            if isinstance(element, cls):
                element.default_js = [(n, _asset_url(n, asset_base)) for n in js]
                element.default_css = [(n, _asset_url(n, asset_base)) for n in css]
                break
        else:
            if element.default_js or element.default_css:
                raise ValueError(f"{type(element).__name__} needs scripts that are not vendored in riskmap/static")
    return m


def _asset_names(m: folium.Map) -> tuple[list[str], list[str]]:
    js: list[str] = []
    css: list[str] = []
    for element in _walk(m):
        for name, _url in getattr(element, "default_js", []) or []:
            if name in ASSETS and name not in js:
                js.append(name)
        for name, _url in getattr(element, "default_css", []) or []:
            if name in ASSETS and name not in css:
                css.append(name)
    return js, css


def asset_links(m: folium.Map, asset_base: str) -> tuple[list[str], list[str]]:
    """Return the (scripts, stylesheets) URLs the map needs, under ``asset_base``."""
    js, css = _asset_names(m)
    return [_asset_url(n, asset_base) for n in js], [_asset_url(n, asset_base) for n in css]


def _inline_assets(names_js: list[str], names_css: list[str]) -> str:
    parts = []
    for name in names_css:
        css = (STATIC_DIR / ASSETS[name][1]).read_text(encoding="utf-8")
        css = css.replace("</", "<\\/")
        parts.append(f"<style>/* {ASSETS[name][1]} */\n{css}\n</style>")
    for name in names_js:
        js = (STATIC_DIR / ASSETS[name][1]).read_text(encoding="utf-8")
        js = js.replace("</script", "<\\/script")
        parts.append(f"<script>/* {ASSETS[name][1]} */\n{js}\n</script>")
    return "\n".join(parts)


def map_html(m: folium.Map) -> str:
    """Return the map as an HTML page that loads its assets from ``asset_base``."""
    return m.get_root().render()


def standalone_html(m: folium.Map) -> str:
    """Return the map as one self-contained HTML page (every script and style inline).

    Tiles, when a basemap is chosen, still come from their server; with the default
    ``none`` basemap the page needs no network at all.
    """
    root = m.get_root()
    js, css = _asset_names(m)
    saved = []
    for element in _walk(root):
        if hasattr(element, "default_js") or hasattr(element, "default_css"):
            saved.append((element, element.__dict__.get("default_js"), element.__dict__.get("default_css")))
            element.default_js = []
            element.default_css = []
    header = root.header if isinstance(root, branca.element.Figure) else None
    if header is not None:
        # Links left by an earlier render would point elsewhere: drop them.
        for key, child in list(header._children.items()):
            if isinstance(child, (branca.element.JavascriptLink, branca.element.CssLink)):
                del header._children[key]
        header.add_child(_Raw(_inline_assets(js, css)), name="riskmap_inline_assets", index=0)
    try:
        return root.render()
    finally:
        if header is not None:
            header._children.pop("riskmap_inline_assets", None)
        for element, js_value, css_value in saved:
            for attr, value in (("default_js", js_value), ("default_css", css_value)):
                if value is None:
                    element.__dict__.pop(attr, None)
                else:
                    setattr(element, attr, value)


def save_standalone(m: folium.Map, path: str | Path) -> Path:
    """Write the map as one HTML file that opens from disk with no network.

    Parameters
    ----------
    m
        A map from :func:`build_map`.
    path
        The ``.html`` file to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    path.write_text(standalone_html(m), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- clicks

def county_at(assessment: Assessment, lat: float, lng: float, *, basemap: str = "none") -> str | None:
    """Return the code of the county containing a clicked point, or ``None``.

    With the ``gaode`` basemap the map is drawn in GCJ-02, so the click is shifted back.
    """
    if basemap == "gaode":
        from riskmap import coords

        lon_arr, lat_arr = coords.gcj02_to_wgs84(np.array([lng]), np.array([lat]))
        lng, lat = float(lon_arr[0]), float(lat_arr[0])
    counties = assessment.counties
    if not len(counties):
        return None
    point = shapely.Point(lng, lat)
    hits = counties[shapely.contains(counties.geometry.to_numpy(), point)]
    if not len(hits):
        return None
    return str(hits["county_code"].iloc[0])
