"""A fast GeoJSON writer for the assessment's layers (issue 13).

``write_geojson(frame, path, *, precision=7)`` is a drop-in for
``riskmap.outputs.write_geojson`` with the same output semantics (DESIGN §7): an
RFC 7946 FeatureCollection in WGS-84, coordinates rounded to ``precision`` decimals,
private ``_``-prefixed columns dropped, reason and contributor codes as JSON text
(:func:`riskmap.reasons.json_column`), dates as ``YYYY-MM-DD`` text (``null`` for
NaT), NaN, None and non-finite floats as ``null``, numpy integers, floats and
booleans as JSON numbers and booleans, UTF-8 with Chinese unescaped, a missing or
empty geometry as ``"geometry": null``. ``geojson_bytes`` returns the same text as
bytes (for a download button).

How it is fast:

* the coordinate text is built column-wise, without GEOS' writer: the coordinates of
  all geometries of one type come out of ``shapely.to_ragged_array`` in one array,
  polars turns the rounded numbers into text (shortest round-trip form) and joins
  them level by level along the ragged offsets (Arrow list arrays);
* the properties are serialised by polars (``struct.json_encode``, Rust), columns of
  mixed Python objects alone go through :mod:`json` value by value;
* the features are assembled by ``concat_str`` in polars and written chunk by chunk
  (16,384 features or 250,000 coordinates) straight from the Arrow buffer, a writer
  thread putting one chunk on disk while the next is built, so at most two chunks of
  text are in memory, whatever the size of the layer.

A geometry with a non-finite coordinate is written as ``null``; 3-D geometries,
LinearRings and GeometryCollections go through ``shapely.to_geojson``. Polygon rings
are written in the order they have (as today's writer does; RFC 7946 recommends
counter-clockwise exteriors but parsers must accept either).

Polars is imported when a layer is written, not when :mod:`riskmap` is imported.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import io
import json
import math
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from riskmap.reasons import CODE_COLUMNS, json_column

if TYPE_CHECKING:  # pragma: no cover - typing only
    import geopandas as gpd
    import polars as pl

__all__ = ["write_geojson", "geojson_bytes", "iter_geojson", "DEFAULT_CHUNK_SIZE"]

#: Features serialised at a time: about 6 MB of text for a point layer; larger chunks
#: are no faster on the province benchmark and hold more memory (bench/README.md).
DEFAULT_CHUNK_SIZE = 16_384
#: Coordinates serialised at a time, at most (unless one geometry has more).
MAX_CHUNK_COORDINATES = 250_000

_HEADER = b'{"type":"FeatureCollection","features":[\n'
_FOOTER = b"\n]}\n"
_SEPARATOR = ",\n"

# Types written from ragged coordinate arrays (shapely type id -> GeoJSON name).
_RAGGED_TYPES = {
    0: "Point",
    1: "LineString",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
}

# How a property column is handed to polars.
_NATIVE = "native"  # polars encodes the values as they are
_DATE = "date"  # datetimes: formatted as YYYY-MM-DD first
_RAW = "raw"  # arbitrary Python objects: JSON text value by value


# --------------------------------------------------------------------------- public API
def write_geojson(frame: gpd.GeoDataFrame, path: str | Path, *, precision: int = 7,
                  chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON, streamed in chunks.

    Parameters
    ----------
    frame
        The layer. A frame with a CRS other than WGS-84 is reprojected first.
    path
        The file to write (UTF-8, one feature per line).
    precision
        Decimals kept in coordinates (7 ≈ 1 cm).
    chunk_size
        Features serialised at a time; bounds the text held in memory.

    Examples
    --------
    >>> write_geojson(assessment.enterprises, "out/enterprises.geojson")  # doctest: +SKIP
    """
    # A writer thread puts chunk k on disk while chunk k+1 is serialised (both release
    # the GIL); at most two chunks of text are held at once.
    with open(path, "wb") as handle, ThreadPoolExecutor(1, thread_name_prefix="geojson") as pool:
        pending: Future | None = None
        for piece in iter_geojson(frame, precision=precision, chunk_size=chunk_size):
            if pending is not None:
                pending.result()
            pending = pool.submit(handle.write, piece)
        if pending is not None:
            pending.result()


