"""GCJ-02 <-> WGS-84 for the benchmark scripts.

Uses :mod:`riskmap.coords` when it is importable, else this local copy of the
published formulas (Krasovsky a = 6378245, ee = 0.00669342162296594323), so that
the generator and the reference implementation do not depend on the engine.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323


def _out_of_china(lon, lat):
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon, lat):
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    out = _out_of_china(lon, lat)
    return np.where(out, 0.0, dlon), np.where(out, 0.0, dlat)


def local_wgs84_to_gcj02(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def local_gcj02_to_wgs84(lon, lat):
    """Inverse by fixed-point iteration to well under 1 cm."""
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(30):
        flon, flat = local_wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon -= elon
        wlat -= elat
        if np.size(elon) == 0 or max(np.abs(elon).max(), np.abs(elat).max()) < 1e-10:
            break
    return wlon, wlat


try:  # the engine's implementation, when a colleague has written it
    from riskmap.coords import gcj02_to_wgs84 as _gcj02_to_wgs84  # type: ignore

    SOURCE = "riskmap.coords"
except Exception:  # pragma: no cover - depends on the tree's state
    _gcj02_to_wgs84 = local_gcj02_to_wgs84
    SOURCE = "bench/_coords.py (local)"


def gcj02_to_wgs84(lon, lat):
    return _gcj02_to_wgs84(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
