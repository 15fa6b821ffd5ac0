"""Writing an assessment's outputs (DESIGN §7): one writer per format.

``write_outputs(source, out_dir)`` writes, in WGS-84: ``counties.geojson``,
``enterprises.geojson``, ``road_units.geojson``, ``hazards.geojson``,
``accidents.geojson``, ``unassigned.csv`` (records with no county), ``notes.csv``
(records with a county and something to say), ``risk_register.xlsx`` and
``summary.json``.  The command line writes them to a folder; the app's download
buttons take the same files from :func:`layer_bytes`, :func:`csv_bytes`,
:func:`unassigned_bytes`, :func:`notes_bytes`, :func:`summary_json` and :func:`outputs_zip`, so a file downloaded from the page
is the file ``riskmap assess`` writes (for what the page shows).

Layers keep the ``reasons`` text (in the view's language) and add the reasons as
data: ``reason_codes`` (and ``contributor_codes`` for counties) as JSON text,
``[{"rule": "open_major_hazard", "count": 2, "grade": "red"}, ...]``.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import IO

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.assessment import Assessment
from riskmap.atomic import replacing
from riskmap.reasons import CODE_COLUMNS, json_column
from riskmap.sanitize import write_csv as write_spreadsheet_csv
from riskmap.view import View

LAYER_FILES = {
    "counties": "counties.geojson",
    "enterprises": "enterprises.geojson",
    "road_units": "road_units.geojson",
    "hazards": "hazards.geojson",
    "accidents": "accidents.geojson",
}
LAYER_FORMATS = ("geojson", "geoparquet", "geopackage")
GEOPACKAGE_FILE = "layers.gpkg"
UNASSIGNED_COLUMNS = ["dataset", "id", "reason"]
NOTE_COLUMNS = ["dataset", "id", "county_code", "note"]

Target = str | Path | IO[bytes]


def for_file(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame as files hold it: no private columns, codes as JSON text, dates as ISO text."""
    out = frame.drop(columns=[c for c in frame.columns if str(c).startswith("_")])
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for column in out.columns:
        if column == geometry:
            continue
        values = out[column]
        if column in CODE_COLUMNS:
            out[column] = json_column(values)
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d").where(values.notna(), None)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            out[column] = values.astype(object).where(values.notna(), None)
    return out


def write_geojson(frame: gpd.GeoDataFrame, target: Target, *, precision: int = 7) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON (WGS-84, 7 decimals ≈ 1 cm).

    The fast writer of :mod:`riskmap.geojson` (coordinate text from ragged arrays and
    properties by polars, streamed in chunks): 4× faster than the shapely + pandas
    writer it replaced, and its memory does not grow with the layer.  ``target`` is a
    path or a binary file object.
    """
    from riskmap.geojson import iter_geojson
    from riskmap.geojson import write_geojson as write_streamed

    if isinstance(target, (str, Path)):
        write_streamed(frame, target, precision=precision)
    else:
        for piece in iter_geojson(frame, precision=precision):
            target.write(piece)


def write_geoparquet(frame: gpd.GeoDataFrame, target: Target) -> None:
    """Write a GeoDataFrame as GeoParquet (WGS-84): compact and fast for a province."""
    out = for_file(frame)
    for column in out.columns:
        if column != out.geometry.name and out[column].dtype == object:
            # Mixed None/str object columns become plain text columns.
            out[column] = out[column].astype("string")
    out.to_parquet(target, index=False)


def write_geopackage(frame: gpd.GeoDataFrame, target: str | Path, layer: str) -> None:
    """Write a GeoDataFrame as one layer of a GeoPackage (WGS-84), by GDAL through Arrow.

    The file holds every layer of :func:`write_outputs` (``layers.gpkg``), which QGIS and
    ArcGIS open as one source; columns as in GeoParquet (codes as JSON text, dates as ISO text).
    """
    out = for_file(frame)
    for column in out.columns:
        if column != out.geometry.name and out[column].dtype == object:
            out[column] = out[column].astype("string")
    out.to_file(target, layer=layer, driver="GPKG", engine="pyogrio", use_arrow=True)


def write_csv(frame: pd.DataFrame, target: Target) -> None:
    """Write a table as CSV for spreadsheets (:func:`riskmap.sanitize.write_csv`: UTF-8
    with BOM, formula cells neutralised), without geometry or private columns."""
    table = pd.DataFrame(for_file(frame)).drop(columns="geometry", errors="ignore")
    write_spreadsheet_csv(table, target)


def summary_json(source: Assessment | View) -> str:
    """The summary as pretty JSON text (UTF-8, Chinese kept readable)."""
    return json.dumps(source.summary, ensure_ascii=False, indent=2, default=_json_default)


def _json_default(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    raise TypeError(type(value))


def file_stem(source: Assessment | View) -> str:
    """The start of a download's file name: the region, in characters any file system takes."""
    return re.sub(r"[^\w\-]+", "_", source.info.region or "riskmap").strip("_") or "riskmap"


