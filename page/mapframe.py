"""The Folium map in its Streamlit frame, and what a click on it opens."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from page.text import show_problems, ui
from riskmap import View, mapview
from riskmap.errors import InputError, Problem
from riskmap.layers import BUILTIN_DATASETS
from riskmap.mapview.change import change_layers

# riskmap/static (Leaflet, riskmap.js/css) is published by the Streamlit server itself: a (never rendered)
# component with that path is served under component/<name>/, beside streamlit-folium's frame, which then
# loads the files by a relative URL whatever the server's base path: no CDN.
_STATIC = components.declare_component("riskmap_static", path=str(mapview.STATIC_DIR))
ASSET_BASE = f"../{_STATIC.name}/"
MAP_HEIGHT = 640  # px: with the compact head of the page, all of it shows in a 1000 px window


def show_map(view: View, layers: list, basemap: str, mode: str = "grade") -> None:
    if mode == "change":
        layers = change_layers(layers)
    focus = st.session_state.get("_focus")  # a warning's subject: its county code, or its point
    try:
        m = mapview.build_map(view, layers=layers, basemap=basemap, asset_base=ASSET_BASE, height=MAP_HEIGHT, focus=focus)
    except InputError as exc:
        show_problems(exc.problems or [Problem("error", "map", str(exc))], view.lang, header=ui("map_error", view.lang))
        # Drawn again without the basemap and without the workspace's own layers (the
        # two things a workspace can get wrong), so the page stays usable.
        builtin = [s for s in layers if s.dataset in BUILTIN_DATASETS]
        m = mapview.build_map(view, layers=builtin, basemap="none", asset_base=ASSET_BASE, height=MAP_HEIGHT)
    # Only clicks come back: panning and zooming do not rerun the page.  render=False: st_folium renders the
    # map itself for its header, HTML and script; rendering the whole page of it first only doubles the work
    # (0.2 s a run at province scale) and sends the same arguments.
    state = st_folium(m, key="riskmap", height=MAP_HEIGHT, use_container_width=True, returned_objects=["last_object_clicked"],
                      render=False)
    click = (state or {}).get("last_object_clicked")
    if click and click != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = click
        code = mapview.county_at(view, click["lat"], click["lng"], basemap=basemap)
        if code is not None:  # open the ranking tab on this county's "why" panel
            st.session_state["why_county"] = code
            st.session_state["main_tabs"] = ui("tab_ranking", view.lang)
