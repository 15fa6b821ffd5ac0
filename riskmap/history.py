"""The history and the forecast: a workspace graded at each period end, and one period ahead.

:func:`build_history` prepares the workspace once (reading, joins, road units,
snapping: :func:`riskmap.spatial.prepare`) and grades it at the end of each of the
last N periods (months by default, the last ending at ``as_of``: DESIGN §9) and at the
end of the next period as if nothing changed: open hazards stay open, no new
accidents or hazards, old accidents leave their windows (the forecast, 预测).

Each date is graded as numbers (:func:`riskmap.timeline.state_at`); only the
assessment at ``as_of`` is turned into frames straight away, any other period end (or
the forecast) when it is asked for (:meth:`History.at`), so a history costs about one
assessment.  What a consultation pack or a county atlas needs is here:

* :attr:`History.assessment` (at ``as_of``), :meth:`History.at` (any period end),
  :attr:`History.forecast` (the next period end);
* :attr:`History.counties` (``trend_counties.csv``: grade, score, components and the
  hazard lifecycle per county and period) and :attr:`History.region`
  (``trend_region.csv``);
* :attr:`History.ranks` (the grade ranks of every county, enterprise and road unit at
  every period end, and in the forecast);
* :attr:`History.warnings` (``warnings.csv``, :mod:`riskmap.alerts`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from riskmap.assessment import Assessment
from riskmap.grades import GRADES, RANK
from riskmap.io.workspace import Workspace
from riskmap.lifecycle import LIFECYCLE_COLUMNS, lifecycle_frame, period_figures
from riskmap.periods import PERIOD_KINDS, next_period_end, period_ends, period_start
from riskmap.pipeline import grade_at
from riskmap.places import ProgressCallback, Stages
from riskmap.spatial import Prepared, prepare
from riskmap.timeline import DateState, basis, grade_rank, state_at

TREND_COUNTY_COLUMNS = ("period_end", "county_code", "county_name", "grade", "score", "points_enterprises", "points_roads",
                        "points_hazards", "points_accidents", *LIFECYCLE_COLUMNS)
"""The columns of ``trend_counties.csv``."""

TREND_REGION_COLUMNS = ("period_end", *LIFECYCLE_COLUMNS, *(f"{d}_{g}" for d in ("counties", "enterprises", "road_units")
                                                             for g in GRADES))
"""The columns of ``trend_region.csv``."""

WATCHED = ("counties", "enterprises", "road_units")
"""What a history keeps the grade ranks of, at every period end."""


@dataclass
class Graded:
    """The numbers a history keeps of one graded date (the frames are made only when asked for).

    Attributes
    ----------
    end, known_until
        The date graded, and the last date whose records count.
    ranks
        Grade ranks (0 blue … 3 red) of the counties, enterprises and road units.
    epdo
        Each road unit's EPDO over the accident window.
    county
        The counties' components, counts, ``score`` and ``grade``
        (:func:`riskmap.grading.county_parts`).
    lifecycle, region
        The hazard lifecycle of the period per county, and for the whole region.
    """

    end: date
    known_until: date
    ranks: dict[str, np.ndarray]
    epdo: np.ndarray
    county: dict[str, np.ndarray]
    lifecycle: dict[str, np.ndarray] | None = None
    region: dict[str, np.ndarray] | None = None


def _graded(state: DateState) -> Graded:
    parts = {k: v for k, v in state.county.items()}
    ranks = {"counties": grade_rank(parts["grade"]), "enterprises": state.ranks.rank.astype(np.int8),
             "road_units": grade_rank(state.unit_grade)}
    return Graded(state.day, state.known_until, ranks, np.asarray(state.epdo, dtype=float), parts)


def _with_lifecycle(prepared: Prepared, graded: Graded, state: DateState, start: date) -> Graded:
    b = basis(prepared)
    common = dict(found=b.found, closed=b.closed, deadline=b.deadline, dated_close=b.dated_close,
                  is_open=state.is_open, overdue=state.overdue, start=start, end=state.day)
    graded.lifecycle = period_figures(**common, group=b.hazard_county, n_groups=b.n_counties)
    graded.region = period_figures(**common, group=np.zeros(len(b.found), dtype=np.int64), n_groups=1)
    return graded


class Periods(Sequence):
    """A history's period ends graded as numbers (:class:`Graded`), each graded when first asked for, then kept.

    The page's first map needs only ``as_of`` and the period end before it (its change): the other period ends
    are graded after the map is drawn, when the warnings, a trend or the tables first read them.  Safe to read
    from several threads (a period end is graded once).
    """

    def __init__(self, grade: Callable[[int], Graded], count: int, graded: dict[int, Graded] | None = None):
        self._grade, self._count = grade, count
        self._graded: dict[int, Graded] = dict(graded or {})
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError(f"period {index} of {self._count}")
        index %= self._count
        with self._lock:
            if index not in self._graded:
                self._graded[index] = self._grade(index)
            return self._graded[index]

    def __iter__(self) -> Iterator[Graded]:
        return (self[i] for i in range(self._count))

    @property
    def graded(self) -> int:
        """How many period ends are graded so far."""
        return len(self._graded)


@dataclass
class History:
    """A workspace graded at the end of each period, and forecast one period ahead.

    Attributes
    ----------
    prepared
        The spatial work, done once.
    kind
        ``month`` or ``quarter``.
    ends
        The period ends, oldest first; the last is ``as_of``.
    periods
        What each period end graded to (:class:`Graded`), in the order of ``ends``.
    outlook
        The forecast: the next period end with nothing rectified and nothing new.
    assessment
        The full assessment at ``as_of`` (its summary with the history's figures).
    """

    prepared: Prepared
    kind: str
    ends: list[date]
    periods: Sequence[Graded]
    outlook: Graded
    assessment: Assessment
    _assessments: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _changed: dict = field(default_factory=dict, repr=False)
    _outlooks: dict = field(default_factory=dict, repr=False)
    _tables: dict = field(default_factory=dict, repr=False)  # what several warning rules share (riskmap.alerts)

    KEEP = 4  # period assessments kept in memory besides the one at as_of and the forecast

    @property
    def as_of(self) -> date:
        return self.ends[-1]

    @property
    def forecast_end(self) -> date:
        return self.outlook.end

    @property
    def language(self) -> str:
        return self.assessment.language

    def at(self, end: date) -> Assessment:
        """The full assessment at a period end of the history, or at the forecast's date.

        Made from the numbers already graded (only the frames and reasons are built),
        and kept: the last few asked for, besides ``as_of`` and the forecast.

        Raises
        ------
        KeyError
            For a date that is neither a period end of the history nor the forecast's.
        """
        if end == self.as_of:
            return self.assessment
        if end == self.forecast_end:
            return self.forecast
        if end not in self.ends:
            allowed = ", ".join(d.isoformat() for d in [*self.ends, self.forecast_end])
            raise KeyError(f"{end} is not a period end of the history; allowed: {allowed}")
        if end not in self._assessments:
            self._assessments[end] = grade_at(self.prepared, end)
            while len(self._assessments) > self.KEEP:
                self._assessments.popitem(last=False)
        self._assessments.move_to_end(end)
        return self._assessments[end]

    @cached_property
    def forecast(self) -> Assessment:
        """The full assessment at the forecast's date (nothing rectified, nothing new after ``as_of``)."""
        return grade_at(self.prepared, self.forecast_end, known_until=self.as_of)

    def outlook_at(self, index: int) -> Graded:
        """The forecast made at period end ``index``: the next period end, with the records known then
        (when a forecast rise was first seen).  Graded when first asked for, then kept."""
        if index == len(self.ends) - 1:
            return self.outlook
        if index not in self._outlooks:
            self._outlooks[index] = _graded(state_at(self.prepared, self.ends[index + 1], known_until=self.ends[index]))
        return self._outlooks[index]

    def until(self, end: date) -> History:
        """The history as it stood at one of its period ends: the period ends up to ``end``, the forecast made
        then (:meth:`outlook_at`), the assessment at ``end``; its warnings are found again when read.  Made from the
        numbers already graded (the consultation pack of an earlier period)."""
        if end == self.as_of:
            return self
        if end not in self.ends:
            allowed = ", ".join(d.isoformat() for d in self.ends)
            raise KeyError(f"{end} is not a period end of the history; allowed: {allowed}")
        index = self.ends.index(end)
        return History(self.prepared, self.kind, self.ends[:index + 1], self.periods[:index + 1], self.outlook_at(index),
                       self.at(end))

    def previous(self, end: date) -> date | None:
        """The period end before ``end`` (the last one, ``as_of``, before the forecast)."""
        dates = [*self.ends, self.forecast_end]
        index = dates.index(end)
        return dates[index - 1] if index > 0 else None

    @property
    def ranks(self) -> dict[str, np.ndarray]:
        """Grade ranks per dataset: an array of periods × records (the forecast not included)."""
        return {name: np.stack([g.ranks[name] for g in self.periods]) for name in WATCHED}

    def change(self, end: date) -> pd.DataFrame:
        """Each county's grade at ``end`` and at the period end before it (``grade_previous``, ``change``: the
        rise in grade steps, negative for a fall; 0 at the first period end)."""
        dates = [*self.ends, self.forecast_end]
        index = dates.index(end)
        graded = self.outlook if index == len(self.ends) else self.periods[index]
        now = graded.ranks["counties"]
        before = self.periods[index - 1].ranks["counties"] if index > 0 else now
        codes = self.prepared.places.codes
        return pd.DataFrame({"county_code": codes, "grade_previous": [GRADES[3 - r] for r in before],
                             "change": (now.astype(int) - before.astype(int))})

    def with_change(self, end: date) -> Assessment:
        """The assessment at ``end`` (:meth:`at`) whose counties also carry their change since the period end
        before: ``grade_previous``, ``grade_change`` (grade steps, negative for a fall) and ``change`` (``up2``,
        ``up1``, ``same``, ``down1``, ``down2``): what the map's "change" mode colours by.  Kept per period end."""
        assessment = self.at(end)
        key = ("change", end, id(assessment))
        if key not in self._changed:
            change = self.change(end).set_index("county_code")
            codes = assessment.counties["county_code"].astype(str)
            steps = codes.map(change["change"]).fillna(0).astype(int).to_numpy()
            counties = assessment.counties.assign(
                grade_previous=codes.map(change["grade_previous"]).to_numpy(), grade_change=steps,
                change=np.select([steps >= 2, steps == 1, steps == 0, steps == -1], ["up2", "up1", "same", "down1"], "down2"))
            self._changed = {k: v for k, v in self._changed.items() if k[2] in {id(a) for a in self._live()}}
            origin = dataclasses.replace(assessment.origin, previous=self.previous(end)) if assessment.origin else None
            self._changed[key] = dataclasses.replace(assessment, counties=counties, origin=origin)
        return self._changed[key]

    def _live(self) -> list[Assessment]:
        live = [self.assessment, *self._assessments.values()]
        return live + ([self.__dict__["forecast"]] if "forecast" in self.__dict__ else [])

    @cached_property
    def counties(self) -> pd.DataFrame:
        """``trend_counties.csv``: per period end and county, grade, score, components and lifecycle."""
        keys = pd.DataFrame({"county_code": self.prepared.places.codes, "county_name": self.prepared.places.names})
        frames = []
        for graded in self.periods:
            frame = keys.copy()
            frame.insert(0, "period_end", graded.end.isoformat())
            for column in ("grade", "score", "points_enterprises", "points_roads", "points_hazards", "points_accidents"):
                frame[column] = graded.county[column]
            for column in LIFECYCLE_COLUMNS:
                frame[column] = graded.lifecycle[column]
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)[list(TREND_COUNTY_COLUMNS)]

    @cached_property
    def region(self) -> pd.DataFrame:
        """``trend_region.csv``: per period end, the lifecycle of the whole region and the counts by grade."""
        frame = lifecycle_frame([g.region for g in self.periods], [g.end for g in self.periods], pd.DataFrame(index=[0]))
        for name in WATCHED:
            for grade in GRADES:
                frame[f"{name}_{grade}"] = [int((g.ranks[name] == RANK[grade]).sum()) for g in self.periods]
        return frame[list(TREND_REGION_COLUMNS)]

    @cached_property
    def warnings(self) -> pd.DataFrame:
        """The warnings at ``as_of`` (:func:`riskmap.alerts.find_warnings`), ordered by level, then severity."""
        from riskmap.alerts import find_warnings

        return find_warnings(self)

    def county_trend(self, code: str) -> pd.DataFrame:
        """One county's ``period_end``, ``score`` and ``grade`` over the periods, and the forecast (``forecast`` True)."""
        position = int(np.flatnonzero(self.prepared.places.codes == str(code))[0])
        graded = [*self.periods, self.outlook]
        return pd.DataFrame({"period_end": [g.end for g in graded],
                             "score": [float(g.county["score"][position]) for g in graded],
                             "grade": [str(g.county["grade"][position]) for g in graded],
                             "forecast": [False] * len(self.periods) + [True]})


