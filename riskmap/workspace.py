"""Reading and validating a workspace (DESIGN §4 and §5).

A workspace is a folder with ``riskmap.toml`` and data files.  :func:`load_workspace`
reads every dataset it declares, maps the columns to their canonical names, parses
values given in Chinese or English, converts coordinates to WGS-84 and collects every
problem with its file, row, column, value and what is allowed.  Errors are raised
together at the end (so ``riskmap validate`` reports them all); warnings travel with
the returned :class:`Workspace`.
"""

from __future__ import annotations

import difflib
import codecs
import csv
import io
import re
import tomllib
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyproj
import shapely

from riskmap import coords, dates, formats
from riskmap.assessment import WorkspaceInfo
from riskmap.errors import InputError, Problem, ProblemLog, WorkspaceError
from riskmap.i18n import DATASET_LABELS, SECTOR_LABELS, column_label, label, message
from riskmap.layers import workspace_layer_problems
from riskmap.sanitize import check_tile_url, xml_text
from riskmap.settings import settings
from riskmap.standard import BUILTIN as BUILTIN_STANDARDS
from riskmap.standard import load_standard

DATASETS = ("counties", "enterprises", "roads", "accidents", "hazards")
BASEMAPS = ("none", "osm", "carto-light", "tianditu", "gaode")

# Canonical columns and the aliases recognised case-insensitively (DESIGN §4).
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "counties": {
        "county_code": ("区划代码", "行政区划代码", "adcode", "code"),
        "county_name": ("名称", "区县", "县区", "name"),
        "population": ("人口",),
    },
    "enterprises": {
        "enterprise_id": ("企业编号", "统一社会信用代码", "id"),
        "name": ("企业名称", "单位名称"),
        "sector": ("行业", "行业领域", "行业类别"),
        "lon": ("经度", "longitude", "lng"),
        "lat": ("纬度", "latitude"),
        "lec_l": ("l",),
        "lec_e": ("e",),
        "lec_c": ("c",),
        "likelihood": ("可能性",),
        "severity": ("严重性", "严重程度"),
        "major_hazard_level": ("重大危险源等级",),
        "employees": ("从业人员", "职工人数"),
        "address": ("地址",),
        "county_code": ("区划代码", "行政区划代码", "adcode"),
    },
    "roads": {
        "segment_id": ("路段编号",),
        "road_name": ("道路名称",),
        "road_class": ("道路等级",),
        "accidents": ("事故起数",),
        "deaths": ("死亡人数",),
        "injuries": ("受伤人数",),
    },
    "accidents": {
        "accident_id": ("事故编号",),
        "date": ("发生时间", "日期", "事故时间"),
        "lon": ("经度", "longitude", "lng"),
        "lat": ("纬度", "latitude"),
        "deaths": ("死亡人数",),
        "injuries": ("受伤人数",),
        "kind": ("类型", "事故类型"),
        "enterprise_id": ("企业编号", "统一社会信用代码"),
        "sector": ("行业", "行业领域"),
    },
    "hazards": {
        "hazard_id": ("隐患编号",),
        "enterprise_id": ("企业编号", "统一社会信用代码"),
        "level": ("隐患等级",),
        "status": ("状态", "整改状态"),
        "found_date": ("排查日期", "发现日期"),
        "deadline": ("整改期限",),
        "closed_date": ("销号日期",),
        "supervision": ("挂牌督办", "督办级别"),
        "description": ("隐患描述",),
        "lon": ("经度", "longitude", "lng"),
        "lat": ("纬度", "latitude"),
    },
}

REQUIRED = {
    "counties": ("county_code", "county_name"),
    "enterprises": ("enterprise_id", "name", "sector"),
    "roads": ("segment_id",),
    "accidents": ("accident_id", "date"),
    "hazards": ("hazard_id", "level", "status", "found_date"),
}
ID_COLUMN = {
    "counties": "county_code",
    "enterprises": "enterprise_id",
    "roads": "segment_id",
    "accidents": "accident_id",
    "hazards": "hazard_id",
}
POINT_DATASETS = ("enterprises", "accidents", "hazards")

# Vocabularies: every spelling a user may give → the key used in code.
SECTOR_VALUES = {key: key for key in SECTOR_LABELS} | {zh: key for key, (zh, _en) in SECTOR_LABELS.items()} | {
    "危化品": "hazardous_chemicals", "危险化学品企业": "hazardous_chemicals", "矿山": "non_coal_mine",
    "消防重点单位": "fire", "建筑": "construction", "建筑业": "construction", "城镇燃气": "urban_facilities",
    "城市建设和建筑工地": "construction", "工贸行业": "industry_trade", "交通运输": "road_transport",
}
LEVEL_VALUES = {"general": "general", "major": "major", "一般": "general", "重大": "major",
                "一般隐患": "general", "重大隐患": "major", "一般事故隐患": "general", "重大事故隐患": "major"}
STATUS_VALUES = {"open": "open", "rectifying": "rectifying", "closed": "closed",
                 "未整改": "open", "待整改": "open", "整改中": "rectifying", "已销号": "closed",
                 "已整改": "closed", "已关闭": "closed", "in progress": "rectifying"}
SUPERVISION_VALUES = {"none": "none", "county": "county", "city": "city", "province": "province",
                      "无": "none", "否": "none", "未挂牌": "none", "县级": "county", "区级": "county",
                      "县区级": "county", "市级": "city", "省级": "province"}
KIND_VALUES = {"traffic": "traffic", "production": "production", "交通": "traffic", "交通事故": "traffic",
               "道路交通事故": "traffic", "生产": "production", "生产安全事故": "production", "生产事故": "production"}
MHI_LEVEL_VALUES = {"1": 1, "2": 2, "3": 3, "4": 4, "一级": 1, "二级": 2, "三级": 3, "四级": 4,
                    "1级": 1, "2级": 2, "3级": 3, "4级": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4}
# Upper bounds of counts: beyond them a value is a typing slip or an attack, not data
# (a road segment's accidents over its years, a county's people).
MAX_COUNT = {"accidents": 1_000_000, "deaths": 100_000, "injuries": 1_000_000, "employees": 10_000_000,
             "population": 2_000_000_000}
EMPTY = {"", "nan", "none", "null", "nat", "<na>", "-", "—", "无数据"}


@dataclass
class Workspace:
    """A read and validated workspace.

    Attributes
    ----------
    info
        The ``[workspace]`` settings.
    datasets
        Canonical GeoDataFrames in WGS-84, keyed by dataset name; each keeps the source
        row number in ``_row``: for CSV/XLSX as a spreadsheet shows it (the header is
        row 1, blank lines count), else the 1-based feature number.
    files
        The file name of each dataset, for messages.
    problems
        Warnings (and repairs).  Errors are raised, not kept.
    standard_spec
        The ``standard`` value (``default`` or a path inside the workspace).
    standard
        The grading standard, loaded and checked with the workspace (None only when
        the workspace has errors, which are raised).
    extra
        Further ``[datasets.X]`` tables (for extra map layers such as schools): name →
        GeoDataFrame in WGS-84 with the file's own columns.
    """

    info: WorkspaceInfo
    datasets: dict[str, gpd.GeoDataFrame]
    files: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    standard_spec: str = "default"
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    standard: Any = None


