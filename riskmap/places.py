"""Where records are: the counties as the joins use them, points placed in them, the audit.

:class:`CountyPlaces` holds the counties' codes, names and shapes in WGS-84 and in the
local metric CRS; :func:`place_points` puts a frame's points in them (border rule,
tolerance) and tells the :class:`Audit` what it could not place.  :class:`Stages` times
the pipeline's stages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from riskmap import coords
from riskmap.errors import Problem
from riskmap.i18n import Msg, msg
from riskmap.io.workspace import Workspace
from riskmap.join import assign_points
from riskmap.memory import release_memory
from riskmap.runtime import settings

ProgressCallback = Callable[[str, float | None], None]


class Stages:
    """Times the pipeline's stages and reports them to a progress callback."""

    def __init__(self, progress: ProgressCallback | None = None):
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name, None)
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        release_memory()  # what the stage freed goes back to the system before the next builds its own
        self.timings[name] = self.timings.get(name, 0.0) + elapsed
        if self.progress:
            self.progress(name, elapsed)


@dataclass
class Audit:
    """What the stages say about records.

    ``unassigned``: records with no county, each with its reason (``unassigned.csv``);
    ``notes``: records that have a county but something to say, such as an unsnapped
    accident or an unknown enterprise (``notes.csv``); ``problems``: warnings.
    """

    lang: str
    unassigned: list[tuple[str, Any, Msg]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[tuple[str, Any, Any, Msg]] = field(default_factory=list)

    def unassign(self, dataset: str, ids, reasons) -> None:
        """List records as unassigned, each with its reason (a :class:`~riskmap.i18n.Msg`)."""
        for record_id, reason in zip(ids, reasons):
            self.unassigned.append((dataset, record_id, reason))

    def note(self, dataset: str, ids, county_codes, notes) -> None:
        """Note records that have a county (``county_codes``) and something to say."""
        for record_id, code, text in zip(ids, county_codes, notes):
            self.notes.append((dataset, record_id, code, text))

    def unassign_or_note(self, dataset: str, ids, county_codes, texts) -> None:
        """Each record is unassigned when it has no county, else noted."""
        for record_id, code, text in zip(ids, county_codes, texts):
            if code is None or (isinstance(code, float) and np.isnan(code)):
                self.unassigned.append((dataset, record_id, text))
            else:
                self.notes.append((dataset, record_id, code, text))

    def warn(self, file: str, text: Msg, **where) -> None:
        self.problems.append(Problem.said("warning", file, text, self.lang, **where))

    def warn_rows(self, file: str, rows, column: str, texts) -> None:
        """Warn about rows of a file, one problem per row up to the settings' limit, then how many more."""
        rows, texts = list(rows), list(texts)
        limit = settings.max_problems_per_column
        for row, text in zip(rows[:limit], texts[:limit]):
            self.warn(file, text, row=int(row), column=column)
        if len(rows) > limit:
            self.warn(file, msg("more_rows", n=len(rows) - limit), column=column)


@dataclass
class CountyPlaces:
    """The counties as the joins use them: codes, names, WGS-84 and metric shapes."""

    codes: np.ndarray
    names: np.ndarray
    geoms: np.ndarray
    metric_crs: pyproj.CRS
    metric: np.ndarray
    transformer: pyproj.Transformer

    @classmethod
    def of(cls, counties: gpd.GeoDataFrame) -> CountyPlaces:
        metric_crs = coords.local_metric_crs(tuple(counties.total_bounds))
        metric = counties.geometry.to_crs(metric_crs).to_numpy()
        shapely.prepare(metric)
        return cls(counties["county_code"].astype(str).to_numpy(), counties["county_name"].astype(str).to_numpy(),
                   counties.geometry.to_numpy(), metric_crs, metric,
                   pyproj.Transformer.from_crs(4326, metric_crs, always_xy=True))

    @property
    def position(self) -> pd.Series:
        """County code → position."""
        return pd.Series(np.arange(len(self.codes)), index=self.codes)

    def to_metric(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return self.transformer.transform(np.asarray(x, float), np.asarray(y, float))

    def code_of(self, position: np.ndarray) -> np.ndarray:
        return np.where(position >= 0, self.codes[np.maximum(position, 0)], None)

    def name_of(self, position: np.ndarray) -> np.ndarray:
        return np.where(position >= 0, self.names[np.maximum(position, 0)], None)


def no_location(geometry: gpd.GeoSeries) -> pd.Series:
    """Rows without a usable point: null, empty, or with non-finite coordinates."""
    values = geometry.to_numpy()
    missing = pd.isna(values) | shapely.is_empty(values)
    present = np.flatnonzero(~missing)
    if present.size:
        xy = shapely.get_coordinates(values[present])
        if len(xy) == len(present):  # points: one coordinate pair each
            missing[present] = ~np.isfinite(xy).all(axis=1)
    return pd.Series(missing, index=geometry.index)


def place_points(frame: gpd.GeoDataFrame, dataset: str, id_column: str, file: str, missing: np.ndarray,
                 places: CountyPlaces, audit: Audit) -> np.ndarray:
    """Assign a frame's points to counties; warn, and list the unassigned.

    ``missing`` marks the rows without a location (known by the caller).  Returns the
    county position of each row (-1: none).
    """
    geoms = frame.geometry.to_numpy()
    x = np.where(missing, np.nan, shapely.get_x(np.where(missing, None, geoms)))
    y = np.where(missing, np.nan, shapely.get_y(np.where(missing, None, geoms)))
    result = assign_points(x, y, places.geoms, codes=places.codes, to_metric=places.to_metric,
                           counties_metric=places.metric, tolerance_m=settings.border_tolerance_m)
    rows = frame["_row"].to_numpy()
    for position in np.flatnonzero(result.by_tolerance):
        audit.warn(file, msg("near_border", dist=result.distance_m[position], county=places.names[result.county[position]]),
                   row=int(rows[position]), column="lon")
    far = np.flatnonzero((result.county < 0) & np.isfinite(result.distance_m))
    reasons = []
    for position in far:
        dist = result.distance_m[position]
        words = f"{dist / 1000:.1f} km" if dist >= 1000 else f"{dist:.0f} m"
        reasons.append(msg("outside_region", dist=words, county=places.names[result.nearest[position]]))
    audit.unassign(dataset, frame[id_column].to_numpy()[far], reasons)
    return result.county


def dataset_frame(ws: Workspace, name: str, columns: list[str]) -> gpd.GeoDataFrame:
    """A dataset of the workspace, or an empty frame with ``columns`` when it has none."""
    frame = ws.datasets.get(name)
    if frame is None:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in columns}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    return frame
