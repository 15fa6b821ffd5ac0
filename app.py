"""RiskMap: the Streamlit page (``streamlit run app.py``).

Layout and widgets only: every number comes from :mod:`riskmap`.

Workspace, in this order:

1. files uploaded in the sidebar (a ``.zip`` of a workspace folder, or the files
   themselves).  Uploads without a ``riskmap.toml`` get a minimal one written from the
   file names (``counties.*``/``区县*`` → counties, ``enterprises.*``/``企业*`` → ...;
   coordinates taken as WGS-84, ``as_of`` today), and the validation report says so;
2. the folder named by the ``RISKMAP_WORKSPACE`` environment variable;
3. the demo workspace ``data/demo``.

The assessment is computed once per workspace *content* (a SHA-256 of the files'
bytes) and kept with ``st.cache_resource``: a filter change never recomputes it.
Filters go through :func:`riskmap.filters.apply_filters` once, and the headline
figures, the tables and the map all draw on that result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import tempfile
import weakref
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from riskmap import mapview, uploads
from riskmap.errors import InputError, Problem
from riskmap.filters import Filters, apply_filters, headline
from riskmap.grades import GRADES, RANK
from riskmap.i18n import (HAZARD_LEVEL_LABELS, HAZARD_STATUS_LABELS, SECTORS,
                          SUPERVISION_LABELS, column_label, grade_label, label, sector_label, t)
from riskmap.export import MIME_TYPES, export_bytes
from riskmap.layers import BUILTIN_DATASETS, load_layers
from riskmap.sanitize import check_tile_url, csv_bytes, markdown_text
from riskmap.settings import settings
from riskmap.staticmap import LAYERS as STATIC_LAYERS

ROOT = Path(__file__).resolve().parent
DEMO = ROOT / "data" / "demo"

# The vendored Leaflet files are published by the Streamlit server itself: declaring
# a (never rendered) component with path=riskmap/static makes the server serve that
# folder under component/<name>/, next to streamlit-folium's own frame.  The map frame
# then loads them by a relative URL, whatever the server's base path: no CDN.
_STATIC = components.declare_component("riskmap_static", path=str(mapview.STATIC_DIR))
ASSET_BASE = f"../{_STATIC.name}/"

# Coloured squares for labels (Markdown colours; emoji fonts are often missing offline).
GRADE_MARK = {"red": ":red[■]", "orange": ":orange[■]", "yellow": ":yellow[■]", "blue": ":blue[■]"}
STYLER_MAX_ROWS = 200  # colouring cells with a pandas Styler is slow (and holds up the map) past this

UI = {
    "language": ("语言 / Language", "语言 / Language"),
    "workspace": ("工作区", "Workspace"),
    "upload": ("上传工作区文件（.zip 或多个文件）", "Upload a workspace (.zip or files)"),
    "upload_help": ("包含 riskmap.toml 的文件夹压缩包，或各数据文件；没有 riskmap.toml 时按文件名识别数据集。"
                    "解压后合计不超过 {limit}。",
                    "A zipped folder with riskmap.toml, or the data files; without riskmap.toml the datasets "
                    "are recognised by file name. At most {limit} unpacked in all."),
    "source_demo": ("示例工作区", "demo workspace"),
    "source_env": ("RISKMAP_WORKSPACE 指定的工作区", "workspace from RISKMAP_WORKSPACE"),
    "source_upload": ("上传的文件", "uploaded files"),
    "filters": ("筛选", "Filters"),
    "sectors": ("行业领域", "Sectors"),
    "grades": ("风险等级", "Grades"),
    "counties": ("区县", "Counties"),
    "hazard_status": ("隐患状态", "Hazard status"),
    "time_window": ("时间范围（事故、隐患排查）", "Time window (accidents, hazards found)"),
    "tw_all": ("全部", "all"),
    "tw_12": ("近 12 个月", "last 12 months"),
    "tw_36": ("近 36 个月", "last 36 months"),
    "tw_custom": ("自定义", "custom"),
    "from_to": ("起止日期", "From – to"),
    "all_hint": ("不选即全部", "empty = all"),
    "layers": ("图层", "Layers"),
    "basemap": ("底图", "Basemap"),
    "basemap_url": ("XYZ 瓦片地址模板", "XYZ tile URL template"),
    "basemap_url_help": ("http(s):// 开头，含 {z}、{x}、{y}，可含 {s}、{r}；不允许其他花括号。",
                         "http(s)://, with {z}, {x} and {y}, optionally {s} and {r}; no other braces."),
    "basemap_url_bad": ("瓦片地址不可用：{reason}。地图按无底图显示。", "The tile URL is not usable: {reason}. "
                        "The map is shown without a basemap."),
    "bm_none": ("无（离线）", "none (offline)"),
    "bm_custom": ("自定义 XYZ", "custom XYZ"),
    "counties_by_grade": ("{g}（区县 / 企业）", "{g} (counties / enterprises)"),
    "open_major": ("未销号重大隐患", "Open major hazards"),
    "overdue": ("逾期隐患", "Overdue hazards"),
    "accident_prone": ("事故多发路段单元", "Accident-prone road units"),
    "deaths_12m": ("近 12 个月死亡人数", "Deaths, last 12 months"),
    "tab_ranking": ("区县排名", "County ranking"),
    "tab_enterprises": ("企业清单", "Enterprises"),
    "tab_roads": ("道路单元", "Road units"),
    "tab_hazards": ("隐患台账", "Hazard ledger"),
    "tab_charts": ("统计图", "Charts"),
    "tab_downloads": ("下载", "Downloads"),
    "why": ("为什么是这个等级？", "Why this grade?"),
    "why_pick": ("查看区县（也可点击地图上的区县）", "County (or click one on the map)"),
    "components": ("得分构成", "Score components"),
    "top": ("主要因素", "Top contributors"),
    "reasons": ("判定依据", "Rules that fired"),
    "none": ("无", "none"),
    "chart_county": ("各区县企业风险等级", "Enterprise grades by county"),
    "chart_sector": ("各行业企业风险等级", "Enterprise grades by sector"),
    "validation": ("校验报告：{n} 条提示", "Validation report: {n} warnings"),
    "errors": ("工作区数据有错误，无法评估：", "The workspace has errors and cannot be assessed:"),
    "internal": ("内部错误：{e}", "Internal error: {e}"),
    "assessing": ("正在评估工作区…", "Assessing the workspace…"),
    "as_of": ("评估日期 {d} · 标准 {s} · 区域 {r}", "As of {d} · standard {s} · region {r}"),
    "outputs": ("评估结果（按当前筛选）", "Assessment outputs (current filters)"),
    "exports": ("导出图件与报告（按当前筛选）", "Exported maps and briefing (current filters)"),
    "all_zip": ("全部结果（zip）", "All outputs (zip)"),
    "shown": ("显示 {n} 条", "{n} rows"),
    "map_error": ("地图无法绘制：", "The map cannot be drawn:"),
    "generated_toml": ("上传中没有 riskmap.toml：已按文件名生成（坐标按 WGS-84，评估日期为今天）。",
                       "No riskmap.toml among the uploads: one was written from the file names "
                       "(coordinates taken as WGS-84, as_of today)."),
    }


def ui(key: str, lang: str, **fmt) -> str:
    """A page string in ``lang``."""
    zh, en = UI[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


# --------------------------------------------------------------------------- workspace

@st.cache_data(show_spinner=False, max_entries=64)
def _hash_from_signature(folder: str, signature: tuple) -> str:
    h = hashlib.sha256()
    root = Path(folder)
    for relative, _size, _mtime in signature:
        h.update(relative.encode("utf-8") + b"\0")
        h.update((root / relative).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def workspace_hash(folder: Path) -> str:
    """SHA-256 of every file of a workspace (names and bytes).

    The files are read again only when their sizes or times change (the signature is
    the cache key), so reruns stay cheap even for a province.
    """
    signature = tuple((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in uploads.data_files(folder))
    return _hash_from_signature(str(folder), signature)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_assessment(content_hash: str, folder: str, lang: str):
    """The assessment of a workspace, once per content hash, folder and page language.

    The folder is part of the key: an upload folder goes when its visitor leaves, so
    another visitor's identical upload must not draw on it.  The language is part of
    the key because reasons and contributors are written in it; switching back and
    forth costs nothing after the first time, and a filter change never recomputes
    anything.
    """
    from riskmap.assess import assess

    return assess(folder, language=lang)


@st.cache_resource(show_spinner=False)
def _startup_sweep() -> int:
    """Once per server process: remove upload folders older than a day."""
    return uploads.sweep_uploads()


class _Upload:
    """A visitor's upload folder, removed when they upload again or their session ends."""

    def __init__(self, folder: Path, signature: str):
        self.folder = folder
        self.signature = signature
        # Session state is dropped when the visitor's session ends; so is this object.
        self._remove = weakref.finalize(self, uploads.remove_upload, str(folder))

    def discard(self) -> None:
        self._remove()


