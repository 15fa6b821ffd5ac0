"""RiskMap: the Streamlit page (``streamlit run app.py``).

Layout only: the sections live in the :mod:`page` package (one module each), and every
number, table, file and word comes from :mod:`riskmap`.

Workspace, in this order: files uploaded in the sidebar (:mod:`riskmap.io.upload`),
the folder named by ``RISKMAP_WORKSPACE``, the demo workspace ``data/demo``.

The history (:mod:`riskmap.history`) is computed once per workspace *content* (a SHA-256
of its files) and kept with ``st.cache_resource``, shared by every visitor: a filter,
language or period change never recomputes it.  Its warnings are found once the first map
is drawn (the page says so meanwhile).  One :class:`riskmap.View` per run feeds figures, map, tables, downloads.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the page package beside this file, however it is run

from page import panels, sidebar, style, workspace  # noqa: E402
from page.downloads import downloads  # noqa: E402
from page.mapframe import show_map  # noqa: E402
from page.text import ui  # noqa: E402
from riskmap import View, outputs, tables  # noqa: E402
from riskmap.i18n import t  # noqa: E402
from riskmap.sanitize import markdown_text  # noqa: E402


def _tabs(view: View, layers: list, history) -> None:
    # Lazy tabs: only the open tab runs and is sent, so a filter change redraws the
    # map without the browser also laying out every table and chart.
    lang = view.lang
    tabs = st.tabs([ui(k, lang) for k in ("tab_ranking", "tab_warnings", "tab_enterprises", "tab_roads", "tab_hazards",
                                          "tab_charts", "tab_downloads")], key="main_tabs", on_change="rerun")
    sections = [lambda: panels.ranking(view, history), lambda: panels.warnings_panel(view, history),
              *[lambda d=d: panels.records(view, d) for d in ("enterprises", "road_units", "hazards")],
              lambda: panels.charts_panel(view), lambda: downloads(view, layers, outputs.file_stem(view), history)]
    for tab, section in zip(tabs, sections):
        if tab.open:
            with tab:
                section()


def main() -> None:
    st.set_page_config(page_title="RiskMap 安全风险空间分布图", page_icon="🗺️", layout="wide")
    style.compact()
    lang = sidebar.language()
    history, notes = workspace.assessment(lang, skip_bad_rows=sidebar.skip_bad_rows(lang))
    if history is None:
        return
    end, mode = sidebar.period(history, lang)
    full = history.with_change(end)  # made from the numbers graded once: a period change never re-assesses
    filters = sidebar.filters(full, lang)
    layers, basemap = sidebar.layers_and_basemap(full, lang)
    view = View(full, filters, lang, None if end == history.as_of else end)  # once: figures, map, tables, downloads
    st.title(markdown_text(view.title))  # a sector view's is the sector map's (煤矿安全风险分布图)
    if view.regraded:
        st.caption(view.regraded_note)
    if full.info.demo:
        st.info(t("demo_data", lang))
    if end == history.forecast_end:
        st.warning(ui("forecast_note", lang, d=end.isoformat()))
    st.caption(ui("as_of", lang, d=full.info.as_of.isoformat(), s=markdown_text(view.standard_title),
                  r=markdown_text(full.info.region)))
    skipped = view.summary.get("skipped", {}).get("rows", 0)
    if skipped:  # rows with errors left out on request: each is in unassigned.csv with its error
        st.warning(ui("skipped", lang, n=skipped))
    panels.headline(view.headline, lang)
    show_map(view, layers, basemap, mode)  # within the first screen: what the page leads with
    workspace.find_warnings(history, lang)  # the first visitor's map does not wait for them
    if view.headline.get("located_by_county"):
        st.caption(t("located_by_county_note", lang, n=view.headline["located_by_county"]))
    warnings = notes + view.warnings
    if warnings:  # below the map, so the report never pushes it down
        with st.expander(ui("validation", lang, n=len(warnings))):
            st.dataframe(tables.problem_table(warnings, lang), hide_index=True, width="stretch")
    _tabs(view, layers, history)


main()