def _period(prepared: Prepared, ends: list[date], kind: str, index: int, state: DateState | None = None) -> Graded:
    """Period end ``index`` graded as numbers, with its hazard lifecycle."""
    state = state or state_at(prepared, ends[index])
    return _with_lifecycle(prepared, _graded(state), state, period_start(ends, index, kind))


def history_of(prepared: Prepared, *, periods: int | None = None, period: str | None = None,
               stages: Stages | None = None, defer: bool = False, fork: bool = False,
               assessed: Callable[[Assessment], None] | None = None) -> History:
    """The history of a prepared workspace (prepared with a horizon that holds every period end).

    Parameters
    ----------
    periods, period
        How many period ends, and ``month`` or ``quarter`` (default: the standard's
        ``[history]`` table).
    defer
        Grade only ``as_of`` and the forecast now, each other period end when first read
        (:class:`Periods`): the page's first map waits for no more than it shows.
    assessed
        Called with the assessment at ``as_of`` as soon as it is graded, before the other
        period ends are (``riskmap assess`` starts writing its files then).
    fork
        Grade the period ends before ``as_of`` and the forecast in a forked process
        (:func:`_fork_periods`) while this one grades ``as_of``, where forking is safe
        and memory allows; not with ``defer``. The numbers are the same either way.
    """
    stages = stages or Stages()
    count, kind = _settings(prepared, periods, period)
    as_of = prepared.info.as_of
    ends = period_ends(as_of, count, kind)
    prepared.wait_for_roads()
    worker = _fork_periods(prepared, ends, kind) if fork and not defer and len(ends) > 1 else None
    if worker is not None and stages.progress:
        stages.progress("history: the earlier period ends and the forecast in a process, beside as_of", None)
    try:
        state = state_at(prepared, as_of)
        assessment = grade_at(prepared, as_of, state=state, stages=stages)
        if assessed is not None:
            assessed(assessment)
    except BaseException:
        if worker is not None:
            worker.cancel()
        raise
    with stages.stage("history: grade"):
        earlier, outlook = _periods_of(worker)
        graded = Periods(lambda index: _period(prepared, ends, kind, index), len(ends),
                         {**earlier, len(ends) - 1: _period(prepared, ends, kind, len(ends) - 1, state)})
        if not defer:
            graded[:]  # noqa: B018  (every period end, now)
        if outlook is None:
            outlook = _outlook(prepared, ends, kind)
    return History(prepared, kind, ends, graded, outlook, assessment)


