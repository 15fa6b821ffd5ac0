"""Reading and validating a workspace (DESIGN §4 and §5): :func:`load_workspace`.

A workspace is a folder with ``riskmap.toml`` and data files.  :func:`load_workspace`
reads every dataset it declares, maps the columns to their canonical names
(:mod:`riskmap.schema`), parses values given in Chinese or English
(:mod:`riskmap.io.values`), converts coordinates to WGS-84
(:mod:`riskmap.io.geometry`) and collects every problem with its file, row, column,
value and what is allowed.  Errors are raised together at the end (so ``riskmap
validate`` reports them all); warnings travel with the returned :class:`Workspace`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap import coords
from riskmap.assessment import WorkspaceInfo
from riskmap.errors import InputError, Problem, ProblemLog
from riskmap.i18n import ColumnName, DatasetName, Msg, msg
from riskmap.io import config, formats
from riskmap.io.countynames import qualify_counties, resolve_declared
from riskmap.io.geometry import check_geometry_types, dataset_geometry, geometry_to_wgs84, split_lonlat
from riskmap.io.identifiers import normal_codes
from riskmap.io.localwords import NO_VALUE, local_words, spellings, vocabulary_keys
from riskmap.io.readers import (
    FORMAT_NAMES,
    SPREADSHEETS,
    TEXT_TABLES,
    csv_head,
    drop_blank_rows,
    read_csv,
    read_table,
    read_workbook,
    refused,
)
from riskmap.io.sheets import Table, choose_table, normalise_name
from riskmap.io.skipping import SkippedRow, skip_rows
from riskmap.io.values import Checker, numbers, text
from riskmap.layers import workspace_layer_problems
from riskmap.schema import ALIASES, CREDIT_ALIASES, DATASETS, NAMES, Column
from riskmap.sectors import Sectors, default_sectors
from riskmap.standard import Standard, load_standard

DatasetCallback = Callable[[str, gpd.GeoDataFrame, Any], None]


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
    skipped
        Rows left out because they had errors, when reading was asked to
        (``skip_bad_rows``; :class:`riskmap.io.skipping.SkippedRow`).
    """

    info: WorkspaceInfo
    datasets: dict[str, gpd.GeoDataFrame]
    files: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    standard_spec: str = "default"
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    skipped: list[SkippedRow] = field(default_factory=list)
    standard: Any = None


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------

def map_columns(frame: pd.DataFrame, dataset: str, mapping: dict[str, str], file: str, log: ProblemLog) -> pd.DataFrame:
    """Rename the file's columns to canonical names (explicit mapping first, then aliases)."""
    aliases = ALIASES[dataset]
    present = {normalise_name(c): c for c in frame.columns if c != "geometry"}
    rename: dict[Any, str] = {}
    for canonical, source in mapping.items():
        if canonical not in aliases:
            log.warning("riskmap.toml", msg("ws_unknown_mapping", value=canonical, dataset=f"[datasets.{dataset}]",
                                            allowed=", ".join(aliases)),
                        column=f"datasets.{dataset}.columns", value=str(canonical))
            continue
        key = normalise_name(source)
        if key not in present:
            log.error(file, msg("mapped_column_missing", col=ColumnName(canonical), value=source,
                                present=", ".join(map(str, present.values()))), column=canonical, value=str(source))
            continue
        rename[present.pop(key)] = canonical
    taken = set(rename.values())
    for canonical, names in aliases.items():
        if canonical in taken:
            continue
        for candidate in (canonical, *names):
            key = normalise_name(candidate)
            if key in present:
                rename[present.pop(key)] = canonical
                taken.add(canonical)
                break
    # A column left unmapped must not shadow a canonical name another column took
    # (a file with both "name" and a mapped "企业全称", say).
    for column in frame.columns:
        if column != "geometry" and column not in rename and column in taken:
            rename[column] = f"{column} (unused)"
    renamed = frame.rename(columns=rename)
    renamed.attrs["sources"] = {canonical: source for source, canonical in rename.items()}
    return renamed


