"""TrueType subsets of CFF fonts, so that a PDF embeds its CJK text as Type 42, never Type 3.

Print shops reject Type 3 fonts (glyphs as drawing procedures: no hinting, slow RIPs,
often rasterised), but matplotlib can embed only TrueType outlines as Type 42; a CFF
(PostScript-outline) font such as Debian's Noto Sans CJK it writes as Type 3, or, as
Type 42, as CFF data in a TrueType stream that readers flag as broken (matplotlib
issue #20870).  :func:`truetype_text` fixes that for real: while a figure is saved, the
characters each CFF face draws are cut out of that face (:mod:`fontTools.subset`),
their cubic outlines turned into quadratic TrueType ones (:mod:`fontTools.cu2qu`, at
most 1/1000 em off), and the text drawn from that small TrueType font, which
matplotlib embeds as a CID-keyed TrueType (Type 42) subset with its ToUnicode map.

Only the characters a figure uses are converted: a few hundred glyphs take under a
second, where converting all 65,535 glyphs of Noto Sans CJK takes about 90 s and 20 MB
per weight.  The subsets are cached on disk (:func:`cache_dir`), named by a hash of the
font file and the characters, so the same map saved again reuses its fonts.  Advance
widths are kept, so the text is laid out exactly as in the PNG.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from riskmap.errors import FontNotFoundError

MAX_CACHED_FILES = 500
"""The cache keeps at most this many subsets (the oldest are removed first)."""

CU2QU_MAX_ERR = 1.0
"""Largest distance, in font units (1/1000 em for Noto), between a cubic outline and its
quadratic approximation."""

FAMILY_SUFFIX = "TrueType"


def cache_dir() -> Path:
    """The folder of the TrueType subsets.

    ``RISKMAP_FONT_CACHE`` when set, else ``$XDG_CACHE_HOME/riskmap/fonts``
    (``~/.cache/riskmap/fonts``), else a folder in the temporary directory when the
    home folder cannot be written.
    """
    from riskmap.runtime import settings

    candidates = []
    if settings.font_cache_dir:
        candidates.append(Path(settings.font_cache_dir).expanduser())
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates.append((Path(xdg) if xdg else Path.home() / ".cache") / "riskmap" / "fonts")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    candidates.append(Path(tempfile.gettempdir()) / f"riskmap-fonts-{uid}")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    raise FontNotFoundError("no folder can be written for the PDF fonts; set RISKMAP_FONT_CACHE to one")


@functools.lru_cache(maxsize=64)
def _face_info(path: str, index: int) -> tuple[bool, frozenset[int]]:
    """(is CFF, the code points it maps) of one face of a font file."""
    from fontTools.ttLib import TTFont

    kwargs = {"fontNumber": index} if path.lower().endswith((".ttc", ".otc")) else {}
    try:
        with TTFont(path, lazy=True, **kwargs) as font:
            cff = "CFF " in font or "CFF2" in font
            return cff, frozenset(font.getBestCmap() or {})
    except Exception:  # not readable by fontTools: matplotlib may still draw it; leave it alone
        return False, frozenset()


def _face_of(prop, family: str) -> tuple[str, int] | None:
    """The font file and face index matplotlib draws ``family`` from, with ``prop``'s style."""
    from matplotlib import font_manager

    one = prop.copy()
    one.set_family(family)
    try:
        path = font_manager.findfont(one, fallback_to_default=False)
    except ValueError:
        return None
    return str(path), int(getattr(path, "face_index", 0) or 0)


def _plan(texts) -> tuple[dict[tuple[str, int], set[str]], list[tuple[object, list]]]:
    """Which characters each CFF face draws, and each text's family list as faces.

    matplotlib draws a character from the first family of the text's list whose font
    has it; the same rule picks the face here.
    """
    needed: dict[tuple[str, int], set[str]] = {}
    chains = []
    for text in texts:
        content = text.get_text()
        if not content:
            continue
        prop = text.get_fontproperties()
        chain = [(family, _face_of(prop, family)) for family in prop.get_family()]
        chains.append((text, chain))
        for char in set(content):
            if char.isspace() and char != " ":
                continue
            for _family, face in chain:
                if face is None:
                    continue
                cff, cmap = _face_info(*face)
                if ord(char) in cmap:
                    if cff:
                        needed.setdefault(face, set()).add(char)
                    break
    return needed, chains