def _periods_of(worker) -> tuple[dict[int, Graded], Graded | None]:
    """What the child of :func:`_fork_periods` graded; nothing (the parent grades it all) without a child or
    when it died."""
    from riskmap.errors import WorkerError

    if worker is None:
        return {}, None
    try:
        return worker.result()
    except WorkerError:
        return {}, None


def _outlook(prepared: Prepared, ends: list[date], kind: str) -> Graded:
    """The forecast: the next period end after ``as_of``, with nothing known after it."""
    return _graded(state_at(prepared, next_period_end(ends[-1], kind), known_until=ends[-1]))


def _earlier_and_outlook(prepared: Prepared, ends: list[date], kind: str) -> tuple[dict[int, Graded], Graded]:
    """Every period end before ``as_of`` graded as numbers, by index, and the forecast (a child's job)."""
    return {index: _period(prepared, ends, kind, index) for index in range(len(ends) - 1)}, _outlook(prepared, ends, kind)


def _fork_periods(prepared: Prepared, ends: list[date], kind: str):
    """A forked :class:`~riskmap.workers.Worker` grading the period ends before ``as_of`` and the forecast
    (:func:`_earlier_and_outlook`), or None where forking is off, unsafe, or memory is short.

    ``riskmap assess`` grades ``as_of`` on one core for a second or two before its writers start; the
    earlier period ends need only the prepared workspace, so a child grades them on the other core
    meanwhile and sends back their numbers (a few megabytes at province scale).
    """
    from functools import partial

    from riskmap.runtime import settings
    from riskmap.workers import Worker, can_fork

    if int(settings.history_processes) < 1 or not can_fork(1, memory_share=0.5):
        return None
    basis(prepared)  # built once, before the fork: the child reads the parent's
    return Worker(partial(_earlier_and_outlook, prepared, ends, kind), name="riskmap-history")


