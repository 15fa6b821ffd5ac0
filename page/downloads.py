"""The downloads tab: every output file and export of what is shown.

Every file follows the filters (the zip too: its ``summary.json`` and ``unassigned.csv`` are the
view's), and is named after the region, the filters and the date (``大同市_煤矿_2026-10-31.png``).
The printed exports take the paper, orientation, resolution and title set here.
"""

from __future__ import annotations

import streamlit as st

from page.reports import reports
from page.text import ui
from riskmap import View, outputs
from riskmap.export import export_notes
from riskmap.export.page import MAX_DPI, MIN_DPI, ORIENTATIONS, PAPERS_MM, ExportOptions


def export_options(view: View) -> ExportOptions:
    """Paper, orientation, resolution and title of the printed exports, as chosen here."""
    lang = view.lang
    with st.expander(ui("export_settings", lang), expanded=False):
        paper_col, orientation_col, dpi_col = st.columns(3)
        paper = paper_col.selectbox(ui("export_paper", lang), list(PAPERS_MM), key="x_paper", placeholder=ui("choose", lang))
        orientation = orientation_col.radio(ui("export_orientation", lang), list(ORIENTATIONS), key="x_orientation",
                                            format_func=lambda o: ui(f"export_{o}", lang), horizontal=True)
        dpi = dpi_col.number_input(ui("export_dpi", lang), min_value=MIN_DPI, max_value=MAX_DPI, value=300, step=50,
                                   key="x_dpi", help=ui("export_dpi_help", lang))
        title = st.text_input(ui("export_title", lang), value="", key="x_title", max_chars=120,
                              placeholder=view.title, help=ui("export_title_help", lang))
    return ExportOptions(paper=paper, orientation=orientation, dpi=int(dpi), title=title.strip() or None)


def downloads(view: View, layers: list, stem: str, history) -> None:
    """Every output file and export of what is shown, written by the CLI's own writers."""
    lang, options = view.lang, export_options(view)
    files, exports = outputs.download_files(view, [s.id for s in layers], stem, history, options=options)
    st.caption(ui("download_names", lang, stem=stem))
    for title, group, width in ((ui("outputs", lang), files, 4), (ui("exports", lang), exports, len(exports))):
        st.markdown(f"**{title}**")
        for i, (name, data, mime) in enumerate(group):
            if i % width == 0:
                cols = st.columns(width)
            plain = name[len(stem) + 1:] if name.startswith(f"{stem}_") else name
            label = ui("all_zip", lang) if plain == "outputs.zip" else (ui(f"fmt_{plain.rsplit('.', 1)[1]}", lang)
                                                                       if group is exports else plain)
            cols[i % width].download_button(label, data, file_name=name, mime=mime, key=f"dl_{plain}", on_click="ignore")
    # The briefing falls back to other fonts where the GB/T 9704 ones are missing; say which, as the CLI does.
    for note in export_notes("docx", lang):
        st.caption(note)
    reports(view, history)
