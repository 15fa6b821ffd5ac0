"""Basemaps: none (the map is complete without tiles), named tile services or an XYZ template.

With ``gaode`` (Amap tiles, drawn in GCJ-02) every overlay is shifted into GCJ-02 so it
lines up; :func:`add_basemap` says whether to.  :func:`unshift` takes a click on such a
map back to WGS-84.
"""

from __future__ import annotations

import os
import re
from typing import Any

import folium
import numpy as np

from riskmap import coords
from riskmap.errors import InputError, Problem
from riskmap.i18n import t
from riskmap.sanitize import check_tile_url

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


def add_basemap(m: folium.Map, basemap: str, lang: str) -> bool:
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
                message = t("map_basemap_key", lang, basemap=basemap, env=spec["key_env"])
                raise InputError(message, [Problem("error", "basemap", message, value=basemap)])
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", key):
                message = t("map_basemap_bad_key", lang, env=spec["key_env"])
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
    message = t("map_basemap_unusable", lang, basemap=repr(basemap), problem=problem)
    raise InputError(message, [Problem("error", "basemap", message, value=str(basemap))])


def shifted(basemap: str | None) -> bool:
    """Whether overlays on ``basemap`` are drawn in GCJ-02."""
    return bool(BASEMAPS.get(basemap or "none", {}).get("gcj02"))


def unshift(lat: float, lng: float, basemap: str | None) -> tuple[float, float]:
    """A point clicked on the map, in WGS-84 (shifted back from GCJ-02 on ``gaode``)."""
    if not shifted(basemap):
        return lat, lng
    lon_arr, lat_arr = coords.gcj02_to_wgs84(np.array([lng]), np.array([lat]))
    return float(lat_arr[0]), float(lon_arr[0])


def page_choices(workspace_basemap: str) -> tuple[list[str], int]:
    """The basemaps a page offers (named ones and ``custom``) and the position of the workspace's."""
    options = ["none", "osm", "carto-light", "tianditu", "gaode", "custom"]
    default = workspace_basemap if workspace_basemap in options else ("custom" if "{z}" in workspace_basemap else "none")
    return options, options.index(default)
