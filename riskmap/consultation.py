"""The periodic consultation pack (定期研判会商): a history put into the sections of the meeting.

:func:`build_consultation` turns a :class:`~riskmap.history.History` (under the page's
or the command's filters, in a language) into a :class:`~riskmap.document.Document`
for the period that ends at ``as_of``:

1. **本期概况 / overview**: counts by grade, this period end against the previous one;
   open, major, overdue and supervised hazards likewise; accidents and deaths in the
   period against the same period a year earlier;
2. **预警 / warnings**: the red and orange ones in full, the rest counted by kind;
3. **风险变化 / what changed**: counties, enterprises and road units whose grade rose
   (with their reasons) or fell;
4. **下期预测 / forecast**: what rises at the next period end if nothing is rectified,
   and which hazards, once rectified, prevent it (:mod:`riskmap.prevention`);
5. **隐患闭环 / hazard lifecycle**: per county, found, closed, closed on time, the
   rectification rate (整改率), the on-time rate (按期整改率), overdue, mean days to
   close; every hazard under listed supervision (挂牌督办);
6. **事故趋势 / accident trend**: monthly accidents and deaths over the history, for
   the region and the three counties whose accidents rose most;
7. **图件 / maps**: the four-colour map and the change map;
8. **会商建议 / proposed actions** (:mod:`riskmap.actions`), each naming its warning.

The rates (docs/consultation.md): 整改率 = closed in the period ÷ (closed in the period
+ open at its end), i.e. of the hazards that were open at some time in the period, the
share closed by its end; 按期整改率 = closed on or before the deadline ÷ closed in the
period.  Both are empty ("—") when their denominator is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from riskmap.actions import propose_actions, warning_refs
from riskmap.document import Document, Figure, Section, Table
from riskmap.filters import Filters
from riskmap.grades import GRADES, count_by_grade
from riskmap.history import History
from riskmap.i18n import HAZARD_LEVEL_LABELS, HAZARD_STATUS_LABELS, SUPERVISION_LABELS, grade_label, label, label_of, t
from riskmap.lifecycle import period_figures
from riskmap.periods import months_before, period_start
from riskmap.prevention import preventions
from riskmap.tables import county_rows, hazard_rows, warning_rows
from riskmap.timeline import NEVER, day_numbers
from riskmap.view import View, translated

LIMIT = 40
"""How many rows a list of the pack shows (the register and warnings.csv have them all)."""
FULL_LIMIT = 500
"""The red and orange warnings are listed in full up to this many (a city's are; a province's thousands
would make a pack of hundreds of pages: the rest are counted, and warnings.csv has them all)."""

SUPERVISED = ("county", "city", "province")
WATCHED = ("counties", "enterprises", "road_units")
ID_COLUMN = {"counties": "county_code", "enterprises": "enterprise_id", "road_units": "unit_id"}


@dataclass
class Period:
    """The period of a pack: its first and last day, the previous period end, the forecast's date."""

    start: date
    end: date
    previous: date | None
    forecast: date
    kind: str

    @property
    def label(self) -> str:
        """``2026-10`` (a month) or ``2026-Q3`` (a quarter): what file names carry."""
        if self.kind == "quarter":
            return f"{self.end.year}-Q{(self.end.month - 1) // 3 + 1}"
        return f"{self.end.year}-{self.end.month:02d}"


def period_of(history: History) -> Period:
    """The period that ends at the history's ``as_of``."""
    ends = history.ends
    return Period(period_start(ends, len(ends) - 1, history.kind), history.as_of,
                  ends[-2] if len(ends) > 1 else None, history.forecast_end, history.kind)


def change_text(now: float, before: float | None) -> str:
    """``↑2``, ``↓1``, ``0`` (``—`` without a previous figure)."""
    if before is None:
        return "—"
    step = now - before
    number = f"{abs(step):g}"
    return f"↑{number}" if step > 0 else f"↓{number}" if step < 0 else "0"


