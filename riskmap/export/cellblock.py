"""A block of cells written column-wise into an xlsxwriter worksheet (issue 13).

xlsxwriter keeps every cell as a Python object and writes its XML one cell at a time:
about 10 µs a cell, 20 s for the 1.9 million cells of a province's register. Here the
cells of a table's body are given a column at a time (numbers, texts, a format per
cell) and their XML is built by polars, column-wise, when the workbook is closed;
the worksheet's other rows (header, titles, notes) are xlsxwriter's own, as are the
formats, widths, panes, filters and print setup, and the shared string table the
texts go into.

:class:`BlockSheet` is the worksheet class to pass to
``Workbook.add_worksheet(name, worksheet_class=BlockSheet)``; its
:meth:`~BlockSheet.write_block` takes :class:`BlockColumn` objects. The XML is what
xlsxwriter writes for the same ``write_string``/``write_number``/``write_blank``
calls: texts in the shared string table (each distinct text once, escaped by
xlsxwriter, 32,767 UTF-16 units at most), numbers and dates as numbers (shortest
round-trip text, so a value reads back exactly), blanks with their format. It relies
on private parts of xlsxwriter (``Worksheet._write_rows``, ``_check_dimensions``,
``str_table``), pinned in ``requirements.lock`` and checked by
``tests/test_cellblock.py`` (the same cells, read back, as xlsxwriter's cell by cell).
"""

from __future__ import annotations

import threading
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter.workbook
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

#: Rows rendered at a time: bounds the XML held in memory (about 10 MB a chunk).
ROWS_PER_CHUNK = 20_000
#: Excel's limit on a cell's text, in UTF-16 code units.
MAX_TEXT = 32_767
#: A column whose distinct texts are more than this share of its texts is written inline.
INLINE_SHARE = 0.5
_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (1900 date system, after 1900-03-01)
#: Deflate level of the workbook's parts. Level 1 deflates a province's 80 MB of sheet XML in a
#: third of level 6's time (0.46 s against 1.6 s) for a file a third larger (12.6 MB against 9.4 MB).
ZIP_LEVEL = 1


