"""Accident hot spots on the road network: Getis–Ord Gi* of the road units' EPDO.

Each road unit is a point (its midpoint, in the local metric CRS of the counties); two
units are neighbours when their midpoints are at most ``band_m`` apart (binary
distance-band weights, ``libpysal``), and every unit is its own neighbour (Gi*, the
"star" statistic).  ``esda.G_Local`` defines each unit's z-score of the EPDO of its
neighbourhood against the whole network's; a unit is in a hot spot when z > 0 and the
two-sided normal p-value (twice esda's one-sided ``p_norm``) is below ``p`` (0.05:
z > 1.96, the 95 % hot spots of the usual GIS hot-spot analysis).  No permutations are
drawn, so the result is the same on every run.  :class:`GiStar` computes esda's
figures with esda's own arithmetic straight from the sparse weights, once for the
whole network at ``as_of`` and, for earlier period ends, only for the units hot now
(a history's twelve periods cost about what one ``esda.G_Local`` does).

The band (``[warnings.hotspot] band_m``): 1,500 m by default, so that with the 1-km
units of DESIGN §6 a unit's neighbours are the units either side of it on its road
and those of crossing roads near a junction; ``"auto"`` takes the smallest band that
gives every unit at least one neighbour (``libpysal.weights.min_threshold_distance``),
which one remote unit can make very wide.  The weights depend only on the units, so
they are built once per prepared workspace and kept (a KD-tree's pairs within the
band, as a CSR matrix).
"""

from __future__ import annotations

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


def distance_band(prepared: Prepared, band: float | str) -> tuple[scipy.sparse.csr_matrix, float]:
    """The binary distance-band weights of the road units, with self-weights: a CSR matrix (rows and
    their neighbours in order, the order ``libpysal.graph.Graph.sparse`` gives), and the band in metres."""
    xy = unit_midpoints(prepared)
    metres = band_of(xy, band)
    key = ("distance_band", metres)
    if key not in prepared.cache:
        prepared.cache[key] = (band_matrix(xy, metres), metres)
    return prepared.cache[key]


def band_matrix(xy: np.ndarray, metres: float) -> scipy.sparse.csr_matrix:
    """Binary weights of the points ``xy`` within ``metres`` of each other, each its own neighbour.

    The pattern only (a CSR matrix of int8 ones, int32 indices, each row's neighbours in
    order): a nation's road units have tens of millions of neighbour pairs, and float
    weights would hold 8 bytes more per pair (:func:`neighbour_sums` makes them a block
    at a time instead).
    """
    from scipy.spatial import KDTree

    n = len(xy)
    pairs = KDTree(xy).query_pairs(metres, output_type="ndarray") if n else np.zeros((0, 2), dtype=int)
    index = np.int32 if n < 2**31 - 1 else np.int64
    first, second = pairs[:, 0].astype(index), pairs[:, 1].astype(index)
    del pairs
    own = np.arange(n, dtype=index)
    rows, cols = np.concatenate([first, second, own]), np.concatenate([second, first, own])
    del first, second
    matrix = scipy.sparse.coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()
    matrix.sort_indices()
    return matrix


def neighbour_sums(matrix: scipy.sparse.csr_matrix, y: np.ndarray, rows: np.ndarray | None = None,
                   block: int = 4_000_000) -> np.ndarray:
    """``W @ y`` for the binary weights ``W`` (the rows ``rows`` of it, default all) as esda computes it
    (``csr_matvec`` over float weights), made about ``block`` weights at a time."""
    chosen = matrix if rows is None else matrix[rows]
    indptr, n_rows = chosen.indptr, chosen.shape[0]
    out = np.empty(n_rows)
    start = 0
    while start < n_rows:
        stop = min(max(int(np.searchsorted(indptr, indptr[start] + block, side="right")) - 1, start + 1), n_rows)
        part = chosen[start:stop]
        out[start:stop] = scipy.sparse.csr_matrix((np.ones(part.nnz), part.indices, part.indptr), shape=part.shape) @ y
        start = stop
    return out


