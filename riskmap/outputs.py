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
from riskmap.i18n import HAZARD_STATUS_LABELS, grade_label, label
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


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\s]+')
"""Characters no file system (Windows, macOS, Linux) takes in a name, and white space."""

MAX_STEM = 120
"""Bytes (UTF-8) of a stem before its date: a name stays within the 255 bytes every file system takes."""


def file_stem(source: Assessment | View) -> str:
    """The start of a download's file name: the region, the filters and the date, e.g. ``大同市_煤矿_2026-10-31``.

    Sectors, counties, grades and statuses are named in the view's language (several joined by ``+``),
    a time window by its dates; the date is the period end shown (the assessment's ``as_of``).  What no
    file system takes (``\\ / : * ? " < > |``, control characters, spaces) becomes ``_``, and the name is
    kept short enough for every file system (a long list of counties is cut and marked ``…``).
    """
    view = View.of(source)
    parts = [view.info.region or "riskmap"]
    f = view.filters
    if f is not None and f.active:
        names = view.county_names
        for values, word in ((f.sectors, lambda s: view.sectors.label(s, view.lang)),
                             (f.counties, lambda c: names.get(c, c)), (f.grades, lambda g: grade_label(g, view.lang)),
                             (f.hazard_statuses, lambda s: label(HAZARD_STATUS_LABELS, s, view.lang))):
            if values:
                parts.append("+".join(word(v) for v in values))
        if f.date_from or f.date_to:
            parts.append(f"{f.date_from or ''}~{f.date_to or ''}")
    day = view.period or view.info.as_of
    stem = _UNSAFE.sub("_", "_".join(str(p) for p in parts)).strip("._") or "riskmap"
    if len(stem.encode("utf-8")) > MAX_STEM:  # file systems count bytes (255); leave room for the rest
        while len(stem.encode("utf-8")) > MAX_STEM - 3:
            stem = stem[:-1]
        stem = stem.rstrip("_+") + "…"
    return f"{stem}_{day.isoformat()}" if hasattr(day, "isoformat") else stem


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


def download_files(view: View, layer_ids: list[str], stem: str, history=None, *, options=None) -> tuple[list, list]:
    """What the page offers to download: (output files, exports), each ``(file name, bytes or a function
    making them, MIME type)``; the same writers as `riskmap assess` and `riskmap export`.

    Every file is of the view (its filters, language and period; the zip's ``summary.json`` and
    ``unassigned.csv`` too) and is named ``{stem}_{file}`` (``大同市_煤矿_2026-10-31_counties.geojson``;
    an export ``大同市_煤矿_2026-10-31.png``).  ``options`` (:class:`riskmap.export.ExportOptions`: paper,
    orientation, dpi, title) go to the printed exports.
    """
    from riskmap.export import MIME_TYPES, ExportOptions, export_bytes
    from riskmap.export.page import LAYERS as STATIC_LAYERS

    options = options or ExportOptions()

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
              ("outputs.zip", lambda: outputs_zip(view, history=history), "application/zip")]
    exports = [(f"{stem}.{fmt}", lambda fmt=fmt: export_bytes(view, fmt, options=options,
                                                             layers=layer_ids if fmt == "html" else static_ids),
                mime) for fmt, mime in MIME_TYPES.items()]
    files = [(f"{stem}_{name}", data, mime) for name, data, mime in files]
    return files, exports


