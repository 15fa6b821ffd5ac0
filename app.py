"""RiskMap: the Streamlit page (``streamlit run app.py``).

Layout and widgets only: every number, table, file and word comes from :mod:`riskmap`.

Workspace, in this order: files uploaded in the sidebar (:mod:`riskmap.io.upload`),
the folder named by ``RISKMAP_WORKSPACE``, the demo workspace ``data/demo``.

The history (:mod:`riskmap.history`) is computed once per workspace *content* (a SHA-256
of its files) and kept with ``st.cache_resource``: a filter, language or period change
never recomputes it.  One :class:`riskmap.View` per run feeds figures, map, tables, downloads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from riskmap import Filters, View, charts, mapview, outputs, settings, tables
from riskmap.alerts import KINDS
from riskmap.errors import InputError, Problem
from riskmap.filters import time_window
from riskmap.grades import GRADES
from riskmap.i18n import HAZARD_STATUS_LABELS, grade_label, label, label_of, msg, t
from riskmap.io import upload
from riskmap.layers import BUILTIN_DATASETS, load_layers
from riskmap.mapview.change import change_layers
from riskmap.sanitize import check_tile_url, markdown_text

ROOT = Path(__file__).resolve().parent
DEMO = ROOT / "data" / "demo"

# riskmap/static (Leaflet, riskmap.js/css) is published by the Streamlit server itself: a (never rendered)
# component with that path is served under component/<name>/, beside streamlit-folium's frame, which then
# loads the files by a relative URL whatever the server's base path: no CDN.
_STATIC = components.declare_component("riskmap_static", path=str(mapview.STATIC_DIR))
ASSET_BASE = f"../{_STATIC.name}/"

# Coloured squares for labels (Markdown colours; emoji fonts are often missing offline).
GRADE_MARK = {"red": ":red[■]", "orange": ":orange[■]", "yellow": ":yellow[■]", "blue": ":blue[■]"}
STYLER_MAX_ROWS = 200  # colouring cells with a pandas Styler is slow (and holds up the map) past this
SELECT_KEYS = ("f_sectors", "f_grades", "f_counties", "f_status", "f_window", "f_layers", "f_basemap", "why_county",
               "f_period", "f_mode", "f_warn_levels", "f_warn_kinds", "warn_pick")


def ui(key: str, lang: str, **fmt) -> str:
    """A page string in ``lang`` (:data:`riskmap.i18n.STRINGS`, ``ui_`` keys)."""
    return t(f"ui_{key}", lang, **fmt)


@st.cache_data(show_spinner=False, max_entries=64)
def _content_hash(folder: str, signature: tuple) -> str:
    """SHA-256 of a workspace's files, read again only when their sizes or times change."""
    return upload.workspace_hash(folder, signature)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_history(content_hash: str, folder: str):
    """The history of a workspace, once per content hash and folder (an upload folder goes with its
    visitor).  Not per language: a View renders words from codes, so a switch never re-assesses."""
    from riskmap.history import build_history

    return build_history(folder)


@st.cache_resource(show_spinner=False)
def _startup_sweep() -> int:
    """Once per server process: remove upload folders older than a day."""
    return upload.sweep_uploads()


def _upload_folder(files) -> Path | None:
    """The folder of the current uploads (made once per distinct set, removed with the session), or None."""
    signature = hashlib.sha256(repr([(f.name, f.size, f.file_id) for f in files]).encode()).hexdigest() if files else ""
    current = upload.current_upload(st.session_state.get("_upload"), signature,
                                    lambda: [(f.name, f.getvalue()) for f in files])
    st.session_state["_upload"] = current
    return current.folder if current is not None else None