def rate_text(part: float, whole: float) -> str:
    """A rate as a percentage with one decimal (``—`` when ``whole`` is 0)."""
    return f"{100.0 * part / whole:.1f}%" if whole else "—"


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    return f"{value:g}" if isinstance(value, (int, float, np.integer, np.floating)) else str(value)


def _date(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _more(n_all: int, n_shown: int, lang: str) -> str:
    return t("pack_more", lang, n=n_all - n_shown) if n_all > n_shown else ""


# --- 1. overview ----------------------------------------------------------------------------

def _hazard_counts(view: View | None) -> dict[str, int] | None:
    if view is None:
        return None
    hz = view.hazards
    is_open = hz["is_open"].fillna(False).astype(bool)
    return {"open": int(is_open.sum()), "major": int((is_open & (hz["level"] == "major")).sum()),
            "overdue": int(hz["overdue"].fillna(False).astype(bool).sum()),
            "supervised": int((is_open & hz["supervision"].isin(SUPERVISED)).sum())}


def accident_counts(view: View, start: date, end: date) -> tuple[int, int]:
    """Accidents and deaths of the view dated from ``start`` to ``end`` (both included)."""
    acc = view.accidents
    days = pd.to_datetime(acc["date"]).dt.normalize()
    inside = (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))
    return int(inside.sum()), int(pd.to_numeric(acc.loc[inside, "deaths"], errors="coerce").fillna(0).sum())


def _grade_counts(view: View | None) -> dict[str, dict[str, int]] | None:
    if view is None:
        return None
    return {name: count_by_grade(view.frame(name)["grade"]) for name in WATCHED}


def _overview(view: View, before: View | None, period: Period) -> Section:
    lang = view.lang
    now, then = _grade_counts(view), _grade_counts(before)
    rows, grades = [], []
    for name in WATCHED:
        for g in GRADES:
            previous = then[name][g] if then else None
            rows.append([t(name, lang), grade_label(g, lang), str(now[name][g]), _fmt(previous),
                         change_text(now[name][g], previous)])
            grades.append(g)
    counts = Table([t("pack_subject", lang), t("grade", lang), t("pack_this_period", lang), t("pack_previous", lang),
                    t("pack_change", lang)], rows, widths=(2, 2, 1.3, 1.3, 1.2), numeric=(2, 3, 4), grade_col=1,
                   grades=grades)
    hz_now, hz_then = _hazard_counts(view), _hazard_counts(before)
    hazards = Table([t("pack_hazards", lang), t("pack_this_period", lang), t("pack_previous", lang), t("pack_change", lang)],
                    [[t(f"pack_hz_{k}", lang), str(v), _fmt(hz_then[k] if hz_then else None),
                      change_text(v, hz_then[k] if hz_then else None)] for k, v in hz_now.items()],
                    widths=(3, 1.3, 1.3, 1.2), numeric=(1, 2, 3))
    a_now = accident_counts(view, period.start, period.end)
    a_then = accident_counts(view, months_before(period.start, 12), months_before(period.end, 12))
    accidents = Table([t("pack_accidents", lang), t("pack_this_period", lang), t("pack_year_earlier", lang),
                       t("pack_change", lang)],
                      [[t("pack_acc_count", lang), str(a_now[0]), str(a_then[0]), change_text(a_now[0], a_then[0])],
                       [t("pack_acc_deaths", lang), str(a_now[1]), str(a_then[1]), change_text(a_now[1], a_then[1])]],
                      widths=(3, 1.3, 1.3, 1.2), numeric=(1, 2, 3),
                      note=t("pack_year_note", lang, a=months_before(period.start, 12).isoformat(),
                             b=months_before(period.end, 12).isoformat()))
    c_now, c_then = now["counties"], then["counties"] if then else None
    text = t("pack_overview_text", lang, start=period.start.isoformat(), end=period.end.isoformat(),
             red=c_now["red"], red_change=change_text(c_now["red"], c_then["red"] if c_then else None),
             orange=c_now["orange"], orange_change=change_text(c_now["orange"], c_then["orange"] if c_then else None),
             open=hz_now["open"], overdue=hz_now["overdue"], accidents=a_now[0], deaths=a_now[1])
    return Section("overview", t("pack_h_overview", lang), [text, counts, hazards, accidents])


