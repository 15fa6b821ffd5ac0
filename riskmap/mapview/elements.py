"""The map's own elements: the helpers (layer builders and styles), data layers, raw text.

folium and branca render templates twice, so data never goes into a template: a
layer's payload is spliced into its script as plain text (:class:`Raw`).
"""

from __future__ import annotations

import branca.element
import folium
import folium.elements
import folium.map
from jinja2 import Template

from riskmap.mapview.encode import Payload, js_text


class Raw(branca.element.Element):
    """Text put into the page as it is (not parsed as a template)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        self._name = "RiskMapRaw"
        self.text = text


class Helpers(folium.elements.JSCSSMixin, branca.element.MacroElement):
    """RiskMap's layer builders and styles (``riskmap/static/riskmap.js`` and ``.css``), once per map.

    Added before the layers: its script makes the county labels' pane and starts the
    search box's list afresh (``RiskMap.prepare``).

    They are assets like the vendored Leaflet files (:mod:`riskmap.mapview.offline`
    points them at the files, a server or inlines them), so streamlit-folium loads the
    script before the map's own and a standalone page inlines it.  Only the map's
    background, which depends on the basemap, is written into the page.
    """

    _template = Template("""
{% macro header(this, kwargs) %}<style>.leaflet-container { background: {{ this.background }}; }</style>{% endmacro %}
{% macro script(this, kwargs) %}window.RiskMap.prepare({{ this._parent.get_name() }});{% endmacro %}
""")

    def __init__(self, background: str):
        super().__init__()
        self._name = "RiskMapHelpers"
        self.background = background
        self.default_js = [("riskmap", "")]
        self.default_css = [("riskmap_css", "")]


class DataLayer(folium.elements.JSCSSMixin, folium.map.Layer):
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
        self.payload = payload.text if isinstance(payload, Payload) else js_text(payload)
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
        figure.script.add_child(Raw(script(self, kwargs)), name=self.get_name())


class Controls(branca.element.MacroElement):
    """The page's map controls, added after the layers (``RiskMap.controls`` in ``riskmap.js``).

    The wheel scrolls the page until the map is clicked or focused (with a hint that
    says so), a button returns to ``bounds`` (the region), and a search box finds a
    feature of any layer that lists ``search`` columns, zooms to it and opens its popup.

    Parameters
    ----------
    bounds
        ``[[south, west], [north, east]]`` of the region, as the map first showed it.
    strings
        The controls' words in the page's language: ``hint``, ``reset``, ``search``,
        ``none`` and ``more`` (with ``{n}``).
    """

    _template = Template("""
{% macro script(this, kwargs) %}window.RiskMap.controls({{ this._parent.get_name() }}, {{ this.options }});{% endmacro %}
""")

    def __init__(self, bounds: list[list[float]], strings: dict[str, str]):
        super().__init__()
        self._name = "RiskMapControls"
        self.options = js_text({"bounds": bounds, "gate": True, "strings": strings, "limit": 8})