# ---------------------------------------------------------------------------
# riskmap.toml
# ---------------------------------------------------------------------------

def _resolve_inside(root: Path, relative: str, *, key: str, lang: str = "zh") -> Path:
    """Resolve a path of riskmap.toml, refusing one that leaves the workspace."""
    candidate = (root / relative).resolve()
    inside = root.resolve()
    if Path(relative).is_absolute() or (inside != candidate and inside not in candidate.parents):
        raise WorkspaceError(
            f"riskmap.toml: {key} path '{relative}' leaves the workspace",
            [Problem("error", "riskmap.toml", message("ws_path_outside", lang, setting=_setting(key), value=relative),
                     column=key, value=relative)],
        )
    return candidate


def _setting(key: str) -> str:
    """``datasets.roads.path`` → ``[datasets.roads] path``, as riskmap.toml shows it."""
    section, _, leaf = key.rpartition(".")
    return f"[{section}] {leaf}" if section else key


def _both(key: str, **fmt) -> str:
    """A message in both languages, for problems found before the language is known."""
    return f"{message(key, 'zh', **fmt)} / {message(key, 'en', **fmt)}"


def _sniff_language(text: str) -> str:
    """The workspace language of a riskmap.toml that cannot be parsed (zh unless it says en)."""
    return "en" if re.search(r"""^\s*language\s*=\s*["']en["']""", text, re.MULTILINE) else "zh"


def read_config(root: str | Path) -> tuple[dict, Path]:
    """Read ``riskmap.toml`` of a workspace folder.

    Raises
    ------
    WorkspaceError
        The folder or the file is missing, or the file is not TOML.
    """
    root = Path(root)
    if not root.is_dir():
        raise WorkspaceError(f"workspace folder '{root}' does not exist",
                             [Problem("error", str(root), _both("ws_no_folder", value=root))])
    toml_path = root / "riskmap.toml"
    if not toml_path.is_file():
        raise WorkspaceError(f"{root}: no riskmap.toml",
                             [Problem("error", "riskmap.toml", _both("ws_no_toml", value=root))])
    try:
        text = toml_path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkspaceError("riskmap.toml is not UTF-8",
                             [Problem("error", "riskmap.toml", _both("ws_toml_not_utf8"))]) from None
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        lang = _sniff_language(text)
        where = re.search(r"at line (\d+)", str(exc))  # Python < 3.14 has no exc.lineno
        line = getattr(exc, "lineno", None) or (int(where.group(1)) if where else None)
        raise WorkspaceError(f"riskmap.toml is not valid TOML: {exc}",
                             [Problem("error", "riskmap.toml", message("ws_toml_invalid", lang, value=exc),
                                      row=line, unit="line")]) from None
    return config, root


def _parse_info(config: dict, root: Path, log: ProblemLog) -> WorkspaceInfo:
    table = config.get("workspace", {})
    if not isinstance(table, dict):
        table = {}
        log.error("riskmap.toml", _both("ws_not_table", setting="workspace"), column="workspace")
    language = str(table.get("language", "zh"))
    if language not in ("zh", "en"):
        log.error("riskmap.toml", _both("ws_bad_language", value=language), column="language", value=language)
        language = "zh"
    raw_as_of = table.get("as_of")
    as_of: date
    if raw_as_of is None:
        as_of = date.today()
        log.warning("riskmap.toml", message("ws_no_as_of", language, value=as_of.isoformat()), column="as_of")
    elif isinstance(raw_as_of, datetime):
        as_of = raw_as_of.date()
    elif isinstance(raw_as_of, date):
        as_of = raw_as_of
    else:
        parsed = dates.to_date(raw_as_of)
        if parsed is None:
            log.error("riskmap.toml", message("bad_date", language, col="as_of", value=raw_as_of), column="as_of", value=str(raw_as_of))
            as_of = date.today()
        else:
            as_of = parsed
    if not dates.YEAR_MIN <= as_of.year <= dates.YEAR_MAX:
        log.error("riskmap.toml", message("date_out_of_range", language, col="as_of", value=as_of.isoformat()),
                  column="as_of", value=as_of.isoformat())
        as_of = date.today()
    basemap = str(table.get("basemap", "none"))
    if basemap not in BASEMAPS and (problem := check_tile_url(basemap, lang=language)) is not None:
        log.error("riskmap.toml", message("ws_bad_basemap", language, value=basemap, allowed=", ".join(BASEMAPS),
                                          reason=problem), column="basemap", value=basemap)
        basemap = "none"
    return WorkspaceInfo(
        path=root,
        title=xml_text(table.get("title", "安全风险空间分布图" if language == "zh" else "Safety risk map")),
        region=xml_text(table.get("region", root.name)),
        as_of=as_of,
        language=language,
        standard=str(table.get("standard", "default")),
        basemap=basemap,
        demo=bool(table.get("demo", False)),
        source=xml_text(table.get("source", "")),
    )


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

FORMATS = ".csv, .tsv, .txt (UTF-8 / GBK), .xlsx, .xlsm, .geojson, .json, .gpkg, .shp, .zip (Shapefile), .parquet (GeoParquet), .fgb"
FORMAT_NAMES = {".csv": "CSV", ".tsv": "TSV", ".txt": "CSV", ".xlsx": "Excel (XLSX)", ".xlsm": "Excel (XLSM)", ".xls": "Excel (XLS)",
                ".parquet": "(Geo)Parquet", ".geoparquet": "GeoParquet", ".zip": "zipped Shapefile", ".geojson": "GeoJSON",
                ".json": "GeoJSON", ".gpkg": "GeoPackage", ".shp": "Shapefile", ".fgb": "FlatGeobuf"}