def _workspace_folder(lang: str) -> tuple[Path, str, list[Problem]]:
    """The workspace to show, where it comes from, and notes about it."""
    _startup_sweep()
    limit = f"{settings.max_unpacked_bytes / 1e6:,.0f} MB"
    files = st.sidebar.file_uploader(ui("upload", lang), accept_multiple_files=True, key="uploads",
                                     help=ui("upload_help", lang, limit=limit))
    folder = _upload_folder(files)
    if folder is not None:
        notes = [Problem.said("warning", "riskmap.toml", msg("upload_generated_toml"), lang)] if upload.was_generated(folder) else []
        return folder, ui("source_upload", lang), notes
    if os.environ.get("RISKMAP_WORKSPACE"):
        return Path(os.environ["RISKMAP_WORKSPACE"]).expanduser(), ui("source_env", lang), []
    return DEMO, ui("source_demo", lang), []


def _assessment(lang: str):
    """The assessment and the notes on its workspace, or ``None`` after showing why not."""
    try:
        folder, source, notes = _workspace_folder(lang)
        st.sidebar.caption(f"{ui('workspace', lang)}: {source} · {markdown_text(folder.name)}")
        with st.spinner(ui("assessing", lang)):
            if not folder.is_dir():
                raise InputError(f"{folder}: not a folder", [Problem("error", str(folder), "the workspace folder does not exist")])
            return load_history(_content_hash(str(folder), upload.file_signature(folder)), str(folder)), notes
    except InputError as exc:
        st.title(t("app_title", lang))
        show_problems(exc.problems or [Problem("error", "workspace", str(exc))], lang, header=ui("errors", lang))
    except Exception as exc:  # never a traceback on the page
        st.title(t("app_title", lang))
        st.error(ui("internal", lang, e=markdown_text(f"{type(exc).__name__}: {exc}")))
    return None, []


def show_problems(problems: list[Problem], lang: str, *, header: str) -> None:
    """Errors in one error box (file, row, column, value, message); never a traceback."""
    st.error(tables.problem_markdown(problems, lang, header=header))


def show_table(table: pd.DataFrame, lang: str, colours: dict[str, str], **options) -> None:
    """A table with its grade column in the grade colours (when small enough to style)."""
    st.dataframe(tables.styled(table, lang, colours, max_rows=STYLER_MAX_ROWS), hide_index=True, width="stretch", **options)


def _time_window(sb, as_of, lang: str) -> tuple:
    """The dates of the time window chosen (``None`` for all)."""
    choice = sb.selectbox(ui("time_window", lang), ["all", "12", "36", "custom"], key="f_window",
                          format_func=lambda w: ui(f"tw_{w}", lang))
    custom = sb.date_input(ui("from_to", lang), value=(as_of - timedelta(days=365), as_of), key="f_dates") \
        if choice == "custom" else None
    return time_window(choice, as_of, custom)


def _filters(a, lang: str) -> Filters:
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


def _layers_and_basemap(a, lang: str) -> tuple[list, str]:
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


def _headline(figures: dict, lang: str) -> None:
    for col, g in zip(st.columns(4), GRADES):
        col.metric(ui("counties_by_grade", lang, g=f"{GRADE_MARK[g]} {grade_label(g, lang)}"),
                   f"{figures['counties_by_grade'][g]} / {figures['enterprises_by_grade'][g]}")
    for col, key, figure in zip(st.columns(4), ("open_major", "overdue", "accident_prone", "deaths_12m"),
                                ("open_major_hazards", "overdue_hazards", "accident_prone_units", "deaths_12m")):
        col.metric(ui(key, lang), figures[figure])


def _map(view: View, layers: list, basemap: str, mode: str = "grade") -> None:
    if mode == "change":
        layers = change_layers(layers)
    focus = st.session_state.get("_focus")  # a warning's subject: its county code, or its point
    try:
        m = mapview.build_map(view, layers=layers, basemap=basemap, asset_base=ASSET_BASE, height=620, focus=focus)
    except InputError as exc:
        show_problems(exc.problems or [Problem("error", "map", str(exc))], view.lang, header=ui("map_error", view.lang))
        # Drawn again without the basemap and without the workspace's own layers (the
        # two things a workspace can get wrong), so the page stays usable.
        builtin = [s for s in layers if s.dataset in BUILTIN_DATASETS]
        m = mapview.build_map(view, layers=builtin, basemap="none", asset_base=ASSET_BASE, height=620)
    # Only clicks come back: panning and zooming do not rerun the page.
    state = st_folium(m, key="riskmap", height=620, use_container_width=True, returned_objects=["last_object_clicked"])
    click = (state or {}).get("last_object_clicked")
    if click and click != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = click
        code = mapview.county_at(view, click["lat"], click["lng"], basemap=basemap)
        if code is not None:  # open the ranking tab on this county's "why" panel
            st.session_state["why_county"] = code
            st.session_state["main_tabs"] = ui("tab_ranking", view.lang)


