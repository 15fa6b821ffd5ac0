"""The downloads tab's reports: the consultation pack (DOCX, PDF) and the county atlas (PDF).

Each follows the sidebar: the filters, the language and the period end chosen (the pack
of an earlier period end is made from the history already graded,
:meth:`riskmap.history.History.until`; the forecast has no pack of its own, so it gives the
pack at ``as_of``).  A report is built when its button is pressed, with a progress
indication (the atlas counts its pages), and kept for this session, so the download
button that follows serves it at once.
"""

from __future__ import annotations

import streamlit as st

from page.text import show_problems, ui
from riskmap import View
from riskmap.consultation import pack_file_name
from riskmap.errors import InputError, Problem
from riskmap.export import MIME_TYPES
from riskmap.export.reports import report_bytes
from riskmap.sanitize import markdown_text

CHOICES = (("consultation", "docx"), ("consultation", "pdf"), ("atlas", "pdf"))
KEPT = 6  # reports kept per session (each a few MB)


def _build(history, report: str, fmt: str, view: View, name: str) -> bytes | None:
    lang = view.lang
    with st.status(ui("report_making", lang, name=markdown_text(name)), expanded=True) as status:
        bar = st.progress(0.0, text=ui("report_started", lang))

        def pages(done: int, total: int) -> None:
            bar.progress(done / total, text=ui("report_pages", lang, done=done, total=total))

        try:
            data = report_bytes(history, report, fmt, filters=view.filters, lang=lang,
                                progress=pages if report == "atlas" else None)
        except InputError as exc:
            status.update(label=ui("report_failed", lang, name=markdown_text(name)), state="error")
            show_problems(exc.problems or [Problem("error", name, str(exc))], lang, header=ui("errors", lang))
            return None
        bar.progress(1.0, text=ui("report_done", lang))
        status.update(label=ui("report_made", lang, name=markdown_text(name)), state="complete", expanded=False)
    return data


def reports(view: View, history) -> None:
    """Buttons that build the pack and the atlas of what is shown, then download them."""
    lang = view.lang
    end = view.period or history.as_of
    st.markdown(f"**{ui('reports', lang)}**")
    if end == history.forecast_end:
        st.caption(ui("report_forecast", lang, d=history.as_of.isoformat()))
        end = history.as_of
    base = history.until(end)
    kept = st.session_state.setdefault("_reports", {})
    for col, (report, fmt) in zip(st.columns(len(CHOICES)), CHOICES):
        name = pack_file_name(base, report=report, fmt=fmt, lang=lang)
        key = (report, fmt, end, repr(view.filters), lang, id(history))
        if key not in kept and col.button(ui(f"report_{report}_{fmt}", lang), key=f"mk_{report}_{fmt}"):
            with col:
                data = _build(base, report, fmt, view, name)
            if data is not None:
                kept[key] = data
                while len(kept) > KEPT:
                    kept.pop(next(iter(kept)))
        if key in kept:
            col.download_button(name, kept[key], file_name=name, mime=MIME_TYPES[fmt], key=f"dl_report_{report}_{fmt}",
                                on_click="ignore")
