"""The page's own look: room for the map in the first screen (styles only, no data)."""

from __future__ import annotations

import streamlit as st

# Streamlit leaves 6rem above the page and draws metrics and the title large; here the
# title, the caption and one row of small figures leave the map most of a 1000 px
# window.  Only class names and sizes: nothing from a workspace goes in.
_CSS = """<style>
[data-testid="stMainBlockContainer"], .block-container { padding: 2.6rem 2.5rem 2rem 2.5rem; }
[data-testid="stMain"] h1 { font-size: 1.65rem; padding: 0 0 0.1rem 0; line-height: 1.3; }
[data-testid="stMetric"] { padding: 0; }
[data-testid="stMetricLabel"] p { font-size: 0.8rem; }
[data-testid="stMetricLabel"] { min-height: 0; }
[data-testid="stMetricValue"] { font-size: 1.35rem; line-height: 1.25; }
</style>"""


def compact() -> None:
    """Style the page so the map starts high (a style block takes no room of its own)."""
    st.html(_CSS)