LecAllowed = dict[str, tuple[tuple[float, ...] | None, Msg | None]]


def lec_allowed(standard: Standard | None) -> LecAllowed:
    """The allowed LEC factor values of a standard (the default one when ``None``)."""
    if standard is None:
        standard = load_standard("default")
    table = standard.enterprise.get("lec", {})
    result: LecAllowed = {}
    for column, key in (("lec_l", "L"), ("lec_e", "E"), ("lec_c", "C")):
        try:
            values = tuple(float(v) for v in table[key])
        except (KeyError, TypeError, ValueError):  # a malformed standard: leave the factor unchecked
            result[column] = (None, None)
            continue
        words = msg("ws_lec_allowed", values=", ".join(f"{v:g}" for v in values), standard=standard.name, setting=key)
        result[column] = (values, words)
    # The risk matrix's scale ([enterprise.matrix] scale = [1, 5]) says which likelihoods and severities exist.
    try:
        low, high = (int(v) for v in standard.enterprise["matrix"]["scale"])
        values = tuple(float(v) for v in range(low, high + 1))
        words = msg("ws_matrix_allowed", values=", ".join(f"{v:g}" for v in values), standard=standard.name)
    except (KeyError, TypeError, ValueError):
        values, words = None, None
    for column in ("likelihood", "severity"):
        result[column] = (values, words)
    return result


def read_column(frame: pd.DataFrame, column: Column, check: Checker, reading: _Reading,
                words: dict[str, dict[str, Any]] | None = None, dataset: str = "") -> pd.Series | Any:
    """One canonical column read by its kind (:mod:`riskmap.schema`); missing optional ones are empty.

    Coded columns take the spellings of the standard (its sectors) and the dataset's
    local words (``[datasets.X.values]``).
    """
    name, kind, present = column.name, column.kind, column.name in frame
    lec = reading.lec
    if kind == "id":
        return check.ids(frame, name)
    if kind == "name":
        return check.names(frame, name)
    if kind == "text":
        return text(frame[name]) if present else None
    if kind == "code":
        return normal_codes(text(frame[name])) if present else None
    if kind == "credit_code":
        return check.credit_codes(frame, name) if present else None
    if kind == "date":
        values = check.dates(frame, name, required=column.required, placeholder_means_none=column.placeholder_means_none)
        if name in ("found_date", "closed_date", "date"):  # a record from the future is a typing slip
            check.after(values, name, reading.as_of)
        return values
    if kind == "choice":
        vocabulary = spellings(column.vocabulary, reading.sectors.vocabulary) | (words or {}).get(name, {})
        keys = vocabulary_keys(column.vocabulary, reading.sectors.keys)
        allowed = reading.sectors.allowed if column.vocabulary == "sector" else (column.allowed or "")
        values = check.choice(frame, name, vocabulary, allowed, default=column.default, required=column.required,
                              table=f"datasets.{dataset}.values", example=keys[-1] if column.vocabulary == "sector" else keys[0],
                              no_value=NO_VALUE)
        return values.astype(float) if column.vocabulary == "major_hazard_level" else values
    if kind == "count":
        values = check.numbers(frame, name, low=column.low, high=column.high, allowed=column.allowed) if present \
            else pd.Series(0.0, index=frame.index)
        return values.fillna(0)
    if not present:
        return np.nan
    if column.choices == "standard":
        choices, words = lec.get(name, (None, None))
        return check.numbers(frame, name, choices=choices, allowed=words)
    return check.numbers(frame, name, low=column.low, high=column.high, allowed=column.allowed, choices=column.choices)


