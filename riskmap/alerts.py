"""Warnings (预警): the rules of the standard's ``[warnings]`` table, applied to a history.

:func:`find_warnings` gives one row per warning at ``as_of``, ordered by level (red
first) and then by severity, with the columns of ``warnings.csv``:

``level``  red | orange | yellow | blue;
``kind``   one of :data:`KINDS`;
``dataset`` counties | enterprises | road_units | hazards;
``id``, ``county_code``, ``name``  the subject;
``message`` what, how much, since when, in the history's language;
``since``  the first period end (of the current run) at which the rule held.

and, for the faces, ``message_codes`` (the message as :class:`~riskmap.i18n.Msg`
data, rendered again in another language), ``sector``, ``severity``, ``lon``/``lat``
(where the subject is) and ``rank`` (of the level).

The kinds and their defaults (``riskmap/standards/default.toml``):

* ``grade_rise``: a county, enterprise or road unit whose grade rose since the previous
  period end (level: the new grade);
* ``forecast_rise``: its grade at the forecast (nothing rectified, nothing new) is
  above today's (level: the forecast grade);
* ``overdue``: an open hazard past its deadline: red when major, orange at 30 days or
  more overdue, yellow below;
* ``supervised_overdue``: an overdue hazard under listed supervision (挂牌督办): red;
* ``due_soon``: an open hazard due within 7 days (临期): orange when major, else yellow;
* ``accident_trend``: a county whose monthly accidents or deaths rise
  (:mod:`riskmap.trends`): orange;
* ``repeated_hazards``: an enterprise with 3 or more hazards found in 90 days: yellow;
* ``hotspot``: a road unit in a Getis–Ord Gi* hot spot of accident EPDO
  (:mod:`riskmap.clusters`): orange.

Severity, within a level: the kind (in the order above, overdue kinds first), then its
size (grades risen, days overdue, days left, the Sen slope or the increase, hazards
found, the z-score).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from riskmap.grades import GRADES, RANK
from riskmap.i18n import KIND_LABELS, Msg, Pair, grade_label, label, msg
from riskmap.i18n.labels import HAZARD_LEVEL_LABELS, SUPERVISION_LABELS
from riskmap.periods import first_end_on_or_after, is_period_end
from riskmap.timeline import basis, day_number, hazards_state

if TYPE_CHECKING:
    from riskmap.history import History

KINDS: tuple[str, ...] = tuple(KIND_LABELS)
"""The kinds of warning."""

WARNING_COLUMNS = ("level", "kind", "dataset", "id", "county_code", "name", "message", "since")
"""The columns of ``warnings.csv``, in order."""

SEVERITY_ORDER = ("supervised_overdue", "overdue", "grade_rise", "forecast_rise", "accident_trend", "hotspot",
                  "due_soon", "repeated_hazards")
"""Within a level, the kinds in order of how pressing they are."""

_FRAME_COLUMNS = ("level", "kind", "dataset", "id", "county_code", "name", "sector", "since", "severity",
                  "message_codes", "lon", "lat")


def _grade(key: str) -> Pair:
    return Pair(grade_label(key, "zh"), grade_label(key, "en"))


def _pair(table: dict[str, tuple[str, str]], key: str) -> Pair:
    return Pair(label(table, key, "zh"), label(table, key, "en"))


def _rows(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for column in _FRAME_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[list(_FRAME_COLUMNS)]


def _points(geometry) -> tuple[np.ndarray, np.ndarray]:
    """Where each subject is, for the map: a point on it (NaN without a geometry)."""
    values = np.asarray(geometry, dtype=object) if geometry is not None else np.zeros(0, dtype=object)
    if not len(values):
        return np.zeros(0), np.zeros(0)
    present = ~(pd.isna(values) | shapely.is_empty(np.where(pd.isna(values), None, values)))
    x, y = np.full(len(values), np.nan), np.full(len(values), np.nan)
    if present.any():
        inside = shapely.point_on_surface(values[present])
        x[present], y[present] = shapely.get_x(inside), shapely.get_y(inside)
    return x, y


def run_start(flags: np.ndarray) -> np.ndarray:
    """For periods × subjects of flags, the first period of the run that ends at the last (-1: not holding now)."""
    if not len(flags):
        return np.zeros(0, dtype=int)
    held = np.cumprod(flags[::-1].astype(np.int64), axis=0).sum(axis=0)
    return np.where(held > 0, len(flags) - held, -1)


# --- the subjects ---------------------------------------------------------------------------

def _subjects(history: History, dataset: str, rows) -> pd.DataFrame:
    """``id``, ``county_code``, ``name``, ``sector``, ``lon``, ``lat`` of the records ``rows`` (positions or a
    mask) of a watched dataset."""
    a = history.assessment
    frame = {"counties": a.counties, "enterprises": a.enterprises, "road_units": a.road_units}[dataset]
    chosen = frame.iloc[np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows, dtype=int)]
    if dataset == "counties":
        ids, names, sector = chosen["county_code"], chosen["county_name"], None
    elif dataset == "enterprises":
        ids, names, sector = chosen["enterprise_id"], chosen["name"], chosen["sector"].to_numpy(dtype=object)
    else:
        road = chosen["road_name"].where(chosen["road_name"].notna(), chosen["segment_id"]).astype(str)
        ids, names, sector = chosen["unit_id"], road + " " + chosen["unit_id"], "road_transport"
    lon, lat = _points(chosen.geometry.to_numpy() if len(chosen) else None)
    return pd.DataFrame({"id": ids.astype(str).to_numpy(), "county_code": chosen["county_code"].to_numpy(dtype=object),
                         "name": names.astype(str).to_numpy(), "sector": sector, "lon": lon, "lat": lat})


def _what(dataset: str, name: str) -> Msg:
    return msg(f"what_{dataset}", name=name)


# --- grade_rise and forecast_rise ------------------------------------------------------------

def grade_rise(history: History, rule: dict) -> pd.DataFrame:
    """Counties, enterprises and road units whose grade rose since the previous period end."""
    if len(history.periods) < 2:
        return _rows()
    ends, found = history.ends, []
    for dataset in rule.get("datasets", ["counties", "enterprises", "road_units"]):
        ranks = history.ranks[dataset].astype(int)
        rose = np.vstack([np.zeros((1, ranks.shape[1]), dtype=bool), ranks[1:] > ranks[:-1]])
        start = run_start(rose)
        now = (start >= 0) & (ranks[-1] >= RANK[rule.get("min_grade", "yellow")])
        if not now.any():
            continue
        who = _subjects(history, dataset, now)
        old, new, first = ranks[-2][now], ranks[-1][now], start[now]
        messages = [msg("warn_grade_rise" if f == len(ends) - 1 else "warn_grade_rising", what=_what(dataset, n),
                        old=_grade(GRADES[3 - o]), new=_grade(GRADES[3 - g]), steps=int(g - o),
                        previous=ends[-2].isoformat(), now=ends[-1].isoformat(), since=ends[f].isoformat())
                    for n, o, g, f in zip(who["name"], old, new, first)]
        found.append(_rows(level=[GRADES[3 - g] for g in new], kind="grade_rise", dataset=dataset, **who,
                           since=[ends[f].isoformat() for f in first], severity=(new - old) * 10 + new,
                           message_codes=messages))
    return pd.concat(found, ignore_index=True) if found else _rows()


def _newly_overdue(history: History) -> tuple[np.ndarray, np.ndarray]:
    """Hazards open and not overdue at ``as_of`` that are overdue at the forecast: (mask, overdue at the forecast)."""
    b = basis(history.prepared)
    today, later = day_number(history.as_of), day_number(history.forecast_end)
    _, _, overdue_now, _ = hazards_state(b, today, today)
    _, is_open, overdue_then, _ = hazards_state(b, later, today)
    return overdue_then & ~overdue_now, overdue_then


def join(parts: list[Msg], joiner: str = "join_comma") -> Msg:
    """Messages read as one, joined by the language's comma (``join_semicolon``: its semicolon)."""
    if len(parts) == 1:
        return parts[0]
    return msg(joiner, a=parts[0], b=join(parts[1:], joiner))


