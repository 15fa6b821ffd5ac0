"""The static map as a reader sees it: page size, colours, legend text, fonts, vectors.

Missing glyphs are errors here: a box instead of a Chinese character fails the test.
PDF checks use poppler-utils (``pdftotext``, ``pdffonts``), installed by the test
command.
"""

from __future__ import annotations

import io
import re
import subprocess

import numpy as np
import pytest
from PIL import Image

from riskmap.errors import InputError
from riskmap.export.furniture import nice_length_km
from riskmap.export.page import check_layers, check_layout, page_pixels
from riskmap.export.staticmap import render_map, save_figure
from riskmap.filters import Filters
from riskmap.grades import DEFAULT_COLOURS, GRADES
from riskmap.i18n import grade_label
from test_export import synthetic_assessment

pytestmark = pytest.mark.filterwarnings("error:Glyph")


@pytest.fixture(scope="module")
def assessment():
    return synthetic_assessment()


def _save(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    save_figure(fig, buffer, fmt=fmt)
    return buffer.getvalue()


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _pdf_tool(tool: str, data: bytes, tmp_path) -> str:
    """Run a poppler tool on PDF bytes.  ``pdftotext`` runs in content-stream order
    (``-raw``) with all whitespace removed: how pdftotext guesses word gaps and line
    order is its business; that the characters are there, in order, is ours."""
    path = tmp_path / "map.pdf"
    path.write_bytes(data)
    if tool == "pdftotext":
        out = subprocess.run([tool, "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
        return re.sub(r"\s+", "", out)
    return subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout


def _has(text: str, words: str) -> bool:
    return re.sub(r"\s+", "", words) in text


def test_a4_landscape_300dpi_is_3508_by_2480_with_the_four_colours(assessment):
    png = _save(render_map(assessment), "png")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (3508, 2480)
    pixels = np.asarray(image).reshape(-1, 3)
    for grade in GRADES:
        rgb = np.array(_hex_to_rgb(DEFAULT_COLOURS[grade]))
        count = int((pixels == rgb).all(axis=1).sum())
        # A county fill alone covers far more than 10,000 pixels at 300 dpi.
        assert count > 10_000, f"{grade} {DEFAULT_COLOURS[grade]}: {count} pixels"


@pytest.mark.parametrize("paper,orientation,dpi,size", [
    ("A4", "portrait", 300, (2480, 3508)),
    ("A3", "landscape", 150, (2480, 1754)),
    ("a3", "portrait", 100, (1169, 1654)),
])
def test_other_pages_have_their_paper_size(assessment, paper, orientation, dpi, size):
    assert page_pixels(paper, orientation, dpi) == size
    png = _save(render_map(assessment, paper=paper, orientation=orientation, dpi=dpi), "png")
    assert Image.open(io.BytesIO(png)).size == size


def test_pdf_is_vector_with_searchable_legend_and_embedded_cjk_font(assessment, tmp_path):
    pdf = _save(render_map(assessment), "pdf")
    text = _pdf_tool("pdftotext", pdf, tmp_path)
    for grade in GRADES:
        assert grade_label(grade, "zh") in text
    for words in ("示例市安全风险空间分布图", "评估日期 2026-10-31", "示例数据 / demo data",
                  "各风险等级数量", "数据来源", "平城区", "km", "北"):
        assert _has(text, words), words
    fonts = _pdf_tool("pdffonts", pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if re.search(r"CJK|Han|YaHei|Hei|Song|PingFang|WenQuanYi", line)]
    assert cjk, fonts
    for line in cjk:
        emb, sub, uni = line.split()[-5:-2]
        assert emb == "yes" and uni == "yes", line
    # Print shops reject Type 3: every font is TrueType (Type 42) or CID TrueType.
    kinds = [" ".join(line.split()[1:-6]) for line in fonts.splitlines()[2:] if line.strip()]
    assert kinds and not [k for k in kinds if "Type 3" in k], fonts
    assert all("TrueType" in k for k in kinds), fonts
    # Vector: the page is A4 in points, not a bitmap the size of the page.
    assert b"/MediaBox [ 0 0 841.92" in pdf or b"/MediaBox [0 0 841.92" in pdf


def test_pdf_in_english_has_english_labels(tmp_path):
    pdf = _save(render_map(synthetic_assessment(language="en")), "pdf")
    text = _pdf_tool("pdftotext", pdf, tmp_path)
    for grade in GRADES:
        assert _has(text, grade_label(grade, "en"))
    assert _has(text, "Counts by grade") and _has(text, "As of 2026-10-31")


def test_svg_keeps_text_as_text_with_the_font_declared(assessment):
    svg = _save(render_map(assessment), "svg").decode("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)", svg)
    assert len(texts) > 20
    joined = " ".join(texts)
    for grade in GRADES:
        assert grade_label(grade, "zh") in joined
    assert "平城区" in joined
    assert re.search(r"font-family: '[^']*(CJK|Hei|Han|PingFang)[^']*'", svg)
    assert "sans-serif" in svg


def test_subtitle_names_the_filters_and_hidden_counties_stay_grey(assessment, tmp_path):
    filters = Filters(grades=("red", "orange"))
    fig = render_map(assessment, filters=filters)
    text = _pdf_tool("pdftotext", _save(fig, "pdf"), tmp_path)
    assert _has(text, "筛选：等级：重大风险、较大风险")
    assert _has(text, "未选中区县")
    image = np.asarray(Image.open(io.BytesIO(_save(render_map(assessment, filters=filters, dpi=100), "png"))).convert("RGB"))
    grey = (image.reshape(-1, 3) == np.array([0xED, 0xED, 0xED])).all(axis=1).sum()
    assert grey > 1000  # the two hidden counties, drawn for orientation


def test_title_option_and_no_demo_words_on_real_data(tmp_path):
    real = synthetic_assessment(demo=False)
    text = _pdf_tool("pdftotext", _save(render_map(real, title="二〇二六年十月风险图"), "pdf"), tmp_path)
    assert _has(text, "二〇二六年十月风险图")
    assert not _has(text, "demo data")


def test_layers_choose_what_is_drawn(assessment, tmp_path):
    fig = render_map(assessment, layers=["counties"])
    text = _pdf_tool("pdftotext", _save(fig, "pdf"), tmp_path)
    assert not _has(text, "企业（颜色示风险等级）") and not _has(text, "未销号重大隐患")
    fig = render_map(assessment, layers="counties,roads,enterprises,hazards,accidents")
    text = _pdf_tool("pdftotext", _save(fig, "pdf"), tmp_path)
    assert _has(text, "未销号重大隐患（3 处）") and _has(text, "事故（近36个月）")


def test_bad_options_say_what_is_allowed():
    with pytest.raises(InputError, match="paper 'B5'.*allowed: A4, A3"):
        check_layout("B5", "landscape", 300)
    with pytest.raises(InputError, match="orientation 'sideways'.*landscape, portrait"):
        check_layout("A4", "sideways", 300)
    with pytest.raises(InputError, match="dpi 5 .*50 to 1200"):
        check_layout("A4", "landscape", 5)
    with pytest.raises(InputError, match="layer 'schools'.*counties, road_units"):
        check_layers(["counties", "schools"])
    with pytest.raises(InputError, match="language 'fr'.*zh, en"):
        render_map(synthetic_assessment(), lang="fr")


@pytest.mark.parametrize("max_km,expected", [(0.7, 0.5), (1, 1), (3.9, 2), (7, 5), (22, 20), (180, 100), (499, 200)])
def test_scale_bar_length_is_a_round_number(max_km, expected):
    assert nice_length_km(max_km) == expected


def test_the_demo_map(demo_assessment, tmp_path):
    fig = render_map(demo_assessment, dpi=100)
    text = _pdf_tool("pdftotext", _save(fig, "pdf"), tmp_path)
    for name in demo_assessment.counties["county_name"]:
        assert _has(text, name)
    assert _has(text, "示例数据 / demo data")
    assert _has(text, "km") and _has(text, "EPSG:326")  # scale bar and the UTM projection note