def _missing_columns(frame: pd.DataFrame, dataset: str, has_geometry: bool) -> list[str]:
    """Required columns the file lacks; a point dataset needs lon/lat unless something else locates it.

    Enough instead: a geometry, one ``lonlat`` column, for enterprises their county
    (``county_code`` or ``county_name``), for accidents their enterprise.
    """
    missing = [c for c in DATASETS[dataset].required if c not in frame]
    lonlat_needed = DATASETS[dataset].points and dataset != "hazards" and not has_geometry and "lonlat" not in frame
    if dataset == "enterprises" and ({"county_code", "county_name"} & set(frame.columns)):
        lonlat_needed = False
    if dataset == "accidents" and ({"enterprise_id", "enterprise_name"} & set(frame.columns)):
        lonlat_needed = False
    if lonlat_needed and not ({"lon", "lat"} <= set(frame.columns)):
        missing += [c for c in ("lon", "lat") if c not in frame]
    return missing


# ---------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------

@dataclass
class _Reading:
    """What reading one dataset needs to know of the workspace."""

    root: Path
    lang: str
    region: tuple[float, float, float, float] | None = None
    lec: LecAllowed = field(default_factory=dict)
    sectors: Sectors = field(default_factory=default_sectors)
    as_of: Any = None
    skip_bad_rows: bool = False
    skipped: list[SkippedRow] = field(default_factory=list)


def _header_row(spec: dict, dataset: str, log: ProblemLog) -> int | None:
    """``header_row = N`` of a dataset table, checked (None when not given or wrong)."""
    value = spec.get("header_row")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
        log.error("riskmap.toml", msg("bad_header_row", dataset=dataset, value=value, allowed=1000),
                  column=f"datasets.{dataset}.header_row", value=str(value))
        return None
    return value


def _read_ledger(path: Path, file: str, dataset: str, spec: dict, mapping: dict, reading: _Reading,
                 log: ProblemLog) -> Table:
    """A spreadsheet or CSV ledger: the sheet and header row holding the dataset's columns."""
    suffix = path.suffix.lower()
    header_row = _header_row(spec, dataset, log)
    required = set(DATASETS[dataset].required)
    formats.verify_file(path)  # the format its extension names, nothing else
    if suffix in SPREADSHEETS:
        return choose_table(read_workbook(path, file, {**spec, "_dataset": dataset}, reading.lang), ALIASES[dataset],
                            required, mapping, header_row=header_row)
    raw = path.read_bytes()
    sep = "\t" if suffix == ".tsv" else ","
    head = choose_table([csv_head(raw, file, sep=sep, lang=reading.lang)], ALIASES[dataset], required, mapping,
                        header_row=header_row)
    frame = read_csv(raw, file, sep=sep, lang=reading.lang, skip_rows=head.header_row - 1)
    rows = pd.Series(np.arange(len(frame)) + head.header_row + 1, index=frame.index)
    return Table(frame, rows, None, head.header_row, head.found, head.chosen)


def _open(dataset: str, spec: dict, reading: _Reading, log: ProblemLog) -> tuple[pd.DataFrame, Checker, str, Table | None]:
    """Read a dataset's file, drop blank lines and map its columns.

    A spreadsheet or CSV file is searched for its header (:mod:`riskmap.io.sheets`);
    the :class:`~riskmap.io.sheets.Table` says where it was found.
    """
    path, file = config.dataset_path(dataset, spec, reading.root, reading.lang)
    mapping = spec.get("columns", {}) or {}
    if not isinstance(mapping, dict):
        log.error("riskmap.toml", msg("ws_not_table", setting=f"datasets.{dataset}.columns", both=True),
                  column=f"datasets.{dataset}.columns")
        mapping = {}
    table = None
    if path.suffix.lower() in SPREADSHEETS + TEXT_TABLES:
        try:
            table = _read_ledger(path, file, dataset, spec, dict(mapping), reading, log)
        except formats.FormatRefused as exc:
            raise refused(file, exc, reading.lang) from None
        except (InputError, OSError):
            raise
        except Exception as exc:  # the readers raise many types; the user needs the file and the cause
            raise InputError(f"{file}: cannot be read ({type(exc).__name__}: {exc})",
                             [Problem.said("error", file, msg("ws_unreadable", value=f"{type(exc).__name__}: {exc}",
                                                              fmt=FORMAT_NAMES.get(path.suffix.lower(), path.suffix)),
                                           reading.lang)]) from None
        frame, rows, unit = table.frame, table.rows, "row"
    else:
        frame, unit = read_table(path, file, spec, reading.lang)
        frame = frame.reset_index(drop=True)
        rows = pd.Series(np.arange(len(frame)) + (2 if unit == "row" else 1), index=frame.index)
    frame = frame.reset_index(drop=True)
    rows = rows.reset_index(drop=True)
    if unit == "row":  # spreadsheets may hold blank lines; vector files have no such thing
        frame, rows = drop_blank_rows(frame, rows)
    frame = map_columns(frame, dataset, dict(mapping), file, log)
    return frame, Checker(file, unit, rows, reading.lang, log), file, table