def geojson_bytes(frame: gpd.GeoDataFrame, *, precision: int = 7,
                  chunk_size: int = DEFAULT_CHUNK_SIZE) -> bytes:
    """The GeoJSON text of a layer as UTF-8 bytes (what ``write_geojson`` writes).

    Parameters
    ----------
    frame
        The layer. A frame with a CRS other than WGS-84 is reprojected first.
    precision
        Decimals kept in coordinates (7 ≈ 1 cm).
    chunk_size
        Features serialised at a time.

    Returns
    -------
    bytes
        A UTF-8 RFC 7946 FeatureCollection.
    """
    buffer = io.BytesIO()
    for piece in iter_geojson(frame, precision=precision, chunk_size=chunk_size):
        buffer.write(piece)
    return buffer.getvalue()


def iter_geojson(frame: gpd.GeoDataFrame, *, precision: int = 7,
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes | memoryview]:
    """Yield the GeoJSON text of a layer piece by piece (header, chunks, footer).

    Parameters
    ----------
    frame
        The layer. A frame with a CRS other than WGS-84 is reprojected first.
    precision
        Decimals kept in coordinates (7 ≈ 1 cm).
    chunk_size
        Features per yielded chunk (at least 1); a chunk of detailed shapes is cut
        sooner, at ``MAX_CHUNK_COORDINATES`` coordinates.

    Yields
    ------
    bytes or memoryview
        UTF-8 text; concatenated, a FeatureCollection.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    frame = _wgs84(frame)
    geometry = frame.geometry.name
    columns = [c for c in frame.columns if c != geometry and not str(c).startswith("_")]
    names = [str(c) for c in columns]
    if len(set(names)) != len(names):
        raise ValueError("GeoJSON properties need unique column names")
    # Reasons as data are written as JSON text, as riskmap.outputs writes them.
    values = [json_column(frame[c]) if c in CODE_COLUMNS else frame[c] for c in columns]
    plan = [(name, _column_kind(v)) for v, name in zip(values, names)]
    geoms = np.asarray(frame.geometry.array, dtype=object)
    yield _HEADER
    for start, stop in _chunks(geoms, chunk_size):
        chunk = [v.iloc[start:stop] for v in values]
        text = _features(chunk, plan, geoms[start:stop], precision=int(precision))
        if start:
            yield _SEPARATOR.encode()
        yield _utf8(text)
    yield _FOOTER


def _chunks(geoms: np.ndarray, chunk_size: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of each chunk: ``chunk_size`` features, fewer where the shapes are
    detailed, so that a chunk holds at most ``MAX_CHUNK_COORDINATES`` coordinates
    (a county layer's polygons hold thousands each)."""
    total = np.cumsum(shapely.get_num_coordinates(geoms))
    start, n = 0, len(geoms)
    while start < n:
        before = total[start - 1] if start else 0
        fits = int(np.searchsorted(total, before + MAX_CHUNK_COORDINATES, side="right"))
        stop = max(start + 1, min(start + chunk_size, fits, n))
        yield start, stop
        start = stop


