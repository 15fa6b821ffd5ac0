"""Counties by name: names that repeat in a province, and enterprises that name their county.

A province has several 城区, 郊区 and 矿区.  :func:`qualify_counties` keeps each
county's name as given in ``name_given`` and, when a name repeats, shows it qualified
by its city (``城区（大同市）``) or, without a ``city`` column, by its code
(``城区（140213）``), so every map label, table, filter and export tells them apart.

An enterprise without coordinates counts in the county it declares (``county_code``,
or ``county_name`` with its ``city``): :func:`resolve_declared` turns a declared name
into a code.  A name matching no county, or several, is an error naming the row when
the row has no coordinates (nothing else locates it) and a warning when it has.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.errors import ProblemLog
from riskmap.i18n import msg
from riskmap.io.identifiers import normal_name

NAME_GIVEN = "name_given"
"""The column of a county's name as its file gives it (``county_name`` may be qualified)."""


def qualify_counties(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Counties whose repeated names are qualified by their city (or code); the given name kept."""
    counties = counties.copy()
    given = counties["county_name"].astype(object)
    counties[NAME_GIVEN] = given
    if "city" not in counties:
        counties["city"] = None
    repeated = given.duplicated(keep=False) & given.notna()
    if repeated.any():
        city = counties["city"].astype(object)
        by_city = repeated & city.notna() & ~pd.Series(list(zip(given, city)), index=counties.index).duplicated(keep=False)
        qualifier = city.where(by_city, counties["county_code"].astype(str))
        counties.loc[repeated, "county_name"] = [f"{n}（{q}）" for n, q in zip(given[repeated], qualifier[repeated])]
    return counties


def _keys(counties: gpd.GeoDataFrame) -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]]]:
    """Normalised name → codes, and (name, city) → codes; the shown and ``city + name`` forms too."""
    by_name: dict[str, list[str]] = {}
    by_pair: dict[tuple[str, str], list[str]] = {}
    for code, given, shown, city in zip(counties["county_code"].astype(str), counties[NAME_GIVEN],
                                        counties["county_name"], counties["city"]):
        names = {normal_name(given), normal_name(shown)}
        if isinstance(city, str) and city:
            names.add(normal_name(f"{city}{given}"))
            by_pair.setdefault((normal_name(given), normal_name(city)), []).append(code)
        for name in names - {None}:
            codes = by_name.setdefault(name, [])
            if code not in codes:
                codes.append(code)
    return by_name, by_pair


def resolve_declared(enterprises: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, file: str, rows: pd.Series,
                     log: ProblemLog) -> gpd.GeoDataFrame:
    """Enterprises with ``declared_county`` filled from a declared county name (and city).

    ``declared_county_name`` and ``declared_city`` are dropped; each problem is logged
    against its row (an error where the row has no point, else a warning).
    """
    enterprises = enterprises.copy()
    names = enterprises.pop("declared_county_name") if "declared_county_name" in enterprises else None
    cities = enterprises.pop("declared_city") if "declared_city" in enterprises else None
    declared = enterprises["declared_county"] if "declared_county" in enterprises else pd.Series(None, index=enterprises.index)
    no_point = enterprises.geometry.isna().to_numpy() | enterprises.geometry.is_empty.to_numpy()
    known = set(counties["county_code"].astype(str))
    shown = counties["county_name"].astype(str).tolist()
    allowed = "、".join(shown[:30]) + ("…" if len(shown) > 30 else "")
    for k in np.flatnonzero(declared.notna().to_numpy() & no_point):
        code = str(declared.iat[k])
        if code not in known:
            log.error(file, msg("county_code_unknown", value=code, allowed=allowed), row=int(rows.iat[k]),
                      column="county_code", value=code)
    if names is None:
        return enterprises
    by_name, by_pair = _keys(counties)
    filled = declared.astype(object).copy()
    shown_of = dict(zip(counties["county_code"].astype(str), shown))
    for k in np.flatnonzero(names.notna().to_numpy() & declared.isna().to_numpy()):
        name, city = names.iat[k], cities.iat[k] if cities is not None else None
        codes = by_name.get(normal_name(name), [])
        if len(codes) > 1 and isinstance(city, str) and city:
            codes = by_pair.get((normal_name(name), normal_name(city)), codes)
        severity = "error" if no_point[k] else "warning"
        if len(codes) == 1:
            filled.iat[k] = codes[0]
        elif not codes:
            log.add(severity, file, msg("county_name_unknown", value=name, allowed=allowed), row=int(rows.iat[k]),
                    column="county_name", value=str(name))
        else:
            log.add(severity, file, msg("county_name_ambiguous", value=name, allowed="、".join(shown_of[c] for c in codes)),
                    row=int(rows.iat[k]), column="county_name", value=str(name))
    enterprises["declared_county"] = filled
    return enterprises