# --- 2. warnings ----------------------------------------------------------------------------

def _warnings(rows: pd.DataFrame, lang: str) -> Section:
    section = Section("warnings", t("pack_h_warnings", lang))
    if rows.empty:
        section.blocks.append(t("pack_no_warnings", lang))
        return section
    by_level = ("，" if lang == "zh" else ", ").join(
        f"{label_of('warning_level', g, lang)} {int((rows['level'] == g).sum())}" for g in GRADES)
    section.blocks.append(t("pack_warnings_text", lang, n=len(rows), levels=by_level))
    high = rows[rows["level"].isin(["red", "orange"])]
    if high.empty:
        section.blocks.append(t("pack_no_high_warnings", lang))
    else:
        n_high, high = len(high), high.head(FULL_LIMIT)
        section.blocks.append(Table(
            [t("pack_ref", lang), t("warning_level", lang), t("warning_kind", lang), t("warning_name", lang),
             t("county_name", lang), t("warning_message", lang), t("warning_since", lang)],
            [[r.ref, label_of("warning_level", r.level, lang), label_of("warning_kind", r.kind, lang), str(r.name),
              str(r.county_name) if pd.notna(r.county_name) else "—", str(r.message), str(r.since)]
             for r in high.itertuples()],
            widths=(0.8, 1.2, 1.5, 2.4, 1.4, 5.2, 1.5), grade_col=1, grades=high["level"].tolist(),
            note=t("pack_high_more", lang, n=n_high - len(high)) if n_high > len(high) else ""))
    rest = rows[~rows["level"].isin(["red", "orange"])]
    if not rest.empty:
        counts = rest.groupby(["kind", "level"]).size().unstack(fill_value=0)
        levels = [g for g in GRADES if g in counts.columns]
        section.blocks.append(Table(
            [t("warning_kind", lang), *[label_of("warning_level", g, lang) for g in levels], t("total", lang)],
            [[label_of("warning_kind", k, lang), *[str(int(counts.loc[k, g])) for g in levels], str(int(counts.loc[k].sum()))]
             for k in counts.index], numeric=tuple(range(1, len(levels) + 2)),
            note=t("pack_rest_note", lang)))
    return section


# --- 3. what changed ------------------------------------------------------------------------

def _shown_positions(history: History, view: View, name: str) -> np.ndarray:
    """Positions (in the history's arrays) of the records of ``name`` the view shows."""
    full = getattr(history.assessment, name)
    ids = set(view.frame(name)[ID_COLUMN[name]].astype(str))
    return np.flatnonzero(full[ID_COLUMN[name]].astype(str).isin(ids).to_numpy())


def _subject_cells(frame: pd.DataFrame, name: str, view: View) -> tuple[pd.Series, pd.Series]:
    """Each record's name and county as shown."""
    if name == "counties":
        return frame["county_name"].astype(str), pd.Series("", index=frame.index)
    county = frame["county_code"].map(view.county_names).fillna("—")
    if name == "enterprises":
        return frame["name"].astype(str), county
    road = frame["road_name"].where(frame["road_name"].notna(), frame["segment_id"]).astype(str)
    return road + " " + frame["unit_id"].astype(str), county


def _why(frame: pd.DataFrame, name: str) -> pd.Series:
    reasons = frame["reasons"].fillna("").astype(str) if "reasons" in frame else pd.Series("", index=frame.index)
    if name == "counties" and "top_contributors" in frame:
        top = frame["top_contributors"].fillna("").astype(str)
        reasons = (top + "；" + reasons).str.strip("；")
    return reasons.where(reasons != "", "—")