def load_dataset(dataset: str, spec: dict, reading: _Reading, log: ProblemLog) -> tuple[gpd.GeoDataFrame, str]:
    """Read, check and normalise one of the five datasets."""
    frame, check, file, table = _open(dataset, spec, reading, log)
    declared = config.declared_crs(spec, dataset, log)
    has_geometry = isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame and frame.geometry.notna().any()
    missing = _missing_columns(frame, dataset, has_geometry)
    if DATASETS[dataset].needs_geometry and not has_geometry:
        raise InputError(f"{file}: no geometry",
                         [Problem.said("error", file, msg("ws_needs_geometry", dataset=DatasetName(dataset),
                                                          allowed=DATASETS[dataset].geometry[1]), reading.lang)])
    for column in missing:
        names = ", ".join((column, *ALIASES[dataset].get(column, ())))
        if table is not None:  # say what was found, and where: the columns of the header row
            where = msg("where_sheet_row", sheet=table.sheet, row=table.header_row) if table.sheet is not None \
                else msg("where_row", row=table.header_row)
            log.error(file, msg("missing_columns_found", col=ColumnName(column), aliases=names, where=where,
                                found=", ".join(table.found) or "—"), column=column)
        else:
            log.error(file, msg("missing_column", col=ColumnName(column), aliases=names), column=column)
    if missing:
        return gpd.GeoDataFrame({"_row": check.rows}, geometry=gpd.GeoSeries([None] * len(frame), crs=4326)), file

    words = local_words(spec, dataset, reading.sectors.vocabulary, reading.sectors.keys, log)
    out = pd.DataFrame({"_row": check.rows})
    # Dated snapshots (an enterprise's rows with valid_from): its id repeats once per date.
    versions = check.dates(frame, "valid_from") if dataset == "enterprises" and "valid_from" in frame else None
    for column in DATASETS[dataset].columns:
        if column.kind == "id" and versions is not None:
            out[column.out] = check.ids(frame, column.name, versions=versions)
        elif column.name == "valid_from":
            if versions is not None:
                out[column.out] = versions
        elif column.kind not in ("lonlat", "lonlat_pair"):
            out[column.out] = read_column(frame, column, check, reading, words, dataset)
    if dataset == "enterprises":
        source = normalise_name(frame.attrs.get("sources", {}).get("enterprise_id", ""))
        if "credit_code" not in frame and source in {normalise_name(a) for a in CREDIT_ALIASES}:
            # The ledger's ID is its credit code: checked as one.
            out["credit_code"] = check.credit_codes(frame.rename(columns={"enterprise_id": "credit_code"}), "credit_code")
    frame = split_lonlat(frame, check)
    geometry = dataset_geometry(frame, dataset, declared, file, check, log, reading.region)
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, index=out.index, crs=4326), crs=4326)
    check_geometry_types(result, dataset, check)
    if dataset == "counties":
        result = qualify_counties(result)
    if reading.skip_bad_rows:  # rows with errors left out, each listed (riskmap.io.skipping)
        result, skipped = skip_rows(result, dataset, file, log, check.flagged, reading.lang)
        reading.skipped.extend(skipped)
    return result, file


