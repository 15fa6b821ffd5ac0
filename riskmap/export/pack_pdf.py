"""The consultation pack as PDF: A4 pages set with matplotlib (:mod:`riskmap.export.flow`), no word processor.

Text pages are A4 portrait, the maps A4 landscape pages of their own (the static map of
:mod:`riskmap.export.staticmap` and the change map of :mod:`riskmap.export.changemap`);
every page is numbered "page x of y".  It is all vector: text in the CJK font of
:mod:`riskmap.export.fonts`, embedded and searchable; charts as paths.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages

from riskmap.document import Document, Figure, Table
from riskmap.export import fonts
from riskmap.export.changemap import render_change_map
from riskmap.export.flow import Flow
from riskmap.export.page import ExportOptions
from riskmap.export.staticmap import render_map
from riskmap.export.trendchart import draw_accident_trend
from riskmap.export.truetype import truetype_text
from riskmap.i18n import t

MAP_OPTIONS = ExportOptions(paper="A4", orientation="landscape", dpi=150)
"""The maps' pages (the dpi only matters for what a map rasterises: a province's dense points)."""


def _figure(flow: Flow, figure: Figure, number: int, lang: str) -> None:
    caption = t("pack_figure", lang, n=number, caption=figure.caption)
    if figure.kind == "accident_trend":
        rows = (1 + len(figure.data["counties"]) + 1) // 2
        flow.box(55.0 * rows, lambda fig, rect: draw_accident_trend(fig, rect, figure.data, lang))
        flow.paragraph(caption, size=9, indent=False)
        return
    flow.paragraph(t("pack_figure_next", lang, caption=caption), size=10, indent=False)
    page = render_map(figure.data, options=MAP_OPTIONS) if figure.kind == "map" else \
        render_change_map(figure.data, options=MAP_OPTIONS)
    flow.add_page(page)


def pack_pages(document: Document) -> list:
    """Every page of the pack as a matplotlib figure, numbered."""
    lang = document.lang
    flow = Flow(header=document.title, footer=document.footer, lang=lang, colours=document.colours)
    flow.new_page()
    flow.title(document.title, document.subtitle, demo=t("demo_data", lang) if document.demo else "")
    number = 0
    for section in document.sections:
        flow.heading(section.title)
        for block in section.blocks:
            if isinstance(block, Table):
                flow.table(block)
            elif isinstance(block, Figure):
                number += 1
                _figure(flow, block, number, lang)
            else:
                flow.paragraph(str(block))
    return flow.pages()


def write_pack_pdf(document: Document, target: str | Path | io.BufferedIOBase) -> None:
    """Write the pack as a PDF to a path or a binary file object."""
    rc = fonts.rc_params(fonts.cjk_font())
    with matplotlib.rc_context(rc):
        pages = pack_pages(document)
        metadata = {"Title": document.title, "Creator": "RiskMap", "CreationDate": None}
        # Text of CFF fonts from TrueType subsets (one for the whole pack): every font Type 42, none Type 3.
        with truetype_text(*pages), PdfPages(target, metadata=metadata) as pdf:
            for page in pages:
                pdf.savefig(page)
