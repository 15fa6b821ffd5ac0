"""Styles of the map's features: colours by grade (or another column), emphasis rules.

Each row gets an index into a small table of distinct styles (:func:`feature_styles`),
so a layer of 200,000 enterprises sends a handful of styles, not 200,000.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from riskmap.grades import DEFAULT_COLOURS, GRADES
from riskmap.layers import LayerSpec

BACKGROUND = "#f3f1ec"
"""Map background when there are no tiles (``basemap="none"``): plain and readable."""


def luminance(colour: str) -> float:
    """Relative luminance of a ``#rrggbb`` colour (0 black … 1 white)."""
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _by_value(setting: Any, value: Any, default: Any) -> Any:
    if isinstance(setting, Mapping):
        return setting.get(str(value), setting.get("default", default))
    return default if setting is None else setting


def colour_table(spec: LayerSpec) -> tuple[str | None, dict[str, str], list[str]]:
    """Return (colour column, value → colour, values in priority order, highest first)."""
    style = spec.style
    column = style.get("colour_by")
    if column == "grade":
        colours = dict(DEFAULT_COLOURS)
        colours.update(style.get("colours", {}))
        return column, colours, list(GRADES)
    colours = dict(style.get("colours", {}))
    return column, colours, list(colours)


def match(frame: pd.DataFrame, when: Mapping[str, Any]) -> np.ndarray:
    """Rows whose columns take the values of a ``when`` table."""
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


def _style_entry(spec: LayerSpec, key: str, bits: int, colours: dict[str, str], priority: list[str],
                 emphasis: list[dict], default_colour: str) -> dict:
    """The style of one (colour key, emphasis bits) combination."""
    style = spec.style
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
        "tc": "#111" if luminance(c) > 0.55 else "#fff",
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
    return entry


def feature_styles(frame: pd.DataFrame, spec: LayerSpec, *, selected: np.ndarray | None = None
                   ) -> tuple[np.ndarray, list[dict]]:
    """Style each row; return per-row indices into a small table of distinct styles.

    A style is ``{c: fill/line colour, o: outline, w: weight, r: radius, fo, op, dash,
    p: priority (for cluster colours), tc: text colour on c}``.
    """
    column, colours, priority = colour_table(spec)
    default_colour = spec.style.get("colour", "#607D8B")
    n = len(frame)
    if column and column in frame:
        keys = frame[column].astype(object).where(frame[column].notna(), "").astype(str).to_numpy()
    else:
        keys = np.full(n, "", dtype=object)
    emphasis = spec.style.get("emphasis", [])
    combo = np.zeros(n, dtype=np.int64)
    for i, rule in enumerate(emphasis):
        combo |= match(frame, rule["when"]).astype(np.int64) << i
    sel = np.zeros(n, dtype=bool) if selected is None else selected
    combo |= sel.astype(np.int64) << len(emphasis)
    table: list[dict] = []
    index: dict[tuple, int] = {}
    out = np.zeros(n, dtype=np.int32)
    codes, uniques = pd.factorize(pd.Series(list(zip(keys, combo))), sort=False)
    for code, (key, bits) in enumerate(uniques):
        entry = _style_entry(spec, key, bits, colours, priority, emphasis, default_colour)
        ident = tuple((k, json.dumps(v)) for k, v in sorted(entry.items(), key=lambda kv: kv[0]))
        if ident not in index:
            index[ident] = len(table)
            table.append(entry)
        out[codes == code] = index[ident]
    return out, table
