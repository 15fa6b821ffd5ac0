"""Encoding layers for the browser: compact JSON payloads of GeoJSON and points.

A layer travels as a style table plus, per feature, a style index and its tooltip and
popup values (:func:`format_value`, escaped once per distinct value); fields with few
distinct values are sent as a value table and indices.  Coordinates are rounded to
:data:`COORD_DECIMALS`, counties simplified as a coverage, province-scale points
counted in grid cells and road units merged per road.  ``riskmap/static/riskmap.js``
turns the payloads into Leaflet layers.  Encoded layers are cached per assessment
(:func:`layer_cache`), so a filter change re-encodes only the layers it changes.

Text is text: every value and label is ``html.escape``-d here, and :func:`js_text`
keeps JSON from closing a ``<script>`` or being read as a Jinja template.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import weakref
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap import coords
from riskmap.assessment import Assessment
from riskmap.i18n import grade_label, label_of, t
from riskmap.layers import FieldSpec, LayerSpec
from riskmap.mapview.style import colour_table, feature_styles, match
from riskmap.sanitize import jinja_inert

COORD_DECIMALS = 5
"""Decimals kept in coordinates sent to the browser (1e-5 degree is about 1 m)."""

LABEL_FORMATS = ("grade", "sector", "hazard_level", "hazard_status", "supervision", "accident_kind", "method")
"""Field formats shown as the label of a key (:func:`riskmap.i18n.label_of`)."""


# --- values ------------------------------------------------------------------------------

def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).isin(["", "nan", "None", "NaT", "<NA>"])


def _format_unique(values: pd.Series, fmt: str, lang: str, digits: int, sectors=None) -> pd.Series:
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
    if fmt in LABEL_FORMATS:
        return values.map(lambda v: label_of(fmt, v, lang, sectors=sectors))
    return values.map(str)


def format_value(series: pd.Series, fmt: str, *, lang: str = "zh", digits: int = 1,
                 escape: bool = False, sectors=None) -> pd.Series:
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
    sectors
        The standard's sectors (:class:`riskmap.sectors.Sectors`) for ``sector`` labels.
    """
    # Each distinct value is formatted (and escaped) once: a province has 200,000
    # enterprises but only a handful of grades, sectors and dates.
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    uniques = pd.Series(uniques, dtype=object)
    blank = _blank(uniques)
    out = _format_unique(uniques.where(~blank), fmt, lang, digits, sectors).astype(object).where(~blank, "")
    text = [str(v) if v is not None else "" for v in out]
    if escape:
        text = [html.escape(v, quote=True) for v in text]
    table = np.array(text + [""], dtype=object)  # code -1 (missing) takes the last entry
    return pd.Series(table[codes], index=series.index, dtype=object)


def _escape(values: Iterable[str]) -> list[str]:
    return [html.escape(v, quote=True) for v in values]


def js_text(obj: Any) -> str:
    """JSON for embedding in a ``<script>``: no ``</script>`` or line separators inside.

    Values of type :class:`RawJSON` (already serialised and escaped) are spliced in.
    """
    raw: dict[str, str] = {}

    def default(value: Any) -> Any:
        if isinstance(value, RawJSON):
            marker = f"\u0000raw{len(raw)}\u0000"
            raw[marker] = str(value)
            return marker
        raise TypeError(f"cannot serialise {type(value).__name__}")

    if isinstance(obj, dict) and any(isinstance(v, RawJSON) for v in obj.values()):
        obj = {k: (default(v) if isinstance(v, RawJSON) else v) for k, v in obj.items()}
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for marker, value in raw.items():
        text = text.replace(json.dumps(marker), value)
    return jinja_inert(text).replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --- geometry ----------------------------------------------------------------------------

def _transform(geoms: np.ndarray, shift: bool) -> np.ndarray:
    if not shift or len(geoms) == 0:
        return geoms
    return coords.transform_geometries(geoms, coords.wgs84_to_gcj02)


def _round(geoms: np.ndarray, decimals: int = COORD_DECIMALS) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


_SIMPLIFIED: dict[str, np.ndarray] = {}


def simplified_counties(counties: gpd.GeoDataFrame) -> pd.Series:
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


# --- fields ------------------------------------------------------------------------------

