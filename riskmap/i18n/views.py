"""Words of issue 10 (sector views, uploads, the all-Chinese page, exports from the app).

Merged into :data:`riskmap.i18n.MESSAGES`, :data:`~riskmap.i18n.STRINGS` and
:data:`~riskmap.i18n.COLUMN_LABELS` by the package (a key may be defined once only).
"""

from __future__ import annotations

MESSAGES = {
    # --- rows left out with --skip-bad-rows (riskmap/io/skipping.py) ---
    "row_skipped": ("该行有错误，已按 --skip-bad-rows 略去：{error}",
                    "the row has errors and was left out (--skip-bad-rows): {error}"),
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
}

COLUMN_LABELS = {
    "grade_all": ("综合等级", "all-sector grade"),
    "score_all": ("综合得分", "all-sector score"),
}
