"""Find a CJK font and make matplotlib use it.

Static exports (PNG, PDF, SVG) draw Chinese county names, grade labels and titles.
matplotlib's bundled DejaVu Sans has no Chinese glyphs, so without a CJK font every
character would be drawn as a box.  :func:`find_cjk_font` looks for one in this order:

1. the file named by the environment variable ``RISKMAP_FONT`` (or
   ``riskmap.settings.font_path``);
2. fontconfig (``fc-list :lang=zh-cn``) on Linux and other Unix systems, preferring
   Noto Sans CJK SC / Source Han Sans SC, then WenQuanYi;
3. the usual files of Windows (``msyh.ttc``, ``simhei.ttf``, ...) and macOS
   (``PingFang.ttc``, ``Hiragino Sans GB.ttc``, ``STHeiti``);
4. any font matplotlib already knows whose family is a known CJK family.

Nothing found raises :class:`~riskmap.errors.FontNotFoundError` saying how to install
one.  :func:`configure_matplotlib` registers the font with matplotlib's font manager and
returns the :func:`rc_params` that exports apply while drawing and saving.

PDF embedding
-------------
matplotlib embeds fonts in a PDF either as Type 3 (glyph outlines as drawing
procedures, which print shops reject) or as Type 42 (a TrueType font).  Type 42 is
only valid for TrueType outlines, and Debian's Noto Sans CJK is a collection of CFF
(PostScript-outline) fonts (matplotlib issue #20870).  So :func:`rc_params` always asks
for Type 42, and the PDF is saved inside :func:`riskmap.export.truetype.truetype_text`,
which draws the text of a CFF face from a TrueType subset of it made for the figure
(TrueType fonts such as ``msyh.ttc``, ``simhei.ttf`` or WenQuanYi are embedded as they
are).  Every font of the PDF is then TrueType or CID TrueType, an embedded subset with
a ToUnicode map, so the text stays searchable and copyable.  SVG keeps its text as
``<text>`` elements (``svg.fonttype = 'none'``) with the font family declared, so it
is searchable too.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from riskmap.errors import FontNotFoundError

ENV_VAR = "RISKMAP_FONT"

# Families in order of preference.  Simplified-Chinese faces first: in a collection
# (.ttc) the SC face draws 骨, 直, 将 ... the mainland way, the JP/TC faces do not.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Heiti SC",
    "STHeiti",
    "Noto Sans SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Arial Unicode MS",
)

_WINDOWS_FILES = ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc", "msjh.ttc")
_MACOS_FILES = (
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)

# Characters every export draws; a font without them is no CJK font for us.
_PROBE = "重大风险较大一般低区县企业道路"

INSTALL_HINT = (
    "No Chinese (CJK) font was found, so Chinese text cannot be drawn.  Install one:\n"
    "  Debian/Ubuntu:  apt-get install fonts-noto-cjk   (or fonts-wqy-zenhei)\n"
    "  Fedora/RHEL:    dnf install google-noto-sans-cjk-fonts\n"
    "  Windows:        Microsoft YaHei (msyh.ttc) or SimHei (simhei.ttf) ship with\n"
    "                  Windows; add the Chinese language pack if they are missing\n"
    "  macOS:          PingFang SC or Hiragino Sans GB ship with macOS\n"
    f"or point the environment variable {ENV_VAR} at a .ttf/.otf/.ttc file with Chinese glyphs."
)


@dataclass(frozen=True)
class CJKFont:
    """A usable CJK font.

    Attributes
    ----------
    path
        The font file.
    family
        The family matplotlib knows it by (for a collection, the preferred face).
    truetype
        Whether its outlines are TrueType (``glyf``) rather than CFF; a CFF face is
        embedded in PDFs through a TrueType subset (see the module docstring).
    """

    path: Path
    family: str
    truetype: bool


# --- finding a file -----------------------------------------------------------------
def _env_font() -> Path | None:
    from riskmap.runtime import settings

    value = os.environ.get(ENV_VAR) or settings.font_path
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise FontNotFoundError(
            f"{ENV_VAR}={value} is not a font file (no such file).  Point it at a "
            ".ttf/.otf/.ttc file with Chinese glyphs, or unset it to search the system."
        )
    return path


def _fontconfig_font() -> Path | None:
    """Ask fontconfig for fonts that cover Simplified Chinese, best family first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "family", "file"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # Lines look like "/path/NotoSansCJK-Regular.ttc: Noto Sans CJK SC,Noto Sans CJK SC Regular".
    found: dict[str, list[Path]] = {}
    for line in out.splitlines():
        file, _, families = line.partition(": ")
        for family in families.split(","):
            found.setdefault(family.strip().lower(), []).append(Path(file.strip()))
    for family in PREFERRED_FAMILIES:
        files = found.get(family.lower())
        if files:
            # Regular before Bold: the bold face is found through the family name.
            files.sort(key=lambda p: ("bold" in p.name.lower(), "light" in p.name.lower(), p.name))
            return files[0]
    # Any other font fontconfig says covers zh-cn (but not a monospace one).
    for family, files in sorted(found.items()):
        if "mono" not in family:
            return sorted(files)[0]
    return None


