"""Gi* hot spots (:mod:`riskmap.clusters`): the fast path gives esda's figures, bit for bit."""

from __future__ import annotations

import warnings

import esda
import numpy as np
import pytest

from riskmap.clusters import GiStar, band_matrix, two_sided, weights_graph


def esda_z(y: np.ndarray, matrix) -> np.ndarray:
    """What the obvious call gives: ``esda.G_Local`` on the same binary weights with self-weights."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = esda.G_Local(y, weights_graph(matrix), transform="B", star=None, permutations=0)
    return np.asarray(g.Zs, dtype=float), g.p_norm


@pytest.fixture(scope="module")
def network():
    rng = np.random.default_rng(7)
    # clustered "unit midpoints" and a few far-off ones (islands: only their own neighbour)
    xy = np.vstack([rng.normal(0, 3000, (600, 2)), rng.normal(20000, 800, (200, 2)), [[1e6, 1e6], [-1e6, 5e5]]])
    return band_matrix(xy, 1500.0)


def epdo_values(rng, n):
    """EPDO as it comes: mostly zero, ties, a few large values (3 per fatal accident and so on)."""
    y = np.zeros(n)
    hit = rng.choice(n, n // 5, replace=False)
    y[hit] = rng.choice([1.0, 2.0, 3.0, 6.0, 11.0, 0.5], len(hit))
    return y


def test_gi_star_gives_esda_g_local_z_scores_and_p_values_exactly(network):
    rng = np.random.default_rng(3)
    gi = GiStar(None, band=1500, matrix=network)
    for _ in range(5):
        y = epdo_values(rng, network.shape[0])
        spots = gi(y)
        z, p_norm = esda_z(y, network)
        np.testing.assert_array_equal(spots.z, z)
        np.testing.assert_array_equal(spots.p, np.minimum(2 * p_norm, 1.0))
        assert spots.significant(0.05).any()  # the clusters do have hot spots


def test_the_z_scores_of_some_units_are_those_of_the_whole_network(network):
    rng = np.random.default_rng(4)
    gi = GiStar(None, band=1500, matrix=network)
    y = epdo_values(rng, network.shape[0])
    rows = np.sort(rng.choice(network.shape[0], 50, replace=False))
    np.testing.assert_array_equal(gi.z_of(y, rows), gi(y).z[rows])
    np.testing.assert_array_equal(two_sided(gi.z_of(y, rows)), gi(y).p[rows])


def test_the_neighbour_sums_made_in_blocks_are_those_of_the_float_weights(network):
    from scipy.sparse import csr_matrix

    from riskmap.clusters import neighbour_sums

    y = epdo_values(np.random.default_rng(8), network.shape[0])
    weights = csr_matrix((np.ones(network.nnz), network.indices, network.indptr), shape=network.shape)
    rows = np.arange(0, network.shape[0], 3)
    for block in (1, 50, 10_000_000):
        np.testing.assert_array_equal(neighbour_sums(network, y, block=block), weights @ y)
        np.testing.assert_array_equal(neighbour_sums(network, y, rows, block=block), (weights @ y)[rows])


def test_a_network_without_variation_has_no_hot_spots(network):
    gi = GiStar(None, band=1500, matrix=network)
    flat = np.full(network.shape[0], 2.0)
    assert np.isnan(gi(flat).z).all() and not gi(flat).significant(0.05).any()
    assert np.isnan(gi.z_of(flat, np.arange(3))).all()