def _upload_folder(files) -> Path | None:
    """The folder of the current uploads (made once per distinct set), or None."""
    current = st.session_state.get("_upload")
    signature = hashlib.sha256(repr([(f.name, f.size, f.file_id) for f in files]).encode()).hexdigest() if files else ""
    if current is not None and current.signature != signature:
        current.discard()
        del st.session_state["_upload"]
        current = None
    if not files:
        return None
    if current is None:
        folder = uploads.workspace_from_uploads([(f.name, f.getvalue()) for f in files])
        current = st.session_state["_upload"] = _Upload(folder, signature)
    return current.folder


def show_problems(problems: list[Problem], lang: str, *, header: str) -> None:
    """Errors in one error box (file, row, column, value, message); never a traceback."""
    lines = [header]
    for p in problems[:200]:
        where = p.location()
        value = f" — 「{markdown_text(p.value)}」" if p.value not in (None, "") else ""
        lines.append(f"- **{markdown_text(where)}**: {markdown_text(p.message)}{value}")
    if len(problems) > 200:
        lines.append(f"- … (+{len(problems) - 200})")
    st.error("\n".join(lines))


# --------------------------------------------------------------------------- tables

def _grade_col(series: pd.Series, lang: str) -> pd.Series:
    return series.map(lambda g: grade_label(g, lang) if isinstance(g, str) else "")


