"""The data contract as data: datasets, canonical columns, aliases and vocabularies.

DESIGN §4 in tables.  The readers map a file's columns to canonical names with
:data:`DATASETS`' aliases, the checks parse each column by its ``kind`` (and its
vocabulary's spellings), the register and the tables label the coded values, and
``docs/schema.md`` is written from here (:func:`markdown`), so the four never
disagree.

A column's ``kind`` says how its values are read (:mod:`riskmap.io.values`):

``id``        unique text, never empty
``name``      text, never empty
``text``      text (empty is ``None``)
``number``    a number (also full-width digits and 1,200-style grouping); ``low`` and
              ``choices`` bound it
``count``     a number ≥ 0 that is 0 where empty
``choice``    one spelling of a :data:`VOCABULARIES` table, kept as its key
``date``      a date (2026-10-31, 2026/10/31, 2026年10月31日, an Excel cell)
``lonlat``    a coordinate, read with the geometry (:mod:`riskmap.io.geometry`)
``lonlat_pair`` one cell holding ``lng,lat`` (``经纬度`` as Amap's picker copies it)
``code``      an identifier other records refer to: half-width, no spaces, a credit
              code in upper case (:mod:`riskmap.io.identifiers`)
``credit_code`` a 统一社会信用代码, normalised like ``code``; a failed check character
              (GB 32100-2015) is a warning
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from riskmap.i18n import COLUMN_LABELS
from riskmap.sectors import default_sectors

# --- vocabularies: every spelling a user may give → the key used in code -------------------
SECTOR_VALUES: dict[str, str] = dict(default_sectors().vocabulary)
"""The default standard's sector spellings; a workspace reads its own standard's
(:attr:`riskmap.sectors.Sectors.vocabulary`: keys, labels and ``aliases``)."""
LEVEL_VALUES: dict[str, str] = {
    "general": "general", "major": "major", "一般": "general", "重大": "major", "一般隐患": "general", "重大隐患": "major",
    "一般事故隐患": "general", "重大事故隐患": "major"}
STATUS_VALUES: dict[str, str] = {
    "open": "open", "rectifying": "rectifying", "closed": "closed", "未整改": "open", "待整改": "open",
    "整改中": "rectifying", "已销号": "closed", "已整改": "closed", "已关闭": "closed", "in progress": "rectifying",
    "整改完成": "closed", "已验收": "closed", "已闭环": "closed", "已完成": "closed", "正在整改": "rectifying"}
SUPERVISION_VALUES: dict[str, str] = {
    "none": "none", "county": "county", "city": "city", "province": "province", "无": "none", "否": "none",
    "未挂牌": "none", "县级": "county", "区级": "county", "县区级": "county", "市级": "city", "省级": "province"}
KIND_VALUES: dict[str, str] = {
    "traffic": "traffic", "production": "production", "交通": "traffic", "交通事故": "traffic",
    "道路交通事故": "traffic", "生产": "production", "生产安全事故": "production", "生产事故": "production"}
MHI_LEVEL_VALUES: dict[str, int | None] = {
    "1": 1, "2": 2, "3": 3, "4": 4, "一级": 1, "二级": 2, "三级": 3, "四级": 4,
    "1级": 1, "2级": 2, "3级": 3, "4级": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4,
    # no major hazard installation
    "none": None, "0": None, "无": None, "否": None, "没有": None, "非重大危险源": None, "不构成": None}

VOCABULARIES: dict[str, dict[str, Any]] = {
    "sector": SECTOR_VALUES,
    "hazard_level": LEVEL_VALUES,
    "hazard_status": STATUS_VALUES,
    "supervision": SUPERVISION_VALUES,
    "accident_kind": KIND_VALUES,
    "major_hazard_level": MHI_LEVEL_VALUES,
}
"""Vocabulary name → spelling → key.  The names are also the label kinds of
:func:`riskmap.i18n.label_of` (``major_hazard_level`` keys are the levels 1–4)."""

MAX_COUNT: dict[str, int] = {"accidents": 1_000_000, "deaths": 100_000, "injuries": 1_000_000, "employees": 10_000_000,
                             "population": 2_000_000_000}
"""Upper bounds of counts: beyond them a value is a typing slip or an attack, not data
(a road segment's accidents over its years, a county's people)."""

EMPTY = frozenset({"", "nan", "none", "null", "nat", "<na>", "-", "—", "无数据"})
"""Cell texts read as empty (compared in lower case)."""

_SECTORS_WITH_LABELS = default_sectors().allowed


@dataclass(frozen=True)
class Column:
    """One canonical column of a dataset.

    Attributes
    ----------
    name
        The canonical name.
    aliases
        Other names recognised case-insensitively (spaces ignored).
    required
        A file without the column is an error.
    kind
        How values are read (see the module docstring).
    vocabulary
        For ``choice``: the key of :data:`VOCABULARIES`.
    allowed
        What is allowed, as messages quote it.
    low, high
        For ``number`` and ``count``: the lowest and highest values allowed.
    choices
        For ``number``: the values allowed (``"standard"``: the standard's LEC table).
    default
        For ``choice``: the key where the cell is empty or the column missing.
    target
        The column's name once read, when it differs (``county_code`` of an enterprise
        file is the county it *declares*, checked against its location).
    placeholder_means_none
        For ``date``: ``9999-12-31`` means "no date" (a deadline not set) instead of
        being out of range.
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"
    vocabulary: str | None = None
    allowed: str | None = None
    low: float | None = None
    high: float | None = None
    choices: tuple[float, ...] | str | None = None
    default: Any = None
    target: str | None = None
    placeholder_means_none: bool = False

    @property
    def out(self) -> str:
        """The name of the column once read."""
        return self.target or self.name


