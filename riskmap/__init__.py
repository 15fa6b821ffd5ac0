"""RiskMap: the safety risk spatial distribution map (安全风险空间分布图).

The library turns a workspace (counties, enterprises, roads, accidents and hidden
hazards) into a graded :class:`~riskmap.assessment.Assessment` (:func:`assess`),
which a :class:`~riskmap.view.View` shows under filters in a language to the map,
the exports, the command line and the Streamlit app.

Every name of ``__all__`` is the object of the module that defines it, so
``riskmap.assess`` is always the function and ``riskmap.settings`` always the one
:class:`~riskmap.runtime.Settings` object every module reads when it runs.  They are
imported when first used (PEP 562 ``__getattr__``), not by ``import riskmap``: the
engine brings geopandas, shapely and pyproj (0.5–1 s), which ``riskmap --help``,
``riskmap validate`` reporting a bad ``riskmap.toml`` and the page's first paint do
not need (issue 13: start-up under 0.5 s).  ``riskmap.settings`` is cheap and is
imported at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from riskmap._version import __version__
from riskmap.runtime import Settings, settings

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers
    from riskmap.assessment import Assessment, WorkspaceInfo
    from riskmap.filters import Filters
    from riskmap.io.workspace import Workspace, load_workspace
    from riskmap.pipeline import assess, grade_at
    from riskmap.spatial import Prepared, prepare
    from riskmap.view import View

_LAZY = {
    "Assessment": "riskmap.assessment",
    "WorkspaceInfo": "riskmap.assessment",
    "Filters": "riskmap.filters",
    "Workspace": "riskmap.io.workspace",
    "load_workspace": "riskmap.io.workspace",
    "assess": "riskmap.pipeline",
    "grade_at": "riskmap.pipeline",
    "Prepared": "riskmap.spatial",
    "prepare": "riskmap.spatial",
    "View": "riskmap.view",
}

__all__ = [
    "__version__",
    "Assessment",
    "Filters",
    "Prepared",
    "Settings",
    "View",
    "Workspace",
    "WorkspaceInfo",
    "assess",
    "grade_at",
    "load_workspace",
    "prepare",
    "settings",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'riskmap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