def _number(value) -> str:
    """Numbers as people read them: thousands separated, no trailing zeros."""
    if isinstance(value, float):
        if not np.isfinite(value):
            return ""
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, (int, np.integer)) else str(value)


def show_table(table: pd.DataFrame, lang: str, colours: dict[str, str]) -> None:
    """A table with its grade column in the grade colours (when small enough to style)."""
    grade_header = column_label("grade", lang)
    if grade_header in table and len(table) <= STYLER_MAX_ROWS:
        by_label = {grade_label(g, lang): colours[g] for g in GRADES}
        text = {grade_label(g, lang): ("#111" if g == "yellow" else "#fff") for g in GRADES}
        styled = table.style.map(lambda v: f"background-color: {by_label[v]}; color: {text[v]}" if v in by_label else "",
                                 subset=[grade_header])
        numeric = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
        styled = styled.format({c: _number for c in numeric})
        st.dataframe(styled, hide_index=True, width="stretch")
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def _rank_desc(series: pd.Series) -> pd.Series:
    return -pd.to_numeric(series.astype(object).map(RANK), errors="coerce").fillna(-1)


def county_table(a, lang: str) -> pd.DataFrame:
    c = a.counties.sort_values("score", ascending=False)
    out = pd.DataFrame({
        column_label("county_name", lang): c["county_name"],
        column_label("county_code", lang): c["county_code"],
        column_label("grade", lang): _grade_col(c["grade"], lang),
        column_label("score", lang): c["score"].round(1),
        column_label("points_enterprises", lang): c["points_enterprises"].round(1),
        column_label("points_roads", lang): c["points_roads"].round(1),
        column_label("points_hazards", lang): c["points_hazards"].round(1),
        column_label("points_accidents", lang): c["points_accidents"].round(1),
        column_label("top_contributors", lang): c["top_contributors"],
    })
    return out.reset_index(drop=True)


def enterprise_table(a, lang: str) -> pd.DataFrame:
    e = a.enterprises.assign(_r=_rank_desc(a.enterprises["grade"])).sort_values(["_r", "score"], ascending=[True, False])
    cols = {
        "enterprise_id": e["enterprise_id"], "name": e["name"],
        "sector": e["sector"].map(lambda s: sector_label(s, lang)),
        "county_name": e["county_name"], "grade": _grade_col(e["grade"], lang),
        "inherent_grade": e["inherent_grade"].map(lambda g: grade_label(g, lang) if isinstance(g, str) else ""),
        "reasons": e["reasons"], "open_hazards": e["open_hazards"], "overdue_hazards": e["overdue_hazards"],
    }
    return pd.DataFrame({column_label(k, lang): v for k, v in cols.items()}).reset_index(drop=True)


