"""Grading enterprises and counties by the standard (DESIGN §6).

Functions take plain frames with canonical columns and return grades, scores and the
reasons of every rule that fired, in the workspace language.  All numbers come from
the :class:`~riskmap.standard.Standard`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskmap.grades import GRADES, RANK, from_rank, grade_by_thresholds
from riskmap.i18n import grade_label
from riskmap.standard import Standard


def _join_reasons(parts: list[pd.Series], lang: str) -> pd.Series:
    """Join per-rule reason columns ('' where a rule did not fire).

    Most records carry only their first reason, so only rows where a later rule
    fired are joined in Python.
    """
    sep = "；" if lang == "zh" else "; "
    joined = parts[0].to_numpy(dtype=object).copy()
    later = [p.to_numpy(dtype=object) for p in parts[1:]]
    if later:
        fired = np.zeros(len(joined), dtype=bool)
        for column in later:
            fired |= column != ""
        for k in np.flatnonzero(fired):
            joined[k] = sep.join(r for r in (joined[k], *(column[k] for column in later)) if r)
    return pd.Series(joined, index=parts[0].index, dtype=object)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _format_unique(frame: pd.DataFrame, func) -> np.ndarray:
    """Format each row with ``func(*row)``, calling it once per distinct row.

    Reasons repeat a few LEC, matrix and baseline combinations over hundreds of
    thousands of enterprises; formatting the distinct ones only keeps grading fast.
    """
    codes, uniques = pd.MultiIndex.from_frame(frame).factorize()
    texts = np.array([func(*values) for values in uniques], dtype=object)
    return texts[codes]


def _reason_where(fires: pd.Series, values: pd.Series, func) -> pd.Series:
    """``func(value)`` where a rule fires, '' elsewhere (formatting only the rows that fire)."""
    out = pd.Series("", index=fires.index, dtype=object)
    if fires.any():
        out[fires] = [func(v) for v in values[fires]]
    return out


def grade_enterprises(enterprises: pd.DataFrame, standard: Standard, *, lang: str,
                      open_major: pd.Series, overdue: pd.Series, fatal_12m: pd.Series) -> pd.DataFrame:
    """Grade enterprises: inherent grade, then floors, then one-step raises.

    Parameters
    ----------
    enterprises
        Canonical enterprise columns (``lec_l``, ``lec_e``, ``lec_c``, ``likelihood``,
        ``severity``, ``major_hazard_level``, ``sector``).
    open_major, overdue, fatal_12m
        Per enterprise (same index): open or rectifying major hidden hazards, overdue
        hidden hazards, production accidents with deaths in the last 12 months.

    Returns
    -------
    pandas.DataFrame
        ``method``, ``inherent_value``, ``inherent_grade``, ``grade``, ``reasons`` and
        ``red_by_major_hazard`` (the grade is red because of an open major hazard).
    """
    rules = standard.enterprise
    zh = lang == "zh"
    index = enterprises.index
    lec = enterprises[["lec_l", "lec_e", "lec_c"]].astype(float)
    has_lec = lec.notna().all(axis=1)
    matrix = enterprises[["likelihood", "severity"]].astype(float)
    has_matrix = matrix.notna().all(axis=1) & ~has_lec
    baseline = ~has_lec & ~has_matrix

    d_value = lec.prod(axis=1, min_count=3)
    r_value = matrix.prod(axis=1, min_count=2)
    inherent_value = pd.Series(np.where(has_lec, d_value, np.where(has_matrix, r_value, np.nan)), index=index)
    method = pd.Series(np.where(has_lec, "lec", np.where(has_matrix, "matrix", "baseline")), index=index, dtype=object)

    lec_grade = grade_by_thresholds(d_value.fillna(0), rules["lec"]["thresholds"])
    matrix_grade = grade_by_thresholds(r_value.fillna(0), rules["matrix"]["thresholds"])
    base_table = rules["baseline"]
    base_grade = enterprises["sector"].astype(object).map(base_table).fillna("blue").to_numpy(dtype=object)
    inherent = np.where(has_lec, lec_grade, np.where(has_matrix, matrix_grade, base_grade))
    inherent = pd.Series(inherent, index=index, dtype=object)

    from riskmap.i18n import sector_label

    reason_inherent = pd.Series("", index=index, dtype=object)
    if has_lec.any():
        frame = pd.concat([lec[has_lec], inherent[has_lec].rename("g")], axis=1)
        reason_inherent[has_lec] = _format_unique(frame, lambda l, e, c, g: (
            f"LEC：D=L×E×C={_fmt(l)}×{_fmt(e)}×{_fmt(c)}={_fmt(l * e * c)}，{grade_label(g, lang)}" if zh else
            f"LEC: D=L×E×C={_fmt(l)}×{_fmt(e)}×{_fmt(c)}={_fmt(l * e * c)}, {grade_label(g, lang)}"))
    if has_matrix.any():
        frame = pd.concat([matrix[has_matrix], inherent[has_matrix].rename("g")], axis=1)
        reason_inherent[has_matrix] = _format_unique(frame, lambda a, b, g: (
            f"风险矩阵：R=可能性×严重性={_fmt(a)}×{_fmt(b)}={_fmt(a * b)}，{grade_label(g, lang)}" if zh else
            f"risk matrix: R=likelihood×severity={_fmt(a)}×{_fmt(b)}={_fmt(a * b)}, {grade_label(g, lang)}"))
    if baseline.any():
        frame = pd.concat([enterprises.loc[baseline, "sector"].astype(object), inherent[baseline].rename("g")], axis=1)
        reason_inherent[baseline] = _format_unique(frame, lambda s, g: (
            f"行业基准（{sector_label(s, lang)}）：{grade_label(g, lang)}" if zh else
            f"sector baseline ({sector_label(s, lang)}): {grade_label(g, lang)}"))

    ranks = pd.Series(inherent.map(RANK).to_numpy(dtype=np.int8), index=index)
    reasons = [reason_inherent]

    red_by_major = pd.Series(False, index=index)
    rule = rules["rules"]["open_major_hazard"]
    if rule.get("enabled", True):
        counts = open_major.reindex(index).fillna(0).astype(int)
        fires = counts > 0
        floor_key = rule.get("floor", "red")
        red_by_major = fires & (RANK[floor_key] == RANK["red"])
        ranks = ranks.where(~fires, np.maximum(ranks, RANK[floor_key]))
        reasons.append(_reason_where(fires, counts, lambda n: (
            f"重大事故隐患未销号（{n} 项）→ {grade_label(floor_key, lang)}" if zh else
            f"{n} open major hidden hazard(s) → {grade_label(floor_key, lang)}")))

    rule = rules["rules"]["major_hazard_installation"]
    if rule.get("enabled", True):
        floors = {float(k): v for k, v in rule["floor_by_level"].items()}
        level = enterprises["major_hazard_level"].astype(float)
        floor_grade = level.map(floors).astype(object)
        fires = floor_grade.notna()
        floor_rank = floor_grade.map(RANK).fillna(0).astype(np.int8)
        ranks = ranks.where(~fires, np.maximum(ranks, floor_rank))
        names = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
        reasons.append(_reason_where(fires, pd.Series(list(zip(level, floor_grade)), index=index), lambda vg: (
            f"{names.get(int(vg[0]), vg[0])}重大危险源 → 不低于{grade_label(vg[1], lang)}" if zh else
            f"major hazard installation level {int(vg[0])} → at least {grade_label(vg[1], lang)}")))

    rule = rules["rules"]["fatal_accident_12m"]
    if rule.get("enabled", True):
        count = fatal_12m.reindex(index).fillna(0).astype(int)
        fires = count > 0
        ranks = ranks.where(~fires, ranks + int(rule.get("raise", 1)))
        reasons.append(_reason_where(fires, count, lambda n: (
            f"近12个月发生死亡生产安全事故 {n} 起，升一级" if zh else
            f"{n} fatal production accident(s) in the last 12 months: raised one grade")))

    rule = rules["rules"]["overdue_hazards"]
    if rule.get("enabled", True):
        count = overdue.reindex(index).fillna(0).astype(int)
        minimum = int(rule.get("min_count", 3))
        fires = count >= minimum
        ranks = ranks.where(~fires, ranks + int(rule.get("raise", 1)))
        reasons.append(_reason_where(fires, count, lambda n: (
            f"逾期未整改隐患 {n} 项（≥{minimum}），升一级" if zh else
            f"{n} overdue hidden hazards (≥ {minimum}): raised one grade")))

    grade = pd.Series(from_rank(np.minimum(ranks.to_numpy(), 3)), index=index, dtype=object)
    red_by_major &= grade == "red"
    return pd.DataFrame({
        "method": method,
        "inherent_value": inherent_value,
        "inherent_grade": inherent,
        "grade": grade,
        "reasons": _join_reasons(reasons, lang),
        "red_by_major_hazard": red_by_major,
    }, index=index)


def grade_counties(components: pd.DataFrame, standard: Standard, *, lang: str,
                   floor: pd.Series, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Grade counties on the sum of their four components.

    Parameters
    ----------
    components
        ``points_enterprises``, ``points_roads``, ``points_hazards``,
        ``points_accidents`` per county.
    floor
        Counties holding an enterprise that is red by a major hidden hazard.

    Returns
    -------
    pandas.DataFrame
        ``score``, ``grade``, ``reasons``.
    """
    table = standard.counties
    zh = lang == "zh"
    score = components[["points_enterprises", "points_roads", "points_hazards", "points_accidents"]].sum(axis=1)
    scheme = table.get("scheme", "fixed")
    if scheme == "fixed":
        thresholds = table["thresholds"]
        grade = pd.Series(grade_by_thresholds(score, thresholds), index=components.index, dtype=object)
        reason = pd.Series([
            (f"综合得分 {s:.1f}（{grade_label(g, lang)}下限 {thresholds[g]:g}）" if zh else f"score {s:.1f} (≥ {thresholds[g]:g} for {grade_label(g, lang)})")
            if g != "blue" else (f"综合得分 {s:.1f}" if zh else f"score {s:.1f}")
            for s, g in zip(score, grade)], index=components.index, dtype=object)
    else:
        import mapclassify

        k = min(4, max(1, score.nunique()))
        if k < 2:
            classes = np.zeros(len(score), dtype=int)
        elif scheme == "quantiles":
            classes = mapclassify.Quantiles(score.to_numpy(), k=k).yb
        else:
            classes = mapclassify.NaturalBreaks(score.to_numpy(), k=k).yb
        # Highest class is red; fewer classes than four fill from blue upward.
        grade = pd.Series(from_rank(np.asarray(classes) + (4 - k)), index=components.index, dtype=object)
        name = "分位数" if scheme == "quantiles" else "自然断点"
        reason = pd.Series([(f"综合得分 {s:.1f}（{name}分级）" if zh else f"score {s:.1f} ({scheme} classes)") for s in score],
                           index=components.index, dtype=object)
    floor_grade = table.get("major_hazard_floor", "orange")
    floor = floor.reindex(components.index).fillna(False).astype(bool)
    raised = floor & (grade.map(RANK) < RANK[floor_grade])
    grade = grade.where(~raised, floor_grade)
    reason = reason.where(~floor, reason + np.where(
        raised, "；有企业因重大事故隐患未销号判定为重大风险，区县不低于" + grade_label(floor_grade, lang) if zh else
        "; an enterprise is red by an open major hidden hazard: at least " + grade_label(floor_grade, lang), ""))
    return pd.DataFrame({"score": score, "grade": grade, "reasons": reason}, index=components.index)