@contextlib.contextmanager
def truetype_text(*figures, extra_chars: str = "") -> Iterator[dict[tuple[str, int], Path]]:
    """Draw the figures' text from TrueType subsets of their CFF fonts while active.

    Save the figures as PDF (or PostScript) inside the ``with`` block, with
    ``pdf.fonttype`` 42 (:func:`riskmap.export.fonts.rc_params`), and every font in
    the file is TrueType or CID TrueType, none Type 3.  On leaving, every text gets its
    own fonts back (a PNG saved afterwards is unchanged).

    Parameters
    ----------
    *figures
        :class:`matplotlib.figure.Figure` objects (every page of a multi-page PDF).
    extra_chars
        Characters to put in every subset besides those drawn: pages saved one at a
        time (the atlas) then share one subset, made once, instead of one per page.

    Yields
    ------
    dict
        ``(font file, face index)`` of each CFF face replaced → its TrueType subset.
    """
    from matplotlib.text import Text

    texts = [t for fig in figures for t in fig.findobj(lambda a: isinstance(a, Text))]
    needed, chains = _plan(texts)
    if extra_chars:
        extra = {c for c in extra_chars if not c.isspace() or c == " "}
        needed = {face: chars | {c for c in extra if ord(c) in _face_info(*face)[1]} for face, chars in needed.items()}
    subsets = {face: truetype_subset(Path(face[0]), face[1], "".join(sorted(chars)))
               for face, chars in needed.items()}
    families = {face: _register(path) for face, path in subsets.items()}
    saved = []
    try:
        for text, chain in chains:
            new = [families.get(face, family) if face is not None else family for family, face in chain]
            if new != [family for family, _ in chain]:
                prop = text.get_fontproperties()
                saved.append((text, prop.copy()))
                replaced = prop.copy()
                replaced.set_family(new)
                text.set_fontproperties(replaced)
        yield subsets
    finally:
        for text, prop in saved:
            text.set_fontproperties(prop)


def _register(path: Path) -> str:
    """Add a subset to matplotlib's font list (once); return its family name."""
    from matplotlib import font_manager

    resolved = str(path.resolve())
    for entry in font_manager.fontManager.ttflist:
        if entry.fname == resolved:
            return entry.name
    font_manager.fontManager.addfont(resolved)
    return font_manager.FontProperties(fname=resolved).get_name()


def truetype_subset(path: Path, index: int, chars: str) -> Path:
    """A TrueType font holding the glyphs of ``chars`` from face ``index`` of ``path``.

    Its family is the face's family with a suffix and a hash (``Noto Sans CJK SC
    TrueType 1a2b3c4d``), so matplotlib never mistakes it for the whole font; the
    PostScript name is kept, so ``pdffonts`` names the font a reader knows.

    Returns
    -------
    pathlib.Path
        The cached file (made now if it was not there).
    """
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{index}|{chars}".encode()).hexdigest()
    folder = cache_dir()
    target = folder / f"{key[:24]}.ttf"
    if target.is_file():
        os.utime(target)  # recently used: the last to be pruned
        return target
    font = _converted(path, index, chars, key[:8])
    fd, tmp = tempfile.mkstemp(prefix=".subset.", suffix=".ttf", dir=folder)
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)  # atomic: a parallel export never reads half a file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _prune(folder)
    return target


def _converted(path: Path, index: int, chars: str, tag: str):
    """The subset of ``chars`` as a fontTools font with ``glyf`` outlines."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    kwargs = {"fontNumber": index} if path.suffix.lower() in (".ttc", ".otc") else {}
    font = TTFont(str(path), **kwargs)
    options = subset.Options()
    options.layout_features = []  # matplotlib does no shaping: GSUB/GPOS are dead weight
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "JSTF", "MATH"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyphs[name].draw(Cu2QuPen(pen, CU2QU_MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for table in ("CFF ", "CFF2", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font.sfntVersion = "\x00\x01\x00\x00"
    font["post"].formatType = 3.0
    font["head"].glyphDataFormat = 0
    _rename(font, tag)
    return font


def _rename(font, tag: str) -> None:
    """Give the subset a family of its own (names 1, 4, 16 and 18)."""
    names = font["name"]
    family = names.getDebugName(16) or names.getDebugName(1) or "CJK"
    new_family = f"{family} {FAMILY_SUFFIX} {tag}"
    style = names.getDebugName(17) or names.getDebugName(2) or "Regular"
    for record in list(names.names):
        if record.nameID in (1, 16, 18):
            record.string = new_family
        elif record.nameID == 4:
            record.string = f"{new_family} {style}".strip()


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.ttf"), key=lambda p: p.stat().st_mtime)
    for old in files[:-MAX_CACHED_FILES] if len(files) > MAX_CACHED_FILES else []:
        with contextlib.suppress(OSError):
            old.unlink()
