"""Grading enterprises and counties by the standard (DESIGN §6).

Functions take plain frames with canonical columns and return grades, scores and the
reasons of every rule that fired, as data (``reason_codes``, tuples of
:class:`~riskmap.reasons.Reason`) and in words in ``lang`` (``reasons``).  All
numbers come from the :class:`~riskmap.standard.Standard`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskmap.grades import GRADES, RANK, from_rank, grade_by_thresholds
from riskmap.memory import shared_texts
from riskmap.reasons import Codes, Reason, column, object_array, render_column
from riskmap.standard import Standard


def _join_codes(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Per row, the first part's codes followed by the reasons of later rules that fired.

    ``parts[0]`` holds a tuple per row; later parts a :class:`Reason` or ``None``.  Most
    records carry only their first reason, so only rows where a later rule fired are
    joined in Python.
    """
    joined = parts[0].copy()
    later = parts[1:]
    if later:
        fired = np.zeros(len(joined), dtype=bool)
        for part in later:
            fired |= pd.notna(part)
        for k in np.flatnonzero(fired):
            joined[k] = tuple(joined[k]) + tuple(part[k] for part in later if part[k] is not None)
    return joined


def _codes_by_unique(frame: pd.DataFrame, build: Callable[..., Reason]) -> np.ndarray:
    """``(build(*row),)`` for each row, calling ``build`` once per distinct row.

    Reasons repeat a few LEC, matrix and baseline combinations over hundreds of
    thousands of enterprises; building the distinct ones only keeps grading fast.
    """
    codes, uniques = pd.MultiIndex.from_frame(frame).factorize()
    built = object_array([(build(*values),) for values in uniques])
    return built[codes]


def _where(fires: pd.Series, values: pd.Series, build: Callable[[object], Reason]) -> np.ndarray:
    """``build(value)`` where a rule fires, ``None`` elsewhere (building only the rows that fire)."""
    out = np.full(len(fires), None, dtype=object)
    positions = np.flatnonzero(fires.to_numpy(dtype=bool))
    for k, value in zip(positions, values.to_numpy(dtype=object)[positions]):
        out[k] = build(value)
    return out


def _baseline_reason(standard: Standard) -> Callable[[str, str], Reason]:
    """The reason of a sector baseline; a sector the default standard lacks carries its own labels."""
    from riskmap.sectors import default_sectors

    sectors, default = standard.sectors, default_sectors()

    def build(sector: str, grade: str) -> Reason:
        own = sectors.get(sector)
        if own is not None and default.get(sector) != own:
            return Reason.of("baseline", sector=sector, grade=grade, sector_zh=own.zh, sector_en=own.en)
        return Reason.of("baseline", sector=sector, grade=grade)
    return build


def _inherent(enterprises: pd.DataFrame, rules: dict, standard: Standard) -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    """Method, inherent value, inherent grade and its reason: LEC, else the matrix, else the baseline."""
    index = enterprises.index
    lec = enterprises[["lec_l", "lec_e", "lec_c"]].astype(float)
    has_lec = lec.notna().all(axis=1)
    matrix = enterprises[["likelihood", "severity"]].astype(float)
    has_matrix = matrix.notna().all(axis=1) & ~has_lec
    baseline = ~has_lec & ~has_matrix
    d_value = lec.prod(axis=1, min_count=3)
    r_value = matrix.prod(axis=1, min_count=2)
    value = pd.Series(np.where(has_lec, d_value, np.where(has_matrix, r_value, np.nan)), index=index)
    method = pd.Series(shared_texts([(has_lec, "lec"), (has_matrix, "matrix")], "baseline"), index=index, dtype=object)
    lec_grade = grade_by_thresholds(d_value.fillna(0), rules["lec"]["thresholds"])
    matrix_grade = grade_by_thresholds(r_value.fillna(0), rules["matrix"]["thresholds"])
    base_grade = enterprises["sector"].astype(object).map(standard.baselines).fillna("blue").to_numpy(dtype=object)
    inherent = pd.Series(np.where(has_lec, lec_grade, np.where(has_matrix, matrix_grade, base_grade)), index=index, dtype=object)

    codes = np.empty(len(index), dtype=object)
    if has_lec.any():
        frame = pd.concat([lec[has_lec], inherent[has_lec].rename("g")], axis=1)
        codes[has_lec.to_numpy()] = _codes_by_unique(frame, lambda l, e, c, g: Reason.of("lec", l=l, e=e, c=c, d=l * e * c, grade=g))
    if has_matrix.any():
        frame = pd.concat([matrix[has_matrix], inherent[has_matrix].rename("g")], axis=1)
        codes[has_matrix.to_numpy()] = _codes_by_unique(
            frame, lambda a, b, g: Reason.of("matrix", likelihood=a, severity=b, r=a * b, grade=g))
    if baseline.any():
        frame = pd.concat([enterprises.loc[baseline, "sector"].astype(object), inherent[baseline].rename("g")], axis=1)
        codes[baseline.to_numpy()] = _codes_by_unique(frame, _baseline_reason(standard))
    return method, value, inherent, codes


