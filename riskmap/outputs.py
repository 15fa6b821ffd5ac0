"""Writing an assessment's outputs (DESIGN §7).

``write_outputs(assessment, out_dir)`` writes, in WGS-84: ``counties.geojson``,
``enterprises.geojson``, ``road_units.geojson``, ``hazards.geojson``,
``accidents.geojson``, ``unassigned.csv``, ``risk_register.xlsx`` and
``summary.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap.assessment import Assessment
from riskmap.sanitize import write_csv

LAYER_FILES = {
    "counties": "counties.geojson",
    "enterprises": "enterprises.geojson",
    "road_units": "road_units.geojson",
    "hazards": "hazards.geojson",
    "accidents": "accidents.geojson",
}


def _for_file(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make a frame writable as GeoJSON: dates as ISO text, no private columns."""
    out = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    for column in out.columns:
        if column == out.geometry.name:
            continue
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d").where(values.notna(), None)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            out[column] = values.astype(object).where(values.notna(), None)
    return out


def write_geojson(frame: gpd.GeoDataFrame, path: Path, *, precision: int = 7) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON (WGS-84, 7 decimals ≈ 1 cm).

    Geometries go through ``shapely.to_geojson`` and properties through pandas'
    JSON writer, both vectorised: 2.5× faster than GDAL's GeoJSON driver for the
    300,000 accidents of the province benchmark.
    """
    out = _for_file(frame)
    geometry = out.geometry.to_numpy()
    present = ~(pd.isna(geometry) | shapely.is_empty(geometry))
    rounded = np.full(len(out), None, dtype=object)
    if present.any():
        rounded[present] = shapely.transform(geometry[present], lambda xy: np.round(xy, precision))
    geojson = np.full(len(out), "null", dtype=object)
    if present.any():
        geojson[present] = shapely.to_geojson(rounded[present])
    properties = out.drop(columns=out.geometry.name)
    lines = properties.to_json(orient="records", lines=True, force_ascii=False).splitlines() if len(out) else []
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "features": [\n')
        handle.write(",\n".join(f'{{"type": "Feature", "properties": {p}, "geometry": {g}}}' for p, g in zip(lines, geojson)))
        handle.write("\n]}\n")


def summary_json(assessment: Assessment) -> str:
    """The summary as pretty JSON text (UTF-8, Chinese kept readable)."""
    return json.dumps(assessment.summary, ensure_ascii=False, indent=2, default=_json_default)


def _json_default(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    raise TypeError(type(value))


LAYER_FORMATS = ("geojson", "geoparquet")


def write_geoparquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a GeoDataFrame as GeoParquet (WGS-84): compact and fast for a province."""
    out = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    for column in out.columns:
        if column != out.geometry.name and out[column].dtype == object:
            # Mixed None/str object columns become plain text columns.
            out[column] = out[column].astype("string")
    out.to_parquet(path, index=False)


def write_outputs(assessment: Assessment, out_dir: str | Path, *, register_all: bool = False,
                  layer_format: str = "geojson") -> list[Path]:
    """Write every output of DESIGN §7 into ``out_dir`` and return the paths written.

    Parameters
    ----------
    register_all
        Every row in the register, not only the key ones.
    layer_format
        ``geojson`` (DESIGN §7) or ``geoparquet``: the same layers as ``.parquet``,
        which a province's 700,000 features write in a few seconds instead of a dozen.
    """
    from riskmap.register import write_register  # the register formats with openpyxl/xlsxwriter

    if layer_format not in LAYER_FORMATS:
        raise ValueError(f"layer_format {layer_format!r}; allowed: {', '.join(LAYER_FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for attribute, name in LAYER_FILES.items():
        if layer_format == "geoparquet":
            path = out / name.replace(".geojson", ".parquet")
            write_geoparquet(getattr(assessment, attribute), path)
        else:
            path = out / name
            write_geojson(getattr(assessment, attribute), path)
        written.append(path)
    unassigned = out / "unassigned.csv"
    write_csv(assessment.unassigned, unassigned)
    written.append(unassigned)
    register = out / "risk_register.xlsx"
    write_register(assessment, register, all_rows=register_all)
    written.append(register)
    summary = out / "summary.json"
    summary.write_text(summary_json(assessment) + "\n", encoding="utf-8")
    written.append(summary)
    return written