def decode_text(raw: bytes, file: str, lang: str = "zh") -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK).

    A NUL byte never occurs in either but in every UTF-16 file, so it rules them out.
    Returns the text and the encoding that read it.
    """
    if b"\x00" not in raw:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    raise InputError(f"{file}: not UTF-8 or GBK/GB18030 text", [Problem("error", file, message("ws_not_text", lang))])


def _read_csv(raw: bytes, file: str, *, sep: str, lang: str) -> pd.DataFrame:
    """Read CSV bytes as text columns (UTF-8, UTF-8 with BOM, GBK/GB18030).

    Everything is read as text: numbers stored as text and codes with leading zeros
    are then parsed per column with one rule.  Blank lines are kept (and dropped
    later) so that row numbers match what a spreadsheet shows.  pyarrow's reader is
    6× faster than pandas' on a province's 200,000 enterprises; pandas' reader takes
    over for what pyarrow refuses (ragged or blank lines, repeated headers).
    """
    text, encoding = decode_text(raw, file, lang)
    try:
        # pyarrow reads UTF-8 only: GBK/GB18030 text is encoded again.
        if encoding == "utf-8-sig":
            utf8 = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
        else:
            utf8 = text.encode("utf-8")
        first_line = utf8.split(b"\n", 1)[0].decode("utf-8")
        header = next(csv.reader([first_line], delimiter=sep))
        if len(set(header)) != len(header) or not header:
            raise ValueError("repeated or missing column names")
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        return table.to_pandas()
    except (pa.ArrowInvalid, ValueError, StopIteration, UnicodeDecodeError):
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, sep=sep)


def _read_vector(source: str, layer: Any, *, has_cpg: bool = True) -> gpd.GeoDataFrame:
    """Read a vector file; a Shapefile without .cpg is tried as UTF-8, then GBK/GB18030."""
    kwargs = {"layer": layer} if layer is not None else {}
    if has_cpg:
        return gpd.read_file(source, engine="pyogrio", **kwargs)
    try:
        return gpd.read_file(source, engine="pyogrio", encoding="utf-8", **kwargs)
    except UnicodeDecodeError:
        return gpd.read_file(source, engine="pyogrio", encoding="gb18030", **kwargs)


def read_table(path: Path, file: str, spec: dict | None = None, lang: str = "zh") -> tuple[pd.DataFrame | gpd.GeoDataFrame, str]:
    """Read one data file.  Returns the frame and the unit of its rows.

    The unit is ``row`` for CSV and XLSX (numbered as a spreadsheet shows them: the
    header is row 1), ``feature`` for vector files and ``record`` for a plain Parquet
    table (both numbered from 1).

    ``spec`` may name a ``sheet`` (XLSX) or a ``layer`` (GeoPackage, zip holding
    several Shapefiles).
    """
    spec = spec or {}
    suffix = path.suffix.lower()
    layer = spec.get("layer")
    try:
        formats.verify_file(path)
    except formats.FormatRefused as exc:
        raise InputError(f"{file}: {exc.text('en')}",
                         [Problem("error", file, message("ws_refused_file", lang, reason=exc.text(lang)))]) from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{file}: cannot be read ({type(exc).__name__})",
                         [Problem("error", file, message("ws_unreadable", lang, value=type(exc).__name__,
                                                         fmt=FORMAT_NAMES.get(suffix, suffix)))]) from None
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            return _read_csv(path.read_bytes(), file, sep="\t" if suffix == ".tsv" else ",", lang=lang), "row"
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, sheet_name=spec.get("sheet", 0), dtype=object,
                                  engine="openpyxl" if suffix != ".xls" else None)
            return frame, "row"
        if suffix in (".parquet", ".geoparquet"):
            # No header line: features / records count from 1.
            try:
                return gpd.read_parquet(path), "feature"
            except ValueError:  # a plain Parquet table (lon/lat columns, no geo metadata)
                return pd.read_parquet(path), "record"
        if suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
            shapefiles = [n for n in names if n.lower().endswith(".shp")]
            if not shapefiles:
                raise InputError(f"{file}: no .shp inside", [Problem("error", file, message("ws_zip_no_shp", lang))])
            chosen = next((n for n in shapefiles if layer is not None and Path(n).stem == str(layer)), shapefiles[0])
            with zipfile.ZipFile(path) as archive, archive.open(chosen) as member:
                formats.verify_bytes(member.read(128), ".shp")
            has_cpg = any(n.lower() == chosen[:-4].lower() + ".cpg" for n in names)
            return _read_vector(f"/vsizip/{path}/{chosen}", None, has_cpg=has_cpg), "feature"
        if suffix == ".shp":
            has_cpg = path.with_suffix(".cpg").is_file() or path.with_suffix(".CPG").is_file()
            return _read_vector(str(path), None, has_cpg=has_cpg), "feature"
        if suffix in (".geojson", ".json", ".gpkg", ".fgb"):
            return _read_vector(formats.gdal_source(path), layer), "feature"
    except InputError:
        raise
    except formats.FormatRefused as exc:
        raise InputError(f"{file}: {exc.text('en')}",
                         [Problem("error", file, message("ws_refused_file", lang, reason=exc.text(lang)))]) from None
    except Exception as exc:  # the readers raise many types; the user needs the file and the cause
        raise InputError(f"{file}: cannot be read ({type(exc).__name__}: {exc})",
                         [Problem("error", file, message("ws_unreadable", lang, value=f"{type(exc).__name__}: {exc}",
                                                         fmt=FORMAT_NAMES.get(suffix, suffix)))]) from None
    raise InputError(f"{file}: unknown format '{suffix}'",
                     [Problem("error", file, message("ws_unknown_format", lang, value=suffix or path.name, allowed=FORMATS),
                              value=suffix or path.name)])


def _drop_blank_rows(frame: pd.DataFrame, rows: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Drop rows with no value at all (blank spreadsheet lines), keeping the row numbers."""
    if not len(frame):
        return frame, rows
    values = frame.drop(columns=[c for c in frame.columns if c == "geometry"])
    if values.shape[1] == 0:
        return frame, rows
    blank = np.ones(len(frame), dtype=bool)
    for column in values.columns:
        series = values[column]
        blank &= (series.isna() | (series.astype(object) == "")).to_numpy()
        if not blank.any():
            return frame, rows
    keep = pd.Series(~blank, index=frame.index)
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        keep |= frame.geometry.notna().to_numpy()
    if keep.all():
        return frame, rows
    return frame[keep].reset_index(drop=True), rows[keep].reset_index(drop=True)


def _normalise_name(name: Any) -> str:
    return re.sub(r"\s+", "", str(name)).strip().lower()


def _map_columns(frame: pd.DataFrame, dataset: str, mapping: dict[str, str], file: str,
                 lang: str, log: ProblemLog) -> pd.DataFrame:
    """Rename the file's columns to canonical names (explicit mapping first, then aliases)."""
    aliases = ALIASES[dataset]
    present = {_normalise_name(c): c for c in frame.columns if c != "geometry"}
    rename: dict[Any, str] = {}
    for canonical, source in mapping.items():
        if canonical not in aliases:
            log.warning("riskmap.toml", message("ws_unknown_mapping", lang, value=canonical, dataset=f"[datasets.{dataset}]",
                                                allowed=", ".join(aliases)),
                        column=f"datasets.{dataset}.columns", value=str(canonical))
            continue
        key = _normalise_name(source)
        if key not in present:
            log.error(file, message("mapped_column_missing", lang, col=column_label(canonical, lang, both=True), value=source,
                                    present=", ".join(map(str, present.values()))), column=canonical, value=str(source))
            continue
        rename[present.pop(key)] = canonical
    taken = set(rename.values())
    for canonical, names in aliases.items():
        if canonical in taken:
            continue
        for candidate in (canonical, *names):
            key = _normalise_name(candidate)
            if key in present:
                rename[present.pop(key)] = canonical
                taken.add(canonical)
                break
    # A column left unmapped must not shadow a canonical name another column took
    # (a file with both "name" and a mapped "企业全称", say).
    for column in frame.columns:
        if column != "geometry" and column not in rename and column in taken:
            rename[column] = f"{column} (unused)"
    return frame.rename(columns=rename)


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