@dataclass
class EnterpriseBase:
    """What grading an enterprise takes from its own attributes, at any date.

    Attributes
    ----------
    method, value, inherent
        The inherent method (``lec``, ``matrix``, ``baseline``), its value (D, R or
        NaN) and the inherent grade.
    inherent_codes
        The inherent grade's reason, one tuple per enterprise.
    base_rank
        The rank after the date-independent floor (the major hazard installation).
    installation_codes
        That floor's reason where it applies (``None`` elsewhere).
    """

    method: pd.Series
    value: pd.Series
    inherent: pd.Series
    inherent_codes: np.ndarray
    base_rank: np.ndarray
    installation_codes: np.ndarray


def enterprise_base(enterprises: pd.DataFrame, standard: Standard) -> EnterpriseBase:
    """The date-independent part of the grading: inherent grade and the installation floor."""
    rules = standard.enterprise
    method, value, inherent, codes = _inherent(enterprises, rules, standard)
    ranks = inherent.map(RANK).to_numpy(dtype=np.int8)
    installation = np.full(len(enterprises), None, dtype=object)
    rule = rules["rules"]["major_hazard_installation"]
    if rule.get("enabled", True):
        floors = {float(k): v for k, v in rule["floor_by_level"].items()}
        level = enterprises["major_hazard_level"].astype(float)
        floor_grade = level.map(floors).astype(object)
        fires = floor_grade.notna()
        ranks = np.maximum(ranks, floor_grade.map(RANK).fillna(0).to_numpy(dtype=np.int8))
        pairs = pd.Series(list(zip(level, floor_grade)), index=enterprises.index)
        installation = _where(fires, pairs, lambda vg: Reason.of("major_hazard_installation", level=int(vg[0]), grade=vg[1]))
    return EnterpriseBase(method, value, inherent, codes, ranks.astype(np.int8), installation)


@dataclass
class EnterpriseRanks:
    """The direct-determination rules at a date, as numbers.

    Attributes
    ----------
    rank
        The grade rank of each enterprise (0 blue … 3 red).
    red_by_major
        Red because of an open major hidden hazard.
    major_fires, fatal_fires, overdue_fires
        Where the open-major-hazard floor and the two raises fired.
    """

    rank: np.ndarray
    red_by_major: np.ndarray
    major_fires: np.ndarray
    fatal_fires: np.ndarray
    overdue_fires: np.ndarray


def enterprise_ranks(base_rank: np.ndarray, standard: Standard, *, open_major: np.ndarray, overdue: np.ndarray,
                     fatal_12m: np.ndarray) -> EnterpriseRanks:
    """Apply the date-dependent rules to the base ranks: the open-major-hazard floor, then the raises.

    Every argument is an array with one value per enterprise; the result is numbers
    only (no reasons), so a history can grade many dates cheaply.
    """
    rules = standard.enterprise["rules"]
    ranks = np.asarray(base_rank, dtype=np.int16)
    off = np.zeros(len(ranks), dtype=bool)
    major, fatal, late, red_by_major = off, off, off, off
    rule = rules["open_major_hazard"]
    if rule.get("enabled", True):
        major, floor_key = np.asarray(open_major) > 0, rule.get("floor", "red")
        red_by_major = major & (RANK[floor_key] == RANK["red"])
        ranks = np.where(major, np.maximum(ranks, RANK[floor_key]), ranks)
    rule = rules["fatal_accident_12m"]
    if rule.get("enabled", True):
        fatal = np.asarray(fatal_12m) > 0
        ranks = np.where(fatal, ranks + int(rule.get("raise", 1)), ranks)
    rule = rules["overdue_hazards"]
    if rule.get("enabled", True):
        late = np.asarray(overdue) >= int(rule.get("min_count", 3))
        ranks = np.where(late, ranks + int(rule.get("raise", 1)), ranks)
    rank = np.minimum(ranks, 3).astype(np.int8)
    return EnterpriseRanks(rank, red_by_major & (rank == RANK["red"]), major, fatal, late)