def _why(view: View, code: str | None, history) -> None:
    if (found := tables.county_why(view, code, ui("components", view.lang))) is None:
        return
    lang, (row, parts) = view.lang, found
    st.markdown(f"#### {markdown_text(row['county_name'])} · {GRADE_MARK[row['grade']]} "
                f"{grade_label(row['grade'], lang)} · {t('score', lang)} {row['score']:.1f}")
    left, right = st.columns([1, 1])
    left.dataframe(parts, hide_index=True, width="stretch")
    right.markdown(f"**{ui('top', lang)}**: {markdown_text(row.get('top_contributors') or ui('none', lang))}")
    right.markdown(f"**{ui('reasons', lang)}**: {markdown_text(row.get('reasons') or ui('none', lang))}")
    counts = " · ".join(f"{GRADE_MARK[g]} {grade_label(g, lang)} {int(row.get(f'enterprises_{g}', 0))}" for g in GRADES)
    right.markdown(f"**{t('enterprises', lang)}**: {counts}")
    st.vega_lite_chart(charts.score_trend(history.county_trend(code), view.standard, lang=lang, colours=view.colours,
                                          title=ui("trend", lang)), width="stretch")


def _ranking(view: View, history) -> None:
    lang = view.lang
    show_table(tables.page_table(view, "counties"), lang, view.colours)
    names = view.county_names
    codes = tables.county_rows(view.counties)["county_code"].astype(str).tolist() or list(names)
    if st.session_state.get("why_county") not in codes:
        st.session_state["why_county"] = codes[0] if codes else None
    st.subheader(ui("why", lang))
    _why(view, st.selectbox(ui("why_pick", lang), codes, key="why_county", format_func=lambda c: names.get(c, c)), history)


def _charts(view: View) -> None:
    lang, ents = view.lang, view.enterprises
    colours = [view.colours[g] for g in GRADES]
    st.markdown(f"**{ui('chart_county', lang)}**")
    st.bar_chart(tables.grade_crosstab(ents, ents["county_name"].fillna("—"), lang), color=colours)
    st.markdown(f"**{ui('chart_sector', lang)}**")
    st.bar_chart(tables.grade_crosstab(ents, ents["sector"].map(lambda s: view.sectors.label(s, lang)), lang), color=colours)


def _downloads(view: View, layers: list, stem: str, history) -> None:
    """Every output file and export of what is shown, written by the CLI's own writers."""
    lang, (files, exports) = view.lang, outputs.download_files(view, [s.id for s in layers], stem, history)
    for title, group, width in ((ui("outputs", lang), files, 4), (ui("exports", lang), exports, len(exports))):
        st.markdown(f"**{title}**")
        for i, (name, data, mime) in enumerate(group):
            if i % width == 0:
                cols = st.columns(width)
            label = ui("all_zip", lang) if name.endswith("-outputs.zip") else (name.rsplit(".", 1)[1].upper() if group is exports else name)
            cols[i % width].download_button(label, data, file_name=name, mime=mime, key=f"dl_{name}", on_click="ignore")