def _drivers(history: History, dataset: str, who: np.ndarray) -> list[Msg]:
    """Why each rising subject rises: hazards becoming overdue, enterprises rising, the score."""
    b = basis(history.prepared)
    newly, overdue_then = _newly_overdue(history)
    now, later = history.periods[-1], history.outlook
    if dataset == "enterprises":
        owner = b.hazard_enterprise >= 0
        counts = np.bincount(b.hazard_enterprise[newly & owner], minlength=b.n_enterprises)
        totals = np.bincount(b.hazard_enterprise[overdue_then & owner], minlength=b.n_enterprises)
        return [msg("driver_overdue_total", n=int(counts[k]), total=int(totals[k])) for k in who]
    if dataset == "counties":
        hazards = np.bincount(b.hazard_county[newly & (b.hazard_county >= 0)], minlength=b.n_counties)
        rising = later.ranks["enterprises"] > now.ranks["enterprises"]
        enterprises = np.bincount(b.enterprise_county[rising & (b.enterprise_county >= 0)], minlength=b.n_counties)
        out = []
        for k in who:
            parts = [msg("driver_overdue", n=int(hazards[k]))] if hazards[k] else []
            parts += [msg("driver_enterprises", n=int(enterprises[k]))] if enterprises[k] else []
            parts.append(msg("driver_score", before=float(now.county["score"][k]), after=float(later.county["score"][k])))
            out.append(join(parts))
        return out
    return [msg("driver_none", before=float(now.epdo[k]), after=float(later.epdo[k])) for k in who]


