"""Ground-floor modules: grades, language strings, the standard, settings."""

from __future__ import annotations

import pytest

from riskmap import i18n
from riskmap.errors import InputError, Problem, ProblemLog, StandardError
from riskmap.grades import GRADES, count_by_grade, from_rank, grade_by_thresholds, rank
from riskmap.standard import load_standard


def test_grade_order_and_ranks():
    assert GRADES == ("red", "orange", "yellow", "blue")
    assert list(rank(["blue", "yellow", "orange", "red"])) == [0, 1, 2, 3]
    assert list(from_rank([0, 3, 5, -1])) == ["blue", "red", "red", "blue"]
    with pytest.raises(ValueError, match="allowed"):
        rank(["purple"])


def test_thresholds_are_lower_bounds():
    graded = grade_by_thresholds([320, 319.9, 160, 70, 69.9], {"red": 320, "orange": 160, "yellow": 70})
    assert list(graded) == ["red", "orange", "orange", "yellow", "blue"]


def test_count_by_grade_always_has_four_keys():
    assert count_by_grade([]) == {"red": 0, "orange": 0, "yellow": 0, "blue": 0}
    assert count_by_grade(["red", "red", "blue"]) == {"red": 2, "orange": 0, "yellow": 0, "blue": 1}


def test_labels_in_both_languages():
    assert i18n.grade_label("red", "zh") == "重大风险" and i18n.grade_label("red", "en") == "major risk"
    assert i18n.sector_label("coal_mine", "zh") == "煤矿"
    assert i18n.column_label("county_code", "zh", both=True) == "county_code（区划代码）"
    assert i18n.column_label("county_code", "en", both=True) == "county_code"
    for key, (zh, en) in i18n.MESSAGES.items():
        assert zh and en, key


def test_problem_location_names_file_row_and_column():
    problem = Problem("error", "enterprises.csv", "bad", row=5, column="sector", value="x")
    assert str(problem) == "enterprises.csv, row 5, column sector: bad"
    log = ProblemLog()
    log.warning("a.csv", "w")
    log.raise_if_errors()
    log.error("a.csv", "e")
    with pytest.raises(InputError) as info:
        log.raise_if_errors()
    assert info.value.exit_code == 2 and len(info.value.problems) == 1


def test_default_standard_holds_the_design_numbers():
    standard = load_standard("default")
    assert standard.enterprise["lec"]["thresholds"] == {"red": 320, "orange": 160, "yellow": 70}
    assert standard.enterprise["matrix"]["thresholds"] == {"red": 20, "orange": 15, "yellow": 9}
    assert standard.baselines["coal_mine"] == "orange" and standard.sectors.label("coal_mine", "en") == "coal mines"
    assert standard.sectors.keys == ("coal_mine", "non_coal_mine", "hazardous_chemicals", "fire", "road_transport",
                                     "construction", "urban_facilities", "industry_trade", "other")
    assert standard.roads["epdo"] == {"fatal": 10, "injury": 5, "pdo": 1}
    assert standard.roads["accident_prone"] == {"fatal": 3, "injury": 10}
    assert standard.counties["points"]["enterprises"] == {"red": 10, "orange": 5, "yellow": 2, "blue": 0.5}
    assert standard.counties["points"]["accident_death"] == 5


def test_workspace_standard_overrides_only_what_it_gives(tmp_path):
    path = tmp_path / "local.toml"
    path.write_text('name = "local"\n[roads]\nepdo = { fatal = 542, injury = 29, pdo = 1 }\n', encoding="utf-8")
    standard = load_standard("local.toml", base_dir=tmp_path)
    assert standard.name == "local"
    assert standard.roads["epdo"]["fatal"] == 542 and standard.roads["snap_distance_m"] == 50


@pytest.mark.parametrize("text, fragment", [
    ("[counties]\nthresholds = { red = 1, orange = 5, yellow = 2 }\n", "red >= orange >= yellow"),
    ('[counties]\nscheme = "jenks"\n', "allowed: fixed, quantiles, natural_breaks"),
    ('[enterprise.baseline]\ncoal_mine = "crimson"\n', "allowed: a grade: red, orange, yellow, blue"),
    ("this is = = not toml", "not a valid TOML"),
])
def test_broken_standard_says_what_is_wrong(tmp_path, text, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError) as info:
        load_standard(path, lang="en")
    assert any(fragment in p.message for p in info.value.problems)


def test_missing_standard_file(tmp_path):
    with pytest.raises(StandardError, match="not found"):
        load_standard("nope.toml", base_dir=tmp_path)


def test_colours_come_from_the_standard(tmp_path):
    assert load_standard("default").colours["red"] == "#E60012"
    path = tmp_path / "c.toml"
    path.write_text('[colours]\nred = "#D00000"\n', encoding="utf-8")
    colours = load_standard(path).colours
    assert colours["red"] == "#D00000" and colours["blue"] == "#1E78FF"
    path.write_text('[colours]\nred = "crimson"\n', encoding="utf-8")
    with pytest.raises(StandardError):
        load_standard(path)
