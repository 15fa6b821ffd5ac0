"""The main area's panels: headline figures, ranking and "why", warnings, records, charts."""

from __future__ import annotations

import streamlit as st

from page.text import GRADE_MARK, show_table, ui
from riskmap import View, charts, tables
from riskmap.alerts import KINDS
from riskmap.grades import GRADES
from riskmap.i18n import grade_label, label_of, t
from riskmap.sanitize import markdown_text
from riskmap.sectorview import county_trend


def headline(figures: dict, lang: str) -> None:
    """The headline figures in one compact row, each with a label of its own (重大风险区县 1 · 重大风险企业 29 …).

    A row of content-wide figures (a flex row): it fits a 1600 px page and wraps, never
    cuts a label, on a narrow one.
    """
    items = []
    for g in GRADES:
        name = grade_label(g, lang)
        items.append((f"{GRADE_MARK[g]} {ui('counties_of_grade', lang, g=name)}", figures["counties_by_grade"][g]))
        items.append((f"{GRADE_MARK[g]} {ui('enterprises_of_grade', lang, g=name)}", figures["enterprises_by_grade"][g]))
    for key, figure in (("open_major", "open_major_hazards"), ("overdue", "overdue_hazards"),
                        ("accident_prone", "accident_prone_units"), ("deaths_12m", "deaths_12m")):
        items.append((ui(key, lang), figures[figure]))
    row = st.container(horizontal=True, gap="small")
    for label, value in items:
        row.metric(label, value, width="content")


def _why(view: View, code: str | None, history) -> None:
    if (found := tables.county_why(view, code, ui("components", view.lang))) is None:
        return
    lang, (row, parts) = view.lang, found
    st.markdown(f"#### {markdown_text(row['county_name'])} · {GRADE_MARK[row['grade']]} "
                f"{grade_label(row['grade'], lang)} · {t('score', lang)} {row['score']:.1f}")
    if isinstance(row.get("grade_all"), str):  # a sector view: the all-sector grade beside, never mistaken for it
        st.caption(f"{t('grade_all_note', lang, grade=grade_label(row['grade_all'], lang))} · {view.regraded_note}")
    left, right = st.columns([1, 1])
    left.dataframe(parts, hide_index=True, width="stretch")
    right.markdown(f"**{ui('top', lang)}**: {markdown_text(row.get('top_contributors') or ui('none', lang))}")
    right.markdown(f"**{ui('reasons', lang)}**: {markdown_text(row.get('reasons') or ui('none', lang))}")
    counts = " · ".join(f"{GRADE_MARK[g]} {grade_label(g, lang)} {int(row.get(f'enterprises_{g}', 0))}" for g in GRADES)
    right.markdown(f"**{t('enterprises', lang)}**: {counts}")
    # A sector view's trend is graded on the same records as its grade (the history of those sectors).
    trend = county_trend(history, code, view.sectors_graded)
    st.vega_lite_chart(charts.score_trend(trend, view.standard, lang=lang, colours=view.colours,
                                          title=ui("trend", lang)), width="stretch", key="why_trend")


def ranking(view: View, history) -> None:
    lang = view.lang
    if view.regraded:
        st.caption(view.regraded_note)
    show_table(tables.page_table(view, "counties"), lang, view.colours)
    names = view.county_names
    codes = tables.county_rows(view.counties)["county_code"].astype(str).tolist() or list(names)
    if st.session_state.get("why_county") not in codes:
        st.session_state["why_county"] = codes[0] if codes else None
    st.subheader(ui("why", lang))
    _why(view, st.selectbox(ui("why_pick", lang), codes, key="why_county", format_func=lambda c: names.get(c, c)), history)


def charts_panel(view: View) -> None:
    lang, ents = view.lang, view.enterprises
    colours = [view.colours[g] for g in GRADES]
    st.markdown(f"**{ui('chart_county', lang)}**")
    st.bar_chart(tables.grade_crosstab(ents, ents["county_name"].fillna("—"), lang), color=colours)
    st.markdown(f"**{ui('chart_sector', lang)}**")
    st.bar_chart(tables.grade_crosstab(ents, ents["sector"].map(lambda s: view.sectors.label(s, lang)), lang), color=colours)


def records(view: View, dataset: str) -> None:
    table = tables.page_table(view, dataset)
    st.caption(ui("shown", view.lang, n=len(table)))
    show_table(table, view.lang, view.colours)


def warnings_panel(view: View, history) -> None:
    lang = view.lang
    levels, kinds = st.columns(2)
    # Pills, not a multiselect: their words are all ours (issue 10).
    picked = [tuple(col.pills(ui(title, lang), list(options), selection_mode="multi", key=key, help=ui("all_hint", lang),
                              format_func=lambda v, k=kind: label_of(k, v, lang)) or ()) or None
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
