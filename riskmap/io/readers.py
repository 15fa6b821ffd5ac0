"""File readers: every format, encoding and sheet a workspace may hold (DESIGN §4).

:func:`read_table` opens one data file by its suffix: CSV/TSV (UTF-8, UTF-8 with BOM,
GBK/GB18030, detected), XLSX (a ``sheet`` may be named), GeoJSON, GeoPackage (a
``layer``), Shapefile (plain or zipped, ``.cpg`` or not), FlatGeobuf and (Geo)Parquet.
Everything in a table is read as text; :mod:`riskmap.io.values` parses it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.errors import InputError, Problem
from riskmap.i18n import Pair, msg
from riskmap.io import formats
from riskmap.io.sheets import HEADER_SEARCH_ROWS, Sheet, choose_table

FORMATS = ".csv, .tsv, .txt (UTF-8 / GBK), .xlsx, .xlsm, .xls, .geojson, .json, .gpkg, .shp, .zip (Shapefile), .parquet (GeoParquet), .fgb"
FORMAT_NAMES = {".csv": "CSV", ".tsv": "TSV", ".txt": "CSV", ".xlsx": "Excel (XLSX)", ".xlsm": "Excel (XLSM)", ".xls": "Excel (XLS)",
                ".parquet": "(Geo)Parquet", ".geoparquet": "GeoParquet", ".zip": "zipped Shapefile", ".geojson": "GeoJSON",
                ".json": "GeoJSON", ".gpkg": "GeoPackage", ".shp": "Shapefile", ".fgb": "FlatGeobuf"}
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".geoparquet", ".zip", ".shp",
            ".geojson", ".json", ".gpkg", ".fgb")
"""Suffixes :func:`read_table` opens."""


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
    raise InputError(f"{file}: not UTF-8 or GBK/GB18030 text", [Problem.said("error", file, msg("ws_not_text"), lang)])


SPREADSHEETS = (".xlsx", ".xlsm", ".xls")
"""Workbooks, read with calamine (python-calamine): 10× faster than openpyxl, and .xls too."""
TEXT_TABLES = (".csv", ".txt", ".tsv")


def read_workbook(path: Path, file: str, spec: dict, lang: str) -> list[Sheet]:
    """Every sheet of a workbook (or the one ``spec`` names) as rows of cells.

    Cells come as calamine gives them: text, numbers (floats), dates and datetimes;
    empty cells are ``""``.

    Raises
    ------
    InputError
        ``sheet`` names a sheet the workbook lacks (the message lists its sheets).
    """
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    names = list(book.sheet_names)
    wanted = spec.get("sheet")
    if wanted is not None:
        if isinstance(wanted, int) and not isinstance(wanted, bool) and 0 <= wanted < len(names):
            wanted = names[wanted]
        if str(wanted) not in names:
            dataset = spec.get("_dataset", "?")
            raise InputError(f"{file}: no sheet '{wanted}'",
                             [Problem.said("error", "riskmap.toml", msg("no_such_sheet", dataset=dataset, value=wanted,
                                                                        allowed=", ".join(names)), lang,
                                           column=f"datasets.{dataset}.sheet", value=str(wanted))])
        names = [str(wanted)]
    sheets = []
    for name in names:
        sheet = book.get_sheet_by_name(name)
        sheets.append(Sheet(name, sheet.to_python(),
                            first_row=int(sheet.start[0]) + 1 if sheet.start is not None else 1))
    return sheets


def csv_head(raw: bytes, file: str, *, sep: str, lang: str) -> Sheet:
    """The first lines of a CSV file as rows of cells (to find a header below title lines)."""
    head = raw
    if len(raw) > 1 << 16:
        # Cut at a line end: a cut inside a multi-byte character would read as neither UTF-8 nor GBK.
        cut = raw.rfind(b"\n", 0, 1 << 16)
        head = raw[:cut + 1] if cut > 0 else raw
    text, _encoding = decode_text(head, file, lang)
    lines = text.splitlines()[:HEADER_SEARCH_ROWS + 1]
    return Sheet(None, [row for row in csv.reader(lines, delimiter=sep)])


def read_csv(raw: bytes, file: str, *, sep: str, lang: str, skip_rows: int = 0) -> pd.DataFrame:
    """Read CSV bytes as text columns (UTF-8, UTF-8 with BOM, GBK/GB18030).

    Everything is read as text: numbers stored as text and codes with leading zeros
    are then parsed per column with one rule.  Blank lines are kept (and dropped
    later) so that row numbers match what a spreadsheet shows.  pyarrow's reader is
    6× faster than pandas' on a province's 200,000 enterprises; pandas' reader takes
    over for what pyarrow refuses (ragged or blank lines, repeated headers).  A UTF-8
    file goes to pyarrow as it is (pyarrow checks every cell is UTF-8); only a file
    that is not is decoded in Python (GBK/GB18030) and encoded again.
    """
    import pyarrow as pa

    if not skip_rows and b"\x00" not in raw and _starts_as_utf8(raw):
        try:
            return _arrow_csv(raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw, sep)
        except (pa.ArrowInvalid, ValueError, StopIteration, UnicodeDecodeError):
            pass  # not UTF-8 after all, or what pyarrow refuses: decoded below
    text, encoding = decode_text(raw, file, lang)
    if skip_rows:
        # Title lines above the header (found by riskmap.io.sheets): dropped, numbering kept by the caller.
        text = "".join(text.splitlines(keepends=True)[skip_rows:])
        raw, encoding = text.encode("utf-8"), "utf-8-sig"
    try:
        # pyarrow reads UTF-8 only: GBK/GB18030 text is encoded again.
        if encoding == "utf-8-sig":
            utf8 = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
        else:
            utf8 = text.encode("utf-8")
        return _arrow_csv(utf8, sep)
    except (pa.ArrowInvalid, ValueError, StopIteration, UnicodeDecodeError):
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, sep=sep)


def _starts_as_utf8(raw: bytes) -> bool:
    """Whether the first 64 KiB (cut at a line end) are UTF-8: a GBK file is then not tried as one."""
    cut = raw.rfind(b"\n", 0, 1 << 16) if len(raw) > 1 << 16 else len(raw)
    try:
        raw[:cut if cut > 0 else len(raw)].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _arrow_csv(utf8: bytes, sep: str) -> pd.DataFrame:
    """pyarrow's reading of UTF-8 CSV bytes, every column as text; raises what pyarrow refuses."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    first_line = utf8.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
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


