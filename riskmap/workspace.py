"""Reading and validating a workspace (DESIGN §4 and §5).

A workspace is a folder with ``riskmap.toml`` and data files.  :func:`load_workspace`
reads every dataset it declares, maps the columns to their canonical names, parses
values given in Chinese or English, converts coordinates to WGS-84 and collects every
problem with its file, row, column, value and what is allowed.  Errors are raised
together at the end (so ``riskmap validate`` reports them all); warnings travel with
the returned :class:`Workspace`.
"""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from riskmap import coords
from riskmap.assessment import WorkspaceInfo
from riskmap.errors import InputError, Problem, ProblemLog, WorkspaceError
from riskmap.i18n import SECTOR_LABELS, column_label, message
from riskmap.settings import settings

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
        row number in ``_row`` (1-based as a spreadsheet shows it, or feature number).
    files
        The file name of each dataset, for messages.
    problems
        Warnings (and repairs).  Errors are raised, not kept.
    standard_spec
        The ``standard`` value (``default`` or a path inside the workspace).
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


# ---------------------------------------------------------------------------
# riskmap.toml
# ---------------------------------------------------------------------------

def _resolve_inside(root: Path, relative: str, *, key: str) -> Path:
    """Resolve a path of riskmap.toml, refusing one that leaves the workspace."""
    candidate = (root / relative).resolve()
    if root.resolve() != candidate and root.resolve() not in candidate.parents:
        raise WorkspaceError(
            f"riskmap.toml: {key} path '{relative}' leaves the workspace",
            [Problem("error", "riskmap.toml", f"path '{relative}' leaves the workspace; paths must be relative and stay inside {root}", column=key, value=relative)],
        )
    return candidate


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
                             [Problem("error", str(root), "the workspace folder does not exist; give a folder holding riskmap.toml")])
    toml_path = root / "riskmap.toml"
    if not toml_path.is_file():
        raise WorkspaceError(f"{root}: no riskmap.toml",
                             [Problem("error", "riskmap.toml", f"missing: the folder {root} needs a riskmap.toml (see DESIGN §4 / README)")])
    try:
        config = tomllib.loads(toml_path.read_text("utf-8-sig"))
    except UnicodeDecodeError:
        raise WorkspaceError("riskmap.toml is not UTF-8",
                             [Problem("error", "riskmap.toml", "the file is not UTF-8 text; save it as UTF-8")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"riskmap.toml is not valid TOML: {exc}",
                             [Problem("error", "riskmap.toml", f"not valid TOML: {exc}")]) from None
    return config, root


def _parse_info(config: dict, root: Path, log: ProblemLog) -> WorkspaceInfo:
    table = config.get("workspace", {})
    if not isinstance(table, dict):
        table = {}
        log.error("riskmap.toml", "[workspace] must be a table", column="workspace")
    language = str(table.get("language", "zh"))
    if language not in ("zh", "en"):
        log.error("riskmap.toml", f"language '{language}' is not supported; allowed: zh, en", column="language", value=language)
        language = "zh"
    raw_as_of = table.get("as_of")
    as_of: date
    if raw_as_of is None:
        as_of = date.today()
        log.warning("riskmap.toml", f"no as_of given; using today, {as_of.isoformat()}", column="as_of")
    elif isinstance(raw_as_of, datetime):
        as_of = raw_as_of.date()
    elif isinstance(raw_as_of, date):
        as_of = raw_as_of
    else:
        parsed = parse_dates(pd.Series([raw_as_of]))
        if parsed.isna().iloc[0]:
            log.error("riskmap.toml", message("bad_date", language, col="as_of", value=raw_as_of), column="as_of", value=str(raw_as_of))
            as_of = date.today()
        else:
            as_of = parsed.iloc[0].date()
    basemap = str(table.get("basemap", "none"))
    if basemap not in BASEMAPS and not ("{x}" in basemap and "{y}" in basemap and "{z}" in basemap):
        log.error("riskmap.toml", f"basemap '{basemap}' is not known; allowed: {', '.join(BASEMAPS)} or an XYZ URL template with {{z}}/{{x}}/{{y}}",
                  column="basemap", value=basemap)
        basemap = "none"
    return WorkspaceInfo(
        path=root,
        title=str(table.get("title", "安全风险空间分布图" if language == "zh" else "Safety risk map")),
        region=str(table.get("region", root.name)),
        as_of=as_of,
        language=language,
        standard=str(table.get("standard", "default")),
        basemap=basemap,
        demo=bool(table.get("demo", False)),
        source=str(table.get("source", "")),
    )


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

def decode_text(raw: bytes, file: str) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{file}: not UTF-8 or GBK/GB18030 text",
                     [Problem("error", file, "the file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV or XLSX")])


