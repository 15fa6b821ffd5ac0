"""The page of an export: paper, orientation, resolution, layers and title.

:class:`ExportOptions` holds the options that travel together through
:func:`riskmap.export.export_file`, :func:`~riskmap.export.export_bytes` and
:func:`~riskmap.export.staticmap.render_map`; :func:`check_layout` and
:func:`check_layers` check them, naming what is allowed.  :class:`Page` lays a map out
in millimetres of an A4 sheet and points, scaled with the paper (A3 is √2 larger),
never with the dpi.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from riskmap.errors import InputError

PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
"""Paper sizes, landscape (width, height) in millimetres."""

ORIENTATIONS = ("landscape", "portrait")

LAYERS: tuple[str, ...] = ("counties", "road_units", "enterprises", "hazards", "accidents")
"""Layers the static map can draw, bottom to top."""

DEFAULT_LAYERS: tuple[str, ...] = ("counties", "road_units", "enterprises", "hazards")
"""Drawn when ``layers`` is not given (accidents would bury the grades in dots)."""

LAYER_ALIASES = {"roads": "road_units", "road": "road_units", "county": "counties",
                 "enterprise": "enterprises", "hazard": "hazards", "accident": "accidents"}

MIN_DPI, MAX_DPI = 50, 1200

FIGURE_HEIGHT = 1.1
"""Height of a document figure (``width_mm``) as a share of its width."""
MIN_WIDTH_MM, MAX_WIDTH_MM = 60.0, 400.0


@dataclass(frozen=True)
class ExportOptions:
    """The options of an export that travel together.

    Attributes
    ----------
    paper, orientation, dpi
        Page of the static map: ``A4``/``A3``, ``landscape``/``portrait``, 50–1200 dpi
        (A4 landscape at 300 dpi is 3508 × 2480 px).  The briefing's map is A4
        landscape at up to 150 dpi.
    title
        Map title (default: the workspace title).
    layers
        Layers to draw: names of :data:`LAYERS` for png/pdf/svg/docx (``roads`` is
        accepted), layer ids of :mod:`riskmap.layers` for html; all by default.
    all_rows
        For ``xlsx``: every enterprise, road unit and hazard, not only the key ones.
    width_mm
        Lay the map out as a figure of a document printed this wide (60–400 mm), with
        its type at true size: the map, the legend below it and the source line, no
        title (the document's caption gives it).  ``paper`` and ``orientation`` are
        then not used.  The briefing's map is the width of its text block.
    """

    paper: str = "A4"
    orientation: str = "landscape"
    dpi: int = 300
    title: str | None = None
    layers: Iterable[str] | str | None = None
    all_rows: bool = False
    width_mm: float | None = None

    @classmethod
    def of(cls, options: ExportOptions | None = None, **changes: Any) -> ExportOptions:
        """``options`` (the defaults when ``None``) with ``changes``; an unknown option is a TypeError."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"unknown export option(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
        return dataclasses.replace(options or cls(), **changes)

    def checked(self) -> ExportOptions:
        """The options with paper, orientation and dpi checked and normalised (``a4`` → ``A4``)."""
        paper, orientation, dpi = check_layout(self.paper, self.orientation, self.dpi)
        width = self.width_mm
        if width is not None:
            try:
                width = float(width)
            except (TypeError, ValueError):
                raise InputError(f"width_mm '{self.width_mm}' is not a number; allowed: "
                                 f"{MIN_WIDTH_MM:g}–{MAX_WIDTH_MM:g}") from None
            if not MIN_WIDTH_MM <= width <= MAX_WIDTH_MM:
                raise InputError(f"width_mm {self.width_mm} is out of range; allowed: {MIN_WIDTH_MM:g}–{MAX_WIDTH_MM:g}")
        return dataclasses.replace(self, paper=paper, orientation=orientation, dpi=dpi, width_mm=width)

    @property
    def pixels(self) -> tuple[int, int]:
        """The page's size in pixels."""
        return Page(self.paper, self.orientation, self.dpi, width_mm=self.width_mm).px


def check_layout(paper: str, orientation: str, dpi: int) -> tuple[str, str, int]:
    """Validate page options; return them normalised (``a4`` → ``A4``).

    Raises
    ------
    InputError
        Naming the bad option and what is allowed.
    """
    paper_key = str(paper).upper()
    if paper_key not in PAPERS_MM:
        raise InputError(f"paper '{paper}' is not supported; allowed: {', '.join(PAPERS_MM)}")
    orient = str(orientation).lower()
    if orient not in ORIENTATIONS:
        raise InputError(f"orientation '{orientation}' is not supported; allowed: {', '.join(ORIENTATIONS)}")
    try:
        dpi_float = float(dpi)
    except (TypeError, ValueError):
        raise InputError(f"dpi '{dpi}' is not a whole number; allowed: {MIN_DPI}–{MAX_DPI}") from None
    if not dpi_float.is_integer():
        raise InputError(f"dpi '{dpi}' is not a whole number; allowed: {MIN_DPI}–{MAX_DPI}")
    dpi_value = int(dpi_float)
    if not MIN_DPI <= dpi_value <= MAX_DPI:
        raise InputError(f"dpi {dpi} is out of range; allowed: a whole number from {MIN_DPI} to {MAX_DPI}")
    return paper_key, orient, dpi_value


def check_layers(layers: Iterable[str] | str | None) -> tuple[str, ...]:
    """Validate layer names (``roads`` is accepted for ``road_units``).

    Raises
    ------
    InputError
        For an unknown name, listing the allowed ones.
    """
    if layers is None:
        return DEFAULT_LAYERS
    if isinstance(layers, str):
        layers = [part for part in layers.replace(";", ",").split(",")]
    chosen = []
    for name in layers:
        key = str(name).strip().lower()
        if not key:
            continue
        key = LAYER_ALIASES.get(key, key)
        if key not in LAYERS:
            raise InputError(f"layer '{name}' is not known; allowed: {', '.join(LAYERS)} (or roads)")
        if key not in chosen:
            chosen.append(key)
    return tuple(chosen)


def page_pixels(paper: str = "A4", orientation: str = "landscape", dpi: int = 300) -> tuple[int, int]:
    """Pixel size of a page: A4 landscape at 300 dpi is 3508 × 2480."""
    paper, orientation, dpi = check_layout(paper, orientation, dpi)
    w_mm, h_mm = PAPERS_MM[paper]
    if orientation == "portrait":
        w_mm, h_mm = h_mm, w_mm
    return round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi)


class Page:
    """Sizes of one page.  Layout is in millimetres of an A4 sheet and font sizes in
    points, both scaled with the paper (A3 is √2 larger), never with the dpi."""

    def __init__(self, paper: str, orientation: str, dpi: int, *, width_mm: float | None = None):
        self.paper, self.orientation, self.dpi = paper, orientation, dpi
        self.figure = width_mm is not None
        if width_mm is None:
            self.px = page_pixels(paper, orientation, dpi)
            w_mm, h_mm = PAPERS_MM[paper]
            self.landscape = orientation == "landscape"
            self.w_mm, self.h_mm = (w_mm, h_mm) if self.landscape else (h_mm, w_mm)
            self.scale = min(w_mm, h_mm) / 210.0
        else:
            # A figure of a document, printed at this size: millimetres and points are true.
            self.w_mm, self.h_mm = float(width_mm), float(width_mm) * FIGURE_HEIGHT
            self.px = (round(self.w_mm / 25.4 * dpi), round(self.h_mm / 25.4 * dpi))
            self.landscape = False
            self.scale = 1.0
        # Inches from whole pixels so the PNG is exactly 3508 × 2480 at A4/300 dpi
        # (matplotlib truncates width × dpi; 297 mm is 3507.87 px).  The tiny epsilon
        # keeps floating error from truncating 3508 to 3507.
        self.size_in = ((self.px[0] + 0.01) / dpi, (self.px[1] + 0.01) / dpi)

    def pt(self, size: float) -> float:
        return size * self.scale

    def x(self, mm: float) -> float:
        """Figure fraction of a distance from the left edge, in A4 millimetres."""
        return mm * self.scale / self.w_mm

    def y(self, mm: float) -> float:
        """Figure fraction of a distance from the top edge, in A4 millimetres."""
        return 1 - mm * self.scale / self.h_mm

    def rect(self, left_mm: float, top_mm: float, right_mm: float, bottom_mm: float) -> tuple[float, float, float, float]:
        """(x, y, width, height) in figure fractions of a box given by its distances
        from the left/top/right/bottom edges of the page."""
        x0, x1 = self.x(left_mm), 1 - self.x(right_mm)
        y0, y1 = 1 - self.y(bottom_mm), self.y(top_mm)
        return (x0, y0, x1 - x0, y1 - y0)


