"""One entry point for every export: map images, HTML map, register and briefing.

``export_file(source, fmt, out, ...)`` is what ``riskmap export`` and the app's
download buttons call; ``export_bytes`` returns the same content in memory.  The
source is a :class:`~riskmap.view.View` (filtered once, in its language) or an
assessment with ``filters`` and ``lang``; the page options travel together as one
:class:`~riskmap.export.page.ExportOptions`.

========  ===========================================================================
format    what
========  ===========================================================================
``png``   the static map (:func:`riskmap.export.staticmap.render_map`), A4 landscape
          300 dpi = 3508 × 2480 px by default
``pdf``   the same map, vector, CJK font embedded, text searchable
``svg``   the same map, vector, text kept as text
``html``  the interactive map as one file that opens offline (:mod:`riskmap.export.html`)
``xlsx``  the risk register (:func:`riskmap.export.register.write_register`) of the view
``docx``  the briefing (:func:`riskmap.export.briefing.write_briefing`) with the map drawn
          at the width it is printed (the text block, 156 mm in Chinese) and
          :data:`BRIEFING_MAP_DPI` (200 dpi), so its type prints at its true size
========  ===========================================================================

The package: :mod:`~riskmap.export.page` (options and page layout),
:mod:`~riskmap.export.staticmap` and :mod:`~riskmap.export.cartography` (the static
map), :mod:`~riskmap.export.fonts` (the CJK font), :mod:`~riskmap.export.register`,
:mod:`~riskmap.export.briefing` and :mod:`~riskmap.export.html`.

Every option is checked before anything is drawn; a bad one raises
:class:`~riskmap.errors.InputError` naming what is allowed.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

from riskmap.assessment import Assessment
from riskmap.atomic import replacing
from riskmap.errors import InputError
from riskmap.export.page import LAYER_ALIASES, LAYERS, ExportOptions
from riskmap.filters import Filters
from riskmap.view import View

__all__ = ["FORMATS", "MIME_TYPES", "BRIEFING_MAP_DPI", "ExportOptions", "export_file", "export_bytes", "export_notes"]

FORMATS: tuple[str, ...] = ("png", "pdf", "svg", "html", "xlsx", "docx")
STATIC_FORMATS = ("png", "pdf", "svg")
BRIEFING_MAP_DPI = 200

MIME_TYPES = {
    "png": "image/png",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
"""Content types for downloads."""


def _check_format(fmt: str) -> str:
    key = str(fmt).lower().lstrip(".")
    if key not in FORMATS:
        raise InputError(f"format '{fmt}' is not supported; allowed: {', '.join(FORMATS)}")
    return key


def _check_layers(view: View, fmt: str, layers) -> tuple[str, ...] | None:
    """Validate layer names against what this format can draw; return them normalised."""
    from riskmap.export.html import html_layers

    if layers is None:
        return None
    names = [n.strip() for n in (layers.split(",") if isinstance(layers, str) else layers)]
    names = [LAYER_ALIASES.get(n.lower(), n) for n in names if n]
    if not names:
        raise InputError(f"no layer given; allowed: {', '.join(LAYERS)}")
    if fmt == "html":
        ids = [spec.id for spec in html_layers(view)]
        unknown = [n for n in names if n not in ids]
        if unknown:
            raise InputError(f"layer '{unknown[0]}' is not known; allowed: {', '.join(ids)}")
        return tuple(names)
    if fmt in STATIC_FORMATS or fmt == "docx":
        unknown = [n for n in names if n not in LAYERS]
        if unknown:
            raise InputError(f"layer '{unknown[0]}' cannot be drawn on the {fmt} map; allowed: {', '.join(LAYERS)}")
    return tuple(names)


def _prepare(source: Assessment | View, fmt: str, options: ExportOptions | None, filters: Filters | None,
             lang: str | None, changes: dict[str, Any]) -> tuple[str, View, ExportOptions]:
    """Check the format, the language, the page and the layers, in that order; make the View once."""
    fmt = _check_format(fmt)
    view = View.of(source, filters=filters, lang=lang)
    options = ExportOptions.of(options, **changes).checked()
    return fmt, view, dataclasses.replace(options, layers=_check_layers(view, fmt, options.layers))


def _write(view: View, fmt: str, target, options: ExportOptions) -> None:
    """Write one export to ``target`` (a path or a binary file object)."""
    if fmt in STATIC_FORMATS:
        from riskmap.export.staticmap import render_map, save_figure

        save_figure(render_map(view, options=options), target, fmt=fmt)
    elif fmt == "xlsx":
        from riskmap.export import register

        register.write_register(view, target, all_rows=options.all_rows)
    elif fmt == "docx":
        from riskmap.export.briefing import write_briefing
        from riskmap.export.docpage import text_width_mm
        from riskmap.export.staticmap import render_map, save_figure

        # Drawn at the size it is printed: the text block's width, at a fixed resolution.
        page = dataclasses.replace(options, width_mm=text_width_mm(view.lang), dpi=BRIEFING_MAP_DPI)
        png = io.BytesIO()
        save_figure(render_map(view, options=page), png, fmt="png")
        write_briefing(view, target, map_png=png.getvalue())
    elif fmt == "html":
        from riskmap.export.html import write_html

        write_html(view, target, layers=options.layers, title=options.title)


def export_file(source: Assessment | View, fmt: str, out: str | Path, *, options: ExportOptions | None = None,
                filters: Filters | None = None, lang: str | None = None, **changes: Any) -> Path:
    """Export a view (or an assessment under ``filters`` in ``lang``) to a file.

    Parameters
    ----------
    source
        A :class:`~riskmap.view.View`, or the unfiltered assessment.
    fmt
        One of :data:`FORMATS`: ``png``, ``pdf``, ``svg``, ``html``, ``xlsx``, ``docx``.
    out
        The file to write; missing parent folders are created.  The file appears
        only when complete (written beside it, then renamed).
    options
        Paper, orientation, dpi, title, layers and ``all_rows``
        (:class:`~riskmap.export.page.ExportOptions`); single options may be given as
        keywords too (``dpi=100``).
    filters, lang
        For an assessment: what to show (as in the app), and ``zh`` or ``en`` (the
        workspace language by default).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        For a bad option, listing what is allowed.
    FontNotFoundError
        For png/pdf/svg/docx when no CJK font is installed.
    """
    fmt, view, options = _prepare(source, fmt, options, filters, lang, changes)
    out = Path(out)
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name such as {out / ('riskmap.' + fmt)}")
    with replacing(out) as tmp:
        _write(view, fmt, tmp, options)
    return out


def export_bytes(source: Assessment | View, fmt: str, *, options: ExportOptions | None = None,
                 filters: Filters | None = None, lang: str | None = None, **changes: Any) -> bytes:
    """Export in memory (for the app's download buttons); the options of :func:`export_file`."""
    fmt, view, options = _prepare(source, fmt, options, filters, lang, changes)
    buffer = io.BytesIO()
    _write(view, fmt, buffer, options)
    return buffer.getvalue()


def export_notes(fmt: str, lang: str = "zh") -> list[str]:
    """What a user should know about an export made on this machine, in ``lang``.

    For ``docx``: which GB/T 9704 fonts are not installed and what replaced them
    (:func:`riskmap.export.briefing.briefing_fonts`); the CLI prints it on stderr and
    the page shows it by the download.  Empty when there is nothing to say.
    """
    if _check_format(fmt) != "docx":
        return []
    from riskmap.export.briefing import briefing_fonts

    note = briefing_fonts().note(lang)
    return [note] if note else []
