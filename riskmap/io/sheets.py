"""Spreadsheets as offices keep them: a cover sheet, title rows, the header further down.

A ledger workbook often opens with an instructions sheet, and a sheet often starts
with a title ("某市危险化学品企业台账", merged across the columns) and a "填报单位"
line before the header.  :func:`choose_table` finds, in the sheets of a workbook (a
CSV file is one sheet), the first sheet whose first :data:`HEADER_SEARCH_ROWS` rows
hold a row with every required column (by canonical name, alias or the dataset's
``columns`` mapping), or the sheet and header row ``riskmap.toml`` names (``sheet =
"..."``, ``header_row = N``).  Row numbers stay the spreadsheet's own: the row below a
header on row 3 is row 4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

HEADER_SEARCH_ROWS = 20
"""The header is looked for in the first 20 rows of a sheet."""


def normalise_name(name: Any) -> str:
    """A column name as it is compared: no spaces, lower case."""
    return re.sub(r"\s+", "", str(name)).strip().lower()


@dataclass
class Sheet:
    """One sheet as read: its rows of cells and the spreadsheet row number of the first."""

    name: str | None
    rows: list[list[Any]]
    first_row: int = 1


@dataclass
class Table:
    """The table chosen in a workbook: its frame, each row's number, where the header was."""

    frame: pd.DataFrame
    rows: pd.Series
    sheet: str | None
    header_row: int
    found: list[str]
    chosen: bool  # a header holding every required column was found (or named)


def _header_names(cells: list[Any]) -> list[str]:
    """Column names of a header row: text, empty cells named by position, repeats numbered."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for j, cell in enumerate(cells):
        text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell).strip()
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        text = text or f"column {j + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        names.append(text)
    return names


def recognised(cells: list[Any], aliases: dict[str, tuple[str, ...]], mapping: dict[str, str]) -> set[str]:
    """The canonical columns a row of cells would give (explicit mapping, names, aliases)."""
    present = {normalise_name(c) for c in cells if c is not None and str(c).strip()}
    found = {canonical for canonical, source in mapping.items() if normalise_name(source) in present}
    for canonical, names in aliases.items():
        if any(normalise_name(n) in present for n in (canonical, *names)):
            found.add(canonical)
    return found


def _frame(sheet: Sheet, header: int) -> tuple[pd.DataFrame, pd.Series]:
    rows = sheet.rows
    names = _header_names(rows[header]) if header < len(rows) else []
    width = len(names)
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[header + 1:]]
    frame = pd.DataFrame(body, columns=names, dtype=object) if body else pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    numbers = pd.Series(np.arange(len(body)) + sheet.first_row + header + 1, index=frame.index)
    return frame, numbers


def choose_table(sheets: list[Sheet], aliases: dict[str, tuple[str, ...]], required: set[str],
                 mapping: dict[str, str], *, header_row: int | None = None) -> Table:
    """The sheet and header row to read (see the module docstring).

    ``required`` is a set of canonical columns every header must hold; when no sheet
    has such a row the first sheet is read with the row that holds the most known
    columns as its header (its missing columns are then reported, with the columns
    ``found`` there).
    """
    best: tuple[int, int, int] | None = None  # (known columns, -sheet, -row)
    for s, sheet in enumerate(sheets):
        if header_row is not None:
            index = header_row - sheet.first_row
            if 0 <= index < len(sheet.rows) or not sheet.rows:
                return _table(sheet, max(index, 0), aliases, mapping, chosen=True)
            continue
        for r, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            known = recognised(cells, aliases, mapping)
            if required <= known and known:
                return _table(sheet, r, aliases, mapping, chosen=True)
            if best is None or (len(known), -s, -r) > best:
                best = (len(known), -s, -r)
    if best is None or best[0] == 0:
        sheet = sheets[0] if sheets else Sheet(None, [])
        first = next((r for r, cells in enumerate(sheet.rows) if any(str(c).strip() for c in cells if c is not None)), 0)
        return _table(sheet, first, aliases, mapping, chosen=False)
    return _table(sheets[-best[1]], -best[2], aliases, mapping, chosen=False)


def _table(sheet: Sheet, header: int, aliases, mapping, *, chosen: bool) -> Table:
    frame, numbers = _frame(sheet, header)
    found = [c for c in frame.columns if not str(c).startswith("column ")]
    return Table(frame, numbers, sheet.name, sheet.first_row + header, found, chosen)
