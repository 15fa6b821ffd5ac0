"""A report as data: sections of paragraphs, tables and figures, rendered by each format's writer.

The consultation pack (:mod:`riskmap.consultation`) is built once as a :class:`Document`
and written twice, as DOCX (:mod:`riskmap.export.pack_docx`) and as PDF
(:mod:`riskmap.export.pack_pdf`), so both say the same.  Every text here is plain text
(data stays data: a writer never reads it as Markdown, HTML or a template).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """A table: a header row, body rows of text, and how to show them.

    Attributes
    ----------
    headers, rows
        The header cells and the body rows (text).
    widths
        Relative column widths (default: equal).
    numeric
        Columns set flush right.
    grade_col, grades
        A column shaded in the grade colours, and each row's grade key there (or None).
    note
        A line under the table (what was left out, how a figure is computed).
    total
        How many rows the table stands for (more than ``rows`` when some are left out).
    """

    headers: list[str]
    rows: list[list[str]]
    widths: tuple[float, ...] | None = None
    numeric: tuple[int, ...] = ()
    grade_col: int | None = None
    grades: list[str | None] | None = None
    note: str = ""
    total: int | None = None


@dataclass
class Figure:
    """A figure, drawn by the writer: ``kind`` names the drawing, ``data`` is what it draws.

    Kinds: ``map`` (the four-colour map of a :class:`~riskmap.view.View`), ``change_map``
    (counties by grade change, rising enterprises marked), ``accident_trend`` (monthly
    accidents and deaths).
    """

    kind: str
    caption: str
    data: Any = None


@dataclass
class Section:
    """One heading and what follows it: text (``str``), :class:`Table` and :class:`Figure` blocks."""

    key: str
    title: str
    blocks: list[str | Table | Figure] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]


@dataclass
class Document:
    """A whole report.

    Attributes
    ----------
    title, subtitle
        The title and the line under it (region, period, as of, filters).
    lang
        ``zh`` or ``en``.
    sections
        In order.
    footer
        The source and date every page's footer carries.
    demo
        Demo data (the writers mark it).
    colours
        The grade colours.
    """

    title: str
    subtitle: str
    lang: str
    sections: list[Section]
    footer: str = ""
    demo: bool = False
    colours: dict[str, str] = field(default_factory=dict)

    def section(self, key: str) -> Section:
        """The section with this key."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"no section {key!r}; allowed: {', '.join(s.key for s in self.sections)}")
