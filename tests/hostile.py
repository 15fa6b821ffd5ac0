"""A workspace written as an attacker would: every text field carries a payload.

Each payload is wrapped in markers (``X...Y``) so a test can tell "shown as text"
from "evaluated": ``X{{7*7}}Y`` must never become ``X49Y``, an image in Markdown must
never be fetched, a formula must never reach a spreadsheet as one.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

import wsfactory as wf

TEMPLATE = "X{{7*7}}Y"
EVALUATED = "X49Y"
JINJA_BLOCK = "{% for i in range(3) %}Z{% endfor %}"
IMAGE_URL = "http://127.0.0.1:9/track.png"
LINK_URL = "http://127.0.0.1:9/login"
MARKDOWN = f"![x]({IMAGE_URL}) [点此登录]({LINK_URL}) **粗体** :red[红] $x^2$"
BACKTICK = f"` [phish]({LINK_URL}) `"
HTML = "<img src=x onerror=alert(1)><script>alert(2)</script>"
FORMULAS = ("=HYPERLINK(\"http://127.0.0.1:9\")", "=cmd|'/c calc'!A1", "@SUM(1)", "+1+1", "-1-1", "\t=1")
PAYLOAD = f"{TEMPLATE} {JINJA_BLOCK} {MARKDOWN} {HTML}"


def write_hostile_workspace(folder: Path, *, long_text: bool = False) -> Path:
    """The wsfactory workspace with payloads in the title, region, names and descriptions.

    ``long_text`` makes the region 250 characters long (a DOCX core property is
    limited to 255).
    """
    counties = wf.county_frame()
    counties["名称"] = [f"甲县{PAYLOAD}", "乙县$", f"丙县{BACKTICK}"]
    enterprises = wf.enterprise_frame()
    enterprises["企业名称"] = [f"甲煤矿{PAYLOAD}", FORMULAS[0], FORMULAS[1], FORMULAS[2], "戊运输公司", "己工贸"]
    hazards = wf.hazard_frame()
    hazards["隐患描述"] = [PAYLOAD, FORMULAS[3], FORMULAS[4], FORMULAS[5]]
    roads = wf.road_frame()
    roads["道路名称"] = [f"G1{PAYLOAD}", "S2"]
    # A hazard with neither an enterprise nor a location, whose id is a formula: it is
    # listed in unassigned.csv.
    hazards = pd.concat([hazards, pd.DataFrame({"隐患编号": [FORMULAS[0]], "隐患等级": ["一般"], "整改状态": ["未整改"],
                                                "排查日期": ["2026-09-01"]})], ignore_index=True)
    wf.write_workspace(folder, counties=counties, enterprises=enterprises, hazards=hazards, roads=roads)
    region = ("很长的地区名" * 40 + PAYLOAD)[:250] if long_text else f"测试市{PAYLOAD}"
    text = (folder / "riskmap.toml").read_text("utf-8")
    text = text.replace('title = "测试工作区"', f"title = {json.dumps('标题' + PAYLOAD, ensure_ascii=False)}")
    text = text.replace('region = "测试市"', f"region = {json.dumps(region, ensure_ascii=False)}")
    text = text.replace('standard = "default"', 'standard = "default"\nsource = ' + json.dumps(PAYLOAD, ensure_ascii=False))
    (folder / "riskmap.toml").write_text(text, "utf-8")
    layers = folder / "layers"
    layers.mkdir(exist_ok=True)
    (layers / "schools.toml").write_text(
        f"id = \"schools\"\ntitle = {{ zh = {json.dumps('学校' + PAYLOAD, ensure_ascii=False)}, en = \"Schools\" }}\n"
        "geometry = \"point\"\npath = \"schools.csv\"\n"
        f"[[tooltip]]\ncolumn = \"name\"\nzh = {json.dumps('名称' + TEMPLATE, ensure_ascii=False)}\nen = \"Name\"\n", "utf-8")
    pd.DataFrame({"name": [PAYLOAD], "lon": [113.05], "lat": [40.06]}).to_csv(folder / "schools.csv", index=False)
    return folder



def shown(markdown: str) -> str:
    """What a Markdown string the app wrote reads as on the page.

    Character references are decoded; the invisible word joiners that keep addresses
    from turning into links are dropped.
    """
    return html.unescape(markdown).replace("\u2060", "")
