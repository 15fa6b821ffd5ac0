"""The sidebar's choices: language, period and map mode, filters, layers and basemap."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import streamlit as st

from page.text import ui
from riskmap import Filters, mapview
from riskmap.filters import time_window
from riskmap.grades import GRADES
from riskmap.i18n import HAZARD_STATUS_LABELS, grade_label, label, t
from riskmap.layers import load_layers
from riskmap.sanitize import check_tile_url, markdown_text

# Select widgets set again on a language switch (see language()).
SELECT_KEYS = ("f_sectors", "f_grades", "f_counties", "f_status", "f_window", "f_layers", "f_basemap", "why_county",
               "f_period", "f_mode", "f_warn_levels", "f_warn_kinds", "warn_pick")


def language() -> str:
    choice = st.sidebar.radio(t("ui_language", "zh"), ["中文", "English"], horizontal=True, key="lang")
    lang = "zh" if choice == "中文" else "en"
    if st.session_state.get("_shown_lang", lang) != lang:
        # A keyed select widget keeps its old labels when only its format_func changes (streamlit#13788):
        # setting each value again from Python makes the browser redraw them in the new language.
        for key in SELECT_KEYS:
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state["_shown_lang"] = lang
    return lang


def period(history, lang: str) -> tuple:
    """The period end shown (a history's, or the forecast's) and the map mode (grade or change)."""
    ends, sb, f = [*history.ends, history.forecast_end], st.sidebar, history.forecast_end
    words = {history.as_of: ui("period_now", lang, d=history.as_of), f: ui("period_forecast", lang, d=f)}
    end = sb.selectbox(ui("period", lang), ends, index=len(ends) - 2, key="f_period", format_func=lambda d: words.get(d, str(d)))
    mode = sb.radio(ui("map_mode", lang), ["grade", "change"], key="f_mode", horizontal=True,
                    format_func=lambda m: ui(f"mode_{m}", lang))
    return end, mode


def _time_window(sb, as_of, lang: str) -> tuple:
    """The dates of the time window chosen (``None`` for all)."""
    choice = sb.selectbox(ui("time_window", lang), ["all", "12", "36", "custom"], key="f_window",
                          format_func=lambda w: ui(f"tw_{w}", lang))
    custom = sb.date_input(ui("from_to", lang), value=(as_of - timedelta(days=365), as_of), key="f_dates") \
        if choice == "custom" else None
    return time_window(choice, as_of, custom)


def filters(a, lang: str) -> Filters:
    sb = st.sidebar
    sb.subheader(ui("filters", lang))
    names = a.county_names
    picked = [tuple(sb.multiselect(ui(title, lang), list(options), format_func=shown, key=key, placeholder=ui("all_hint", lang)))
              or None for title, options, shown, key in (
                  ("sectors", a.sectors.keys, lambda s: a.sectors.label(s, lang), "f_sectors"),
                  ("grades", GRADES, lambda g: grade_label(g, lang), "f_grades"),
                  ("counties", names, lambda c: names.get(c, c), "f_counties"),
                  ("hazard_status", HAZARD_STATUS_LABELS, lambda s: label(HAZARD_STATUS_LABELS, s, lang), "f_status"))]
    sectors, grades, counties, statuses = picked
    date_from, date_to = _time_window(sb, a.info.as_of, lang)
    return Filters(sectors=sectors, counties=counties, grades=grades, hazard_statuses=statuses,
                   date_from=date_from, date_to=date_to)


def layers_and_basemap(a, lang: str) -> tuple[list, str]:
    sb = st.sidebar
    specs = load_layers(workspace=a.info.path)
    titles = {s.id: s.title(lang) for s in specs}
    chosen = sb.multiselect(ui("layers", lang), list(titles), default=[s.id for s in specs if s.show],
                            format_func=lambda i: titles[i], key="f_layers")
    # A layer unticked here is left out; the ticked ones are all shown at start.
    layers = [dataclasses.replace(s, show=True) for s in specs if s.id in chosen]
    options, default = mapview.basemaps.page_choices(a.info.basemap)
    basemap = sb.selectbox(ui("basemap", lang), options, index=default, key="f_basemap",
                           format_func=lambda b: ui("bm_none", lang) if b == "none" else (ui("bm_custom", lang) if b == "custom" else b))
    if basemap == "custom":
        basemap = sb.text_input(ui("basemap_url", lang), value=a.info.basemap if "{z}" in a.info.basemap else
                                "https://tile.openstreetmap.org/{z}/{x}/{y}.png", key="f_basemap_url",
                                max_chars=2000, help=ui("basemap_url_help", lang))
        problem = check_tile_url(basemap, lang=lang)
        if problem is not None:
            sb.error(ui("basemap_url_bad", lang, reason=markdown_text(problem)))
            basemap = "none"
    return layers, basemap
