"""The View (filter once, any language), reasons as data, and the spatial/grading seam (issue 8)."""

from __future__ import annotations

import io
import json

import docx
import numpy as np
import pandas as pd
import pytest

import riskmap
from riskmap import View
from riskmap.export import ExportOptions, export_bytes
from riskmap.filters import Filters, apply_filters
from riskmap.reasons import Reason, from_json, render, render_column


@pytest.fixture(scope="module")
def english(demo_path):
    return riskmap.assess(demo_path, language="en")


def test_a_view_puts_the_reasons_in_its_language_without_grading_again(demo_assessment, english):
    view = View(demo_assessment, lang="en")
    for dataset, columns in (("enterprises", ["reasons"]), ("road_units", ["reasons"]),
                             ("counties", ["reasons", "top_contributors"])):
        for column in columns:
            assert view.frame(dataset)[column].tolist() == getattr(english, dataset)[column].tolist(), (dataset, column)
    assert view.unassigned["reason"].tolist() == english.unassigned["reason"].tolist()
    assert [p.message for p in view.problems] == [p.message for p in english.problems]
    # The assessment itself is untouched, and back in Chinese the words are the assessment's own.
    assert demo_assessment.counties["top_contributors"].str.contains("分").all()
    assert View(demo_assessment, lang="zh").counties is not None
    assert view.in_language("zh").counties["top_contributors"].tolist() == demo_assessment.counties["top_contributors"].tolist()


def test_a_sector_view_in_english_shares_the_whole_assessments_english_records(demo_path, english):
    """A sector view's records are the whole assessment's (only its counties are graded again): in English
    their reasons are rendered once for both, and its counties' own reasons are in English too."""
    from riskmap.history import build_history
    from riskmap.view import translated

    history = build_history(demo_path, periods=2, warnings=False)
    whole = View(history.assessment, lang="en")
    sector = View(history.assessment, Filters(sectors=("hazardous_chemicals",)), lang="en")
    for dataset in ("enterprises", "road_units", "hazards"):
        assert getattr(translated(sector.assessment, "en"), dataset) is getattr(translated(history.assessment, "en"), dataset)
    shown = sector.enterprises.set_index("enterprise_id")["reasons"]
    assert shown.tolist() == english.enterprises.set_index("enterprise_id").loc[shown.index, "reasons"].tolist()
    assert len(shown) and whole.enterprises["reasons"].str.contains("[A-Za-z]").all()
    assert not sector.counties["reasons"].str.contains("[\u4e00-\u9fff]").any()


def test_reasons_are_codes_with_parameters(demo_assessment):
    red = demo_assessment.enterprises[demo_assessment.enterprises["grade"] == "red"]
    codes = red["reason_codes"].iloc[0]
    assert isinstance(codes, tuple) and all(isinstance(c, Reason) for c in codes)
    assert codes[0].rule in ("lec", "matrix", "baseline")
    assert render(codes, "zh") == red["reasons"].iloc[0]
    assert render_column(red["reason_codes"], "zh").tolist() == red["reasons"].tolist()
    top = demo_assessment.counties["contributor_codes"].iloc[0]
    assert top[0].as_dict()["rule"] in ("enterprise_points", "road_points", "hazard_points", "death_points")
    assert Reason.of("open_major_hazard", count=2, grade="red").as_dict() == {"rule": "open_major_hazard", "count": 2,
                                                                             "grade": "red"}


def test_geojson_keeps_the_words_and_adds_the_codes(demo_assessment, tmp_path):
    from riskmap.outputs import write_outputs

    write_outputs(demo_assessment, tmp_path)
    enterprises = json.loads((tmp_path / "enterprises.geojson").read_text(encoding="utf-8"))["features"]
    props = next(f["properties"] for f in enterprises if f["properties"]["grade"] == "red")
    assert props["reasons"] and props["reasons"] == render(from_json(props["reason_codes"]), "zh")
    counties = json.loads((tmp_path / "counties.geojson").read_text(encoding="utf-8"))["features"]
    assert json.loads(counties[0]["properties"]["contributor_codes"])[0]["rule"].endswith("_points")
    assert list(pd.read_csv(tmp_path / "unassigned.csv", encoding="utf-8-sig").columns) == ["dataset", "id", "reason"]


