"""riskmap.export.truetype: PDFs embed CJK text as TrueType (Type 42 / CID TrueType), never Type 3."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from riskmap.export import fonts, truetype

pytestmark = pytest.mark.filterwarnings("error:Glyph")

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
needs_noto = pytest.mark.skipif(not NOTO.is_file(), reason="Debian's fonts-noto-cjk (a CFF font) is not installed")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    from riskmap import settings

    monkeypatch.setattr(settings, "font_cache_dir", str(tmp_path / "fonts"))


def pdffonts(data: bytes, tmp_path) -> list[tuple[str, str]]:
    """(name, type) of every font pdffonts lists, and no complaint on stderr."""
    # make test installs poppler-utils (make system-deps): a missing pdffonts is a failure, not a skip
    assert shutil.which("pdffonts") is not None, "poppler-utils (pdffonts) is not installed; run make system-deps"
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert "rror" not in done.stderr, done.stderr  # e.g. "Mismatch between font type and embedded font file"
    rows = done.stdout.splitlines()[2:]
    return [(row.split()[0], " ".join(row.split()[1:-6])) for row in rows if row.strip()]


def _figure(text: str, **kwargs) -> Figure:
    fig = Figure(figsize=(3, 1))
    fig.text(0.05, 0.6, text, **kwargs)
    fig.text(0.05, 0.2, "低风险 · 示例数据", fontweight="bold")
    return fig


@needs_noto
def test_a_cff_font_is_embedded_as_cid_truetype(tmp_path):
    font = fonts._load(NOTO)
    assert not font.truetype
    buffer = io.BytesIO()
    with matplotlib.rc_context(fonts.rc_params(font)):
        fig = _figure("重大风险 云冈区 2026-10-31")
        with truetype.truetype_text(fig) as subsets:
            fig.savefig(buffer, format="pdf")
    listed = pdffonts(buffer.getvalue(), tmp_path)
    assert listed, "no font embedded"
    assert all("Type 3" not in kind for _, kind in listed), listed
    assert any("NotoSansCJK" in name and "TrueType" in kind for name, kind in listed), listed
    # Regular and Bold faces each got a subset holding exactly their characters.
    assert len(subsets) == 2
    for path in subsets.values():
        with TTFont(str(path)) as sub:
            assert "glyf" in sub and "CFF " not in sub
            assert ord("冈") in sub.getBestCmap() or ord("示") in sub.getBestCmap()
            assert len(sub.getGlyphOrder()) < 60  # a subset, not the 65,535 glyphs


@needs_noto
def test_text_gets_its_own_font_back_and_is_laid_out_the_same(tmp_path):
    font = fonts._load(NOTO)
    with matplotlib.rc_context(fonts.rc_params(font)):
        fig = _figure("较大风险 平城区")
        text = fig.texts[0]
        renderer = FigureCanvasAgg(fig).get_renderer()
        before = text.get_fontproperties().get_family()
        width = text.get_window_extent(renderer).width
        with truetype.truetype_text(fig):
            inside = text.get_fontproperties().get_family()
            assert inside[0].startswith(f"{font.family} {truetype.FAMILY_SUFFIX}")
            # Same advance widths: the PDF is laid out as the PNG.
            assert text.get_window_extent(renderer).width == pytest.approx(width, rel=1e-3)
        assert text.get_fontproperties().get_family() == before


@needs_noto
def test_subsets_are_cached_on_disk_by_their_characters(tmp_path):
    first = truetype.truetype_subset(NOTO, 2, "安全风险")
    again = truetype.truetype_subset(NOTO, 2, "安全风险")
    other = truetype.truetype_subset(NOTO, 2, "安全风险图")
    assert first == again and first != other
    assert first.parent == tmp_path / "fonts"
    with TTFont(str(first)) as sub:
        family = sub["name"].getDebugName(1)
        assert family.startswith("Noto Sans CJK SC TrueType ")
        assert sub["name"].getDebugName(6) == "NotoSansCJKsc-Regular"  # the name pdffonts shows


def test_a_truetype_font_is_left_alone(tmp_path):
    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, "plain DejaVu")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"], "pdf.fonttype": 42}), \
            truetype.truetype_text(fig) as subsets:
        fig.savefig(buffer, format="pdf")
    assert subsets == {}
    assert all("Type 3" not in kind for _, kind in pdffonts(buffer.getvalue(), tmp_path))