def layer_bytes(frame: gpd.GeoDataFrame, layer_format: str = "geojson") -> bytes:
    """A layer file in memory (what :func:`write_outputs` writes for it): GeoJSON or GeoParquet."""
    if layer_format == "geoparquet":
        buffer = io.BytesIO()
        write_geoparquet(frame, buffer)
        return buffer.getvalue()
    from riskmap.geojson import geojson_bytes

    return geojson_bytes(frame)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV file in memory (:func:`write_csv`)."""
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


def unassigned_bytes(source: Assessment | View) -> bytes:
    """``unassigned.csv`` in memory: ``dataset``, ``id``, ``reason`` in the view's language."""
    return csv_bytes(View.of(source).unassigned[UNASSIGNED_COLUMNS])


def notes_bytes(source: Assessment | View) -> bytes:
    """``notes.csv`` in memory: ``dataset``, ``id``, ``county_code``, ``note`` in the view's language."""
    return csv_bytes(View.of(source).notes[NOTE_COLUMNS])


def outputs_zip(source: Assessment | View, **options) -> bytes:
    """Every output of :func:`write_outputs` in one zip, in memory (the app's "all outputs")."""
    with tempfile.TemporaryDirectory() as tmp:
        written = write_outputs(source, tmp, **options)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, path.name)
        return buffer.getvalue()


HISTORY_FILES = ("trend_counties.csv", "trend_region.csv", "warnings.csv")
"""What a history adds to the outputs (DESIGN §9)."""


