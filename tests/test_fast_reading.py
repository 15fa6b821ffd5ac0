"""Reading in Arrow (issue 13): every fast path gives what the per-cell rule gives.

The vectorised paths of :mod:`riskmap.io.cells` take the plain cells (ASCII codes,
plain decimals, ISO dates) and leave the rest to the Python rules.  These tests hold
each path to its rule on cells chosen to tell them apart, and read whole workspaces
whose columns pyarrow types for most cells but not all (GBK, Chinese and English
column names, title rows, dates in many forms) with the fast paths and without them:
the datasets, every problem (row, column, value, message) and every row left out
must be the same.
"""

from __future__ import annotations

import messy_cells
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from riskmap.errors import InputError
from riskmap.io import cells, dates, readers, values
from riskmap.io.identifiers import normal_code, normal_codes
from riskmap.io.workspace import load_workspace
from riskmap.schema import EMPTY

CODES = ["e1", " E 1 ", "91140200MA0K12345X", "91140200ma0k12345x", "91140200ma0k12345", "\x0b x\x1c", "", "  ", "９１",
         "a\u3000b", "ABC\tDEF", None, "ß" * 18, "x\x85y", "0012", "e\u00a01", "Ｅ１２３", "9114020 0MA0K1234 5X"]
NUMBERS = ["-0", "-0.0", "0", "+0", "1.", ".5", "+.5", "-.5", "007", "1e5", "1E-3", "inf", "-inf", "nan", " 3", "3 ", "1,200",
           "１２", "+5", "-", ".", "+.", "", "abc", "123456789012345", "123456789012345.123456789012345", "0.1", "2.675",
           "113.230799", "9007199254740993", "1" * 400, "0x10", "1_000", "٣", "1.5.2", None]
DATES = ["2026-02-30", "2026-02-28", "2024-02-29", "2023-02-29", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01",
         "9999-12-31", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01", "2026-1-05", " 2026-01-05", "2026-04-31",
         "2026/1/5", "2026年1月5日", "20260105", "26-1-5", "03/04/2026", "13/04/2026", "45000", "someday", "", None,
         "２０２６-０１-０５", "2026-01-05 08:30", "2026-01-05T08:30:00"]


def test_codes_in_arrow_are_the_rule_of_each_code():
    series = pd.Series(CODES * 3, dtype=object)
    assert normal_codes(series).tolist() == [normal_code(v) for v in series]
    as_strings = pd.Series(CODES, dtype="str")  # a CSV column as pyarrow gives it
    assert normal_codes(as_strings).tolist() == [normal_code(v) if isinstance(v, str) else None for v in as_strings]


def test_a_code_column_that_is_not_text_keeps_its_rule():
    mixed = pd.Series([140212.0, "E1", None, b"x"], dtype=object)
    assert cells.arrow_strings(mixed) is None
    assert normal_codes(mixed).tolist() == [normal_code(v) for v in [140212.0, "E1"]] + [None, normal_code(b"x")]


def test_plain_numbers_in_arrow_are_what_to_numeric_reads():
    rng = np.random.default_rng(13)
    many = NUMBERS + [f"{v:.{int(d)}f}" for v, d in zip(rng.uniform(-200, 200, 5000), rng.integers(0, 15, 5000))]
    raw = pd.Series(many, dtype=object)
    fast = values.parse_numbers(raw).to_numpy()
    rule = values._parse_numbers_python(raw).to_numpy()
    assert np.array_equal(np.isnan(fast), np.isnan(rule))
    present = ~np.isnan(rule)
    assert np.array_equal(fast[present], rule[present])
    assert np.array_equal(np.signbit(fast[present]), np.signbit(rule[present]))  # -0.0 stays -0.0


def test_iso_dates_in_arrow_are_what_the_rules_read():
    rng = np.random.default_rng(31)
    many = DATES + [f"{y}-{m:02d}-{d:02d}" for y, m, d in zip(rng.integers(1890, 2110, 3000), rng.integers(0, 14, 3000),
                                                              rng.integers(0, 33, 3000))]
    series = pd.Series(many, dtype="str")
    fast = dates.parse_dates(series)
    rule = dates._parse_rules(series)
    pd.testing.assert_series_equal(fast.values, rule.values)
    assert fast.problem.tolist() == rule.problem.tolist()
    assert fast.placeholder.tolist() == rule.placeholder.tolist()
    assert "impossible" in fast.problem.tolist() and "out_of_range" in fast.problem.tolist()
    every = dates.parse_dates(pd.Series(["2026-06-30", "2026-07-01"], dtype=object))  # all taken by pyarrow
    assert every.problem.tolist() == [None, None] and dates.to_date("2026-06-30").isoformat() == "2026-06-30"


def test_datetime_columns_keep_their_time_of_day_and_print_as_pandas_does():
    stamps = pd.Series(pd.to_datetime(["2025-05-08 13:20:07", None, "1950-02-03 00:00:00", "2025-05-08 13:20:00.5"], format="ISO8601"))
    parsed = dates.parse_dates(stamps.iloc[:3])
    assert parsed.values.tolist()[0] == pd.Timestamp("2025-05-08 13:20:07")
    assert values.text(stamps).tolist() == [values.one_text(v) for v in stamps]
    assert values.text(stamps.iloc[:3].astype("datetime64[us]")).tolist() == ["2025-05-08 13:20:07", None, "1950-02-03 00:00:00"]


