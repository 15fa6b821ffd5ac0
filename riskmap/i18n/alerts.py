"""Words of the history, the forecast and the warnings (隐患预测预警): ``key -> (zh, en)``.

:data:`MESSAGES` holds the warnings' messages (kept as :class:`~riskmap.i18n.Msg` data,
rendered in the reader's language) and the notes on dated ledgers; :data:`STRINGS`
the labels of warning kinds and the page's, the CLI's and the charts' words.
"""

from __future__ import annotations

KIND_LABELS = {
    "grade_rise": ("等级上升", "grade rise"),
    "forecast_rise": ("预测升级", "forecast rise"),
    "overdue": ("隐患逾期", "overdue hazard"),
    "supervised_overdue": ("督办隐患逾期", "supervised hazard overdue"),
    "due_soon": ("隐患临期", "hazard due soon"),
    "accident_trend": ("事故上升", "rising accidents"),
    "repeated_hazards": ("隐患频发", "repeated hazards"),
    "hotspot": ("事故聚集路段", "accident hotspot"),
}
"""The kinds of warning (``kind`` of ``warnings.csv``), in the order a reader weighs them."""

LEVEL_LABELS = {
    "red": ("红色预警", "red"),
    "orange": ("橙色预警", "orange"),
    "yellow": ("黄色预警", "yellow"),
    "blue": ("蓝色预警", "blue"),
}
"""The levels of a warning (the grade keys), as a warning is named."""

COLUMN_LABELS = {"valid_from": ("生效日期", "valid from")}
"""Labels of the columns this capability adds (an enterprise snapshot's date)."""

MESSAGES = {
    # --- warnings: what, how much, since when ---
    "warn_grade_rise": ("{what}风险等级由{old}升为{new}（上升 {steps} 级，{previous} → {now}）",
                        "{what} rose from {old} to {new} ({steps} grade(s), {previous} → {now})"),
    "warn_grade_rising": ("{what}风险等级由{old}升为{new}（上升 {steps} 级，{previous} → {now}；{since} 起逐期上升）",
                          "{what} rose from {old} to {new} ({steps} grade(s), {previous} → {now}; rising every period "
                          "since {since})"),
    "warn_forecast_rise": ("若不整改，{when}{what}将由{old}升为{new}：{drivers}",
                           "If nothing is rectified, by {when} {what} rises from {old} to {new}: {drivers}"),
    "warn_overdue": ("{level}隐患逾期 {days} 天（整改期限 {deadline}）：{description}",
                     "{level} hazard {days} days overdue (deadline {deadline}): {description}"),
    "warn_supervised_overdue": ("{supervision}挂牌督办隐患逾期 {days} 天（整改期限 {deadline}）：{description}",
                                "hazard under {supervision} supervision {days} days overdue (deadline {deadline}): {description}"),
    "warn_due_today": ("{level}隐患今天到期（整改期限 {deadline}）：{description}",
                       "{level} hazard due today (deadline {deadline}): {description}"),
    "warn_due_soon": ("{level}隐患 {days} 天后到期（整改期限 {deadline}）：{description}",
                      "{level} hazard due in {days} day(s) (deadline {deadline}): {description}"),
    "warn_accident_trend": ("{parts}（{since} 起）", "{parts} (since {since})"),
    "warn_repeated_hazards": ("近 {days} 天排查出隐患 {count} 项（≥ {min} 项），其中未销号 {open} 项（{since} 起）",
                              "{count} hazards found in the last {days} days (≥ {min}), {open} still open (since {since})"),
    "warn_hotspot": ("事故当量聚集：Getis–Ord Gi* z = {z:.2f}，p = {p:.3f}；本单元近 {months} 个月当量事故 {epdo:g}，"
                     "{band:g} m 内 {n} 个单元共 {total:g}（{since} 起）",
                     "accident EPDO cluster: Getis–Ord Gi* z = {z:.2f}, p = {p:.3f}; this unit {epdo:g} EPDO in "
                     "{months} months, {total:g} on the {n} units within {band:g} m (since {since})"),
    # parts of the messages above
    "what_counties": ("区县 {name} ", "county {name}"),
    "what_enterprises": ("企业 {name} ", "enterprise {name}"),
    "what_road_units": ("道路单元 {name} ", "road unit {name}"),
    "when_month": ("下月（{date}）", "the end of next month ({date})"),
    "when_month_rest": ("本月末（{date}）", "the end of this month ({date})"),
    "when_quarter": ("下季度（{date}）", "the end of next quarter ({date})"),
    "when_quarter_rest": ("本季度末（{date}）", "the end of this quarter ({date})"),
    "driver_overdue": ("{n} 项隐患将逾期", "{n} hazard(s) become overdue"),
    "driver_overdue_total": ("{n} 项隐患将逾期（届时逾期共 {total} 项）", "{n} hazard(s) become overdue ({total} overdue then)"),
    "driver_enterprises": ("{n} 家企业将升级", "{n} enterprise(s) rise"),
    "driver_score": ("风险值由 {before:.1f} 升至 {after:.1f}", "score from {before:.1f} to {after:.1f}"),
    "driver_none": ("当量事故数由 {before:g} 变为 {after:g}", "EPDO from {before:g} to {after:g}"),
    "join_comma": ("{a}，{b}", "{a}, {b}"),
    "join_semicolon": ("{a}；{b}", "{a}; {b}"),
    "trend_mk": ("近 {months} 个月{measure}显著上升（Mann–Kendall 检验 p = {p:.3f}，Sen 斜率 {slope:+.2f}/月）",
                 "{measure} rising over the last {months} months (Mann–Kendall p = {p:.3f}, Sen slope {slope:+.2f}/month)"),
    "trend_recent": ("近 {recent_months} 个月{measure} {recent:g}，上年同期 {before:g}（增加 {increase:g}{pct}）",
                     "{measure}: {recent:g} in the last {recent_months} months against {before:g} a year earlier "
                     "(+{increase:g}{pct})"),
    "measure_accidents": ("事故起数", "accidents"),
    "measure_deaths": ("死亡人数", "deaths"),
    # --- dated ledgers (hazards, accidents, enterprise snapshots) ---
    "hazard_closed_no_date": ("整改状态为已销号，但销号日期为空：历史中按发现当日已销号计（请补填销号日期）",
                              "the status is closed but closed_date is empty: the history counts it closed from the day "
                              "it was found (fill in closed_date)"),
    "hazard_closed_date_open": ("已填销号日期 {value}，但整改状态为 {status}：自销号日期起按已销号计",
                                "closed_date {value} is given but the status is {status}: counted closed from closed_date"),
    "hazard_closed_before_found": ("销号日期 {value} 早于排查日期 {found}：按发现当日已销号计",
                                   "closed_date {value} is before found_date {found}: counted closed from the day it was found"),
    "snapshot_duplicate": ("{col} '{value}' 有两行生效日期相同（{date}，第 {first} 行已出现）；同一企业每个生效日期只能有一行",
                           "{col} '{value}' has two rows valid from the same date ({date}; first at row {first}); one "
                           "row per enterprise and valid_from"),
    "snapshot_moved": ("企业 '{value}' 的历史版本坐标与当前版本不同：企业位置按评估日期时有效的版本计",
                       "enterprise '{value}': an earlier snapshot has other coordinates; the enterprise is placed by "
                       "the row valid at as_of"),
    "std_allowed_watched": ('由 "counties"、"enterprises"、"road_units" 组成的列表', 'a list of "counties", "enterprises", "road_units"'),
    "std_allowed_measures": ('由 "accidents"、"deaths" 组成的列表', 'a list of "accidents", "deaths"'),
    "std_allowed_band": ('以米计的距离（> 0 且 <= 100000），或 "auto"', 'a distance in metres > 0 and <= 100000, or "auto"'),
    "as_of_bad": ("--as-of 的值 '{value}' 不是日期；请写成 2026-10-31", "--as-of '{value}' is not a date; write it as 2026-10-31"),
}
"""Messages of the warnings and of dated ledgers (parameters as :func:`riskmap.i18n.msg` takes them)."""