def road_table(a, lang: str) -> pd.DataFrame:
    r = a.road_units.assign(_r=_rank_desc(a.road_units["grade"]))
    r = r.sort_values(["accident_prone", "_r", "rate"], ascending=[False, True, False])
    yes, no = t("yes", lang), t("no", lang)
    cols = {
        "unit_id": r["unit_id"], "road_name": r["road_name"], "county_name": r["county_name"],
        "grade": _grade_col(r["grade"], lang),
        "accident_prone": r["accident_prone"].map(lambda v: yes if bool(v) else no),
        "length_m": r["length_m"].round(0), "fatal": r["fatal"], "injury": r["injury"],
        "epdo": r["epdo"], "rate": r["rate"].round(2),
    }
    return pd.DataFrame({column_label(k, lang): v for k, v in cols.items()}).reset_index(drop=True)


def hazard_table(a, lang: str) -> pd.DataFrame:
    h = a.hazards.assign(_major=a.hazards["level"].eq("major"))
    # Overdue first (most overdue at the top), then open major ones, then the rest.
    h = h.sort_values(["overdue", "days_overdue", "is_open", "_major"], ascending=[False, False, False, False])
    yes, no = t("yes", lang), t("no", lang)
    date_text = lambda s: pd.to_datetime(s, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")  # noqa: E731
    cols = {
        "hazard_id": h["hazard_id"], "name": h["name"], "county_name": h["county_name"],
        "level": h["level"].map(lambda v: label(HAZARD_LEVEL_LABELS, v, lang)),
        "status": h["status"].map(lambda v: label(HAZARD_STATUS_LABELS, v, lang)),
        "overdue": h["overdue"].map(lambda v: yes if bool(v) else no),
        "days_overdue": h["days_overdue"],
        "supervision": h["supervision"].map(lambda v: label(SUPERVISION_LABELS, v, lang)),
        "found_date": date_text(h["found_date"]), "deadline": date_text(h["deadline"]),
        "description": h["description"],
    }
    return pd.DataFrame({column_label(k, lang): v for k, v in cols.items()}).reset_index(drop=True)


def grade_crosstab(frame: pd.DataFrame, by: pd.Series, lang: str) -> pd.DataFrame:
    table = pd.crosstab(by, frame["grade"]).reindex(columns=list(GRADES), fill_value=0)
    return table.rename(columns=lambda g: grade_label(g, lang))


# --------------------------------------------------------------------------- page

def _sidebar_filters(a, lang: str) -> tuple[Filters, list, str]:
    sb = st.sidebar
    sb.subheader(ui("filters", lang))
    sectors = sb.multiselect(ui("sectors", lang), list(SECTORS), format_func=lambda s: sector_label(s, lang),
                             key="f_sectors", placeholder=ui("all_hint", lang))
    grades = sb.multiselect(ui("grades", lang), list(GRADES), format_func=lambda g: grade_label(g, lang),
                            key="f_grades", placeholder=ui("all_hint", lang))
    names = dict(zip(a.counties["county_code"].astype(str), a.counties["county_name"].astype(str)))
    counties = sb.multiselect(ui("counties", lang), list(names), format_func=lambda c: names.get(c, c),
                              key="f_counties", placeholder=ui("all_hint", lang))
    statuses = sb.multiselect(ui("hazard_status", lang), list(HAZARD_STATUS_LABELS),
                              format_func=lambda s: label(HAZARD_STATUS_LABELS, s, lang),
                              key="f_status", placeholder=ui("all_hint", lang))
    window = sb.selectbox(ui("time_window", lang), ["all", "12", "36", "custom"], key="f_window",
                          format_func=lambda w: ui({"all": "tw_all", "12": "tw_12", "36": "tw_36", "custom": "tw_custom"}[w], lang))
    as_of = a.info.as_of
    date_from = date_to = None
    if window in ("12", "36"):
        months = int(window)
        try:
            date_from = as_of.replace(year=as_of.year - months // 12) + timedelta(days=1)
        except ValueError:  # 29 February
            date_from = as_of.replace(year=as_of.year - months // 12, day=28) + timedelta(days=1)
        date_to = as_of
    elif window == "custom":
        picked = sb.date_input(ui("from_to", lang), value=(as_of - timedelta(days=365), as_of), key="f_dates")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            date_from, date_to = picked
    filters = Filters(
        sectors=tuple(sectors) or None, counties=tuple(counties) or None, grades=tuple(grades) or None,
        hazard_statuses=tuple(statuses) or None, date_from=date_from, date_to=date_to,
    )
    specs = load_layers(workspace=a.info.path)
    titles = {s.id: s.title(lang) for s in specs}
    chosen = sb.multiselect(ui("layers", lang), list(titles), default=[s.id for s in specs if s.show],
                            format_func=lambda i: titles[i], key="f_layers")
    # A layer unticked here is left out; the ticked ones are all shown at start.
    layers = [dataclasses.replace(s, show=True) for s in specs if s.id in chosen]
    options = ["none", "osm", "carto-light", "tianditu", "gaode", "custom"]
    default = a.info.basemap if a.info.basemap in options else ("custom" if "{z}" in a.info.basemap else "none")
    basemap = sb.selectbox(ui("basemap", lang), options, index=options.index(default), key="f_basemap",
                           format_func=lambda b: ui("bm_none", lang) if b == "none" else (ui("bm_custom", lang) if b == "custom" else b))
    if basemap == "custom":
        basemap = sb.text_input(ui("basemap_url", lang), value=a.info.basemap if "{z}" in a.info.basemap else
                                "https://tile.openstreetmap.org/{z}/{x}/{y}.png", key="f_basemap_url",
                                max_chars=2000, help=ui("basemap_url_help", lang))
        problem = check_tile_url(basemap, lang=lang)
        if problem is not None:
            sb.error(ui("basemap_url_bad", lang, reason=markdown_text(problem)))
            basemap = "none"
    return filters, layers, basemap


def _headline(figures: dict, lang: str) -> None:
    cols = st.columns(4)
    for col, g in zip(cols, GRADES):
        col.metric(ui("counties_by_grade", lang, g=f"{GRADE_MARK[g]} {grade_label(g, lang)}"),
                   f"{figures['counties_by_grade'][g]} / {figures['enterprises_by_grade'][g]}")
    cols = st.columns(4)
    cols[0].metric(ui("open_major", lang), figures["open_major_hazards"])
    cols[1].metric(ui("overdue", lang), figures["overdue_hazards"])
    cols[2].metric(ui("accident_prone", lang), figures["accident_prone_units"])
    cols[3].metric(ui("deaths_12m", lang), figures["deaths_12m"])


def _why(a, code: str | None, lang: str) -> None:
    counties = a.counties.set_index(a.counties["county_code"].astype(str))
    if code is None or code not in counties.index:
        return
    row = counties.loc[code]
    st.markdown(f"#### {markdown_text(row['county_name'])} · {GRADE_MARK[row['grade']]} "
                f"{grade_label(row['grade'], lang)} · {column_label('score', lang)} {row['score']:.1f}")
    parts = pd.DataFrame({
        ui("components", lang): [column_label(c, lang) for c in
                                 ("points_enterprises", "points_roads", "points_hazards", "points_accidents")],
        column_label("score", lang): [round(float(row[c]), 1) for c in
                                      ("points_enterprises", "points_roads", "points_hazards", "points_accidents")],
    })
    left, right = st.columns([1, 1])
    left.dataframe(parts, hide_index=True, width="stretch")
    right.markdown(f"**{ui('top', lang)}**: {markdown_text(row.get('top_contributors') or ui('none', lang))}")
    right.markdown(f"**{ui('reasons', lang)}**: {markdown_text(row.get('reasons') or ui('none', lang))}")
    counts = " · ".join(f"{GRADE_MARK[g]} {grade_label(g, lang)} {int(row.get(f'enterprises_{g}', 0))}" for g in GRADES)
    right.markdown(f"**{t('enterprises', lang)}**: {counts}")


def _downloads(a, full, filters: Filters, lang: str, layers: list, stem: str) -> None:
    from riskmap.outputs import LAYER_FILES, _for_file, summary_json

    st.markdown(f"**{ui('outputs', lang)}**")
    cols = st.columns(4)

    def geojson_bytes(name: str):
        def make() -> bytes:
            frame = _for_file(getattr(a, name))
            return frame.to_json(drop_id=True, ensure_ascii=False).encode("utf-8") if len(frame) else \
                b'{"type":"FeatureCollection","features":[]}'
        return make

    for i, (name, file_name) in enumerate(LAYER_FILES.items()):
        cols[i % 4].download_button(file_name, geojson_bytes(name), file_name=file_name,
                                    mime="application/geo+json", key=f"dl_{name}", on_click="ignore")

    def csv_bytes(name: str):
        def make() -> bytes:
            frame = pd.DataFrame(getattr(a, name)).drop(columns="geometry", errors="ignore")
            return csv_bytes(frame)
        return make

    for i, name in enumerate(("counties", "enterprises", "road_units", "hazards")):
        cols[i % 4].download_button(f"{name}.csv", csv_bytes(name), file_name=f"{name}.csv", mime="text/csv",
                                    key=f"dl_csv_{name}", on_click="ignore")

    def register() -> bytes:
        from riskmap.register import write_register

        buffer = io.BytesIO()
        write_register(a, buffer, lang=lang)
        return buffer.getvalue()

    def all_zip() -> bytes:
        from riskmap.outputs import write_outputs

        with tempfile.TemporaryDirectory() as tmp:
            written = write_outputs(a, tmp)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in written:
                    archive.write(path, path.name)
            return buffer.getvalue()

    cols = st.columns(4)
    cols[0].download_button("risk_register.xlsx", register, file_name="risk_register.xlsx", key="dl_register",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
    cols[1].download_button("summary.json", summary_json(full).encode("utf-8"), file_name="summary.json",
                            mime="application/json", key="dl_summary", on_click="ignore")
    cols[2].download_button("unassigned.csv", csv_bytes(full.unassigned),
                            file_name="unassigned.csv", mime="text/csv", key="dl_unassigned", on_click="ignore")
    cols[3].download_button(ui("all_zip", lang), all_zip, file_name=f"{stem}-outputs.zip", mime="application/zip",
                            key="dl_zip", on_click="ignore")

    st.markdown(f"**{ui('exports', lang)}**")
    html_ids = [s.id for s in layers]
    # The printed map draws the five built-in layers; extra ones (schools) only go to HTML.
    static_ids = [i for i in html_ids if i in STATIC_LAYERS] or None
    cols = st.columns(len(MIME_TYPES))
    for col, (fmt, mime) in zip(cols, MIME_TYPES.items()):
        def make(fmt=fmt) -> bytes:
            return export_bytes(full, fmt, filters=filters, lang=lang,
                                layers=html_ids if fmt == "html" else static_ids)
        col.download_button(fmt.upper(), make, file_name=f"{stem}.{fmt}", mime=mime, key=f"dl_export_{fmt}",
                            on_click="ignore")


def main() -> None:
    st.set_page_config(page_title="RiskMap 安全风险空间分布图", page_icon="🗺️", layout="wide")
    choice = st.sidebar.radio(UI["language"][0], ["中文", "English"], horizontal=True, key="lang")
    lang = "zh" if choice == "中文" else "en"
    if st.session_state.get("_shown_lang", lang) != lang:
        # A keyed select widget keeps showing its old labels when only its
        # format_func changes (streamlit#13788): setting each value again from Python
        # makes the browser redraw the chips and choices in the new language.
        for key in ("f_sectors", "f_grades", "f_counties", "f_status", "f_window", "f_layers", "f_basemap", "why_county"):
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state["_shown_lang"] = lang

    # ---- workspace
    _startup_sweep()
    files = st.sidebar.file_uploader(ui("upload", lang), accept_multiple_files=True, key="uploads",
                                     help=ui("upload_help", lang, limit=f"{settings.max_unpacked_bytes / 1e6:,.0f} MB"))
    notes: list[Problem] = []
    try:
        folder = _upload_folder(files)
        if folder is not None:
            source = ui("source_upload", lang)
            if (folder / uploads.GENERATED_TOML).exists():
                notes.append(Problem("warning", "riskmap.toml", ui("generated_toml", lang)))
        elif os.environ.get("RISKMAP_WORKSPACE"):
            folder = Path(os.environ["RISKMAP_WORKSPACE"]).expanduser()
            source = ui("source_env", lang)
        else:
            folder = DEMO
            source = ui("source_demo", lang)
        st.sidebar.caption(f"{ui('workspace', lang)}: {source} · {markdown_text(folder.name)}")
        with st.spinner(ui("assessing", lang)):
            if not folder.is_dir():
                raise InputError(f"{folder}: not a folder",
                                 [Problem("error", str(folder), "the workspace folder does not exist")])
            full = load_assessment(workspace_hash(folder), str(folder), lang)
    except InputError as exc:
        st.title(t("app_title", lang))
        show_problems(exc.problems or [Problem("error", "workspace", str(exc))], lang, header=ui("errors", lang))
        return
    except Exception as exc:  # never a traceback on the page
        st.title(t("app_title", lang))
        st.error(ui("internal", lang, e=markdown_text(f"{type(exc).__name__}: {exc}")))
        return

    filters, layers, basemap = _sidebar_filters(full, lang)
    a = apply_filters(full, filters)  # once: figures, tables and the legend agree

    # ---- title, banner, validation report
    st.title(markdown_text(full.info.title) if full.info.title else t("app_title", lang))
    if full.info.demo:
        st.info(t("demo_data", lang))
    st.caption(ui("as_of", lang, d=full.info.as_of.isoformat(), s=markdown_text(full.info.standard),
                  r=markdown_text(full.info.region)))
    warnings = notes + list(full.warnings)
    if warnings:
        with st.expander(ui("validation", lang, n=len(warnings))):
            st.dataframe(pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column, "value": p.value,
                                        "message": p.message} for p in warnings]), hide_index=True, width="stretch")

    _headline(headline(a), lang)

    # ---- map
    try:
        m = mapview.build_map(full, layers=layers, filters=filters, lang=lang, basemap=basemap,
                              asset_base=ASSET_BASE, height=620)
    except InputError as exc:
        show_problems(exc.problems or [Problem("error", "map", str(exc))], lang, header=ui("map_error", lang))
        # Drawn again without the basemap and without the workspace's own layers (the
        # two things a workspace can get wrong), so the page stays usable.
        builtin = [s for s in layers if s.dataset in BUILTIN_DATASETS]
        m = mapview.build_map(full, layers=builtin, filters=filters, lang=lang, basemap="none",
                              asset_base=ASSET_BASE, height=620)
    # Only clicks come back: panning and zooming do not rerun the page.
    state = st_folium(m, key="riskmap", height=620, use_container_width=True,
                      returned_objects=["last_object_clicked"])
    click = (state or {}).get("last_object_clicked")
    if click and click != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = click
        code = mapview.county_at(full, click["lat"], click["lng"], basemap=basemap)
        if code is not None:
            # Open the ranking tab on this county's "why" panel.
            st.session_state["why_county"] = code
            st.session_state["main_tabs"] = ui("tab_ranking", lang)

    # ---- tabs
    # Lazy tabs: only the open tab runs and is sent, so a filter change redraws the
    # map without the browser also laying out every table and chart.
    tabs = st.tabs([ui(k, lang) for k in ("tab_ranking", "tab_enterprises", "tab_roads", "tab_hazards",
                                          "tab_charts", "tab_downloads")], key="main_tabs", on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            ranking = county_table(a, lang)
            show_table(ranking, lang, full.colours)
            names = dict(zip(full.counties["county_code"].astype(str), full.counties["county_name"].astype(str)))
            codes = a.counties.sort_values("score", ascending=False)["county_code"].astype(str).tolist() or list(names)
            if st.session_state.get("why_county") not in codes:
                st.session_state["why_county"] = codes[0] if codes else None
            st.subheader(ui("why", lang))
            code = st.selectbox(ui("why_pick", lang), codes, key="why_county", format_func=lambda c: names.get(c, c))
            _why(full, code, lang)
    for tab, make_table in zip(tabs[1:4], (enterprise_table, road_table, hazard_table)):
        if tab.open:
            with tab:
                table = make_table(a, lang)
                st.caption(ui("shown", lang, n=len(table)))
                show_table(table, lang, full.colours)
    if tabs[4].open:
        with tabs[4]:
            colours = [full.colours[g] for g in GRADES]
            st.markdown(f"**{ui('chart_county', lang)}**")
            st.bar_chart(grade_crosstab(a.enterprises, a.enterprises["county_name"].fillna("—"), lang), color=colours)
            st.markdown(f"**{ui('chart_sector', lang)}**")
            st.bar_chart(grade_crosstab(a.enterprises, a.enterprises["sector"].map(lambda s: sector_label(s, lang)), lang),
                         color=colours)
    if tabs[5].open:
        with tabs[5]:
            stem = re.sub(r"[^\w\-]+", "_", full.info.region or "riskmap").strip("_") or "riskmap"
            _downloads(a, full, filters, lang, layers, stem)


main()