CONTROL_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def _one_text(value: Any) -> str | None:
    """One cell as stripped text, None when empty (140212.0 → '140212')."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = re.sub(CONTROL_CHARACTERS, "", str(value)).strip()
    return None if text.lower() in EMPTY else text


def _text(series: pd.Series) -> pd.Series:
    """Values as stripped text with empties as None (numbers like 140212.0 lose .0).

    Vectorised by dtype (a province has hundreds of thousands of rows): text columns
    with pandas string methods, float columns with numpy, anything else once per
    distinct value.  The result is an object Series so that empties stay None
    (pandas 3 would infer a string dtype with NaN).
    """
    index = series.index
    if len(series) == 0:
        return pd.Series([], index=index, dtype=object)
    dtype = series.dtype
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        out = np.full(len(values), None, dtype=object)
        present = ~np.isnan(values)
        with np.errstate(invalid="ignore"):  # inf % 1 is NaN, and not integral
            integral = present & np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 2 ** 53)
        out[integral] = values[integral].astype(np.int64).astype(str)
        rest = present & ~integral
        out[rest] = values[rest].astype(str)
        return pd.Series(out, index=index, dtype=object)
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
        return pd.Series(series.astype(str).to_numpy(dtype=object), index=index, dtype=object)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):
        # pandas' own string dtype (CSV columns) strips in pyarrow; plain objects in Python.
        stripped = (series if isinstance(dtype, pd.StringDtype) else series.astype(object)).str.strip()
        if kind == "string" and stripped.str.contains(CONTROL_CHARACTERS, regex=True, na=False).any():
            # Invisible control characters (a vertical tab pasted from another program)
            # mean nothing in a ledger and are not allowed in XML (DOCX, SVG): removed.
            stripped = stripped.str.replace(CONTROL_CHARACTERS, "", regex=True)
        empty = stripped.isna() | stripped.str.lower().isin(EMPTY)
        return pd.Series(np.where(empty.to_numpy(), None, stripped.to_numpy(dtype=object)), index=index, dtype=object)
    if "mixed" in kind or "bool" in kind:  # 1 == 1.0 == True would share one distinct value
        return pd.Series([_one_text(v) for v in series.to_numpy(dtype=object)], index=index, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array([_one_text(v) for v in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=index, dtype=object)  # code -1 picks the trailing None


def _integer_text(value: str) -> str | None:
    """'3.0' → '3' (a level written by a program that stores every number as a float)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return str(int(number)) if np.isfinite(number) and number.is_integer() else None


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def _parse_numbers(raw: pd.Series) -> pd.Series:
    """Numbers from text cells: also full-width digits (１１３．０５) and 1,200-style grouping."""
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    retry = raw.notna() & values.isna()
    if retry.any():
        def fix(text: str) -> str:
            text = unicodedata.normalize("NFKC", str(text)).replace("，", ",").strip()
            return text.replace(",", "") if _GROUPED.fullmatch(text) else text
        values[retry] = pd.to_numeric(raw[retry].map(fix), errors="coerce").astype(float)
    return values


def _numbers(series: pd.Series) -> pd.Series:
    return _parse_numbers(_text(series))