def _read_table(path: Path, file: str, sheet: Any = 0) -> tuple[pd.DataFrame | gpd.GeoDataFrame, str]:
    """Read one data file.  Returns the frame and the unit of its rows (row/feature)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            text = decode_text(path.read_bytes(), file)
            sep = "\t" if suffix == ".tsv" else None
            # Everything as text: numbers stored as text and codes with leading zeros
            # are then parsed per column with one rule.
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep or ",")
            return frame, "row"
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl" if suffix != ".xls" else None)
            return frame, "row"
        if suffix in (".parquet", ".geoparquet"):
            try:
                return gpd.read_parquet(path), "row"
            except ValueError:
                return pd.read_parquet(path), "row"
        if suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                shapefiles = [n for n in archive.namelist() if n.lower().endswith(".shp")]
            if not shapefiles:
                raise InputError(f"{file}: no .shp inside", [Problem("error", file, "the zip holds no .shp file; a zipped Shapefile needs .shp, .shx and .dbf")])
            return gpd.read_file(f"/vsizip/{path}/{shapefiles[0]}", engine="pyogrio"), "feature"
        if suffix in (".geojson", ".json", ".gpkg", ".shp", ".fgb"):
            return gpd.read_file(path, engine="pyogrio"), "feature"
    except InputError:
        raise
    except Exception as exc:  # the readers raise many types; the user needs the file and the cause
        raise InputError(f"{file}: cannot be read ({type(exc).__name__}: {exc})",
                         [Problem("error", file, f"cannot be read: {exc}")]) from None
    raise InputError(f"{file}: unknown format '{suffix}'",
                     [Problem("error", file, f"format '{suffix}' is not supported; allowed: .csv, .xlsx, .geojson, .json, .gpkg, .shp, .zip (Shapefile), .parquet")])


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
            log.warning("riskmap.toml", f"columns maps unknown canonical column '{canonical}' for {dataset}; known: {', '.join(aliases)}",
                        column="columns", value=canonical)
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
    return frame.rename(columns=rename)


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

def _text(series: pd.Series) -> pd.Series:
    """Values as stripped text with empties as None (numbers like 140212.0 lose .0)."""
    def one(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value).strip()
        return None if text.lower() in EMPTY else text
    # Built as an object Series so that empties stay None (pandas 3 would infer a
    # string dtype with NaN).
    return pd.Series([one(v) for v in series.to_numpy(dtype=object)], index=series.index, dtype=object)


def parse_dates(series: pd.Series) -> pd.Series:
    """Parse dates given as 2026-10-31, 2026/10/31, 2026年10月31日, Excel cells or serials.

    Returns a datetime64 series with NaT where a value is empty or unreadable.
    """
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    is_datetime = series.map(lambda v: isinstance(v, (datetime, date, pd.Timestamp)))
    if is_datetime.any():
        result[is_datetime] = pd.to_datetime(series[is_datetime].map(lambda v: pd.Timestamp(v)))
    rest = series[~is_datetime]
    if rest.empty:
        return result
    text = _text(rest).dropna()
    serial = pd.to_numeric(text, errors="coerce")
    # Excel day serials (1900 system) for cells read as plain numbers.
    is_serial = serial.between(20000, 80000)
    if is_serial.any():
        result[is_serial[is_serial].index] = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[is_serial], unit="D")
    text = text[~is_serial]
    normalised = (text.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False)
                  .str.replace("日", " ", regex=False).str.replace("/", "-", regex=False)
                  .str.replace(".", "-", regex=False).str.strip())
    parsed = pd.to_datetime(normalised, format="%Y-%m-%d", errors="coerce", exact=False)
    missing = parsed.isna()
    if missing.any():
        parsed[missing] = pd.to_datetime(normalised[missing], format="mixed", errors="coerce")
    result[parsed.index] = parsed
    return result


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(_text(series), errors="coerce").astype(float)


class _Checker:
    """Collects problems of one dataset's values, a bounded number per column."""

    def __init__(self, dataset: str, file: str, unit: str, rows: pd.Series, lang: str, log: ProblemLog):
        self.dataset, self.file, self.unit, self.rows, self.lang, self.log = dataset, file, unit, rows, lang, log

    def col(self, column: str) -> str:
        return column_label(column, self.lang, both=True)

    def report(self, severity: str, column: str, mask: pd.Series, make_message, values: pd.Series | None = None) -> None:
        index = mask[mask].index
        limit = settings.max_problems_per_column
        for position, label in enumerate(index):
            if position == limit:
                getattr(self.log, severity)(self.file, message("more_rows", self.lang, n=len(index) - limit), column=column)
                break
            value = None if values is None else values.get(label)
            value_text = None if value is None else str(value)
            getattr(self.log, severity)(self.file, make_message(value_text), row=int(self.rows[label]), column=column,
                                        value=value_text, unit=self.unit)

    def numbers(self, frame: pd.DataFrame, column: str, *, allowed: str | None = None, low=None, high=None,
                choices: tuple[float, ...] | None = None) -> pd.Series:
        raw = _text(frame[column])
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        bad = raw.notna() & values.isna()
        self.report("error", column, bad, lambda v: message("bad_number", self.lang, col=self.col(column), value=v), raw)
        if choices is not None:
            wrong = values.notna() & ~values.isin(choices)
            self.report("error", column, wrong, lambda v: message("out_of_range", self.lang, col=self.col(column), value=v,
                                                                  allowed=", ".join(f"{c:g}" for c in choices)), raw)
        elif low is not None or high is not None:
            wrong = values.notna() & ((values < (low if low is not None else -np.inf)) | (values > (high if high is not None else np.inf)))
            self.report("error", column, wrong, lambda v: message("out_of_range", self.lang, col=self.col(column), value=v,
                                                                  allowed=allowed or f"{low}–{high}"), raw)
        return values

    def choice(self, frame: pd.DataFrame, column: str, vocabulary: dict[str, Any], allowed: str, *,
               default: Any = None, required: bool = False) -> pd.Series:
        raw = _text(frame[column]) if column in frame else pd.Series(None, index=frame.index, dtype=object)
        lookup = {str(k).lower(): v for k, v in vocabulary.items()}
        values = pd.Series([None if v is None else lookup.get(v.lower(), lookup.get(v.replace(" ", "").lower()))
                            for v in raw], index=raw.index, dtype=object)
        unknown = raw.notna() & values.isna()
        self.report("error", column, unknown, lambda v: message("bad_choice", self.lang, col=self.col(column), value=v, allowed=allowed), raw)
        if required:
            self.report("error", column, raw.isna(), lambda v: message("empty_required", self.lang, col=self.col(column)))
        return values.where(values.notna(), default).astype(object)

    def dates(self, frame: pd.DataFrame, column: str, *, required: bool = False) -> pd.Series:
        if column not in frame:
            return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        raw = frame[column]
        parsed = parse_dates(raw)
        present = _text(raw.map(lambda v: v.isoformat() if isinstance(v, (datetime, date)) else v)).notna()
        self.report("error", column, present & parsed.isna(),
                    lambda v: message("bad_date", self.lang, col=self.col(column), value=v), _text(raw.astype(object)))
        if required:
            self.report("error", column, ~present, lambda v: message("empty_required", self.lang, col=self.col(column)))
        return parsed

    def ids(self, frame: pd.DataFrame, column: str) -> pd.Series:
        values = _text(frame[column])
        self.report("error", column, values.isna(), lambda v: message("empty_id", self.lang, col=self.col(column)))
        duplicated = values.notna() & values.duplicated(keep="first")
        if duplicated.any():
            first_row = {}
            for label, value in values[values.notna()].items():
                first_row.setdefault(value, int(self.rows[label]))
            self.report("error", column, duplicated,
                        lambda v: message("duplicate_id", self.lang, col=self.col(column), value=v, first=first_row.get(v)), values)
        return values


