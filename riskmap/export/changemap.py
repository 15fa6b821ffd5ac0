"""The printed change map (风险等级变化图): counties by grade change since the previous period end.

The counties are filled on the diverging scale of the page's change mode
(:data:`riskmap.mapview.change.CHANGE_COLOURS`: reds for a rise, blues for a fall,
grey for none); the enterprises whose grade rose are marked; the furniture is the
static map's (north arrow, scale bar, county names, footer with source and projection:
:mod:`riskmap.export.cartography`).  The view must be of
:meth:`riskmap.history.History.with_change` (counties with ``change``).
"""

from __future__ import annotations

import matplotlib
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch

from riskmap.coords import local_metric_crs
from riskmap.errors import InputError
from riskmap.export import fonts
from riskmap.export.cartography import CONTEXT_FILL, OUTLINE, drawable, frame_axes, polygon_path
from riskmap.export.furniture import draw_north_arrow, draw_scale_bar, halo_text
from riskmap.export.page import ExportOptions, Page
from riskmap.export.staticmap import draw_footer
from riskmap.i18n import t
from riskmap.mapview.change import CHANGE_COLOURS, CHANGES

RISING_COLOUR = "#7B1FA2"


def render_change_map(data: dict, *, options: ExportOptions | None = None) -> Figure:
    """The change map of ``data`` (``view``: a View of a history's :meth:`~riskmap.history.History.with_change`,
    ``rising``: ids of the enterprises whose grade rose, ``previous``: the previous period end).

    Raises
    ------
    InputError
        When the view's counties carry no change (not a view of ``with_change``) or have no boundaries.
    """
    view, rising = data["view"], set(data.get("rising", ()))
    options = ExportOptions.of(options).checked()
    if "change" not in view.assessment.counties:
        raise InputError("the change map needs the counties' grade change (History.with_change)")
    font = fonts.cjk_font()
    page = Page(options.paper, options.orientation, options.dpi)
    lang = view.lang
    with matplotlib.rc_context(fonts.rc_params(font)):
        fig = Figure(figsize=page.size_in, dpi=options.dpi, facecolor="white")
        fig._riskmap_rc = fonts.rc_params(font)  # type: ignore[attr-defined]
        ax = fig.add_axes(page.rect(7, 27, 82, 18))
        crs, counts, n_rising = _draw(ax, view, rising, page)
        fig.text(0.5, page.y(7), t("pack_change_title", lang), fontsize=page.pt(20), fontweight="bold", ha="center", va="top")
        subtitle = "  ·  ".join(p for p in (view.info.region, f"{data.get('previous', '')} → {view.info.as_of.isoformat()}",
                                            view.describe_filters()) if p)
        fig.text(0.5, page.y(17.5), subtitle, fontsize=page.pt(11), ha="center", va="top", color="#333333")
        handles = [Patch(facecolor=CHANGE_COLOURS[c], edgecolor=OUTLINE, linewidth=page.pt(0.6),
                         label=f"{t(f'change_{c}', lang)}  {counts[c]}") for c in CHANGES]
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=page.pt(6), markerfacecolor=RISING_COLOUR,
                              markeredgecolor="white", label=t("pack_rising_mark", lang, n=n_rising)))
        handles.append(Patch(facecolor=CONTEXT_FILL, edgecolor="#9A9A9A", linewidth=page.pt(0.5), label=t("legend_context", lang)))
        x, y, w, h = page.rect(222, 27, 7, 18)
        legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(x, y + h), bbox_transform=fig.transFigure,
                            title=t("change_title", lang), fontsize=page.pt(9.5), title_fontsize=page.pt(10.5),
                            frameon=False, handlelength=2.2, handleheight=1.3, borderaxespad=0, labelspacing=0.6,
                            alignment="left")
        legend.get_title().set_fontweight("bold")
        draw_footer(fig, view, crs, page)
    return fig


def _draw(ax, view, rising: set, page: Page):
    everything = drawable(view.assessment.counties)
    if everything.empty:
        raise InputError("the assessment has no county boundaries to draw")
    crs = local_metric_crs(tuple(everything.total_bounds))
    base = everything.to_crs(crs)
    ax.set_axis_off()
    context = [p for p in (polygon_path(g) for g in base.geometry) if p is not None]
    ax.add_collection(PatchCollection([PathPatch(p) for p in context], facecolor=CONTEXT_FILL, edgecolor="#9A9A9A",
                                      linewidth=page.pt(0.5), zorder=1))
    shown = drawable(view.counties).to_crs(crs)
    patches, faces = [], []
    for geom, change in zip(shown.geometry, shown["change"]):
        path = polygon_path(geom)
        if path is not None:
            patches.append(PathPatch(path))
            faces.append(CHANGE_COLOURS.get(change, CONTEXT_FILL))
    ax.add_collection(PatchCollection(patches, facecolor=faces, edgecolor="white", linewidth=page.pt(1.6), zorder=2))
    ax.add_collection(PatchCollection([PathPatch(p) for p in context], facecolor="none", edgecolor=OUTLINE,
                                      linewidth=page.pt(0.6), zorder=3))
    ents = view.enterprises
    marked = drawable(ents[ents["enterprise_id"].astype(str).isin(rising)]) if len(ents) else ents
    if len(marked):
        marked = marked.to_crs(crs)
        ax.scatter(marked.geometry.x, marked.geometry.y, s=page.pt(28), c=RISING_COLOUR, edgecolors="white",
                   linewidths=page.pt(0.6), zorder=8)
    frame_axes(ax, base.total_bounds)
    size = page.pt(10 if len(shown) <= 20 else (7 if len(shown) <= 60 else 5))
    for point, name in zip(shown.geometry.representative_point(), shown["county_name"]):
        if point is not None and not point.is_empty and isinstance(name, str):
            halo_text(ax, point.x, point.y, name, halo=page.pt(2.4), zorder=9, fontsize=size, ha="center", va="center",
                      color="#111111", fontweight="bold", clip_on=True)
    draw_north_arrow(ax, crs, everything, view.lang, page)
    draw_scale_bar(ax, page)
    counts = {c: int((shown["change"] == c).sum()) for c in CHANGES}
    return crs, counts, len(marked)
