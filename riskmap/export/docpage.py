"""The pages of the briefing (DOCX): paper and margins, the running header, the footer
with its page number.

Chinese briefings are set on the GB/T 9704-2012 page: A4, margins top 37 mm, bottom
35 mm, left 28 mm and right 26 mm (a text block of 156 × 225 mm), the page number
centred in the footer as ``— 1 —``.  English ones keep 22 mm margins and ``Page 1 of
3``.  The number is Word's ``PAGE`` field (and ``NUMPAGES``), so it is right however
the document is edited.  The header names the briefing and the date (and the demo
mark on demo data) above a hairline.
"""

from __future__ import annotations

MARGINS_MM = {"zh": (37.0, 35.0, 28.0, 26.0), "en": (22.0, 22.0, 22.0, 22.0)}
"""(top, bottom, left, right) margins."""

PAGE_MM = (210.0, 297.0)


def text_width_mm(lang: str) -> float:
    """The width of the text block: the width a full-width picture is printed at."""
    _, _, left, right = MARGINS_MM["zh" if lang == "zh" else "en"]
    return PAGE_MM[0] - left - right


def set_up_page(section, lang: str) -> None:
    """A4 portrait with the margins of ``lang``."""
    from docx.shared import Mm

    top, bottom, left, right = MARGINS_MM["zh" if lang == "zh" else "en"]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance, section.footer_distance = Mm(15), Mm(18 if lang == "zh" else 12)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) in its complex form: begin, code, separate, result, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    char("begin")
    code = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _rule_below(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "808080")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def header_and_footer(section, *, header_text: str, lang: str, size_pt: float = 9.0) -> None:
    """The running header (``header_text`` over a hairline, right-aligned) and the page number."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    head = section.header.paragraphs[0]
    head.text = ""
    head.add_run(header_text).font.size = Pt(size_pt)
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _rule_below(head)
    foot = section.footer.paragraphs[0]
    foot.text = ""
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if lang == "zh":
        # GB/T 9704 7.5: the number between one-em dashes, 4号 (14 pt) half-width 宋体.
        foot.add_run("— ")
        _field(foot, "PAGE", "1")
        foot.add_run(" —")
    else:
        foot.add_run("Page ")
        _field(foot, "PAGE", "1")
        foot.add_run(" of ")
        _field(foot, "NUMPAGES", "1")
    for run in foot.runs:
        run.font.size = Pt(14 if lang == "zh" else 9)