def _changed(history: History, view: View, lang: str, limit: int) -> Section:
    section = Section("changes", t("pack_h_changes", lang))
    if len(history.ends) < 2:
        section.blocks.append(t("pack_no_previous", lang))
        return section
    full = translated(history.assessment, lang)
    any_change = False
    for direction in ("rose", "fell"):
        for name in WATCHED:
            ranks = history.ranks[name]
            where = _shown_positions(history, view, name)
            moved = where[(ranks[-1][where] > ranks[-2][where]) if direction == "rose" else (ranks[-1][where] < ranks[-2][where])]
            if not len(moved):
                continue
            any_change = True
            order = moved[np.lexsort((-(ranks[-1][moved] - ranks[-2][moved]).astype(int), -ranks[-1][moved].astype(int)))] \
                if direction == "rose" else moved[np.argsort(ranks[-1][moved] - ranks[-2][moved], kind="stable")]
            shown = order[:limit]
            frame = getattr(full, name).iloc[shown]
            names, counties = _subject_cells(frame, name, view)
            why = _why(frame, name)
            before = [GRADES[3 - int(r)] for r in ranks[-2][shown]]
            rows = [[n, c, f"{grade_label(b, lang)} → {grade_label(a, lang)}", w]
                    for n, c, b, a, w in zip(names, counties, before, frame["grade"], why)]
            section.blocks.append(t(f"pack_{direction}_{name}", lang, n=len(moved)))
            section.blocks.append(Table([t("warning_name", lang), t("county_name", lang), t("pack_grade_change", lang),
                                         t("reasons", lang)], rows, widths=(2.6, 1.4, 2.4, 5.6), grade_col=2,
                                        grades=frame["grade"].tolist(), note=_more(len(moved), len(shown), lang)))
    if not any_change:
        section.blocks.append(t("pack_no_changes", lang, previous=history.ends[-2].isoformat()))
    return section


# --- 4. forecast ----------------------------------------------------------------------------

def _hazard_names(history: History, positions: list[int], lang: str) -> list[str]:
    hz = history.assessment.hazards.iloc[positions]
    text = hz["description"].where(hz["description"].notna() & (hz["description"].astype(str) != ""), hz["name"])
    return [f"{i}（{d}）" if lang == "zh" else f"{i} ({d})" for i, d in zip(hz["hazard_id"].astype(str), text.fillna("").astype(str))]


def prevention_text(history: History, prevention, lang: str) -> str:
    """What prevents a rise, in words."""
    if prevention is None or prevention.how == "none":
        return t("pack_prevent_none", lang)
    names = _hazard_names(history, prevention.hazards[:8], lang)
    listed = ("；" if lang == "zh" else "; ").join(names)
    if len(prevention.hazards) > 8:
        listed += t("pack_more", lang, n=len(prevention.hazards) - 8)
    return t(f"pack_prevent_{prevention.how}", lang, hazards=listed, n=len(prevention.hazards))


def _forecast(history: History, view: View, warnings: pd.DataFrame, lang: str, limit: int) -> tuple[Section, dict]:
    section = Section("forecast", t("pack_h_forecast", lang, d=history.forecast_end.isoformat()))
    now, later = history.periods[-1].ranks, history.outlook.ranks
    full = translated(history.assessment, lang)
    drivers = {(w.dataset, str(w.id)): str(w.message) for w in warnings.itertuples() if w.kind == "forecast_rise"}
    rising = {name: (lambda where: where[later[name][where] > now[name][where]])(_shown_positions(history, view, name))
              for name in WATCHED}
    chosen = {name: rising[name][np.argsort(-later[name][rising[name]], kind="stable")][:limit] for name in WATCHED}
    found = preventions(history, counties=chosen["counties"], enterprises=chosen["enterprises"])
    prevent = {}
    for name in WATCHED:
        if not len(rising[name]):
            continue
        frame = getattr(full, name).iloc[chosen[name]]
        names, counties = _subject_cells(frame, name, view)
        rows, grades = [], []
        for position, n, c, key in zip(chosen[name], names, counties, frame[ID_COLUMN[name]].astype(str)):
            words = prevention_text(history, found.get(name, {}).get(int(position)), lang)
            prevent[(name, key)] = words
            new = GRADES[3 - int(later[name][position])]
            rows.append([n, c, f"{grade_label(GRADES[3 - int(now[name][position])], lang)} → {grade_label(new, lang)}",
                         drivers.get((name, key), "—"), words])
            grades.append(new)
        section.blocks.append(t(f"pack_rising_{name}", lang, n=len(rising[name])))
        section.blocks.append(Table([t("warning_name", lang), t("county_name", lang), t("pack_grade_change", lang),
                                     t("pack_why_rise", lang), t("pack_prevent", lang)], rows,
                                    widths=(2.2, 1.3, 2.2, 3.4, 3.8), grade_col=2, grades=grades,
                                    note=_more(len(rising[name]), len(chosen[name]), lang)))
    if not any(len(r) for r in rising.values()):
        section.blocks.append(t("pack_no_rise", lang, d=history.forecast_end.isoformat()))
    return section, prevent


