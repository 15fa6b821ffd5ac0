"""The consultation pack as DOCX (python-docx): the same sections, tables and figures as the PDF.

Headings are Word's own heading styles (a reader's navigation pane lists the sections),
tables repeat their header row on each page and shade grade cells in the grade
colours, and figures are PNG pictures (the maps at 150 dpi) with their captions.  The
styles name 宋体/黑体 for Chinese as the briefing does (:mod:`riskmap.export.briefing`).
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure as MplFigure

from riskmap.document import Document, Figure, Table
from riskmap.export import fonts
from riskmap.export.briefing import add_table, briefing_fonts, setup_styles
from riskmap.export.changemap import render_change_map
from riskmap.export.page import ExportOptions
from riskmap.export.staticmap import render_map, save_figure
from riskmap.export.trendchart import draw_accident_trend
from riskmap.i18n import t

MAP_OPTIONS = ExportOptions(paper="A4", orientation="landscape", dpi=150)
TEXT_WIDTH_CM = 16.6


def figure_png(figure: Figure, lang: str) -> bytes:
    """A figure of the pack as PNG bytes."""
    buffer = io.BytesIO()
    if figure.kind == "map":
        save_figure(render_map(figure.data, options=MAP_OPTIONS), buffer, fmt="png")
    elif figure.kind == "change_map":
        save_figure(render_change_map(figure.data, options=MAP_OPTIONS), buffer, fmt="png")
    else:
        rc = fonts.rc_params(fonts.cjk_font())
        rows = (1 + len(figure.data["counties"]) + 1) // 2
        with matplotlib.rc_context(rc):
            fig = MplFigure(figsize=(TEXT_WIDTH_CM / 2.54, 5.5 * rows / 2.54), dpi=200, facecolor="white")
            draw_accident_trend(fig, (0.0, 0.0, 1.0, 1.0), figure.data, lang)
            fig.savefig(buffer, format="png", dpi=200, facecolor="white")
    return buffer.getvalue()


def _widths(table: Table) -> list[float]:
    weights = table.widths or tuple(1.0 for _ in table.headers)
    return [TEXT_WIDTH_CM * w / sum(weights) for w in weights]


def write_pack_docx(document: Document, target: str | Path | io.BufferedIOBase) -> None:
    """Write the pack as a Word document to a path or a binary file object."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    lang = document.lang
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    setup_styles(doc, lang, briefing_fonts())
    doc.core_properties.title = document.title[:255]
    doc.core_properties.author = "RiskMap"
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"
    section.footer.paragraphs[0].text = document.footer
    doc.add_paragraph(document.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(document.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.demo:
        run = doc.add_paragraph().add_run(t("demo_data", lang))
        run.bold, run.font.color.rgb = True, RGBColor(0xB0, 0x00, 0x10)
    number = 0
    for part in document.sections:
        doc.add_paragraph(part.title, style="Heading 1")
        for block in part.blocks:
            if isinstance(block, Table):
                add_table(doc, block.headers, block.rows, grade_col=block.grade_col, grades=block.grades,
                           numeric=block.numeric, colours=document.colours, widths_cm=_widths(block))
                if block.note:
                    doc.add_paragraph(block.note, style="Caption")
            elif isinstance(block, Figure):
                number += 1
                doc.add_picture(io.BytesIO(figure_png(block, lang)), width=Cm(TEXT_WIDTH_CM))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                doc.add_paragraph(t("pack_figure", lang, n=number, caption=block.caption),
                                  style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                para = doc.add_paragraph(str(block))
                if lang == "zh":
                    para.paragraph_format.first_line_indent = Pt(24)
    doc.save(target if not isinstance(target, Path) else str(target))
