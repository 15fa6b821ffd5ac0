"""Accident hot spots on the road network: Getis–Ord Gi* of the road units' EPDO.

Each road unit is a point (its midpoint, in the local metric CRS of the counties); two
units are neighbours when their midpoints are at most ``band_m`` apart (binary
distance-band weights, ``libpysal``), and every unit is its own neighbour (Gi*, the
"star" statistic).  ``esda.G_Local`` gives each unit's z-score of the EPDO of its
neighbourhood against the whole network's; a unit is in a hot spot when z > 0 and the
two-sided normal p-value (twice esda's one-sided ``p_norm``) is below ``p`` (0.05:
z > 1.96, the 95 % hot spots of the usual GIS hot-spot analysis).  No permutations are
drawn, so the result is the same on every run.

The band (``[warnings.hotspot] band_m``): 1,500 m by default, so that with the 1-km
units of DESIGN §6 a unit's neighbours are the units either side of it on its road
and those of crossing roads near a junction; ``"auto"`` takes the smallest band that
gives every unit at least one neighbour (``libpysal.weights.min_threshold_distance``),
which one remote unit can make very wide.  The weights depend only on the units, so
they are built once per prepared workspace and kept.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse
import scipy.stats
import shapely

from riskmap.spatial import Prepared


def unit_midpoints(prepared: Prepared) -> np.ndarray:
    """The road units' midpoints in the counties' metric CRS, ``n × 2`` (kept on the Prepared)."""
    if "unit_midpoints" not in prepared.cache:
        geometry = prepared.network.geometry
        if geometry is None or not len(geometry):
            prepared.cache["unit_midpoints"] = np.zeros((0, 2))
        else:
            middle = shapely.line_interpolate_point(geometry, 0.5, normalized=True)
            x, y = prepared.places.to_metric(shapely.get_x(middle), shapely.get_y(middle))
            prepared.cache["unit_midpoints"] = np.column_stack([x, y])
    return prepared.cache["unit_midpoints"]


def band_of(xy: np.ndarray, band: float | str) -> float:
    """The distance band in metres (``"auto"``: the smallest that leaves no unit without a neighbour)."""
    if band != "auto":
        return float(band)
    if len(xy) < 2:
        return 0.0
    import libpysal

    return float(libpysal.weights.min_threshold_distance(xy))


def distance_band(prepared: Prepared, band: float | str):
    """The binary distance-band weights of the road units, with self-weights (a ``libpysal.graph.Graph``)."""
    xy = unit_midpoints(prepared)
    metres = band_of(xy, band)
    key = ("distance_band", metres)
    if key not in prepared.cache:
        from libpysal.graph import Graph
        from scipy.spatial import KDTree

        n = len(xy)
        pairs = KDTree(xy).query_pairs(metres, output_type="ndarray") if n else np.zeros((0, 2), dtype=int)
        rows = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n)])
        cols = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n)])
        matrix = scipy.sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        matrix.sort_indices()
        # The CSR rows in order, their neighbours in order: the canonical order libpysal sorts into.
        focal = np.repeat(np.arange(n), np.diff(matrix.indptr))
        # Binary weights, their sparse form made now (where it may run beside other work) and kept.
        graph = Graph.from_arrays(focal, matrix.indices, matrix.data, is_sorted=True).transform("B")
        graph.sparse  # noqa: B018
        prepared.cache[key] = (graph, matrix, metres)
    return prepared.cache[key]


@dataclass
class HotSpots:
    """Gi* of every road unit.

    Attributes
    ----------
    z, p
        The z-score and its two-sided normal p-value (NaN when the network has no
        variation: no accidents, or the same everywhere).
    neighbours, total
        How many units the neighbourhood holds (the unit itself included), and their EPDO.
    band
        The band in metres.
    """

    z: np.ndarray
    p: np.ndarray
    neighbours: np.ndarray
    total: np.ndarray
    band: float

    def significant(self, alpha: float) -> np.ndarray:
        """Units in a hot spot: z > 0 and p < ``alpha``."""
        with np.errstate(invalid="ignore"):
            return (np.nan_to_num(self.z) > 0) & (np.nan_to_num(self.p, nan=1.0) < alpha)


class GiStar:
    """Getis–Ord Gi* (``esda.G_Local``: binary distance-band weights, no permutations) of road-unit EPDO.

    The weights are prepared once (by the first ``esda.G_Local``); each further EPDO (an
    earlier period end) is computed by the same object's ``calc``, so a history's
    periods cost a sparse product each.
    """

    def __init__(self, prepared: Prepared, *, band: float | str):
        self.graph, self.matrix, self.band = distance_band(prepared, band)
        self.neighbours = np.asarray(self.matrix.sum(axis=1)).ravel()
        self._g = None

    def __call__(self, epdo: np.ndarray) -> HotSpots:
        y = np.asarray(epdo, dtype=float)
        n, total = len(y), self.matrix @ y
        if n < 3 or not np.ptp(y) > 0:
            nan = np.full(n, np.nan)
            return HotSpots(nan, nan.copy(), self.neighbours, total, self.band)
        with warnings.catch_warnings():  # islands (a unit alone within its band) are only compared with themselves
            warnings.simplefilter("ignore")
            if self._g is None:
                import esda

                self._g = esda.G_Local(y, self.graph, transform="B", star=None, permutations=0)
            else:
                self._g.y = y
                self._g.calc()
        z = np.asarray(self._g.Zs, dtype=float).copy()
        # Two-sided: twice esda's one-sided p_norm (scipy's normal survival function, as esda computes it).
        p = np.minimum(2.0 * scipy.stats.norm.sf(np.abs(z)), 1.0)
        return HotSpots(z, p, self.neighbours, total, self.band)


def hot_spots(prepared: Prepared, epdo: np.ndarray, *, band: float | str) -> HotSpots:
    """Getis–Ord Gi* of the units' EPDO (one period; :class:`GiStar` for several)."""
    return GiStar(prepared, band=band)(epdo)
