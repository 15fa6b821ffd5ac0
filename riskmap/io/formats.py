"""What a data file claims to be, checked before any reader sees it.

GDAL picks its driver from a file's content, not its name: a GDAL virtual dataset
(VRT) saved as ``hazards.geojson`` would read ``/etc/passwd``, and a GeoJSON ``crs``
link makes the server fetch a URL.  So a workspace file is opened only as the format
its extension names: its first bytes must be that format's signature, GDAL is handed
the driver by name where it takes one (``GeoJSON:``, ``GPKG:``), and path strings that
GDAL would follow (``/vsi*`` virtual file systems, connection strings such as
``PG:``, URLs, ``.vrt`` files) are refused outright.

Archives (a zipped Shapefile, an XLSX workbook, which is a zip too) are checked
against the unpacked-size limits of :mod:`riskmap.settings` before they are read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from riskmap.runtime import settings

# A path as riskmap.toml or a layer TOML may give it: a plain relative file name.
# GDAL would instead follow /vsicurl/, /vsizip/ ..., "PG:dbname=...", "WFS:http://..."
# or a URL, and a .vrt file names other files to read.
_GDAL_SPECIAL = re.compile(r"(^|[\\/])vsi[a-z0-9_]*([\\/]|$)|^[A-Za-z][A-Za-z0-9_ ]+:|://", re.IGNORECASE)
REFUSED_SUFFIXES = (".vrt", ".ovr", ".xml", ".tab", ".mif", ".gml", ".kml", ".kmz", ".dxf", ".sqlite", ".db")

# The signature each format's file starts with (after a BOM and white space for JSON).
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".shp": (b"\x00\x00\x27\x0a",),
    ".gpkg": (b"SQLite format 3\x00",),
    ".fgb": (b"fgb\x03",),
    ".parquet": (b"PAR1",),
    ".geoparquet": (b"PAR1",),
    ".xlsx": (b"PK\x03\x04",),
    ".xlsm": (b"PK\x03\x04",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
}
FORMAT_WORDS = {
    ".shp": ("Shapefile（.shp 文件头 9994）", "a Shapefile (.shp header 9994)"),
    ".gpkg": ("GeoPackage（SQLite 数据库）", "a GeoPackage (an SQLite database)"),
    ".fgb": ("FlatGeobuf", "FlatGeobuf"),
    ".parquet": ("Parquet", "Parquet"),
    ".geoparquet": ("GeoParquet", "GeoParquet"),
    ".xlsx": ("Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)"),
    ".xlsm": ("Excel 工作簿（.xlsm）", "an Excel workbook (.xlsm)"),
    ".xls": ("Excel 97-2003 工作簿（.xls）", "an Excel 97-2003 workbook (.xls)"),
    ".zip": ("zip 压缩包", "a zip archive"),
    ".geojson": ("GeoJSON（以 { 开头的 JSON 对象）", "GeoJSON (a JSON object starting with {)"),
    ".json": ("GeoJSON（以 { 开头的 JSON 对象）", "GeoJSON (a JSON object starting with {)"),
}
_GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")

# A GeoJSON "crs" member GDAL would follow: a link (to a URL or a file), or a name
# that is a path or an address.  Names such as EPSG:4490, urn:ogc:def:crs:OGC:1.3:CRS84
# and the OGC's own http://www.opengis.net/def/crs/... are fine.
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{(?:[^{}]|\{[^{}]*\})*\}')
_CRS_LINK = re.compile(rb'"(link|href)"', re.IGNORECASE)
_CRS_NAME = re.compile(rb'"name"\s*:\s*"([^"]*)"')


class FormatRefused(Exception):
    """A file or path is not what it claims to be; ``reason`` is a (zh, en) pair."""

    def __init__(self, reason: tuple[str, str]):
        super().__init__(reason[1])
        self.reason = reason

    def text(self, lang: str) -> str:
        return self.reason[0] if lang == "zh" else self.reason[1]


def check_path_text(relative: str) -> None:
    """Refuse a path string that GDAL would follow instead of opening a local file.

    Raises
    ------
    FormatRefused
        For ``/vsi*`` paths, connection strings (``PG:...``, ``WFS:...``), URLs and the
        formats that point at other files (``.vrt`` and the like).
    """
    text = str(relative).strip()
    if _GDAL_SPECIAL.search(text):
        raise FormatRefused(("不接受虚拟文件系统（/vsi…）、数据库连接串或网址，请给出工作区内的文件",
                             "virtual file systems (/vsi…), connection strings and URLs are not accepted; "
                             "give a file inside the workspace"))
    if Path(text).suffix.lower() in REFUSED_SUFFIXES:
        raise FormatRefused((f"不接受 {Path(text).suffix} 文件（它可能引用其他文件或网址）",
                             f"{Path(text).suffix} files are not accepted (they can refer to other files or URLs)"))


def verify_file(path: Path, suffix: str | None = None) -> None:
    """Check that ``path`` is the format its extension (or ``suffix``) names.

    Raises
    ------
    FormatRefused
        The first bytes are not the format's signature, a GeoJSON ``crs`` refers to
        a file or an address, or an archive unpacks past the limits of
        :data:`riskmap.settings.settings`.
    """
    suffix = (suffix or path.suffix).lower()
    with open(path, "rb") as handle:
        head = handle.read(128)
    if suffix in (".geojson", ".json"):
        _verify_geojson(path, head)
    elif suffix in _SIGNATURES:
        if not head.startswith(_SIGNATURES[suffix]):
            raise _not_format(suffix, head)
        if suffix == ".gpkg" and head[68:72] not in _GPKG_APPLICATION_IDS:
            raise _not_format(suffix, head)
        if suffix in (".xlsx", ".xlsm", ".zip"):
            with zipfile.ZipFile(path) as archive:
                check_archive(archive)
        if suffix in (".parquet", ".geoparquet"):
            with open(path, "rb") as handle:
                handle.seek(-4, 2)
                if handle.read(4) != b"PAR1":
                    raise _not_format(suffix, head)


def verify_bytes(data: bytes, suffix: str) -> None:
    """:func:`verify_file` for a member of an archive (a ``.shp`` inside a zip)."""
    suffix = suffix.lower()
    if suffix in _SIGNATURES and not data.startswith(_SIGNATURES[suffix]):
        raise _not_format(suffix, data[:128])


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose members unpack past the limits (size, count, ratio).

    The sizes are those the archive declares; :func:`riskmap.unzip.extract` also
    counts the bytes actually written, since a crafted archive may lie.
    """
    members = archive.infolist()
    limits = settings
    if len(members) > limits.max_upload_members:
        raise FormatRefused((f"压缩包含 {len(members)} 个文件，超过上限 {limits.max_upload_members}",
                             f"the archive holds {len(members)} files, more than the limit of {limits.max_upload_members}"))
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise FormatRefused((f"压缩包解压后 {_mb(total)}，超过上限 {_mb(limits.max_unpacked_bytes)}",
                             f"the archive unpacks to {_mb(total)}, more than the limit of {_mb(limits.max_unpacked_bytes)}"))
    packed = sum(m.compress_size for m in members)
    if total > 1_000_000 and total > limits.max_compression_ratio * max(packed, 1):
        raise FormatRefused((f"压缩比 {total / max(packed, 1):.0f}:1，超过上限 {limits.max_compression_ratio:g}:1（疑似压缩炸弹）",
                             f"the compression ratio is {total / max(packed, 1):.0f}:1, above the limit of "
                             f"{limits.max_compression_ratio:g}:1 (a zip bomb?)"))


