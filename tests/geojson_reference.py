"""The GeoJSON writer ``riskmap assess`` used before issue 13 (shapely ``to_geojson`` + pandas ``to_json``).

Kept as the reference the fast writer (:mod:`riskmap.geojson`) is checked against
(tests/test_geojson_writer.py) and timed against (bench/bench_write.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from riskmap.outputs import for_file


def write_geojson(frame, target, *, precision: int = 7) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON (WGS-84, 7 decimals), the whole text at once."""
    out = for_file(frame)
    geometry = out.geometry.to_numpy()
    present = ~(pd.isna(geometry) | shapely.is_empty(geometry))
    geojson = np.full(len(out), "null", dtype=object)
    if present.any():
        rounded = shapely.transform(geometry[present], lambda xy: np.round(xy, precision))
        geojson[present] = shapely.to_geojson(rounded)
    properties = out.drop(columns=out.geometry.name)
    lines = properties.to_json(orient="records", lines=True, force_ascii=False).splitlines() if len(out) else []
    text = ('{"type": "FeatureCollection", "features": [\n'
            + ",\n".join(f'{{"type": "Feature", "properties": {p}, "geometry": {g}}}' for p, g in zip(lines, geojson))
            + "\n]}\n")
    if isinstance(target, (str, Path)):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text.encode("utf-8"))
