"""Words of issue 9 (real office ledgers): links, notes, sheets, local words, the standard's checks.

Merged into :data:`riskmap.i18n.MESSAGES`, :data:`~riskmap.i18n.STRINGS` and
:data:`~riskmap.i18n.COLUMN_LABELS` by the package (a key may be defined once only).
"""

from __future__ import annotations

MESSAGES = {
    # --- links between records (riskmap/spatial.py) ---
    "linked_by_name": ("企业编号 '{value}' 不在企业表中，已按企业名称 '{name}' 关联",
                       "enterprise '{value}' is not in the enterprise list; linked by the name '{name}'"),
    "unknown_enterprise_name": ("企业名称 '{value}' 不在企业表中；记录保留，未关联企业",
                                "names enterprise '{value}', which is not in the enterprise list; kept, not linked"),
    "ambiguous_enterprise_name": ("企业名称 '{value}' 对应企业表中的多家企业；记录保留，未关联企业（请填写企业编号或统一社会信用代码）",
                                  "the name '{value}' fits several enterprises of the list; kept, not linked "
                                  "(give the enterprise ID or credit code)"),
    "enterprise_unassigned": ("所属企业 '{value}' 未归属任何区县（区域外或没有位置）；未分配",
                              "its enterprise '{value}' has no county (outside the region or no location); left unassigned"),
    "unsnapped_no_roads": ("没有道路单元可吸附（工作区没有道路数据或道路均在区域外）；仍计入所在区县",
                           "no road units to snap to (the workspace has no roads inside the region); still counted for its county"),
    # --- enterprises located by their county (riskmap/io/countynames.py) ---
    "county_name_unknown": ("所属区县 '{value}' 不是区县表中的区县；允许：{allowed}",
                            "county '{value}' is not a county of the county file; allowed: {allowed}"),
    "county_name_ambiguous": ("区县名称 '{value}' 对应多个区县（{allowed}）；请填写 city（所属地市）列或区划代码",
                              "the county name '{value}' fits several counties ({allowed}); give a city column or the county code"),
    "county_code_unknown": ("区划代码 '{value}' 不是区县表中的区县，该行又没有坐标，无法定位；允许：{allowed}",
                            "county code '{value}' is not a county of the county file, and the row has no coordinates; "
                            "allowed: {allowed}"),
    "county_name_mismatch": ("声明的区县 '{value}' 不是区县表中的区县（按坐标归入 {actual}）",
                             "the declared county '{value}' is not in the county file (the location, in {actual}, is used)"),
    # --- identifiers (riskmap/io/values.py) ---
    "credit_code_check": ("统一社会信用代码 '{value}' 校验位不符（GB 32100-2015，应为 '{expected}'）；请核对",
                          "credit code '{value}' fails its check character (GB 32100-2015: expected '{expected}'); check it"),
    "credit_code_shape": ("统一社会信用代码 '{value}' 不是 18 位（数字和除 I、O、S、V、Z 外的大写字母）；请核对",
                          "credit code '{value}' is not 18 characters of digits and capitals other than I, O, S, V, Z; check it"),
    "bad_lonlat_pair": ("{col} 的值 '{value}' 不是“经度,纬度”；应写成 113.30,40.10 这样的两个数",
                        "{col} '{value}' is not 'longitude,latitude'; write two numbers such as 113.30,40.10"),
    # --- dates after as_of (riskmap/io/values.py) ---
    "date_after_as_of": ("{col} 的值 '{value}' 晚于评估日期 as_of（{as_of}）；请核对",
                         "{col} '{value}' is after the assessment date as_of ({as_of}); check it"),
    # --- local words (riskmap/io/values.py, riskmap/io/localwords.py) ---
    "unknown_value": ("{col} 的值 '{value}' 无法识别（共 {count} 行：{rows}）；允许：{allowed}。如是本地叫法，在 riskmap.toml 中加一行："
                      "[{table}] {line}（把 {example} 换成它的含义）",
                      "{col} '{value}' is not recognised ({count} rows: {rows}); allowed: {allowed}. If it is a local word, "
                      "add to riskmap.toml: [{table}] {line} (with {example} replaced by what it means)"),
    "values_unknown_column": ("[{table}] 中的 '{value}' 不是可映射的列；可映射：{allowed}",
                              "'{value}' in [{table}] is not a column whose values can be mapped; allowed: {allowed}"),
    "values_not_table": ("[{table}] {value} 必须是一个表，如 {value} = {{ \"本地叫法\" = \"key\" }}",
                         "[{table}] {value} must be a table, e.g. {value} = {{ \"local word\" = \"key\" }}"),
    "values_bad_target": ("[{table}] {column} 把 '{value}' 映射到 '{target}'，它不是允许的值；允许：{allowed}",
                          "[{table}] {column} maps '{value}' to '{target}', which is not allowed; allowed: {allowed}"),
    # --- spreadsheets (riskmap/io/sheets.py) ---
    "missing_columns_found": ("缺少必填列 {col}；可接受的列名：{aliases}，或在 riskmap.toml 的 columns 中映射。{where}找到的列：{found}",
                              "required column {col} is missing; accepted names: {aliases}, or map it with `columns` in "
                              "riskmap.toml. The columns found {where}: {found}"),
    "where_sheet_row": ("在工作表 '{sheet}' 第 {row} 行", "on sheet '{sheet}', row {row}"),
    "where_row": ("在第 {row} 行", "on row {row}"),
    "no_such_sheet": ("[datasets.{dataset}] sheet = '{value}'：工作簿中没有这个工作表；工作表：{allowed}",
                      "[datasets.{dataset}] sheet = '{value}': the workbook has no such sheet; its sheets: {allowed}"),
    "bad_header_row": ("[datasets.{dataset}] header_row = {value} 不可用；允许：1 到 {allowed} 之间的整数（表头所在的行号）",
                       "[datasets.{dataset}] header_row = {value} is not usable; allowed: a whole number from 1 to {allowed} "
                       "(the row holding the column names)"),
    "header_found": ("表头在第 {row} 行（{sheet}），其上的标题行已跳过", "the header is on row {row} ({sheet}); the title rows above it are skipped"),
    # --- the grading standard (riskmap/standard.py) ---
    "std_bad_value": ("{where} = {value} 不可用；允许：{allowed}", "{where} = {value} is not allowed; allowed: {allowed}"),
    "std_not_table": ("{where} = {value} 不是表；允许：一个表 {{ {allowed} }}", "{where} = {value} is not a table; allowed: a table {{ {allowed} }}"),
    "std_unknown_key": ("{where} = {value}：'{name}' 不是评估标准的键{guess}；此处可用的键：{allowed}",
                        "{where} = {value}: '{name}' is not a key of a standard{guess}; the keys allowed here: {allowed}"),
    "std_guess": ("（是否想写 '{value}'？）", " (did you mean '{value}'?)"),
    "std_bad_sector_key": ("{where}：'{value}' 不能作键；允许：小写字母、数字和 _（如 fireworks）",
                           "{where}: '{value}' is not a key; allowed: lower-case letters, digits and _ (e.g. fireworks)"),
    "std_order": ("[{where}] thresholds 须满足 red >= orange >= yellow，实为 {value}",
                  "[{where}] thresholds must satisfy red >= orange >= yellow, got {value}"),
    "std_unknown_sector": ("{where}：'{value}' 不是 [sectors] 中的行业；允许：{allowed}",
                           "{where}: '{value}' is not a sector of [sectors]; allowed: {allowed}"),
    "std_sector_incomplete": ("[sectors.{value}] 缺少 {where}；每个行业需要 zh、en 和 baseline",
                              "[sectors.{value}] has no {where}; every sector needs zh, en and baseline"),
    "ws_matrix_allowed": ("{values}（评估标准 {standard} 的 [enterprise.matrix] scale）",
                          "{values} (standard {standard}, [enterprise.matrix] scale)"),
    "std_not_toml": ("不是有效的 TOML：{value}", "not a valid TOML file: {value}"),
    "std_missing": ("评估标准文件 '{value}' 不存在；内置标准：{allowed}", "standard file '{value}' does not exist; built-in standards: {allowed}"),
    # allowed-value words of the standard's keys
    "std_allowed_number": ("数字{bounds}", "a number{bounds}"),
    "std_allowed_integer": ("{low} 到 {high} 之间的整数", "a whole number from {low} to {high}"),
    "std_allowed_grade": ("风险等级 {grades}", "a grade: {grades}"),
    "std_allowed_bool": ("true 或 false", "true or false"),
    "std_allowed_text": ("带引号的文字", "a text in quotes"),
    "std_allowed_colour": ("颜色 \"#RRGGBB\"", "a colour \"#RRGGBB\""),
    "std_allowed_factors": ("正数列表，如 [10, 6, 3, 1]", "a list of positive numbers, e.g. [10, 6, 3, 1]"),
    "std_allowed_scale": ("两个整数 [low, high]，1 <= low < high <= 10", "two whole numbers [low, high] with 1 <= low < high <= 10"),
    "std_allowed_aliases": ("文字列表，如 [\"烟花\", \"爆竹\"]", "a list of texts, e.g. [\"烟花\", \"爆竹\"]"),
}

