"""The sidebar's choices: language, period and map mode, filters, layers and basemap.

Every choice is a widget whose words are ours (issue 10): pills for sectors, grades, counties,
statuses and layers (a multiselect's own "Choose options", "No results", "Remove an option" cannot
be translated), and a text box where a sector typed and confirmed with Enter is chosen alone.
"""

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
MANY_COUNTIES = 24
"""Past this many counties their pills fold into an expander (a province has a hundred)."""


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


def skip_bad_rows(lang: str) -> bool:
    """Whether rows with errors are left out (listed in unassigned.csv) instead of stopping the assessment."""
    return st.sidebar.checkbox(ui("skip_bad_rows", lang), key="skip_bad_rows", help=ui("skip_bad_rows_help", lang))


def period(history, lang: str) -> tuple:
    """The period end shown (a history's, or the forecast's) and the map mode (grade or change)."""
    ends, sb, f = [*history.ends, history.forecast_end], st.sidebar, history.forecast_end
    words = {history.as_of: ui("period_now", lang, d=history.as_of), f: ui("period_forecast", lang, d=f)}
    end = sb.selectbox(ui("period", lang), ends, index=len(ends) - 2, key="f_period", format_func=lambda d: words.get(d, str(d)),
                       placeholder=ui("choose", lang))
    mode = sb.radio(ui("map_mode", lang), ["grade", "change"], key="f_mode", horizontal=True,
                    format_func=lambda m: ui(f"mode_{m}", lang))
    return end, mode


def _time_window(sb, as_of, lang: str) -> tuple:
    """The dates of the time window chosen (``None`` for all)."""
    choice = sb.selectbox(ui("time_window", lang), ["all", "12", "36", "custom"], key="f_window",
                          format_func=lambda w: ui(f"tw_{w}", lang), placeholder=ui("choose", lang))
    custom = sb.date_input(ui("from_to", lang), value=(as_of - timedelta(days=365), as_of), key="f_dates",
                           format="YYYY-MM-DD") if choice == "custom" else None
    return time_window(choice, as_of, custom)


def sector_typed(sectors, text: str) -> str | None:
    """The one sector a typed text names: a spelling of the standard (key, label, alias), else the only
    sector whose label or key contains it; ``None`` when none or several do."""
    words = text.strip()
    if not words:
        return None
    vocabulary = sectors.vocabulary
    if words in vocabulary or words.lower() in vocabulary:
        return vocabulary.get(words) or vocabulary[words.lower()]
    found = {s.key for s in sectors if words in s.zh or words.lower() in s.en.lower() or words.lower() in s.key}
    return found.pop() if len(found) == 1 else None


def _choose_typed_sector(sectors, lang: str) -> None:
    """On Enter in the sector box: that sector alone is chosen (the box is emptied)."""
    state = st.session_state
    text = state.get("f_sector_text", "")
    key = sector_typed(sectors, text)
    if key is not None:
        state["f_sectors"] = [key]
        state["_sector_miss"] = None
    elif text.strip():
        state["_sector_miss"] = text.strip()
    state["f_sector_text"] = ""


def _pills(container, title: str, options, shown, key: str, lang: str) -> tuple | None:
    """A multi-choice row of pills; nothing chosen means all (said under it)."""
    picked = container.pills(title, list(options), selection_mode="multi", format_func=shown, key=key,
                             help=ui("all_hint", lang))
    return tuple(picked) or None


def _sector_choice(sb, a, lang: str) -> tuple | None:
    sectors = a.sectors
    sb.text_input(ui("sector_type", lang), key="f_sector_text", placeholder=ui("sector_type_hint", lang),
                  on_change=_choose_typed_sector, args=(sectors, lang), max_chars=40)
    miss = st.session_state.get("_sector_miss")
    if miss:
        sb.caption(ui("sector_unknown", lang, value=markdown_text(miss)))
    return _pills(sb, ui("sectors", lang), sectors.keys, lambda s: markdown_text(sectors.label(s, lang)), "f_sectors", lang)


def filters(a, lang: str) -> Filters:
    sb = st.sidebar
    sb.subheader(ui("filters", lang))
    names = a.county_names
    sectors = _sector_choice(sb, a, lang)
    grades = _pills(sb, ui("grades", lang), GRADES, lambda g: grade_label(g, lang), "f_grades", lang)
    place = sb.expander(ui("counties", lang)) if len(names) > MANY_COUNTIES else sb
    counties = _pills(place, ui("counties", lang), names, lambda c: markdown_text(names.get(c, c)), "f_counties", lang)
    statuses = _pills(sb, ui("hazard_status", lang), HAZARD_STATUS_LABELS,
                      lambda s: label(HAZARD_STATUS_LABELS, s, lang), "f_status", lang)
    date_from, date_to = _time_window(sb, a.info.as_of, lang)
    return Filters(sectors=sectors, counties=counties, grades=grades, hazard_statuses=statuses,
                   date_from=date_from, date_to=date_to)


def _basemap_name(key: str, lang: str) -> str:
    """A basemap's name in the page's language (a workspace's own XYZ address as it is)."""
    return ui(f"bm_{key}", lang) if t(f"ui_bm_{key}", lang) != f"ui_bm_{key}" else key


def layers_and_basemap(a, lang: str) -> tuple[list, str]:
    sb = st.sidebar
    specs = load_layers(workspace=a.info.path)
    titles = {s.id: s.title(lang) for s in specs}
    chosen = sb.pills(ui("layers", lang), list(titles), selection_mode="multi", default=[s.id for s in specs if s.show],
                      format_func=lambda i: markdown_text(titles[i]), key="f_layers")
    # A layer unticked here is left out; the ticked ones are all shown at start.
    layers = [dataclasses.replace(s, show=True) for s in specs if s.id in chosen]
    options, default = mapview.basemaps.page_choices(a.info.basemap)
    basemap = sb.selectbox(ui("basemap", lang), options, index=default, key="f_basemap", placeholder=ui("choose", lang),
                           format_func=lambda b: _basemap_name(b, lang))
    if basemap == "custom":
        basemap = sb.text_input(ui("basemap_url", lang), value=a.info.basemap if "{z}" in a.info.basemap else
                                "https://tile.openstreetmap.org/{z}/{x}/{y}.png", key="f_basemap_url",
                                max_chars=2000, help=ui("basemap_url_help", lang))
        problem = check_tile_url(basemap, lang=lang)
        if problem is not None:
            sb.error(ui("basemap_url_bad", lang, reason=markdown_text(problem)))
            basemap = "none"
    return layers, basemap