# ---------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------

def _points_from_lonlat(frame: pd.DataFrame, check: _Checker, crs: str) -> np.ndarray:
    """Build WGS-84 points from lon/lat columns (None where a row has no location)."""
    lon = check.numbers(frame, "lon") if "lon" in frame else pd.Series(np.nan, index=frame.index)
    lat = check.numbers(frame, "lat") if "lat" in frame else pd.Series(np.nan, index=frame.index)
    x, y = lon.to_numpy(float), lat.to_numpy(float)
    if _is_geographic(crs):
        swapped = (np.abs(y) > 90) & (np.abs(x) <= 90)
        if swapped.any():
            bad = pd.Series(swapped, index=frame.index)
            check.report("error", "lon", bad, lambda v: message("lonlat_swapped", check.lang, lon=v, lat=""), _text(frame["lon"]))
        wrong = ~swapped & ((np.abs(x) > 180) | (np.abs(y) > 90))
        if wrong.any():
            check.report("error", "lon", pd.Series(wrong, index=frame.index),
                         lambda v: message("out_of_range", check.lang, col=check.col("lon"), value=v, allowed="经度 -180…180、纬度 -90…90" if check.lang == "zh" else "lon -180…180, lat -90…90"),
                         _text(frame["lon"]))
        x = np.where(swapped | wrong, np.nan, x)
        y = np.where(swapped | wrong, np.nan, y)
    lon84, lat84 = coords.to_wgs84(x, y, crs)
    return shapely.points(lon84, lat84)  # NaN coordinates give empty points