def warnings_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``warnings.csv`` as a table: its columns exactly, the messages in ``lang``."""
    from riskmap.alerts import WARNING_COLUMNS, in_language

    return pd.DataFrame(in_language(frame, lang), columns=list(WARNING_COLUMNS)).reset_index(drop=True)


def history_tables(history, view: View) -> dict[str, pd.DataFrame]:
    """The history's files as tables: ``trend_counties.csv``, ``trend_region.csv`` (the whole region) and
    ``warnings.csv`` (the warnings the view's filters let through, in its language)."""
    from riskmap.tables import warning_rows

    warnings = warning_rows(history.warnings, view) if view.filtered else history.warnings
    return {"trend_counties.csv": history.counties, "trend_region.csv": history.region,
            "warnings.csv": warnings_table(warnings, view.lang)}


def download_files(view: View, layer_ids: list[str], stem: str, history=None) -> tuple[list, list]:
    """What the page offers to download: (output files, exports), each ``(file name, bytes or a function
    making them, MIME type)``; the same writers as `riskmap assess` and `riskmap export`."""
    from riskmap.export import MIME_TYPES, export_bytes
    from riskmap.export.page import LAYERS as STATIC_LAYERS

    # The printed map draws the five built-in layers; extra ones (schools) only go to HTML.
    static_ids = [i for i in layer_ids if i in STATIC_LAYERS] or None
    files = [(name, lambda d=dataset: layer_bytes(view.frame(d)), "application/geo+json")
             for dataset, name in LAYER_FILES.items()]
    files += [(f"{d}.csv", lambda d=d: csv_bytes(view.frame(d)), "text/csv")
              for d in ("counties", "enterprises", "road_units", "hazards")]
    if history is not None:
        files += [(name, lambda name=name: csv_bytes(history_tables(history, view)[name]), "text/csv")
                  for name in HISTORY_FILES]
    files += [("risk_register.xlsx", lambda: export_bytes(view, "xlsx"), MIME_TYPES["xlsx"]),
              ("summary.json", summary_json(view).encode("utf-8"), "application/json"),
              ("unassigned.csv", lambda: unassigned_bytes(view), "text/csv"),
              ("notes.csv", lambda: notes_bytes(view), "text/csv"),
              (f"{stem}-outputs.zip", lambda: outputs_zip(view, history=history), "application/zip")]
    exports = [(f"{stem}.{fmt}", lambda fmt=fmt: export_bytes(view, fmt, layers=layer_ids if fmt == "html" else static_ids),
                mime) for fmt, mime in MIME_TYPES.items()]
    return files, exports


def write_outputs(source: Assessment | View, out_dir: str | Path, *, register_all: bool = False,
                  layer_format: str = "geojson", history=None) -> list[Path]:
    """Write every output of DESIGN §7 into ``out_dir`` and return the paths written.

    The layers are written in one thread while the register and the tables are written in
    another (``settings.write_threads``): the GeoJSON and GeoParquet writers spend their
    time in polars, Arrow and GDAL, which release the GIL, so the register's Python runs
    beside them.  Each layer's file text is streamed; nothing holds a whole file.

    Parameters
    ----------
    source
        What to write: a :class:`~riskmap.view.View` (its filters and language) or a
        whole assessment (in its language).
    register_all
        Every row in the register, not only the key ones.
    layer_format
        ``geojson`` (DESIGN §7), ``geoparquet`` (the same layers as ``.parquet``, compact)
        or ``geopackage`` (one ``layers.gpkg`` holding the five layers).
    history
        A :class:`~riskmap.history.History`: its ``trend_counties.csv``,
        ``trend_region.csv`` and ``warnings.csv`` are written too.
    """
    from concurrent.futures import ThreadPoolExecutor

    from riskmap.runtime import settings

    if layer_format not in LAYER_FORMATS:
        raise ValueError(f"layer_format {layer_format!r}; allowed: {', '.join(LAYER_FORMATS)}")
    view = View.of(source)
    view.shown  # noqa: B018 (the filtered frames, made once before two threads read them)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max(int(settings.write_threads), 1), thread_name_prefix="outputs") as pool:
        layers = pool.submit(_write_layers, view, out, layer_format)
        tables = pool.submit(_write_tables, view, out, register_all=register_all, history=history)
        written = layers.result() + tables.result()
    summary = out / "summary.json"
    with replacing(summary) as tmp:
        tmp.write_text(summary_json(view) + "\n", encoding="utf-8")
    return written + [summary]


def _write_layers(view: View, out: Path, layer_format: str) -> list[Path]:
    """The five layers, one after another, in ``layer_format``."""
    if layer_format == "geopackage":
        path = out / GEOPACKAGE_FILE
        with replacing(path) as tmp:  # a new file each time: a layer is added to an existing one, not replaced
            tmp.unlink()
            for dataset in LAYER_FILES:
                write_geopackage(view.frame(dataset), tmp, dataset)
        return [path]
    written = []
    for dataset, name in LAYER_FILES.items():
        parquet = layer_format == "geoparquet"
        path = out / (name.replace(".geojson", ".parquet") if parquet else name)
        with replacing(path) as tmp:
            (write_geoparquet if parquet else write_geojson)(view.frame(dataset), tmp)
        written.append(path)
    return written


def _write_tables(view: View, out: Path, *, register_all: bool, history) -> list[Path]:
    """``unassigned.csv``, ``notes.csv``, ``risk_register.xlsx`` and the history's tables."""
    from riskmap.export.register import write_register  # the register formats with xlsxwriter

    written = []
    tables = {"unassigned.csv": view.unassigned[UNASSIGNED_COLUMNS], "notes.csv": view.notes[NOTE_COLUMNS]}
    for name, table in tables.items():
        with replacing(out / name) as tmp:
            write_csv(table, tmp)
        written.append(out / name)
    register = out / "risk_register.xlsx"
    with replacing(register) as tmp:
        write_register(view, tmp, all_rows=register_all)
    written.append(register)
    for name, table in (history_tables(history, view) if history is not None else {}).items():
        with replacing(out / name) as tmp:
            write_csv(table, tmp)
        written.append(out / name)
    return written
