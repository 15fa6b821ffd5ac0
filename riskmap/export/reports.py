"""The reports made from a history: the consultation pack (DOCX or PDF) and the county atlas (PDF).

``riskmap export WS --report consultation --format docx --out 研判会商_2026-10.docx`` and
the app's downloads call :func:`export_report` / :func:`report_bytes`.  An ``--out``
that is a folder (or ends with ``/``) gets the period's file name
(:func:`riskmap.consultation.pack_file_name`: ``研判会商_2026-10.docx``,
``区县图册_2026-10.pdf``), which is what a monthly schedule wants.  The file appears
only when complete (:mod:`riskmap.atomic`), so a run can be repeated at will.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from riskmap.atomic import replacing
from riskmap.consultation import build_consultation, pack_file_name
from riskmap.errors import InputError
from riskmap.filters import Filters
from riskmap.history import History
from riskmap.view import View, check_language

REPORT_FORMATS: dict[str, tuple[str, ...]] = {"consultation": ("docx", "pdf"), "atlas": ("pdf",)}
"""Each report and the formats it is written in."""


def check_report(report: str, fmt: str) -> tuple[str, str]:
    """The report and format, checked (an InputError names what is allowed)."""
    if report not in REPORT_FORMATS:
        raise InputError(f"report '{report}' is not known; allowed: {', '.join(REPORT_FORMATS)}")
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in REPORT_FORMATS[report]:
        raise InputError(f"the {report} report is written as {' or '.join(REPORT_FORMATS[report])}, not '{fmt}'")
    return report, fmt


def report_target(out: str | Path, history: History, report: str, fmt: str, *, lang: str | None = None) -> Path:
    """Where a report goes: ``out`` itself, or the period's file name inside ``out`` when it is a folder."""
    text = str(out)
    path = Path(out)
    if path.is_dir() or text.endswith(("/", os.sep)):
        return path / pack_file_name(history, report=report, fmt=fmt, lang=lang)
    return path


def write_report(history: History, report: str, fmt: str, target, *, filters: Filters | None = None,
                 lang: str | None = None, progress=None) -> None:
    """Write a report to a path or a binary file object (``progress(done, total)``: the atlas's pages)."""
    report, fmt = check_report(report, fmt)
    lang = check_language(lang, history.assessment)
    if report == "atlas":
        from riskmap.export.atlas import write_atlas

        write_atlas(history, target, view=View(history.assessment, filters, lang), progress=progress)
        return
    document = build_consultation(history, filters=filters, lang=lang)
    if fmt == "pdf":
        from riskmap.export.pack_pdf import write_pack_pdf

        write_pack_pdf(document, target)
    else:
        from riskmap.export.pack_docx import write_pack_docx

        write_pack_docx(document, target)


def export_report(history: History, report: str, fmt: str, out: str | Path, *, filters: Filters | None = None,
                  lang: str | None = None, progress=None) -> Path:
    """Write a report to a file (or into a folder under the period's name); return the file written.

    The file appears only when complete: written beside it, then renamed.

    Raises
    ------
    InputError
        For an unknown report, a format it is not written in, or a language other than ``zh``/``en``.
    """
    report, fmt = check_report(report, fmt)
    target = report_target(out, history, report, fmt, lang=lang)
    with replacing(target) as tmp:
        write_report(history, report, fmt, tmp, filters=filters, lang=lang, progress=progress)
    return target


def report_bytes(history: History, report: str, fmt: str, *, filters: Filters | None = None, lang: str | None = None,
                 progress=None) -> bytes:
    """A report in memory (the app's downloads)."""
    buffer = io.BytesIO()
    write_report(history, report, fmt, buffer, filters=filters, lang=lang, progress=progress)
    return buffer.getvalue()
