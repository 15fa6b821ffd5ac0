"""Which hazards, once rectified, keep a forecast rise from happening.

The forecast (:mod:`riskmap.history`) grades the next period end as if nothing were
rectified.  With nothing new, a grade can only rise there because open hazards fall
overdue (or stay open); so for each enterprise and county whose forecast grade is above
today's, :func:`preventions` asks which open hazards, had they been closed at
``as_of``, would keep it at today's grade:

* **any one of** (``single``): the hazards each of which alone prevents the rise
  (re-graded one at a time, the most telling first);
* otherwise **together** (``together``): the shortest run of them, in that order, whose
  rectification together prevents it (the hazards falling overdue first, then the
  major ones, then the longest open);
* neither: rectifying the subject's open hazards does not prevent it (``none``).

The candidates are the subject's open hazards at ``as_of``: an enterprise's own, a
county's located in it.  An enterprise's grade depends only on its own hazards, so
each is re-graded with the rules' arrays (no re-assessment); a county's by
:func:`riskmap.timeline.counties_rectified` (the hazards' part of the grading done again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from riskmap.grading import enterprise_ranks
from riskmap.timeline import basis, counties_rectified, day_number, grade_rank, hazards_state, state_at

if TYPE_CHECKING:
    from riskmap.history import History

MAX_SINGLE_TESTS = 12
"""How many of a county's candidates are re-graded one at a time (each costs a grading of the forecast)."""


@dataclass
class Prevention:
    """What prevents one forecast rise.

    Attributes
    ----------
    dataset
        ``counties`` or ``enterprises``.
    position
        The subject's position in its dataset.
    now, forecast
        Its grade rank at ``as_of`` and at the forecast.
    how
        ``single`` (any one of ``hazards``), ``together`` (all of ``hazards``) or ``none``.
    hazards
        Positions of the hazards (in the hazards frame).
    """

    dataset: str
    position: int
    now: int
    forecast: int
    how: str
    hazards: list[int] = field(default_factory=list)


def _candidates(history: History) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open hazards at ``as_of``, their order of weight (falling overdue by the forecast, major, oldest), and
    which fall overdue."""
    b = basis(history.prepared)
    today, later = day_number(history.as_of), day_number(history.forecast_end)
    _, open_now, overdue_now, _ = hazards_state(b, today, today)
    _, _, overdue_then, _ = hazards_state(b, later, today)
    newly = overdue_then & ~overdue_now
    weight = np.lexsort((b.found, ~b.major, ~newly))  # the last key sorts first
    return open_now, weight, newly


def _enterprise_preventions(history: History, rising: np.ndarray) -> list[Prevention]:
    """Each rising enterprise: its open hazards re-graded one by one, then cumulatively, by the rules' arrays."""
    b = basis(history.prepared)
    outlook = state_at(history.prepared, history.forecast_end, known_until=history.as_of)
    now = history.periods[-1].ranks["enterprises"]
    open_now, order, _ = _candidates(history)
    today, later = day_number(history.as_of), day_number(history.forecast_end)
    _, open_then, overdue_then, _ = hazards_state(b, later, today)
    owner = b.hazard_enterprise
    found = []
    for e in rising:
        mine = [int(h) for h in order if owner[h] == e and open_now[h]]
        if not mine:
            found.append(Prevention("enterprises", int(e), int(now[e]), int(outlook.ranks.rank[e]), "none"))
            continue
        hz = np.array(mine)
        # Each hazard's share of the counts the rules read: open major, overdue (at the forecast).
        minus_major = (b.major[hz] & open_then[hz]).astype(int)
        minus_overdue = overdue_then[hz].astype(int)

        def ranks_without(major_out: np.ndarray, overdue_out: np.ndarray, e: int = int(e)) -> np.ndarray:
            base = np.full(len(major_out), outlook.base.base_rank[e])
            return enterprise_ranks(base, b.standard, open_major=outlook.open_major[e] - major_out,
                                    overdue=outlook.overdue_hazards[e] - overdue_out,
                                    fatal_12m=np.full(len(major_out), outlook.fatal_12m[e])).rank

        alone = ranks_without(minus_major, minus_overdue) <= now[e]
        together = ranks_without(np.cumsum(minus_major), np.cumsum(minus_overdue)) <= now[e]
        found.append(_outcome("enterprises", int(e), int(now[e]), int(outlook.ranks.rank[e]), mine, alone, together))
    return found


