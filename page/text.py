"""Words and boxes shared by the page's sections: page strings, grade marks, tables, error boxes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from riskmap import tables
from riskmap.errors import Problem
from riskmap.i18n import t

# Coloured squares for labels (Markdown colours; emoji fonts are often missing offline).
GRADE_MARK = {"red": ":red[■]", "orange": ":orange[■]", "yellow": ":yellow[■]", "blue": ":blue[■]"}
STYLER_MAX_ROWS = 200  # colouring cells with a pandas Styler is slow (and holds up the map) past this


def ui(key: str, lang: str, **fmt) -> str:
    """A page string in ``lang`` (:data:`riskmap.i18n.STRINGS`, ``ui_`` keys)."""
    return t(f"ui_{key}", lang, **fmt)


def show_problems(problems: list[Problem], lang: str, *, header: str) -> None:
    """Errors in one error box (file, row, column, value, message); never a traceback."""
    st.error(tables.problem_markdown(problems, lang, header=header))


def show_table(table: pd.DataFrame, lang: str, colours: dict[str, str], **options) -> None:
    """A table with its grade column in the grade colours (when small enough to style)."""
    st.dataframe(tables.styled(table, lang, colours, max_rows=STYLER_MAX_ROWS), hide_index=True, width="stretch", **options)