def _text_rule(series: pd.Series) -> list:
    """The text rule as pandas' string methods applied it before issue 13."""
    stripped = series.astype(object).str.strip()
    stripped = stripped.str.replace(values.CONTROL_CHARACTERS, "", regex=True)
    empty = stripped.isna() | stripped.str.lower().isin(EMPTY)
    return np.where(empty.to_numpy(), None, stripped.to_numpy(dtype=object)).tolist()


def test_text_in_arrow_is_the_text_rule():
    cells_ = ["NaN", "NULL", "None", "nAt", "<NA>", "<na>", "无数据", "—", "-", "--", " - ", "\x0bX", "a\x01b", "\u3000甲\u3000",
              " ", "", None, "null!", "Nullable", "x\x7f", "\u2028y\u2028", "正常"]
    for dtype in (object, "str"):
        series = pd.Series(cells_, dtype=dtype)
        assert values.text(series).tolist() == _text_rule(series), dtype


@pytest.fixture
def slow(monkeypatch):
    """Reading with every fast path taking nothing: the Python rules alone."""
    def no_codes(array):
        return pa.nulls(len(array), array.type), np.flatnonzero(array.is_valid().to_numpy(zero_copy_only=False))

    def no_numbers(array):
        return np.full(len(array), np.nan), array.is_valid().to_numpy(zero_copy_only=False)

    def no_dates(array):
        return np.full(len(array), np.datetime64("NaT"), dtype="datetime64[ns]"), np.zeros(len(array), dtype=bool)

    monkeypatch.setattr(cells, "normal_codes_fast", no_codes)
    monkeypatch.setattr(cells, "plain_numbers", no_numbers)
    monkeypatch.setattr(cells, "iso_dates", no_dates)
    monkeypatch.setattr(values, "arrow_text", lambda series: None)
    monkeypatch.setattr(values, "_datetime_text", lambda series: pd.Series([values.one_text(v) for v in series],
                                                                           index=series.index, dtype=object))
    monkeypatch.setattr(readers, "_starts_as_utf8", lambda raw: False)


def _read(folder, **options) -> dict:
    try:
        ws = load_workspace(folder, **options)
    except InputError as exc:
        return {"error": [(p.severity, p.file, p.row, p.column, p.value, p.message) for p in exc.problems]}
    return {"datasets": {k: v.to_wkb() for k, v in ws.datasets.items()},
            "problems": [(p.severity, p.file, p.row, p.column, p.value, p.message) for p in ws.problems],
            "skipped": [(s.dataset, s.row, s.id, str(s.error)) for s in ws.skipped]}


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if key == "datasets":
            assert a[key].keys() == b[key].keys()
            for name in a[key]:
                pd.testing.assert_frame_equal(a[key][name], b[key][name], check_exact=True)
        else:
            assert a[key] == b[key], key


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    return messy_cells.write_messy_workspace(tmp_path_factory.mktemp("messy"), rows=600)


@pytest.mark.parametrize("skip", [False, True], ids=["errors", "skip-bad-rows"])
def test_a_messy_workspace_reads_the_same_with_and_without_the_fast_paths(messy, request, skip):
    fast = _read(messy, skip_bad_rows=skip)
    request.getfixturevalue("slow")
    _same(fast, _read(messy, skip_bad_rows=skip))


def test_english_messages_are_the_same_with_and_without_the_fast_paths(tmp_path, request):
    folder = messy_cells.write_messy_workspace(tmp_path, rows=120, language="en")
    fast = _read(folder)
    request.getfixturevalue("slow")
    _same(fast, _read(folder))


def test_bad_cells_among_plain_ones_are_each_named(messy):
    with pytest.raises(InputError) as caught:
        load_workspace(messy)
    found = {(p.file, p.row, p.column, p.value) for p in caught.value.problems}
    # Row numbers as a spreadsheet shows them: the CSV header is row 1, the workbook's header row 3;
    # a plain Parquet table counts its records from 1.
    assert not any(p[:3] == ("enterprises.csv", 12, "employees") for p in found)  # １２０ is a number
    assert ("enterprises.csv", 18, "lec_c", "abc") in found
    assert ("enterprises.csv", 92, "lon", "abc") in found
    assert ("hazards.xlsx", 38, "found_date", "2026-02-30") in found
    assert ("accidents.parquet", 30, "date", "03/04/2026") in found


def test_every_row_of_a_messy_workspace_is_read_or_listed(messy):
    ws = load_workspace(messy, skip_bad_rows=True)
    left_out = {}
    for s in ws.skipped:
        left_out[s.dataset] = left_out.get(s.dataset, 0) + 1
    for dataset in ("enterprises", "accidents", "hazards"):
        assert len(ws.datasets[dataset]) + left_out.get(dataset, 0) == 600, dataset
    hazards = ws.datasets["hazards"].set_index("hazard_id")
    assert hazards.loc["H5", "found_date"] == pd.Timestamp("2026-01-05")  # 2026年1月5日
    assert hazards.loc["H10", "found_date"] == pd.Timestamp("2026-09-01")  # 2026.9.1
    assert hazards.loc["H45", "found_date"] == pd.Timestamp("2026-10-18")  # an Excel date cell
    assert hazards.loc["H15", "found_date"] == pd.Timestamp("2026-01-05")  # 20260105
    enterprises = ws.datasets["enterprises"].set_index("enterprise_id")
    assert {"E7", "e14", "e21", "AB28", "e35"} <= set(enterprises.index)  # Ｅ7, e\x0b14, e21\u3000, ＡＢ28, " e35 "
    assert enterprises.loc["E11", "employees"] == 120  # １２０