def load_extra(name: str, spec: dict, reading: _Reading, log: ProblemLog) -> gpd.GeoDataFrame | None:
    """Read a dataset beyond the five (schools, hospitals ...) for extra map layers."""
    path, relative = config.dataset_path(name, spec, reading.root, reading.lang)
    frame, _unit = read_table(path, relative, spec, reading.lang)
    declared = config.declared_crs(spec, name, log)
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        geometry = geometry_to_wgs84(frame, declared, relative, log)
        return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=4326)
    names = {normalise_name(c): c for c in frame.columns}
    lon_col = next((names[k] for k in ("lon", "经度", "longitude", "lng") if k in names), None)
    lat_col = next((names[k] for k in ("lat", "纬度", "latitude") if k in names), None)
    if lon_col is None or lat_col is None:
        for column, found in (("lon", lon_col), ("lat", lat_col)):
            if found is None:
                log.error(relative, msg("missing_column", col=ColumnName(column),
                                        aliases=", ".join((column, *ALIASES["enterprises"][column]))), column=column)
        return None
    if declared is None:
        log.warning(relative, msg("no_crs"))
    lon, lat = numbers(frame[lon_col]).to_numpy(), numbers(frame[lat_col]).to_numpy()
    lon, lat = coords.to_wgs84(lon, lat, declared or "EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=4326)


# ---------------------------------------------------------------------------
# The workspace
# ---------------------------------------------------------------------------

Loaded = tuple[str, gpd.GeoDataFrame | None, str | None, bool]


def _load_one(name: str, spec: Any, reading: _Reading, log: ProblemLog, standard: Standard | None,
              on_dataset: DatasetCallback | None) -> Loaded:
    """Load one dataset into ``log``; returns (name, frame, file, is_extra)."""
    if not isinstance(spec, dict):
        log.error("riskmap.toml", msg("ws_not_table", setting=f"datasets.{name}"), column=f"datasets.{name}")
        return name, None, None, False
    try:
        if name in NAMES:
            frame, file = load_dataset(name, spec, reading, log)
            _release_arrow_memory()
            if on_dataset is not None and not log.errors:
                on_dataset(name, frame, standard)
            return name, frame, file, False
        guess = difflib.get_close_matches(name, NAMES, n=1, cutoff=0.75)
        if guess:
            log.warning("riskmap.toml", msg("ws_extra_dataset", value=name, guess=guess[0]), column=f"datasets.{name}")
        frame = load_extra(name, spec, reading, log)
        return name, frame, str(spec.get("path")) if frame is not None else None, True
    except InputError as exc:
        log.problems.extend(exc.problems or [Problem("error", str(spec.get("path", name)), str(exc))])
        return name, None, None, False


def _release_arrow_memory() -> None:
    """Give back to the system the memory pyarrow kept from a dataset's raw table (freed once its frame is built).

    pyarrow's allocator keeps freed pages for reuse; at national scale the raw text of
    two millions of enterprises would stay resident through the assessment.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _region(counties: gpd.GeoDataFrame | None) -> tuple[float, float, float, float] | None:
    """The counties' bounds: their extent tells swapped coordinates in the point files."""
    geoms = counties.geometry if counties is not None else gpd.GeoSeries([])
    good = geoms.notna() & ~geoms.is_empty
    return tuple(float(v) for v in geoms[good].total_bounds) if good.any() else None


def _load_all(specs: dict, reading: _Reading, log: ProblemLog, standard: Standard | None,
              on_dataset: DatasetCallback | None) -> dict[str, Loaded]:
    """Every dataset: the counties first, then the others in two threads.

    Parsing and geometry work (pyarrow, GEOS, PROJ) run outside the GIL.  Each dataset
    has its own problem log, merged in the order of the TOML.
    """
    results: dict[str, Loaded] = {}
    if "counties" in specs:
        results["counties"] = _load_one("counties", specs["counties"], reading, log, standard, on_dataset)
        reading.region = _region(results["counties"][1])
    others = sorted((name for name in specs if name != "counties"), key=lambda n: n != "roads")  # roads first
    logs = {name: ProblemLog(lang=reading.lang) for name in others}
    with ThreadPoolExecutor(max_workers=2) as pool:
        loaded = pool.map(lambda n: _load_one(n, specs[n], reading, logs[n], standard, on_dataset), others)
        results.update(zip(others, loaded))
    for name in specs:  # problems in the order of riskmap.toml
        if name in logs:
            log.problems.extend(logs[name].problems)
    return {name: results[name] for name in specs if name in results}


def _locate_by_county(results: dict[str, Loaded], log: ProblemLog) -> None:
    """Enterprises that name their county get its code (:func:`riskmap.io.countynames.resolve_declared`)."""
    counties, enterprises = results.get("counties"), results.get("enterprises")
    if counties is None or enterprises is None or counties[1] is None or enterprises[1] is None:
        return
    frame = enterprises[1]
    if "declared_county_name" not in frame and "declared_county" not in frame:
        return
    resolved = resolve_declared(frame, counties[1], enterprises[2], frame["_row"], log)
    results["enterprises"] = (enterprises[0], resolved, enterprises[2], enterprises[3])


def load_workspace(root: str | Path, *, on_dataset: DatasetCallback | None = None,
                   language: str | None = None, skip_bad_rows: bool = False) -> Workspace:
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
        as ``riskmap export --lang`` does.
    skip_bad_rows
        Leave out the rows of enterprises, roads, accidents and hazards whose cells or
        geometry have errors instead of raising (:mod:`riskmap.io.skipping`): they are
        in ``Workspace.skipped`` and their errors become warnings.

    Returns
    -------
    Workspace
        Datasets in WGS-84 with canonical columns, and the warnings.

    Raises
    ------
    InputError
        With ``problems`` listing every error found (file, row, column, value).
    """
    raw, root = config.read_config(root)
    log = ProblemLog()
    table = config.workspace_table(raw, log)
    workspace_language = config.parse_language(table, log)
    log.lang = language if language in config.LANGUAGES else workspace_language
    info = config.parse_info(table, root, workspace_language, log)
    info.language = log.lang
    specs = raw.get("datasets", {})
    if not isinstance(specs, dict):
        log.error("riskmap.toml", msg("ws_not_table", setting="datasets"), column="datasets")
        specs = {}
    if "counties" not in specs:
        log.error("riskmap.toml", msg("ws_no_counties"), column="datasets.counties")
    standard = config.workspace_standard(info.standard, root, log)
    reading = _Reading(root, log.lang, lec=lec_allowed(standard) if standard is not None else lec_allowed(None),
                       sectors=standard.sectors if standard is not None else default_sectors(), as_of=info.as_of,
                       skip_bad_rows=skip_bad_rows)
    results = _load_all(specs, reading, log, standard, on_dataset)
    _locate_by_county(results, log)
    log.problems.extend(workspace_layer_problems(root, [n for n in specs if n not in NAMES]))
    datasets = {name: r[1] for name, r in results.items() if r[1] is not None and not r[3]}
    extra = {name: r[1] for name, r in results.items() if r[1] is not None and r[3]}
    files = {name: r[2] for name, r in results.items() if r[1] is not None}
    if log.errors:
        words = "The workspace has errors" if log.lang == "en" else "工作区数据有错误"
        error = InputError(f"{words} ({len(log.errors)})", log.errors)
        error.warnings = log.warnings  # what else was found, for a caller that reports everything
        raise error
    return Workspace(info=info, datasets=datasets, files=files, problems=log.problems,
                     standard_spec=info.standard, extra=extra, standard=standard,
                     skipped=sorted(reading.skipped, key=lambda s: (s.dataset, s.row)))