COMPONENTS = ("points_enterprises", "points_roads", "points_hazards", "points_accidents")
"""The four components of a county's score (DESIGN §6)."""


def county_components(county_codes: np.ndarray, *, enterprises: pd.DataFrame, road_units: pd.DataFrame,
                      hazards: pd.DataFrame, accidents: pd.DataFrame, standard: Standard,
                      lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        ``county`` (position), ``points`` and ``label`` of every contributor, for
        :func:`describe_contributors`.
    """
    points = standard.counties["points"]
    zh = lang == "zh"
    n = len(county_codes)
    code_index = pd.Series(np.arange(n), index=county_codes)
    out: dict[str, np.ndarray] = {}
    contributions: list[pd.DataFrame] = []
    positions: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def per_county(frame: pd.DataFrame, values) -> np.ndarray:
        # County positions of a frame's rows, looked up once per frame.
        if id(frame) not in positions:
            pos = frame["county_code"].map(code_index)
            ok = pos.notna().to_numpy()
            positions[id(frame)] = (pos.to_numpy()[ok].astype(int), ok)
        pos, ok = positions[id(frame)]
        return np.bincount(pos, weights=np.asarray(values, float)[ok], minlength=n)

    def contribute(pts: np.ndarray, labels) -> None:
        contributions.append(pd.DataFrame({"county": np.arange(n), "points": pts, "label": list(labels)}))

    out["n_enterprises"] = per_county(enterprises, np.ones(len(enterprises))).astype(int)
    out["points_enterprises"] = per_county(enterprises, enterprises["score"].fillna(0).to_numpy())
    for grade in GRADES:
        count = per_county(enterprises, (enterprises["grade"] == grade).to_numpy(float))
        out[f"enterprises_{grade}"] = count.astype(int)
        weight = points["enterprises"][grade]
        contribute(count * weight, ((f"{grade_label(grade, lang)}企业 {int(c)} 家（{c * weight:g} 分）" if zh else
                                     f"{int(c)} {grade_label(grade, lang)} enterprises ({c * weight:g} pts)") for c in count))

    unit_km = road_units["length_m"].to_numpy(float) / 1000.0
    road_points = road_units["grade"].map(points["roads_per_km"]).fillna(0).to_numpy(float) * unit_km
    out["points_roads"] = per_county(road_units, road_points)
    out["unit_km"] = per_county(road_units, unit_km)
    for grade in GRADES:
        km = per_county(road_units, unit_km * (road_units["grade"] == grade).to_numpy())
        pts = km * points["roads_per_km"][grade]
        contribute(pts, ((f"{grade_label(grade, lang)}道路单元 {k:.1f} km（{p:.1f} 分）" if zh else
                          f"{k:.1f} km of {grade_label(grade, lang)} road units ({p:.1f} pts)") for k, p in zip(km, pts)))

    open_hazards = hazards[hazards["is_open"]]
    kind = np.where(open_hazards["level"] == "major", "major", np.where(open_hazards["overdue"], "overdue", "other"))
    out["points_hazards"] = per_county(open_hazards, pd.Series(kind, dtype=object).map(points["hazards"]).to_numpy(float))
    out["open_hazards"] = per_county(open_hazards, np.ones(len(open_hazards))).astype(int)
    out["major_open_hazards"] = per_county(open_hazards, (kind == "major").astype(float)).astype(int)
    out["overdue_hazards"] = per_county(open_hazards, open_hazards["overdue"].to_numpy(float)).astype(int)
    names = {"major": ("未销号重大隐患", "open major hazards"), "overdue": ("逾期隐患", "overdue hazards"),
             "other": ("其他未销号隐患", "other open hazards")}
    for key in ("major", "overdue", "other"):
        count = per_county(open_hazards, (kind == key).astype(float))
        pts = count * points["hazards"][key]
        contribute(pts, ((f"{names[key][0]} {int(c)} 项（{p:g} 分）" if zh else f"{int(c)} {names[key][1]} ({p:g} pts)")
                         for c, p in zip(count, pts)))

    recent = accidents[accidents["in_12m"]]
    deaths = per_county(recent, recent["deaths"].to_numpy(float))
    out["deaths_12m"] = deaths.astype(int)
    per_death = float(points["accident_death"])
    out["points_accidents"] = deaths * per_death
    contribute(deaths * per_death, ((f"近12个月事故死亡 {int(d)} 人（{d * per_death:g} 分）" if zh else
                                     f"{int(d)} deaths in the last 12 months ({d * per_death:g} pts)") for d in deaths))
    return pd.DataFrame(out), pd.concat(contributions, ignore_index=True)


def describe_contributors(contributions: pd.DataFrame, *, lang: str, top: int) -> pd.Series:
    """Name each county's top contributors to its score.

    Parameters
    ----------
    contributions
        One row per county and contributor with ``county``, ``label`` (text shown)
        and ``points``.
    top
        How many to name per county.

    Returns
    -------
    pandas.Series
        Per county, e.g. ``"重大风险企业 3 家（30 分）；红色道路单元 12.0 km（60 分）"``.
    """
    if contributions.empty:
        return pd.Series(dtype=object)
    ordered = contributions[contributions["points"] > 0].sort_values(["county", "points"], ascending=[True, False])
    sep = "；" if lang == "zh" else "; "
    return ordered.groupby("county", sort=False).head(top).groupby("county", sort=False)["label"].agg(sep.join)