def _settings(prepared: Prepared, periods: int | None, period: str | None) -> tuple[int, str]:
    table = prepared.standard.history
    count = int(periods if periods is not None else table.get("periods", 12))
    kind = str(period if period is not None else table.get("period", "month"))
    if kind not in PERIOD_KINDS:
        raise ValueError(f"period {kind!r}; allowed: {', '.join(PERIOD_KINDS)}")
    if not 1 <= count <= 120:
        raise ValueError(f"periods {count}: from 1 to 120")
    return count, kind


def horizon(as_of: date, periods: int, period: str) -> tuple[date, date]:
    """The first and last dates a history of ``periods`` ``period``s up to ``as_of`` grades (with its forecast)."""
    return period_ends(as_of, periods, period)[0], next_period_end(as_of, period)


def build_history(workspace: str | Path | Workspace, *, as_of: date | None = None, periods: int | None = None,
                  period: str | None = None, language: str | None = None, progress: ProgressCallback | None = None,
                  warnings: bool = True, skip_bad_rows: bool = False, defer: bool = False, fork: bool = False,
                  assessed: Callable[[Assessment], None] | None = None) -> History:
    """Prepare a workspace once and grade its history and forecast.

    Parameters
    ----------
    workspace
        A workspace folder or a loaded :class:`~riskmap.io.workspace.Workspace`.
    as_of
        The date of the assessment (the last period end) instead of the workspace's.
    periods, period
        How many period ends (1–120), and ``month`` or ``quarter``; default: the
        standard's ``[history]`` table (12 months).
    language
        ``zh`` or ``en`` instead of the workspace's.
    progress
        Called as ``progress(stage, None)`` when a stage starts and ``progress(stage, seconds)`` when it ends.
    warnings
        Find the warnings now, and count them in the summary (default); else they are
        found when :attr:`History.warnings` is first read, and the summary has no counts.
    skip_bad_rows
        Leave out rows with errors, each listed (:mod:`riskmap.io.skipping`), instead of raising.
    defer
        Grade the period ends before ``as_of`` when first read (:class:`Periods`), not now.
    fork
        Grade the period ends before ``as_of`` in a forked process while ``as_of`` is graded
        (:func:`history_of`); ``riskmap assess`` does.
    assessed
        Called with the assessment at ``as_of`` as soon as it is graded, before the history's
        other period ends (:func:`history_of`); no other thread of the history runs then.

    Raises
    ------
    riskmap.errors.InputError
        When the workspace or the standard has errors.
    ValueError
        For ``periods`` or ``period`` out of range.
    """
    stages = Stages(progress)
    imports = None
    if warnings:  # the statistics libraries load while the workspace is read
        imports = threading.Thread(target=_import_statistics, name="riskmap-imports", daemon=True)
        imports.start()
    if period is not None and period not in PERIOD_KINDS:
        raise ValueError(f"period {period!r}; allowed: {', '.join(PERIOD_KINDS)}")

    def span(info_as_of: date, standard) -> tuple[date, date]:
        count = int(periods if periods is not None else standard.history.get("periods", 12))
        return horizon(info_as_of, count, str(period or standard.history.get("period", "month")))

    prepared = prepare(workspace, as_of=as_of, horizon=span, language=language, stages=stages,
                       skip_bad_rows=skip_bad_rows)
    weights: list[threading.Thread | None] = []

    def graded_now(assessment: Assessment) -> None:
        if assessed is not None:
            if imports is not None:  # no import half done in another thread when `assessed` forks
                imports.join()
            assessed(assessment)
        if warnings:  # the hot-spot weights are built while the periods are graded
            weights.append(_start_weights(prepared))

    if fork and imports is not None:  # no import half done in another thread when the history forks
        imports.join()
    history = history_of(prepared, periods=periods, period=period, stages=stages, defer=defer, fork=fork,
                         assessed=graded_now)
    if warnings:
        with stages.stage("warnings"):
            for thread in weights:
                if thread is not None:
                    thread.join()
            history.warnings  # noqa: B018  (found once, now)
    history.assessment = dataclasses.replace(history.assessment, summary=history.assessment.summary
                                             | summary_of(history, warnings=warnings),
                                             timings=history.assessment.timings | stages.timings)
    return history