def _windows_font() -> Path | None:
    windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
    for folder in (windir, local):
        for name in _WINDOWS_FILES:
            if (folder / name).is_file():
                return folder / name
    return None


def _macos_font() -> Path | None:
    for name in _MACOS_FILES:
        if Path(name).is_file():
            return Path(name)
    return None


def _matplotlib_font() -> Path | None:
    from matplotlib import font_manager

    by_name = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name.lower(), entry.fname)
    for family in PREFERRED_FAMILIES:
        if family.lower() in by_name:
            return Path(by_name[family.lower()])
    return None


def find_cjk_font() -> Path:
    """Return the path of a font file that can draw Chinese.

    Honours ``RISKMAP_FONT``; otherwise searches fontconfig (Linux), the Windows and
    macOS font folders and matplotlib's font list, in that order.

    Returns
    -------
    pathlib.Path
        A ``.ttf``, ``.otf`` or ``.ttc`` file.

    Raises
    ------
    FontNotFoundError
        If ``RISKMAP_FONT`` names a missing file or a font without Chinese glyphs,
        or no CJK font is installed; the message says how to install one.
    """
    env = _env_font()
    if env is not None:
        if not _covers(env, _PROBE):
            raise FontNotFoundError(
                f"{ENV_VAR}={env} has no Chinese glyphs (it cannot draw {_PROBE[:4]}).  "
                "Point it at a CJK font such as NotoSansCJK-Regular.ttc or msyh.ttc."
            )
        return env
    searches = [_fontconfig_font]
    if sys.platform == "win32":
        searches.insert(0, _windows_font)
    elif sys.platform == "darwin":
        searches.insert(0, _macos_font)
    searches.append(_matplotlib_font)
    for search in searches:
        path = search()
        if path is not None and path.is_file() and _covers(path, _PROBE):
            return path
    raise FontNotFoundError(INSTALL_HINT)


# --- inspecting a file --------------------------------------------------------------
def _faces(path: Path) -> list[tuple[int, str]]:
    """(index, family) of every face in a font file (several in a .ttc)."""
    from matplotlib.ft2font import FT2Font

    faces = []
    index = 0
    while True:
        try:
            font = FT2Font(str(path), face_index=index)
        except TypeError:  # matplotlib < 3.10: no collections, first face only
            font = FT2Font(str(path))
            return [(0, font.family_name)]
        except Exception:
            break
        faces.append((index, font.family_name))
        if index + 1 >= getattr(font, "num_faces", 1):
            break
        index += 1
    return faces


