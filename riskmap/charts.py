"""Charts of the page as Vega-Lite specifications (plain data: the page draws them).

:func:`score_trend` is a county's score over the history's period ends and the
forecast, drawn over the bands of the grades (the standard's fixed county
thresholds), as the county's "why" panel shows it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from riskmap.grades import GRADES
from riskmap.i18n import grade_label, t


def score_trend(trend: pd.DataFrame, standard, *, lang: str, colours: dict[str, str], title: str = "") -> dict[str, Any]:
    """A Vega-Lite spec: the score of each period end (the forecast as a hollow point), over the grade bands.

    Parameters
    ----------
    trend
        ``period_end``, ``score``, ``grade``, ``forecast`` (:meth:`riskmap.history.History.county_trend`).
    standard
        The grading standard: its fixed county thresholds make the bands (none for
        the ``quantiles`` and ``natural_breaks`` schemes, whose classes move).
    """
    score_title, date_title = t("score", lang), t("ui_period", lang)
    points = [{"period_end": d.isoformat(), "score": round(float(s), 1), "grade": grade_label(g, lang), "forecast": bool(f)}
              for d, s, g, f in zip(trend["period_end"], trend["score"], trend["grade"], trend["forecast"])]
    top = max([p["score"] for p in points] + [0.0]) * 1.1 + 1
    layers: list[dict[str, Any]] = []
    table = standard.counties
    if table.get("scheme", "fixed") == "fixed":
        bounds = {"blue": 0.0, **{g: float(table["thresholds"][g]) for g in ("yellow", "orange", "red")}}
        edges = [("blue", 0.0, bounds["yellow"]), ("yellow", bounds["yellow"], bounds["orange"]),
                 ("orange", bounds["orange"], bounds["red"]), ("red", bounds["red"], max(top, bounds["red"] * 1.1))]
        top = max(top, bounds["red"] * 1.1)
        bands = [{"from": lo, "to": hi, "grade": grade_label(g, lang)} for g, lo, hi in edges]
        layers.append({"data": {"values": bands}, "mark": {"type": "rect", "opacity": 0.18},
                       "encoding": {"y": {"field": "from", "type": "quantitative", "scale": {"domain": [0, top]},
                                          "title": score_title},
                                    "y2": {"field": "to"},
                                    "color": {"field": "grade", "type": "nominal", "title": t("legend_title", lang),
                                              "scale": {"domain": [grade_label(g, lang) for g in GRADES],
                                                        "range": [colours[g] for g in GRADES]}}}})
    base = {"data": {"values": points},
            # Months as numbers (2026-10): Vega's own month names are English whatever the page's language.
            "encoding": {"x": {"field": "period_end", "type": "temporal", "title": date_title,
                               "axis": {"format": "%Y-%m", "labelAngle": 0}},
                         "y": {"field": "score", "type": "quantitative", "title": score_title,
                               "scale": {"domain": [0, top]}},
                         "tooltip": [{"field": "period_end", "type": "temporal", "format": "%Y-%m-%d", "title": date_title},
                                     {"field": "score", "title": score_title},
                                     {"field": "grade", "title": t("legend_title", lang)}]}}
    layers.append({**base, "mark": {"type": "line", "color": "#333333"}})
    layers.append({**base, "mark": {"type": "point", "filled": True, "color": "#111111", "size": 50},
                   "transform": [{"filter": "!datum.forecast"}]})
    layers.append({**base, "mark": {"type": "point", "filled": False, "color": "#111111", "size": 80, "strokeDash": [2, 2]},
                   "transform": [{"filter": "datum.forecast"}]})
    return {"height": 220, "title": title, "layer": layers}
