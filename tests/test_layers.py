"""Layer specs (``riskmap.layers``): the built-in files load, mistakes name file and key."""

from __future__ import annotations

import pytest

from riskmap.errors import LayerSpecError
from riskmap.layers import FILTERS, GEOMETRIES, LayerSpec, default_layers_dir, load_layer, load_layers, parse_layer


def test_builtin_layers_load_in_order():
    specs = load_layers()
    ids = [s.id for s in specs]
    assert set(ids) >= {"counties", "enterprises", "road_units", "hazards", "accidents"}
    assert [s.order for s in specs] == sorted(s.order for s in specs)
    for spec in specs:
        assert isinstance(spec, LayerSpec)
        assert spec.geometry in GEOMETRIES
        assert set(spec.filters) <= set(FILTERS)
        assert spec.title("zh") and spec.title("en")
        for field in spec.tooltip + spec.popup:
            assert field.label("zh") and field.label("en")


def test_builtin_layers_say_what_the_issue_asks():
    specs = {s.id: s for s in load_layers()}
    assert specs["counties"].style["colour_by"] == "grade" and specs["counties"].style["labels"]
    assert 0 < specs["counties"].style["fill_opacity"] < 1  # semi-transparent
    assert specs["enterprises"].style["colour_by"] == "grade"
    assert isinstance(specs["enterprises"].style["radius"], dict)  # sized by grade
    assert specs["enterprises"].style["cluster_above"] > 0
    assert any(r["when"] == {"accident_prone": True} for r in specs["road_units"].style["emphasis"])
    assert specs["hazards"].where == {"is_open": True}
    assert specs["accidents"].geometry == "heatmap" and specs["accidents"].where == {"in_window": True}
    assert "sectors" in specs["enterprises"].filters


def _write(tmp_path, text, name="bad.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, key",
    [
        ('[layer]\ndataset = "enterprises"\ngeometry = "blob"\n', "geometry"),
        ('[layer]\ngeometry = "point"\n', "dataset"),
        ('[layer]\ndataset = "x"\npath = "x.csv"\ngeometry = "point"\n', "dataset"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\ncolour = "red"\n', "colour"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\nfilters = ["planets"]\n', "filters"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\nshow = "yes"\n', "show"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\n[style]\ncolour = "red"\n', "style.colour"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\n[style]\nfill_opacity = 3\n', "style.fill_opacity"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\n[style]\nwidth = 3\n', "style.width"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\n[[tooltip]]\nzh = "名称"\n', "tooltip[1].column"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\n[[popup]]\ncolumn = "a"\nformat = "money"\n', "popup[1].format"),
        ('[layer]\npath = "../../etc/passwd"\ngeometry = "point"\n', "path"),
        ('[layer]\ndataset = "x"\ngeometry = "point"\nsearch = "name"\n', "search"),
        ('[layer]\ndataset = "x"\ngeometry = "heatmap"\nsearch = ["name"]\n', "search"),
    ],
)
def test_mistakes_name_file_and_key(tmp_path, text, key):
    path = _write(tmp_path, text)
    with pytest.raises(LayerSpecError) as info:
        load_layer(path)
    message = str(info.value)
    assert "bad.toml" in message and f"'{key}'" in message
    assert info.value.problems and info.value.problems[0].file == "bad.toml"


def test_not_toml(tmp_path):
    path = _write(tmp_path, "[layer\n")
    with pytest.raises(LayerSpecError, match="bad.toml: not valid TOML"):
        load_layer(path)


def test_minimal_point_layer_defaults(tmp_path):
    spec = load_layer(_write(tmp_path, 'dataset = "schools"\ngeometry = "point"\n', "schools.toml"))
    assert spec.id == "schools" and spec.title("zh") == "schools" and spec.show and spec.filters == ()
    # canonical columns take their labels from riskmap.i18n
    spec = parse_layer({"dataset": "x", "geometry": "point", "tooltip": [{"column": "county_name"}]})
    assert spec.tooltip[0].zh == "区县" and spec.tooltip[0].en == "county"


def test_workspace_layers_folder_adds_and_overrides(tmp_path):
    ws = tmp_path / "ws"
    (ws / "layers").mkdir(parents=True)
    (ws / "layers" / "schools.toml").write_text('dataset = "schools"\ngeometry = "point"\n', encoding="utf-8")
    (ws / "layers" / "hazards.toml").write_text('dataset = "hazards"\ngeometry = "point"\nshow = false\n',
                                                encoding="utf-8")
    specs = {s.id: s for s in load_layers(workspace=ws)}
    assert "schools" in specs and "counties" in specs
    assert specs["hazards"].show is False


def test_default_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RISKMAP_LAYERS", str(tmp_path))
    assert default_layers_dir() == tmp_path
    assert load_layers() == []


def test_search_columns_default_to_the_title_field(tmp_path):
    specs = {s.id: s for s in load_layers()}
    assert specs["enterprises"].search == ("name", "enterprise_id")
    assert specs["counties"].search == ("county_name", "county_code")
    assert specs["accidents"].search == ()  # a heat map has nothing to find
    spec = parse_layer({"dataset": "schools", "geometry": "point", "popup": [{"column": "名称"}]})
    assert spec.search == ("名称",)
    assert parse_layer({"dataset": "x", "geometry": "point", "search": []}).search == ()
