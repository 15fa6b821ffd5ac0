"""Dated snapshots of enterprise attributes: which version of an enterprise holds at a date.

An enterprise file may hold several rows for one ``enterprise_id``, each with the day
its attributes became valid (``valid_from``, 生效日期): a plant reclassified, a new LEC
assessment, a major hazard installation added.  At a date T the row in force is the
latest whose ``valid_from`` is on or before T; a row with an empty ``valid_from`` is in
force from the start; before an enterprise's first ``valid_from`` its earliest row is
used (the office knows no older attributes).  An enterprise is placed (county, point)
by the row in force at the workspace's ``as_of``; the places of other rows are not used.

Without a ``valid_from`` column every enterprise has one row, in force at every date:
"enterprises as they are".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from riskmap.grading import EnterpriseBase, enterprise_base
from riskmap.standard import Standard

VERSIONED = ("name", "sector", "lec_l", "lec_e", "lec_c", "likelihood", "severity", "major_hazard_level", "employees",
             "address")
"""The attributes a snapshot row gives an enterprise at the dates it is in force."""

FROM_THE_START = np.iinfo(np.int64).min // 4
"""The day number of an empty ``valid_from``: in force from the start."""


def _days(values: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(values).to_numpy()
    days = stamps.astype("datetime64[D]").astype(np.int64)
    days[np.isnat(stamps)] = FROM_THE_START
    return days


def split_versions(frame: pd.DataFrame, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The row of each enterprise in force at ``as_of``, and every row (``None`` without snapshots).

    ``frame`` is the enterprise file as read; the rows returned first keep the file's
    order of their enterprises' first rows.
    """
    if "valid_from" not in frame.columns:
        return frame, None
    if not frame["enterprise_id"].duplicated().any():
        return frame.drop(columns="valid_from"), None
    ids = frame["enterprise_id"].astype(str)
    owner, _ = pd.factorize(ids)
    chosen = _in_force(owner, _days(frame["valid_from"]), int(np.datetime64(as_of, "D").astype(np.int64)))
    current = frame.iloc[chosen].drop(columns="valid_from")
    versions = frame.assign(_owner=owner)
    return current, versions


def _in_force(owner: np.ndarray, valid_from: np.ndarray, today: int) -> np.ndarray:
    """Per owner (0 … n-1, in order of first appearance), the row in force at day ``today``."""
    order = np.lexsort((np.arange(len(owner)), valid_from, owner))
    sorted_owner = owner[order]
    starts = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
    eligible = np.where(valid_from[order] <= today, np.arange(len(order)), -1)
    last = np.maximum.reduceat(eligible, starts)
    picked = np.where(last >= 0, last, starts)
    return order[picked]


@dataclass
class Versions:
    """The attribute versions of the enterprises of a Prepared.

    Attributes
    ----------
    frame
        One row per version, with :data:`VERSIONED` columns (the Prepared's own
        enterprise rows when there are no snapshots).
    owner
        The enterprise position of each version row.
    valid_from
        Its day number (:data:`FROM_THE_START` when empty).
    base
        The date-independent grading of each version row (inherent grade, installation floor).
    current
        The version row of each enterprise the Prepared's frame holds.
    """

    frame: pd.DataFrame
    owner: np.ndarray
    valid_from: np.ndarray
    base: EnterpriseBase
    current: np.ndarray
    _bases: dict = field(default_factory=dict, repr=False)

    @property
    def dated(self) -> bool:
        """Whether any enterprise has more than one version."""
        return len(self.owner) > len(self.current)

    def at(self, today: int) -> np.ndarray:
        """The version row in force at day number ``today``, per enterprise."""
        if not self.dated:
            return self.current
        return _in_force(self.owner, self.valid_from, today)

    def base_at(self, version: np.ndarray) -> EnterpriseBase:
        """The date-independent grading of the versions ``version`` (one per enterprise)."""
        if version is self.current and not self.dated:
            return self.base
        key = version.tobytes()
        if key not in self._bases:
            b = self.base
            self._bases = {key: EnterpriseBase(
                b.method.iloc[version].reset_index(drop=True), b.value.iloc[version].reset_index(drop=True),
                b.inherent.iloc[version].reset_index(drop=True), b.inherent_codes[version], b.base_rank[version],
                b.installation_codes[version])}
        return self._bases[key]

    def attributes(self, version: np.ndarray) -> pd.DataFrame | None:
        """The :data:`VERSIONED` attributes of the versions ``version`` (``None``: the current ones)."""
        if not self.dated or np.array_equal(version, self.current):
            return None
        columns = [c for c in VERSIONED if c in self.frame.columns]
        return self.frame[columns].iloc[version].reset_index(drop=True)


def enterprise_versions(enterprises: pd.DataFrame, versions: pd.DataFrame | None, standard: Standard,
                        as_of: date) -> Versions:
    """The :class:`Versions` of placed enterprises (``versions``: every snapshot row, or ``None``)."""
    if versions is None:
        n = len(enterprises)
        frame = pd.DataFrame(enterprises).reset_index(drop=True)
        return Versions(frame, np.arange(n), np.full(n, FROM_THE_START, dtype=np.int64),
                        enterprise_base(frame, standard), np.arange(n))
    frame = pd.DataFrame(versions).reset_index(drop=True)
    position = pd.Series(np.arange(len(enterprises)), index=enterprises["enterprise_id"].astype(str))
    owner = frame["enterprise_id"].astype(str).map(position).to_numpy(dtype=np.int64)
    valid_from = _days(frame["valid_from"])
    today = int(np.datetime64(as_of, "D").astype(np.int64))
    return Versions(frame, owner, valid_from, enterprise_base(frame, standard), _in_force(owner, valid_from, today))
