"""The four grades: keys, order, colours and arithmetic on them.

The keys ``red|orange|yellow|blue`` are the only spelling in data, files and code;
labels come from :mod:`riskmap.i18n`.  Order: blue < yellow < orange < red.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# numpy and pandas are imported in the functions: ``riskmap --help`` imports this module for the
# grade keys, and its start-up stays under 0.5 s without them (issue 13).

GRADES: tuple[str, ...] = ("red", "orange", "yellow", "blue")
"""Grade keys, highest first (the order of legends and tables)."""

RANK: dict[str, int] = {"blue": 0, "yellow": 1, "orange": 2, "red": 3}
"""Numeric rank of each grade; higher is worse."""

_BY_RANK = ("blue", "yellow", "orange", "red")

DEFAULT_COLOURS: dict[str, str] = {
    "red": "#E60012",
    "orange": "#FF8C00",
    "yellow": "#FFD700",
    "blue": "#1E78FF",
}


def rank(grades) -> np.ndarray:
    """Return the integer ranks (0 blue … 3 red) of an array of grade keys."""
    import numpy as np
    import pandas as pd

    values = pd.Series(np.asarray(grades, dtype=object))
    ranks = values.map(RANK)
    if ranks.isna().any():
        bad = sorted(set(values[ranks.isna()].astype(str)))
        raise ValueError(f"not a grade key: {bad}; allowed: {list(GRADES)}")
    return ranks.to_numpy(dtype=np.int8)


def from_rank(ranks) -> np.ndarray:
    """Return grade keys for integer ranks, clipped to 0…3."""
    import numpy as np

    return np.array(_BY_RANK, dtype=object)[np.clip(np.asarray(ranks, dtype=int), 0, 3)]


def grade_by_thresholds(values, thresholds: dict[str, float]) -> np.ndarray:
    """Grade values by ``>=`` lower bounds.

    Parameters
    ----------
    values
        Numbers to grade.
    thresholds
        Lower bounds for ``red``, ``orange`` and ``yellow``; below ``yellow`` is blue.
    """
    import numpy as np

    values = np.asarray(values, dtype=float)
    ranks = np.zeros(values.shape, dtype=np.int8)
    for key in ("yellow", "orange", "red"):
        ranks = np.where(values >= float(thresholds[key]), RANK[key], ranks)
    return np.array(_BY_RANK, dtype=object)[ranks]


def count_by_grade(grades) -> dict[str, int]:
    """Count grade keys; the result always has all four keys, highest first."""
    import numpy as np
    import pandas as pd

    counts = pd.Series(np.asarray(grades, dtype=object)).value_counts()
    return {g: int(counts.get(g, 0)) for g in GRADES}