def _outcome(dataset: str, position: int, now: int, forecast: int, hazards: list[int], alone: np.ndarray,
             together: np.ndarray) -> Prevention:
    if alone.any():
        return Prevention(dataset, position, now, forecast, "single", [h for h, ok in zip(hazards, alone) if ok])
    if together.any():
        return Prevention(dataset, position, now, forecast, "together", hazards[:int(np.argmax(together)) + 1])
    return Prevention(dataset, position, now, forecast, "none")


def _county_rank(history: History, outlook, mask: np.ndarray, county: int) -> int:
    grade = counties_rectified(history.prepared, outlook, mask)["grade"]
    return int(grade_rank(grade[county:county + 1])[0])


def _county_preventions(history: History, rising: np.ndarray) -> list[Prevention]:
    """Each rising county: its heaviest open hazards re-graded alone, then the shortest run that prevents it
    (found by doubling the run, then halving the gap: a handful of gradings)."""
    b = basis(history.prepared)
    now, later = history.periods[-1].ranks["counties"], history.outlook.ranks["counties"]
    open_now, order, _ = _candidates(history)
    outlook = state_at(history.prepared, history.forecast_end, known_until=history.as_of) if len(rising) else None
    found = []
    for k in rising:
        mine = [int(h) for h in order if b.hazard_county[h] == k and open_now[h]]
        target = int(now[k])

        def prevents(chosen: list[int], k: int = int(k), target: int = target) -> bool:
            mask = np.zeros(len(b.found), dtype=bool)
            mask[chosen] = True
            return _county_rank(history, outlook, mask, k) <= target

        if not mine or not prevents(mine):
            found.append(Prevention("counties", int(k), target, int(later[k]), "none"))
            continue
        alone = np.array([prevents([h]) for h in mine[:MAX_SINGLE_TESTS]])
        if alone.any():
            found.append(Prevention("counties", int(k), target, int(later[k]), "single",
                                    [h for h, ok in zip(mine, alone) if ok]))
            continue
        low, high = 1, 2
        while high < len(mine) and not prevents(mine[:high]):
            low, high = high, high * 2
        high = min(high, len(mine))
        while low < high:  # the shortest prefix that prevents it lies in (low, high]
            middle = (low + high) // 2
            low, high = (low, middle) if prevents(mine[:middle]) else (middle + 1, high)
        found.append(Prevention("counties", int(k), target, int(later[k]), "together", mine[:high]))
    return found


def preventions(history: History, *, counties: np.ndarray | None = None,
                enterprises: np.ndarray | None = None) -> dict[str, dict[int, Prevention]]:
    """What prevents each forecast rise of counties and enterprises.

    Parameters
    ----------
    history
        The graded history.
    counties, enterprises
        Positions to look at (default: every one whose forecast grade is above today's).

    Returns
    -------
    dict
        ``{"counties": {position: Prevention}, "enterprises": {...}}``.
    """
    now, later = history.periods[-1].ranks, history.outlook.ranks
    chosen = {}
    for name, given in (("counties", counties), ("enterprises", enterprises)):
        rising = np.flatnonzero(later[name] > now[name])
        chosen[name] = rising if given is None else np.intersect1d(rising, np.asarray(given, dtype=int))
    return {"counties": {p.position: p for p in _county_preventions(history, chosen["counties"])},
            "enterprises": {p.position: p for p in _enterprise_preventions(history, chosen["enterprises"])}}
