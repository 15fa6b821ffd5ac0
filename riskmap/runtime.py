"""Run-time settings: one object instead of globals scattered about.

Grading numbers live in the standard TOML (:mod:`riskmap.standard`); what lives here
is how the program behaves, not what it concludes.  The one :data:`settings` object
is ``riskmap.settings``; every module reads it when a function runs (never at import),
so ``riskmap.settings.border_tolerance_m = 0`` takes effect for the next assessment.
Change a value there or with the environment variables named below.  The module is
called ``runtime`` so that its name cannot shadow the object.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env_number(name: str, default: float) -> float:
    """A number from the environment, or ``default`` when unset or unreadable."""
    try:
        return float(os.environ[name])
    except (KeyError, ValueError):
        return default


@dataclass
class Settings:
    """Behaviour of the library.

    Attributes
    ----------
    border_tolerance_m
        A point up to this far outside the region goes to the nearest county with a
        warning (DESIGN §5: 100 m).
    progress
        Print progress for slow steps on stderr (the CLI turns it on).
    font_path
        A CJK font file for static exports (env ``RISKMAP_FONT``); found automatically
        when empty.
    font_cache_dir
        Where the TrueType subsets that PDFs embed are kept (env ``RISKMAP_FONT_CACHE``;
        ``~/.cache/riskmap/fonts`` when empty, see :mod:`riskmap.export.truetype`).
    max_problems_per_column
        Validation lists at most this many rows per file and column, then a count.
    max_unpacked_bytes
        An upload (or a zipped Shapefile, or an XLSX workbook) may unpack to at most
        this many bytes in all (env ``RISKMAP_MAX_UNPACKED_MB``, default 500 MB).
    max_upload_members
        An archive may hold at most this many files (env ``RISKMAP_MAX_UPLOAD_MEMBERS``,
        default 2,000).
    max_compression_ratio
        An archive whose unpacked size is more than this many times its packed size is
        refused as a likely zip bomb (env ``RISKMAP_MAX_COMPRESSION_RATIO``, default 100).
    upload_max_age_s
        Upload folders older than this are removed when the app starts (default a day).
    register_max_rows
        Rows of one sheet of ``risk_register.xlsx``, header included (Excel's limit,
        1,048,576); a longer table goes on as ``企业 (2)``, ``企业 (3)``, ...
    write_threads
        Threads writing the outputs of ``riskmap assess`` (the layers and the register at
        the same time); 1 writes one file after another.
    write_processes
        Forked processes writing the layers and the register while ``riskmap assess``
        grades the history (env ``RISKMAP_WRITE_PROCESSES``, default 2; 0 or 1: no
        process, the threads above write after the history). They are used only where
        forking is safe and the machine's available memory covers them
        (:func:`riskmap.workers.can_fork`).
    history_processes
        A forked process grading the history's earlier period ends and its forecast while
        ``riskmap assess`` grades ``as_of`` (env ``RISKMAP_HISTORY_PROCESSES``, default 1;
        0: the command grades them itself, after ``as_of``). The same rules as above decide
        whether it may fork.
    """

    border_tolerance_m: float = 100.0
    progress: bool = False
    font_path: str = field(default_factory=lambda: os.environ.get("RISKMAP_FONT", ""))
    font_cache_dir: str = field(default_factory=lambda: os.environ.get("RISKMAP_FONT_CACHE", ""))
    max_problems_per_column: int = 20
    max_unpacked_bytes: int = field(default_factory=lambda: int(_env_number("RISKMAP_MAX_UNPACKED_MB", 500) * 1_000_000))
    max_upload_members: int = field(default_factory=lambda: int(_env_number("RISKMAP_MAX_UPLOAD_MEMBERS", 2000)))
    max_compression_ratio: float = field(default_factory=lambda: _env_number("RISKMAP_MAX_COMPRESSION_RATIO", 100))
    upload_max_age_s: float = 86_400.0
    register_max_rows: int = 1_048_576
    write_threads: int = 2
    write_processes: int = field(default_factory=lambda: int(_env_number("RISKMAP_WRITE_PROCESSES", 2)))
    history_processes: int = field(default_factory=lambda: int(_env_number("RISKMAP_HISTORY_PROCESSES", 1)))


settings = Settings()
"""The settings every module reads (``riskmap.settings``)."""
