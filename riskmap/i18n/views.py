"""Words of issue 10 (sector views, uploads, the all-Chinese page, exports from the app).

Merged into :data:`riskmap.i18n.MESSAGES`, :data:`~riskmap.i18n.STRINGS` and
:data:`~riskmap.i18n.COLUMN_LABELS` by the package (a key may be defined once only).
"""

from __future__ import annotations

MESSAGES = {
    # --- rows left out on request (riskmap/io/skipping.py) ---
    "row_skipped": ("该行有错误，已略去（按“略去有错误的行”）：{error}",
                    "the row has errors and was left out (skip bad rows): {error}"),
    "row_bad_column": ("列 {col} 的值有误", "a bad value in column {col}"),
    "skipped_row": ("第 {row} 行有错误，已略去：{error}", "row {row} has errors and was left out: {error}"),
    # --- uploads (riskmap/io/upload.py) and the page's workspace ---
    "plain_pair": ("{zh}", "{en}"),
    "upload_bad_zip": ("不是有效的 ZIP 压缩包", "not a valid .zip file"),
    "upload_unsafe_member": ("压缩包中的路径 {member} 指向文件夹之外或是链接，不予解压",
                             "the zip holds a path outside its folder, or a link: {member}"),
    "upload_too_big": ("上传内容解压后超过上限 {limit}（可由管理员调整 RISKMAP_MAX_UNPACKED_MB）",
                       "the upload unpacks to more than the limit of {limit} (set RISKMAP_MAX_UNPACKED_MB to change it)"),
    "upload_bad_name": ("文件名 {member} 不可用", "the file name {member} is not usable"),
    "upload_no_counties": ("上传中没有区县边界文件（文件名含“区县”或 counties），也没有 riskmap.toml。",
                           "No county boundary file among the uploads (a name with 'counties' or '区县'), and no riskmap.toml."),
    "ws_toml_invalid_at": ("riskmap.toml 不是有效的 TOML：第 {line} 行第 {col} 列附近有误（常见原因：缺少 =、引号或方括号没有成对）",
                           "riskmap.toml is not valid TOML: {value}"),
    "ws_not_folder": ("工作区文件夹不存在", "the workspace folder does not exist"),
}