def _start_weights(prepared: Prepared) -> threading.Thread | None:
    """Build the road units' hot-spot weights (:func:`riskmap.clusters.distance_band`) in a thread of their
    own while the periods are graded: a KD-tree and sparse matrices, mostly outside the GIL."""
    rule = prepared.standard.warnings.get("hotspot", {})
    if not rule.get("enabled", True):
        return None
    from riskmap.clusters import distance_band

    prepared.wait_for_roads()
    thread = threading.Thread(target=distance_band, args=(prepared, rule.get("band_m", 1500)), name="riskmap-weights",
                              daemon=True)
    thread.start()
    return thread


def _import_statistics() -> None:
    """Import what the warnings use (pymannkendall and scipy's statistics; esda and libpysal only for checks and
    ``band_m = "auto"``, :mod:`riskmap.clusters`); nothing is lost if it fails here."""
    try:
        import pymannkendall  # noqa: F401
        import scipy.stats  # noqa: F401
    except ImportError:  # the warnings themselves will say so
        pass


def summary_of(history: History, *, warnings: bool = True) -> dict:
    """What the history adds to ``summary.json``: its periods, the forecast and (``warnings``) the warnings counted."""
    from riskmap.alerts import KINDS

    outlook = history.outlook
    now = history.periods[-1]
    figures = {
        "history": {"period": history.kind, "periods": len(history.ends),
                    "period_ends": [d.isoformat() for d in history.ends]},
        "forecast": {"period_end": outlook.end.isoformat(),
                     **{name: {"by_grade": {g: int((outlook.ranks[name] == RANK[g]).sum()) for g in GRADES},
                               "rising": int((outlook.ranks[name] > now.ranks[name]).sum())} for name in WATCHED}},
    }
    if warnings:
        found = history.warnings
        figures["warnings"] = {"count": int(len(found)), "by_level": {g: int((found["level"] == g).sum()) for g in GRADES},
                               "by_kind": {k: int((found["kind"] == k).sum()) for k in KINDS}}
    return figures
