"""riskmap.export.fonts: a CJK font is found, registered and embedded the right way."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure

from riskmap.errors import FontNotFoundError
from riskmap.export import fonts

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    # The font is cached per path; RISKMAP_FONT must not leak in from the environment.
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    from riskmap import settings

    monkeypatch.setattr(settings, "font_path", "")


def test_finds_a_font_that_draws_chinese():
    path = fonts.find_cjk_font()
    assert path.is_file()
    assert fonts._covers(path, "重大风险较大一般低区县企业道路隐患北")


def test_configure_matplotlib_makes_chinese_drawable():
    with matplotlib.rc_context():
        family = fonts.configure_matplotlib()
        assert matplotlib.rcParams["font.family"][0] == family
        assert matplotlib.rcParams["svg.fonttype"] == "none"
        fig = Figure(figsize=(2, 1))
        fig.text(0.1, 0.5, "重大风险 低风险 示例数据 / demo data")
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            fig.savefig(io.BytesIO(), format="png")
        assert not [w for w in record if "Glyph" in str(w.message)]


def test_missing_glyphs_are_caught_by_the_warning_the_tests_rely_on():
    # The export tests turn "Glyph ... missing from font" into an error; prove that
    # matplotlib really warns that way when a font cannot draw Chinese.
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = Figure(figsize=(2, 1))
        fig.text(0.1, 0.5, "重大风险")
        with pytest.warns(UserWarning, match="Glyph"):
            fig.savefig(io.BytesIO(), format="png")


def test_env_var_points_at_a_font(monkeypatch):
    found = fonts.find_cjk_font()
    monkeypatch.setenv(fonts.ENV_VAR, str(found))
    assert fonts.find_cjk_font() == found


def test_env_var_naming_a_missing_file_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "nope.ttf"))
    with pytest.raises(FontNotFoundError, match="RISKMAP_FONT=.*nope.ttf.*no such file"):
        fonts.find_cjk_font()


def test_env_var_naming_a_latin_font_is_refused(monkeypatch):
    monkeypatch.setenv(fonts.ENV_VAR, str(DEJAVU))
    with pytest.raises(FontNotFoundError, match="no Chinese glyphs"):
        fonts.find_cjk_font()


def test_no_font_at_all_explains_how_to_install_one(monkeypatch):
    for name in ("_fontconfig_font", "_windows_font", "_macos_font", "_matplotlib_font"):
        monkeypatch.setattr(fonts, name, lambda: None)
    with pytest.raises(FontNotFoundError) as info:
        fonts.find_cjk_font()
    message = str(info.value)
    assert "apt-get install fonts-noto-cjk" in message
    assert "msyh.ttc" in message and "PingFang" in message
    assert "RISKMAP_FONT" in message
    assert info.value.exit_code == 2


def test_pdf_embedding_is_type_42_whatever_the_outlines():
    # TrueType outlines embed as they are; CFF ones (Noto Sans CJK) through TrueType
    # subsets made while the PDF is saved (riskmap.export.truetype), so never Type 3.
    assert fonts._is_truetype(DEJAVU, 0) is True
    assert fonts.rc_params(fonts.cjk_font())["pdf.fonttype"] == 42
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if noto.is_file():  # Debian's fonts-noto-cjk, the font the test machines install
        assert fonts._is_truetype(noto, 2) is False


def test_collection_face_is_simplified_chinese():
    font = fonts.cjk_font()
    if font.path.suffix.lower() == ".ttc" and "Noto" in font.family:
        assert font.family == "Noto Sans CJK SC"
