"""Run-time settings: one object instead of globals scattered about.

Grading numbers live in the standard TOML (:mod:`riskmap.standard`); what lives here
is how the program behaves, not what it concludes.  The one :data:`settings` object
is ``riskmap.settings``; every module reads it when a function runs (never at import),
so ``riskmap.settings.border_tolerance_m = 0`` takes effect for the next assessment.
The module is called ``runtime`` so that its name cannot shadow the object.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


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
    max_problems_per_column
        Validation lists at most this many rows per file and column, then a count.
    """

    border_tolerance_m: float = 100.0
    progress: bool = False
    font_path: str = field(default_factory=lambda: os.environ.get("RISKMAP_FONT", ""))
    max_problems_per_column: int = 20


settings = Settings()
"""The settings every module reads (``riskmap.settings``)."""