def enterprise_codes(base: EnterpriseBase, ranks: EnterpriseRanks, standard: Standard, *, open_major: np.ndarray,
                     overdue: np.ndarray, fatal_12m: np.ndarray) -> np.ndarray:
    """Each enterprise's reasons: the inherent grade's, then every rule that fired, in the standard's order."""
    rules = standard.enterprise["rules"]
    index = pd.RangeIndex(len(base.base_rank))
    parts: list[np.ndarray] = [base.inherent_codes]
    if rules["open_major_hazard"].get("enabled", True):
        floor_key = rules["open_major_hazard"].get("floor", "red")
        parts.append(_where(pd.Series(ranks.major_fires, index=index), pd.Series(open_major, index=index),
                            lambda n: Reason.of("open_major_hazard", count=int(n), grade=floor_key)))
    if rules["major_hazard_installation"].get("enabled", True):
        parts.append(base.installation_codes)
    if rules["fatal_accident_12m"].get("enabled", True):
        months = int(rules["fatal_accident_12m"].get("months", 12))
        parts.append(_where(pd.Series(ranks.fatal_fires, index=index), pd.Series(fatal_12m, index=index),
                            lambda n: Reason.of("fatal_accident_12m", count=int(n), months=months)))
    if rules["overdue_hazards"].get("enabled", True):
        minimum = int(rules["overdue_hazards"].get("min_count", 3))
        parts.append(_where(pd.Series(ranks.overdue_fires, index=index), pd.Series(overdue, index=index),
                            lambda n: Reason.of("overdue_hazards", count=int(n), min=minimum)))
    return _join_codes(parts)


def grade_enterprises(enterprises: pd.DataFrame, standard: Standard, *, lang: str,
                      open_major: pd.Series, overdue: pd.Series, fatal_12m: pd.Series) -> pd.DataFrame:
    """Grade enterprises: inherent grade, then floors, then one-step raises.

    Parameters
    ----------
    enterprises
        Canonical enterprise columns (``lec_l``, ``lec_e``, ``lec_c``, ``likelihood``,
        ``severity``, ``major_hazard_level``, ``sector``).
    lang
        The language of ``reasons``.
    open_major, overdue, fatal_12m
        Per enterprise (same index): open or rectifying major hidden hazards, overdue
        hidden hazards, production accidents with deaths in the last 12 months.

    Returns
    -------
    pandas.DataFrame
        ``method``, ``inherent_value``, ``inherent_grade``, ``grade``, ``reasons``,
        ``reason_codes`` and ``red_by_major_hazard`` (red because of an open major hazard).
    """
    index = enterprises.index
    counts = {name: series.reindex(index).fillna(0).astype(int).to_numpy()
              for name, series in (("open_major", open_major), ("overdue", overdue), ("fatal_12m", fatal_12m))}
    base = enterprise_base(enterprises, standard)
    ranks = enterprise_ranks(base.base_rank, standard, **counts)
    codes = pd.Series(enterprise_codes(base, ranks, standard, **counts), index=index, dtype=object)
    return pd.DataFrame({
        "method": base.method,
        "inherent_value": base.value,
        "inherent_grade": base.inherent,
        "grade": pd.Series(from_rank(ranks.rank), index=index, dtype=object),
        "reasons": render_column(codes, lang),
        "reason_codes": codes,
        "red_by_major_hazard": pd.Series(ranks.red_by_major, index=index),
    }, index=index)


def _score_codes(score: pd.Series, grade: pd.Series, table: dict, scheme: str) -> list[Codes]:
    if scheme != "fixed":
        return [(Reason.of("score_classes", score=float(s), scheme=scheme),) for s in score]
    thresholds = table["thresholds"]
    return [(Reason.of("score_threshold", score=float(s), grade=g, threshold=float(thresholds[g])),) if g != "blue"
            else (Reason.of("score", score=float(s)),) for s, g in zip(score, grade)]