@dataclass(frozen=True)
class Dataset:
    """One of the five datasets of a workspace.

    Attributes
    ----------
    name
        ``counties``, ``enterprises``, ``roads``, ``accidents`` or ``hazards``.
    id
        The column that identifies a row.
    columns
        Canonical columns, in the order they are read and reported.
    geometry
        The geometry types allowed, and how messages name them.
    points
        Rows are points (a geometry column or ``lon``/``lat``).
    needs_geometry
        A file without geometries is an error (counties and roads).
    """

    name: str
    id: str
    columns: tuple[Column, ...]
    geometry: tuple[frozenset[str], str]
    points: bool = False
    needs_geometry: bool = False

    def column(self, name: str) -> Column:
        """The column ``name``."""
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def aliases(self) -> dict[str, tuple[str, ...]]:
        return {c.name: c.aliases for c in self.columns}


_LON = Column("lon", ("经度", "longitude", "lng"), kind="lonlat")
_LAT = Column("lat", ("纬度", "latitude"), kind="lonlat")
_LONLAT = Column("lonlat", ("经纬度", "lnglat", "lng_lat", "lonlat", "坐标"), kind="lonlat_pair", allowed="113.30,40.10")
_CITY_ALIASES = ("所属地市", "地市", "市", "所属城市")
CREDIT_ALIASES = ("统一社会信用代码", "社会信用代码", "信用代码", "uscc")
"""Column names of a credit code (an ``enterprise_id`` read from one is checked as one)."""
_ENTERPRISE_NAME = Column("enterprise_name", ("企业名称", "单位名称", "企业"), kind="text")
_POLYGONS = (frozenset({"Polygon", "MultiPolygon"}), "Polygon / MultiPolygon")
_LINES = (frozenset({"LineString", "MultiLineString"}), "LineString / MultiLineString")
_POINTS = (frozenset({"Point"}), "Point")


def _count(name: str, kind: str = "number") -> dict:
    """A count from 0 to its :data:`MAX_COUNT`."""
    return {"kind": kind, "low": 0, "high": MAX_COUNT[name], "allowed": f"0–{MAX_COUNT[name]:,}"}