# --- 5. hazard lifecycle --------------------------------------------------------------------

def lifecycle_table(view: View, start: date, end: date) -> pd.DataFrame:
    """Per county the view shows (worst first) and in total: the lifecycle of the period from the hazards
    shown, with ``rate`` (整改率) and ``on_time_rate`` (按期整改率) as fractions (NaN when undefined)."""
    hz = view.hazards
    found, closed = day_numbers(hz["found_date"]), day_numbers(hz["closed_date"])
    closed = np.where((hz["status"].to_numpy(dtype=object) == "closed") & (closed == NEVER), found, closed)
    counties = county_rows(view.counties)
    index = pd.Index(counties["county_code"].astype(str))
    group = index.get_indexer(hz["county_code"].astype(object).where(hz["county_code"].notna(), None)).astype(np.int64)
    common = dict(found=found, closed=closed, deadline=day_numbers(hz["deadline"]),
                  dated_close=hz["closed_date"].notna().to_numpy(dtype=bool),
                  is_open=hz["is_open"].fillna(False).to_numpy(dtype=bool),
                  overdue=hz["overdue"].fillna(False).to_numpy(dtype=bool), start=start, end=end)
    per = period_figures(**common, group=group, n_groups=len(index))
    total = period_figures(**common, group=np.zeros(len(hz), dtype=np.int64), n_groups=1)
    frame = pd.DataFrame({"county_code": [*index, ""], "county_name": [*counties["county_name"].astype(str), ""]})
    for key in per:
        frame[key] = np.concatenate([per[key], total[key]])
    with np.errstate(invalid="ignore", divide="ignore"):
        needed = frame["hazards_closed"] + frame["open"]
        frame["rate"] = np.where(needed > 0, frame["hazards_closed"] / needed.where(needed > 0, 1), np.nan)
        frame["on_time_rate"] = np.where(frame["hazards_closed"] > 0,
                                         frame["closed_on_time"] / frame["hazards_closed"].where(frame["hazards_closed"] > 0, 1),
                                         np.nan)
    return frame


def _lifecycle(view: View, period: Period, lang: str) -> Section:
    figures = lifecycle_table(view, period.start, period.end)
    rows = []
    for r in figures.itertuples():
        name = r.county_name or t("total", lang)
        rows.append([name, str(r.hazards_found), str(r.hazards_closed), str(r.closed_on_time),
                     rate_text(r.hazards_closed, r.hazards_closed + r.open), rate_text(r.closed_on_time, r.hazards_closed),
                     str(r.open), str(r.overdue), _fmt(r.mean_days_to_close)])
    table = Table([t("county_name", lang), *[t(f"pack_lc_{k}", lang) for k in
                                              ("found", "closed", "on_time", "rate", "on_time_rate", "open", "overdue", "days")]],
                  rows, widths=(2, 1, 1, 1.1, 1.2, 1.3, 1.1, 1, 1.3), numeric=tuple(range(1, 9)),
                  note=t("pack_rate_note", lang, start=period.start.isoformat(), end=period.end.isoformat()))
    section = Section("lifecycle", t("pack_h_lifecycle", lang), [table, t("pack_supervised_intro", lang)])
    hz = hazard_rows(view.hazards)
    hz = hz[hz["supervision"].isin(SUPERVISED)] if not hz.empty else hz
    if hz.empty:
        section.blocks.append(t("pack_no_supervised", lang))
        return section
    rows = [[str(r.hazard_id), str(r.description) if pd.notna(r.description) and str(r.description) else str(r.name),
             view.county_names.get(str(r.county_code), "—"), label(SUPERVISION_LABELS, r.supervision, lang),
             label(HAZARD_LEVEL_LABELS, r.level, lang), _date(r.found_date), _date(r.deadline),
             str(int(r.days_overdue)) if bool(r.overdue) else "0", label(HAZARD_STATUS_LABELS, r.status, lang)]
            for r in hz.itertuples()]
    section.blocks.append(Table([t(c, lang) for c in ("hazard_id", "description", "county_name", "supervision", "level",
                                                       "found_date", "deadline", "days_overdue", "status")], rows,
                                widths=(1.4, 3.2, 1.3, 1, 1, 1.5, 1.5, 1, 1.1), numeric=(7,)))
    return section


