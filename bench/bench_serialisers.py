"""Benchmark: which compiled library serialises a layer's features fastest.

Usage::

    .venv/bin/python bench/bench_serialisers.py [WORKSPACE] [--layers accidents,road_units] [--repeat 3]

The evidence behind ``riskmap.geojson``'s choice of polars.  For each layer of the
assessed workspace (default ``bench/data/shanxi``) it times, best of ``--repeat``:

* **properties**: every feature's properties object as JSON, by pandas ``to_json``
  (today's writer, dates formatted first as it does), orjson and msgspec (from Python lists and dicts, the way they take
  data) and polars (``struct.json_encode`` on the frame converted from pandas);
* **features**: the same plus splicing in pre-serialised geometry text, the whole
  chunk of features as bytes: orjson with ``orjson.Fragment``, msgspec with
  ``msgspec.Struct`` and ``msgspec.Raw``, and ``riskmap.geojson`` (polars
  ``concat_str``), which also builds its geometry text;
* **geometry text**: GEOS (``shapely.transform`` rounding + ``shapely.to_geojson``,
  today's writer) against ``riskmap.geojson``'s ragged-array text.

orjson and msgspec are not dependencies of RiskMap; a library that is not installed
is skipped (``.venv/bin/pip install orjson msgspec`` to include them).  Times are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
DEFAULT_WS = HERE / "data" / "shanxi"


def _lists(props: pd.DataFrame) -> list[list]:
    """Columns as Python lists, None for missing, dates as text (what orjson/msgspec take)."""
    out = []
    for column in props.columns:
        values = props[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        if values.dtype.kind in "fiub":
            out.append(values.to_numpy().tolist())  # NaN -> null in both libraries
        else:
            out.append(values.to_numpy(dtype=object, na_value=None).tolist())
    return out


def properties_candidates(props: pd.DataFrame) -> dict:
    keys = list(props.columns)

    def pandas_to_json():  # as today's writer does: dates as text first
        dated = props.copy()
        for column in dated.columns:
            if pd.api.types.is_datetime64_any_dtype(dated[column]):
                text = dated[column].dt.strftime("%Y-%m-%d")
                dated[column] = text.astype(object).where(dated[column].notna(), None)
        return dated.to_json(orient="records", lines=True, force_ascii=False)

    cands = {"pandas to_json": pandas_to_json}
    if importlib.util.find_spec("orjson"):
        import orjson

        cands["orjson"] = lambda: orjson.dumps([dict(zip(keys, row)) for row in zip(*_lists(props))])
    if importlib.util.find_spec("msgspec"):
        import msgspec

        cands["msgspec"] = lambda: msgspec.json.encode([dict(zip(keys, row)) for row in zip(*_lists(props))])

    def polars_encode():
        import polars as pl

        frame = pl.from_pandas(props)
        frame = frame.with_columns([pl.col(c).dt.strftime("%Y-%m-%d") for c, d in frame.schema.items() if d.is_temporal()])
        return frame.select(pl.struct(pl.all()).struct.json_encode()).to_series()

    cands["polars"] = polars_encode
    return cands


def features_candidates(frame, props: pd.DataFrame, geometry_text: list[str]) -> dict:
    keys = list(props.columns)
    cands = {}
    if importlib.util.find_spec("orjson"):
        import orjson

        def orjson_features():
            fragments = [orjson.Fragment(g) for g in geometry_text]
            return orjson.dumps([{"type": "Feature", "properties": dict(zip(keys, row)), "geometry": f}
                                 for row, f in zip(zip(*_lists(props)), fragments)])

        cands["orjson + Fragment"] = orjson_features
    if importlib.util.find_spec("msgspec"):
        import msgspec

        def msgspec_features():
            fields = [(f"f{i}", object) for i in range(len(keys))]
            props_type = msgspec.defstruct("Props", fields, rename={f"f{i}": k for i, k in enumerate(keys)})
            feature_type = msgspec.defstruct("Feature", [("type", str), ("properties", props_type),
                                                         ("geometry", msgspec.Raw)])
            raws = [msgspec.Raw(g.encode()) for g in geometry_text]
            return msgspec.json.encode([feature_type("Feature", props_type(*row), r)
                                        for row, r in zip(zip(*_lists(props)), raws)])

        cands["msgspec + Struct/Raw"] = msgspec_features

    from riskmap.geojson import geojson_bytes

    cands["riskmap.geojson (polars, incl. geometry)"] = lambda: geojson_bytes(frame, chunk_size=len(frame) or 1)
    return cands


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workspace", nargs="?", default=str(DEFAULT_WS))
    ap.add_argument("--layers", default="accidents,road_units")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    from riskmap import assess
    from riskmap.geojson import _geometry_text

    assessment = assess(a.workspace)
    for layer in a.layers.split(","):
        frame = getattr(assessment, layer)
        frame = frame.drop(columns=[c for c in frame.columns if str(c).startswith("_")])
        props = frame.drop(columns=frame.geometry.name)
        geoms = frame.geometry.to_numpy()
        print(f"\n{layer}: {len(frame):,} features, {len(props.columns)} properties")
        rows = []
        for name, fn in properties_candidates(props).items():
            rows.append(("properties", name, best(fn, a.repeat)))
        text = shapely.to_geojson(shapely.transform(geoms, lambda xy: np.round(xy, 7))).tolist()
        for name, fn in features_candidates(frame, props, text).items():
            rows.append(("features", name, best(fn, a.repeat)))
        rows.append(("geometry text", "GEOS transform + to_geojson",
                     best(lambda: shapely.to_geojson(shapely.transform(geoms, lambda xy: np.round(xy, 7))), a.repeat)))  # noqa: B023
        rows.append(("geometry text", "riskmap.geojson ragged text",
                     best(lambda: _geometry_text(geoms, precision=7), a.repeat)))  # noqa: B023 (timed at once)
        width = max(len(r[1]) for r in rows)
        for what, name, seconds in rows:
            print(f"  {what:14s} {name:{width}s} {seconds:7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