DATASETS: dict[str, Dataset] = {
    "counties": Dataset("counties", "county_code", (
        Column("county_code", ("区划代码", "行政区划代码", "adcode", "code"), required=True, kind="id"),
        Column("county_name", ("名称", "区县", "县区", "name"), required=True, kind="name"),
        Column("city", _CITY_ALIASES),
        Column("population", ("人口",), **_count("population")),
    ), _POLYGONS, needs_geometry=True),
    "enterprises": Dataset("enterprises", "enterprise_id", (
        Column("enterprise_id", ("企业编号", "统一社会信用代码", "id"), required=True, kind="id"),
        Column("credit_code", CREDIT_ALIASES, kind="credit_code"),
        Column("name", ("企业名称", "单位名称"), required=True, kind="name"),
        Column("sector", ("行业", "行业领域", "行业类别"), required=True, kind="choice", vocabulary="sector",
               allowed=_SECTORS_WITH_LABELS),
        _LON, _LAT, _LONLAT,
        Column("lec_l", ("l",), kind="number", choices="standard"),
        Column("lec_e", ("e",), kind="number", choices="standard"),
        Column("lec_c", ("c",), kind="number", choices="standard"),
        Column("likelihood", ("可能性",), kind="number", choices="standard", allowed="1, 2, 3, 4, 5 ([enterprise.matrix] scale)"),
        Column("severity", ("严重性", "严重程度"), kind="number", choices="standard",
               allowed="1, 2, 3, 4, 5 ([enterprise.matrix] scale)"),
        Column("major_hazard_level", ("重大危险源等级",), kind="choice", vocabulary="major_hazard_level",
               allowed="1, 2, 3, 4, 一级, 二级, 三级, 四级"),
        Column("employees", ("从业人员", "职工人数"), **_count("employees")),
        Column("address", ("地址",)),
        Column("county_code", ("区划代码", "行政区划代码", "adcode"), target="declared_county"),
        Column("county_name", ("所属区县", "区县", "县区", "所在区县", "区县名称"), target="declared_county_name"),
        Column("city", _CITY_ALIASES, target="declared_city"),
        Column("valid_from", ("生效日期", "有效起始日期", "起始日期"), kind="date",
               allowed="a date: the row's attributes hold from it (several rows per enterprise_id: dated snapshots)"),
    ), _POINTS, points=True),
    "roads": Dataset("roads", "segment_id", (
        Column("segment_id", ("路段编号",), required=True, kind="id"),
        Column("road_name", ("道路名称",)),
        Column("road_class", ("道路等级",)),
        Column("accidents", ("事故起数",), **_count("accidents")),
        Column("deaths", ("死亡人数",), **_count("deaths")),
        Column("injuries", ("受伤人数",), **_count("injuries")),
    ), _LINES, needs_geometry=True),
    "accidents": Dataset("accidents", "accident_id", (
        Column("accident_id", ("事故编号",), required=True, kind="id"),
        Column("date", ("发生时间", "日期", "事故时间"), required=True, kind="date"),
        _LON, _LAT, _LONLAT,
        Column("deaths", ("死亡人数",), **_count("deaths", "count")),
        Column("injuries", ("受伤人数",), **_count("injuries", "count")),
        Column("kind", ("类型", "事故类型"), kind="choice", vocabulary="accident_kind",
               allowed="traffic, production (交通事故, 生产安全事故)", default="traffic"),
        Column("enterprise_id", ("企业编号", "统一社会信用代码"), kind="code"),
        _ENTERPRISE_NAME,
        Column("sector", ("行业", "行业领域"), kind="choice", vocabulary="sector", allowed=_SECTORS_WITH_LABELS),
    ), _POINTS, points=True),
    "hazards": Dataset("hazards", "hazard_id", (
        Column("hazard_id", ("隐患编号",), required=True, kind="id"),
        Column("enterprise_id", ("企业编号", "统一社会信用代码"), kind="code"),
        _ENTERPRISE_NAME,
        Column("level", ("隐患等级",), required=True, kind="choice", vocabulary="hazard_level",
               allowed="general, major (一般, 重大)"),
        Column("status", ("状态", "整改状态"), required=True, kind="choice", vocabulary="hazard_status",
               allowed="open, rectifying, closed (未整改, 整改中, 已销号/已整改)"),
        Column("found_date", ("排查日期", "发现日期"), required=True, kind="date"),
        Column("deadline", ("整改期限",), kind="date", placeholder_means_none=True),
        Column("closed_date", ("销号日期",), kind="date"),
        Column("supervision", ("挂牌督办", "督办级别"), kind="choice", vocabulary="supervision",
               allowed="none, county, city, province (无, 县级, 市级, 省级)", default="none"),
        Column("description", ("隐患描述",)),
        Column("sector", ("行业", "行业领域"), kind="choice", vocabulary="sector", allowed=_SECTORS_WITH_LABELS),
        _LON, _LAT, _LONLAT,
    ), _POINTS, points=True),
}
"""The five datasets (DESIGN §4), by name."""

