"""Exports from the app (issue 10, point 7): names carry region, filters and date; every file is the view's."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pandas as pd
from PIL import Image

from riskmap import Filters, View
from riskmap.export import ExportOptions
from riskmap.outputs import download_files, file_stem


def _by_name(group):
    return {name: data for name, data, _ in group}


def _bytes(data):
    return data() if callable(data) else data


def test_file_names_carry_region_filters_and_date(demo_assessment):
    a = demo_assessment
    assert file_stem(View(a)) == "大同市_2026-10-31"
    assert file_stem(View(a, Filters(sectors=("coal_mine",)))) == "大同市_煤矿_2026-10-31"
    code = a.counties["county_code"].iloc[0]
    name = a.county_names[code]
    stem = file_stem(View(a, Filters(sectors=("coal_mine", "fire"), counties=(code,), grades=("red", "orange"))))
    assert stem == f"大同市_煤矿+消防_{name}_重大风险+较大风险_2026-10-31"
    assert file_stem(View(a, Filters(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)))) \
        == "大同市_2026-01-01~2026-06-30_2026-10-31"
    assert file_stem(View(a, lang="en")) == "大同市_2026-10-31"
    assert file_stem(View(a, Filters(sectors=("coal_mine",)), lang="en")) == "大同市_coal_mines_2026-10-31"


def test_unsafe_characters_and_long_names(demo_assessment):
    import dataclasses

    odd = dataclasses.replace(demo_assessment, info=dataclasses.replace(demo_assessment.info, region='a/b\\c:d*e?"f<g>h|i j'))
    assert file_stem(View(odd)) == "a_b_c_d_e_f_g_h_i_j_2026-10-31"
    long = dataclasses.replace(demo_assessment, info=dataclasses.replace(demo_assessment.info, region="很长的地区名" * 5))
    stem = file_stem(View(long, Filters(counties=tuple(demo_assessment.counties["county_code"]))))
    assert len(stem.encode("utf-8")) <= 132 and "…" in stem and stem.endswith("_2026-10-31")


def test_every_download_follows_the_filters(demo_assessment):
    view = View(demo_assessment, Filters(sectors=("coal_mine",)))
    stem = file_stem(view)
    files, exports = download_files(view, ["counties", "enterprises"], stem)
    names = _by_name(files)
    assert all(name.startswith(f"{stem}_") for name in names)
    assert {name for name, _, _ in exports} == {f"{stem}.{fmt}" for fmt in ("png", "pdf", "svg", "html", "xlsx", "docx")}
    summary = json.loads(_bytes(names[f"{stem}_summary.json"]))
    assert summary["view"]["regraded"] and summary["enterprises"]["input"] == len(view.enterprises)
    archive = zipfile.ZipFile(io.BytesIO(_bytes(names[f"{stem}_outputs.zip"])))
    inside = json.loads(archive.read("summary.json"))
    assert inside == summary  # the zip's summary is the view's
    unassigned = pd.read_csv(io.BytesIO(archive.read("unassigned.csv")), encoding="utf-8-sig")
    assert len(unassigned) == len(view.unassigned) < len(demo_assessment.unassigned)
    enterprises = json.loads(archive.read("enterprises.geojson"))["features"]
    assert {f["properties"]["sector"] for f in enterprises} == {"coal_mine"}


def test_export_options_reach_the_printed_map(demo_assessment):
    view = View(demo_assessment, Filters(sectors=("coal_mine",)))
    stem = file_stem(view)
    options = ExportOptions(paper="A4", orientation="portrait", dpi=60, title="自定标题")
    _, exports = download_files(view, ["counties"], stem, options=options)
    png = Image.open(io.BytesIO(_bytes(_by_name(exports)[f"{stem}.png"])))
    width, height = png.size
    assert height > width and abs(width - round(210 / 25.4 * 60)) <= 2
    svg = _bytes(_by_name(exports)[f"{stem}.svg"]).decode("utf-8")
    assert "自定标题" in svg or "自" in svg
