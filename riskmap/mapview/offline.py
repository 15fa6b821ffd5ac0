"""Offline assets: every script and stylesheet from ``riskmap/static``, never a CDN.

folium's CDN links are replaced element by element (:func:`localize_assets`), so a map
can point at the files on disk (``file://``), at URLs where a server publishes them
(the Streamlit app passes ``asset_base``), or have them inlined into one
self-contained page (:func:`standalone_html`, :func:`save_standalone`).  RiskMap's own
``riskmap.js`` and ``riskmap.css`` travel the same way as the vendored Leaflet files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import branca.element
import folium
import folium.elements
import folium.plugins

from riskmap.mapview.elements import DataLayer, Helpers, Raw

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
"""Folder of the vendored Leaflet assets."""

ASSETS: dict[str, tuple[str, str]] = {
    "leaflet": ("js", "leaflet/leaflet.js"),
    "leaflet_css": ("css", "leaflet/leaflet.css"),
    "markercluster": ("js", "markercluster/leaflet.markercluster.js"),
    "markercluster_css": ("css", "markercluster/MarkerCluster.css"),
    "fullscreen": ("js", "fullscreen/Control.FullScreen.js"),
    "fullscreen_css": ("css", "fullscreen/Control.FullScreen.css"),
    "heat": ("js", "heat/leaflet-heat.js"),
    "riskmap": ("js", "riskmap.js"),
    "riskmap_css": ("css", "riskmap.css"),
}
"""Asset name → (kind, path under :data:`STATIC_DIR`)."""

# Which vendored assets each folium element needs.  Anything else that asks for a
# script is refused (see localize_assets) rather than silently left on a CDN.
_ELEMENT_ASSETS: list[tuple[type, tuple[str, ...], tuple[str, ...]]] = [
    (folium.Map, ("leaflet",), ("leaflet_css",)),
    (folium.plugins.Fullscreen, ("fullscreen",), ("fullscreen_css",)),
    (folium.plugins.HeatMap, ("heat",), ()),
]


def walk(element: branca.element.Element) -> Iterable[branca.element.Element]:
    """An element and every element below it."""
    yield element
    for child in element._children.values():
        yield from walk(child)


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
    for element in walk(m):
        if isinstance(element, (DataLayer, Helpers)):
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
    for element in walk(m):
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
    for element in walk(root):
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
        header.add_child(Raw(_inline_assets(js, css)), name="riskmap_inline_assets", index=0)
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
