"""Language strings (中文 / English).

Every label a user reads comes from here: grade, sector, hazard and column labels and
the message templates of validation, the summary and the exports.  ``t(key, lang)``
looks a string up; a missing key falls back to the key itself so a gap shows.
"""

from __future__ import annotations

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
    # --- exports (static map, register, briefing): riskmap.staticmap/register/briefing ---
    "filters_applied": ("筛选：", "Filters: "),
    "legend_county_grades": ("区县风险等级（个数）", "County risk grade (count)"),
    "legend_symbols": ("图例", "Symbols"),
    "legend_enterprise": ("企业（颜色示风险等级）", "Enterprise (colour = grade)"),
    "legend_road": ("道路单元（颜色示风险等级）", "Road unit (colour = grade)"),
    "legend_major_hazard": ("未销号重大隐患（{n} 处）", "Open major hazard ({n})"),
    "legend_accident": ("事故（近36个月）", "Accident (36 months)"),
    "legend_context": ("未选中区县", "County not selected"),
    "table_title": ("各风险等级数量", "Counts by grade"),
    "north": ("北", "N"),
    "footer_projection": ("投影：{crs}    RiskMap {version} 制图于 {today}",
                          "Projection: {crs}    Made with RiskMap {version} on {today}"),
    "sheet_unassigned": ("未分配", "unassigned"),
    "method_lec": ("作业条件危险性评价法（LEC）", "LEC"),
    "method_matrix": ("风险矩阵法", "risk matrix"),
    "method_baseline": ("行业基准", "sector baseline"),
    "enterprises_red": ("重大风险企业数", "major-risk enterprises"),
    "enterprises_orange": ("较大风险企业数", "significant-risk enterprises"),
    "enterprises_yellow": ("一般风险企业数", "general-risk enterprises"),
    "enterprises_blue": ("低风险企业数", "low-risk enterprises"),
    "area_km2": ("面积（km²）", "area (km²)"),
    "fatal_accidents_12m": ("近12个月死亡事故起数", "fatal accidents, last 12 months"),
    "inherent_value": ("固有风险值（D 或 R）", "inherent value (D or R)"),
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
    "bad_number": ("{col} 的值 '{value}' 不是数字", "{col} '{value}' is not a number"),
    "bad_choice": ("{col} 的值 '{value}' 无法识别；允许：{allowed}", "{col} '{value}' is not recognised; allowed: {allowed}"),
    "bad_date": ("{col} 的值 '{value}' 不是日期；允许：2026-10-31、2026/10/31、2026年10月31日 或 Excel 日期单元格",
                 "{col} '{value}' is not a date; allowed: 2026-10-31, 2026/10/31, 2026年10月31日 or an Excel date cell"),
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
}


def message(key: str, lang: str = "zh", **fmt) -> str:
    """Return the message template ``key`` in ``lang``, formatted with ``fmt``."""
    return _pick(MESSAGES[key], lang).format(**fmt)