def test_a_briefing_filters_once(demo_assessment, monkeypatch):
    import riskmap.view

    calls = []

    def counting(assessment, filters):
        calls.append(filters)
        return apply_filters(assessment, filters)

    monkeypatch.setattr(riskmap.view, "apply_filters", counting)
    data = export_bytes(demo_assessment, "docx", filters=Filters(sectors=("coal_mine",)), lang="en",
                        options=ExportOptions(dpi=50))
    assert len(calls) == 1
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "filtered data" in text and "coal mines" in text


def test_export_options_travel_together(demo_assessment):
    from PIL import Image

    options = ExportOptions(paper="A4", orientation="portrait", dpi=60, title="T", layers=("counties",))
    image = Image.open(io.BytesIO(export_bytes(View(demo_assessment), "png", options=options)))
    assert image.size == options.pixels == (496, 702)
    with pytest.raises(TypeError, match="unknown export option"):
        ExportOptions.of(options, papr="A3")
    with pytest.raises(ValueError, match="filtered already"):
        export_bytes(View(demo_assessment, Filters(grades=("red",))), "png", filters=Filters(grades=("blue",)))


def test_grading_at_a_date_repeats_only_the_grading(demo_path, demo_assessment):
    prepared = riskmap.prepare(demo_path)
    first = riskmap.grade_at(prepared)
    again = riskmap.grade_at(prepared)  # a Prepared is never changed by grading it
    for name in ("counties", "enterprises", "road_units", "hazards", "accidents"):
        a, b, c = (getattr(x, name).drop(columns="geometry") for x in (first, again, demo_assessment))
        pd.testing.assert_frame_equal(a, b)
        pd.testing.assert_frame_equal(a, c)
    assert first.summary == demo_assessment.summary
    with pytest.raises(ValueError, match="outside the prepared horizon"):
        riskmap.grade_at(prepared, prepared.info.as_of.replace(year=2020))


def test_a_wider_horizon_grades_earlier_dates(demo_path, demo_assessment):
    from datetime import date

    as_of = demo_assessment.info.as_of
    earlier = date(as_of.year - 1, as_of.month, min(as_of.day, 28))
    prepared = riskmap.prepare(demo_path, horizon=(earlier, as_of))
    now = riskmap.grade_at(prepared)
    assert now.summary == demo_assessment.summary  # the same grades at as_of, more accidents snapped
    then = riskmap.grade_at(prepared, earlier)
    assert then.summary["as_of"] == earlier.isoformat()
    window = then.accidents["in_window"].to_numpy()
    assert (then.accidents.loc[window, "date"] <= pd.Timestamp(earlier)).all()
    assert np.isfinite(then.counties["score"]).all()


def test_switching_the_page_language_never_assesses_again(monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[1] / "app.py")
    monkeypatch.delenv("RISKMAP_WORKSPACE", raising=False)
    at = AppTest.from_file(app, default_timeout=180).run()
    assert not at.exception
    calls = []
    real = riskmap.assess
    monkeypatch.setattr(riskmap, "assess", lambda *a, **k: calls.append(a) or real(*a, **k))
    at.sidebar.radio(key="lang").set_value("English").run()
    assert not at.exception
    at.sidebar.radio(key="lang").set_value("中文").run()
    assert not at.exception and calls == []


def test_the_page_renders_the_other_language_after_the_first_map_so_a_switch_renders_no_record_again(monkeypatch, demo_assessment):
    """After the first map the page renders the assessment's words in the other language too (a thread of its
    own, once per workspace content): switching language then renders at most the counties' words again."""
    import threading
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    import riskmap.view

    app = str(Path(__file__).resolve().parents[1] / "app.py")
    monkeypatch.delenv("RISKMAP_WORKSPACE", raising=False)
    at = AppTest.from_file(app, default_timeout=180).run()
    assert not at.exception
    for thread in threading.enumerate():
        if thread.name == "riskmap-languages":
            thread.join(timeout=120)
    rendered = []
    real = riskmap.view.render_column
    monkeypatch.setattr(riskmap.view, "render_column", lambda codes, lang: rendered.append((len(codes), lang)) or real(codes, lang))
    at.sidebar.radio(key="lang").set_value("English").run()
    assert not at.exception
    assert "major risk" in " ".join(m.value for m in at.markdown)  # the page is in English
    assert all(n <= len(demo_assessment.counties) for n, _ in rendered), rendered