NAMES: tuple[str, ...] = tuple(DATASETS)
POINT_DATASETS: tuple[str, ...] = tuple(name for name, d in DATASETS.items() if d.points)
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {name: d.aliases for name, d in DATASETS.items()}
REQUIRED: dict[str, tuple[str, ...]] = {name: d.required for name, d in DATASETS.items()}
ID_COLUMN: dict[str, str] = {name: d.id for name, d in DATASETS.items()}

BASEMAPS: tuple[str, ...] = ("none", "osm", "carto-light", "tianditu", "gaode")
"""Named basemaps of ``[workspace] basemap`` (or an XYZ URL template)."""

# File names an upload without riskmap.toml is recognised by (lower case).
UPLOAD_NAMES: dict[str, tuple[str, ...]] = {
    "counties": ("counties", "county", "区县", "县区", "行政区"),
    "enterprises": ("enterprises", "enterprise", "企业", "单位"),
    "roads": ("roads", "road", "道路", "路段"),
    "accidents": ("accidents", "accident", "事故"),
    "hazards": ("hazards", "hazard", "隐患"),
}


def markdown() -> str:
    """The tables of ``docs/schema.md``: every dataset's columns, then the vocabularies."""
    lines = ["# Workspace columns and values", "",
             "Written from `riskmap/schema.py` (`.venv/bin/python -m riskmap.schema > docs/schema.md`); "
             "a test keeps the two the same.", ""]
    for dataset in DATASETS.values():
        lines += [f"## {dataset.name}", "", "| column | 中文 | aliases | required | kind | allowed |", "|---|---|---|---|---|---|"]
        for c in dataset.columns:
            zh = COLUMN_LABELS.get(c.name, ("", ""))[0]
            kind = f"{c.kind} ({c.vocabulary})" if c.vocabulary else c.kind
            required = "yes" if c.required else ("unless the file has geometry, a lonlat column or (enterprises) a county"
                                                 if c.kind == "lonlat" and dataset.name != "hazards" else "")
            lines.append(f"| `{c.name}` | {zh} | {', '.join(c.aliases)} | {required} | {kind} | {c.allowed or ''} |")
        lines.append("")
    lines += ["## Vocabularies", "", "| vocabulary | key | spellings |", "|---|---|---|"]
    for name, table in VOCABULARIES.items():
        by_key: dict[Any, list[str]] = {}
        for spelling, key in table.items():
            by_key.setdefault(key, []).append(spelling)
        for key, spellings in by_key.items():
            lines.append(f"| {name} | `{key}` | {', '.join(s for s in spellings if str(s) != str(key))} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