def _forecast_since(history: History, dataset: str, where: np.ndarray) -> np.ndarray:
    """For subjects rising in the forecast, the first period end from which each forecast showed the rise
    (walking back while any still does: the forecasts of earlier period ends are graded only then)."""
    start = np.full(len(where), len(history.ends) - 1)
    alive = np.ones(len(where), dtype=bool)
    for index in range(len(history.ends) - 2, -1, -1):
        alive &= (history.outlook_at(index).ranks[dataset] > history.periods[index].ranks[dataset])[where]
        start[alive] = index
        if not alive.any():
            break
    return start


def forecast_rise(history: History, rule: dict) -> pd.DataFrame:
    """Counties, enterprises and road units whose forecast grade is above today's."""
    ends, found = history.ends, []
    rest = not is_period_end(history.as_of, history.kind)  # the forecast closes the period as_of is in
    when = msg(f"when_{history.kind}{'_rest' if rest else ''}", date=history.forecast_end.isoformat())
    for dataset in rule.get("datasets", ["counties", "enterprises", "road_units"]):
        later, now_rank = history.outlook.ranks[dataset].astype(int), history.periods[-1].ranks[dataset].astype(int)
        where = np.flatnonzero((later > now_rank) & (later >= RANK[rule.get("min_grade", "yellow")]))
        if not len(where):
            continue
        start = _forecast_since(history, dataset, where)
        who = _subjects(history, dataset, where)
        drivers = _drivers(history, dataset, where)
        messages = [msg("warn_forecast_rise", when=when, what=_what(dataset, n), old=_grade(GRADES[3 - o]),
                        new=_grade(GRADES[3 - g]), drivers=d)
                    for n, o, g, d in zip(who["name"], now_rank[where], later[where], drivers)]
        found.append(_rows(level=[GRADES[3 - g] for g in later[where]], kind="forecast_rise", dataset=dataset,
                           **who.reset_index(drop=True), since=[ends[f].isoformat() for f in start],
                           severity=(later[where] - now_rank[where]) * 10 + later[where], message_codes=messages))
    return pd.concat(found, ignore_index=True) if found else _rows()


# --- hazards: overdue, supervised_overdue, due_soon -----------------------------------------