def weights_graph(matrix: scipy.sparse.csr_matrix):
    """The same weights as a binary ``libpysal.graph.Graph`` (what ``esda.G_Local`` takes; for checking)."""
    from libpysal.graph import Graph

    focal = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    return Graph.from_arrays(focal, matrix.indices, np.ones(matrix.nnz), is_sorted=True).transform("B")


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
        return significant(self.z, self.p, alpha)


def significant(z: np.ndarray, p: np.ndarray, alpha: float) -> np.ndarray:
    """In a hot spot: z > 0 and p < ``alpha`` (NaN: not)."""
    with np.errstate(invalid="ignore"):
        return (np.nan_to_num(z) > 0) & (np.nan_to_num(p, nan=1.0) < alpha)


def two_sided(z: np.ndarray) -> np.ndarray:
    """Twice esda's one-sided ``p_norm`` (scipy's normal survival function, as esda computes it), at most 1."""
    return np.minimum(2.0 * scipy.stats.norm.sf(np.abs(z)), 1.0)


class GiStar:
    """Getis–Ord Gi* of road-unit EPDO: ``esda.G_Local(y, w, transform="B", star=None, permutations=0)``'s
    z-scores, computed from the CSR weights with esda's own arithmetic (``G_Local.calc``), in the same order.

    Why not ``esda.G_Local`` itself: it copies the ``libpysal`` graph and converts it to a
    sparse matrix through pandas (about 0.8 s for a province's 191,000 units) and sums
    the rows again on every ``calc``; a history asks for twelve periods, and for the
    earlier ones only the units hot now matter (:meth:`z_of`: those rows of the matrix).
    ``tests/test_clusters.py`` checks every figure against ``esda.G_Local``, bit for bit.
    """

    def __init__(self, prepared: Prepared | None, *, band: float | str, matrix: scipy.sparse.csr_matrix | None = None):
        """The weights of ``prepared``'s road units (:func:`distance_band`), or ``matrix`` (band in metres)."""
        self.matrix, self.band = distance_band(prepared, band) if matrix is None else (matrix, float(band))
        # esda: cardinality = W.sum(axis=1) (a count of ones), the same for every y
        self.neighbours = np.diff(self.matrix.indptr).astype(float)

    def _z(self, y: np.ndarray, total: np.ndarray, cardinality: np.ndarray) -> np.ndarray:
        """esda's ``G_Local.calc`` for binary weights with self-weights (star: nothing removed)."""
        n = len(y)
        statistic = total / y.sum()
        empirical_mean = y.sum() / n
        mean_of_squares = (y**2).sum() / n
        empirical_variance = mean_of_squares - empirical_mean**2
        expected_value = cardinality / n
        expected_variance = cardinality * (n - cardinality)
        expected_variance /= n - 1
        expected_variance *= 1 / n**2
        expected_variance *= empirical_variance / (empirical_mean**2)
        with np.errstate(divide="ignore", invalid="ignore"):  # islands: only compared with themselves
            return (statistic - expected_value) / np.sqrt(expected_variance)

    def _flat(self, y: np.ndarray) -> bool:
        return len(y) < 3 or not np.ptp(y) > 0

    def __call__(self, epdo: np.ndarray) -> HotSpots:
        y = np.asarray(epdo, dtype=float)
        n, total = len(y), neighbour_sums(self.matrix, y)
        if self._flat(y):
            nan = np.full(n, np.nan)
            return HotSpots(nan, nan.copy(), self.neighbours, total, self.band)
        z = self._z(y, total, self.neighbours)
        return HotSpots(z, two_sided(z), self.neighbours, total, self.band)

    def z_of(self, epdo: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The z-scores of the units ``rows`` only (the same figures as ``self(epdo).z[rows]``)."""
        y = np.asarray(epdo, dtype=float)
        if self._flat(y):
            return np.full(len(rows), np.nan)
        return self._z(y, neighbour_sums(self.matrix, y, rows), self.neighbours[rows])


def hot_spots(prepared: Prepared, epdo: np.ndarray, *, band: float | str) -> HotSpots:
    """Getis–Ord Gi* of the units' EPDO (one period; :class:`GiStar` for several)."""
    return GiStar(prepared, band=band)(epdo)