class _QuickZipFile(zipfile.ZipFile):
    """xlsxwriter's zip file with :data:`ZIP_LEVEL` as the deflate level of every part."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(*args, **kwargs)


_ZIP_SWAP = threading.Lock()


class QuickWorkbook(xlsxwriter.workbook.Workbook):
    """An xlsxwriter workbook whose parts are deflated at :data:`ZIP_LEVEL` (xlsxwriter offers no option).

    xlsxwriter makes its zip file with the name ``ZipFile`` of its own module; while a
    workbook is stored, that name is this module's level-1 zip file. A workbook of
    someone else's stored at the same moment is deflated at level 1 too, which changes
    its size only.
    """

    def _store_workbook(self) -> None:
        with _ZIP_SWAP:
            original, xlsxwriter.workbook.ZipFile = xlsxwriter.workbook.ZipFile, _QuickZipFile
            try:
                super()._store_workbook()
            finally:
                xlsxwriter.workbook.ZipFile = original


@dataclass
class BlockColumn:
    """The body cells of one column.

    Attributes
    ----------
    texts
        Text cells (object array, ``None`` where the cell is not text).
    numbers
        Number cells (float array, NaN where the cell is not a number); Excel dates as
        day serials (:func:`excel_serial`).
    formats
        The xlsxwriter formats the column uses.
    format_of
        Per cell, the index into ``formats`` of its format; a cell neither text nor a
        finite number is written blank with that format.
    """

    texts: np.ndarray | None
    numbers: np.ndarray | None
    formats: list[Any]
    format_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    def __len__(self) -> int:
        return len(self.format_of)


def excel_serial(stamps: pd.Series) -> np.ndarray:
    """Excel serials (1900 date system: days, time of day as the fraction) of timestamps; NaN where missing.

    Time-zone aware stamps keep their wall-clock time, as ``write_datetime`` of a naive
    ``datetime`` does.
    """
    values = pd.to_datetime(stamps, errors="coerce")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    moments = values.to_numpy(dtype="datetime64[ns]")
    missing = pd.isna(values).to_numpy()
    serial = (moments - _EPOCH.astype("datetime64[ns]")).astype(np.int64) / 86_400e9
    serial[missing] = np.nan
    # Excel counts a phantom 1900-02-29, so its serials before 1900-03-01 are one lower.
    serial[~missing & (moments < np.datetime64("1900-03-01", "ns"))] -= 1
    return serial


class BlockSheet(Worksheet):
    """An xlsxwriter worksheet that also takes blocks of cells column-wise."""

    def __init__(self) -> None:
        super().__init__()
        self._blocks: list[tuple[int, int, list[tuple[BlockColumn, tuple]]]] = []

    def write_block(self, first_row: int, first_col: int, columns: list[BlockColumn]) -> None:
        """Put a block of cells at ``(first_row, first_col)``: one column per item.

        The rows of the block hold nothing else (no cell written by xlsxwriter, no
        ``set_row``); the block is rendered when the workbook is closed.
        """
        height = max((len(c) for c in columns), default=0)
        if any(len(c) != height for c in columns):
            raise ValueError("the columns of a block must have the same length")
        if not height:
            return
        if self._check_dimensions(first_row + height - 1, first_col + len(columns) - 1):
            raise ValueError(f"a block of {height} rows from row {first_row + 1} is beyond Excel's "
                             f"{self.xls_rowmax:,} rows")
        self._check_dimensions(first_row, first_col)
        # Texts go into the shared string table now: the workbook sorts it before the sheets are written.
        self._blocks.append((first_row, first_col, [(c, self._string_indices(c)) for c in columns]))

    def _string_indices(self, column: BlockColumn) -> tuple[np.ndarray, np.ndarray | None]:
        """Per cell, the shared string index of its text (-1 where the cell is not text or is inline); and
        the inline texts, truncated as ``write_string`` truncates them.

        Texts that repeat (labels, names, grades) go into the shared string table, once each; a column
        of texts mostly distinct (identifiers, descriptions) is written inline (``t="inlineStr"``, as
        xlsxwriter's ``constant_memory`` mode writes every text): the table would only add an index per
        cell and a Python call per text.
        """
        indices = np.full(len(column), -1, dtype=np.int64)
        if column.texts is None:
            return indices, None
        present = np.flatnonzero(pd.notna(column.texts))
        if not present.size:
            return indices, None
        codes, distinct = pd.factorize(column.texts[present])
        shown = np.array([_truncated(str(text)) for text in distinct], dtype=object)
        # Texts with control characters or a literal _xHHHH_ always go to the table: readers decode the
        # _xHHHH_ escapes of shared strings alike, not all of them those of inline strings.
        shared = _escapes(shown) | (len(distinct) <= INLINE_SHARE * len(present))
        table = self.str_table
        where = np.full(len(distinct), -1, dtype=np.int64)
        where[shared] = [table._get_shared_string_index(text) for text in shown[shared]]
        uses = np.bincount(codes, minlength=len(distinct))[shared]
        table.count += int(uses.sum() - shared.sum())  # every use counts, as write_string counts them
        indices[present] = where[codes]
        if shared.all():
            return indices, None
        inline = np.full(len(column), None, dtype=object)
        inline[present] = np.where(shared, None, shown)[codes]
        return indices, inline

    # xlsxwriter calls this for the <sheetData> of the sheet when the workbook closes.
    def _write_rows(self) -> None:
        if not self._blocks:
            super()._write_rows()
            return
        low, high = self.dim_rowmin, self.dim_rowmax
        spans = sorted(((first, first + len(cols[0][0]) - 1, first_col, cols) for first, first_col, cols in self._blocks),
                       key=lambda span: span[0])
        start = low
        try:
            for first, last, first_col, columns in spans:
                clash = [r for r in range(first, last + 1) if self.table.get(r) or r in self.row_info]
                if clash:
                    raise ValueError(f"row {clash[0] + 1} has cells of its own inside a block of cells")
                if start <= first - 1:
                    self.dim_rowmin, self.dim_rowmax = start, first - 1
                    super()._write_rows()
                self._write_block_rows(first, first_col, columns)
                start = last + 1
            if start <= high:
                self.dim_rowmin, self.dim_rowmax = start, high
                super()._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = low, high

    def _write_block_rows(self, first: int, first_col: int, columns: list[tuple[BlockColumn, tuple]]) -> None:
        import polars as pl

        height = len(columns[0][0])
        letters = [xl_col_to_name(first_col + j) for j in range(len(columns))]
        # Formats get their index when first written, as xlsxwriter's own cells do.
        styles = [np.array([f._get_xf_index() for f in c.formats] or [0], dtype=np.int64) for c, _ in columns]
        for start in range(0, height, ROWS_PER_CHUNK):
            stop = min(start + ROWS_PER_CHUNK, height)
            rows = pl.Series("r", np.arange(first + start + 1, first + stop + 1, dtype=np.int64)).cast(pl.String)
            cells = [_cell_xml(c, strings, letters[j], rows, styles[j], start, stop)
                     for j, (c, strings) in enumerate(columns)]
            frame = pl.DataFrame({"r": rows, **{f"c{j}": cell for j, cell in enumerate(cells)}})
            xml = frame.select(pl.concat_str([pl.lit('<row r="'), pl.col("r"), pl.lit('">'),
                                              *[pl.col(f"c{j}") for j in range(len(cells))], pl.lit("</row>")],
                                             ignore_nulls=True).str.join("")).item()
            self.fh.write(xml)


def _truncated(text: str) -> str:
    """A text cut to Excel's 32,767 UTF-16 units, as ``write_string`` cuts it."""
    if len(text) > MAX_TEXT // 2 and _utf16_len(text) > MAX_TEXT:
        return _utf16_truncate(text, MAX_TEXT)
    return text


def _cell_xml(column: BlockColumn, strings: tuple, letter: str, rows, styles: np.ndarray, start: int, stop: int):
    """The ``<c>`` elements of one column for rows ``start:stop`` (a polars String Series)."""
    import polars as pl

    n = stop - start
    shared, inline = strings
    style = styles[column.format_of[start:stop]] if len(column.formats) else np.zeros(n, dtype=np.int64)
    numbers = column.numbers[start:stop] if column.numbers is not None else np.full(n, np.nan)
    index = shared[start:stop]
    is_shared = index >= 0
    texts = inline[start:stop] if inline is not None else None
    is_inline = pd.notna(texts) if texts is not None else np.zeros(n, dtype=bool)
    is_number = ~is_shared & ~is_inline & np.isfinite(numbers)
    frame = pl.DataFrame({
        "row": rows, "s": pl.Series(style).cast(pl.String), "i": pl.Series(index).cast(pl.String),
        "v": pl.Series(np.where(is_number, numbers, 0.0)).cast(pl.String),
        "t": _escaped(texts if texts is not None else np.full(n, None, dtype=object)),
        "is_shared": is_shared, "is_inline": is_inline, "is_number": is_number,
    })
    head = pl.concat_str([pl.lit(f'<c r="{letter}'), pl.col("row"), pl.lit('" s="'), pl.col("s"), pl.lit('"')])
    keep = pl.col("t").str.contains(r"^\s|\s$").fill_null(False)
    body = (pl.when(pl.col("is_shared")).then(pl.concat_str([pl.lit(' t="s"><v>'), pl.col("i"), pl.lit("</v></c>")]))
            .when(pl.col("is_inline"))
            .then(pl.concat_str([pl.lit(' t="inlineStr"><is><t'),
                                 pl.when(keep).then(pl.lit(' xml:space="preserve"')).otherwise(pl.lit("")),
                                 pl.lit(">"), pl.col("t"), pl.lit("</t></is></c>")]))
            .when(pl.col("is_number")).then(pl.concat_str([pl.lit("><v>"), pl.col("v"), pl.lit("</v></c>")]))
            .otherwise(pl.lit("/>")))
    return frame.select(pl.concat_str([head, body]).alias("c")).to_series()


def _escapes(texts: np.ndarray) -> np.ndarray:
    """Which texts hold a control character or a literal ``_xHHHH_`` (both written as ``_xHHHH_`` escapes)."""
    import polars as pl
    import pyarrow as pa

    if not len(texts):
        return np.zeros(0, dtype=bool)
    series = pl.Series(pa.array(texts, type=pa.large_string()))
    return series.str.contains(r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f]").fill_null(False).to_numpy()


def _escaped(texts: np.ndarray):
    """Inline texts (none with control characters) with ``&<>`` as XML entities, as xlsxwriter writes them."""
    import polars as pl
    import pyarrow as pa

    text = pl.Series("t", pa.array(texts, type=pa.large_string()))
    return (text.str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True))