def _hazards(history: History) -> pd.DataFrame:
    """The hazards at ``as_of`` with what the hazard rules need (made once: three rules read it)."""
    key = ("hazards", id(history.assessment))
    if key not in history._tables:
        history._tables.clear()
        history._tables[key] = _hazard_table(history.assessment.hazards)
    return history._tables[key]


def _hazard_table(hazards: pd.DataFrame) -> pd.DataFrame:
    lon, lat = _points(hazards.geometry.to_numpy() if len(hazards) else None)
    description = hazards["description"].where(hazards["description"].notna(), "").astype(str)
    name = hazards["name"].where(hazards["name"].astype(str) != "", description).astype(str)
    return pd.DataFrame({"id": hazards["hazard_id"].astype(str).to_numpy(), "county_code": hazards["county_code"].to_numpy(),
                         "name": name.to_numpy(), "sector": hazards["sector"].to_numpy(), "lon": lon, "lat": lat,
                         "description": description.where(description != "", name).to_numpy(),
                         "major": (hazards["level"] == "major").to_numpy(), "supervision": hazards["supervision"].to_numpy(),
                         "is_open": hazards["is_open"].to_numpy(dtype=bool), "overdue": hazards["overdue"].to_numpy(dtype=bool),
                         "days_overdue": hazards["days_overdue"].to_numpy(dtype=int),
                         "deadline": pd.to_datetime(hazards["deadline"]).dt.date.to_numpy(),
                         "found": pd.to_datetime(hazards["found_date"]).dt.date.to_numpy()})


def _since(history: History, days: list[date]) -> list[str]:
    return [first_end_on_or_after(d, history.ends, history.kind).isoformat() for d in days]


def _hazard_rows(history: History, chosen: pd.DataFrame, kind: str, levels, severity, messages, starts) -> pd.DataFrame:
    subject = chosen[["id", "county_code", "name", "sector", "lon", "lat"]].reset_index(drop=True)
    return _rows(level=levels, kind=kind, dataset="hazards", **subject, since=_since(history, starts),
                 severity=severity, message_codes=messages)


def overdue(history: History, rule: dict) -> pd.DataFrame:
    """Open hazards past their deadline: red when major, orange at ``orange_days`` or more, else yellow."""
    h = _hazards(history)
    chosen = h[h["is_open"] & h["overdue"]]
    if chosen.empty:
        return _rows()
    days = chosen["days_overdue"].to_numpy()
    levels = np.where(chosen["major"], "red", np.where(days >= int(rule.get("orange_days", 30)), "orange", "yellow"))
    messages = [msg("warn_overdue", level=_pair(HAZARD_LEVEL_LABELS, "major" if m else "general"), days=int(d),
                    deadline=dl.isoformat(), description=text)
                for m, d, dl, text in zip(chosen["major"], days, chosen["deadline"], chosen["description"])]
    starts = [max(dl + timedelta(days=1), f) for dl, f in zip(chosen["deadline"], chosen["found"])]
    return _hazard_rows(history, chosen, "overdue", levels, days + 10_000 * chosen["major"].to_numpy(), messages, starts)


SUPERVISED = ("county", "city", "province")


def supervised_overdue(history: History, rule: dict) -> pd.DataFrame:
    """Overdue hazards under listed supervision (挂牌督办)."""
    h = _hazards(history)
    chosen = h[h["is_open"] & h["overdue"] & h["supervision"].isin(SUPERVISED)]
    if chosen.empty:
        return _rows()
    days = chosen["days_overdue"].to_numpy()
    weight = chosen["supervision"].map({"province": 3, "city": 2, "county": 1}).to_numpy()
    messages = [msg("warn_supervised_overdue", supervision=_pair(SUPERVISION_LABELS, s), days=int(d),
                    deadline=dl.isoformat(), description=text)
                for s, d, dl, text in zip(chosen["supervision"], days, chosen["deadline"], chosen["description"])]
    starts = [max(dl + timedelta(days=1), f) for dl, f in zip(chosen["deadline"], chosen["found"])]
    return _hazard_rows(history, chosen, "supervised_overdue", rule.get("level", "red"), weight * 100_000 + days,
                        messages, starts)


