"""The briefing DOCX as a reader opens it: title, summary, map, tables, Chinese fonts."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from riskmap.errors import InputError
from riskmap.export.briefing import summary_paragraphs, write_briefing
from riskmap.filters import Filters
from test_export import synthetic_assessment

pytestmark = pytest.mark.filterwarnings("error:Glyph")


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    path = tmp_path_factory.mktemp("briefing") / "briefing.docx"
    write_briefing(synthetic_assessment(), path)
    return docx.Document(str(path))


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_title_region_and_date(document):
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0].text == "示例市安全风险形势简报"
    assert paragraphs[0].style.name == "Title"
    assert "评估日期：2026年10月31日" in paragraphs[1].text
    assert "示例数据 / demo data" in _text(document)


def test_summary_paragraph_is_written_from_the_figures(document):
    text = _text(document)
    # Counties and enterprises per grade, the red county named.
    assert "共评估区县4个，其中重大风险1个（平城区）、较大风险1个（云冈区）、一般风险1个、低风险1个" in text
    assert "纳入评估的企业共17家，其中重大风险4家、较大风险4家、一般风险5家、低风险4家" in text
    # The highest-scoring counties and what drives them.
    assert "风险值最高的区县：平城区（重大风险，77分，主要因素：重大风险企业 3 家（30 分）" in text
    # Overdue major hazards with their supervision level.
    assert "现有未销号重大事故隐患3项，其中逾期未整改2项（省级挂牌督办1项、市级挂牌督办1项）" in text
    assert "事故多发路段单元2个" in text


def test_the_map_image_is_in(document):
    assert len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    assert shape.width.mm == pytest.approx(156.0, abs=0.2)  # the GB/T 9704 text block
    assert shape.height.mm > 120
    assert "图1" in _text(document)


def test_tables_counties_enterprises_roads_hazards(document):
    counties, enterprises, roads, hazards = document.tables
    rows = _table_rows(counties)
    assert rows[0] == ["区县", "风险等级", "风险值", "企业得分", "道路得分", "隐患得分", "事故得分"]
    assert rows[1][:3] == ["平城区", "重大风险", "77.0"]
    assert len(rows) == 5

    rows = _table_rows(enterprises)
    assert rows[0] == ["企业名称", "区县", "行业领域", "风险等级", "判定依据"]
    assert {r[3] for r in rows[1:]} == {"重大风险", "较大风险"}
    assert "重大事故隐患未销号" in rows[1][4]

    rows = _table_rows(roads)
    assert rows[0][0] == "单元编号" and len(rows) == 3  # the two accident-prone units

    rows = _table_rows(hazards)
    assert rows[0] == ["隐患编号", "企业名称", "区县", "整改期限", "逾期天数", "挂牌督办", "隐患描述"]
    assert [r[0] for r in rows[1:]] == ["H5", "H1"]  # overdue major ones, longest overdue first
    assert [r[5] for r in rows[1:]] == ["省级", "市级"]


def test_grade_cells_are_shaded(document):
    cell = document.tables[0].rows[1].cells[1]
    shd = cell._tc.tcPr.find(qn("w:shd"))
    assert shd is not None and shd.get(qn("w:fill")) == "E60012"


def test_chinese_font_named_for_word(document):
    from riskmap.export.briefing import briefing_fonts

    named = set(briefing_fonts().fonts.values())
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in named, name


def test_english_briefing():
    buffer = io.BytesIO()
    write_briefing(synthetic_assessment(), buffer, lang="en", map_png=_tiny_png())
    doc = docx.Document(io.BytesIO(buffer.getvalue()))
    text = _text(doc)
    assert "Safety risk briefing: 示例市" in text
    assert "1 major risk (平城区)" in text
    assert "2 of them overdue (1 under province supervision and 1 under city supervision)" in text
    assert _table_rows(doc.tables[0])[0][:3] == ["county", "grade", "score"]


def test_filters_are_applied_and_said(tmp_path):
    filters = Filters(counties=("140202",))
    paragraphs = summary_paragraphs(synthetic_assessment(), filters=filters)
    assert "共评估区县1个，其中重大风险0个、较大风险1个（云冈区）" in paragraphs[0]
    # The filter is said with the county name, not its code.
    assert any("筛选范围" in p and "云冈区" in p for p in paragraphs)
    path = tmp_path / "f.docx"
    write_briefing(synthetic_assessment(), path, filters=filters, map_png=_tiny_png())
    doc = docx.Document(str(path))
    assert len(_table_rows(doc.tables[0])) == 2


def test_sections_without_records_say_none(tmp_path):
    a = synthetic_assessment(demo=False)
    a.road_units = a.road_units.assign(accident_prone=False)
    a.hazards = a.hazards.assign(overdue=False, days_overdue=0)
    path = tmp_path / "quiet.docx"
    write_briefing(a, path, map_png=_tiny_png())
    doc = docx.Document(str(path))
    assert len(doc.tables) == 2  # counties and enterprises only
    assert sum(p.text == "无。" for p in doc.paragraphs) == 2
    assert "demo data" not in _text(doc)


def test_bad_language():
    with pytest.raises(InputError, match="allowed: zh, en"):
        write_briefing(synthetic_assessment(), io.BytesIO(), lang="de", map_png=_tiny_png())


def test_the_demo_briefing(demo_assessment, tmp_path):
    path = tmp_path / "demo.docx"
    write_briefing(demo_assessment, path)  # renders its own map
    doc = docx.Document(str(path))
    text = _text(doc)
    overview = text.split("一、总体情况")[1].split("二、")[0]
    red = demo_assessment.counties.loc[demo_assessment.counties["grade"] == "red", "county_name"]
    assert len(red) >= 1
    for name in red:
        assert name in overview
    assert len(doc.inline_shapes) == 1
    assert len(_table_rows(doc.tables[0])) == len(demo_assessment.counties) + 1


def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (297, 210), "white").save(buffer, format="PNG")
    return buffer.getvalue()


# --- as offices file it: page, header, footer, fonts, the map at its printed size ----------
def _xml(part) -> str:
    from lxml import etree

    return etree.tostring(part._element, encoding="unicode")


def test_gbt9704_page_with_a_running_header_and_a_page_number_field(document):
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    header = "".join(p.text for p in section.header.paragraphs)
    assert "示例市安全风险形势简报" in header and "2026年10月31日" in header and "示例数据" in header
    footer = _xml(section.footer)
    assert 'w:fldCharType="begin"' in footer and 'w:fldCharType="end"' in footer
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer)
    assert "— " in footer and " —" in footer  # — 1 —, as GB/T 9704 sets it


def test_english_footer_says_page_of_pages():
    buffer = io.BytesIO()
    write_briefing(synthetic_assessment(), buffer, lang="en", map_png=_tiny_png())
    footer = _xml(docx.Document(io.BytesIO(buffer.getvalue())).sections[0].footer)
    assert "Page " in footer and " PAGE " in footer and " NUMPAGES " in footer


def _style_font(doc, name: str) -> str:
    fonts = doc.styles[name].element.rPr.rFonts
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        assert fonts.get(qn(theme)) is None, (name, theme)  # a theme font would override the name
    return fonts.get(qn("w:eastAsia"))


def test_official_fonts_when_installed(monkeypatch):
    from riskmap.export import briefing, docfonts

    every = frozenset(n.lower() for n in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"))
    monkeypatch.setattr(briefing, "briefing_fonts", lambda: docfonts.official_fonts(every))
    buffer = io.BytesIO()
    write_briefing(synthetic_assessment(), buffer, map_png=_tiny_png())
    doc = docx.Document(io.BytesIO(buffer.getvalue()))
    assert _style_font(doc, "Title") == "方正小标宋简体"
    assert _style_font(doc, "Normal") == "仿宋_GB2312"
    assert _style_font(doc, "Heading 1") == "黑体"
    assert _style_font(doc, "Heading 2") == "楷体_GB2312"
    assert doc.styles["Normal"].font.size.pt == 16 and doc.styles["Title"].font.size.pt == 22
    assert doc.core_properties.comments == ""  # nothing to report


def test_fallback_fonts_are_named_and_reported():
    from riskmap.export import docfonts

    # English names count (SimHei is 黑体); 仿宋 stands in for 仿宋_GB2312.
    chosen = docfonts.official_fonts(frozenset({"simhei", "fangsong", "kaiti", "noto serif cjk sc"}))
    assert chosen.fonts == {"title": "Noto Serif CJK SC", "body": "仿宋", "heading1": "黑体", "heading2": "楷体"}
    note = chosen.note("zh")
    assert "正文用 仿宋（未安装 仿宋_GB2312）" in note and "标题用 Noto Serif CJK SC（未安装 方正小标宋简体）" in note
    assert "一级标题" not in note  # SimHei is 黑体: no fallback there
    assert "Briefing fonts (GB/T 9704)" in chosen.note("en")
    # Nothing installed at all: the official names are still written, and that is said.
    none = docfonts.official_fonts(frozenset())
    assert none.fonts == docfonts.OFFICIAL
    assert "本机未安装该字体及替代字体" in none.note("zh")


def test_this_machines_fallback_is_in_the_document_and_on_stderr(document, tmp_path, demo_path, capsys):
    from riskmap.cli import main
    from riskmap.export.briefing import briefing_fonts

    chosen = briefing_fonts()
    assert _style_font(document, "Normal") == chosen.fonts["body"]
    assert _style_font(document, "Heading 1") == chosen.fonts["heading1"]
    assert document.core_properties.comments == chosen.note("zh")[:255]
    assert main(["export", str(demo_path), "--format", "docx", "--out", str(tmp_path / "b.docx"), "--quiet"]) == 0
    err = capsys.readouterr().err
    if chosen.fallbacks:  # the test machines have no GB/T 9704 fonts: say what was used instead
        assert chosen.note("zh") in err and "简报公文字体" in err
    else:
        assert "简报公文字体" not in err


@pytest.fixture(scope="module")
def small_docx_bytes():
    from riskmap.export import export_bytes

    return export_bytes(synthetic_assessment(), "docx")


def test_the_map_is_drawn_at_the_size_it_is_printed(small_docx_bytes):
    from PIL import Image

    from riskmap.export import BRIEFING_MAP_DPI
    from riskmap.export.docpage import text_width_mm

    doc = docx.Document(io.BytesIO(small_docx_bytes))
    (shape,) = doc.inline_shapes
    assert shape.width.mm == pytest.approx(text_width_mm("zh"), abs=0.2)
    with zipfile.ZipFile(io.BytesIO(small_docx_bytes)) as z:
        (name,) = [n for n in z.namelist() if n.startswith("word/media/")]
        image = Image.open(io.BytesIO(z.read(name)))
    # Pixels ÷ dpi = the printed width: one figure millimetre is one paper millimetre.
    assert image.size[0] / BRIEFING_MAP_DPI * 25.4 == pytest.approx(shape.width.mm, rel=0.01)


def test_the_figure_s_type_is_legible_at_its_printed_size():
    from matplotlib.text import Text

    from riskmap.export.staticmap import render_map

    fig = render_map(synthetic_assessment(), dpi=100, width_mm=156)
    assert fig.get_size_inches()[0] * 25.4 == pytest.approx(156, abs=0.3)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
    assert min(sizes) >= 6.0  # the source line included: 6 pt and up once printed
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "数据来源" in texts and "重大风险" in texts
