"""Label tables (中文 / English): grades, hazard words, datasets and columns.

Each table maps a key of the data to its ``(zh, en)`` labels.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")

GRADE_LABELS = {
    "red": ("重大风险", "major risk"),
    "orange": ("较大风险", "significant risk"),
    "yellow": ("一般风险", "general risk"),
    "blue": ("低风险", "low risk"),
}

# Sector labels live in the grading standard's [sectors] tables (riskmap.sectors).

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
    "rate": ("事故率（当量事故/公里·年）", "rate (EPDO/km/yr)"),
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