STRINGS = {
    # --- the page ---
    "ui_tab_warnings": ("预警", "Warnings"),
    "ui_period": ("时点（历史月末、预测）", "Period end (history, forecast)"),
    "ui_period_forecast": ("{d}（预测：若不整改）", "{d} (forecast: nothing rectified)"),
    "ui_period_now": ("{d}（评估日期）", "{d} (as of)"),
    "ui_map_mode": ("地图显示", "Map shows"),
    "ui_mode_grade": ("等级", "grade"),
    "ui_mode_change": ("变化（较上期）", "change (since the previous period)"),
    "ui_warn_levels": ("预警级别", "Warning levels"),
    "ui_warn_kinds": ("预警类型", "Warning kinds"),
    "ui_warn_caption": ("{n} 条预警（截至 {d}；选中一行可在地图上定位）",
                        "{n} warnings (as of {d}; select a row to find it on the map)"),
    "ui_warn_find": ("在地图上定位", "Find on the map"),
    "ui_warn_none": ("当前筛选下没有预警", "No warnings under the current filters"),
    "ui_trend": ("风险值变化（背景为等级区间，末点为预测）", "Score over the periods (grade bands behind; the last point is the forecast)"),
    "ui_history_caption": ("时点 {d}（{kind}，共 {n} 期）", "Period end {d} ({kind}, {n} periods)"),
    "ui_forecast_note": ("预测：若不整改、无新增事故和隐患，{d} 的风险等级", "Forecast: the grades at {d} if nothing is rectified and nothing new happens"),
    "period_month": ("按月", "monthly"),
    "period_quarter": ("按季", "quarterly"),
    # --- change legend (map) ---
    "change_title": ("较上期等级变化", "Grade change since the previous period"),
    "change_up2": ("升两级及以上", "up 2 or more"),
    "change_up1": ("升一级", "up 1"),
    "change_same": ("不变", "unchanged"),
    "change_down1": ("降一级", "down 1"),
    "change_down2": ("降两级及以上", "down 2 or more"),
    # --- warnings table ---
    "warning_level": ("预警级别", "level"),
    "warning_kind": ("预警类型", "kind"),
    "warning_dataset": ("对象", "subject"),
    "warning_id": ("编号", "ID"),
    "warning_name": ("名称", "name"),
    "warning_message": ("预警内容", "message"),
    "warning_since": ("起始时点", "since"),
    # --- the command line ---
    "cli_warnings": ("预警 {n} 条：{levels}", "warnings {n}: {levels}"),
    "cli_no_warnings": ("没有符合条件的预警", "no warnings match"),
    "cli_forecast": ("预测 {d}（若不整改）：区县 {counties}；将升级：区县 {c}、企业 {e}、道路单元 {r}",
                     "forecast {d} (nothing rectified): counties {counties}; rising: {c} counties, {e} enterprises, "
                     "{r} road units"),
}
"""Labels and words of the page, the command line and the map for the history and warnings."""
