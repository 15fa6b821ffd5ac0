"""The briefing document (DOCX): what a briefing writer puts before a leader.

:func:`write_briefing` writes, in the view's language:

1. the title, region, date, standard and data source;
2. an overview paragraph written from the figures: counties and enterprises in each
   grade, the highest-scoring counties and what drives them (their top contributors,
   rendered from their codes), open and overdue major hazards, accident-prone road
   units and deaths in the last 12 months;
3. the four-colour map (:func:`riskmap.export.staticmap.render_map`);
4. a table of the counties with grade, score and the four score components;
5. the top red and orange enterprises with the reasons for their grade;
6. the accident-prone road units;
7. the overdue major hidden hazards with their supervision level.

Every figure and table comes from one :class:`~riskmap.view.View` (its headline
figures and :mod:`riskmap.tables`), so the document, the map and the app agree and the
assessment is filtered once.

The document is set as an office files it (:mod:`riskmap.export.docpage`,
:mod:`riskmap.export.docfonts`): the GB/T 9704 page (A4, 37/35/28/26 mm margins) with a
running header and the page number (``— 1 —``, a ``PAGE`` field) in the footer; the
title in 方正小标宋简体 22 pt, the body in 仿宋_GB2312 16 pt at a fixed 28 pt line, 一、
headings in 黑体 and the second level in 楷体_GB2312, each when installed, else the
nearest installed face, the fallback reported (:func:`briefing_fonts`) and kept in the
document's properties.  Word draws Chinese in the font named by ``w:eastAsia``, and a
theme font (``w:eastAsiaTheme``) would override it, so every style names its fonts
and carries no theme attribute.  The map is drawn at the size it is printed (the width
of the text block, at :data:`riskmap.export.BRIEFING_MAP_DPI`), so its 7 pt source
line prints at 7 pt.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from riskmap._version import __version__
from riskmap.assessment import Assessment
from riskmap.export.docfonts import OfficialFonts, official_fonts
from riskmap.export.docpage import header_and_footer, set_up_page, text_width_mm
from riskmap.export.register import GRADE_TEXT, grade_colours
from riskmap.filters import Filters
from riskmap.grades import GRADES
from riskmap.i18n import SUPERVISION_LABELS, column_label, grade_label, label, sector_label, t
from riskmap.reasons import render_each
from riskmap.tables import county_rows, register_tables
from riskmap.view import View

TOP_ENTERPRISES = 20
"""How many red and orange enterprises the briefing lists (the register has them all)."""
TOP_ROAD_UNITS = 20
TOP_HAZARDS = 30
TOP_COUNTIES_IN_SUMMARY = 3

LATIN_BODY_FONT, LATIN_HEADING_FONT = "Times New Roman", "Arial"

MAP_DPI = 200
"""Resolution of the map rendered when none is given (it is drawn at its printed width)."""


def briefing_fonts() -> OfficialFonts:
    """The fonts the briefing names, and the fallbacks from GB/T 9704's (see the module docstring)."""
    return official_fonts()


# --- the words ------------------------------------------------------------------------
def _join(items: Sequence[str], lang: str) -> str:
    items = [i for i in items if i]
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _names(frame: pd.DataFrame, lang: str, limit: int = 6) -> str:
    names = [str(n) for n in frame["county_name"].tolist() if isinstance(n, str) and n]
    text = ("、" if lang == "zh" else ", ").join(names[:limit])
    if len(names) > limit:
        text += t("brief_and_more", lang)
    return text


