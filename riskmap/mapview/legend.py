"""The four-colour legend: the grades with the counts of what is shown, and the symbols."""

from __future__ import annotations

import html
from collections.abc import Sequence

import branca.element
import pandas as pd
from jinja2 import Template

from riskmap.grades import GRADES, count_by_grade
from riskmap.i18n import grade_label, t
from riskmap.layers import LayerSpec
from riskmap.mapview.encode import format_value, js_text
from riskmap.view import View


def legend_html(view: View, specs: Sequence[LayerSpec]) -> str:
    """The legend's HTML: the grades with the counts of what is shown, and the layers' symbols."""
    filtered, lang = view.shown, view.lang
    counties = count_by_grade(filtered.counties["grade"]) if "grade" in filtered.counties else None
    enterprises = count_by_grade(filtered.enterprises["grade"]) if "grade" in filtered.enterprises else None
    drawn = {s.dataset for s in specs}
    cols = []
    if "counties" in drawn and counties is not None:
        cols.append((t("map_legend_counties", lang), counties))
    if "enterprises" in drawn and enterprises is not None:
        cols.append((t("map_legend_enterprises", lang), enterprises))
    if "road_units" in drawn and "grade" in filtered.road_units:
        cols.append((t("map_legend_roads", lang), count_by_grade(filtered.road_units["grade"])))
    e = html.escape
    head = "".join(f"<th>{e(name)}</th>" for name, _ in cols)
    rows = []
    for g in GRADES:
        cells = "".join(f'<td class="rm-n" data-grade="{g}">{counts[g]}</td>' for _, counts in cols)
        rows.append(f'<tr><td><span class="rm-swatch" style="background:{view.colours[g]}"></span> '
                    f'{e(grade_label(g, lang))}</td>{cells}</tr>')
    extra = _class_rows(view, specs)
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
                         f'{e(t("map_accident_prone", lang))}</div>')
        if spec.dataset == "hazards" and any(r.get("when", {}).get("overdue") for r in spec.style.get("emphasis", [])):
            extra.append(f'<div><span class="rm-dot" style="border:2px solid #000;width:7px;height:7px"></span> '
                         f'{e(t("map_overdue", lang))}</div>')
    if "enterprises" in drawn and view.headline.get("located_by_county"):
        # Counted in their counties (and in the counts above) but without a point to draw.
        extra.append(f'<div class="rm-note">{e(t("located_by_county_note", lang, n=view.headline["located_by_county"]))}</div>')
    if view.regraded:  # a sector map: its counties are graded on those sectors' records
        extra.insert(0, f'<div class="rm-note">{e(view.regraded_note)}</div>')
    return (f'<div class="rm-legend-title">{e(t("legend_title", lang))}</div>'
            f'<table><tr><td></td>{head}</tr>{"".join(rows)}</table>{"".join(extra)}')


def _class_rows(view: View, specs: Sequence[LayerSpec]) -> list[str]:
    """Swatches of a polygon layer coloured by classes of its own (the change mode), with their counts."""
    e, lang, rows = html.escape, view.lang, []
    for spec in specs:
        style = spec.style
        if spec.geometry != "polygon" or style.get("colour_by") in (None, "grade") or "labels" not in style:
            continue
        frame = view.only(spec.filters).frame(spec.dataset) if spec.dataset else None
        column = style["colour_by"]
        counts = frame[column].value_counts() if frame is not None and column in frame else {}
        rows.append(f'<div class="rm-legend-title">{e(style.get("legend_title", {}).get(lang, spec.title(lang)))}</div>')
        for key, colour in style.get("colours", {}).items():
            words = style["labels"].get(key, {}).get(lang, key)
            rows.append(f'<div><span class="rm-swatch" style="background:{e(colour)}"></span> {e(words)} '
                        f'<span class="rm-n" data-change="{e(key)}">{int(counts.get(key, 0))}</span></div>')
    return rows


class Legend(branca.element.MacroElement):
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
        self.content = js_text(content_html)