def due_soon(history: History, rule: dict) -> pd.DataFrame:
    """Open hazards due within ``days`` days (临期), not yet overdue: orange when major, else yellow."""
    h = _hazards(history)
    window = int(rule.get("days", 7))
    has = h["deadline"].notna()
    left = np.full(len(h), -1)
    left[has.to_numpy()] = [(d - history.as_of).days for d in h.loc[has, "deadline"]]
    chosen_mask = h["is_open"].to_numpy() & ~h["overdue"].to_numpy() & (left >= 0) & (left <= window)
    chosen = h[chosen_mask]
    if chosen.empty:
        return _rows()
    days = left[chosen_mask]
    levels = np.where(chosen["major"], "orange", "yellow")
    messages = [msg("warn_due_soon" if d else "warn_due_today", level=_pair(HAZARD_LEVEL_LABELS, "major" if m else "general"), days=int(d),
                    deadline=dl.isoformat(), description=text)
                for m, d, dl, text in zip(chosen["major"], days, chosen["deadline"], chosen["description"])]
    starts = [max(dl - timedelta(days=window), f) for dl, f in zip(chosen["deadline"], chosen["found"])]
    return _hazard_rows(history, chosen, "due_soon", levels, window - days, messages, starts)


# --- repeated_hazards ------------------------------------------------------------------------

def repeated_hazards(history: History, rule: dict) -> pd.DataFrame:
    """Enterprises with ``min_count`` or more hazards found in the last ``days`` days."""
    b = basis(history.prepared)
    days, minimum = int(rule.get("days", 90)), int(rule.get("min_count", 3))
    owner = b.hazard_enterprise
    known = owner >= 0

    def counts(end: date) -> np.ndarray:
        today = day_number(end)
        recent = known & (b.found <= today) & (b.found > today - days)
        return np.bincount(owner[recent], minlength=b.n_enterprises)

    flags = np.stack([counts(end) >= minimum for end in history.ends])
    start = run_start(flags)
    where = np.flatnonzero(start >= 0)
    if not len(where):
        return _rows()
    today = day_number(history.as_of)
    recent = known & (b.found <= today) & (b.found > today - days)
    total = np.bincount(owner[recent], minlength=b.n_enterprises)
    still_open = np.bincount(owner[recent & history.assessment.hazards["is_open"].to_numpy(dtype=bool)],
                             minlength=b.n_enterprises)
    who = _subjects(history, "enterprises", where)
    since = [history.ends[f].isoformat() for f in start[where]]
    messages = [msg("warn_repeated_hazards", days=days, count=int(total[k]), min=minimum, open=int(still_open[k]), since=s)
                for k, s in zip(where, since)]
    return _rows(level=rule.get("level", "yellow"), kind="repeated_hazards", dataset="enterprises", **who, since=since,
                 severity=total[where], message_codes=messages)


# --- accident_trend -------------------------------------------------------------------------

def _trend_tests(sums: dict, rule: dict, end: date, counties: np.ndarray, *, both: bool = True) -> dict[int, list]:
    """The tests of every measure for the given counties at a period end: county → [(measure, TrendTest)]."""
    from riskmap.trends import trend_tests

    out: dict[int, list] = {int(k): [] for k in counties}
    for measure, monthly in sums.items():
        for k, result in zip(counties, trend_tests(monthly.at(end)[counties], rule, both=both)):
            if result.fires:
                out[int(k)].append((measure, result))
    return out


def _monthly_sums(history: History, rule: dict) -> dict:
    """Each measure's monthly sums per county (:class:`riskmap.trends.MonthlySums`), for every period end."""
    from riskmap.trends import MonthlySums, series_length

    b = basis(history.prepared)
    length = series_length(rule)
    return {measure: MonthlySums(b.accident_day, b.accident_county,
                                 np.ones(len(b.accident_day)) if measure == "accidents" else b.accident_deaths,
                                 b.n_counties, history.ends, length)
            for measure in rule.get("measures", ["accidents", "deaths"])}


