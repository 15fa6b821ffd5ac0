"""Words of issue 10's print work: the register's title, date and note rows and its print
setup, the briefing's headers and fonts, the print map's legend and inset, the HTML title.

Merged into :data:`riskmap.i18n.STRINGS` by the package (a key may be defined once only).
"""

from __future__ import annotations

STRINGS = {
    # --- the print map (riskmap/export/staticmap.py, cartography.py) ---
    "legend_boundaries": ("区县界线", "County boundary"),
    "legend_enterprises": ("企业（家）", "Enterprises"),
    "legend_enterprises_high": ("企业（仅重大、较大风险，家）", "Enterprises (major and significant risk only)"),
    "legend_roads": ("道路单元（个）", "Road units"),
    "legend_prone": ("事故多发路段单元  {n}", "Accident-prone unit  {n}"),
    "legend_accidents_n": ("事故（近36个月）  {n}", "Accident (36 months)  {n}"),
    "legend_inset": ("放大图范围", "Extent of the inset"),
    "map_inset": ("放大图（约 {m} 倍）", "Inset (×{m})"),
    # --- the briefing's fonts (riskmap/export/docfonts.py) ---
    "docfont_title": ("标题", "title"),
    "docfont_body": ("正文", "body"),
    "docfont_heading1": ("一级标题", "level-1 headings"),
    "docfont_heading2": ("二级标题及图题", "level-2 headings and captions"),
    "docfont_item": ("{role}用 {used}（未安装 {wanted}）", "{role} in {used} ({wanted} is not installed)"),
    "docfont_item_missing": ("{role}仍标注 {wanted}（本机未安装该字体及替代字体，由打开文档的电脑决定）",
                             "{role} still names {wanted} (neither it nor a substitute is installed here; the "
                             "computer that opens the document decides)"),
    "docfont_note": ("简报公文字体（GB/T 9704）：{items}。", "Briefing fonts (GB/T 9704): {items}."),
    # --- the register (riskmap/export/register.py) ---
    "reg_title": ("{region}安全风险清单（{sheet}）", "Safety risk register of {region}: {sheet}"),
    "reg_dates": ("评估日期：{as_of}　　制表日期：{today}", "As of {as_of}  ·  made on {today}"),
    "reg_filters": ("　　筛选：{desc}", "  ·  filters: {desc}"),
    "reg_demo": ("　　示例数据 / demo data", "  ·  示例数据 / demo data"),
    "reg_footer": ("第 &P 页，共 &N 页", "Page &P of &N"),
    "reg_note_counties": ("本表收录：全部区县，共 {n} 个，按风险等级、风险值从高到低排列。",
                          "Rows: every county, {n} in all, worst grade and highest score first."),
    "reg_note_enterprises_key": ("本表收录：重大风险和较大风险（红色和橙色）企业，共 {n} 家；另有一般风险和低风险企业 {m} 家未列入"
                                 "（导出全部清单可列出）。",
                                 "Rows: the red and orange (major- and significant-risk) enterprises only, {n}; {m} yellow "
                                 "and blue ones are not listed (export the full register to list them)."),
    "reg_note_enterprises_all": ("本表收录：全部企业，共 {n} 家，按风险等级、风险值从高到低排列。",
                                 "Rows: every enterprise, {n} in all, worst grade and highest score first."),
    "reg_note_road_units_key": ("本表收录：事故多发路段单元和重大风险（红色）路段单元，共 {n} 个，事故多发的在前；"
                                "其余 {m} 个未列入（导出全部清单可列出）。",
                                "Rows: the accident-prone and the red road units only, {n}, accident-prone first; the other "
                                "{m} are not listed (export the full register to list them)."),
    "reg_note_road_units_all": ("本表收录：全部道路单元，共 {n} 个，事故多发的在前。",
                                "Rows: every road unit, {n} in all, accident-prone first."),
    "reg_note_hazards_key": ("本表收录：未销号（未整改、整改中）隐患，共 {n} 项，逾期的在前；已销号的 {m} 项未列入"
                             "（导出全部清单可列出）。",
                             "Rows: the open hazards (not rectified or being rectified) only, {n}, overdue first; {m} "
                             "closed ones are not listed (export the full register to list them)."),
    "reg_note_hazards_all": ("本表收录：全部隐患，共 {n} 项，未销号和逾期的在前。",
                             "Rows: every hazard, {n} in all, open and overdue first."),
    "reg_note_accidents": ("本表收录：评估时段内造成人员死亡或受伤的事故，共 {n} 起，最近的在前；其余 {m} 起"
                           "（仅财产损失或在评估时段外）未列入。",
                           "Rows: the accidents of the assessment window that killed or injured someone, {n}, latest "
                           "first; the other {m} (damage only, or outside the window) are not listed."),
    "reg_note_unassigned": ("本表收录：未能归入任何区县的记录，共 {n} 条，及其原因；这些记录未计入任何区县的得分。",
                            "Rows: every record that could not be placed in a county, {n}, with the reason; they count "
                            "for no county."),
}