def read_vector(source: str, layer: Any, *, has_cpg: bool = True) -> gpd.GeoDataFrame:
    """Read a vector file; a Shapefile without .cpg is tried as UTF-8, then GBK/GB18030."""
    kwargs = {"layer": layer} if layer is not None else {}
    if has_cpg:
        return gpd.read_file(source, engine="pyogrio", **kwargs)
    try:
        return gpd.read_file(source, engine="pyogrio", encoding="utf-8", **kwargs)
    except UnicodeDecodeError:
        return gpd.read_file(source, engine="pyogrio", encoding="gb18030", **kwargs)


def _read_zip(path: Path, file: str, layer: Any, lang: str) -> gpd.GeoDataFrame:
    """A zipped Shapefile (the one named by ``layer`` when the zip holds several)."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    shapefiles = [n for n in names if n.lower().endswith(".shp")]
    if not shapefiles:
        raise InputError(f"{file}: no .shp inside", [Problem.said("error", file, msg("ws_zip_no_shp"), lang)])
    chosen = next((n for n in shapefiles if layer is not None and Path(n).stem == str(layer)), shapefiles[0])
    with zipfile.ZipFile(path) as archive, archive.open(chosen) as member:
        formats.verify_bytes(member.read(128), ".shp")
    has_cpg = any(n.lower() == chosen[:-4].lower() + ".cpg" for n in names)
    return read_vector(f"/vsizip/{path}/{chosen}", None, has_cpg=has_cpg)


def _read_by_suffix(path: Path, file: str, spec: dict, lang: str) -> tuple[pd.DataFrame, str] | None:
    suffix = path.suffix.lower()
    layer = spec.get("layer")
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path.read_bytes(), file, sep="\t" if suffix == ".tsv" else ",", lang=lang), "row"
    if suffix in SPREADSHEETS:
        sheet = read_workbook(path, file, spec, lang)[0]
        frame, _rows = choose_table([sheet], {}, set(), {}, header_row=sheet.first_row).frame, None
        return frame, "row"
    if suffix in (".parquet", ".geoparquet"):
        # No header line: features / records count from 1.
        try:
            return gpd.read_parquet(path), "feature"
        except ValueError:  # a plain Parquet table (lon/lat columns, no geo metadata)
            return pd.read_parquet(path), "record"
    if suffix == ".zip":
        return _read_zip(path, file, layer, lang), "feature"
    if suffix == ".shp":
        has_cpg = path.with_suffix(".cpg").is_file() or path.with_suffix(".CPG").is_file()
        return read_vector(str(path), None, has_cpg=has_cpg), "feature"
    if suffix in (".geojson", ".json", ".gpkg", ".fgb"):
        return read_vector(formats.gdal_source(path), layer), "feature"
    return None


def refused(file: str, exc: formats.FormatRefused, lang: str) -> InputError:
    """The error of a file that is not what its name says (or that would make a reader follow links)."""
    return InputError(f"{file}: {exc.text('en')}",
                      [Problem.said("error", file, msg("ws_refused_file", reason=Pair(*exc.reason)), lang)])


def read_table(path: Path, file: str, spec: dict | None = None, lang: str = "zh") -> tuple[pd.DataFrame | gpd.GeoDataFrame, str]:
    """Read one data file.  Returns the frame and the unit of its rows.

    The unit is ``row`` for CSV and XLSX (numbered as a spreadsheet shows them: the
    header is row 1), ``feature`` for vector files and ``record`` for a plain Parquet
    table (both numbered from 1).  ``spec`` may name a ``sheet`` (XLSX) or a ``layer``
    (GeoPackage, zip holding several Shapefiles).

    Every file is first checked to be the format its extension names
    (:mod:`riskmap.io.formats`): a VRT saved as ``.geojson``, a GeoJSON ``crs`` link
    or an oversized archive is refused before any reader sees it.

    Raises
    ------
    InputError
        The format is unknown or refused, or the file cannot be read (the message
        names the file and the cause).
    """
    suffix = path.suffix.lower()
    try:
        formats.verify_file(path)
    except formats.FormatRefused as exc:
        raise refused(file, exc, lang) from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{file}: cannot be read ({type(exc).__name__})",
                         [Problem.said("error", file, msg("ws_unreadable", value=type(exc).__name__,
                                                          fmt=FORMAT_NAMES.get(suffix, suffix)), lang)]) from None
    try:
        result = _read_by_suffix(path, file, spec or {}, lang)
    except InputError:
        raise
    except formats.FormatRefused as exc:
        raise refused(file, exc, lang) from None
    except Exception as exc:  # the readers raise many types; the user needs the file and the cause
        cause = f"{type(exc).__name__}: {exc}"
        raise InputError(f"{file}: cannot be read ({cause})",
                         [Problem.said("error", file, msg("ws_unreadable", value=cause, fmt=FORMAT_NAMES.get(suffix, suffix)),
                                       lang)]) from None
    if result is None:
        value = suffix or path.name
        raise InputError(f"{file}: unknown format '{suffix}'",
                         [Problem.said("error", file, msg("ws_unknown_format", value=value, allowed=FORMATS), lang, value=value)])
    return result


def drop_blank_rows(frame: pd.DataFrame, rows: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
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
