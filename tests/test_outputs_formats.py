"""What `riskmap assess` writes, in each layer format, after issue 13 made writing fast."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pyogrio
import pytest

from riskmap.cli import main
from riskmap.outputs import LAYER_FILES

DATASETS = list(LAYER_FILES)


@pytest.fixture(scope="module")
def geojson_out(tmp_path_factory, demo_path):
    out = tmp_path_factory.mktemp("geojson")
    assert main(["assess", str(demo_path), "--out", str(out), "--quiet"]) == 0
    return out


def _properties(path) -> list[dict]:
    return [f["properties"] for f in json.loads(path.read_text("utf-8"))["features"]]


def test_the_geojson_layers_are_the_assessments_as_the_reference_writer_writes_them(geojson_out, demo_assessment,
                                                                                     tmp_path):
    from geojson_reference import write_geojson as reference

    for dataset, name in LAYER_FILES.items():
        reference(getattr(demo_assessment, dataset), tmp_path / name)
        ours, theirs = json.loads((geojson_out / name).read_text("utf-8")), json.loads((tmp_path / name).read_text("utf-8"))
        assert len(ours["features"]) == len(theirs["features"]) == len(getattr(demo_assessment, dataset)), dataset
        for a, b in zip(ours["features"], theirs["features"]):
            assert a["geometry"] == b["geometry"] and list(a["properties"]) == list(b["properties"]), dataset
            for key, value in b["properties"].items():
                mine = a["properties"][key]
                # pandas writes 10 decimals, the fast writer the shortest exact form
                assert mine == value or mine == pytest.approx(value, rel=1e-9, abs=1e-9), (dataset, key)


def test_layers_as_geopackage_hold_the_same_records(geojson_out, demo_path, tmp_path):
    assert main(["assess", str(demo_path), "--out", str(tmp_path), "--layers-as", "geopackage", "--quiet"]) == 0
    path = tmp_path / "layers.gpkg"
    assert [layer for layer, _ in pyogrio.list_layers(path)] == DATASETS
    assert not any((tmp_path / name).exists() for name in LAYER_FILES.values())
    for dataset, name in LAYER_FILES.items():
        layer = gpd.read_file(path, layer=dataset, engine="pyogrio")
        expected = _properties(geojson_out / name)
        assert layer.crs.to_epsg() == 4326 and len(layer) == len(expected), dataset
        id_column = {"counties": "county_code", "enterprises": "enterprise_id", "road_units": "unit_id",
                     "hazards": "hazard_id", "accidents": "accident_id"}[dataset]
        assert layer[id_column].astype(str).tolist() == [str(p[id_column]) for p in expected], dataset
        if "grade" in layer.columns:
            assert layer["grade"].tolist() == [p["grade"] for p in expected], dataset
    # The other outputs are those of the default format.
    for name in ("risk_register.xlsx", "summary.json", "unassigned.csv", "notes.csv", "warnings.csv"):
        assert (tmp_path / name).exists()


def test_written_again_the_geopackage_is_replaced_not_appended(demo_path, tmp_path, recwarn):
    for _ in range(2):
        assert main(["assess", str(demo_path), "--out", str(tmp_path), "--layers-as", "geopackage", "--quiet"]) == 0
    # The temporary file keeps the .gpkg extension, so GDAL has nothing to warn about.
    assert not [w for w in recwarn if "extension" in str(w.message)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    counties = gpd.read_file(tmp_path / "layers.gpkg", layer="counties", engine="pyogrio")
    assert len(counties) == counties["county_code"].nunique()


def test_one_thread_writes_the_same_files(geojson_out, demo_path, tmp_path, monkeypatch):
    from riskmap.runtime import settings

    monkeypatch.setattr(settings, "write_threads", 1)
    assert main(["assess", str(demo_path), "--out", str(tmp_path), "--quiet"]) == 0
    for name in [*LAYER_FILES.values(), "unassigned.csv", "notes.csv", "summary.json"]:
        assert (tmp_path / name).read_bytes() == (geojson_out / name).read_bytes(), name


def test_the_command_starts_without_the_geometry_libraries():
    # `riskmap --help` and the parser need none of pandas, geopandas, shapely or polars (issue 13: start-up).
    code = ("import sys; from riskmap.cli import build_parser; build_parser().format_help(); import riskmap; "
            "riskmap.settings; print(sorted(m for m in ('pandas', 'geopandas', 'shapely', 'polars', 'pyproj') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_package_names_are_the_objects_when_used():
    import riskmap
    from riskmap.pipeline import assess
    from riskmap.view import View

    assert riskmap.assess is assess and riskmap.View is View
    assert "assess" in dir(riskmap)
    with pytest.raises(AttributeError):
        riskmap.no_such_name  # noqa: B018
