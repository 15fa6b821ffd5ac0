"""The accident trends of many counties at once (:mod:`riskmap.trends`) agree with the one-series test."""

from __future__ import annotations

from datetime import date

import numpy as np

from riskmap.standard import load_standard
from riskmap.trends import MonthlySums, mann_kendall_screen, monthly, series_length, trend_test, trend_tests

RULE = load_standard().warnings["accident_trend"]


def many_series(rng, n=400):
    """Monthly counts as counties have them: flat, noisy, rising, jumping, with ties and zeros."""
    length = series_length(RULE)
    base = rng.poisson(rng.uniform(0, 6, (n, 1)), (n, length)).astype(float)
    rising = np.arange(length) * rng.uniform(0, 0.6, (n, 1))
    return np.where(rng.random((n, 1)) < 0.5, base + np.round(rising), base)


def test_the_batch_fires_exactly_where_the_one_series_test_does_with_its_p_and_slope():
    rng = np.random.default_rng(11)
    series = many_series(rng)
    for both in (True, False):
        batch = trend_tests(series, RULE, both=both)
        single = [trend_test(row, RULE, both=both) for row in series]
        assert [t.fires for t in batch] == [t.fires for t in single]
        assert [t.rising for t in batch] == [t.rising for t in single]
        assert [t.jumped for t in batch] == [t.jumped for t in single]
        assert any(t.rising for t in batch) and any(t.jumped and not t.rising for t in batch)
        for b, s in zip(batch, single):
            if s.rising:
                assert (b.p, b.slope, b.recent, b.before) == (s.p, s.slope, s.recent, s.before)


def test_the_screen_gives_pymannkendall_s_and_p():
    import pymannkendall

    rng = np.random.default_rng(5)
    windows = many_series(rng, 60)[:, -int(RULE["months"]):]
    s, p = mann_kendall_screen(windows)
    for row, si, pi in zip(windows, s, p):
        result = pymannkendall.original_test(row)
        assert si == result.s and abs(pi - result.p) < 1e-12


def test_monthly_sums_at_every_period_end_are_those_counted_directly():
    rng = np.random.default_rng(2)
    first = int(np.datetime64("2024-01-01", "D").astype(np.int64))
    days = rng.integers(first, first + 1100, 5000)
    group = rng.integers(-1, 7, 5000)
    deaths = rng.poisson(0.3, 5000).astype(float)
    ends = [date(2026, m, 28 if m == 2 else 30) for m in range(1, 11)] + [date(2026, 10, 17)]
    for weights in (np.ones(5000), deaths, deaths + 0.25):
        sums = MonthlySums(days, group, weights, 7, ends, 15)
        for end in ends:
            np.testing.assert_array_equal(sums.at(end), monthly(days, group, weights, 7, end, 15))
