"""Rows with errors left out, on request (``--skip-bad-rows``, the app's checkbox; issue 10).

Without the option a workspace with any error is not assessed (exit 2).  With it, a row of
enterprises, roads, accidents or hazards whose own cells or geometry are wrong (a number
that is not one, an unknown sector, an empty required cell, a repeated ID, a point outside
any sensible range ...) is left out and the rest is assessed.  Nothing is lost silently:

* each row left out is a :class:`SkippedRow` (dataset, file, row, ID, its errors), listed in
  ``unassigned.csv`` with the reason ``row_skipped`` and its first error, counted in
  ``summary.json`` (``skipped``), by the command line and on the page;
* its errors stay in the report, as warnings that say the row was left out.

What cannot be skipped stays an error: a problem of a whole file (a missing column, a
file that does not open), of ``riskmap.toml`` or the standard, and any error of the
counties (leaving a county out would move its records to no county).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from riskmap.errors import Problem, ProblemLog
from riskmap.i18n import Msg, msg
from riskmap.schema import ID_COLUMN

SKIPPABLE = ("enterprises", "roads", "accidents", "hazards")
"""The datasets whose rows may be left out."""

ROW_NOTES = ("more_rows",)
"""Messages about further rows of a column (their rows are known to the reader of the file)."""


@dataclass(frozen=True)
class SkippedRow:
    """A row left out: where it was, its ID as the file gives it (if any), and what was wrong."""

    dataset: str
    file: str
    row: int
    id: str | None
    error: Msg | str

    @property
    def label(self) -> str:
        """The ID, or ``#row`` when the row has none."""
        return self.id if self.id else f"#{self.row}"


def _fatal(problem: Problem, file: str) -> bool:
    """Whether an error of ``file`` is not about one row (it stops the assessment even when skipping)."""
    return problem.file == file and problem.row is None and not (problem.text is not None and problem.text.key in ROW_NOTES)


def skip_rows(frame: pd.DataFrame, dataset: str, file: str, log: ProblemLog, flagged: dict[int, str],
              lang: str) -> tuple[pd.DataFrame, list[SkippedRow]]:
    """Leave out the rows of ``frame`` that have errors; their errors become warnings in ``log``.

    Parameters
    ----------
    frame
        The dataset as read (with ``_row``: the row number messages give).
    flagged
        Every row number a cell check found wrong (also those past the per-column limit
        of messages) → the column.
    log
        The dataset's problems; changed in place.

    Returns
    -------
    The rows kept, and the rows left out (none when the file has an error no row
    explains: then every error stays one).
    """
    errors = [p for p in log.problems if p.severity == "error"]
    if dataset not in SKIPPABLE or not errors or any(_fatal(p, file) for p in errors) \
            or any(p.file != file for p in errors):
        return frame, []
    first: dict[int, Problem] = {}
    for p in errors:
        if p.row is not None:
            first.setdefault(int(p.row), p)
    rows = set(first) | set(flagged)
    present = frame["_row"].astype(int)
    out = present.isin(rows).to_numpy()
    if not set(present[out]) >= set(first):  # an error names a row the frame does not hold: do not guess
        return frame, []
    id_column = ID_COLUMN.get(dataset)
    ids = frame[id_column] if id_column in frame else pd.Series([None] * len(frame), index=frame.index)
    skipped = []
    for label, row in zip(frame.index[out], present[out]):
        problem = first.get(int(row))
        error = (problem.text or problem.message) if problem is not None else msg("row_bad_column", col=flagged[int(row)])
        value = ids.get(label)
        skipped.append(SkippedRow(dataset, file, int(row), None if pd.isna(value) else str(value), error))
    log.problems[:] = [_demoted(p, lang) if p.severity == "error" else p for p in log.problems]
    return frame[~out], skipped


def _demoted(problem: Problem, lang: str) -> Problem:
    """An error of a row left out, as a warning that says so."""
    text = msg("row_skipped", error=problem.text if problem.text is not None else problem.message)
    return dataclasses.replace(problem, severity="warning", message=text.render(lang), text=text)


def skipped_counts(skipped: list[SkippedRow]) -> dict:
    """``summary.json``'s ``skipped``: rows left out, in all and per dataset."""
    by: dict[str, int] = {}
    for s in skipped:
        by[s.dataset] = by.get(s.dataset, 0) + 1
    return {"rows": len(skipped), "by_dataset": by}
