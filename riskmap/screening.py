"""Road screening: road units, accident snapping, EPDO rates and accident-prone units.

Road segments are split at county borders (each connected part inside a county is one
piece), each piece is cut into ``ceil(length / 1000 m)`` equal units, traffic
accidents of the window snap to the nearest unit within 50 m, and each unit is graded
on its EPDO rate, or red when it is accident-prone (DESIGN §6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskmap.grades import grade_by_thresholds
from riskmap.join import cut_units, split_roads
from riskmap.reasons import Reason, object_array, render_column
from riskmap.standard import Standard


@dataclass
class RoadUnits:
    """Road units in the metric CRS, before grading.

    Attributes
    ----------
    geometry
        Unit lines (metric CRS).
    segment, county
        Positions of each unit's source segment and county.
    piece, index
        Each unit's piece number within its segment and county, and index along it.
    inside_length
        Per source segment, its length inside the counties (metres).
    """

    geometry: np.ndarray
    segment: np.ndarray
    county: np.ndarray
    piece: np.ndarray
    index: np.ndarray
    inside_length: np.ndarray


def build_units(lines_metric: np.ndarray, counties_metric: np.ndarray, *, unit_length_m: float,
                codes: np.ndarray | None = None) -> RoadUnits:
    """Split road lines at county borders and cut the pieces into units.

    ``codes`` (the county codes) decide who owns a stretch along a shared border: the
    smallest code, as for points on a border.
    """
    pieces = split_roads(lines_metric, counties_metric, codes=codes)
    units, unit_piece, unit_index = cut_units(pieces.geometry, unit_length_m)
    # Number the pieces of one segment within one county: 0, 1, ... in their order.
    key = pd.DataFrame({"segment": pieces.segment, "county": pieces.county})
    piece_number = key.groupby(["segment", "county"]).cumcount().to_numpy()
    return RoadUnits(
        geometry=units,
        segment=pieces.segment[unit_piece],
        county=pieces.county[unit_piece],
        piece=piece_number[unit_piece],
        index=unit_index,
        inside_length=pieces.inside_length,
    )


SEVERITY_CLASSES = ("fatal", "injury", "pdo")
"""The accident severity classes, in the order of :func:`severity_codes`."""


def severity_codes(deaths: pd.Series, injuries: pd.Series) -> np.ndarray:
    """Each accident's position in :data:`SEVERITY_CLASSES`: fatal with deaths ≥ 1, injury with injuries ≥ 1
    and no deaths, else property damage only."""
    return np.where(deaths >= 1, 0, np.where(injuries >= 1, 1, 2)).astype(np.int8)


def severity_class(deaths: pd.Series, injuries: pd.Series) -> pd.Series:
    """``fatal``, ``injury`` or ``pdo`` of each accident (:func:`severity_codes`)."""
    names = np.array(SEVERITY_CLASSES, dtype=object)
    return pd.Series(names[severity_codes(deaths, injuries)], index=deaths.index, dtype=object)


def count_snapped(units_count: int, unit_of_accident: np.ndarray, severity: np.ndarray) -> pd.DataFrame:
    """Count fatal, injury and property-only accidents per unit (``severity``: :func:`severity_codes`)."""
    chosen = unit_of_accident >= 0
    # One bincount over (unit, class) pairs: comparing an object array of class names per class was
    # most of the time of a history's road counts.
    pairs = unit_of_accident[chosen].astype(np.int64) * len(SEVERITY_CLASSES) + severity[chosen]
    table = np.bincount(pairs, minlength=units_count * len(SEVERITY_CLASSES)).astype(float)
    table = table.reshape(units_count, len(SEVERITY_CLASSES))
    return pd.DataFrame({name: table[:, k] for k, name in enumerate(SEVERITY_CLASSES)})


def counts_from_road_columns(roads: pd.DataFrame, unit_segment: np.ndarray, unit_length: np.ndarray,
                             inside_length: np.ndarray) -> pd.DataFrame:
    """Stand-in counts from a road's own ``accidents``/``deaths``/``injuries`` columns.

    Deaths count as fatal accidents, the remaining accidents with injuries as injury
    accidents, the rest as property-only; a segment's counts are shared among its units
    by length (so the counts of a unit may be fractional).
    """
    accidents = roads["accidents"].fillna(0).to_numpy(float)
    deaths = roads["deaths"].fillna(0).to_numpy(float)
    injuries = roads["injuries"].fillna(0).to_numpy(float)
    fatal = np.minimum(deaths, np.maximum(accidents, deaths))
    remaining = np.maximum(accidents - fatal, 0)
    injury = np.minimum(remaining, injuries)
    pdo = np.maximum(remaining - injury, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(inside_length[unit_segment] > 0, unit_length / inside_length[unit_segment], 0.0)
    return pd.DataFrame({
        "fatal": fatal[unit_segment] * share,
        "injury": injury[unit_segment] * share,
        "pdo": pdo[unit_segment] * share,
    })


def _unit_codes(rate: np.ndarray, grade: np.ndarray, prone: np.ndarray, counts: pd.DataFrame, months: int) -> np.ndarray:
    """The reasons of each unit; only units with accidents get one (most of a real network has none)."""
    codes = object_array([()] * len(rate))
    fatal, injury = counts["fatal"].to_numpy(), counts["injury"].to_numpy()
    # Built straight from Python numbers: a province has 100,000 units with accidents.
    for k in np.flatnonzero(prone | (rate > 0)).tolist():
        unit = (Reason("road_rate", (("rate", float(rate[k])), ("grade", str(grade[k])))),)
        if prone[k]:
            unit = (Reason("accident_prone", (("fatal", float(fatal[k])), ("injury", float(injury[k])),
                                              ("months", months))),) + unit
        codes[k] = unit
    return codes


def unit_grades(fatal: np.ndarray, injury: np.ndarray, pdo: np.ndarray, length_m: np.ndarray,
                standard: Standard) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """EPDO, rate, accident-prone flag and grade of each unit, as numbers (no reasons).

    The counts are the fatal, injury and property-only accidents of the window.
    """
    table = standard.roads
    weights = table["epdo"]
    years = float(table["window_months"]) / 12.0
    epdo = weights["fatal"] * np.asarray(fatal, float) + weights["injury"] * np.asarray(injury, float) \
        + weights["pdo"] * np.asarray(pdo, float)
    km = np.maximum(np.asarray(length_m, float) / 1000.0, float(table["min_length_km"]))
    rate = epdo / km / years
    prone_rule = table["accident_prone"]
    prone = (np.asarray(fatal) >= prone_rule["fatal"]) | (np.asarray(injury) >= prone_rule["injury"])
    grade = np.where(prone, "red", grade_by_thresholds(rate, table["thresholds"]))
    return epdo, rate, prone, grade


def unit_codes(rate: np.ndarray, grade: np.ndarray, prone: np.ndarray, counts: pd.DataFrame, standard: Standard) -> np.ndarray:
    """The reasons of each unit (:func:`unit_grades`' numbers and the counts)."""
    return _unit_codes(rate, grade, prone, counts, int(standard.roads["window_months"]))


def grade_units(counts: pd.DataFrame, length_m: np.ndarray, standard: Standard, *, lang: str) -> pd.DataFrame:
    """EPDO, rate, accident-prone flag, grade and reasons of each unit.

    Parameters
    ----------
    counts
        ``fatal``, ``injury`` and ``pdo`` accident counts per unit over the window.
    length_m
        Unit lengths in metres.
    lang
        The language of ``reasons``.

    Returns
    -------
    pandas.DataFrame
        ``epdo``, ``rate``, ``accident_prone``, ``grade``, ``score`` (the rate),
        ``reason_codes`` and ``reasons``.
    """
    epdo, rate, prone, grade = unit_grades(counts["fatal"].to_numpy(), counts["injury"].to_numpy(),
                                           counts["pdo"].to_numpy(), length_m, standard)
    codes = pd.Series(unit_codes(rate, grade, prone, counts, standard), dtype=object)
    return pd.DataFrame({
        "epdo": epdo,
        "rate": rate,
        "accident_prone": prone,
        "grade": grade,
        "score": rate,
        "reasons": render_column(codes, lang),
        "reason_codes": codes,
    })