# --------------------------------------------------------------------------- frame
def _wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in WGS-84 (RFC 7946); a frame without a CRS is taken as it is."""
    if not hasattr(frame, "geometry"):
        raise TypeError("write_geojson needs a GeoDataFrame with an active geometry column")
    crs = frame.crs
    if crs is not None and crs.to_epsg() != 4326:
        return frame.to_crs(4326)
    return frame


def _column_kind(values: pd.Series) -> str:
    """How a column is serialised: natively by polars, as dates, or value by value."""
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _DATE
    if isinstance(dtype, pd.CategoricalDtype):
        return _column_kind(pd.Series(np.asarray(values, dtype=object)))
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_string_dtype(dtype) and dtype != object:  # noqa: E721 (a dtype, not a type)
        return _NATIVE
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return _NATIVE
    if dtype != object:  # noqa: E721 (a numpy dtype compared with the object dtype)
        return _RAW  # timedelta, period, interval, complex, ...
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred in ("string", "empty", "boolean", "integer", "floating", "mixed-integer-float", "decimal"):
        return f"object-{inferred}"
    if inferred in ("datetime", "datetime64", "date"):
        return "object-date"
    return _RAW


def _to_polars(values: pd.Series, kind: str, name: str) -> tuple[pl.Series, bool]:
    """One property column of a chunk as a polars Series, and whether it is JSON text.

    A column whose values do not convert as their inferred type (integers beyond
    64 bits, dates in several time zones, ...) is written value by value instead.
    """
    import polars as pl

    if isinstance(values.dtype, pd.CategoricalDtype):
        values = pd.Series(np.asarray(values, dtype=object))
    if kind != _RAW:
        try:
            return _typed_series(values, kind, name), False
        except (ValueError, TypeError, OverflowError, ArithmeticError):
            pass
    return pl.Series(name, [_json_text(v) for v in values], dtype=pl.String), True


def _typed_series(values: pd.Series, kind: str, name: str) -> pl.Series:
    """A column converted to its polars type (see ``_column_kind``)."""
    import polars as pl
    import pyarrow as pa

    if kind in (_DATE, "object-date"):
        days = values if kind == _DATE else pd.to_datetime(values)
        return pl.from_pandas(days.rename(name)).dt.strftime("%Y-%m-%d")
    if kind in ("object-string", "object-empty"):
        array = pa.array(values.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
        return pl.Series(name, array)
    if kind == "object-boolean":
        values = values.astype("boolean")
    elif kind == "object-integer":
        values = values.astype("Int64")
    elif kind.startswith("object-"):  # floating, mixed-integer-float, decimal
        values = values.astype(float)
    series = pl.from_pandas(values.rename(name), nan_to_null=True)
    if series.dtype.is_float():
        series = series.fill_nan(None)
    return series


def _json_text(value: Any) -> str:
    """JSON text for one arbitrary Python value (the slow path, for mixed columns)."""
    return json.dumps(_plain(value), ensure_ascii=False, allow_nan=False)


def _plain(value: Any) -> Any:
    """A value made of JSON types only: dates as ISO text, non-finite numbers as None."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, decimal.Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        return value
    if isinstance(value, (_dt.date, np.datetime64)):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        return [_plain(v) for v in value]
    if isinstance(value, shapely.Geometry):
        return json.loads(shapely.to_geojson(value))
    return str(value)


# --------------------------------------------------------------------------- properties
def _properties(chunk: list[pd.Series], plan: list[tuple[str, str]]) -> pl.Expr | pl.Series:
    """The properties object of every feature of a chunk, as JSON text."""
    import polars as pl

    if not plan:
        return pl.lit("{}")
    converted = [_to_polars(v, kind, f"c{i}") for i, (v, (_, kind)) in enumerate(zip(chunk, plan))]
    # Columns go by position (polars reads "*" or "^...$" in a name as a pattern);
    # the struct's fields take the real names.
    frame = pl.DataFrame([series for series, _ in converted])
    # Runs of encodable columns go through one struct encoder each; columns of JSON
    # text are spliced between them, so the keys keep the frame's order.
    parts: list[pl.Expr] = []
    run: list[tuple[str, str]] = []
    for i, ((name, _), (_, raw)) in enumerate(zip(plan, converted)):
        if raw:
            parts += _encoded_run(run)
            run = []
            key = json.dumps(name, ensure_ascii=False)
            parts.append(pl.concat_str([pl.lit(key + ":"), pl.col(f"c{i}").fill_null("null")]))
        else:
            run.append((f"c{i}", name))
    if not parts:  # the usual case: one struct, braces and all
        return frame.select(_struct(run).struct.json_encode().alias("p")).to_series()
    parts += _encoded_run(run)
    inner = pl.concat_str(parts, separator=",")
    return frame.select(pl.concat_str([pl.lit("{"), inner, pl.lit("}")]).alias("p")).to_series()


def _struct(run: list[tuple[str, str]]) -> pl.Expr:
    """A struct of the run's columns (position names) with fields named as the frame's."""
    import polars as pl

    return pl.struct([pl.col(column) for column, _ in run]).struct.rename_fields([name for _, name in run])


def _encoded_run(run: list[tuple[str, str]]) -> list[pl.Expr]:
    """``"a":1,"b":"x"`` for a run of columns (the struct's text without its braces)."""
    if not run:
        return []
    return [_struct(run).struct.json_encode().str.slice(1).str.head(-1)]