def _trend_message(rule: dict, tests: list, since: str) -> Msg:
    parts = []
    for measure, result in tests:
        words = msg(f"measure_{measure}")
        if result.rising:
            parts.append(msg("trend_mk", months=int(rule["months"]), measure=words, p=result.p, slope=result.slope))
        if result.jumped:
            share = f"{result.recent / result.before - 1:+.0%}" if result.before else ""
            pct = Pair(f"，{share}", f", {share}") if share else ""
            parts.append(msg("trend_recent", recent_months=int(rule["recent_months"]), measure=words, recent=result.recent,
                             before=result.before, increase=result.recent - result.before, pct=pct))
    return msg("warn_accident_trend", parts=join(parts, "join_semicolon"), since=since)


def accident_trend(history: History, rule: dict) -> pd.DataFrame:
    """Counties whose monthly accidents (or deaths) rise significantly (:mod:`riskmap.trends`)."""
    b = basis(history.prepared)
    sums = _monthly_sums(history, rule)
    now = _trend_tests(sums, rule, history.as_of, np.arange(b.n_counties))
    firing = np.array([k for k, tests in now.items() if tests], dtype=int)
    if not len(firing):
        return _rows()
    # When each began: the earlier period ends, walking back while the rule still held.
    start = {int(k): len(history.ends) - 1 for k in firing}
    alive = list(firing)
    for index in range(len(history.ends) - 2, -1, -1):
        held = _trend_tests(sums, rule, history.ends[index], np.array(alive, dtype=int), both=False)
        alive = [k for k in alive if held[int(k)]]
        for k in alive:
            start[int(k)] = index
        if not alive:
            break
    who = _subjects(history, "counties", firing)
    since = [history.ends[start[int(k)]].isoformat() for k in firing]
    severity = [max((t.slope if t.rising else 0.0) for _, t in now[int(k)]) + max(t.recent - t.before for _, t in now[int(k)])
                for k in firing]
    messages = [_trend_message(rule, now[int(k)], s) for k, s in zip(firing, since)]
    return _rows(level=rule.get("level", "orange"), kind="accident_trend", dataset="counties", **who, since=since,
                 severity=severity, message_codes=messages)


# --- hotspot ---------------------------------------------------------------------------------

def hotspot(history: History, rule: dict) -> pd.DataFrame:
    """Road units in a Getis–Ord Gi* hot spot of accident EPDO (:mod:`riskmap.clusters`)."""
    from riskmap.clusters import GiStar, significant, two_sided

    b = basis(history.prepared)
    if b.n_units < 3:
        return _rows()
    alpha, band, minimum = float(rule.get("p", 0.05)), rule.get("band_m", 1500), float(rule.get("min_epdo", 1))
    now_epdo = history.periods[-1].epdo
    gi = GiStar(history.prepared, band=band)
    spots = gi(now_epdo)
    listed = spots.significant(alpha) & (now_epdo >= minimum)
    where = np.flatnonzero(listed)
    if not len(where):
        return _rows()
    # When each began: walking back while any still holds, each period's Gi* of these units only.
    start = np.full(len(where), len(history.ends) - 1)
    alive = np.ones(len(where), dtype=bool)
    for index in range(len(history.ends) - 2, -1, -1):
        epdo = history.periods[index].epdo
        z = gi.z_of(epdo, where)
        alive &= significant(z, two_sided(z), alpha) & (epdo[where] >= minimum)
        start[alive] = index
        if not alive.any():
            break
    who = _subjects(history, "road_units", where)
    since = [history.ends[f].isoformat() for f in start]
    months = int(b.standard.roads["window_months"])
    messages = [msg("warn_hotspot", z=float(spots.z[k]), p=float(spots.p[k]), months=months, epdo=float(now_epdo[k]),
                    band=spots.band, n=int(spots.neighbours[k]), total=float(spots.total[k]), since=s)
                for k, s in zip(where, since)]
    return _rows(level=rule.get("level", "orange"), kind="hotspot", dataset="road_units", **who, since=since,
                 severity=spots.z[where], message_codes=messages)


