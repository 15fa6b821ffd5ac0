"""Filters act on every layer alike, and the headline figures follow them."""

from __future__ import annotations

from datetime import date

from riskmap.filters import Filters, apply_filters, headline


def test_no_filter_returns_the_assessment(demo_assessment):
    assert apply_filters(demo_assessment, Filters()) is demo_assessment
    assert not Filters().active


def test_sector_filter(demo_assessment):
    shown = apply_filters(demo_assessment, Filters(sectors=("coal_mine",)))
    assert set(shown.enterprises["sector"]) == {"coal_mine"}
    assert set(shown.hazards["sector"]) <= {"coal_mine"}
    # Road units and traffic accidents belong to road transport only.
    assert len(shown.road_units) == 0
    assert (shown.accidents["kind"] == "production").all()
    roads = apply_filters(demo_assessment, Filters(sectors=("road_transport",)))
    assert len(roads.road_units) == len(demo_assessment.road_units)
    # Counties stay (their grade is the assessment's), the figures follow the filter.
    assert len(shown.counties) == len(demo_assessment.counties)
    figures = headline(shown)
    assert sum(figures["enterprises_by_grade"].values()) == len(shown.enterprises)
    assert figures["accident_prone_units"] == 0


def test_county_filter_applies_to_every_layer(demo_assessment):
    code = demo_assessment.counties["county_code"].iat[0]
    shown = apply_filters(demo_assessment, Filters(counties=(code,)))
    for frame in (shown.counties, shown.enterprises, shown.road_units, shown.accidents, shown.hazards):
        assert set(frame["county_code"]) <= {code}
    assert len(shown.enterprises) == (demo_assessment.enterprises["county_code"] == code).sum()


def test_grade_filter(demo_assessment):
    shown = apply_filters(demo_assessment, Filters(grades=("red",)))
    assert set(shown.enterprises["grade"]) == {"red"}
    assert set(shown.road_units["grade"]) == {"red"}
    assert headline(shown)["enterprises_by_grade"]["blue"] == 0


def test_status_and_time_window(demo_assessment):
    shown = apply_filters(demo_assessment, Filters(hazard_statuses=("closed",)))
    assert set(shown.hazards["status"]) == {"closed"}
    assert headline(shown)["overdue_hazards"] == 0
    window = apply_filters(demo_assessment, Filters(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)))
    assert window.accidents["date"].between("2026-01-01", "2026-06-30").all()
    assert len(window.accidents) < len(demo_assessment.accidents)


def test_headline_matches_the_summary(demo_assessment):
    figures = headline(demo_assessment)
    s = demo_assessment.summary
    assert figures["counties_by_grade"] == s["counties"]["by_grade"]
    assert figures["enterprises_by_grade"] == s["enterprises"]["by_grade"]
    assert figures["overdue_hazards"] == s["hazards"]["overdue"]
    assert figures["open_major_hazards"] == s["hazards"]["major_open"]
    assert figures["accident_prone_units"] == s["roads"]["accident_prone_units"]
    assert figures["deaths_12m"] == int(demo_assessment.counties["deaths_12m"].sum()) + int(
        demo_assessment.accidents.loc[demo_assessment.accidents["county_code"].isna() & demo_assessment.accidents["in_12m"], "deaths"].sum())


def test_describe(demo_assessment):
    text = Filters(sectors=("coal_mine",), grades=("red",)).describe("zh")
    assert "煤矿" in text and "重大风险" in text
    assert "coal mines" in Filters(sectors=("coal_mine",)).describe("en")