# --------------------------------------------------------------------------- geometry
def _geometry_text(geoms: np.ndarray, *, precision: int) -> pl.Series:
    """GeoJSON geometry text per row: ``null`` where missing or empty."""
    import polars as pl

    n = len(geoms)
    present = ~(pd.isna(geoms) | shapely.is_empty(geoms))
    # Groups of one type and dimension: 2-D ones from ragged arrays, the rest by GEOS.
    groups = np.where(present, shapely.get_type_id(geoms) * 2 + shapely.has_z(geoms), -1)
    pieces: list[pl.Series] = []
    order: list[np.ndarray] = []
    for group_id in np.unique(groups[groups >= 0]):
        rows = np.flatnonzero(groups == group_id)
        group = geoms[rows]
        type_id, has_z = divmod(int(group_id), 2)
        if type_id in _RAGGED_TYPES and not has_z:
            text, rows = _ragged_text(group, rows, type_id, precision=precision)
        else:  # LinearRing, GeometryCollection, 3-D: GEOS' writer
            rounded = shapely.transform(group, lambda xy: np.round(xy, precision), include_z=True)
            text = pl.Series(shapely.to_geojson(rounded), dtype=pl.String)
        pieces.append(text)
        order.append(rows)
    done = np.concatenate(order) if order else np.empty(0, dtype=np.int64)
    missing = np.setdiff1d(np.arange(n), done, assume_unique=True)
    pieces.append(pl.Series(["null"] * len(missing), dtype=pl.String))
    position = np.empty(n, dtype=np.int64)
    position[np.concatenate([done, missing])] = np.arange(n)
    return pl.concat(pieces).gather(position)


def _ragged_text(group: np.ndarray, rows: np.ndarray, type_id: int, *,
                 precision: int) -> tuple[pl.Series, np.ndarray]:
    """Text of geometries of one 2-D type from their ragged coordinates.

    Geometries with a non-finite coordinate are left out (their rows are not
    returned), so they are written as ``null``.
    """
    import polars as pl

    _, coords, offsets = shapely.to_ragged_array(group, include_z=False)
    if not np.isfinite(coords).all():
        _, index = shapely.get_coordinates(group, return_index=True)
        bad = np.unique(index[~np.isfinite(shapely.get_coordinates(group)).all(axis=1)])
        keep = np.setdiff1d(np.arange(len(group)), bad)
        if keep.size == 0:
            return pl.Series([], dtype=pl.String), rows[:0]
        return _ragged_text(group[keep], rows[keep], type_id, precision=precision)
    xy = np.round(coords, precision)
    text = _nested_text(xy, offsets)
    head = '{"type":"' + _RAGGED_TYPES[type_id] + '","coordinates":'
    return pl.select(pl.concat_str([pl.lit(head), text, pl.lit("}")]).alias("g")).to_series(), rows


def _nested_text(xy: np.ndarray, offsets: tuple[np.ndarray, ...]) -> pl.Series:
    """Coordinates text per geometry: ``[x,y]`` per coordinate, joined level by level.

    (Giving each coordinate the brackets that open and close around it and joining
    once per geometry measured no faster on the 4.2 million coordinates of the
    national counties.)
    """
    import polars as pl
    import pyarrow as pa

    text = pl.select(pl.concat_str([pl.lit("["), pl.Series(xy[:, 0]), pl.lit(","), pl.Series(xy[:, 1]),
                                    pl.lit("]")]).alias("c")).to_series()
    for level in offsets:  # innermost first: coordinates -> rings/parts -> geometries
        lists = pa.LargeListArray.from_arrays(pa.array(level, type=pa.int64()), text.to_arrow())
        joined = pl.Series(lists).list.join(",")
        text = pl.select(pl.concat_str([pl.lit("["), joined, pl.lit("]")]).alias("c")).to_series()
    return text


# --------------------------------------------------------------------------- features
def _features(chunk: list[pd.Series], plan: list[tuple[str, str]], geoms: np.ndarray, *,
              precision: int) -> pl.Series:
    """The chunk's features joined by ``,\\n``, as a one-row polars Series."""
    import polars as pl

    properties = _properties(chunk, plan)
    geometry = _geometry_text(geoms, precision=precision)
    if isinstance(properties, pl.Expr):  # no property columns
        properties = pl.Series(["{}"] * len(geoms), dtype=pl.String)
    features = pl.DataFrame({"p": properties, "g": geometry}).select(
        pl.concat_str([pl.lit('{"type":"Feature","properties":'), pl.col("p"), pl.lit(',"geometry":'),
                       pl.col("g"), pl.lit("}")]).str.join(_SEPARATOR)
    )
    return features.to_series()


def _utf8(text: pl.Series) -> bytes | memoryview:
    """The UTF-8 bytes of a one-row polars String Series, straight from its Arrow buffer."""
    import pyarrow as pa

    array = text.to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_string())
    if array.null_count:
        return b""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    data = array.buffers()[2]
    if data is None:
        return b""
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]
