"""Charts of the printed reports, drawn with matplotlib (vector in a PDF, text kept as text).

* :func:`draw_accident_trend`: monthly accidents (bars) and deaths (line) for the region
  and the counties whose accidents rose most (the pack's 事故趋势);
* :func:`draw_score_trend`: a county's score over the period ends and the forecast
  (hollow point) over the bands of the grades (the atlas; as the page's "why" chart).
"""

from __future__ import annotations

import numpy as np

from riskmap.grades import GRADES
from riskmap.i18n import grade_label, t

BAR, LINE = "#5B7DB1", "#C0392B"


def _yticks(ax, top: float, size: float) -> None:
    """Fixed y ticks with their labels made now (not at drawing time), so the PDF's font subsetting
    (:func:`riskmap.export.truetype.truetype_text`) sees every text of the chart."""
    from matplotlib.ticker import MaxNLocator

    ticks = [v for v in MaxNLocator(5, integer=top > 5).tick_values(0, top) if 0 <= v <= top]
    ax.set_ylim(0, top)
    ax.set_yticks(ticks, labels=[f"{v:g}" for v in ticks], fontsize=size)


def _panel(ax, months: list[str], accidents: np.ndarray, deaths: np.ndarray, title: str, lang: str, *,
           size: float) -> None:
    x = np.arange(len(months))
    ax.bar(x, accidents, color=BAR, width=0.7, label=t("pack_acc_count", lang))
    ax.set_title(title, fontsize=size + 1, loc="left", fontweight="bold")
    ax.set_xticks(x[::max(1, len(x) // 6)])
    ax.set_xticklabels(months[::max(1, len(x) // 6)], fontsize=size - 1)
    _yticks(ax, max(1.0, float(np.max(accidents)) * 1.2 if len(accidents) else 1.0), size - 1)
    ax.set_ylabel(t("pack_acc_count", lang), fontsize=size - 0.5, color=BAR)
    ax.spines[["top"]].set_visible(False)
    twin = ax.twinx()
    twin.plot(x, deaths, color=LINE, marker="o", markersize=2.5, linewidth=1.2, label=t("pack_acc_deaths", lang))
    _yticks(twin, max(1.0, float(np.max(deaths)) * 1.3 if len(deaths) else 1.0), size - 1)
    twin.set_ylabel(t("pack_acc_deaths", lang), fontsize=size - 0.5, color=LINE)
    twin.spines[["top"]].set_visible(False)


def draw_accident_trend(fig, rect: tuple[float, float, float, float], series: dict, lang: str, *, size: float = 7.5) -> None:
    """Monthly accidents and deaths in ``rect`` (figure fractions): the region, then each county of ``series``
    (:func:`riskmap.consultation.accident_series`), two panels a row."""
    panels = [(f"{t('pack_region', lang)}（{series['region_name']}）" if lang == "zh" else
               f"{t('pack_region', lang)} ({series['region_name']})", series["region"]["accidents"], series["region"]["deaths"])]
    panels += [(c["name"], c["accidents"], c["deaths"]) for c in series["counties"]]
    x0, y0, w, h = rect
    columns = 1 if len(panels) == 1 else 2
    rows = (len(panels) + columns - 1) // columns
    gap_x, gap_y = 0.09 * w, 0.14 * h / rows
    cell_w, cell_h = (w - gap_x * (columns - 1)) / columns, (h - gap_y * rows) / rows
    for i, (title, accidents, deaths) in enumerate(panels):
        r, c = divmod(i, columns)
        ax = fig.add_axes((x0 + c * (cell_w + gap_x) + 0.04 * w, y0 + h - (r + 1) * (cell_h + gap_y) + 0.5 * gap_y,
                           cell_w - 0.08 * w, cell_h))
        _panel(ax, series["months"], np.asarray(accidents, float), np.asarray(deaths, float), title, lang, size=size)


def draw_score_trend(ax, trend, standard, *, colours: dict[str, str], lang: str, size: float = 7.0) -> None:
    """A county's score per period end (the forecast hollow, dashed to it) over the grade bands of a fixed scheme.

    ``trend``: ``period_end``, ``score``, ``forecast`` (:meth:`riskmap.history.History.county_trend`).
    """
    scores = np.asarray(trend["score"], dtype=float)
    forecast = np.asarray(trend["forecast"], dtype=bool)
    x = np.arange(len(scores))
    top = max(float(scores.max()) if len(scores) else 0.0, 1.0) * 1.15
    table = standard.counties
    if table.get("scheme", "fixed") == "fixed":
        edges = [0.0, *(float(table["thresholds"][g]) for g in ("yellow", "orange", "red"))]
        top = max(top, edges[-1] * 1.1)
        for grade, low, high in zip(reversed(GRADES), edges, [*edges[1:], top]):
            ax.axhspan(low, high, color=colours[grade], alpha=0.18, linewidth=0)
            ax.text(len(x) - 0.4, (low + min(high, top)) / 2, grade_label(grade, lang), fontsize=size - 1.5,
                    ha="right", va="center", color="#555555")
    past = ~forecast
    ax.plot(x[past], scores[past], color="#333333", linewidth=1.2, marker="o", markersize=2.8)
    if forecast.any() and past.any():
        last = np.flatnonzero(past)[-1]
        ax.plot([x[last], x[forecast][0]], [scores[last], scores[forecast][0]], color="#333333", linewidth=1, linestyle="--")
        ax.plot(x[forecast], scores[forecast], linestyle="none", marker="o", markersize=4, markerfacecolor="white",
                markeredgecolor="#111111")
    labels = [d.strftime("%y-%m") for d in trend["period_end"]]
    step = max(1, len(labels) // 7)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(labels[::step], fontsize=size - 1)
    ax.set_xlim(-0.5, len(x) - 0.5)
    _yticks(ax, top, size - 1)
    ax.set_ylabel(t("score", lang), fontsize=size - 0.5)
    ax.spines[["top", "right"]].set_visible(False)