def _is_geographic(crs: str) -> bool:
    if coords.is_special_crs(crs):
        return True
    return bool(pyproj.CRS.from_user_input(crs).is_geographic)


def _declared_crs(spec: dict, file: str, lang: str, log: ProblemLog) -> str | None:
    declared = spec.get("crs")
    if declared is None:
        return None
    try:
        return coords.check_crs(str(declared))
    except ValueError:
        log.error("riskmap.toml", message("bad_crs", lang, value=declared), column=f"{file}: crs", value=str(declared))
        return None


def _geometry_to_wgs84(frame: gpd.GeoDataFrame, declared: str | None, file: str, lang: str, log: ProblemLog) -> gpd.GeoSeries:
    geometry = frame.geometry
    if declared is not None:
        crs = declared
    elif frame.crs is not None:
        crs = frame.crs.to_string()
    else:
        log.warning(file, message("no_crs", lang))
        crs = "EPSG:4326"
    return coords.geoseries_to_wgs84(geometry, crs)


def _load_dataset(dataset: str, spec: dict, root: Path, lang: str, log: ProblemLog) -> tuple[gpd.GeoDataFrame, str]:
    relative = spec.get("path")
    if not relative:
        raise WorkspaceError(f"riskmap.toml: [datasets.{dataset}] has no path",
                             [Problem("error", "riskmap.toml", f"[datasets.{dataset}] needs path = \"<file inside the workspace>\"", column=f"datasets.{dataset}.path")])
    path = _resolve_inside(root, str(relative), key=f"datasets.{dataset}.path")
    file = str(relative)
    if not path.is_file():
        raise InputError(f"{file}: file not found",
                         [Problem("error", "riskmap.toml", f"[datasets.{dataset}] path '{relative}' does not exist in the workspace", column=f"datasets.{dataset}.path", value=file)])
    frame, unit = _read_table(path, file, spec.get("sheet", 0))
    frame = frame.reset_index(drop=True)
    rows = pd.Series(np.arange(len(frame)) + (2 if unit == "row" else 1), index=frame.index)
    mapping = spec.get("columns", {}) or {}
    frame = _map_columns(frame, dataset, dict(mapping), file, lang, log)
    check = _Checker(dataset, file, unit, rows, lang, log)

    has_geometry = isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame and frame.geometry.notna().any()
    missing = [c for c in REQUIRED[dataset] if c not in frame]
    if dataset in POINT_DATASETS and not has_geometry and dataset != "hazards" and not ({"lon", "lat"} <= set(frame.columns)):
        if not (dataset == "accidents" and "enterprise_id" in frame):
            missing += [c for c in ("lon", "lat") if c not in frame]
    if dataset in ("counties", "roads") and not has_geometry:
        raise InputError(f"{file}: no geometry",
                         [Problem("error", file, f"{dataset} need geometries; give GeoJSON, GeoPackage, Shapefile or GeoParquet")])
    for column in missing:
        names = ", ".join((column, *ALIASES[dataset].get(column, ())))
        log.error(file, message("missing_column", lang, col=column_label(column, lang, both=True), aliases=names), column=column)
    if missing:
        return gpd.GeoDataFrame({"_row": rows}, geometry=gpd.GeoSeries([None] * len(frame), crs=4326)), file

    declared = _declared_crs(spec, file, lang, log)
    out = pd.DataFrame({"_row": rows})
    out[ID_COLUMN[dataset]] = check.ids(frame, ID_COLUMN[dataset])

    if dataset == "counties":
        out["county_name"] = _text(frame["county_name"])
        check.report("error", "county_name", out["county_name"].isna(), lambda v: message("empty_required", lang, col=check.col("county_name")))
        out["population"] = check.numbers(frame, "population", low=0) if "population" in frame else np.nan
    elif dataset == "enterprises":
        out["name"] = _text(frame["name"])
        check.report("error", "name", out["name"].isna(), lambda v: message("empty_required", lang, col=check.col("name")))
        allowed = ", ".join(f"{k} ({zh})" for k, (zh, _en) in SECTOR_LABELS.items())
        out["sector"] = check.choice(frame, "sector", SECTOR_VALUES, allowed, required=True)
        lec = {"lec_l": "L", "lec_e": "E", "lec_c": "C"}
        for column, key in lec.items():
            out[column] = check.numbers(frame, column, choices=None) if column in frame else np.nan
        for column in ("likelihood", "severity"):
            out[column] = check.numbers(frame, column, low=1, high=5, allowed="1–5") if column in frame else np.nan
            if column in frame:
                fractional = out[column].notna() & (out[column] % 1 != 0)
                check.report("error", column, fractional, lambda v, c=column: message("out_of_range", lang, col=check.col(c), value=v, allowed="1, 2, 3, 4, 5"), _text(frame[column]))
        out["major_hazard_level"] = (check.choice(frame, "major_hazard_level", MHI_LEVEL_VALUES, "1–4, 一级…四级").astype(float)
                                     if "major_hazard_level" in frame else np.nan)
        out["employees"] = check.numbers(frame, "employees", low=0) if "employees" in frame else np.nan
        out["address"] = _text(frame["address"]) if "address" in frame else None
        out["declared_county"] = _text(frame["county_code"]) if "county_code" in frame else None
    elif dataset == "roads":
        out["road_name"] = _text(frame["road_name"]) if "road_name" in frame else None
        out["road_class"] = _text(frame["road_class"]) if "road_class" in frame else None
        for column in ("accidents", "deaths", "injuries"):
            out[column] = check.numbers(frame, column, low=0, allowed=">= 0") if column in frame else np.nan
    elif dataset == "accidents":
        out["date"] = check.dates(frame, "date", required=True)
        for column in ("deaths", "injuries"):
            out[column] = (check.numbers(frame, column, low=0, allowed=">= 0") if column in frame else pd.Series(0.0, index=frame.index)).fillna(0)
        out["kind"] = check.choice(frame, "kind", KIND_VALUES, "traffic, production (交通事故, 生产安全事故)", default="traffic")
        out["enterprise_id"] = _text(frame["enterprise_id"]) if "enterprise_id" in frame else None
        allowed = ", ".join(SECTOR_LABELS)
        out["sector"] = check.choice(frame, "sector", SECTOR_VALUES, allowed) if "sector" in frame else None
    elif dataset == "hazards":
        out["enterprise_id"] = _text(frame["enterprise_id"]) if "enterprise_id" in frame else None
        out["level"] = check.choice(frame, "level", LEVEL_VALUES, "general, major (一般, 重大)", required=True)
        out["status"] = check.choice(frame, "status", STATUS_VALUES, "open, rectifying, closed (未整改, 整改中, 已销号/已整改)", required=True)
        out["found_date"] = check.dates(frame, "found_date", required=True)
        out["deadline"] = check.dates(frame, "deadline")
        out["closed_date"] = check.dates(frame, "closed_date")
        out["supervision"] = check.choice(frame, "supervision", SUPERVISION_VALUES, "none, county, city, province (无, 县级, 市级, 省级)", default="none")
        out["description"] = _text(frame["description"]) if "description" in frame else None

    # Geometry, in WGS-84.
    if has_geometry:
        geometry = _geometry_to_wgs84(frame, declared, file, lang, log)
        if dataset in POINT_DATASETS and {"lon", "lat"} <= set(frame.columns):
            empty = geometry.isna() | geometry.is_empty
            if empty.any():
                crs = declared or "EPSG:4326"
                geometry = geometry.where(~empty, gpd.GeoSeries(_points_from_lonlat(frame, check, crs), index=frame.index, crs=4326))
        geometry = geometry.to_numpy()
    elif {"lon", "lat"} <= set(frame.columns):
        crs = declared
        if crs is None:
            log.warning(file, message("no_crs", lang))
            crs = "EPSG:4326"
        geometry = _points_from_lonlat(frame, check, crs)
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
                 lambda v: message("bad_geometry_type", check.lang, value=v, dataset=dataset, allowed=text), types)
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
        check.report("error", "geometry", empty, lambda v: message("empty_geometry", check.lang))