def gdal_source(path: Path) -> str:
    """The string to hand GDAL for ``path``: the driver named where GDAL takes it."""
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return f"GeoJSON:{path}"
    if suffix == ".gpkg":
        return f"GPKG:{path}"
    return str(path)


def _verify_geojson(path: Path, head: bytes) -> None:
    start = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if not start.lstrip(b" \t\r\n").startswith(b"{"):
        raise _not_format(".geojson", head)
    data = path.read_bytes()
    for member in _CRS_MEMBER.finditer(data):
        text = member.group(0)
        names = [m.group(1) for m in _CRS_NAME.finditer(text)]
        refers = _CRS_LINK.search(text) or any(
            (b"/" in n or b"\\" in n or b"://" in n) and not n.startswith(b"http://www.opengis.net/def/crs/")
            for n in names)
        if refers:
            raise FormatRefused(("GeoJSON 的 crs 引用了文件或网址；请删去 crs，或写成 EPSG:4326 这样的名称",
                                 "the GeoJSON crs refers to a file or an address; remove the crs member or give a "
                                 "name such as EPSG:4326"))


def _not_format(suffix: str, head: bytes) -> FormatRefused:
    zh, en = FORMAT_WORDS.get(suffix, (suffix, suffix))
    if head.lstrip().startswith(b"<"):
        zh_more, en_more = "：内容是 XML（如 GDAL 虚拟数据集 VRT），不予读取", ": the content is XML (such as a GDAL VRT), which is not read"
    else:
        zh_more, en_more = "", ""
    return FormatRefused((f"文件内容不是扩展名所示的格式（应为{zh}）{zh_more}",
                          f"the content is not the format its extension names (expected {en}){en_more}"))


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n:,} B"
