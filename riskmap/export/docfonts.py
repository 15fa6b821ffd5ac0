"""The fonts of an official document (GB/T 9704-2012), as this machine has them, and what replaced what.

GB/T 9704 sets a 公文 (official document) in: the title in 2号 (22 pt) 方正小标宋简体, the
body in 3号 (16 pt) 仿宋_GB2312, first-level headings (一、) in 3号 黑体 and
second-level ones (（一）) in 3号 楷体_GB2312.  The briefing asks for those fonts by
name (``w:eastAsia``, which Word uses for Chinese text) when they are installed here,
found through fontconfig (``fc-list``), the Windows font folders or the macOS ones;
otherwise it falls back, role by role, to the nearest installed face (仿宋 for
仿宋_GB2312, then a serif CJK face; SimHei or a sans CJK face for 黑体; ...).  Each
fallback is reported: :meth:`OfficialFonts.note` says which font replaced which, the
CLI prints it on stderr, the app shows it, and the document keeps it in its
properties (comments), so a reader knows why the type differs from GB/T 9704.
When a role has no installed candidate at all, the official name is written anyway
(the reader's Word may have it) and that is reported too.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("title", "body", "heading1", "heading2")

OFFICIAL = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading1": "黑体", "heading2": "楷体_GB2312"}
"""The GB/T 9704 font of each role."""

CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "宋体", "SimSun",
              "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "Source Han Sans SC"),
    "body": ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong", "Noto Serif CJK SC",
             "Source Han Serif SC", "宋体", "SimSun", "AR PL UMing CN", "Noto Sans CJK SC", "Source Han Sans SC"),
    "heading1": ("黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "微软雅黑", "Microsoft YaHei",
                 "PingFang SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei"),
    "heading2": ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti", "AR PL UKai CN",
                 "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "Source Han Sans SC"),
}
"""Fonts tried for each role, best first."""

# Names one font goes by (fontconfig lists every name a font has; a file name only one).
ALIASES = {"simhei": "黑体", "fangsong": "仿宋", "kaiti": "楷体", "simsun": "宋体", "microsoft yahei": "微软雅黑",
           "fangsong_gb2312": "仿宋_GB2312", "kaiti_gb2312": "楷体_GB2312", "stzhongsong": "华文中宋",
           "stfangsong": "华文仿宋", "stkaiti": "华文楷体"}

# Font files of Windows and macOS, for machines without fontconfig.
FILES = {
    "方正小标宋简体": ("FZXBSJW.TTF", "方正小标宋简体.ttf", "方正小标宋简体.TTF"),
    "方正小标宋_GBK": ("FZXBSK.TTF",),
    "仿宋_GB2312": ("仿宋_GB2312.ttf", "FS_GB2312.ttf", "SIMFANG_GB2312.TTF"),
    "楷体_GB2312": ("楷体_GB2312.ttf", "KAITI_GB2312.TTF", "KT_GB2312.ttf"),
    "仿宋": ("simfang.ttf",), "楷体": ("simkai.ttf",), "黑体": ("simhei.ttf",), "宋体": ("simsun.ttc",),
    "微软雅黑": ("msyh.ttc", "msyh.ttf"), "华文中宋": ("STZHONGS.TTF", "Songti.ttc"),
    "华文仿宋": ("STFANGSO.TTF", "STFangsong.ttf"), "华文楷体": ("STKAITI.TTF", "Kaiti.ttc"),
    "PingFang SC": ("PingFang.ttc",),
}


@dataclass(frozen=True)
class Fallback:
    """A role set in another font than GB/T 9704's."""

    role: str
    wanted: str
    used: str
    installed: bool
    """Whether ``used`` is installed here (``False``: named anyway, none was found)."""


@dataclass(frozen=True)
class OfficialFonts:
    """The East Asian font of each role, and the fallbacks made."""

    fonts: dict[str, str]
    fallbacks: tuple[Fallback, ...] = field(default=())

    def note(self, lang: str) -> str:
        """What replaced what, in ``lang`` ('' when every official font is installed)."""
        from riskmap.i18n import t

        if not self.fallbacks:
            return ""
        sep = "；" if lang == "zh" else "; "
        items = []
        for f in self.fallbacks:
            role = t(f"docfont_{f.role}", lang)
            key = "docfont_item" if f.installed else "docfont_item_missing"
            items.append(t(key, lang, role=role, wanted=f.wanted, used=f.used))
        return t("docfont_note", lang, items=sep.join(items))


def _fontconfig_names() -> set[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return set()
    try:
        out = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=20,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip().lower() for line in out.splitlines() for name in line.split(",") if name.strip()}


def _font_folders() -> list[Path]:
    folders = []
    if sys.platform == "win32":
        folders.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        folders.append(Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        folders += [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
                    Path("/Library/Fonts"), Path.home() / "Library" / "Fonts"]
    return [f for f in folders if f.is_dir()]


@functools.lru_cache(maxsize=1)
def installed_names() -> frozenset[str]:
    """Lower-cased names of the fonts installed here (every name fontconfig knows, and the
    names of the known Windows/macOS files found)."""
    names = set(_fontconfig_names())
    for folder in _font_folders():
        present = {p.name.lower() for p in folder.iterdir()}
        for family, files in FILES.items():
            if any(f.lower() in present for f in files):
                names.add(family.lower())
    # A font known by its English name is there under its Chinese one too, and back.
    for english, chinese in ALIASES.items():
        if english in names:
            names.add(chinese.lower())
        if chinese.lower() in names:
            names.add(english)
    return frozenset(names)


def canonical(name: str) -> str:
    """The name a font is written under (its Chinese name for Chinese fonts: 黑体, not SimHei)."""
    return ALIASES.get(name.lower(), name)


def official_fonts(installed: frozenset[str] | None = None) -> OfficialFonts:
    """Choose the font of each role from what is installed (see the module docstring).

    Parameters
    ----------
    installed
        Lower-cased font names; :func:`installed_names` by default.
    """
    names = installed_names() if installed is None else installed
    fonts, fallbacks = {}, []
    for role in ROLES:
        found = next((canonical(c) for c in CANDIDATES[role] if c.lower() in names), None)
        fonts[role] = found or OFFICIAL[role]
        if found != OFFICIAL[role]:
            fallbacks.append(Fallback(role, OFFICIAL[role], fonts[role], installed=found is not None))
    return OfficialFonts(fonts, tuple(fallbacks))