def _best_face(path: Path) -> tuple[int, str]:
    faces = _faces(path)
    if not faces:
        raise FontNotFoundError(f"{path} is not a font file matplotlib can read.\n{INSTALL_HINT}")
    by_family = {family.lower(): (index, family) for index, family in faces}
    for family in PREFERRED_FAMILIES:
        if family.lower() in by_family:
            return by_family[family.lower()]
    # An unknown collection: a Simplified-Chinese looking face, else the first
    # proportional (not monospace) one.
    for index, family in faces:
        if any(tag in family for tag in (" SC", " GB", " CN", "Hans")) and "Mono" not in family:
            return index, family
    for index, family in faces:
        if "Mono" not in family:
            return index, family
    return faces[0]


def _covers(path: Path, text: str) -> bool:
    """Whether the preferred face of ``path`` has a glyph for every character of text."""
    from matplotlib.ft2font import FT2Font

    try:
        index, _ = _best_face(path)
        try:
            font = FT2Font(str(path), face_index=index)
        except TypeError:
            font = FT2Font(str(path))
        charmap = font.get_charmap()
    except Exception:
        return False
    return all(ord(ch) in charmap for ch in text)


def _is_truetype(path: Path, index: int) -> bool:
    """Whether the face has TrueType (``glyf``) outlines rather than CFF."""
    from fontTools.ttLib import TTFont

    try:
        kwargs = {"fontNumber": index} if path.suffix.lower() in (".ttc", ".otc") else {}
        with TTFont(str(path), lazy=True, **kwargs) as font:
            return "glyf" in font
    except Exception:
        # Unreadable by fontTools: treat it as not TrueType (nothing is assumed of it).
        return False


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> CJKFont:
    from matplotlib import font_manager

    resolved = path.resolve()
    known = {Path(e.fname).resolve() for e in font_manager.fontManager.ttflist}
    if resolved not in known:
        # addfont registers every face of a collection under its family name.
        font_manager.fontManager.addfont(str(resolved))
        # A Bold sibling (NotoSansCJK-Bold.ttc next to -Regular) makes titles bold
        # with real glyphs instead of falling back to the regular weight.
        for sibling in _bold_siblings(resolved):
            if sibling.resolve() not in known:
                font_manager.fontManager.addfont(str(sibling))
    index, family = _best_face(resolved)
    return CJKFont(path=resolved, family=family, truetype=_is_truetype(resolved, index))


def _bold_siblings(path: Path) -> list[Path]:
    name = path.name
    for regular in ("Regular", "regular"):
        if regular in name:
            candidate = path.with_name(name.replace(regular, "Bold"))
            if candidate.is_file():
                return [candidate]
    return []


def cjk_font() -> CJKFont:
    """Find (see :func:`find_cjk_font`) and register the CJK font; return its details."""
    return _load(find_cjk_font())


def rc_params(font: CJKFont | None = None) -> dict[str, object]:
    """The matplotlib settings that make a figure draw and embed the CJK font.

    Parameters
    ----------
    font
        The font; found with :func:`cjk_font` when omitted.

    Returns
    -------
    dict
        For :func:`matplotlib.rc_context` or ``rcParams.update``.
    """
    font = font or cjk_font()
    return {
        # DejaVu Sans after the CJK family: matplotlib falls back glyph by glyph, so a
        # symbol the CJK font lacks is drawn from DejaVu rather than as a box.
        "font.family": [font.family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        # Type 42 always: CFF faces are swapped for TrueType subsets while a PDF is
        # saved (riskmap.export.truetype.truetype_text), so no font is Type 3.
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        # Data is text: a county named "$x^2$" is drawn as typed, never as mathtext.
        "text.parse_math": False,
    }


def configure_matplotlib() -> str:
    """Register the CJK font with matplotlib and make it the default font.

    Sets ``font.family`` and the PDF/PS/SVG embedding settings in
    ``matplotlib.rcParams`` (process-wide).  The exporters of this package do not rely
    on it: they apply :func:`rc_params` in a ``rc_context`` of their own.

    Returns
    -------
    str
        The family name now in use, e.g. ``"Noto Sans CJK SC"``.

    Raises
    ------
    FontNotFoundError
        As :func:`find_cjk_font`.
    """
    import matplotlib

    font = cjk_font()
    matplotlib.rcParams.update(rc_params(font))
    return font.family