# --- 6. accident trend ----------------------------------------------------------------------

def accident_series(view: View, history: History) -> dict:
    """Monthly accidents and deaths over the history's months (at least 12), for the region and the three
    counties whose accidents rose most (the later half of the months against the earlier half)."""
    from riskmap.trends import monthly

    step = 3 if history.kind == "quarter" else 1
    months = max(12, len(history.ends) * step)
    acc = view.accidents
    days = day_numbers(acc["date"])
    deaths = pd.to_numeric(acc["deaths"], errors="coerce").fillna(0).to_numpy(dtype=float)
    codes = county_rows(view.counties)["county_code"].astype(str).tolist()
    group = pd.Index(codes).get_indexer(acc["county_code"].astype(object).where(acc["county_code"].notna(), None))
    as_of = history.as_of
    labels = [months_before(as_of, months - 1 - i).strftime("%Y-%m") for i in range(months)]
    region = {m: monthly(days, np.zeros(len(days), dtype=np.int64), w, 1, as_of, months)[0]
              for m, w in (("accidents", np.ones(len(days))), ("deaths", deaths))}
    per = {m: monthly(days, group.astype(np.int64), w, len(codes), as_of, months)
           for m, w in (("accidents", np.ones(len(days))), ("deaths", deaths))}
    half = months // 2
    rise = per["accidents"][:, half:].sum(axis=1) - per["accidents"][:, :months - half].sum(axis=1) if codes else np.zeros(0)
    top = [int(k) for k in np.argsort(-rise, kind="stable")[:3] if rise[k] > 0]
    return {"months": labels, "region": region, "region_name": view.info.region,
            "counties": [{"name": view.county_names.get(codes[k], codes[k]), "rise": float(rise[k]),
                          "accidents": per["accidents"][k], "deaths": per["deaths"][k]} for k in top]}


def _trend(view: View, history: History, lang: str) -> Section:
    series = accident_series(view, history)
    names = ("、" if lang == "zh" else ", ").join(f"{c['name']}（+{c['rise']:g}）" if lang == "zh" else f"{c['name']} (+{c['rise']:g})"
                                                 for c in series["counties"])
    text = t("pack_trend_text", lang, n=len(series["months"]), counties=names) if names else \
        t("pack_trend_none", lang, n=len(series["months"]))
    return Section("trend", t("pack_h_trend", lang), [text, Figure("accident_trend", t("pack_trend_caption", lang), series)])


# --- 7. maps, 8. actions --------------------------------------------------------------------

def _maps(history: History, view: View, lang: str) -> Section:
    ranks = history.ranks["enterprises"]
    rose = ranks[-1] > ranks[-2] if len(history.ends) > 1 else np.zeros(ranks.shape[1], dtype=bool)
    ids = set(history.assessment.enterprises["enterprise_id"].astype(str).to_numpy()[rose])
    previous = history.ends[-2].isoformat() if len(history.ends) > 1 else history.as_of.isoformat()
    return Section("maps", t("pack_h_maps", lang), [
        Figure("map", t("pack_map_caption", lang, d=history.as_of.isoformat()), view),
        Figure("change_map", t("pack_change_caption", lang, a=previous, b=history.as_of.isoformat()),
               {"view": view, "rising": ids, "previous": previous})])