def _field_values(frame: pd.DataFrame, spec: LayerSpec, lang: str, sectors=None
                  ) -> tuple[list[str], list[int], list[int], list[list], list[list[str] | None], list[int]]:
    """Escaped labels, tooltip, popup and search indices, values per row and value tables.

    A field with few distinct values (grades, sectors, county names) is sent as a table
    of its escaped strings plus an index per row; other fields as escaped strings.  The
    search box's columns (``spec.search``) reuse a shown field of the same column, so a
    name or an id shown in the popup is not sent twice.
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
    find_idx: list[int] = []
    for column in spec.search:
        if column not in frame.columns:
            continue
        shown = [i for i, f in enumerate(fields) if f.column == column and f.format == "text"]
        if not shown:
            shown = [len(fields)]
            fields.append(FieldSpec(column, column, column))
        find_idx.append(shown[0])
    labels = _escape(f.label(lang) for f in fields)
    columns: list[list] = []
    dicts: list[list[str] | None] = []
    for f in fields:
        text = format_value(frame[f.column], f.format, lang=lang, digits=f.digits, escape=True, sectors=sectors)
        codes, uniques = pd.factorize(text)
        if len(text) >= 20 and len(uniques) <= len(text) // 4:
            columns.append(codes.tolist())
            dicts.append([str(u) for u in uniques])
        else:
            columns.append(text.tolist())
            dicts.append(None)
    values = [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(frame))]
    return labels, tip_idx, pop_idx, values, dicts, find_idx


# --- payloads ----------------------------------------------------------------------------

class RawJSON(str):
    """Already serialised JSON to splice into a payload (GeoJSON from GEOS)."""


def _shapes(geoms: np.ndarray, props: list[str]) -> RawJSON:
    """The features as ``{"t": [geometry types], "f": [[type index, coordinates, properties], ...]}``.

    The same GeoJSON without its boilerplate (``{"type":"Feature","geometry":{"type":...,
    "coordinates":`` … ``"properties":`` for every feature: 0.9 MB of a province's 12,000
    roads); ``riskmap.js`` rebuilds the FeatureCollection.  A geometry that has no
    ``coordinates`` (a collection) goes whole, with type index -1.
    """
    # GEOS writes each geometry's JSON (fast, already rounded); only the small
    # properties go through Python's json.
    texts = shapely.to_geojson(geoms)
    types: dict[str, int] = {}
    features = []
    for g, p in zip(texts, props):
        if g is None:
            features.append(f"[-1,null,{p}]")
            continue
        head, sep, coordinates = g.partition(',"coordinates":')
        if sep and head.startswith('{"type":"') and head.count('"') == 4:  # the outer type, not a member's
            kind = types.setdefault(head[9:-1], len(types))
            features.append(f"[{kind},{coordinates[:-1]},{p}]")
        else:
            features.append(f"[-1,{g},{p}]")
    return RawJSON('{"t":' + json.dumps(list(types)) + ',"f":[' + ",".join(features) + "]}")


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
                 bounds: tuple[float, float, float, float], sectors=None) -> dict:
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
                mask |= match(frame, rule["when"])
            frame = frame[mask]
    selected = None
    if spec.geometry == "polygon" and selected_county is not None and "county_code" in frame:
        selected = (frame["county_code"].astype(str) == str(selected_county)).to_numpy()
    style_idx, styles = feature_styles(frame, spec, selected=selected)
    labels, tip, pop, values, dicts, find = _field_values(frame, spec, lang, sectors)
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
    # A province's roads, simplified to 1/5000 of the region, need no metre-fine vertices: 1e-4 degree (~11 m).
    geoms = _round(_transform(geoms, shift), COORD_DECIMALS - 1 if aggregated else COORD_DECIMALS)
    props = []
    for i in range(len(geoms)):
        p = {"s": int(style_idx[i]), "v": values[i]}
        if keys is not None:
            p["k"] = keys[i]
        props.append(js_text(p))
    payload = {
        "kind": spec.geometry,
        "shapes": _shapes(geoms, props),
        "styles": styles,
        "labels": labels,
        "dicts": dicts,
        "tip": tip,
        "pop": pop,
        "find": find,
        "title": html.escape(spec.title(lang)),
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
           spec: LayerSpec, bounds: tuple[float, float, float, float], lang: str) -> tuple[list[list], dict]:
    """Count points in grid cells: one marker per cell, coloured by its highest style.

    Returns the cells ``[lat, lon, style, radius, count, [count per key]]`` and what their
    tooltips are made of (``head``: the heading with ``{n}``; ``keys``: the keys' labels,
    worst first), so that each tooltip is written in the browser when it opens instead of
    sent as HTML: at province scale that was 1 MB of the map's 6.
    """
    minx, miny, maxx, maxy = bounds
    cells_across = int(spec.style.get("aggregate_cells", 160))
    size = max(maxx - minx, maxy - miny, 1e-6) / cells_across
    ix = np.floor((xy[:, 0] - minx) / size).astype(np.int64)
    iy = np.floor((xy[:, 1] - miny) / size).astype(np.int64)
    cell_id, _ = pd.factorize(pd.Series(ix) * 1_000_003 + pd.Series(iy))
    priority = np.array([styles[i]["p"] for i in range(len(styles))])[style_idx]
    column, _colours, prio = colour_table(spec)
    keys = frame[column].astype(str).to_numpy() if column and column in frame else np.full(len(frame), "")
    data = pd.DataFrame({"c": cell_id, "x": xy[:, 0], "y": xy[:, 1], "p": priority, "s": style_idx, "key": keys})
    summary = data.groupby("c").agg(x=("x", "mean"), y=("y", "mean"), n=("x", "size"))
    best = data.sort_values("p", ascending=False).groupby("c")["s"].first()
    by_key = data.groupby(["c", "key"]).size().unstack(fill_value=0)
    fmt = "grade" if column == "grade" else ("hazard_level" if column == "level" else "text")
    order = [k for k in prio if k in by_key.columns] + [k for k in by_key.columns if k not in prio]
    names = format_value(pd.Series(order, dtype=object), fmt, lang=lang, escape=True).tolist()
    counts = by_key[order].reindex(summary.index).to_numpy().tolist()
    title = html.escape(spec.title(lang))
    head = f"{title}: {html.escape(t('map_aggregated', lang, n='{n}'))}"
    radius = np.minimum(16.0, 3.0 + 2.2 * np.sqrt(summary["n"].to_numpy())).round(1)
    cells = [[round(float(y), COORD_DECIMALS), round(float(x), COORD_DECIMALS), int(s), float(r), int(n), c]
             for x, y, s, r, n, c in zip(summary["x"], summary["y"], best.reindex(summary.index), radius, summary["n"],
                                         counts)]
    return cells, {"head": head, "keys": names}


def _points_payload(frame: gpd.GeoDataFrame, spec: LayerSpec, lang: str, shift: bool,
                    bounds: tuple[float, float, float, float], sectors=None) -> tuple[dict, bool]:
    style = spec.style
    style_idx, styles = feature_styles(frame, spec)
    xy = _point_xy(frame, shift)
    n = len(frame)
    aggregate_above = style.get("aggregate_above")
    individual = np.ones(n, dtype=bool)
    cells: list[list] = []
    cell_text: dict = {}
    if aggregate_above is not None and n > aggregate_above:
        keep = style.get("aggregate_keep", [])
        column = style.get("colour_by")
        if keep and column and column in frame:
            individual = frame[column].isin(keep).to_numpy()
        else:
            individual = np.zeros(n, dtype=bool)
        rest = ~individual
        if rest.any():
            cells, cell_text = _cells(frame[rest], xy[rest], style_idx[rest], styles, spec, bounds, lang)
    sub = frame[individual]
    labels, tip, pop, values, dicts, find = _field_values(sub, spec, lang, sectors)
    xs, ys, sidx = xy[individual, 0], xy[individual, 1], style_idx[individual]
    rows = [[float(y), float(x), int(s), v] for x, y, s, v in zip(xs, ys, sidx, values)]
    cluster_above = style.get("cluster_above")
    cluster = cluster_above is not None and len(rows) > cluster_above
    payload = {
        "rows": rows,
        "cells": cells,
        "cell_text": cell_text,
        "styles": styles,
        "labels": labels,
        "dicts": dicts,
        "tip": tip,
        "pop": pop,
        "find": find,
        "title": html.escape(spec.title(lang)),
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



# --- layers ------------------------------------------------------------------------------

_LAYER_CACHES: dict[int, dict] = {}


def layer_cache(assessment: Assessment) -> dict:
    """Encoded layers of one assessment object, dropped when the object is."""
    ident = id(assessment)
    if ident not in _LAYER_CACHES:
        _LAYER_CACHES[ident] = {}
        weakref.finalize(assessment, _LAYER_CACHES.pop, ident, None)
    cache = _LAYER_CACHES[ident]
    if len(cache) > 64:  # many filter combinations: start again rather than grow
        cache.clear()
    return cache


def encode_layer(frame: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, spec: LayerSpec, lang: str, shift: bool,
                 selected_county: str | None, bounds: tuple[float, float, float, float], sectors=None
                 ) -> tuple[str | None, Any, str]:
    """Encode one layer's rows: (builder, payload as JSON text or heat data, name suffix).

    ``counties`` are all the counties (their simplified shapes are cached by content).
    """
    if spec.geometry == "polygon":
        simplified = None
        if spec.dataset == "counties" and spec.style.get("simplify", False):
            simplified = simplified_counties(counties)
        payload = _geo_payload(frame, spec, lang, shift, selected_county, simplified, bounds, sectors)
        return "geo", Payload(payload), ""
    if spec.geometry == "line":
        payload = _geo_payload(frame, spec, lang, shift, None, None, bounds, sectors)
        suffix = ""
        if payload["thinned"]:
            # Say in the layer control that only some grades are drawn at this scale.
            kept = ("、" if lang == "zh" else ", ").join(grade_label(g, lang) for g in spec.style["aggregate_keep"])
            suffix = html.escape(t("map_only", lang, kept=kept))
        return "geo", Payload(payload), suffix
    if spec.geometry == "point":
        payload, _cluster = _points_payload(frame, spec, lang, shift, bounds, sectors)
        return "points", Payload(payload), ""
    if spec.geometry == "heatmap" and len(frame):
        return "heat", _heat_data(frame, spec, shift, bounds), ""
    return None, None, ""


class Payload(dict):
    """A layer payload with its JSON text computed once (kept in the layer cache)."""

    def __init__(self, payload: dict):
        super().__init__(cluster=payload.get("cluster"))
        self.text = js_text(payload)
