"""Sector views (issue 10, point 1): a sector filter grades the counties again on that sector's records.

The tiny workspace of :mod:`wsfactory` (three counties 甲 140001, 乙 140002, 丙 140003) is
small enough to compute by hand with the default standard's points (DESIGN §6):

* 甲县: E1 coal mine, LEC 6×6×15 = 540 → red (10 points); E4 construction (baseline yellow, 2);
  A4, a production accident of E1 with 2 deaths on 2026-09-01 (5 per death: 10 points).
* 乙县: E2 hazardous chemicals, matrix 4×4 = 16 → orange, major hazard installation level 3
  (floor orange): 5 points; its hazard H2 is open (rectifying) past its deadline 2026-09-01:
  overdue, 2 points; H3 is closed.  E5 road transport (baseline blue, 0.5).
* 丙县: E3 fire (baseline yellow), red by its open major hazard H1: 10 points, H1 10 points,
  and the county is at least orange (the major-hazard floor).  H4 has no enterprise: here
  it is given its own sector, 危险化学品, and lies in 丙县, open past its deadline (2 points).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from riskmap import Filters, View, assess
from riskmap.cli import main
from riskmap.sectorview import regraded
from wsfactory import hazard_frame, write_workspace

POINTS = ["points_enterprises", "points_roads", "points_hazards", "points_accidents"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    hazards = hazard_frame()
    hazards["行业"] = [None, None, None, "危险化学品"]  # H4, of no enterprise, says its own sector
    folder = write_workspace(tmp_path_factory.mktemp("sectors") / "ws", hazards=hazards)
    return folder, assess(folder)


def _components(view: View) -> pd.DataFrame:
    return view.counties.set_index("county_code")[POINTS + ["score", "grade", "grade_all", "score_all"]]


def test_hazardous_chemicals_view_against_a_hand_computation(tiny):
    _, a = tiny
    c = _components(View(a, Filters(sectors=("hazardous_chemicals",))))
    assert c.loc["140001", POINTS].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert c.loc["140002", POINTS].tolist() == [5.0, 0.0, 2.0, 0.0]  # E2 orange; H2 overdue
    assert c.loc["140003", POINTS].tolist() == [0.0, 0.0, 2.0, 0.0]  # H4 by its own sector, overdue
    assert c["score"].tolist() == c[POINTS].sum(axis=1).tolist()
    # 丙县 is orange over all sectors (E3 red by a major hazard); not on the chemicals map.
    assert c.loc["140003", "grade"] == "blue"
    assert c.loc["140003", "grade_all"] == "orange"
    everything = a.counties.set_index("county_code")
    assert c["grade_all"].tolist() == everything.loc[c.index, "grade"].tolist()
    assert c["score_all"].tolist() == everything.loc[c.index, "score"].tolist()


def test_coal_and_fire_views_against_a_hand_computation(tiny):
    _, a = tiny
    coal = _components(View(a, Filters(sectors=("coal_mine",))))
    assert coal.loc["140001", POINTS].tolist() == [10.0, 0.0, 0.0, 10.0]  # E1 red; A4's two deaths
    assert coal.loc[["140002", "140003"], "score"].tolist() == [0.0, 0.0]
    fire = _components(View(a, Filters(sectors=("fire",))))
    assert fire.loc["140003", POINTS].tolist() == [10.0, 0.0, 10.0, 0.0]  # E3 red; H1 major
    assert fire.loc["140003", "grade"] == "orange"  # the floor: an enterprise red by a major hazard
    both = _components(View(a, Filters(sectors=("fire", "coal_mine"))))
    assert both[POINTS].to_numpy().tolist() == (coal[POINTS] + fire[POINTS]).to_numpy().tolist()


def test_road_units_count_only_with_road_transport(tiny):
    _, a = tiny
    whole = a.counties.set_index("county_code")
    road = _components(View(a, Filters(sectors=("road_transport",))))
    # Every road unit and every traffic death of the 12 months (A1: 1 death) counts; E5 is blue (0.5).
    assert road["points_roads"].tolist() == whole.loc[road.index, "points_roads"].tolist()
    assert road["points_roads"].sum() > 0
    traffic = a.accidents[(a.accidents["kind"] == "traffic") & a.accidents["in_12m"]]
    expected = (traffic.groupby("county_code")["deaths"].sum() * 5).reindex(road.index, fill_value=0)
    assert road["points_accidents"].tolist() == expected.astype(float).tolist()
    assert road.loc["140002", "points_enterprises"] == 0.5
    chem = _components(View(a, Filters(sectors=("hazardous_chemicals",))))
    assert chem["points_roads"].sum() == 0


def test_enterprise_and_unit_grades_never_change(tiny):
    _, a = tiny
    view = View(a, Filters(sectors=("coal_mine", "road_transport")))
    assert set(view.enterprises["sector"]) == {"coal_mine", "road_transport"}
    grades = a.enterprises.set_index("enterprise_id")["grade"]
    assert view.enterprises.set_index("enterprise_id")["grade"].equals(grades.loc[view.enterprises["enterprise_id"]])
    assert view.road_units["grade"].tolist() == a.road_units["grade"].tolist()


def test_grade_and_county_filters_never_re_grade(tiny, demo_assessment):
    for a, sectors in ((tiny[1], ("fire",)), (demo_assessment, ("coal_mine",))):
        for base in (None, sectors):
            plain = View(a, Filters(sectors=base)).counties.set_index("county_code")["score"]
            code = plain.index[0]
            for filters in (Filters(sectors=base, grades=("blue",)), Filters(sectors=base, counties=(code,)),
                            Filters(sectors=base, grades=("red", "orange"), counties=(code,))):
                shown = View(a, filters).counties.set_index("county_code")["score"]
                assert shown.tolist() == plain.loc[shown.index].tolist()
    # The demo's coal view is not the all-sector picture (the 云冈区 451.5).
    coal = View(demo_assessment, Filters(sectors=("coal_mine",))).counties
    assert (coal["score"] < coal["score_all"]).any()


def test_a_sector_view_says_so(tiny):
    _, a = tiny
    view = View(a, Filters(sectors=("hazardous_chemicals",)))
    assert view.regraded and view.sectors_graded == ("hazardous_chemicals",)
    assert view.title == "测试市危险化学品安全风险分布图"
    assert "按所选行业重新评估" in view.describe_filters()
    assert view.in_language("en").regraded_note == "re-graded for the selected sectors"
    # A layer that ignores the sector filter (the counties) still shows the sector grades.
    assert view.only(["counties", "grades"]).counties["score"].tolist() == view.counties["score"].tolist()
    assert not View(a, Filters(grades=("red",))).regraded
    assert "grade_all" not in View(a).counties


def test_the_html_map_heading_says_re_graded_once(tiny):
    from riskmap.export.html import heading_html

    _, a = tiny
    heading = heading_html(View(a, Filters(sectors=("hazardous_chemicals",))))
    assert heading.count("按所选行业重新评估") == 1
    assert "按所选行业重新评估" not in heading_html(View(a, Filters(grades=("red",))))


def test_sector_views_are_kept(tiny):
    _, a = tiny
    first = regraded(a, ["fire", "coal_mine"])
    assert regraded(a, ("coal_mine", "fire", "fire")) is first
    with pytest.raises(ValueError, match="sector view already"):
        regraded(first, ["fire"])


def test_the_sector_summary_counts_the_sector(tiny):
    _, a = tiny
    summary = View(a, Filters(sectors=("hazardous_chemicals",))).summary
    assert summary["enterprises"]["input"] == 1
    assert summary["hazards"]["input"] == 3  # H2, H3 of E2; H4 by its own sector
    assert summary["roads"]["units"] == 0
    assert summary["view"]["regraded"] is True and summary["view"]["sectors"] == ["hazardous_chemicals"]
    assert summary["counties"]["by_grade"] == {"red": 0, "orange": 0, "yellow": 0, "blue": 3}


def test_cli_assess_writes_the_sector_view(tiny, tmp_path, capsys):
    folder, a = tiny
    out = tmp_path / "out"
    assert main(["assess", str(folder), "--sector", "煤矿", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "测试市煤矿安全风险分布图" in printed and "按所选行业重新评估" in printed and "综合等级" in printed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["view"] == {"filters": {"sectors": ["coal_mine"]}, "sectors": ["coal_mine"], "regraded": True,
                               "period": None}
    counties = json.loads((out / "counties.geojson").read_text(encoding="utf-8"))["features"]
    by_code = {f["properties"]["county_code"]: f["properties"] for f in counties}
    whole = a.counties.set_index("county_code")
    assert by_code["140001"]["score"] == 20.0
    assert by_code["140001"]["score_all"] == whole.loc["140001", "score"] > 20.0
    assert by_code["140001"]["grade_all"] == whole.loc["140001", "grade"]
    enterprises = json.loads((out / "enterprises.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["enterprise_id"] for f in enterprises] == ["E1"]
    assert main(["assess", str(folder), "--sector", "no_such", "--out", str(out), "--quiet"]) == 2


def test_counties_not_selected_stay_drawn_in_grey(tiny):
    from riskmap.mapview import build_map

    _, a = tiny
    view = View(a, Filters(counties=("140001",), sectors=("fire",)))
    html = build_map(view).get_root().render()
    assert html.count('"type": "Feature"') >= 2  # 乙县 and 丙县 as grey outlines
    assert '"fillColor": "#e6e6e6"' in html or "#e6e6e6" in html
    plain = build_map(View(a, Filters(sectors=("fire",)))).get_root().render()
    assert "#e6e6e6" not in plain  # nothing is greyed when every county is selected


def test_every_sector_together_gives_back_the_enterprise_and_road_points(demo_assessment):
    """Each enterprise has one sector and the roads one road-traffic sector: chosen all together they score as
    the all-sector map; the hazards and accidents of no sector are the only difference (never more)."""
    a = demo_assessment
    every = View(a, Filters(sectors=a.sectors.keys)).counties.set_index("county_code")
    whole = a.counties.set_index("county_code").loc[every.index]
    for column in ("points_enterprises", "points_roads"):
        assert every[column].round(6).tolist() == whole[column].round(6).tolist()
    for column in ("points_hazards", "points_accidents", "score"):
        assert (every[column] <= whole[column] + 1e-9).all()
    per_sector = sum(View(a, Filters(sectors=(s,))).counties.set_index("county_code").loc[every.index, "points_enterprises"]
                     for s in a.sectors.keys)
    assert per_sector.round(6).tolist() == whole["points_enterprises"].round(6).tolist()


def test_a_sector_views_trend_is_graded_on_the_same_records(tiny):
    from riskmap.history import build_history
    from riskmap.sectorview import county_trend, sector_scores

    folder, _ = tiny
    history = build_history(folder, periods=3, warnings=False)
    chemicals = View(history.assessment, Filters(sectors=("hazardous_chemicals",))).counties.set_index("county_code")
    for code in chemicals.index:
        trend = county_trend(history, code, ("hazardous_chemicals",))
        assert list(trend.columns) == ["period_end", "score", "grade", "forecast"]
        assert trend["forecast"].tolist() == [False, False, False, True]
        now = trend[trend["period_end"] == history.as_of].iloc[0]
        assert now["score"] == pytest.approx(chemicals.loc[code, "score"]) and now["grade"] == chemicals.loc[code, "grade"]
        assert county_trend(history, code, None).equals(history.county_trend(code))
    # 丙县: orange over all sectors, blue on the chemicals map, and its trend says the same.
    assert county_trend(history, "140003", ("hazardous_chemicals",))["grade"].iloc[-2] == "blue"
    assert history.county_trend("140003")["grade"].iloc[-2] == "orange"
    assert sector_scores(history, ["hazardous_chemicals"]) is sector_scores(history, ("hazardous_chemicals",))
    with pytest.raises(ValueError, match="at least one sector"):
        sector_scores(history, ())


@pytest.mark.parametrize("sectors", [("hazardous_chemicals",), ("coal_mine", "road_transport"), ("construction", "fire")])
def test_only_the_counties_are_graded_again_as_a_full_grading_of_the_masked_records_would(sectors):
    """A sector view grades only the counties, on the whole workspace's numbers at that date (a mask never
    changes an enterprise's, a hazard's or a road unit's grade), and a sector trend takes the history's
    road-unit ranks: both give what grading the masked records in full gives, on four months of the demo."""
    from conftest import DEMO

    from riskmap.history import build_history
    from riskmap.pipeline import grade_at
    from riskmap.sectorview import masked_prepared, sector_scores
    from riskmap.timeline import state_at

    history = build_history(DEMO, periods=4, warnings=False)
    masked = masked_prepared(history.prepared, sectors)
    full = grade_at(masked, history.as_of).counties.set_index("county_code")
    view = View(history.with_change(history.as_of), Filters(sectors=sectors)).assessment.counties.set_index("county_code")
    columns = [*POINTS, "score", "grade", "reasons", "reason_codes", "top_contributors", "contributor_codes"]
    pd.testing.assert_frame_equal(view.loc[full.index, columns], full[columns])
    before = state_at(masked, history.previous(history.as_of)).county["grade"]
    assert view.loc[full.index, "grade_previous"].tolist() == list(before)
    assert view["grade_all"].tolist() == history.assessment.counties.set_index("county_code").loc[view.index, "grade"].tolist()
    scores, grades = sector_scores(history, sectors)
    states = [state_at(masked, end) for end in history.ends]
    states.append(state_at(masked, history.forecast_end, known_until=history.as_of))
    assert scores.tolist() == [list(s.county["score"]) for s in states]
    assert grades.tolist() == [list(s.county["grade"]) for s in states]
    assert any(len(set(s)) > 1 for s in scores.T)  # the periods differ: the comparison can fail
