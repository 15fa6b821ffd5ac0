"""The downloads tab: every output file and export of what is shown."""

from __future__ import annotations

import streamlit as st

from page.reports import reports
from page.text import ui
from riskmap import View, outputs


def downloads(view: View, layers: list, stem: str, history) -> None:
    """Every output file and export of what is shown, written by the CLI's own writers."""
    lang, (files, exports) = view.lang, outputs.download_files(view, [s.id for s in layers], stem, history)
    for title, group, width in ((ui("outputs", lang), files, 4), (ui("exports", lang), exports, len(exports))):
        st.markdown(f"**{title}**")
        for i, (name, data, mime) in enumerate(group):
            if i % width == 0:
                cols = st.columns(width)
            label = ui("all_zip", lang) if name.endswith("-outputs.zip") else (name.rsplit(".", 1)[1].upper() if group is exports else name)
            cols[i % width].download_button(label, data, file_name=name, mime=mime, key=f"dl_{name}", on_click="ignore")
    reports(view, history)