def _classes(score: pd.Series, scheme: str) -> np.ndarray:
    """Grades of the ``quantiles`` or ``natural_breaks`` scheme (mapclassify).

    A class is a function of the score, so tied scores share a grade.  Four classes
    are blue, yellow, orange and red; fewer (few distinct scores, or quantile bins
    that coincide) fill from blue upward, so an all-equal set of scores is blue,
    never red.  ``natural_breaks`` is Fisher–Jenks (exact and deterministic).
    """
    import mapclassify

    values = score.to_numpy(dtype=float)
    distinct = np.unique(values)
    k = min(4, len(distinct))
    if k < 2:
        return from_rank(np.zeros(len(values), dtype=int))
    with warnings.catch_warnings():  # "Numba not installed": a few hundred counties need no speed-up
        warnings.simplefilter("ignore")
        classifier = mapclassify.Quantiles(values, k=k) if scheme == "quantiles" else mapclassify.FisherJenks(values, k=k)
    bins = np.unique(classifier.bins)
    # Upper bounds of the classes: a score takes the first class whose bound holds it.
    classes = np.searchsorted(bins, values, side="left")
    return from_rank(np.minimum(classes, 3))


def county_grades(score: np.ndarray, standard: Standard, *, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The counties' grades from their scores, as numbers: (grade keys, raised by the floor).

    ``floor`` marks counties holding an enterprise that is red by a major hidden hazard.
    """
    table = standard.counties
    score = np.asarray(score, dtype=float)
    scheme = table.get("scheme", "fixed")
    grade = grade_by_thresholds(score, table["thresholds"]) if scheme == "fixed" else _classes(pd.Series(score), scheme)
    floor_grade = table.get("major_hazard_floor", "orange")
    ranks = pd.Series(grade, dtype=object).map(RANK).to_numpy()
    raised = np.asarray(floor, dtype=bool) & (ranks < RANK[floor_grade])
    return np.where(raised, floor_grade, grade).astype(object), raised


def county_codes(score: np.ndarray, grade: np.ndarray, raised: np.ndarray, standard: Standard) -> np.ndarray:
    """Each county's reasons: its score against the thresholds, and the floor where it raised it."""
    table = standard.counties
    scheme = table.get("scheme", "fixed")
    before = np.where(raised, None, grade)
    if raised.any():  # the threshold reason names the grade the score itself gives
        plain = grade_by_thresholds(score, table["thresholds"]) if scheme == "fixed" else _classes(pd.Series(score), scheme)
        before = np.where(raised, plain, grade)
    codes = object_array(_score_codes(pd.Series(score), pd.Series(before), table, scheme))
    floor_grade = table.get("major_hazard_floor", "orange")
    for k in np.flatnonzero(raised):
        codes[k] = codes[k] + (Reason.of("major_hazard_floor", grade=floor_grade),)
    return codes


def grade_counties(components: pd.DataFrame, standard: Standard, *, lang: str,
                   floor: pd.Series, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Grade counties on the sum of their four components.

    Parameters
    ----------
    components
        ``points_enterprises``, ``points_roads``, ``points_hazards``,
        ``points_accidents`` per county.
    lang
        The language of ``reasons``.
    floor
        Counties holding an enterprise that is red by a major hidden hazard.

    Returns
    -------
    pandas.DataFrame
        ``score``, ``grade``, ``reason_codes``, ``reasons``.
    """
    score = components[list(COMPONENTS)].sum(axis=1)
    floor = floor.reindex(components.index).fillna(False).astype(bool).to_numpy()
    grade, raised = county_grades(score.to_numpy(), standard, floor=floor)
    codes = pd.Series(county_codes(score.to_numpy(), grade, raised, standard), index=components.index, dtype=object)
    return pd.DataFrame({"score": score, "grade": pd.Series(grade, index=components.index, dtype=object),
                         "reasons": render_column(codes, lang), "reason_codes": codes}, index=components.index)


COMPONENTS = ("points_enterprises", "points_roads", "points_hazards", "points_accidents")
"""The four components of a county's score (DESIGN §6)."""

HAZARD_KINDS = ("major", "overdue", "open", "closed")
"""What a hidden hazard is at a date, worst first: open major, open overdue, open, closed."""


def grade_hazards(hazards: pd.DataFrame, standard: Standard, *, lang: str) -> pd.DataFrame:
    """Each hidden hazard's own grade, its points towards its county, and why (DESIGN §7).

    An open (or rectifying) major hazard, an open overdue one, another open one and a
    closed one take the grades of the standard's ``[hazards] grades`` (red, orange,
    yellow, blue by default); ``score`` is what the hazard adds to its county's
    ``points_hazards`` (``[counties.points] hazards``; 0 when closed).

    Parameters
    ----------
    hazards
        ``level``, ``is_open``, ``overdue`` and ``days_overdue`` per hazard.
    """
    grades = standard.data.get("hazards", {}).get("grades", {})
    points = standard.counties["points"]["hazards"]
    is_open = hazards["is_open"].fillna(False).astype(bool).to_numpy()
    major = is_open & (hazards["level"] == "major").to_numpy()
    overdue = is_open & ~major & hazards["overdue"].fillna(False).astype(bool).to_numpy()
    kind = np.where(major, "major", np.where(overdue, "overdue", np.where(is_open, "open", "closed")))
    defaults = dict(zip(HAZARD_KINDS, ("red", "orange", "yellow", "blue")))
    grade = pd.Series(kind, dtype=object).map({k: grades.get(k, defaults[k]) for k in HAZARD_KINDS}).to_numpy(dtype=object)
    worth = {"major": points["major"], "overdue": points["overdue"], "open": points["other"], "closed": 0.0}
    score = np.array([float(worth[k]) for k in kind], dtype=float)
    days = hazards["days_overdue"].to_numpy() if "days_overdue" in hazards else np.zeros(len(kind))
    codes = object_array([(Reason.of("hazard_grade", kind=str(k), grade=str(g), days=int(d) if k == "overdue" else 0),)
                          for k, g, d in zip(kind, grade, days)])
    codes = pd.Series(codes, index=hazards.index, dtype=object)
    return pd.DataFrame({"grade": grade, "score": score, "reasons": render_column(codes, lang), "reason_codes": codes},
                        index=hazards.index)


class PerCounty:
    """Sums values of records per county, from the county position of each record (-1: none)."""

    def __init__(self, n: int, positions: np.ndarray):
        self.n = n
        self.ok = np.asarray(positions) >= 0
        self.positions = np.asarray(positions)[self.ok].astype(np.int64)

    def __call__(self, values) -> np.ndarray:
        return np.bincount(self.positions, weights=np.asarray(values, float)[self.ok], minlength=self.n)


COUNTY_HAZARD_KINDS = ("major", "overdue", "other")
"""How an open hazard counts for its county: major, else overdue, else other."""


def _by_rank(table: dict[str, float]) -> np.ndarray:
    """Points per grade rank (0 blue … 3 red) from a table of points per grade key."""
    return np.array([float(table.get(g, 0.0)) for g in ("blue", "yellow", "orange", "red")])


def county_parts(n: int, *, enterprises: tuple[np.ndarray, np.ndarray], road_units: tuple[np.ndarray, np.ndarray, np.ndarray],
                 open_hazards: tuple[np.ndarray, np.ndarray, np.ndarray], recent_accidents: tuple[np.ndarray, np.ndarray],
                 standard: Standard) -> dict[str, np.ndarray]:
    """Each county's four score components and the counts behind them, from arrays.

    Parameters
    ----------
    n
        How many counties there are.
    enterprises
        (county position, grade rank) of each enterprise.
    road_units
        (county position, length in km, grade rank) of each road unit.
    open_hazards
        (county position, kind: 0 major, 1 overdue, 2 other (:data:`COUNTY_HAZARD_KINDS`), overdue)
        of each open hazard.
    recent_accidents
        (county position, deaths) of each accident of the last 12 months.

    Returns
    -------
    dict
        ``n_enterprises``, ``points_enterprises``, ``enterprises_<grade>``,
        ``points_roads``, ``unit_km``, ``points_hazards``, ``open_hazards``,
        ``major_open_hazards``, ``overdue_hazards``, ``deaths_12m``, ``points_accidents``
        (the columns of the counties, in order), and ``km_<grade>`` and
        ``hazards_<kind>`` (what the top contributors are made of).
    """
    points = standard.counties["points"]
    out: dict[str, np.ndarray] = {}
    where, rank = enterprises
    per = PerCounty(n, where)
    out["n_enterprises"] = per(np.ones(len(where))).astype(int)
    out["points_enterprises"] = per(_by_rank(points["enterprises"])[rank])
    for g in GRADES:
        out[f"enterprises_{g}"] = per((rank == RANK[g]).astype(float)).astype(int)
    where, km, rank = road_units
    per = PerCounty(n, where)
    out["points_roads"] = per(_by_rank(points["roads_per_km"])[rank] * km)
    out["unit_km"] = per(km)
    km_by_grade = {g: per(km * (rank == RANK[g])) for g in GRADES}
    where, kind, overdue = open_hazards
    per = PerCounty(n, where)
    out["points_hazards"] = per(np.array([float(points["hazards"][k]) for k in COUNTY_HAZARD_KINDS])[kind])
    out["open_hazards"] = per(np.ones(len(where))).astype(int)
    kinds = {k: per((kind == i).astype(float)) for i, k in enumerate(COUNTY_HAZARD_KINDS)}
    out["major_open_hazards"] = kinds["major"].astype(int)
    out["overdue_hazards"] = per(overdue.astype(float)).astype(int)
    where, deaths = recent_accidents
    dead = PerCounty(n, where)(deaths)
    out["deaths_12m"] = dead.astype(int)
    out["points_accidents"] = dead * float(points["accident_death"])
    out.update({f"km_{g}": km_by_grade[g] for g in GRADES})
    out.update({f"hazards_{k}": kinds[k] for k in COUNTY_HAZARD_KINDS})
    return out


def county_contributions(parts: dict[str, np.ndarray], standard: Standard) -> pd.DataFrame:
    """What makes up each county's score (:func:`county_parts`), for :func:`top_contributors`.

    Returns ``county`` (position), ``points`` and ``code`` (a :class:`Reason`) of every contributor.
    """
    points = standard.counties["points"]
    n = len(parts["n_enterprises"])
    found = []

    def add(values: np.ndarray, codes: list[Reason]) -> None:
        found.append(pd.DataFrame({"county": np.arange(n), "points": values, "code": object_array(codes)}))

    for g in GRADES:
        count, weight = parts[f"enterprises_{g}"], points["enterprises"][g]
        add(count * weight, [Reason.of("enterprise_points", grade=g, count=int(c), points=float(c * weight)) for c in count])
    for g in GRADES:
        km = parts[f"km_{g}"]
        pts = km * points["roads_per_km"][g]
        add(pts, [Reason.of("road_points", grade=g, km=float(k), points=float(p)) for k, p in zip(km, pts)])
    for key in COUNTY_HAZARD_KINDS:
        count = parts[f"hazards_{key}"]
        pts = count * points["hazards"][key]
        add(pts, [Reason.of("hazard_points", kind=key, count=int(c), points=float(p)) for c, p in zip(count, pts)])
    deaths, per_death = parts["deaths_12m"], float(points["accident_death"])
    add(deaths * per_death, [Reason.of("death_points", count=int(d), points=float(d * per_death)) for d in deaths])
    return pd.concat(found, ignore_index=True)


COUNTY_COLUMNS = ("n_enterprises", "points_enterprises", "enterprises_red", "enterprises_orange", "enterprises_yellow",
                  "enterprises_blue", "points_roads", "unit_km", "points_hazards", "open_hazards", "major_open_hazards",
                  "overdue_hazards", "deaths_12m", "points_accidents")
"""The columns :func:`county_parts` gives a county, in the order the counties carry them."""


def top_contributors(contributions: pd.DataFrame, n_counties: int, *, top: int) -> pd.Series:
    """Each county's largest contributors to its score, as codes (largest first).

    Parameters
    ----------
    contributions
        One row per county and contributor with ``county``, ``code`` and ``points``.
    n_counties
        How many counties there are (a county with no contributor gets ``()``).
    top
        How many to keep per county.
    """
    out = [()] * n_counties
    if not contributions.empty:
        ordered = contributions[contributions["points"] > 0].sort_values(["county", "points"], ascending=[True, False])
        kept = ordered.groupby("county", sort=False).head(top).groupby("county", sort=False)["code"].agg(tuple)
        for county, codes in kept.items():
            out[int(county)] = codes
    return column(out)