def _num(value: float) -> str:
    """A score for prose: 77, 77.5 (never 77.500000)."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if pd.notna(value) else "–"


def _fixed(value: float) -> str:
    """A number for a table column: one decimal, so the column lines up."""
    return f"{float(value):,.1f}" if pd.notna(value) else "–"


def _as_of(view: View) -> str:
    as_of = view.info.as_of
    if isinstance(as_of, date):
        return f"{as_of.year}年{as_of.month}月{as_of.day}日" if view.lang == "zh" else as_of.isoformat()
    return str(as_of)


_POINTS = ("points_enterprises", "points_roads", "points_hazards", "points_accidents")


def _drivers(row: pd.Series, lang: str) -> str:
    """What drives a county's score: its first two top contributors (from their codes),
    else its two largest score components."""
    codes = row.get("contributor_codes")
    if isinstance(codes, tuple) and codes:
        return t("brief_drivers_top", lang, top=("，" if lang == "zh" else ", ").join(render_each(codes[:2], lang)))
    parts = sorted(((float(row.get(c) or 0), c) for c in _POINTS), reverse=True)
    parts = [(v, c) for v, c in parts if v > 0][:2]
    if not parts:
        return ""
    items = [f"{column_label(c, lang)} {_num(v)}" for v, c in parts]
    return t("brief_drivers_points", lang, items=_join(items, lang))


def _grades_paragraph(view: View) -> str:
    """Counties per grade (naming the red and orange ones), then enterprises per grade."""
    lang, figures, counties = view.lang, view.headline, view.counties
    parts = []
    for grade in GRADES:
        n = figures["counties_by_grade"][grade]
        item = t("brief_count_county", lang, label=grade_label(grade, lang), n=n)
        if n and grade in ("red", "orange"):
            item += t("brief_names", lang, names=_names(counties[counties["grade"] == grade], lang))
        parts.append(item)
    region = view.info.region or t("brief_the_region", lang)
    first = t("brief_counties", lang, as_of=_as_of(view), region=region, n=len(counties), breakdown=_join(parts, lang))
    ents = figures["enterprises_by_grade"]
    return first + t("brief_enterprises", lang, n=sum(ents.values()),
                     breakdown=_join([t("brief_count_enterprise", lang, label=grade_label(g, lang), n=ents[g])
                                      for g in GRADES], lang))


def _top_paragraph(view: View) -> str:
    """The highest-scoring counties and why."""
    lang, counties = view.lang, view.counties
    if counties.empty:
        return ""
    top = counties.sort_values("score", ascending=False, kind="stable").head(TOP_COUNTIES_IN_SUMMARY)
    items = [t("brief_top_item", lang, name=row["county_name"], grade=grade_label(row["grade"], lang),
               score=_num(row["score"]), drivers=_drivers(row, lang)) for _, row in top.iterrows()]
    return t("brief_top_counties", lang, items=_join(items, lang) if lang == "en" else "；".join(items))


def _hazards_paragraph(view: View) -> str:
    """Hidden hazards, roads and accidents."""
    lang, hz = view.lang, view.hazards
    major_open = hz[hz["is_open"].fillna(False).astype(bool) & (hz["level"] == "major")] if not hz.empty else hz
    overdue_major = major_open[major_open["overdue"].fillna(False).astype(bool)] if not major_open.empty else major_open
    text = t("brief_hazards", lang, m=len(major_open), k=len(overdue_major))
    if len(overdue_major):
        sup = overdue_major["supervision"].fillna("none").value_counts()
        listed = [t("brief_supervision_item", lang, level=label(SUPERVISION_LABELS, key, lang), n=int(sup[key]))
                  for key in ("province", "city", "county") if key in sup]
        if listed:
            text += t("brief_supervised", lang, items=_join(listed, lang))
    text += t("brief_period", lang)
    return text + t("brief_roads", lang, p=view.headline["accident_prone_units"], d=view.headline["deaths_12m"])


def summary_paragraphs(source: Assessment | View, *, filters: Filters | None = None,
                       lang: str | None = None) -> list[str]:
    """The overview written from the figures, one string per paragraph.

    Parameters
    ----------
    source
        A :class:`~riskmap.view.View`, or an assessment shown under ``filters`` (the
        text says so) in ``lang`` (the workspace language by default).
    """
    view = View.of(source, filters=filters, lang=lang)
    paragraphs = [_grades_paragraph(view), _top_paragraph(view), _hazards_paragraph(view)]
    if view.filtered:
        paragraphs.append(t("brief_filtered", view.lang, desc=view.describe_filters()))
    if view.regraded:
        paragraphs.append(t("brief_regraded", view.lang))
    if view.info.demo:
        paragraphs.append(t("brief_demo", view.lang))
    return [p for p in paragraphs if p]


# --- the document -----------------------------------------------------------------------
def _set_fonts(style, latin: str, east_asia: str, lang: str) -> None:
    from docx.oxml.ns import qn

    style.font.name = latin  # w:ascii and w:hAnsi
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    # A theme font overrides a named one: the template's headings carry them.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    if lang == "zh":
        lang_el = rpr.find(qn("w:lang"))
        if lang_el is None:
            lang_el = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang_el)
        lang_el.set(qn("w:eastAsia"), "zh-CN")


# (style, role, size zh, size en, bold): GB/T 9704 sizes in Chinese (二号 22 pt, 三号 16 pt).
STYLES = (("Title", "title", 22, 20, False), ("Heading 1", "heading1", 16, 15, False),
          ("Heading 2", "heading2", 16, 13, False), ("Caption", "heading2", 12, 9.5, False))


def setup_styles(doc, lang: str, fonts: OfficialFonts) -> None:
    """Set the document's Normal, title, heading and caption styles to the GB/T 9704 fonts.

    Used by the briefing and by the consultation pack, so both read alike.
    """
    from docx.shared import Pt, RGBColor

    zh = lang == "zh"
    normal = doc.styles["Normal"]
    _set_fonts(normal, LATIN_BODY_FONT, fonts.fonts["body"], lang)
    normal.font.size = Pt(16 if zh else 11)
    normal.paragraph_format.space_after = Pt(0 if zh else 4)
    # GB/T 9704: 22 lines of 28 characters a page, a fixed line of about 28 pt.
    normal.paragraph_format.line_spacing = Pt(28) if zh else 1.25
    for name, role, size_zh, size_en, bold in STYLES:
        style = doc.styles[name]
        heading = name != "Caption"
        _set_fonts(style, LATIN_HEADING_FONT if heading else LATIN_BODY_FONT, fonts.fonts[role], lang)
        style.font.size = Pt(size_zh if zh else size_en)
        style.font.color.rgb = RGBColor(0x11, 0x11, 0x11) if heading else RGBColor(0x33, 0x33, 0x33)
        # The official faces are heavy enough; English headings are bold.
        style.font.bold = bold if zh else heading
        if zh:
            style.paragraph_format.line_spacing = Pt(28 if name != "Title" else 36)
    table = doc.styles["Table Grid"]
    _set_fonts(table, LATIN_BODY_FONT, fonts.fonts["body"], lang)
    table.font.size = Pt(10.5)  # 五号


def _shade(cell, colour: str) -> None:
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = tc_pr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto",
                                            qn("w:fill"): colour.lstrip("#").upper()})
    tc_pr.append(shd)


def _repeat_header(row) -> None:
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def add_table(doc, headers: list[str], rows: list[list[str]], *, grade_col: int | None = None,
              grades: list[str] | None = None, numeric: Sequence[int] = (), colours=None,
              widths_cm: Sequence[float] | None = None):
    """Add a table with a shaded header row that repeats on each page.

    Parameters
    ----------
    doc : docx.Document
        The document to add to.
    headers, rows : list
        Column headings and the rows' cell texts (data is always text, never markup).
    grade_col, grades : optional
        The column whose cells are tinted by grade, and each row's grade.
    numeric : sequence of int
        Columns aligned right.
    colours : optional
        Grade colours, when not the standard's.
    widths_cm : optional
        Column widths in centimetres.
    """
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    _repeat_header(head)  # a long table repeats its header on each page
    for cell, text in zip(head.cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _shade(cell, "#D9E1F2")
    for r, values in enumerate(rows):
        cells = table.add_row().cells
        for c, text in enumerate(values):
            para = cells[c].paragraphs[0]
            run = para.add_run(text)
            if c in numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if grade_col is not None and c == grade_col and grades is not None:
                grade = grades[r]
                if grade in (colours or {}):
                    _shade(cells[c], colours[grade])
                    fg = GRADE_TEXT[grade].lstrip("#")
                    run.font.color.rgb = RGBColor.from_string(fg.upper())
                    run.bold = grade in ("red", "blue")
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(0)
                para.paragraph_format.line_spacing = 1.0
    if widths_cm:
        # Word reads the cell widths, LibreOffice the grid columns: set both, and turn
        # autofit off so neither squeezes the reasons column.
        table.autofit = False
        for column, width in zip(table.columns, widths_cm):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm):
                cell.width = Cm(width)
    return table


def _text(value, default: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return default
    try:
        if pd.isna(value):
            return default
    except (TypeError, ValueError):
        pass
    return str(value)


def _date(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _new_document(view: View, fonts: OfficialFonts):
    import docx

    lang = view.lang
    doc = docx.Document()
    section = doc.sections[0]
    set_up_page(section, lang)
    setup_styles(doc, lang, fonts)
    title = t("brief_title", lang, region=view.info.region)
    header = f"{title}　{_as_of(view)}" if lang == "zh" else f"{title} · {_as_of(view)}"
    if view.info.demo:
        header += ("　" if lang == "zh" else " · ") + t("demo_data", lang)
    header_and_footer(section, header_text=header, lang=lang)
    doc.core_properties.title = title[:255]  # the property's limit
    doc.core_properties.author = "RiskMap"
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"
    # Why the type differs from GB/T 9704, where it does.
    doc.core_properties.comments = fonts.note(lang)[:255]
    return doc


def _title_section(doc, view: View) -> None:
    """1. Title, region and date; the demo mark."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    lang, info = view.lang, view.info
    doc.add_paragraph(t("brief_title", lang, region=info.region), style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    if view.regraded:  # a sector briefing: the sector map's title, and that the counties were graded again
        doc.add_paragraph(f"{view.title}（{view.regraded_note}）" if lang == "zh" else f"{view.title} ({view.regraded_note})"
                          ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    std = view.standard
    std_name = getattr(std, "data", {}).get("title_zh" if lang == "zh" else "title_en") if std is not None else None
    meta = doc.add_paragraph(t("brief_meta", lang, as_of=_as_of(view), standard=std_name or info.standard,
                               source=info.source or info.region))
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta.runs[0].font.size = Pt(10)
    if info.demo:
        demo = doc.add_paragraph()
        demo.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = demo.add_run(t("demo_data", lang))
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x10)


def _overview_and_map(doc, view: View, map_png: bytes) -> None:
    """2. The overview; 3. the map with its caption."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    lang = view.lang
    doc.add_paragraph(t("brief_h_overview", lang), style="Heading 1")
    for text in summary_paragraphs(view):
        para = doc.add_paragraph(text)
        if lang == "zh":
            para.paragraph_format.first_line_indent = Pt(24)  # two characters, as Chinese prose is set
    doc.add_paragraph(t("brief_h_map", lang), style="Heading 1")
    # Printed at the width it was drawn for (the text block), so its type keeps its size.
    doc.add_picture(io.BytesIO(map_png), width=Mm(text_width_mm(lang)))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(t("brief_map_caption", lang, region=view.info.region, as_of=_as_of(view)),
                      style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER


def _county_section(doc, view: View) -> None:
    """4. The counties, worst first."""
    lang = view.lang
    L = lambda c: column_label(c, lang)  # noqa: E731 - a short alias keeps the headers readable
    doc.add_paragraph(t("brief_h_counties", lang), style="Heading 1")
    counties = county_rows(view.counties)
    rows = [[_text(r.county_name), grade_label(r.grade, lang), _fixed(r.score)]
            + [_fixed(getattr(r, c)) for c in _POINTS] for r in counties.itertuples()]
    headers, widths, numeric = [L("county_name"), L("grade"), L("score")] + [L(c) for c in _POINTS], \
        [3.0, 2.6, 2.0, 2.2, 2.2, 2.2, 2.2], range(2, 7)
    if "grade_all" in counties:  # a sector view: the all-sector grade beside the sector grade
        for row, grade in zip(rows, counties["grade_all"]):
            row.insert(3, grade_label(grade, lang))
        headers.insert(3, L("grade_all"))
        widths, numeric = [2.6, 2.2, 1.8, 2.2, 1.9, 1.9, 1.9, 1.9], [2, 4, 5, 6, 7]
    add_table(doc, headers, rows, grade_col=1, grades=counties["grade"].tolist(), numeric=numeric,
               colours=grade_colours(view), widths_cm=widths)


def _enterprise_section(doc, view: View, ents: pd.DataFrame) -> None:
    """5. The red and orange enterprises with their reasons."""
    lang = view.lang
    L = lambda c: column_label(c, lang)  # noqa: E731
    doc.add_paragraph(t("brief_h_enterprises", lang), style="Heading 1")
    if ents.empty:
        doc.add_paragraph(t("brief_none", lang))
        return
    by = view.headline["enterprises_by_grade"]
    listed = ents.head(TOP_ENTERPRISES)
    doc.add_paragraph(t("brief_enterprises_intro", lang, r=by["red"], o=by["orange"], k=len(listed)))
    rows = [[_text(r.name), _text(r.county_name, t("unassigned", lang)), sector_label(_text(r.sector), lang, view.sectors),
             grade_label(r.grade, lang), _text(r.reasons, "–")] for r in listed.itertuples()]
    add_table(doc, [L("name"), L("county_name"), L("sector"), L("grade"), L("reasons")], rows,
               grade_col=3, grades=listed["grade"].tolist(), colours=grade_colours(view),
               widths_cm=[4.2, 2.2, 2.4, 2.3, 5.5])


def _road_section(doc, view: View) -> None:
    """6. The accident-prone road units, by EPDO."""
    lang = view.lang
    L = lambda c: column_label(c, lang)  # noqa: E731
    doc.add_paragraph(t("brief_h_roads", lang), style="Heading 1")
    units = view.road_units
    prone = units[units["accident_prone"].fillna(False).astype(bool)] if not units.empty else units
    if prone.empty:
        doc.add_paragraph(t("brief_none", lang))
        return
    prone = prone.sort_values(["epdo", "rate"], ascending=False, kind="stable")
    listed = prone.head(TOP_ROAD_UNITS)
    doc.add_paragraph(t("brief_roads_intro", lang, n=len(prone), k=len(listed)))
    rows = [[_text(r.unit_id), _text(r.road_name, "–"), _text(r.county_name), _text(r.fatal),
             _text(r.injury), _num(r.epdo), f"{r.rate:.1f}"] for r in listed.itertuples()]
    add_table(doc, [L("unit_id"), L("road_name"), L("county_name"), L("fatal"), L("injury"), L("epdo"), L("rate")],
               rows, numeric=range(3, 7), widths_cm=[4.0, 2.8, 1.7, 1.5, 1.5, 1.7, 2.4])


def _hazard_section(doc, view: View, hz: pd.DataFrame) -> None:
    """7. The overdue major hazards, the longest overdue first."""
    lang = view.lang
    L = lambda c: column_label(c, lang)  # noqa: E731
    doc.add_paragraph(t("brief_h_hazards", lang), style="Heading 1")
    if not hz.empty:
        hz = hz[(hz["level"] == "major") & hz["overdue"].fillna(False).astype(bool)]
    if hz.empty:
        doc.add_paragraph(t("brief_none", lang))
        return
    listed = hz.head(TOP_HAZARDS)
    doc.add_paragraph(t("brief_hazards_intro", lang, n=len(hz), k=len(listed)))
    rows = [[_text(r.hazard_id), _text(r.name, "–"), _text(r.county_name, t("unassigned", lang)),
             _date(r.deadline), _text(int(r.days_overdue) if pd.notna(r.days_overdue) else ""),
             label(SUPERVISION_LABELS, _text(r.supervision, "none"), lang), _text(r.description, "")]
            for r in listed.itertuples()]
    add_table(doc, [L("hazard_id"), L("name"), L("county_name"), L("deadline"), L("days_overdue"),
                     L("supervision"), L("description")], rows, numeric=(4,),
               widths_cm=[2.6, 3.4, 1.6, 2.4, 1.5, 1.5, 3.6])


def _map_png(view: View) -> bytes:
    from riskmap.export.staticmap import render_map, save_figure

    buffer = io.BytesIO()
    save_figure(render_map(view, dpi=MAP_DPI, width_mm=text_width_mm(view.lang)), buffer, fmt="png")
    return buffer.getvalue()


def write_briefing(
    source: Assessment | View,
    path: str | Path | io.BufferedIOBase,
    *,
    filters: Filters | None = None,
    lang: str | None = None,
    map_png: bytes | None = None,
) -> Path | io.BufferedIOBase:
    """Write the briefing document.

    Parameters
    ----------
    source
        A :class:`~riskmap.view.View`, or an assessment shown under ``filters`` (the
        text says which) in ``lang`` (the workspace language by default).
    path
        The ``.docx`` file to write, or a binary file object.
    map_png
        The map image to include, drawn for the text block's width
        (:func:`riskmap.export.docpage.text_width_mm`); rendered with
        :func:`riskmap.export.staticmap.render_map` at :data:`MAP_DPI` when omitted.

    Returns
    -------
    pathlib.Path or file object
        Where the document went.

    Raises
    ------
    InputError
        For a language other than ``zh`` or ``en``.
    FontNotFoundError
        When the map must be rendered and no CJK font is installed.
    """
    from docx.shared import Pt

    view = View.of(source, filters=filters, lang=lang)
    doc = _new_document(view, briefing_fonts())
    _title_section(doc, view)
    _overview_and_map(doc, view, map_png if map_png is not None else _map_png(view))
    tables = register_tables(view)
    _county_section(doc, view)
    _enterprise_section(doc, view, tables["enterprises"])
    _road_section(doc, view)
    _hazard_section(doc, view, tables["hazards"])
    closing = doc.add_paragraph(t("brief_closing", view.lang, version=__version__, today=date.today().isoformat()))
    closing.paragraph_format.space_before = Pt(12)
    closing.runs[0].font.size = Pt(9)
    target = path if not isinstance(path, (str, Path)) else Path(path)
    doc.save(target if not isinstance(target, Path) else str(target))
    return target
