"""Sector views: the counties graded again on the records of some sectors (issue 10).

A sector filter does not only hide records.  A county's colour, score and "why" on a
map of 危险化学品 must come from the hazardous-chemicals records alone, so the same
standard is applied to the records of the sectors chosen:

* the enterprises of those sectors;
* the road units (and the traffic accidents) only when a road-traffic sector
  (``road_traffic = true`` in the standard) is among them;
* the hazards and the production accidents of those sectors, by their enterprise's
  sector or, for a record of no known enterprise, its own ``sector``.

The spatial work is not done again.  The :class:`~riskmap.timeline.Basis` of the
prepared workspace is copied with the county position of every other record set to
-1 (it counts for no county), and :func:`riskmap.pipeline.grade_at` grades that copy
at the same date.  An enterprise's or a road unit's grade is its own and does not
change; the counties' components, scores, grades, reasons and top contributors do.  So
only the counties are graded again (:func:`riskmap.timeline.counties_of`), on the
numbers of the whole workspace at that date (kept per date, shared by every sector
view), and a sector trend takes the history's road-unit ranks of each period end
(:func:`riskmap.timeline.county_inputs_at`).
Each county of a sector view also carries its all-sector grade and score
(``grade_all``, ``score_all``: 综合等级), so nobody takes one for the other.

:func:`regraded` is kept per prepared workspace, sector set and date (the last
:data:`KEEP`), so a page that goes back to a sector grades it once.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from riskmap.assessment import Assessment, Origin
from riskmap.filters import Filters, apply_filters, shown_summary
from riskmap.grades import RANK
from riskmap.pipeline import counties_frame
from riskmap.spatial import Prepared
from riskmap.timeline import CountyInputs, basis, counties_of, county_inputs, county_inputs_at, state_at

KEEP = 24
"""How many sector views are kept per prepared workspace."""

KEEP_DATES = 32
"""How many dates' :class:`~riskmap.timeline.CountyInputs` are kept per prepared workspace (a history's
period ends, its forecast and the period ends before those shown)."""

_LOCK = threading.Lock()

ID_COLUMNS = {"enterprises": "enterprise_id", "hazards": "hazard_id", "accidents": "accident_id"}


def sector_key(sectors: Iterable[str]) -> tuple[str, ...]:
    """The sectors as a sorted tuple without repeats (what a sector view is kept by)."""
    return tuple(sorted(set(sectors)))


def roads_count(prepared: Prepared, sectors: tuple[str, ...]) -> bool:
    """Whether road units and traffic accidents count: a road-traffic sector is among ``sectors``."""
    return any(s in prepared.standard.sectors.road_traffic for s in sectors)


def masked_prepared(prepared: Prepared, sectors: tuple[str, ...]) -> Prepared:
    """The prepared workspace whose records outside ``sectors`` count for no county.

    A shallow copy: the frames and the road work are shared, only the Basis (the
    county positions) differs.
    """
    prepared.wait_for_roads()  # the copy must not start the road worker again
    b = basis(prepared)
    wanted = list(sectors)
    enterprise_in = prepared.enterprises.frame["sector"].isin(wanted).to_numpy(dtype=bool)
    hazard_in = prepared.hazards["sector"].isin(wanted).to_numpy(dtype=bool) if len(prepared.hazards) else np.zeros(0, bool)
    accidents = prepared.accidents
    if len(accidents):
        traffic = (accidents["kind"] == "traffic").to_numpy(dtype=bool)
        accident_in = (traffic & roads_count(prepared, sectors)) | (~traffic & accidents["sector"].isin(wanted).to_numpy(bool))
    else:
        accident_in = np.zeros(0, dtype=bool)
    unit_county = b.unit_county if roads_count(prepared, sectors) else np.full_like(b.unit_county, -1)
    masked = dataclasses.replace(
        b, enterprise_county=np.where(enterprise_in, b.enterprise_county, -1),
        hazard_county=np.where(hazard_in, b.hazard_county, -1),
        accident_county=np.where(accident_in, b.accident_county, -1), unit_county=unit_county)
    return dataclasses.replace(prepared, cache={"basis": masked})


def _change_columns(counties: pd.DataFrame, previous: pd.Series | None) -> dict[str, np.ndarray]:
    """``grade_previous``, ``grade_change`` and ``change`` (as :meth:`riskmap.history.History.with_change`)."""
    now = counties["grade"].map(RANK).to_numpy(dtype=int)
    before = previous.map(RANK).to_numpy(dtype=int) if previous is not None else now
    steps = now - before
    change = np.select([steps >= 2, steps == 1, steps == 0, steps == -1], ["up2", "up1", "same", "down1"], "down2")
    grades = previous.to_numpy(dtype=object) if previous is not None else counties["grade"].to_numpy(dtype=object)
    return {"grade_previous": grades, "grade_change": steps, "change": change}


def _sector_records(shown: Assessment, table: pd.DataFrame, roads: bool) -> pd.DataFrame:
    """The rows of ``unassigned`` or ``notes`` about records of the sector view (``shown``: its records)."""
    if not len(table):
        return table
    keep = np.ones(len(table), dtype=bool)
    datasets = table["dataset"].astype(str).to_numpy()
    ids = table["id"].astype(str).to_numpy()
    for dataset, column in ID_COLUMNS.items():
        rows = datasets == dataset
        if rows.any():
            # pandas' isin hashes; numpy's sorts object arrays (seconds for a province's ids).
            keep[rows] = pd.Series(ids[rows]).isin(getattr(shown, dataset)[column].astype(str).unique()).to_numpy()
    keep[np.isin(datasets, ["roads", "road_units"])] = roads
    return table[keep].reset_index(drop=True)


def _inputs(prepared: Prepared, day: date, known_until: date | None, unit_rank: np.ndarray | None = None) -> CountyInputs:
    """The whole workspace's :class:`~riskmap.timeline.CountyInputs` at a date, kept per prepared workspace: every
    sector view and sector trend of that date grades its counties from the same numbers."""
    key = (day, min(known_until or day, day))
    kept = prepared.cache.setdefault("county_inputs", OrderedDict())
    with _LOCK:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    if unit_rank is None:
        inputs = county_inputs(state_at(prepared, day, known_until=known_until))
    else:
        inputs = county_inputs_at(prepared, day, known_until=known_until, unit_rank=unit_rank)
    with _LOCK:
        kept[key] = inputs
        while len(kept) > KEEP_DATES:
            kept.popitem(last=False)
    return inputs


def _grade(assessment: Assessment, sectors: tuple[str, ...]) -> Assessment:
    origin = assessment.origin
    prepared, as_of = origin.prepared, assessment.info.as_of
    masked = masked_prepared(prepared, sectors)
    # Only the counties are graded again: a mask never changes an enterprise's, a hazard's or a road unit's
    # grade, so those frames (with their reasons) are the whole assessment's (as grade_at(masked) makes them).
    counties = counties_frame(masked, counties_of(masked, _inputs(prepared, as_of, origin.known_until)),
                              prepared.info.language)
    everyone = assessment.counties.set_index("county_code")
    codes = counties["county_code"]
    extra = {"grade_all": codes.map(everyone["grade"]).to_numpy(dtype=object),
             "score_all": codes.map(everyone["score"]).to_numpy(dtype=float)}
    if "grade_change" in assessment.counties:
        previous = None
        if origin.previous is not None:
            known = min(origin.known_until or origin.previous, origin.previous)
            before = counties_of(masked, _inputs(prepared, origin.previous, known))["grade"]
            previous = pd.Series(np.asarray(before, dtype=object), index=counties.index)
        extra |= _change_columns(counties, previous)
    roads = roads_count(prepared, sectors)
    graded = dataclasses.replace(assessment, counties=counties.assign(**extra), origin=origin, sectors_graded=sectors,
                                 problems=list(assessment.problems))
    shown = apply_filters(graded, Filters(sectors=sectors))  # once: the records listed and counted
    unassigned, notes = _sector_records(shown, graded.unassigned, roads), _sector_records(shown, graded.notes, roads)
    summary = shown_summary(shown, assessment.summary, unassigned=unassigned, notes=notes, roads_whole=roads)
    summary["view"] = {"sectors": list(sectors), "regraded": True, "roads_counted": roads}
    return dataclasses.replace(graded, unassigned=unassigned, notes=notes, summary=summary)


def regraded(assessment: Assessment, sectors: Iterable[str]) -> Assessment:
    """The assessment graded again on the records of ``sectors`` (see the module docstring).

    Its counties carry the sector grade and score (``grade``, ``score``, the four
    ``points_*``, reasons and contributors of those records) and the all-sector
    ``grade_all`` and ``score_all``; its ``summary`` counts the records of those
    sectors and says so (``view``: ``sectors``, ``regraded``); its ``unassigned`` and
    ``notes`` list the records of those sectors.  Every record stays in its frames
    (the filter hides the others).

    Raises
    ------
    ValueError
        For an assessment without an :class:`~riskmap.assessment.Origin` (made by
        hand, not by :func:`riskmap.pipeline.grade_at`), or no sector.
    """
    key_sectors = sector_key(sectors)
    if not key_sectors:
        raise ValueError("a sector view needs at least one sector")
    if assessment.origin is None:
        raise ValueError("this assessment was not graded from a prepared workspace; it cannot be graded again by sector")
    if assessment.sectors_graded is not None:
        raise ValueError("this assessment is a sector view already; grade its all-sector assessment")
    origin: Origin = assessment.origin
    # The same prepared workspace, sectors and dates grade the same: the key needs nothing else.
    changed = "grade_change" in assessment.counties
    previous: date | None = origin.previous if changed else None
    key = (key_sectors, assessment.info.as_of, origin.known_until, changed, previous)
    kept = origin.prepared.cache.setdefault("sector_views", OrderedDict())
    with _LOCK:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    view = _grade(assessment, key_sectors)
    with _LOCK:
        kept[key] = view
        while len(kept) > KEEP:
            kept.popitem(last=False)
    return view


def sector_scores(history, sectors: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every county's score and grade at each period end of ``history`` and at its forecast, graded on the
    records of ``sectors``, as a sector view grades ``as_of``.

    Returns
    -------
    scores, grades : numpy.ndarray
        Shape (periods + 1, counties), in the order of ``history.ends`` then the forecast, counties in the
        prepared workspace's order.  Kept per prepared workspace, sector set and dates (the last :data:`KEEP`).
    """
    key_sectors = sector_key(sectors)
    if not key_sectors:
        raise ValueError("a sector trend needs at least one sector")
    prepared, outlook = history.prepared, history.outlook
    key = (key_sectors, tuple(history.ends), outlook.end, outlook.known_until)
    kept = prepared.cache.setdefault("sector_trends", OrderedDict())
    with _LOCK:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    masked = masked_prepared(prepared, key_sectors)
    # The road units' ranks of each period end are the history's own (a mask never changes them).
    parts = [counties_of(masked, _inputs(prepared, g.end, g.known_until, g.ranks["road_units"]))
             for g in [*history.periods, outlook]]
    scores = np.array([np.asarray(p["score"], dtype=float) for p in parts])
    grades = np.array([np.asarray(p["grade"], dtype=object) for p in parts])
    with _LOCK:
        kept[key] = (scores, grades)
        while len(kept) > KEEP:
            kept.popitem(last=False)
    return scores, grades


def sector_county_trend(history, sectors: Iterable[str], code: str) -> pd.DataFrame:
    """One county's trend graded on the records of ``sectors``: the columns of
    :meth:`riskmap.history.History.county_trend` (``period_end``, ``score``, ``grade``, ``forecast``)."""
    scores, grades = sector_scores(history, sectors)
    position = int(np.flatnonzero(history.prepared.places.codes == str(code))[0])
    return pd.DataFrame({"period_end": [*history.ends, history.outlook.end],
                         "score": scores[:, position].astype(float), "grade": grades[:, position].astype(str),
                         "forecast": [False] * len(history.ends) + [True]})


def county_trend(history, code: str, sectors: Iterable[str] | None = None) -> pd.DataFrame:
    """A county's trend: of every sector (``sectors`` None), or graded on the records of ``sectors``."""
    if not sectors:
        return history.county_trend(code)
    return sector_county_trend(history, sectors, code)


__all__ = ["KEEP", "county_trend", "masked_prepared", "regraded", "roads_count", "sector_county_trend", "sector_key",
           "sector_scores"]
