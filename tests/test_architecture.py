"""The house keeps its shape: imports only go down, rooms stay small (issue 8).

The table of floors lives here, so the layering of docs/architecture.md is kept by the
code: a module may import the modules of its own floor and of the floors below it,
never one above.  Every module of ``riskmap/`` must have a floor, so a new module is a
decision about where it stands.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "riskmap"

FLOORS: dict[str, int] = {
    # 0 ground: words, grades, numbers of behaviour, nothing of ours below them
    "riskmap._version": 0, "riskmap.runtime": 0, "riskmap.grades": 0, "riskmap.i18n": 0, "riskmap.periods": 0,
    "riskmap.i18n.labels": 0, "riskmap.i18n.strings": 0, "riskmap.i18n.messages": 0, "riskmap.i18n.alerts": 0,
    "riskmap.i18n.pack": 0, "riskmap.gcj02": 0, "riskmap.sanitize": 0, "riskmap.atomic": 0, "riskmap.document": 0,
    "riskmap.io": 0, "riskmap.io.dates": 0, "riskmap.io.cells": 0,
    "riskmap.i18n.ledgers": 0, "riskmap.i18n.views": 0, "riskmap.sectors": 0, "riskmap.io.identifiers": 0,
    "riskmap.i18n.prints": 0, "riskmap.memory": 0,
    # 1 data contract and the words kept as data
    "riskmap.errors": 1, "riskmap.reasons": 1, "riskmap.schema": 1, "riskmap.coords": 1, "riskmap.io.formats": 1,
    # 2 the standard, the Assessment, geometry primitives, the fast GeoJSON writer; the hazard lifecycle and
    # monthly accident trends (arrays in, figures out)
    "riskmap.standard": 2, "riskmap.assessment": 2, "riskmap.join": 2, "riskmap.geojson": 2, "riskmap.workers": 2,
    "riskmap.lifecycle": 2, "riskmap.trends": 2,
    # 3 layer specs; reading files and values
    "riskmap.layers": 3, "riskmap.io.values": 3, "riskmap.io.readers": 3, "riskmap.io.upload": 3,
    "riskmap.io.localwords": 3, "riskmap.io.skipping": 3,
    # 4 riskmap.toml and geometry of a dataset
    "riskmap.io.config": 4, "riskmap.io.geometry": 4, "riskmap.io.countynames": 4, "riskmap.io.sheets": 1,
    # 5 the workspace; road units and grades
    "riskmap.io.workspace": 5, "riskmap.screening": 5, "riskmap.grading": 5,
    # 6-9 the pipeline: places and the audit, enterprise snapshots, the road work, the spatial stages, then
    # grading at a date: the numbers (timeline), then the frames (pipeline)
    "riskmap.places": 6, "riskmap.snapshots": 6, "riskmap.roadwork": 7, "riskmap.spatial": 8, "riskmap.timeline": 9,
    "riskmap.pipeline": 9, "riskmap.clusters": 9,
    # 10 time: the history and forecast, and the warnings on them
    "riskmap.alerts": 10, "riskmap.history": 10, "riskmap.prevention": 11, "riskmap.actions": 11,
    "riskmap.consultation": 12,
    # 10-11 what is shown: filters, the View, tables
    "riskmap.filters": 10, "riskmap.sectorview": 10, "riskmap.view": 10, "riskmap.tables": 11, "riskmap.charts": 11,
    # 12-16 the folium map
    "riskmap.mapview.style": 12, "riskmap.mapview.basemaps": 12, "riskmap.mapview.change": 12, "riskmap.mapview.encode": 13,
    "riskmap.mapview.frames": 13, "riskmap.mapview.elements": 14, "riskmap.mapview.legend": 15,
    "riskmap.mapview.offline": 15, "riskmap.mapview": 16,
    # 12-18 exports
    "riskmap.export.page": 12, "riskmap.export.fonts": 12, "riskmap.export.truetype": 12, "riskmap.export.labels": 12,
    "riskmap.export.inset": 12, "riskmap.export.furniture": 12, "riskmap.export.docfonts": 12, "riskmap.export.docpage": 12,
    "riskmap.export.cellblock": 12, "riskmap.export.cartography": 13,
    "riskmap.export.register": 13, "riskmap.export.staticmap": 14, "riskmap.export.briefing": 15,
    "riskmap.export.html": 17, "riskmap.export.changemap": 14, "riskmap.export.flow": 13,
    "riskmap.export.trendchart": 13, "riskmap.export.pack_docx": 16, "riskmap.export.pack_pdf": 16, "riskmap.export.atlas": 16, "riskmap.export.reports": 17,
    "riskmap.export": 18,
    # 19 output files; 20 faces: the command line and the package's own face
    "riskmap.outputs": 19, "riskmap.terminal": 19, "riskmap.cli": 20, "riskmap": 20,
}

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The riskmap modules a file imports (at its top or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "riskmap"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "riskmap":
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
    return found


def test_every_module_has_a_floor():
    missing = sorted(set(_modules()) - set(FLOORS))
    assert not missing, f"give these modules a floor in tests/test_architecture.py: {missing}"
    gone = sorted(set(FLOORS) - set(_modules()))
    assert not gone, f"these modules of the table no longer exist: {gone}"


def test_imports_only_go_down():
    modules = _modules()
    upward = []
    for name, path in modules.items():
        for target in _imports(path, set(modules)):
            if FLOORS.get(target, 99) > FLOORS[name]:
                upward.append(f"{name} (floor {FLOORS[name]}) imports {target} (floor {FLOORS.get(target)})")
    assert not upward, "\n".join(upward)


def test_the_library_never_imports_streamlit():
    offenders = [name for name, path in _modules().items()
                 if any(isinstance(n, (ast.Import, ast.ImportFrom)) and "streamlit" in ast.unparse(n)
                        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert not offenders


@pytest.mark.parametrize("path", [*sorted(PACKAGE.rglob("*.py")), *sorted((ROOT / "page").glob("*.py")), ROOT / "app.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_rooms_stay_small(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path.name}: {lines} lines (at most {MAX_MODULE_LINES}); split it along a seam"
    if path.name == "app.py":
        assert lines <= 350, "app.py is the page only: widgets and layout"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_assess_is_the_function_and_settings_the_object(demo_path, tmp_path):
    import riskmap

    assert inspect.isfunction(riskmap.assess)
    assert isinstance(riskmap.settings, riskmap.Settings)
    from riskmap.io import workspace  # noqa: F401  (importing deeper modules changes nothing)
    from riskmap.runtime import settings

    assert inspect.isfunction(riskmap.assess) and riskmap.settings is settings


def test_settings_are_read_when_the_pipeline_runs(monkeypatch):
    """``riskmap.settings.border_tolerance_m = 0`` takes effect after the pipeline is imported."""
    import geopandas as gpd
    import numpy as np
    import shapely

    import riskmap
    import riskmap.pipeline  # noqa: F401
    from riskmap.places import Audit, CountyPlaces, place_points

    counties = gpd.GeoDataFrame({"county_code": ["1"], "county_name": ["A"]},
                                geometry=[shapely.box(113.0, 40.0, 113.1, 40.1)], crs=4326)
    places = CountyPlaces.of(counties)
    # A point about 50 m east of the county.
    frame = gpd.GeoDataFrame({"_row": [2], "id": ["p"]}, geometry=[shapely.Point(113.1006, 40.05)], crs=4326)
    audit = Audit("en")
    assert place_points(frame, "x", "id", "x.csv", np.zeros(1, dtype=bool), places, audit)[0] == 0
    monkeypatch.setattr(riskmap.settings, "border_tolerance_m", 0.0)
    assert place_points(frame, "x", "id", "x.csv", np.zeros(1, dtype=bool), places, Audit("en"))[0] == -1


def test_docs_schema_is_written_from_the_schema():
    from riskmap.schema import markdown

    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == markdown(), \
        "docs/schema.md is stale: python -m riskmap.schema > docs/schema.md"