# --- all of them -----------------------------------------------------------------------------

RULES = {"grade_rise": grade_rise, "forecast_rise": forecast_rise, "overdue": overdue,
         "supervised_overdue": supervised_overdue, "due_soon": due_soon, "accident_trend": accident_trend,
         "repeated_hazards": repeated_hazards, "hotspot": hotspot}
"""Each kind's rule: ``rule(history, table)`` → its warnings (the table: the kind's thresholds)."""


def find_warnings(history: History, *, kinds: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every warning at ``as_of``, ordered by level (red first), then severity (see the module docstring).

    Parameters
    ----------
    history
        The graded history (:func:`riskmap.history.build_history`).
    kinds
        Only these kinds (default: every kind the standard switches on).
    """
    tables = history.prepared.standard.warnings
    chosen = [kind for kind in KINDS if (kinds is None or kind in kinds) and tables.get(kind, {}).get("enabled", True)]
    # The hot spots (a KD-tree, sparse weights, Gi*: much of it outside the GIL) run beside the other rules.
    with ThreadPoolExecutor(max_workers=1) as pool:
        spots = pool.submit(hotspot, history, tables["hotspot"]) if "hotspot" in chosen else None
        found = [RULES[kind](history, tables[kind]) for kind in chosen if kind != "hotspot"]
        found += [spots.result()] if spots is not None else []
    found = [f for f in found if len(f)]
    frame = pd.concat(found, ignore_index=True) if found else _rows()
    frame["rank"] = frame["level"].map(RANK).astype(int) if len(frame) else pd.Series(dtype=int)
    order = {kind: i for i, kind in enumerate(SEVERITY_ORDER)}
    frame = frame.assign(_k=frame["kind"].map(order), _s=pd.to_numeric(frame["severity"], errors="coerce").fillna(0))
    frame = frame.sort_values(["rank", "_k", "_s", "id"], ascending=[False, True, False, True], kind="stable")
    frame = frame.drop(columns=["_k", "_s"]).reset_index(drop=True)
    frame["message"] = render_messages(frame["message_codes"], history.language)
    return frame[[*WARNING_COLUMNS, "message_codes", "sector", "severity", "rank", "lon", "lat"]]


def render_messages(codes: pd.Series, lang: str) -> pd.Series:
    """The messages in ``lang`` (each from its :class:`~riskmap.i18n.Msg`)."""
    return pd.Series([code.render(lang) for code in codes], index=codes.index, dtype=object)


def in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The warnings with their messages in ``lang`` (from ``message_codes``)."""
    if "message_codes" not in frame or not len(frame):
        return frame
    return frame.assign(message=render_messages(frame["message_codes"], lang))


def select_warnings(frame: pd.DataFrame, *, levels=None, kinds=None, counties=None, sectors=None,
                    hazard_statuses=None, statuses_of: pd.Series | None = None) -> pd.DataFrame:
    """The warnings of the given levels, kinds, counties and sectors (``None``: any).

    A sector keeps the warnings of its enterprises and their hazards (road units:
    ``road_transport``); a county's own warnings have no sector and are shown only when
    no sector is chosen, as the other tables do.  ``hazard_statuses`` keeps the hazard
    warnings whose hazard has one of them (``statuses_of``: hazard id → status).
    """
    keep = pd.Series(True, index=frame.index)
    if levels is not None:
        keep &= frame["level"].isin(list(levels))
    if kinds is not None:
        keep &= frame["kind"].isin(list(kinds))
    if counties is not None:
        keep &= frame["county_code"].isin(list(counties))
    if sectors is not None:
        keep &= frame["sector"].isin(list(sectors))
    if hazard_statuses is not None and statuses_of is not None:
        hazard = frame["dataset"] == "hazards"
        keep &= ~hazard | frame["id"].map(statuses_of).isin(list(hazard_statuses))
    return frame[keep]