def _warnings(view: View, history) -> None:
    lang = view.lang
    levels, kinds = st.columns(2)
    picked = [tuple(col.multiselect(ui(title, lang), options, format_func=lambda v, k=kind: label_of(k, v, lang), key=key,
                                    placeholder=ui("all_hint", lang))) or None
              for col, title, options, kind, key in ((levels, "warn_levels", GRADES, "warning_level", "f_warn_levels"),
                                                     (kinds, "warn_kinds", KINDS, "warning_kind", "f_warn_kinds"))]
    rows = tables.warning_rows(history.warnings, view, levels=picked[0], kinds=picked[1]).reset_index(drop=True)
    st.caption(ui("warn_caption", lang, n=len(rows), d=history.as_of.isoformat()) if len(rows) else ui("warn_none", lang))
    show_table(tables.warning_table(rows, lang), lang, view.colours)
    choices = tables.warning_choices(rows, lang)  # a subject is found on the map: its county outlined, its point ringed
    pick = st.selectbox(ui("warn_find", lang), [None, *choices], format_func=lambda i: choices.get(i, ui("none", lang)),
                        key="warn_pick")
    focus = tables.warning_focus(rows, pick)
    if focus != st.session_state.get("_focus"):
        st.session_state["_focus"] = focus
        st.rerun()


def _tabs(view: View, layers: list, history) -> None:
    # Lazy tabs: only the open tab runs and is sent, so a filter change redraws the
    # map without the browser also laying out every table and chart.
    lang = view.lang
    tabs = st.tabs([ui(k, lang) for k in ("tab_ranking", "tab_warnings", "tab_enterprises", "tab_roads", "tab_hazards",
                                          "tab_charts", "tab_downloads")], key="main_tabs", on_change="rerun")
    panels = [lambda: _ranking(view, history), lambda: _warnings(view, history),
              *[lambda d=d: _records(view, d) for d in ("enterprises", "road_units", "hazards")],
              lambda: _charts(view), lambda: _downloads(view, layers, outputs.file_stem(view), history)]
    for tab, panel in zip(tabs, panels):
        if tab.open:
            with tab:
                panel()


def _records(view: View, dataset: str) -> None:
    table = tables.page_table(view, dataset)
    st.caption(ui("shown", view.lang, n=len(table)))
    show_table(table, view.lang, view.colours)


def _period(history, lang: str) -> tuple:
    """The period end shown (a history's, or the forecast's) and the map mode (grade or change)."""
    ends, sb, f = [*history.ends, history.forecast_end], st.sidebar, history.forecast_end
    words = {history.as_of: ui("period_now", lang, d=history.as_of), f: ui("period_forecast", lang, d=f)}
    end = sb.selectbox(ui("period", lang), ends, index=len(ends) - 2, key="f_period", format_func=lambda d: words.get(d, str(d)))
    mode = sb.radio(ui("map_mode", lang), ["grade", "change"], key="f_mode", horizontal=True,
                    format_func=lambda m: ui(f"mode_{m}", lang))
    return end, mode


def _language() -> str:
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


def main() -> None:
    st.set_page_config(page_title="RiskMap 安全风险空间分布图", page_icon="🗺️", layout="wide")
    lang = _language()
    history, notes = _assessment(lang)
    if history is None:
        return
    end, mode = _period(history, lang)
    full = history.with_change(end)  # made from the numbers graded once: a period change never re-assesses
    filters = _filters(full, lang)
    layers, basemap = _layers_and_basemap(full, lang)
    view = View(full, filters, lang, None if end == history.as_of else end)  # once: figures, map, tables, downloads
    st.title(markdown_text(full.info.title) if full.info.title else t("app_title", lang))
    if full.info.demo:
        st.info(t("demo_data", lang))
    if end == history.forecast_end:
        st.warning(ui("forecast_note", lang, d=end.isoformat()))
    st.caption(ui("as_of", lang, d=full.info.as_of.isoformat(), s=markdown_text(full.info.standard),
                  r=markdown_text(full.info.region)))
    warnings = notes + view.warnings
    if warnings:
        with st.expander(ui("validation", lang, n=len(warnings))):
            st.dataframe(tables.problem_table(warnings), hide_index=True, width="stretch")
    _headline(view.headline, lang)
    if view.headline.get("located_by_county"):
        st.caption(t("located_by_county_note", lang, n=view.headline["located_by_county"]))
    _map(view, layers, basemap, mode)
    _tabs(view, layers, history)


main()
