"""One entry point for every export: map images, HTML map, register and briefing.

``export_file(assessment, fmt, out, ...)`` is what ``riskmap export`` and the app's
download buttons call; ``export_bytes`` returns the same content in memory.

========  ===========================================================================
format    what
========  ===========================================================================
``png``   the static map (:func:`riskmap.staticmap.render_map`), A4 landscape 300 dpi
          = 3508 × 2480 px by default
``pdf``   the same map, vector, CJK font embedded, text searchable
``svg``   the same map, vector, text kept as text
``html``  the interactive map (:func:`riskmap.mapview.build_map`) as one file that
          opens offline (:func:`riskmap.mapview.save_standalone`)
``xlsx``  the risk register (:func:`riskmap.register.write_register`) of the filtered
          assessment
``docx``  the briefing (:func:`riskmap.briefing.write_briefing`) with the map drawn at
          :data:`BRIEFING_MAP_DPI` (a 16 cm picture needs no more, and it is 4× faster)
========  ===========================================================================

Every option is checked before anything is drawn; a bad one raises
:class:`~riskmap.errors.InputError` naming what is allowed.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Iterable

from riskmap.assessment import Assessment
from riskmap.errors import InputError
from riskmap.filters import Filters, apply_filters

FORMATS: tuple[str, ...] = ("png", "pdf", "svg", "html", "xlsx", "docx")
STATIC_FORMATS = ("png", "pdf", "svg")
BRIEFING_MAP_DPI = 150


def _check_format(fmt: str) -> str:
    key = str(fmt).lower().lstrip(".")
    if key not in FORMATS:
        raise InputError(f"format '{fmt}' is not supported; allowed: {', '.join(FORMATS)}")
    return key


def _html_specs(assessment: Assessment):
    from riskmap.layers import load_layers

    return load_layers(workspace=assessment.info.path if assessment.info.path else None)


def _check_layers(assessment: Assessment, fmt: str, layers) -> tuple[str, ...] | None:
    """Validate layer names against what this format can draw; return them normalised."""
    from riskmap.staticmap import LAYER_ALIASES, LAYERS

    if layers is None:
        return None
    names = [n.strip() for n in (layers.split(",") if isinstance(layers, str) else layers)]
    names = [LAYER_ALIASES.get(n.lower(), n) for n in names if n]
    if not names:
        raise InputError(f"no layer given; allowed: {', '.join(LAYERS)}")
    if fmt == "html":
        ids = [spec.id for spec in _html_specs(assessment)]
        unknown = [n for n in names if n not in ids]
        if unknown:
            raise InputError(f"layer '{unknown[0]}' is not known; allowed: {', '.join(ids)}")
        return tuple(names)
    if fmt in STATIC_FORMATS or fmt == "docx":
        unknown = [n for n in names if n not in LAYERS]
        if unknown:
            raise InputError(f"layer '{unknown[0]}' cannot be drawn on the {fmt} map; allowed: {', '.join(LAYERS)}")
    return tuple(names)


def _check(assessment, fmt, lang, layers, paper, orientation, dpi):
    from riskmap.staticmap import check_lang, check_layout

    fmt = _check_format(fmt)
    lang = check_lang(lang, assessment)
    paper, orientation, dpi = check_layout(paper, orientation, dpi)
    layers = _check_layers(assessment, fmt, layers)
    return fmt, lang, layers, paper, orientation, dpi


def _write(assessment, fmt, target, *, filters, lang, layers, title, paper, orientation, dpi, all_rows):
    """Write one export to ``target`` (a path for html, a path or file object otherwise)."""
    if fmt in STATIC_FORMATS:
        from riskmap.staticmap import render_map, save_figure

        fig = render_map(assessment, filters=filters, lang=lang, layers=layers, title=title,
                         paper=paper, orientation=orientation, dpi=dpi)
        save_figure(fig, target, fmt=fmt)
    elif fmt == "xlsx":
        from riskmap.register import write_register

        write_register(apply_filters(assessment, filters), target, lang=lang, all_rows=all_rows)
    elif fmt == "docx":
        from riskmap.briefing import write_briefing
        from riskmap.staticmap import render_map, save_figure

        fig = render_map(assessment, filters=filters, lang=lang, layers=layers, title=title,
                         paper="A4", orientation="landscape", dpi=min(dpi, BRIEFING_MAP_DPI))
        png = io.BytesIO()
        save_figure(fig, png, fmt="png")
        write_briefing(assessment, target, filters=filters, lang=lang, map_png=png.getvalue())
    elif fmt == "html":
        from riskmap.mapview import build_map, standalone_html

        specs = None
        if layers is not None:
            specs = [s for s in _html_specs(assessment) if s.id in layers]
        m = build_map(assessment, layers=specs, filters=filters, lang=lang, basemap="none")
        text = standalone_html(m)
        if isinstance(target, (str, Path)):
            Path(target).write_text(text, encoding="utf-8")
        else:
            target.write(text.encode("utf-8"))


def export_file(
    assessment: Assessment,
    fmt: str,
    out: str | Path,
    *,
    filters: Filters | None = None,
    lang: str | None = None,
    layers: Iterable[str] | str | None = None,
    title: str | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    all_rows: bool = False,
) -> Path:
    """Export an assessment to a file.

    Parameters
    ----------
    assessment
        The unfiltered assessment.
    fmt
        One of :data:`FORMATS`: ``png``, ``pdf``, ``svg``, ``html``, ``xlsx``, ``docx``.
    out
        The file to write; missing parent folders are created.  The file appears
        only when complete (written beside it, then renamed).
    filters
        What to show (:class:`~riskmap.filters.Filters`), as in the app.
    lang
        ``zh`` or ``en``; the workspace language by default.
    layers
        Layers to draw (map formats): names from :data:`riskmap.staticmap.LAYERS`
        for png/pdf/svg/docx, layer ids of :mod:`riskmap.layers` for html.
    title
        Map title (default: the workspace title).
    paper, orientation, dpi
        Page of the static map: ``A4``/``A3``, ``landscape``/``portrait``,
        50–1200 dpi.  The briefing's map is A4 landscape at up to 150 dpi.
    all_rows
        For ``xlsx``: every enterprise, road unit and hazard, not only the key ones.

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
    fmt, lang, layers, paper, orientation, dpi = _check(assessment, fmt, lang, layers, paper, orientation, dpi)
    out = Path(out)
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name such as {out / ('riskmap.' + fmt)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _write(assessment, fmt, tmp, filters=filters, lang=lang, layers=layers, title=title,
               paper=paper, orientation=orientation, dpi=dpi, all_rows=all_rows)
        # mkstemp makes the file 0600; give it the usual permissions of a new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def export_bytes(
    assessment: Assessment,
    fmt: str,
    *,
    filters: Filters | None = None,
    lang: str | None = None,
    layers: Iterable[str] | str | None = None,
    title: str | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    all_rows: bool = False,
) -> bytes:
    """Export an assessment in memory (for the app's download buttons).

    Takes the options of :func:`export_file` and returns the file's bytes.
    """
    fmt, lang, layers, paper, orientation, dpi = _check(assessment, fmt, lang, layers, paper, orientation, dpi)
    buffer = io.BytesIO()
    _write(assessment, fmt, buffer, filters=filters, lang=lang, layers=layers, title=title,
           paper=paper, orientation=orientation, dpi=dpi, all_rows=all_rows)
    return buffer.getvalue()


MIME_TYPES = {
    "png": "image/png",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
"""Content types for downloads."""
