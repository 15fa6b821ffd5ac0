"""The records on a time line: what holds at a date, as numbers, cheap to ask again.

An assessment at a date T (DESIGN §9) counts what the dated records say held then:

* an accident counts from its ``date`` (the 36- and 12-month windows up to T);
* a hazard exists from its ``found_date`` and is open until its ``closed_date`` (a
  ledger row marked closed without a ``closed_date`` counts as closed from the day it
  was found: when it was closed is unknown); it is overdue at T when it is open and
  its ``deadline`` is before T;
* enterprises take the attributes valid at T (:mod:`riskmap.snapshots`), or as they
  are; road units are as they are.

:class:`Basis` holds everything of a :class:`~riskmap.spatial.Prepared` that does not
depend on the date, as arrays (record days as integers, county positions, the
inherent grades), made once per Prepared.  :func:`state_at` grades one date from it
into a :class:`DateState`: numbers only, no reasons, no frames, so a history grades
many dates for the price of a few array passes each.  ``known_until`` grades a later
date with the records known at an earlier one: the forecast (nothing new, nothing
closed after ``as_of``, old accidents leaving their windows).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from riskmap.grades import RANK, from_rank
from riskmap.grading import COUNTY_HAZARD_KINDS, EnterpriseBase, EnterpriseRanks, county_grades, county_parts, enterprise_ranks
from riskmap.periods import months_before
from riskmap.screening import count_snapped, unit_grades
from riskmap.snapshots import Versions, enterprise_versions
from riskmap.spatial import Prepared
from riskmap.standard import Standard

NEVER = np.iinfo(np.int64).max // 4
"""The day number of a date that is not there (no deadline, not closed): after every day."""

OPEN_STATUSES = ("open", "rectifying")


def day_number(day: date | pd.Timestamp | np.datetime64) -> int:
    """Days since 1970-01-01 of a date."""
    return int(np.datetime64(pd.Timestamp(day).date(), "D").astype(np.int64))


def day_numbers(values: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of each value's day (a time of day is dropped); missing → :data:`NEVER`."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    stamps = pd.to_datetime(values).to_numpy()
    missing = np.isnat(stamps)
    days = stamps.astype("datetime64[D]").astype(np.int64)
    days[missing] = NEVER
    return days


def _positions(codes, index: pd.Index) -> np.ndarray:
    """The position of each county code in ``index`` (-1: none)."""
    values = pd.Series(codes, dtype=object)
    return index.get_indexer(values.where(values.notna(), None).astype(object)).astype(np.int64)


@dataclass
class Basis:
    """What grading at any date takes from a :class:`Prepared`, as arrays, made once.

    Attributes
    ----------
    standard
        The grading standard.
    n_counties
        How many counties there are.
    accident_day, accident_deaths, accident_county, accident_enterprise, fatal_production
        Each accident's day number, deaths, county and enterprise positions (-1: none),
        and whether it is a production accident with deaths.
    severity
        Each accident's class (``fatal``, ``injury``, ``pdo``).
    snap_rows, snap_unit, snap_severity
        The traffic accidents the road units may count (accident positions), the unit
        each snapped to (-1: none), and their classes (positions in :data:`riskmap.screening.SEVERITY_CLASSES`).
    found, deadline, closed
        Each hazard's day numbers (:data:`NEVER` where missing); a row the ledger marks
        closed without a date has ``closed`` = ``found``.
    dated_close
        Whether a hazard's ``closed_date`` is given (when it was closed is known).
    major, hazard_county, hazard_enterprise, ledger_status
        Each hazard's level, county and enterprise positions, and the ledger's status.
    enterprise_county, versions
        Each enterprise's county position; its attribute versions
        (:class:`~riskmap.snapshots.Versions`: one, unless the workspace has snapshots).
    unit_county, unit_length, unit_km
        Each road unit's county position and length.
    """

    standard: Standard
    n_counties: int
    accident_day: np.ndarray
    accident_deaths: np.ndarray
    accident_county: np.ndarray
    accident_enterprise: np.ndarray
    fatal_production: np.ndarray
    severity: np.ndarray
    snap_rows: np.ndarray
    snap_unit: np.ndarray | None
    snap_severity: np.ndarray
    found: np.ndarray
    deadline: np.ndarray
    closed: np.ndarray
    dated_close: np.ndarray
    major: np.ndarray
    hazard_county: np.ndarray
    hazard_enterprise: np.ndarray
    ledger_status: np.ndarray
    enterprise_county: np.ndarray
    versions: Versions
    unit_county: np.ndarray
    unit_length: np.ndarray
    unit_km: np.ndarray
    unit_counts: pd.DataFrame | None

    @property
    def n_enterprises(self) -> int:
        return len(self.enterprise_county)

    @property
    def n_units(self) -> int:
        return len(self.unit_county)


def basis(prepared: Prepared) -> Basis:
    """The :class:`Basis` of a prepared workspace, made the first time it is asked for.

    It is kept on the Prepared (which is never changed otherwise), so every grading of
    it, at any date, shares it.
    """
    cached = prepared.cache.get("basis")
    if cached is None:
        cached = prepared.cache["basis"] = _make_basis(prepared)
    return cached


def _make_basis(prepared: Prepared) -> Basis:
    from riskmap.screening import SEVERITY_CLASSES, severity_codes

    index = pd.Index(prepared.places.codes)
    accidents, hazards = prepared.accidents, prepared.hazards
    network, snapping = prepared.network, prepared.snapping
    codes = severity_codes(accidents["deaths"], accidents["injuries"])
    severity = np.array(SEVERITY_CLASSES, dtype=object)[codes]
    found, closed = day_numbers(hazards["found_date"]), day_numbers(hazards["closed_date"])
    status = hazards["status"].to_numpy(dtype=object)
    closed = np.where((status == "closed") & (closed == NEVER), found, closed)
    unit_length = np.asarray(network.units["length_m"], dtype=float)
    with_points = snapping.unit is not None and prepared.accident_points
    return Basis(
        standard=prepared.standard, n_counties=len(index),
        accident_day=day_numbers(accidents["date"]),
        accident_deaths=accidents["deaths"].to_numpy(dtype=float),
        accident_county=_positions(accidents["county_code"], index),
        accident_enterprise=np.asarray(prepared.accident_enterprise, dtype=np.int64),
        fatal_production=((accidents["kind"] == "production") & (accidents["deaths"] >= 1)).to_numpy(dtype=bool),
        severity=severity,
        snap_rows=snapping.rows, snap_unit=snapping.unit if with_points else None,
        snap_severity=codes[snapping.rows],
        found=found, deadline=day_numbers(hazards["deadline"]), closed=closed,
        dated_close=hazards["closed_date"].notna().to_numpy(dtype=bool),
        major=(hazards["level"] == "major").to_numpy(dtype=bool),
        hazard_county=_positions(hazards["county_code"], index),
        hazard_enterprise=np.asarray(prepared.hazard_enterprise, dtype=np.int64),
        ledger_status=status,
        enterprise_county=np.asarray(prepared.enterprises.county, dtype=np.int64),
        versions=enterprise_versions(prepared.enterprises.frame, prepared.enterprises.versions, prepared.standard,
                                     prepared.info.as_of),
        unit_county=_positions(network.units["county_code"], index),
        unit_length=unit_length, unit_km=unit_length / 1000.0,
        unit_counts=None if with_points or not len(network) else network.column_counts(),
    )


@dataclass
class _Records:
    """The hazards, accident windows and enterprises at one date (what :func:`state_at` grades before the roads)."""

    exists: np.ndarray
    is_open: np.ndarray
    overdue: np.ndarray
    days_overdue: np.ndarray
    status: np.ndarray
    in_window: np.ndarray
    in_12m: np.ndarray
    counts: dict[str, np.ndarray]
    version: np.ndarray
    base: EnterpriseBase
    ranks: EnterpriseRanks
    grade: np.ndarray


@dataclass
class DateState(_Records):
    """What holds at one date, as numbers (one value per record).

    Attributes
    ----------
    day, known_until
        The date graded, and the last date whose records count (``day`` itself, or
        ``as_of`` for a forecast).
    exists, is_open, overdue, days_overdue, status
        Per hazard: found by then, open, overdue, days past the deadline (0 when not
        overdue), and the status then (``closed``, else the ledger's open status).
    in_window, in_12m
        Per accident: in the 36-month (road) and the 12-month window.
    version
        Per enterprise: the position of its attribute version in use.
    open_hazards, open_major, overdue_hazards, fatal_12m
        Per enterprise: its open, open major and overdue hazards, and its fatal
        production accidents of the last 12 months (the last three are ``counts``).
    base, ranks, grade
        Per enterprise: the date-independent part, the rules' outcome, the grade key.
    snapped
        Per snap candidate: whether the window counts it.
    unit_counts, epdo, rate, prone, unit_grade
        Per road unit.
    county
        Per county: the components and counts of :func:`riskmap.grading.county_parts`
        and ``score``, ``grade``, ``raised`` (by the major-hazard floor), ``floor``.
    """

    day: date
    known_until: date
    open_hazards: np.ndarray
    snapped: np.ndarray
    unit_counts: pd.DataFrame
    epdo: np.ndarray
    rate: np.ndarray
    prone: np.ndarray
    unit_grade: np.ndarray
    county: dict[str, np.ndarray]

    @property
    def open_major(self) -> np.ndarray:
        return self.counts["open_major"]

    @property
    def overdue_hazards(self) -> np.ndarray:
        return self.counts["overdue"]

    @property
    def fatal_12m(self) -> np.ndarray:
        return self.counts["fatal_12m"]


def _window(days: np.ndarray, day: date, last: int, months: int) -> np.ndarray:
    """Which day numbers lie in the ``months`` months up to ``day``, counting none after ``last``."""
    start = day_number(months_before(day, months))
    return (days > start) & (days <= last)


def _per_enterprise(owner: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(owner[mask & (owner >= 0)], minlength=n).astype(int)


def hazards_state(b: Basis, today: int, known: int) -> tuple[np.ndarray, ...]:
    """Per hazard at day ``today`` (records known until day ``known``): exists, open, overdue, days overdue."""
    exists = b.found <= min(today, known)
    is_open = exists & ~(b.closed <= min(today, known))
    overdue = is_open & (b.deadline < today)
    days_overdue = np.where(overdue, today - np.where(overdue, b.deadline, today), 0).astype(int)
    return exists, is_open, overdue, days_overdue


def state_at(prepared: Prepared, day: date, *, known_until: date | None = None,
             rectified: np.ndarray | None = None) -> DateState:
    """Grade a prepared workspace at ``day``, as numbers.

    Parameters
    ----------
    prepared
        The spatial work of the workspace.
    day
        The date graded.
    known_until
        Count only the records dated up to this day (default ``day``): a later
        ``day`` with ``known_until = as_of`` is the forecast.
    rectified
        A mask of hazards taken as closed on ``known_until`` (what-if: "had these been
        rectified", :mod:`riskmap.prevention`).
    """
    b = basis(prepared)
    known_until = min(known_until or day, day)
    if rectified is not None and np.any(rectified):
        b = dataclasses.replace(b, closed=np.where(rectified, np.minimum(b.closed, day_number(known_until)), b.closed))
    r = _records_at(b, day, known_until)
    snapped = r.in_window[b.snap_rows] if len(b.snap_rows) else np.zeros(0, dtype=bool)
    unit_counts = _unit_counts(b, snapped)
    epdo, rate, prone, unit_grade = unit_grades(unit_counts["fatal"].to_numpy(), unit_counts["injury"].to_numpy(),
                                                unit_counts["pdo"].to_numpy(), b.unit_length, b.standard)
    county = _county_state(b, r.ranks.rank, r.ranks.red_by_major, grade_rank(unit_grade), r.is_open, r.overdue, r.in_12m)
    return DateState(**vars(r), day=day, known_until=known_until,
                     open_hazards=_per_enterprise(b.hazard_enterprise, r.is_open, b.n_enterprises), snapped=snapped,
                     unit_counts=unit_counts, epdo=epdo, rate=rate, prone=prone, unit_grade=unit_grade, county=county)


def _records_at(b: Basis, day: date, known_until: date) -> _Records:
    standard = b.standard
    today, known = day_number(day), day_number(known_until)
    exists, is_open, overdue, days_overdue = hazards_state(b, today, known)
    status = np.where(is_open, np.where(np.isin(b.ledger_status, OPEN_STATUSES), b.ledger_status, "open"),
                      np.where(exists, "closed", b.ledger_status)).astype(object)
    in_window = _window(b.accident_day, day, known, int(standard.roads["window_months"]))
    in_12m = _window(b.accident_day, day, known, int(standard.counties["points"].get("accident_months", 12)))
    n = b.n_enterprises
    counts = {"open_major": _per_enterprise(b.hazard_enterprise, is_open & b.major, n),
              "overdue": _per_enterprise(b.hazard_enterprise, overdue, n),
              # The rule's own window (``fatal_accident_12m.months``), not the county score's.
              "fatal_12m": _per_enterprise(b.accident_enterprise, b.fatal_production & _window(
                  b.accident_day, day, known, int(standard.rule("fatal_accident_12m").get("months", 12))), n)}
    version = b.versions.at(today)
    base = b.versions.base_at(version)
    ranks = enterprise_ranks(base.base_rank, standard, **counts)
    return _Records(exists, is_open, overdue, days_overdue, status, in_window, in_12m, counts, version, base, ranks,
                    from_rank(ranks.rank))


@dataclass(frozen=True)
class CountyInputs:
    """What grading the counties takes from the records at one date, besides where each record counts.

    A sector view's masked copy of a workspace (:func:`riskmap.sectorview.masked_prepared`) changes only
    the county positions of its records: an enterprise's, a hazard's or a road unit's grade never changes,
    so these numbers of the whole workspace grade the counties of any sector view (:func:`counties_of`).

    Attributes
    ----------
    enterprise_rank, red_by_major
        Per enterprise: its grade rank, and red by an open major hazard.
    unit_rank
        Per road unit: its grade rank.
    is_open, overdue
        Per hazard.
    in_12m
        Per accident: in the county score's 12-month window.
    """

    enterprise_rank: np.ndarray
    red_by_major: np.ndarray
    unit_rank: np.ndarray
    is_open: np.ndarray
    overdue: np.ndarray
    in_12m: np.ndarray


def county_inputs(state: DateState) -> CountyInputs:
    """The :class:`CountyInputs` of a graded date."""
    return CountyInputs(state.ranks.rank, state.ranks.red_by_major, grade_rank(state.unit_grade), state.is_open,
                        state.overdue, state.in_12m)


def county_inputs_at(prepared: Prepared, day: date, *, unit_rank: np.ndarray,
                     known_until: date | None = None) -> CountyInputs:
    """The :class:`CountyInputs` at ``day`` with the road units' grade ranks given.

    A history keeps the road units' ranks of every period end (:attr:`riskmap.history.Graded.ranks`): a
    sector trend takes them instead of counting the accident window on every unit again.
    """
    r = _records_at(basis(prepared), day, min(known_until or day, day))
    return CountyInputs(r.ranks.rank, r.ranks.red_by_major, np.asarray(unit_rank, dtype=np.int8), r.is_open, r.overdue,
                        r.in_12m)


def counties_of(prepared: Prepared, inputs: CountyInputs) -> dict[str, np.ndarray]:
    """The counties' components, ``score`` and ``grade`` (``state_at(...).county``) of ``inputs`` counted where
    ``prepared``'s basis puts each record (a sector view's masked copy: the records of other sectors in none)."""
    return _county_state(basis(prepared), inputs.enterprise_rank, inputs.red_by_major, inputs.unit_rank, inputs.is_open,
                         inputs.overdue, inputs.in_12m)


def _unit_counts(b: Basis, snapped: np.ndarray) -> pd.DataFrame:
    """Fatal, injury and property-only accidents of the window per road unit."""
    if b.unit_counts is not None:
        return b.unit_counts
    if b.snap_unit is None:
        return pd.DataFrame({c: np.zeros(b.n_units) for c in ("fatal", "injury", "pdo")})
    return count_snapped(b.n_units, b.snap_unit[snapped], b.snap_severity[snapped])


def _county_state(b: Basis, rank: np.ndarray, red_by_major: np.ndarray, unit_rank: np.ndarray, is_open: np.ndarray,
                  overdue: np.ndarray, in_12m: np.ndarray) -> dict[str, np.ndarray]:
    kind = np.where(b.major, 0, np.where(overdue, 1, 2))  # riskmap.grading.COUNTY_HAZARD_KINDS
    parts = county_parts(
        b.n_counties, enterprises=(b.enterprise_county, rank),
        road_units=(b.unit_county, b.unit_km, unit_rank),
        open_hazards=(b.hazard_county[is_open], kind[is_open], overdue[is_open]),
        recent_accidents=(b.accident_county[in_12m], b.accident_deaths[in_12m]), standard=b.standard)
    score = sum(parts[c] for c in ("points_enterprises", "points_roads", "points_hazards", "points_accidents"))
    red = red_by_major & (b.enterprise_county >= 0)
    floor = np.bincount(b.enterprise_county[red], minlength=b.n_counties) > 0
    parts["score"] = score
    parts["grade"], parts["raised"] = county_grades(score, b.standard, floor=floor)
    parts["floor"] = floor
    return parts


def counties_rectified(prepared: Prepared, state: DateState, rectified: np.ndarray) -> dict[str, np.ndarray]:
    """The counties of ``state`` had the hazards ``rectified`` (a mask) been closed by its ``known_until``.

    The same as ``state_at(..., rectified=rectified).county`` for the hazards' part of the grading (the
    enterprises' open-major and overdue counts, the county hazard points and the major-hazard floor), without
    grading the accidents and road units again: a what-if asked many times (:mod:`riskmap.prevention`).
    """
    b = basis(prepared)
    is_open, overdue = state.is_open & ~rectified, state.overdue & ~rectified
    n = b.n_enterprises
    ranks = enterprise_ranks(state.base.base_rank, b.standard, open_major=_per_enterprise(b.hazard_enterprise, is_open & b.major, n),
                             overdue=_per_enterprise(b.hazard_enterprise, overdue, n), fatal_12m=state.fatal_12m)
    return _county_state(b, ranks.rank, ranks.red_by_major, grade_rank(state.unit_grade), is_open, overdue, state.in_12m)


def grade_rank(grades) -> np.ndarray:
    """Ranks (0 blue … 3 red) of grade keys (each distinct key looked up once)."""
    codes, uniques = pd.factorize(np.asarray(grades, dtype=object))
    table = np.array([RANK[g] for g in uniques] + [0], dtype=np.int8)
    return table[codes]


__all__ = ["Basis", "DateState", "COUNTY_HAZARD_KINDS", "NEVER", "basis", "counties_rectified", "day_number", "day_numbers",
           "grade_rank", "hazards_state", "state_at"]