STRINGS = {
    # --- sector views (riskmap/sectorview.py, riskmap/view.py) ---
    "sector_regraded": ("按所选行业重新评估", "re-graded for the selected sectors"),
    "sector_map_title": ("{region}{sectors}安全风险分布图", "{region} {sectors} safety risk map"),
    "brief_regraded": ("各区县的等级、得分和主要因素按所选行业的企业、隐患和事故（含道路运输时含道路单元）重新评估；"
                       "“综合等级”为全部行业的等级。",
                       "The counties' grades, scores and top contributors are re-graded for the selected sectors "
                       "(their enterprises, hazards and accidents; road units when road transport is among them); "
                       "the all-sector grade is the grade over every sector."),
    "grade_all_note": ("综合等级：{grade}", "all sectors: {grade}"),
    "sector_grade_note": ("行业等级：{grade}（{score} 分）", "sector grade: {grade} ({score} points)"),
    "problem_file": ("文件", "file"),
    "problem_row": ("行", "row"),
    "problem_column": ("列", "column"),
    "problem_value": ("值", "value"),
    "problem_message": ("说明", "message"),
    "skipped_rows": ("已略去有错误的行 {n} 行（见 unassigned.csv）", "{n} rows with errors left out (see unassigned.csv)"),
    # --- the map ---
    "map_context": ("未选中的区县", "counties not selected"),
    # --- the page (page/) ---
    "ui_skip_bad_rows": ("略去有错误的行", "Leave out rows with errors"),
    "ui_skip_bad_rows_help": ("勾选后，企业、道路、事故、隐患中有错误的行被略去，其余照常评估；每一行及其错误列在 "
                              "unassigned.csv 中。不勾选时，有错误的工作区不予评估。",
                              "Rows of enterprises, roads, accidents and hazards with errors are left out and the rest is "
                              "assessed; each is listed in unassigned.csv with its error. Unticked, a workspace with "
                              "errors is not assessed."),
    "ui_skipped": ("已略去有错误的行 {n} 行（原因见“未分配”记录 unassigned.csv）",
                   "{n} rows with errors were left out (reasons in unassigned.csv)"),
    "ui_skip_hint": ("如只是个别行有错误，可在侧栏勾选“略去有错误的行”：这些行被略去并列入 unassigned.csv，其余照常评估。",
                     "If only some rows are wrong, tick “Leave out rows with errors” in the sidebar: they are left out "
                     "and listed in unassigned.csv, the rest is assessed."),
    "ui_choose": ("请选择", "Choose"),
    "ui_sector_type": ("输入行业名称后回车（只选该行业）", "Type a sector and press Enter (that sector alone)"),
    "ui_sector_type_hint": ("如：危险化学品", "e.g. hazardous chemicals"),
    "ui_sector_unknown": ("没有名为“{value}”的行业", "No sector is called “{value}”"),
    "ui_upload_broken": ("上传的文件（{files}）有错误，未采用：", "The upload ({files}) has errors and was not used:"),
    "ui_upload_kept": ("页面仍显示上一次可用的工作区：{source}。改正后重新上传即可替换。",
                       "The page goes on with the last good workspace: {source}. Upload the corrected files to replace it."),
    "ui_upload_current": ("当前使用上传的文件：{files}（再次上传将替换，不会合并）",
                          "Using the uploaded files: {files} (a new upload replaces them, never merges)"),
    "ui_upload_clear": ("移除上传，恢复默认工作区", "Remove the upload, back to the default workspace"),
    "ui_export_settings": ("导出设置（纸张、方向、分辨率、标题）", "Export settings (paper, orientation, resolution, title)"),
    "ui_export_paper": ("纸张", "Paper"),
    "ui_export_orientation": ("方向", "Orientation"),
    "ui_export_landscape": ("横向", "landscape"),
    "ui_export_portrait": ("纵向", "portrait"),
    "ui_export_dpi": ("分辨率（每英寸点数）", "Resolution (dots per inch)"),
    "ui_export_dpi_help": ("用于 PNG 图片与简报中的地图；A4 横向 300 时为 3508 × 2480 像素。",
                           "For PNG images and the briefing's map; A4 landscape at 300 is 3508 × 2480 pixels."),
    "ui_export_title": ("地图标题", "Map title"),
    "ui_export_title_help": ("留空则用当前标题。", "Leave empty for the current title."),
    "ui_download_names": ("文件名以“{stem}”开头（地区、筛选条件、日期）；所有文件均按当前筛选生成。",
                          "File names start with “{stem}” (region, filters, date); every file follows the filters."),
    "ui_no_rows": ("没有符合条件的记录", "No records match"),
    "ui_fmt_png": ("图片 PNG", "PNG image"),
    "ui_fmt_pdf": ("文档 PDF", "PDF"),
    "ui_fmt_svg": ("矢量图 SVG", "SVG"),
    "ui_fmt_html": ("网页地图 HTML", "HTML map"),
    "ui_fmt_xlsx": ("台账 XLSX", "Register XLSX"),
    "ui_fmt_docx": ("简报 DOCX", "Briefing DOCX"),
    "ui_bm_osm": ("开放街道地图", "OpenStreetMap"),
    "ui_bm_carto-light": ("浅色底图", "CARTO light"),
    "ui_bm_tianditu": ("天地图", "Tianditu"),
    "ui_bm_gaode": ("高德地图", "Gaode (Amap)"),
}

COLUMN_LABELS = {
    "grade_all": ("综合等级", "all-sector grade"),
    "score_all": ("综合得分", "all-sector score"),
}