def write_outputs(source: Assessment | View, out_dir: str | Path, *, register_all: bool = False,
                  layer_format: str = "geojson", history=None) -> list[Path]:
    """Write every output of DESIGN §7 into ``out_dir`` and return the paths written.

    The same as ``start_outputs(source, out_dir, ...).finish(history)``: see
    :func:`start_outputs` for how the files are written.

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
    return start_outputs(source, out_dir, register_all=register_all, layer_format=layer_format).finish(history)


def start_outputs(source: Assessment | View, out_dir: str | Path, *, register_all: bool = False,
                  layer_format: str = "geojson") -> PendingOutputs:
    """Start writing an assessment's layers, ``unassigned.csv``, ``notes.csv`` and register.

    ``riskmap assess`` calls this as soon as the assessment at ``as_of`` is graded, and
    grades the history and finds the warnings while the files are written; then
    :meth:`PendingOutputs.finish` writes the history's tables and ``summary.json``.

    The layers and the register are written by two forked processes
    (:mod:`riskmap.workers`, ``settings.write_processes``) when forking is safe and the
    machine has the memory for them; otherwise by two threads when
    :meth:`~PendingOutputs.finish` is called (``settings.write_threads``: the GeoJSON and
    GeoParquet writers spend much of their time in polars, Arrow and GDAL, which release
    the GIL, so the register's Python runs beside them). Either way each file appears
    whole or not at all (:func:`riskmap.atomic.replacing`), and each layer's text is
    streamed; nothing holds a whole file.

    Parameters are those of :func:`write_outputs`.
    """
    from functools import partial

    from riskmap.runtime import settings
    from riskmap.workers import Worker, can_fork

    if layer_format not in LAYER_FORMATS:
        raise ValueError(f"layer_format {layer_format!r}; allowed: {', '.join(LAYER_FORMATS)}")
    view = View.of(source)
    view.shown  # noqa: B018 (the filtered frames, made once before two writers read them)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = {"layers": partial(_write_layers, view, out, layer_format),
            "register": partial(_write_record_tables, view, out, register_all=register_all)}
    if int(settings.write_processes) >= len(jobs) and can_fork(len(jobs)):
        workers = []
        try:
            for name, job in jobs.items():
                workers.append(Worker(job, name=f"riskmap-{name}"))
        except BaseException:
            for worker in workers:
                worker.cancel()
            raise
        return PendingOutputs(view, out, workers=workers)
    return PendingOutputs(view, out, jobs=list(jobs.values()))


class PendingOutputs:
    """Outputs being written (:func:`start_outputs`); :meth:`finish` completes them."""

    def __init__(self, view: View, out: Path, *, workers: list | None = None, jobs: list | None = None) -> None:
        self.view, self.out = view, out
        self._workers, self._jobs = list(workers or []), list(jobs or [])

    @property
    def forked(self) -> bool:
        """Whether the files are being written by forked processes (else by threads, in :meth:`finish`)."""
        return bool(self._workers)

    def finish(self, history=None) -> list[Path]:
        """Wait for the files, then write the history's tables and ``summary.json``; the paths written.

        ``history`` is the :class:`~riskmap.history.History` whose assessment is the one being
        written (its summary, with the forecast and the warnings counted, is ``summary.json``'s).
        The first error of a writer is raised here (the other writer is stopped first).
        """
        written = self._wait()
        for name, table in (history_tables(history, self.view) if history is not None else {}).items():
            with replacing(self.out / name) as tmp:
                write_csv(table, tmp)
            written.append(self.out / name)
        summary = self.out / "summary.json"
        with replacing(summary) as tmp:
            tmp.write_text(summary_json(self.summary_source(history)) + "\n", encoding="utf-8")
        return written + [summary]

    def cancel(self) -> None:
        """Stop the writers (their temporary files are removed); nothing more is written."""
        for worker in self._workers:
            worker.cancel()
        self._workers, self._jobs = [], []

    def _wait(self) -> list[Path]:
        if self._workers:
            try:
                return [path for worker in self._workers for path in worker.result()]
            except BaseException:
                self.cancel()
                raise
        from concurrent.futures import ThreadPoolExecutor

        from riskmap.runtime import settings

        with ThreadPoolExecutor(max(int(settings.write_threads), 1), thread_name_prefix="outputs") as pool:
            futures = [pool.submit(job) for job in self._jobs]
            return [path for future in futures for path in future.result()]

    def summary_source(self, history=None) -> Assessment | View:
        """What ``summary.json`` counts: the view written, or (nothing filtered) the history's assessment."""
        # A view with filters counts what it shows and leaves out the region's history, forecast and warnings
        # (riskmap.filters.shown_summary); without filters its summary is the assessment's, which the history
        # completed with them after the files were started.
        if history is None or self.view.filtered or self.view.period is not None:
            return self.view
        return history.assessment


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


def _write_record_tables(view: View, out: Path, *, register_all: bool) -> list[Path]:
    """``unassigned.csv``, ``notes.csv`` and ``risk_register.xlsx``."""
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
    return written