STRINGS = {
    "located_by_county_note": ("另有 {n} 家企业没有坐标，按所属区县计入，未在图上绘出",
                               "{n} more enterprises have no coordinates: counted in their counties, not drawn"),
    "ui_notes": ("说明记录（notes.csv）：{n} 条", "Notes (notes.csv): {n}"),
    "sheet_accidents": ("事故", "accidents"),
}

COLUMN_LABELS = {
    "city": ("所属地市", "city"),
    "credit_code": ("统一社会信用代码", "credit code"),
    "enterprise_name": ("企业名称", "enterprise name"),
    "lonlat": ("经纬度", "lng,lat"),
    "located_by": ("定位方式", "located by"),
    "note": ("说明", "note"),
    "severity_class": ("事故类别", "severity"),
    "in_window": ("在统计窗口内", "in window"),
}

SEVERITY_LABELS = {"fatal": ("死亡事故", "fatal"), "injury": ("受伤事故", "injury"), "pdo": ("财产损失事故", "property only")}
"""Accident classes (DESIGN §6)."""

LOCATED_BY_LABELS = {"point": ("坐标", "coordinates"), "county": ("所属区县（无坐标）", "its county (no coordinates)"),
                     "enterprise": ("所属企业", "its enterprise"), "none": ("无", "none")}
"""How a record was placed (``located_by``)."""