def _actions(warnings: pd.DataFrame, view: View, prevent: dict, lang: str) -> Section:
    section = Section("actions", t("pack_h_actions", lang))
    actions = propose_actions(warnings, view.standard, lang=lang, county_names=view.county_names, prevent=prevent)
    if actions.empty:
        section.blocks.append(t("pack_no_actions", lang) if len(warnings) else t("pack_no_warnings", lang))
        return section
    section.blocks.append(t("pack_actions_text", lang, n=len(actions)))
    for _key, group in actions.groupby("action", sort=False):
        section.blocks.append(f"{group['label'].iloc[0]}（{len(group)}）" if lang == "zh" else f"{group['label'].iloc[0]} ({len(group)})")
        rows = [[a.ref, a.text, f"{a.warning_ref} · {label_of('warning_kind', a.warning_kind, lang)} · {a.name}",
                 a.warning_message] for a in group.head(LIMIT).itertuples()]
        section.blocks.append(Table([t("pack_ref", lang), t("pack_action", lang), t("pack_action_warning", lang),
                                     t("warning_message", lang)], rows, widths=(0.7, 5, 2.6, 4.2),
                                    grade_col=2, grades=group.head(LIMIT)["warning_level"].tolist(),
                                    note=_more(len(group), min(len(group), LIMIT), lang)))
    return section


def build_consultation(history: History, *, filters: Filters | None = None, lang: str | None = None,
                       limit: int = LIMIT) -> Document:
    """The consultation pack of the period that ends at the history's ``as_of``.

    Parameters
    ----------
    history
        The graded history (:func:`riskmap.history.build_history`).
    filters
        What to show (sectors, counties, grades, hazard statuses), as on the page.
    lang
        ``zh`` or ``en`` (default: the workspace's).
    limit
        Rows per list (what rose, fell or rises in the forecast; actions per kind).
    """
    lang = lang or history.language
    period = period_of(history)
    view = View(history.with_change(history.as_of), filters, lang)
    before = View(history.at(period.previous), filters, lang, period.previous) if period.previous else None
    warnings = warning_rows(history.warnings, view)
    warnings = warnings.assign(ref=warning_refs(warnings))
    forecast, prevent = _forecast(history, view, warnings, lang, limit)
    sections = [_overview(view, before, period), _warnings(warnings, lang), _changed(history, view, lang, limit), forecast,
                _lifecycle(view, period, lang), _trend(view, history, lang), _maps(history, view, lang),
                _actions(warnings, view, prevent, lang)]
    info = view.info
    parts = [info.region, t("pack_period", lang, a=period.start.isoformat(), b=period.end.isoformat())]
    if view.filtered:
        parts.append(f"{t('filters_applied', lang)}{view.describe_filters()}")
    return Document(title=t("pack_title", lang, region=info.region, period=period.label), subtitle="  ·  ".join(parts),
                    lang=lang, sections=sections, footer=t("pack_footer", lang, source=info.source or info.region,
                                                           d=period.end.isoformat()),
                    demo=info.demo, colours=view.colours)


def pack_file_name(history: History, *, report: str = "consultation", fmt: str = "docx", lang: str | None = None) -> str:
    """The file name a scheduled run writes: ``研判会商_2026-10.docx``, ``区县图册_2026-10.pdf`` (en:
    ``consultation_2026-10.docx``, ``atlas_2026-10.pdf``)."""
    lang = lang or history.language
    return f"{t(f'pack_file_{report}', lang)}_{period_of(history).label}.{fmt}"


__all__ = ["LIMIT", "Period", "accident_counts", "accident_series", "build_consultation", "change_text",
           "lifecycle_table", "pack_file_name", "period_of", "prevention_text", "rate_text"]