class _Checker:
    """Collects problems of one dataset's values, a bounded number per column."""

    def __init__(self, dataset: str, file: str, unit: str, rows: pd.Series, lang: str, log: ProblemLog):
        self.dataset, self.file, self.unit, self.rows, self.lang, self.log = dataset, file, unit, rows, lang, log
        self._texts: dict[str, pd.Series] = {}

    def text(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """The column as text (see :func:`_text`), computed once per column."""
        if column not in self._texts:
            self._texts[column] = (_text(frame[column]) if column in frame
                                   else pd.Series([None] * len(frame), index=frame.index, dtype=object))
        return self._texts[column]

    def col(self, column: str) -> str:
        return column_label(column, self.lang, both=True)

    def report(self, severity: str, column: str, mask: pd.Series, make_message, values: pd.Series | None = None) -> None:
        """Log one problem per row where ``mask`` holds (at most a bounded number).

        ``make_message(value)`` gets the offending value as text (or None); it may
        instead be a Series of ready messages by row label.
        """
        mask = pd.Series(np.asarray(mask, dtype=bool), index=self.rows.index) if not isinstance(mask, pd.Series) else mask.astype(bool)
        index = mask[mask].index
        limit = settings.max_problems_per_column
        for position, row_label in enumerate(index):
            if position == limit:
                getattr(self.log, severity)(self.file, message("more_rows", self.lang, n=len(index) - limit), column=column)
                break
            value = None if values is None else values.get(row_label)
            value_text = None if value is None else str(value)
            text = make_message[row_label] if isinstance(make_message, pd.Series) else make_message(value_text)
            getattr(self.log, severity)(self.file, text, row=int(self.rows[row_label]), column=column,
                                        value=value_text, unit=self.unit)

    def numbers(self, frame: pd.DataFrame, column: str, *, allowed: str | None = None, low=None, high=None,
                choices: tuple[float, ...] | None = None) -> pd.Series:
        raw = self.text(frame, column)
        if pd.api.types.is_numeric_dtype(frame[column].dtype) and not pd.api.types.is_bool_dtype(frame[column].dtype):
            values = frame[column].astype(float)
        else:
            values = _parse_numbers(raw)
        bad = raw.notna() & values.isna()
        self.report("error", column, bad, lambda v: message("bad_number", self.lang, col=self.col(column), value=v), raw)
        infinite = values.notna() & ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():  # inf, -inf, 1e999: never a count, a factor or a coordinate
            self.report("error", column, infinite, lambda v: message("not_finite", self.lang, col=self.col(column), value=v),
                        raw.where(raw.notna(), values.astype(str)))
            values = values.where(~infinite)
        if choices is not None:
            allowed_values = np.asarray(choices, dtype=float)
            known = np.isclose(values.to_numpy(float)[:, None], allowed_values[None, :], rtol=1e-9, atol=1e-12).any(axis=1) \
                if len(allowed_values) else np.zeros(len(values), dtype=bool)
            wrong = values.notna() & ~pd.Series(known, index=values.index)
            text = allowed or ", ".join(f"{c:g}" for c in choices)
            self.report("error", column, wrong, lambda v: message("out_of_range", self.lang, col=self.col(column), value=v,
                                                                  allowed=text), raw)
        elif low is not None or high is not None:
            wrong = values.notna() & ((values < (low if low is not None else -np.inf)) | (values > (high if high is not None else np.inf)))
            self.report("error", column, wrong, lambda v: message("out_of_range", self.lang, col=self.col(column), value=v,
                                                                  allowed=allowed or f"{low}–{high}"), raw)
        return values

    def choice(self, frame: pd.DataFrame, column: str, vocabulary: dict[str, Any], allowed: str, *,
               default: Any = None, required: bool = False) -> pd.Series:
        raw = self.text(frame, column)
        lookup = {str(k).lower(): v for k, v in vocabulary.items()}

        def find(value: str | None):
            if not isinstance(value, str):
                return None
            for key in (value.lower(), value.replace(" ", "").lower(), _integer_text(value)):
                if key is not None and key in lookup:
                    return lookup[key]
            return None

        codes, uniques = pd.factorize(raw, use_na_sentinel=True)  # look each distinct spelling up once
        found = np.array([find(v) for v in uniques] + [None], dtype=object)
        values = pd.Series(found[codes], index=raw.index, dtype=object)
        unknown = raw.notna() & values.isna()
        self.report("error", column, unknown, lambda v: message("bad_choice", self.lang, col=self.col(column), value=v, allowed=allowed), raw)
        if required:
            self.report("error", column, raw.isna(), lambda v: message("empty_required", self.lang, col=self.col(column)))
        return values.where(values.notna(), default).astype(object)

    def dates(self, frame: pd.DataFrame, column: str, *, required: bool = False,
              placeholder_means_none: bool = False) -> pd.Series:
        """Dates of a column (:func:`riskmap.dates.parse_dates`), each problem reported.

        ``placeholder_means_none``: ``9999-12-31`` is "no date" (a deadline not set);
        elsewhere it is out of range.
        """
        if column not in frame:
            return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        parsed = dates.parse_dates(frame[column])
        raw = self.text(frame, column)
        present = raw.notna()
        problem = parsed.problem.where(~parsed.placeholder, None if placeholder_means_none else "out_of_range")
        for code, key in (("unreadable", "bad_date"), ("impossible", "date_impossible"), ("ambiguous", "date_ambiguous"),
                          ("two_digit_year", "date_two_digit_year"),
                          ("out_of_range", "deadline_out_of_range" if placeholder_means_none else "date_out_of_range")):
            self.report("error", column, present & (problem == code),
                        lambda v, key=key: message(key, self.lang, col=self.col(column), value=v), raw)
        if required:
            self.report("error", column, ~present, lambda v: message("empty_required", self.lang, col=self.col(column)))
        return parsed.values

    def ids(self, frame: pd.DataFrame, column: str) -> pd.Series:
        values = self.text(frame, column)
        self.report("error", column, values.isna(), lambda v: message("empty_id", self.lang, col=self.col(column)))
        duplicated = values.notna() & values.duplicated(keep="first")
        if duplicated.any():
            first_row = {}
            for row_label, value in values[values.notna()].items():
                first_row.setdefault(value, int(self.rows[row_label]))
            self.report("error", column, duplicated,
                        lambda v: message("duplicate_id", self.lang, col=self.col(column), value=v, first=first_row.get(v)), values)
        return values


# ---------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------

def _points_from_lonlat(frame: pd.DataFrame, check: _Checker, crs: str,
                        region: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Build WGS-84 points from lon/lat columns (None where a row has no location).

    ``region`` is the counties' WGS-84 bounding box: a point outside it whose swapped
    coordinates fall inside is reported as swapped.
    """
    lon = check.numbers(frame, "lon") if "lon" in frame else pd.Series(np.nan, index=frame.index)
    lat = check.numbers(frame, "lat") if "lat" in frame else pd.Series(np.nan, index=frame.index)
    x, y = lon.to_numpy(float), lat.to_numpy(float)
    lon_text, lat_text = check.text(frame, "lon"), check.text(frame, "lat")
    if "lon" in frame and "lat" in frame:
        # One coordinate given, the other empty (not merely unreadable: that is reported).
        no_lon, no_lat = lon_text.isna(), lat_text.isna()
        if (no_lon ^ no_lat).any():
            texts = pd.Series([message("ws_partial_location", check.lang, lon=a or "", lat=b or "")
                               for a, b in zip(lon_text, lat_text)], index=frame.index)
            check.report("warning", "lon", no_lon & ~no_lat, texts, lon_text)
            check.report("warning", "lat", no_lat & ~no_lon, texts, lat_text)
    if _is_geographic(crs):
        finite = np.isfinite(x) & np.isfinite(y)
        swapped = finite & (np.abs(y) > 90) & (np.abs(x) <= 90)
        if region is not None:
            margin = 0.5  # degrees; GCJ-02/BD-09 offsets and border points fit well inside
            minx, miny, maxx, maxy = region
            inside = (x >= minx - margin) & (x <= maxx + margin) & (y >= miny - margin) & (y <= maxy + margin)
            inside_swapped = (y >= minx - margin) & (y <= maxx + margin) & (x >= miny - margin) & (x <= maxy + margin)
            swapped |= finite & ~inside & inside_swapped
        if swapped.any():
            texts = pd.Series([message("lonlat_swapped", check.lang, lon=a, lat=b) for a, b in zip(lon_text, lat_text)],
                              index=frame.index)
            check.report("error", "lon", pd.Series(swapped, index=frame.index), texts, lon_text)
        lon_wrong = ~swapped & (np.abs(x) > 180)
        lat_wrong = ~swapped & (np.abs(y) > 90)
        check.report("error", "lon", pd.Series(lon_wrong, index=frame.index),
                     lambda v: message("out_of_range", check.lang, col=check.col("lon"), value=v, allowed="-180…180"), lon_text)
        check.report("error", "lat", pd.Series(lat_wrong, index=frame.index),
                     lambda v: message("out_of_range", check.lang, col=check.col("lat"), value=v, allowed="-90…90"), lat_text)
        bad = swapped | lon_wrong | lat_wrong
        x = np.where(bad, np.nan, x)
        y = np.where(bad, np.nan, y)
    lon84, lat84 = coords.to_wgs84(x, y, crs)
    points = shapely.points(lon84, lat84)
    # No location → no geometry (None).  Shapely ≥ 2.1 makes POINT (NaN NaN) of NaN
    # coordinates, which is not "empty" and would slip past every missing-location check.
    points[~(np.isfinite(lon84) & np.isfinite(lat84))] = None
    return points


def _check_coordinates(frame: gpd.GeoDataFrame, declared: str | None, check: _Checker) -> gpd.GeoDataFrame:
    """Report features with non-finite coordinates, or outside ±180/±90 in a geographic CRS.

    Such a feature's geometry is dropped (the errors stop the assessment; the rest of
    the file is still checked).  A file whose coordinates run into the hundreds of
    thousands under a geographic CRS holds metres: the message says to declare the
    projected CRS.
    """
    geoms = frame.geometry.to_numpy()
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    if not len(xy):
        return frame
    bad = np.zeros(len(frame), dtype=bool)
    nonfinite = ~np.isfinite(xy).all(axis=1)
    bad[owner[nonfinite]] = True
    check.report("error", "geometry", pd.Series(bad, index=frame.index),
                 lambda v: message("geometry_not_finite", check.lang))
    crs = declared or (frame.crs.to_string() if frame.crs is not None else "EPSG:4326")
    if _is_geographic(crs):
        outside = ~nonfinite & ((np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90))
        wrong = np.zeros(len(frame), dtype=bool)
        wrong[owner[outside]] = True
        wrong &= ~bad
        if wrong.any():
            finite = xy[~nonfinite]
            metres = bool(np.abs(finite).max() > 1000)
            key = "geometry_in_metres" if metres else "geometry_out_of_range"
            first = pd.Series("", index=frame.index, dtype=object)
            for position in np.flatnonzero(wrong):
                x, y = xy[owner == position][0]
                first.iloc[position] = f"{x:g}, {y:g}"
            check.report("error", "geometry", pd.Series(wrong, index=frame.index),
                         lambda v: message(key, check.lang, value=v, crs=crs), first)
            bad |= wrong
    if bad.any():
        frame = frame.copy()
        frame.loc[bad, frame.geometry.name] = None
    return frame


def _is_geographic(crs: str) -> bool:
    if coords.is_special_crs(crs):
        return True
    return bool(pyproj.CRS.from_user_input(crs).is_geographic)


def _declared_crs(spec: dict, dataset: str, lang: str, log: ProblemLog) -> str | None:
    declared = spec.get("crs")
    if declared is None:
        return None
    try:
        return coords.check_crs(str(declared))
    except ValueError:
        log.error("riskmap.toml", message("ws_bad_crs", lang, dataset=dataset, value=declared),
                  column=f"datasets.{dataset}.crs", value=str(declared))
        # Go on reading (to find the file's other problems) without a second,
        # misleading "no CRS declared" warning; the error stops the assessment.
        return "EPSG:4326"


def _geometry_to_wgs84(frame: gpd.GeoDataFrame, declared: str | None, file: str, lang: str, log: ProblemLog) -> gpd.GeoSeries:
    """The frame's geometry in WGS-84: a declared CRS wins, else the file's own, else EPSG:4326."""
    geometry = frame.geometry
    if declared is not None:
        crs = declared
        if frame.crs is not None and not coords.is_special_crs(declared):
            # Worth a word only when it changes the meaning of the numbers (metres vs
            # degrees, or another projection); GeoJSON always says WGS-84.
            try:
                wanted = pyproj.CRS.from_user_input(declared)
                same = wanted.equals(frame.crs, ignore_axis_order=True) or (wanted.is_geographic and frame.crs.is_geographic)
            except pyproj.exceptions.CRSError:
                same = True
            if not same:
                log.warning(file, message("ws_crs_override", lang, value=declared, file_crs=frame.crs.to_string()), column="crs",
                            value=str(declared))
    elif frame.crs is not None:
        crs = frame.crs.to_string()
    else:
        log.warning(file, message("no_crs", lang))
        crs = "EPSG:4326"
    return coords.geoseries_to_wgs84(geometry, crs)


def _dataset_path(name: str, spec: dict, root: Path, lang: str) -> tuple[Path, str]:
    """The checked path of ``[datasets.<name>]`` and its name for messages."""
    key = f"datasets.{name}.path"
    relative = spec.get("path")
    if not relative or not isinstance(relative, str):
        raise WorkspaceError(f"riskmap.toml: [datasets.{name}] has no path",
                             [Problem("error", "riskmap.toml", message("ws_no_path", lang, dataset=name), column=key)])
    try:
        formats.check_path_text(relative)
    except formats.FormatRefused as exc:
        raise WorkspaceError(f"riskmap.toml: {key} '{relative}': {exc.text('en')}",
                             [Problem("error", "riskmap.toml", message("ws_refused_path", lang, setting=_setting(key),
                                                                       value=relative, reason=exc.text(lang)),
                                      column=key, value=relative)]) from None
    path = _resolve_inside(root, relative, key=key, lang=lang)
    if not path.is_file():
        raise InputError(f"{relative}: file not found",
                         [Problem("error", "riskmap.toml", message("ws_path_missing", lang, setting=_setting(key), value=relative),
                                  column=key, value=relative)])
    return path, relative


def _load_dataset(dataset: str, spec: dict, root: Path, lang: str, log: ProblemLog, *,
                  region: tuple[float, float, float, float] | None = None,
                  lec_allowed: dict[str, tuple[tuple[float, ...], str]] | None = None) -> tuple[gpd.GeoDataFrame, str]:
    """Read, check and normalise one of the five datasets.

    ``region`` is the counties' WGS-84 bounds (to spot swapped coordinates);
    ``lec_allowed`` maps ``lec_l``/``lec_e``/``lec_c`` to (allowed values, their text).
    """
    path, file = _dataset_path(dataset, spec, root, lang)
    frame, unit = read_table(path, file, spec, lang)
    frame = frame.reset_index(drop=True)
    rows = pd.Series(np.arange(len(frame)) + (2 if unit == "row" else 1), index=frame.index)
    if unit == "row":  # spreadsheets may hold blank lines; vector files have no such thing
        frame, rows = _drop_blank_rows(frame, rows)
    mapping = spec.get("columns", {}) or {}
    if not isinstance(mapping, dict):
        log.error("riskmap.toml", _both("ws_not_table", setting=f"datasets.{dataset}.columns"), column=f"datasets.{dataset}.columns")
        mapping = {}
    frame = _map_columns(frame, dataset, dict(mapping), file, lang, log)
    check = _Checker(dataset, file, unit, rows, lang, log)
    declared = _declared_crs(spec, dataset, lang, log)

    has_geometry = isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame and frame.geometry.notna().any()
    missing = [c for c in REQUIRED[dataset] if c not in frame]
    if dataset in POINT_DATASETS and not has_geometry and dataset != "hazards" and not ({"lon", "lat"} <= set(frame.columns)):
        if not (dataset == "accidents" and "enterprise_id" in frame):
            missing += [c for c in ("lon", "lat") if c not in frame]
    if dataset in ("counties", "roads") and not has_geometry:
        raise InputError(f"{file}: no geometry",
                         [Problem("error", file, message("ws_needs_geometry", lang, dataset=_dataset_name(dataset, lang),
                                                         allowed=_ALLOWED_TYPES[dataset][1]))])
    for column in missing:
        names = ", ".join((column, *ALIASES[dataset].get(column, ())))
        log.error(file, message("missing_column", lang, col=column_label(column, lang, both=True), aliases=names), column=column)
    if missing:
        return gpd.GeoDataFrame({"_row": rows}, geometry=gpd.GeoSeries([None] * len(frame), crs=4326)), file

    out = pd.DataFrame({"_row": rows})
    out[ID_COLUMN[dataset]] = check.ids(frame, ID_COLUMN[dataset])

    if dataset == "counties":
        out["county_name"] = _text(frame["county_name"])
        check.report("error", "county_name", out["county_name"].isna(), lambda v: message("empty_required", lang, col=check.col("county_name")))
        out["population"] = (check.numbers(frame, "population", low=0, high=MAX_COUNT["population"], allowed=f"0–{MAX_COUNT['population']:,}")
                             if "population" in frame else np.nan)
    elif dataset == "enterprises":
        out["name"] = _text(frame["name"])
        check.report("error", "name", out["name"].isna(), lambda v: message("empty_required", lang, col=check.col("name")))
        allowed = ", ".join(f"{k} ({zh})" for k, (zh, _en) in SECTOR_LABELS.items())
        out["sector"] = check.choice(frame, "sector", SECTOR_VALUES, allowed, required=True)
        # LEC factors must be values of the standard's tables (DESIGN §6: "other
        # values are an input error").
        lec_allowed = lec_allowed or _lec_allowed(None, lang)
        for column in ("lec_l", "lec_e", "lec_c"):
            choices, text = lec_allowed[column]
            out[column] = check.numbers(frame, column, choices=choices, allowed=text) if column in frame else np.nan
        for column in ("likelihood", "severity"):
            out[column] = check.numbers(frame, column, choices=(1, 2, 3, 4, 5), allowed="1, 2, 3, 4, 5") if column in frame else np.nan
        out["major_hazard_level"] = (check.choice(frame, "major_hazard_level", MHI_LEVEL_VALUES, "1, 2, 3, 4, 一级, 二级, 三级, 四级").astype(float)
                                     if "major_hazard_level" in frame else np.nan)
        out["employees"] = (check.numbers(frame, "employees", low=0, high=MAX_COUNT["employees"], allowed=f"0–{MAX_COUNT['employees']:,}")
                            if "employees" in frame else np.nan)
        out["address"] = _text(frame["address"]) if "address" in frame else None
        out["declared_county"] = _text(frame["county_code"]) if "county_code" in frame else None
    elif dataset == "roads":
        out["road_name"] = _text(frame["road_name"]) if "road_name" in frame else None
        out["road_class"] = _text(frame["road_class"]) if "road_class" in frame else None
        for column in ("accidents", "deaths", "injuries"):
            out[column] = (check.numbers(frame, column, low=0, high=MAX_COUNT[column], allowed=f"0–{MAX_COUNT[column]:,}")
                           if column in frame else np.nan)
    elif dataset == "accidents":
        out["date"] = check.dates(frame, "date", required=True)
        for column in ("deaths", "injuries"):
            out[column] = (check.numbers(frame, column, low=0, high=MAX_COUNT[column], allowed=f"0–{MAX_COUNT[column]:,}")
                           if column in frame else pd.Series(0.0, index=frame.index)).fillna(0)
        out["kind"] = check.choice(frame, "kind", KIND_VALUES, "traffic, production (交通事故, 生产安全事故)", default="traffic")
        out["enterprise_id"] = _text(frame["enterprise_id"]) if "enterprise_id" in frame else None
        allowed = ", ".join(SECTOR_LABELS)
        out["sector"] = check.choice(frame, "sector", SECTOR_VALUES, allowed) if "sector" in frame else None
    elif dataset == "hazards":
        out["enterprise_id"] = _text(frame["enterprise_id"]) if "enterprise_id" in frame else None
        out["level"] = check.choice(frame, "level", LEVEL_VALUES, "general, major (一般, 重大)", required=True)
        out["status"] = check.choice(frame, "status", STATUS_VALUES, "open, rectifying, closed (未整改, 整改中, 已销号/已整改)", required=True)
        out["found_date"] = check.dates(frame, "found_date", required=True)
        out["deadline"] = check.dates(frame, "deadline", placeholder_means_none=True)
        out["closed_date"] = check.dates(frame, "closed_date")
        out["supervision"] = check.choice(frame, "supervision", SUPERVISION_VALUES, "none, county, city, province (无, 县级, 市级, 省级)", default="none")
        out["description"] = _text(frame["description"]) if "description" in frame else None

    # Geometry, in WGS-84.
    if has_geometry:
        frame = _check_coordinates(frame, declared, check)
        geometry = _geometry_to_wgs84(frame, declared, file, lang, log)
        if dataset in POINT_DATASETS and {"lon", "lat"} <= set(frame.columns):
            empty = geometry.isna() | geometry.is_empty
            if empty.any():
                crs = declared or "EPSG:4326"
                geometry = geometry.where(~empty, gpd.GeoSeries(_points_from_lonlat(frame, check, crs, region), index=frame.index, crs=4326))
        geometry = geometry.to_numpy()
    elif {"lon", "lat"} <= set(frame.columns):
        crs = declared
        if crs is None:
            log.warning(file, message("no_crs", lang))
            crs = "EPSG:4326"
        geometry = _points_from_lonlat(frame, check, crs, region)
    else:
        geometry = np.array([None] * len(frame), dtype=object)
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, index=out.index, crs=4326), crs=4326)
    _check_geometry_types(result, dataset, check)
    return result, file


_ALLOWED_TYPES = {
    "counties": ({"Polygon", "MultiPolygon"}, "Polygon / MultiPolygon"),
    "roads": ({"LineString", "MultiLineString"}, "LineString / MultiLineString"),
    "enterprises": ({"Point"}, "Point"),
    "accidents": ({"Point"}, "Point"),
    "hazards": ({"Point"}, "Point"),
}


def _check_geometry_types(frame: gpd.GeoDataFrame, dataset: str, check: _Checker) -> None:
    allowed, text = _ALLOWED_TYPES[dataset]
    types = frame.geometry.geom_type
    wrong = types.notna() & ~types.isin(allowed) & ~frame.geometry.is_empty
    check.report("error", "geometry", wrong,
                 lambda v: message("bad_geometry_type", check.lang, value=v, dataset=_dataset_name(dataset, check.lang), allowed=text), types)
    if dataset == "counties":
        invalid = types.isin(allowed) & ~frame.geometry.is_valid
        if invalid.any():
            reasons = pd.Series(shapely.is_valid_reason(frame.geometry[invalid].to_numpy()), index=frame.index[invalid])
            check.report("warning", "geometry", invalid, lambda v: message("repaired_polygon", check.lang, value=v), reasons)
            repaired = shapely.make_valid(frame.geometry[invalid].to_numpy())
            # make_valid may return a collection; keep its polygonal parts only.
            repaired = np.array([_polygonal(g) for g in repaired], dtype=object)
            frame.loc[invalid, "geometry"] = repaired
        empty = frame.geometry.isna() | frame.geometry.is_empty
        check.report("error", "geometry", empty, lambda v: message("ws_county_no_geometry", check.lang))


def _dataset_name(dataset: str, lang: str) -> str:
    """``区县（counties）`` in a Chinese workspace, ``counties`` in an English one."""
    return f"{label(DATASET_LABELS, dataset, 'zh')}（{dataset}）" if lang == "zh" else dataset


def _lec_allowed(standard, lang: str) -> dict[str, tuple[tuple[float, ...], str]]:
    """The allowed LEC factor values of a standard (the default one when ``None``)."""
    if standard is None:
        standard = load_standard("default")
    table = standard.enterprise.get("lec", {})
    result = {}
    for column, key in (("lec_l", "L"), ("lec_e", "E"), ("lec_c", "C")):
        try:
            values = tuple(float(v) for v in table[key])
        except (KeyError, TypeError, ValueError):  # a malformed standard: leave the factor unchecked
            result[column] = (None, None)
            continue
        text = message("ws_lec_allowed", lang, values=", ".join(f"{v:g}" for v in values), standard=standard.name, setting=key)
        result[column] = (values, text)
    return result


def _polygonal(geometry):
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geometry


def _load_extra(name: str, spec: dict, root: Path, lang: str, log: ProblemLog) -> gpd.GeoDataFrame | None:
    """Read a dataset beyond the five (schools, hospitals ...) for extra map layers."""
    path, relative = _dataset_path(name, spec, root, lang)
    frame, unit = read_table(path, relative, spec, lang)
    declared = _declared_crs(spec, name, lang, log)
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        geometry = _geometry_to_wgs84(frame, declared, relative, lang, log)
        return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=4326)
    names = {_normalise_name(c): c for c in frame.columns}
    lon_col = next((names[k] for k in ("lon", "经度", "longitude", "lng") if k in names), None)
    lat_col = next((names[k] for k in ("lat", "纬度", "latitude") if k in names), None)
    if lon_col is None or lat_col is None:
        for column, present in (("lon", lon_col), ("lat", lat_col)):
            if present is None:
                log.error(relative, message("missing_column", lang, col=column_label(column, lang, both=True),
                                            aliases=", ".join((column, *ALIASES["enterprises"][column]))), column=column)
        return None
    if declared is None:
        log.warning(relative, message("no_crs", lang))
    lon, lat = _numbers(frame[lon_col]).to_numpy(), _numbers(frame[lat_col]).to_numpy()
    lon, lat = coords.to_wgs84(lon, lat, declared or "EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=4326)


def _load_standard(spec: str, root: Path, lang: str, log: ProblemLog):
    """The workspace's standard, or None (its problems logged) when it cannot be used."""
    try:
        if spec not in BUILTIN_STANDARDS:
            path = _resolve_inside(root, spec, key="workspace.standard", lang=lang)
            if not path.is_file():
                text = message("ws_path_missing", lang, setting="[workspace] standard", value=spec)
                builtin = ", ".join(BUILTIN_STANDARDS)
                text += f"；内置标准：{builtin}" if lang == "zh" else f"; built-in standards: {builtin}"
                log.error("riskmap.toml", text, column="standard", value=spec)
                return None
        return load_standard(spec, base_dir=root)
    except InputError as exc:
        log.problems.extend(exc.problems or [Problem("error", "riskmap.toml", str(exc), column="standard", value=spec)])
        return None


def load_workspace(root: str | Path, *, on_dataset: Callable[[str, gpd.GeoDataFrame, Any], None] | None = None,
                   language: str | None = None) -> Workspace:
    """Read and validate a workspace folder.

    Every problem is collected before anything is raised, so that ``riskmap
    validate`` lists them all: the datasets are read even when ``riskmap.toml`` has
    errors, and the standard is checked too (its LEC tables say which factor values
    are allowed).

    Parameters
    ----------
    root
        The folder holding ``riskmap.toml``.
    on_dataset
        Called as ``on_dataset(name, frame, standard)`` as soon as each of the five
        datasets is read (from a worker thread), so that a caller can start work on
        one (the roads) while the others are still being read.
    language
        ``zh`` or ``en`` to override the workspace's ``language`` (messages, reasons),
        as the app's language switch and ``riskmap export --lang`` do.

    Returns
    -------
    Workspace
        Datasets in WGS-84 with canonical columns, and the warnings.

    Raises
    ------
    InputError
        With ``problems`` listing every error found (file, row, column, value).
    """
    config, root = read_config(root)
    log = ProblemLog()
    info = _parse_info(config, root, log)
    if language in ("zh", "en"):
        info.language = language
    lang = info.language
    specs = config.get("datasets", {})
    if not isinstance(specs, dict):
        log.error("riskmap.toml", message("ws_not_table", lang, setting="datasets"), column="datasets")
        specs = {}
    if "counties" not in specs:
        log.error("riskmap.toml", message("ws_no_counties", lang), column="datasets.counties")
    standard = _load_standard(info.standard, root, lang, log)
    lec_allowed = _lec_allowed(standard, lang) if standard is not None else None
    datasets: dict[str, gpd.GeoDataFrame] = {}
    files: dict[str, str] = {}
    extra: dict[str, gpd.GeoDataFrame] = {}
    region = None

    def load_one(name: str, spec: Any, own_log: ProblemLog) -> tuple[str, gpd.GeoDataFrame | None, str | None, bool]:
        """Load one dataset into ``own_log``; returns (name, frame, file, is_extra)."""
        if not isinstance(spec, dict):
            own_log.error("riskmap.toml", message("ws_not_table", lang, setting=f"datasets.{name}"), column=f"datasets.{name}")
            return name, None, None, False
        try:
            if name in DATASETS:
                frame, file = _load_dataset(name, spec, root, lang, own_log, region=region, lec_allowed=lec_allowed)
                if on_dataset is not None and not own_log.errors:
                    on_dataset(name, frame, standard)
                return name, frame, file, False
            guess = difflib.get_close_matches(name, DATASETS, n=1, cutoff=0.75)
            if guess:
                own_log.warning("riskmap.toml", message("ws_extra_dataset", lang, value=name, guess=guess[0]), column=f"datasets.{name}")
            frame = _load_extra(name, spec, root, lang, own_log)
            return name, frame, str(spec.get("path")) if frame is not None else None, True
        except InputError as exc:
            own_log.problems.extend(exc.problems or [Problem("error", str(spec.get("path", name)), str(exc))])
            return name, None, None, False

    def keep(result: tuple[str, gpd.GeoDataFrame | None, str | None, bool]) -> None:
        name, frame, file, is_extra = result
        if frame is None:
            return
        (extra if is_extra else datasets)[name] = frame
        files[name] = file

    # Counties first: their extent tells swapped coordinates in the point files.
    if "counties" in specs:
        keep(load_one("counties", specs["counties"], log))
        geoms = datasets["counties"].geometry if "counties" in datasets else gpd.GeoSeries([])
        good = geoms.notna() & ~geoms.is_empty
        if good.any():
            region = tuple(float(v) for v in geoms[good].total_bounds)
    # The others in two threads: parsing and geometry work (pyarrow, GEOS, PROJ) run
    # outside the GIL.  Each has its own problem log, merged in the order of the TOML.
    others = sorted((name for name in specs if name != "counties"), key=lambda n: n != "roads")  # roads first
    logs = {name: ProblemLog() for name in others}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = {n: r for n, r in zip(others, pool.map(lambda n: load_one(n, specs[n], logs[n]), others))}
    for name in specs:  # problems in the order of riskmap.toml
        if name in results:
            keep(results[name])
            log.problems.extend(logs[name].problems)
    log.problems.extend(workspace_layer_problems(root, [n for n in specs if n not in DATASETS]))
    if log.errors:
        error = InputError(f"{'The workspace has errors' if lang == 'en' else '工作区数据有错误'} ({len(log.errors)})", log.errors)
        error.warnings = log.warnings  # what else was found, for a caller that reports everything
        raise error
    return Workspace(info=info, datasets=datasets, files=files, problems=log.problems,
                     standard_spec=info.standard, extra=extra, standard=standard)
