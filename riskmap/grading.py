"""Grading enterprises and counties by the standard (DESIGN §6).

Functions take plain frames with canonical columns and return grades, scores and the
reasons of every rule that fired, as data (``reason_codes``, tuples of
:class:`~riskmap.reasons.Reason`) and in words in ``lang`` (``reasons``).  All
numbers come from the :class:`~riskmap.standard.Standard`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from riskmap.grades import GRADES, RANK, from_rank, grade_by_thresholds
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
    method = pd.Series(np.where(has_lec, "lec", np.where(has_matrix, "matrix", "baseline")), index=index, dtype=object)
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


def _floors_and_raises(enterprises: pd.DataFrame, rules: dict, ranks: pd.Series, *, open_major: pd.Series,
                       overdue: pd.Series, fatal_12m: pd.Series) -> tuple[pd.Series, pd.Series, list[np.ndarray]]:
    """Apply the direct-determination rules: the floors first, then each one-step raise."""
    index = enterprises.index
    parts: list[np.ndarray] = []
    red_by_major = pd.Series(False, index=index)
    rule = rules["open_major_hazard"]
    if rule.get("enabled", True):
        counts = open_major.reindex(index).fillna(0).astype(int)
        fires, floor_key = counts > 0, rule.get("floor", "red")
        red_by_major = fires & (RANK[floor_key] == RANK["red"])
        ranks = ranks.where(~fires, np.maximum(ranks, RANK[floor_key]))
        parts.append(_where(fires, counts, lambda n: Reason.of("open_major_hazard", count=n, grade=floor_key)))
    rule = rules["major_hazard_installation"]
    if rule.get("enabled", True):
        floors = {float(k): v for k, v in rule["floor_by_level"].items()}
        level = enterprises["major_hazard_level"].astype(float)
        floor_grade = level.map(floors).astype(object)
        fires = floor_grade.notna()
        ranks = ranks.where(~fires, np.maximum(ranks, floor_grade.map(RANK).fillna(0).astype(np.int8)))
        pairs = pd.Series(list(zip(level, floor_grade)), index=index)
        parts.append(_where(fires, pairs, lambda vg: Reason.of("major_hazard_installation", level=int(vg[0]), grade=vg[1])))
    rule = rules["fatal_accident_12m"]
    if rule.get("enabled", True):
        count = fatal_12m.reindex(index).fillna(0).astype(int)
        fires = count > 0
        months = int(rule.get("months", 12))
        ranks = ranks.where(~fires, ranks + int(rule.get("raise", 1)))
        parts.append(_where(fires, count, lambda n: Reason.of("fatal_accident_12m", count=n, months=months)))
    rule = rules["overdue_hazards"]
    if rule.get("enabled", True):
        count = overdue.reindex(index).fillna(0).astype(int)
        minimum = int(rule.get("min_count", 3))
        fires = count >= minimum
        ranks = ranks.where(~fires, ranks + int(rule.get("raise", 1)))
        parts.append(_where(fires, count, lambda n: Reason.of("overdue_hazards", count=n, min=minimum)))
    return ranks, red_by_major, parts


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
    rules = standard.enterprise
    index = enterprises.index
    method, value, inherent, inherent_codes = _inherent(enterprises, rules, standard)
    ranks = pd.Series(inherent.map(RANK).to_numpy(dtype=np.int8), index=index)
    ranks, red_by_major, parts = _floors_and_raises(enterprises, rules["rules"], ranks, open_major=open_major,
                                                    overdue=overdue, fatal_12m=fatal_12m)
    grade = pd.Series(from_rank(np.minimum(ranks.to_numpy(), 3)), index=index, dtype=object)
    codes = pd.Series(_join_codes([inherent_codes, *parts]), index=index, dtype=object)
    return pd.DataFrame({
        "method": method,
        "inherent_value": value,
        "inherent_grade": inherent,
        "grade": grade,
        "reasons": render_column(codes, lang),
        "reason_codes": codes,
        "red_by_major_hazard": red_by_major & (grade == "red"),
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
    table = standard.counties
    score = components[list(COMPONENTS)].sum(axis=1)
    scheme = table.get("scheme", "fixed")
    if scheme == "fixed":
        grade = pd.Series(grade_by_thresholds(score, table["thresholds"]), index=components.index, dtype=object)
    else:
        grade = pd.Series(_classes(score, scheme), index=components.index, dtype=object)
    codes = object_array(_score_codes(score, grade, table, scheme))
    floor_grade = table.get("major_hazard_floor", "orange")
    floor = floor.reindex(components.index).fillna(False).astype(bool)
    raised = floor & (grade.map(RANK) < RANK[floor_grade])
    grade = grade.where(~raised, floor_grade)
    for k in np.flatnonzero(raised.to_numpy()):
        codes[k] = codes[k] + (Reason.of("major_hazard_floor", grade=floor_grade),)
    codes = pd.Series(codes, index=components.index, dtype=object)
    return pd.DataFrame({"score": score, "grade": grade, "reasons": render_column(codes, lang), "reason_codes": codes},
                        index=components.index)


COMPONENTS = ("points_enterprises", "points_roads", "points_hazards", "points_accidents")

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
"""The four components of a county's score (DESIGN §6)."""


