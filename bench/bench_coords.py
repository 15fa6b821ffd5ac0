"""Time the six vectorised coordinate transforms on 1e6 points (prints figures)."""

from __future__ import annotations

import time

import numpy as np

from riskmap import coords


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(73, 135, n), rng.uniform(18, 53, n)
    for name in ("wgs84_to_gcj02", "gcj02_to_wgs84", "wgs84_to_bd09", "bd09_to_wgs84", "gcj02_to_bd09", "bd09_to_gcj02"):
        func = getattr(coords, name)
        best = min(_time(func, lon, lat) for _ in range(3))
        print(f"{name:16s} {n:,} points: {best * 1000:7.1f} ms")


def _time(func, lon, lat) -> float:
    start = time.perf_counter()
    func(lon, lat)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
