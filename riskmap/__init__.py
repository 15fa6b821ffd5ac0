"""RiskMap: the safety risk spatial distribution map (安全风险空间分布图).

The library turns a workspace (counties, enterprises, roads, accidents and hidden
hazards) into a graded :class:`~riskmap.assessment.Assessment` (:func:`assess`),
which a :class:`~riskmap.view.View` shows under filters in a language to the map,
the exports, the command line and the Streamlit app.

Everything named here is imported eagerly (as osmnx does), so ``riskmap.assess`` is
always the function and ``riskmap.settings`` always the one
:class:`~riskmap.runtime.Settings` object every module reads when it runs.  The
folium map (:mod:`riskmap.mapview`) and the exports (:mod:`riskmap.export`) are
imported where they are used: they bring folium, matplotlib and python-docx.
"""

from riskmap._version import __version__
from riskmap.assessment import Assessment, WorkspaceInfo
from riskmap.filters import Filters
from riskmap.io.workspace import Workspace, load_workspace
from riskmap.pipeline import assess, grade_at
from riskmap.runtime import Settings, settings
from riskmap.spatial import Prepared, prepare
from riskmap.view import View

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