class _PerCounty:
    """Sums values of a frame's rows per county (the county positions looked up once per frame)."""

    def __init__(self, county_codes: np.ndarray):
        self.n = len(county_codes)
        self.index = pd.Series(np.arange(self.n), index=county_codes)
        self._positions: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, frame: pd.DataFrame, values) -> np.ndarray:
        if id(frame) not in self._positions:
            pos = frame["county_code"].map(self.index)
            ok = pos.notna().to_numpy()
            self._positions[id(frame)] = (pos.to_numpy()[ok].astype(int), ok)
        pos, ok = self._positions[id(frame)]
        return np.bincount(pos, weights=np.asarray(values, float)[ok], minlength=self.n)


def _contributions(n: int, points: np.ndarray, codes: list[Reason]) -> pd.DataFrame:
    return pd.DataFrame({"county": np.arange(n), "points": points, "code": object_array(codes)})


def _enterprise_parts(per: _PerCounty, enterprises: pd.DataFrame, points: dict, out: dict, found: list) -> None:
    out["n_enterprises"] = per(enterprises, np.ones(len(enterprises))).astype(int)
    out["points_enterprises"] = per(enterprises, enterprises["score"].fillna(0).to_numpy())
    for grade in GRADES:
        count = per(enterprises, (enterprises["grade"] == grade).to_numpy(float))
        out[f"enterprises_{grade}"] = count.astype(int)
        weight = points["enterprises"][grade]
        found.append(_contributions(per.n, count * weight, [Reason.of("enterprise_points", grade=grade, count=int(c),
                                                                      points=float(c * weight)) for c in count]))


def _road_parts(per: _PerCounty, road_units: pd.DataFrame, points: dict, out: dict, found: list) -> None:
    unit_km = road_units["length_m"].to_numpy(float) / 1000.0
    road_points = road_units["grade"].map(points["roads_per_km"]).fillna(0).to_numpy(float) * unit_km
    out["points_roads"] = per(road_units, road_points)
    out["unit_km"] = per(road_units, unit_km)
    for grade in GRADES:
        km = per(road_units, unit_km * (road_units["grade"] == grade).to_numpy())
        pts = km * points["roads_per_km"][grade]
        found.append(_contributions(per.n, pts, [Reason.of("road_points", grade=grade, km=float(k), points=float(p))
                                                 for k, p in zip(km, pts)]))


def _hazard_parts(per: _PerCounty, hazards: pd.DataFrame, points: dict, out: dict, found: list) -> None:
    open_hazards = hazards[hazards["is_open"]]
    kind = np.where(open_hazards["level"] == "major", "major", np.where(open_hazards["overdue"], "overdue", "other"))
    out["points_hazards"] = per(open_hazards, pd.Series(kind, dtype=object).map(points["hazards"]).to_numpy(float))
    out["open_hazards"] = per(open_hazards, np.ones(len(open_hazards))).astype(int)
    out["major_open_hazards"] = per(open_hazards, (kind == "major").astype(float)).astype(int)
    out["overdue_hazards"] = per(open_hazards, open_hazards["overdue"].to_numpy(float)).astype(int)
    for key in ("major", "overdue", "other"):
        count = per(open_hazards, (kind == key).astype(float))
        pts = count * points["hazards"][key]
        found.append(_contributions(per.n, pts, [Reason.of("hazard_points", kind=key, count=int(c), points=float(p))
                                                 for c, p in zip(count, pts)]))


def _accident_parts(per: _PerCounty, accidents: pd.DataFrame, points: dict, out: dict, found: list) -> None:
    recent = accidents[accidents["in_12m"]]
    deaths = per(recent, recent["deaths"].to_numpy(float))
    out["deaths_12m"] = deaths.astype(int)
    per_death = float(points["accident_death"])
    out["points_accidents"] = deaths * per_death
    found.append(_contributions(per.n, deaths * per_death, [Reason.of("death_points", count=int(d), points=float(d * per_death))
                                                            for d in deaths]))


def county_components(county_codes: np.ndarray, *, enterprises: pd.DataFrame, road_units: pd.DataFrame,
                      hazards: pd.DataFrame, accidents: pd.DataFrame, standard: Standard) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each county's four score components, its counts, and what contributes.

    Parameters
    ----------
    county_codes
        The counties, in order.
    enterprises, road_units, hazards, accidents
        Graded records with ``county_code`` (None when unassigned).

    Returns
    -------
    components : pandas.DataFrame
        One row per county: the four ``points_*`` components, ``n_enterprises``,
        ``enterprises_<grade>``, ``unit_km``, ``open_hazards``, ``major_open_hazards``,
        ``overdue_hazards`` and ``deaths_12m``.
    contributions : pandas.DataFrame
        ``county`` (position), ``points`` and ``code`` (a :class:`Reason`) of every
        contributor, for :func:`top_contributors`.
    """
    points = standard.counties["points"]
    per = _PerCounty(county_codes)
    out: dict[str, np.ndarray] = {}
    found: list[pd.DataFrame] = []
    _enterprise_parts(per, enterprises, points, out, found)
    _road_parts(per, road_units, points, out, found)
    _hazard_parts(per, hazards, points, out, found)
    _accident_parts(per, accidents, points, out, found)
    return pd.DataFrame(out), pd.concat(found, ignore_index=True)


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
