"""Language strings (中文 / English).

Every label a user reads comes from here: grade, sector, hazard and column labels and
the message templates of validation, the summary and the exports.  ``t(key, lang)``
looks a string up; a missing key falls back to the key itself so a gap shows.

Words that are kept before they are shown (the problems of validation, the reasons a
record was left unassigned) are :class:`Msg` values: a key of :data:`MESSAGES` and
its parameters, put into words by :meth:`Msg.render` in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LANGUAGES = ("zh", "en")

GRADE_LABELS = {
    "red": ("重大风险", "major risk"),
    "orange": ("较大风险", "significant risk"),
    "yellow": ("一般风险", "general risk"),
    "blue": ("低风险", "low risk"),
}

SECTOR_LABELS = {
    "coal_mine": ("煤矿", "coal mines"),
    "non_coal_mine": ("非煤矿山", "non-coal mines"),
    "hazardous_chemicals": ("危险化学品", "hazardous chemicals"),
    "fire": ("消防", "fire safety"),
    "road_transport": ("道路运输", "road transport"),
    "construction": ("建筑施工", "construction"),
    "urban_facilities": ("城市建设", "urban facilities"),
    "industry_trade": ("工贸", "industry and trade"),
    "other": ("其他", "other"),
}
SECTORS = tuple(SECTOR_LABELS)

HAZARD_LEVEL_LABELS = {"general": ("一般", "general"), "major": ("重大", "major")}
HAZARD_STATUS_LABELS = {
    "open": ("未整改", "open"),
    "rectifying": ("整改中", "rectifying"),
    "closed": ("已销号", "closed"),
}
SUPERVISION_LABELS = {
    "none": ("无", "none"),
    "county": ("县级", "county"),
    "city": ("市级", "city"),
    "province": ("省级", "province"),
}
ACCIDENT_KIND_LABELS = {"traffic": ("交通事故", "traffic"), "production": ("生产安全事故", "production")}
METHOD_LABELS = {"lec": ("LEC 法", "LEC"), "matrix": ("风险矩阵", "risk matrix"), "baseline": ("行业基准", "sector baseline")}
"""Short names of the enterprise grading methods (map tooltips)."""
DATASET_LABELS = {
    "counties": ("区县", "counties"),
    "enterprises": ("企业", "enterprises"),
    "roads": ("道路", "roads"),
    "road_units": ("道路单元", "road units"),
    "accidents": ("事故", "accidents"),
    "hazards": ("隐患", "hazards"),
}

# Column labels used in tables, tooltips, the register and the validation messages.
COLUMN_LABELS = {
    "county_code": ("区划代码", "county code"),
    "county_name": ("区县", "county"),
    "population": ("人口", "population"),
    "enterprise_id": ("企业编号", "enterprise ID"),
    "name": ("企业名称", "name"),
    "sector": ("行业领域", "sector"),
    "lon": ("经度", "longitude"),
    "lat": ("纬度", "latitude"),
    "lec_l": ("L（可能性）", "L"),
    "lec_e": ("E（暴露频率）", "E"),
    "lec_c": ("C（后果）", "C"),
    "likelihood": ("可能性", "likelihood"),
    "severity": ("严重性", "severity"),
    "major_hazard_level": ("重大危险源等级", "major hazard installation level"),
    "employees": ("从业人员", "employees"),
    "address": ("地址", "address"),
    "segment_id": ("路段编号", "segment ID"),
    "road_name": ("道路名称", "road"),
    "road_class": ("道路等级", "road class"),
    "accidents": ("事故起数", "accidents"),
    "deaths": ("死亡人数", "deaths"),
    "injuries": ("受伤人数", "injuries"),
    "accident_id": ("事故编号", "accident ID"),
    "date": ("发生时间", "date"),
    "kind": ("类型", "kind"),
    "hazard_id": ("隐患编号", "hazard ID"),
    "level": ("隐患等级", "hazard level"),
    "status": ("状态", "status"),
    "found_date": ("排查日期", "found"),
    "deadline": ("整改期限", "deadline"),
    "closed_date": ("销号日期", "closed"),
    "supervision": ("挂牌督办", "listed supervision"),
    "description": ("隐患描述", "description"),
    "grade": ("风险等级", "grade"),
    "score": ("风险值", "score"),
    "reasons": ("判定依据", "reasons"),
    "method": ("评估方法", "method"),
    "inherent_grade": ("固有风险等级", "inherent grade"),
    "points_enterprises": ("企业得分", "enterprise points"),
    "points_roads": ("道路得分", "road points"),
    "points_hazards": ("隐患得分", "hazard points"),
    "points_accidents": ("事故得分", "accident points"),
    "top_contributors": ("主要因素", "top contributors"),
    "unit_id": ("单元编号", "unit ID"),
    "length_m": ("长度（米）", "length (m)"),
    "fatal": ("死亡事故", "fatal accidents"),
    "injury": ("受伤事故", "injury accidents"),
    "pdo": ("财产损失事故", "property-only accidents"),
    "epdo": ("当量事故数", "EPDO"),
    "rate": ("事故率（EPDO/km/年）", "rate (EPDO/km/yr)"),
    "accident_prone": ("事故多发", "accident-prone"),
    "open": ("未销号", "open"),
    "overdue": ("逾期", "overdue"),
    "days_overdue": ("逾期天数", "days overdue"),
    "open_hazards": ("未销号隐患", "open hazards"),
    "major_open_hazards": ("未销号重大隐患", "open major hazards"),
    "overdue_hazards": ("逾期隐患", "overdue hazards"),
    "n_enterprises": ("企业数", "enterprises"),
    "deaths_12m": ("近12个月死亡人数", "deaths, last 12 months"),
    "unit_km": ("道路里程（km）", "road km"),
    "unit_count": ("道路单元数", "road units"),
    "snapped_unit": ("所在单元", "road unit"),
    "dataset": ("数据集", "dataset"),
    "id": ("编号", "ID"),
    "reason": ("原因", "reason"),
    "enterprises_red": ("重大风险企业数", "major-risk enterprises"),
    "enterprises_orange": ("较大风险企业数", "significant-risk enterprises"),
    "enterprises_yellow": ("一般风险企业数", "general-risk enterprises"),
    "enterprises_blue": ("低风险企业数", "low-risk enterprises"),
    "area_km2": ("面积（km²）", "area (km²)"),
    "fatal_accidents_12m": ("近12个月死亡事故起数", "fatal accidents, last 12 months"),
    "inherent_value": ("固有风险值（D 或 R）", "inherent value (D or R)"),
}

STRINGS = {
    "app_title": ("安全风险空间分布图", "Safety risk spatial distribution map"),
    "demo_data": ("示例数据 / demo data", "示例数据 / demo data"),
    "legend_title": ("风险等级", "Risk grade"),
    "counties": ("区县", "Counties"),
    "enterprises": ("企业", "Enterprises"),
    "road_units": ("道路单元", "Road units"),
    "hazards": ("隐患", "Hidden hazards"),
    "accidents": ("事故", "Accidents"),
    "unassigned": ("未分配", "Unassigned"),
    "as_of": ("评估日期", "As of"),
    "standard": ("评估标准", "Standard"),
    "total": ("合计", "Total"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "source": ("数据来源", "Data source"),
    # --- the app's page (app.py) ---
    "ui_language": ("语言 / Language", "语言 / Language"),
    "ui_workspace": ("工作区", "Workspace"),
    "ui_upload": ("上传工作区文件（.zip 或多个文件）", "Upload a workspace (.zip or files)"),
    "ui_upload_help": ("包含 riskmap.toml 的文件夹压缩包，或各数据文件；没有 riskmap.toml 时按文件名识别数据集。"
                       "解压后合计不超过 {limit}。",
                       "A zipped folder with riskmap.toml, or the data files; without riskmap.toml the datasets "
                       "are recognised by file name. At most {limit} unpacked in all."),
    "ui_source_demo": ("示例工作区", "demo workspace"),
    "ui_source_env": ("RISKMAP_WORKSPACE 指定的工作区", "workspace from RISKMAP_WORKSPACE"),
    "ui_source_upload": ("上传的文件", "uploaded files"),
    "ui_filters": ("筛选", "Filters"),
    "ui_sectors": ("行业领域", "Sectors"),
    "ui_grades": ("风险等级", "Grades"),
    "ui_counties": ("区县", "Counties"),
    "ui_hazard_status": ("隐患状态", "Hazard status"),
    "ui_time_window": ("时间范围（事故、隐患排查）", "Time window (accidents, hazards found)"),
    "ui_tw_all": ("全部", "all"),
    "ui_tw_12": ("近 12 个月", "last 12 months"),
    "ui_tw_36": ("近 36 个月", "last 36 months"),
    "ui_tw_custom": ("自定义", "custom"),
    "ui_from_to": ("起止日期", "From – to"),
    "ui_all_hint": ("不选即全部", "empty = all"),
    "ui_layers": ("图层", "Layers"),
    "ui_basemap": ("底图", "Basemap"),
    "ui_basemap_url": ("XYZ 瓦片地址模板", "XYZ tile URL template"),
    "ui_basemap_url_help": ("http(s):// 开头，含 {z}、{x}、{y}，可含 {s}、{r}；不允许其他花括号。",
                            "http(s)://, with {z}, {x} and {y}, optionally {s} and {r}; no other braces."),
    "ui_basemap_url_bad": ("瓦片地址不可用：{reason}。地图按无底图显示。", "The tile URL is not usable: {reason}. "
                           "The map is shown without a basemap."),
    "ui_bm_none": ("无（离线）", "none (offline)"),
    "ui_bm_custom": ("自定义 XYZ", "custom XYZ"),
    "ui_counties_by_grade": ("{g}（区县 / 企业）", "{g} (counties / enterprises)"),
    "ui_open_major": ("未销号重大隐患", "Open major hazards"),
    "ui_overdue": ("逾期隐患", "Overdue hazards"),
    "ui_accident_prone": ("事故多发路段单元", "Accident-prone road units"),
    "ui_deaths_12m": ("近 12 个月死亡人数", "Deaths, last 12 months"),
    "ui_tab_ranking": ("区县排名", "County ranking"),
    "ui_tab_enterprises": ("企业清单", "Enterprises"),
    "ui_tab_roads": ("道路单元", "Road units"),
    "ui_tab_hazards": ("隐患台账", "Hazard ledger"),
    "ui_tab_charts": ("统计图", "Charts"),
    "ui_tab_downloads": ("下载", "Downloads"),
    "ui_why": ("为什么是这个等级？", "Why this grade?"),
    "ui_why_pick": ("查看区县（也可点击地图上的区县）", "County (or click one on the map)"),
    "ui_components": ("得分构成", "Score components"),
    "ui_top": ("主要因素", "Top contributors"),
    "ui_reasons": ("判定依据", "Rules that fired"),
    "ui_none": ("无", "none"),
    "ui_chart_county": ("各区县企业风险等级", "Enterprise grades by county"),
    "ui_chart_sector": ("各行业企业风险等级", "Enterprise grades by sector"),
    "ui_validation": ("校验报告：{n} 条提示", "Validation report: {n} warnings"),
    "ui_errors": ("工作区数据有错误，无法评估：", "The workspace has errors and cannot be assessed:"),
    "ui_internal": ("内部错误：{e}", "Internal error: {e}"),
    "ui_assessing": ("正在评估工作区…", "Assessing the workspace…"),
    "ui_as_of": ("评估日期 {d} · 标准 {s} · 区域 {r}", "As of {d} · standard {s} · region {r}"),
    "ui_outputs": ("评估结果（按当前筛选）", "Assessment outputs (current filters)"),
    "ui_exports": ("导出图件与报告（按当前筛选）", "Exported maps and briefing (current filters)"),
    "ui_all_zip": ("全部结果（zip）", "All outputs (zip)"),
    "ui_shown": ("显示 {n} 条", "{n} rows"),
    "ui_map_error": ("地图无法绘制：", "The map cannot be drawn:"),
    "map_legend_enterprises": ("企业", "enterprises"),
    "map_legend_roads": ("道路单元", "road units"),
    "map_aggregated": ("{n} 家（网格汇总）", "{n} (grid cell)"),
    "map_accident_prone": ("事故多发路段", "accident-prone road unit"),
    "map_overdue": ("逾期（黑圈）", "overdue (black ring)"),
    "map_full_screen": ("全屏", "Full screen"),
    "map_exit_full_screen": ("退出全屏", "Exit full screen"),
    "map_only": ("（仅{kept}）", " ({kept} only)"),
    "map_basemap_key": ("底图 '{basemap}' 需要在环境变量 {env} 中提供密钥（tk）",
                        "basemap '{basemap}' needs a key in the environment variable {env}"),
    "map_basemap_bad_key": ("环境变量 {env} 中的密钥只能由字母和数字组成", "the key in {env} must be letters and digits"),
    "map_basemap_unusable": ("底图 {basemap} 不可用：{problem}。可用 none、osm、carto-light、tianditu、gaode，或 XYZ 瓦片地址模板，"
                             "如 https://tile.example.org/{{z}}/{{x}}/{{y}}.png",
                             "basemap {basemap} is not usable: {problem}. Use none, osm, carto-light, tianditu, gaode or an "
                             "XYZ URL template such as https://tile.example.org/{{z}}/{{x}}/{{y}}.png"),
    # --- exports (static map, register, briefing): riskmap.export ---
    "filters_applied": ("筛选：", "Filters: "),
    "legend_county_grades": ("区县风险等级（个数）", "County risk grade (count)"),
    "legend_symbols": ("图例", "Symbols"),
    "legend_enterprise": ("企业（颜色示风险等级）", "Enterprise (colour = grade)"),
    "legend_enterprise_high": ("重大、较大风险企业", "Major/significant-risk enterprise"),
    "legend_road": ("道路单元（颜色示风险等级）", "Road unit (colour = grade)"),
    "legend_major_hazard": ("未销号重大隐患（{n} 处）", "Open major hazard ({n})"),
    "legend_accident": ("事故（近36个月）", "Accident (36 months)"),
    "legend_context": ("未选中区县", "County not selected"),
    "table_title": ("各风险等级数量", "Counts by grade"),
    "north": ("北", "N"),
    "footer_projection": ("投影：{crs}", "Projection: {crs}"),
    "footer_made": ("RiskMap {version} 制图于 {today}", "Made with RiskMap {version} on {today}"),
    "sheet_unassigned": ("未分配", "unassigned"),
    "method_lec": ("作业条件危险性评价法（LEC）", "LEC"),
    "method_matrix": ("风险矩阵法", "risk matrix"),
    "method_baseline": ("行业基准", "sector baseline"),
    # briefing document (riskmap.export.briefing)
    "brief_title": ("{region}安全风险形势简报", "Safety risk briefing: {region}"),
    "brief_meta": ("评估日期：{as_of}　　评估标准：{standard}　　数据来源：{source}",
                   "As of {as_of}  ·  Standard: {standard}  ·  Data source: {source}"),
    "brief_h_overview": ("一、总体情况", "1. Overview"),
    "brief_h_map": ("二、安全风险空间分布", "2. Risk map"),
    "brief_h_counties": ("三、各区县风险等级", "3. Counties by grade"),
    "brief_h_enterprises": ("四、重大和较大风险企业", "4. Major- and significant-risk enterprises"),
    "brief_h_roads": ("五、事故多发路段", "5. Accident-prone road units"),
    "brief_h_hazards": ("六、逾期未整改重大事故隐患", "6. Overdue major hidden hazards"),
    "brief_and_more": ("等", " and others"),
    "brief_the_region": ("本地区", "the region"),
    "brief_count_county": ("{label}{n}个", "{n} {label}"),
    "brief_count_enterprise": ("{label}{n}家", "{n} {label}"),
    "brief_names": ("（{names}）", " ({names})"),
    "brief_counties": ("截至{as_of}，{region}共评估区县{n}个，其中{breakdown}。",
                       "As of {as_of}, {n} counties of {region} were assessed: {breakdown}. "),
    "brief_enterprises": ("纳入评估的企业共{n}家，其中{breakdown}。",
                          "{n} enterprises were graded: {breakdown}."),
    "brief_top_counties": ("风险值最高的区县：{items}。", "The highest-scoring counties are {items}."),
    "brief_top_item": ("{name}（{grade}，{score}分{drivers}）", "{name} ({grade}, {score} points{drivers})"),
    "brief_drivers_top": ("，主要因素：{top}", "; mainly {top}"),
    "brief_drivers_points": ("，主要来自{items}", "; mainly {items}"),
    "brief_hazards": ("现有未销号重大事故隐患{m}项，其中逾期未整改{k}项",
                      "{m} major hidden hazards are still open, {k} of them overdue"),
    "brief_supervised": ("（{items}）", " ({items})"),
    "brief_supervision_item": ("{level}挂牌督办{n}项", "{n} under {level} supervision"),
    "brief_period": ("。", ". "),
    "brief_roads": ("道路方面，事故多发路段单元{p}个；近12个月事故共造成{d}人死亡。",
                    "On the roads, {p} road units are accident-prone; deaths in accidents over the last 12 months: {d}."),
    "brief_filtered": ("注：本简报仅统计筛选范围内的数据（{desc}）。",
                       "Note: this briefing counts only the filtered data ({desc})."),
    "brief_demo": ("注：本简报使用示例数据（示例数据 / demo data），不反映任何地区的真实情况。",
                   "Note: this briefing uses demo data (示例数据 / demo data); it describes no real place."),
    "brief_map_caption": ("图1　{region}安全风险空间分布图（{as_of}）", "Figure 1. Safety risk map of {region}, {as_of}"),
    "brief_none": ("无。", "None."),
    "brief_enterprises_intro": ("重大风险企业{r}家、较大风险企业{o}家，按风险等级和风险值列出前{k}家（完整名单见风险清单）：",
                                "{r} major-risk and {o} significant-risk enterprises; the first {k} by grade and score (the register lists them all):"),
    "brief_roads_intro": ("事故多发路段单元共{n}个，按当量事故数列出前{k}个：",
                          "{n} accident-prone road units; the first {k} by EPDO:"),
    "brief_hazards_intro": ("逾期未整改的重大事故隐患共{n}项，按逾期天数列出前{k}项：",
                            "{n} overdue major hidden hazards; the first {k} by days overdue:"),
    "brief_closing": ("本简报由 RiskMap {version} 于 {today} 生成；各项数字取自同一评估结果，与风险地图和风险清单一致。",
                      "Generated by RiskMap {version} on {today}; every figure comes from the same assessment as the risk map and the register."),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def t(key: str, lang: str = "zh", **fmt) -> str:
    """Return the string ``key`` in ``lang``, formatted with ``fmt``."""
    pair = STRINGS.get(key) or COLUMN_LABELS.get(key)
    text = _pick(pair, lang) if pair else key
    return text.format(**fmt) if fmt else text


def grade_label(grade: str, lang: str = "zh") -> str:
    """Return the label of a grade key (``red`` → 重大风险 / major risk)."""
    return _pick(GRADE_LABELS[grade], lang) if grade in GRADE_LABELS else str(grade)


def sector_label(sector: str, lang: str = "zh") -> str:
    """Return the label of a sector key (``coal_mine`` → 煤矿 / coal mines)."""
    return _pick(SECTOR_LABELS[sector], lang) if sector in SECTOR_LABELS else str(sector)


def column_label(column: str, lang: str = "zh", *, both: bool = False) -> str:
    """Return the header of a canonical column.

    With ``both`` the canonical name and its Chinese label are given together
    (``county_code（区划代码）``), as the validation messages of a Chinese workspace
    quote them.
    """
    pair = COLUMN_LABELS.get(column)
    if pair is None:
        return column
    if both:
        return f"{column}（{pair[0]}）" if lang == "zh" else column
    return _pick(pair, lang)


def label(table: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """Return the label of ``key`` in one of the label tables of this module."""
    return _pick(table[key], lang) if key in table else str(key)


# Message templates of validation and joins: (zh, en).  Column names are passed
# already quoted by :func:`column_label` with ``both=True``.
MESSAGES = {
    "missing_column": ("缺少必填列 {col}；可接受的列名：{aliases}，或在 riskmap.toml 的 columns 中映射",
                       "required column {col} is missing; accepted names: {aliases}, or map it with `columns` in riskmap.toml"),
    "mapped_column_missing": ("riskmap.toml 将 {col} 映射到列 '{value}'，但文件中没有该列；文件中的列：{present}",
                              "riskmap.toml maps {col} to column '{value}', which the file lacks; its columns are: {present}"),
    "empty_id": ("{col} 为空；每一行都需要唯一编号", "{col} is empty; every row needs a unique ID"),
    "duplicate_id": ("{col} '{value}' 重复（第 {first} 行已出现）；编号必须唯一",
                     "{col} '{value}' is a duplicate (first seen at row {first}); IDs must be unique"),
    "empty_required": ("{col} 为空；该列必填", "{col} is empty; it is required"),
    "bad_number": ("{col} 的值 '{value}' 不是数字；应填写数字（如 12 或 0.5）", "{col} '{value}' is not a number; give a number such as 12 or 0.5"),
    "bad_choice": ("{col} 的值 '{value}' 无法识别；允许：{allowed}", "{col} '{value}' is not recognised; allowed: {allowed}"),
    "bad_date": ("{col} 的值 '{value}' 不是日期；允许：2026-10-31、2026/10/31、2026年10月31日 或 Excel 日期单元格",
                 "{col} '{value}' is not a date; allowed: 2026-10-31, 2026/10/31, 2026年10月31日 or an Excel date cell"),
    "date_impossible": ("{col} 的值 '{value}' 不是存在的日期（月或日超出范围）；允许：2026-10-31、2026/10/31、2026.10.31、2026年10月31日 或 Excel 日期单元格",
                        "{col} '{value}' is not a real date (the month or day is out of range); allowed: 2026-10-31, "
                        "2026/10/31, 2026.10.31, 2026年10月31日 or an Excel date cell"),
    "date_ambiguous": ("{col} 的值 '{value}' 可理解为两个日期（日/月/年 或 月/日/年）；请写成 2026-10-31 这样年份在前的形式",
                       "{col} '{value}' could mean two dates (day/month/year or month/day/year); write it year first, "
                       "as 2026-10-31"),
    "date_two_digit_year": ("{col} 的值 '{value}' 的年份只有两位，无法确定世纪；请写四位年份，如 2026-10-31",
                            "{col} '{value}' has a two-digit year, which could be in either century; write four "
                            "digits, as 2026-10-31"),
    "date_out_of_range": ("{col} 的值 '{value}' 的年份超出 1900–2100", "{col} '{value}' is outside the years 1900–2100"),
    "deadline_out_of_range": ("{col} 的值 '{value}' 的年份超出 1900–2100；没有整改期限请留空或写 9999-12-31",
                              "{col} '{value}' is outside the years 1900–2100; for no deadline leave the cell empty or "
                              "write 9999-12-31"),
    "geometry_not_finite": ("几何坐标含 NaN 或无穷大；请修复该要素的坐标", "the geometry has NaN or infinite coordinates; fix this feature"),
    "geometry_out_of_range": ("坐标 ({value}) 超出经纬度范围（经度 -180…180，纬度 -90…90，坐标系 {crs}）",
                              "coordinates ({value}) are outside longitude -180…180 / latitude -90…90 (CRS {crs})"),
    "geometry_in_metres": ("坐标 ({value}) 像是米制投影坐标，但坐标系为经纬度 {crs}；请在 riskmap.toml 中为该数据集声明投影坐标系，如 crs = \"EPSG:4547\"",
                           "coordinates ({value}) look like metres, but the CRS is in degrees ({crs}); declare the "
                           "projected CRS for this dataset in riskmap.toml, e.g. crs = \"EPSG:4547\""),
    "not_finite": ("{col} 的值 '{value}' 不是有限的数字；应填写普通数字", "{col} '{value}' is not a finite number; give an ordinary number"),
    "out_of_range": ("{col} 的值 '{value}' 超出范围；允许：{allowed}", "{col} '{value}' is out of range; allowed: {allowed}"),
    "lonlat_swapped": ("经纬度似乎颠倒（经度 '{lon}'，纬度 '{lat}'）；请检查 lon/lat 两列",
                       "longitude and latitude look swapped (lon '{lon}', lat '{lat}'); check the lon/lat columns"),
    "no_location": ("没有坐标（lon/lat 为空且无几何）；未分配到区县", "has no location (empty lon/lat and no geometry); left unassigned"),
    "bad_geometry_type": ("几何类型为 {value}；{dataset} 需要 {allowed}", "geometry is a {value}; {dataset} needs {allowed}"),
    "empty_geometry": ("几何为空；未分配", "geometry is empty; left unassigned"),
    "repaired_polygon": ("多边形无效（{value}），已用 make_valid 修复", "invalid polygon ({value}) repaired with make_valid"),
    "no_crs": ("未声明坐标系且文件中也没有，按 EPSG:4326（WGS-84）处理；如有不同请在 riskmap.toml 中声明 crs",
               "no CRS declared and none in the file; assumed EPSG:4326 (WGS-84); declare `crs` in riskmap.toml if not"),
    "bad_crs": ("坐标系 '{value}' 无法识别；允许：pyproj 可识别的任何 CRS（如 EPSG:4326、EPSG:4490、EPSG:4547）或 gcj02 / bd09",
                "CRS '{value}' is not known; allowed: any CRS pyproj knows (EPSG:4326, EPSG:4490, EPSG:4547, ...) or gcj02 / bd09"),
    "near_border": ("位于区域边界外 {dist:.0f} 米，已就近归入 {county}", "lies {dist:.0f} m outside the region; assigned to the nearest county, {county}"),
    "outside_region": ("位于区域外（距最近区县 {county} {dist}）；未分配", "lies outside the region ({dist} from the nearest county, {county}); left unassigned"),
    "county_mismatch": ("声明的 county_code '{value}' 与坐标所在区县 {actual} 不符；按坐标归入 {actual}",
                        "declared county_code '{value}' disagrees with the location, which is in {actual}; the location wins"),
    "unknown_enterprise": ("引用的企业编号 '{value}' 不在企业表中", "names enterprise '{value}', which is not in the enterprise list"),
    "no_hazard_location": ("既无企业也无坐标；未分配", "has neither a known enterprise nor a location; left unassigned"),
    "lec_incomplete": ("LEC 三项不全（{value}），改用下一种方法", "LEC factors incomplete ({value}); the next method is used"),
    "unsnapped": ("距最近道路单元超过 {dist:.0f} 米，未吸附（仍计入所在区县）", "more than {dist:.0f} m from any road unit; not snapped (still counted for its county)"),
    "road_outside": ("路段全部位于区域外；未分配", "the whole segment lies outside the region; left unassigned"),
    "road_partly_outside": ("路段有 {value} 米位于区域外，未计入", "{value} m of the segment lie outside the region and are not counted"),
    "more_rows": ("……另有 {n} 行同类问题", "... and {n} more rows with the same problem"),
    # --- reading a workspace (riskmap/workspace.py) ---
    "ws_no_folder": ("工作区文件夹 '{value}' 不存在；请给出包含 riskmap.toml 的文件夹",
                     "the workspace folder '{value}' does not exist; give a folder holding riskmap.toml"),
    "ws_no_toml": ("文件夹 {value} 中没有 riskmap.toml；工作区需要用它声明数据集（见 README）",
                   "the folder {value} has no riskmap.toml; a workspace declares its datasets there (see README)"),
    "ws_toml_not_utf8": ("riskmap.toml 不是 UTF-8 文本；请另存为 UTF-8", "riskmap.toml is not UTF-8 text; save it as UTF-8"),
    "ws_toml_invalid": ("riskmap.toml 不是有效的 TOML：{value}", "riskmap.toml is not valid TOML: {value}"),
    "ws_not_table": ("[{setting}] 必须是一个表（在 [{setting}] 下写 键 = 值）", "[{setting}] must be a table (key = value lines under [{setting}])"),
    "ws_no_counties": ("缺少 [datasets.counties]：区县多边形文件必填（如 path = \"counties.geojson\"）",
                       "[datasets.counties] is missing: a polygon file of the counties is required (e.g. path = \"counties.geojson\")"),
    "ws_bad_language": ("language 的值 '{value}' 不受支持；允许：zh、en", "language '{value}' is not supported; allowed: zh, en"),
    "ws_bad_basemap": ("basemap 的值 '{value}' 不可用（{reason}）；允许：{allowed}，或 http(s):// 开头、含 {{z}}/{{x}}/{{y}} 的 XYZ 瓦片地址",
                       "basemap '{value}' is not usable ({reason}); allowed: {allowed}, or an http(s):// XYZ URL template "
                       "with {{z}}/{{x}}/{{y}}"),
    "ws_refused_file": ("不予读取：{reason}", "not read: {reason}"),
    "ws_refused_path": ("{setting} = '{value}' 不予读取：{reason}", "{setting} = '{value}' is not read: {reason}"),
    "ws_no_as_of": ("未给出 as_of；按今天（{value}）评估", "no as_of given; using today, {value}"),
    "ws_no_path": ("[datasets.{dataset}] 缺少 path；请写 path = \"工作区内的文件\"",
                   "[datasets.{dataset}] has no path; write path = \"<a file inside the workspace>\""),
    "ws_path_outside": ("{setting} = '{value}' 超出工作区；只允许工作区文件夹内的相对路径（如 data/x.csv）",
                        "{setting} = '{value}' leaves the workspace; only relative paths inside the workspace folder are allowed (e.g. data/x.csv)"),
    "ws_path_missing": ("{setting} = '{value}'：工作区中没有这个文件", "{setting} = '{value}': the workspace has no such file"),
    "ws_standard_missing": ("{setting} = '{value}'：工作区中没有这个文件；内置标准：{builtin}",
                            "{setting} = '{value}': the workspace has no such file; built-in standards: {builtin}"),
    "ws_unknown_format": ("文件格式 '{value}' 不受支持；允许：{allowed}", "file format '{value}' is not supported; allowed: {allowed}"),
    "ws_not_text": ("文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本（可能是 UTF-16 或二进制文件）；请另存为 UTF-8 CSV 或 XLSX",
                    "the file is neither UTF-8 nor GBK/GB18030 text (UTF-16 or binary?); save it as UTF-8 CSV or XLSX"),
    "ws_unreadable": ("文件无法读取（{value}）；请确认它是有效的 {fmt} 文件", "the file cannot be read ({value}); check that it is a valid {fmt} file"),
    "ws_zip_no_shp": ("zip 压缩包中没有 .shp 文件；压缩的 Shapefile 需要 .shp、.shx、.dbf（和 .prj）",
                      "the zip holds no .shp file; a zipped Shapefile needs .shp, .shx, .dbf (and .prj)"),
    "ws_needs_geometry": ("{dataset} 需要几何图形（{allowed}）；请提供 GeoJSON、GeoPackage、Shapefile 或 GeoParquet 文件",
                          "{dataset} need geometries ({allowed}); give a GeoJSON, GeoPackage, Shapefile or GeoParquet file"),
    "ws_unknown_mapping": ("columns 映射了未知的标准列名 '{value}'，已忽略；{dataset} 的标准列：{allowed}",
                           "columns maps an unknown canonical column '{value}' (ignored); the columns of {dataset} are: {allowed}"),
    "ws_bad_crs": ("[datasets.{dataset}] 的 crs '{value}' 无法识别；允许：pyproj 可识别的任何 CRS（如 EPSG:4326、EPSG:4490、EPSG:4547）或 gcj02 / bd09",
                   "[datasets.{dataset}] crs '{value}' is not known; allowed: any CRS pyproj knows (EPSG:4326, EPSG:4490, EPSG:4547, ...) or gcj02 / bd09"),
    "ws_county_no_geometry": ("区县几何为空；每个区县都需要一个多边形（Polygon / MultiPolygon）",
                              "the county has no geometry; every county needs a polygon (Polygon / MultiPolygon)"),
    "ws_lec_allowed": ("{values}（评估标准 {standard} 的 [enterprise.lec] {setting}）", "{values} (standard {standard}, [enterprise.lec] {setting})"),
    "ws_extra_dataset": ("[datasets.{value}] 不是五个标准数据集之一，按附加图层读取；是否想写 [datasets.{guess}]？",
                         "[datasets.{value}] is not one of the five datasets and is read as an extra layer; did you mean [datasets.{guess}]?"),
    "ws_crs_override": ("riskmap.toml 声明的 crs '{value}' 取代了文件自带的坐标系 {file_crs}",
                        "the crs '{value}' declared in riskmap.toml overrides the file's own CRS, {file_crs}"),
    "upload_generated_toml": ("上传中没有 riskmap.toml：已按文件名生成（坐标按 WGS-84，评估日期为今天）。",
                              "No riskmap.toml among the uploads: one was written from the file names "
                              "(coordinates taken as WGS-84, as_of today)."),
    "ws_partial_location": ("只有经度或纬度之一（lon '{lon}'，lat '{lat}'）；两者都需要，否则该行没有位置",
                            "only one of lon/lat is given (lon '{lon}', lat '{lat}'); both are needed, else the row has no location"),
}


PROBLEM_WORDS = {
    "error": ("错误", "ERROR"),
    "warning": ("警告", "warning"),
    "row": ("第 {n} 行", "row {n}"),
    "feature": ("第 {n} 个要素", "feature {n}"),
    "line": ("第 {n} 行", "line {n}"),
    "column": ("列 {c}", "column {c}"),
    "counts": ("{e} 个错误，{w} 个警告", "{e} error(s), {w} warning(s)"),
    "more": ("……另有 {n} 条", "... {n} more"),
}


def problem_word(key: str, lang: str = "zh", **fmt) -> str:
    """Words of the problem report (``row 5`` / ``第 5 行``)."""
    return _pick(PROBLEM_WORDS[key], lang).format(**fmt)


def message(key: str, lang: str = "zh", **fmt) -> str:
    """Return the message template ``key`` in ``lang``, formatted with ``fmt``."""
    return _pick(MESSAGES[key], lang).format(**fmt)


def label_of(kind: str, value: Any, lang: str = "zh") -> str:
    """The label of a coded value: ``label_of("sector", "coal_mine")`` → 煤矿.

    ``kind`` is one of ``grade``, ``sector``, ``hazard_level``, ``hazard_status``,
    ``supervision``, ``accident_kind``, ``dataset``, ``method``; anything else is shown as text.
    """
    if kind == "grade":
        return grade_label(str(value), lang)
    if kind == "sector":
        return sector_label(str(value), lang)
    table = _LABEL_TABLES.get(kind)
    return label(table, str(value), lang) if table is not None else str(value)


_LABEL_TABLES = {
    "hazard_level": HAZARD_LEVEL_LABELS,
    "hazard_status": HAZARD_STATUS_LABELS,
    "supervision": SUPERVISION_LABELS,
    "accident_kind": ACCIDENT_KIND_LABELS,
    "dataset": DATASET_LABELS,
    "method": METHOD_LABELS,
}


# ---------------------------------------------------------------------------
# Messages kept as data
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnName:
    """A canonical column in a message: ``county_code（区划代码）`` in Chinese, ``county_code`` in English."""

    column: str

    def render(self, lang: str = "zh") -> str:
        return column_label(self.column, lang, both=True)


@dataclass(frozen=True)
class DatasetName:
    """A dataset in a message: ``区县（counties）`` in Chinese, ``counties`` in English."""

    dataset: str

    def render(self, lang: str = "zh") -> str:
        return f"{label(DATASET_LABELS, self.dataset, 'zh')}（{self.dataset}）" if lang == "zh" else self.dataset


@dataclass(frozen=True)
class Pair:
    """Words given in both languages, as a message parameter: ``Pair(zh, en)``."""

    zh: str
    en: str

    def render(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Msg:
    """A message of :data:`MESSAGES` kept as data: its key and its parameters.

    Parameters may themselves be words to render (:class:`ColumnName`,
    :class:`DatasetName`, :class:`Pair`, another :class:`Msg`).  ``both`` marks a message found
    before the workspace language is known: it reads ``中文 / English`` in any language.
    """

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    both: bool = False

    def render(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        if self.both:
            return f"{self._words('zh')} / {self._words('en')}"
        return self._words(lang)

    def _words(self, lang: str) -> str:
        values = {name: (value.render(lang) if hasattr(value, "render") else value) for name, value in self.params}
        return message(self.key, lang, **values)

    def __str__(self) -> str:
        return self.render("zh")


def msg(key: str, *, both: bool = False, **params: Any) -> Msg:
    """A :class:`Msg` of ``key``; parameters that are not plain values are kept as text."""
    if key not in MESSAGES:
        raise KeyError(f"no message {key!r}")
    return Msg(key, tuple((name, _plain(value)) for name, value in params.items()), both)


def _plain(value: Any) -> Any:
    """A parameter as a plain value: numpy numbers as Python ones, objects as text."""
    if isinstance(value, (str, int, float, bool, type(None), Msg, ColumnName, DatasetName, Pair)):
        return value
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return str(value)


def render(text: str | Msg, lang: str = "zh") -> str:
    """Words in ``lang``: a :class:`Msg` rendered, plain text as it is."""
    return text.render(lang) if isinstance(text, Msg) else str(text)