def _polygonal(geometry):
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geometry


def _load_extra(name: str, spec: dict, root: Path, lang: str, log: ProblemLog) -> gpd.GeoDataFrame | None:
    """Read a dataset beyond the five (schools, hospitals ...) for extra map layers."""
    relative = spec.get("path")
    if not relative:
        log.error("riskmap.toml", f"[datasets.{name}] needs a path", column=f"datasets.{name}.path")
        return None
    path = _resolve_inside(root, str(relative), key=f"datasets.{name}.path")
    if not path.is_file():
        log.error("riskmap.toml", f"[datasets.{name}] path '{relative}' does not exist", column=f"datasets.{name}.path", value=str(relative))
        return None
    frame, unit = _read_table(path, str(relative), spec.get("sheet", 0))
    declared = _declared_crs(spec, str(relative), lang, log)
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        geometry = _geometry_to_wgs84(frame, declared, str(relative), lang, log)
        return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=4326)
    names = {_normalise_name(c): c for c in frame.columns}
    lon_col = next((names[k] for k in ("lon", "经度", "longitude", "lng") if k in names), None)
    lat_col = next((names[k] for k in ("lat", "纬度", "latitude") if k in names), None)
    if lon_col is None or lat_col is None:
        log.error(str(relative), "needs geometry or lon/lat (经度/纬度) columns", column="lon")
        return None
    lon, lat = _numbers(frame[lon_col]).to_numpy(), _numbers(frame[lat_col]).to_numpy()
    lon, lat = coords.to_wgs84(lon, lat, declared or "EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=4326)


def load_workspace(root: str | Path) -> Workspace:
    """Read and validate a workspace folder.

    Parameters
    ----------
    root
        The folder holding ``riskmap.toml``.

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
    lang = info.language
    specs = config.get("datasets", {})
    if not isinstance(specs, dict) or "counties" not in specs:
        raise WorkspaceError("riskmap.toml: no [datasets.counties]",
                             [Problem("error", "riskmap.toml", "[datasets.counties] is required: a polygon file of the counties (区县)", column="datasets.counties")])
    if info.standard != "default":
        _resolve_inside(root, info.standard, key="workspace.standard")
    datasets: dict[str, gpd.GeoDataFrame] = {}
    files: dict[str, str] = {}
    extra: dict[str, gpd.GeoDataFrame] = {}
    for name, spec in specs.items():
        if not isinstance(spec, dict):
            log.error("riskmap.toml", f"[datasets.{name}] must be a table with path = ...", column=f"datasets.{name}")
            continue
        if name in DATASETS:
            try:
                datasets[name], files[name] = _load_dataset(name, spec, root, lang, log)
            except InputError as exc:
                log.problems.extend(exc.problems or [Problem("error", str(spec.get("path", name)), str(exc))])
        else:
            try:
                frame = _load_extra(name, spec, root, lang, log)
            except InputError as exc:
                log.problems.extend(exc.problems)
                frame = None
            if frame is not None:
                extra[name] = frame
                files[name] = str(spec.get("path"))
    log.raise_if_errors("The workspace has errors" if lang == "en" else "工作区数据有错误")
    return Workspace(info=info, datasets=datasets, files=files, problems=log.problems,
                     standard_spec=info.standard, extra=extra)
