"""What the ``riskmap`` command prints: aligned tables, problems, the summary, the warnings.

Text for a terminal, in the workspace's language; widths count a CJK character as two
columns, so the columns of a Chinese table line up.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from riskmap.errors import Problem
from riskmap.i18n import t as _t


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def format_table(header: list[str], rows: list[list[str]], *, right: set[int] = frozenset()) -> str:
    """Render an aligned plain-text table (CJK characters count double)."""
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = "  ".join(_pad(h, w, i in right) for i, (h, w) in enumerate(zip(header, widths)))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(_pad(c, w, i in right) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    return "\n".join([line, rule, *body])


def format_problems(problems: list[Problem], *, lang: str = "en", limit_per_file: int | None = None) -> str:
    """Group problems by file: errors first, each naming row, column and the problem."""
    from riskmap.i18n import problem_word

    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    sep = "，" if lang == "zh" else ", "
    lines = []
    for file, items in by_file.items():
        # In row order, as a person goes through the spreadsheet: file-level problems
        # first, a column's "... and N more rows" note last.
        by_row = sorted(items, key=lambda p: p.row if p.row is not None else (float("inf") if p.column else -1))
        errors = [p for p in by_row if p.severity == "error"]
        warnings = [p for p in by_row if p.severity == "warning"]
        lines.append(f"{file}: " + problem_word("counts", lang, e=len(errors), w=len(warnings)))
        shown = 0
        for problem in errors + warnings:
            if limit_per_file is not None and shown >= limit_per_file:
                lines.append("  " + problem_word("more", lang, n=len(items) - shown))
                break
            where = []
            if problem.row is not None:
                where.append(problem_word(problem.unit if problem.unit in ("feature", "line") else "row", lang, n=problem.row))
            if problem.column:
                where.append(problem_word("column", lang, c=problem.column))
            prefix = problem_word(problem.severity, lang)
            location = f"{sep.join(where)}: " if where else ""
            lines.append(f"  {prefix} {location}{problem.message}")
            shown += 1
    return "\n".join(lines)


def summary_text(assessment) -> str:
    """The readable summary `riskmap assess` prints (counties worst first, as every table)."""
    from riskmap.grades import GRADES
    from riskmap.i18n import grade_label
    from riskmap.tables import county_rows

    lang = getattr(assessment, "lang", None) or assessment.language
    s = assessment.summary
    zh = lang == "zh"
    labels = [grade_label(g, lang) for g in GRADES]
    rows = []
    names = {"counties": ("区县", "counties"), "enterprises": ("企业", "enterprises"), "roads": ("道路单元", "road units")}
    for key in ("counties", "enterprises", "roads"):
        by = s[key]["by_grade"]
        total = sum(by.values())
        rows.append([names[key][0 if zh else 1], *[str(by[g]) for g in GRADES], str(total)])
    title, described = getattr(assessment, "title", assessment.info.title), getattr(assessment, "describe_filters", str)()
    out = [f"{title} — {'评估日期' if zh else 'as of'} {s['as_of']} ({'标准' if zh else 'standard'}: {s['standard']})"]
    out += [described, ""] if described else [""]
    out.append(format_table(["" , *labels, "合计" if zh else "total"], rows, right={1, 2, 3, 4, 5}))
    out.append("")
    e, r, a, h = s["enterprises"], s["roads"], s["accidents"], s["hazards"]
    if zh:
        by_county = f"（其中无坐标、按所属区县计入 {e['located_by_county']}）" if e.get("located_by_county") else ""
        out.append(f"企业 {e['input']} 家，已归属 {e['assigned']}{by_county}，未归属 {e['unassigned']}")
        out.append(f"道路 {r['segments_input']} 段，{r['input_length_m'] / 1000:.1f} km，区内 {r['assigned_length_m'] / 1000:.1f} km，"
                   f"{r['units']} 个单元，事故多发 {r['accident_prone_units']} 个")
        out.append(f"事故 {a['input']} 起，窗口内 {a['in_window']}，吸附 {a['snapped']}，未吸附 {a['unsnapped']}")
        out.append(f"隐患 {h['input']} 项，未销号 {h['open']}，其中重大 {h['major_open']}，逾期 {h['overdue']}")
    else:
        by_county = f" ({e['located_by_county']} without coordinates, by their county)" if e.get("located_by_county") else ""
        out.append(f"enterprises {e['input']}: {e['assigned']} assigned{by_county}, {e['unassigned']} unassigned")
        out.append(f"roads {r['segments_input']} segments, {r['input_length_m'] / 1000:.1f} km, {r['assigned_length_m'] / 1000:.1f} km inside; "
                   f"{r['units']} units, {r['accident_prone_units']} accident-prone")
        out.append(f"accidents {a['input']}: {a['in_window']} in window, {a['snapped']} snapped, {a['unsnapped']} unsnapped")
        out.append(f"hazards {h['input']}: {h['open']} open, {h['major_open']} major open, {h['overdue']} overdue")
    if s.get("skipped", {}).get("rows", 0):
        out.append(_t("skipped_rows", lang, n=s["skipped"]["rows"]))
    out.extend(history_lines(s, lang))
    out.append("")
    counties = county_rows(assessment.counties)
    header = ["区县", "等级", "得分", "企业", "道路", "隐患", "事故", "主要因素"] if zh else \
        ["county", "grade", "score", "enterprises", "roads", "hazards", "accidents", "top contributors"]
    rows = [[str(c.county_name), grade_label(c.grade, lang), f"{c.score:.1f}", f"{c.points_enterprises:.1f}", f"{c.points_roads:.1f}",
             f"{c.points_hazards:.1f}", f"{c.points_accidents:.1f}", str(c.top_contributors)]
            for c in counties.itertuples()]
    if "grade_all" in counties:  # a sector view: its sector grade beside the all-sector one
        header.insert(3, "综合等级" if zh else "all sectors")
        [row.insert(3, grade_label(g, lang)) for row, g in zip(rows, counties["grade_all"])]
    out.append(format_table(header, rows, right={2, 4, 5, 6, 7} if "grade_all" in counties else {2, 3, 4, 5, 6}))
    if len(assessment.unassigned):
        out.append("")
        out.append(f"{'未分配记录' if zh else 'unassigned records'}: {len(assessment.unassigned)} "
                   f"({'见' if zh else 'see'} unassigned.csv)")
    notes = getattr(assessment, "notes", None)
    if notes is not None and len(notes):
        out.append(f"{'说明记录（有区县，另有说明）' if zh else 'notes (records with a county and something to say)'}: "
                   f"{len(notes)} ({'见' if zh else 'see'} notes.csv)")
    return "\n".join(out)


def history_lines(summary: dict, lang: str) -> list[str]:
    """The forecast and the warnings counted, as `riskmap assess` prints them (none without a history)."""
    from riskmap.alerts import KINDS
    from riskmap.grades import GRADES
    from riskmap.i18n import grade_label, label_of, t

    if "warnings" not in summary:
        return []
    sep = "，" if lang == "zh" else ", "
    w, f = summary["warnings"], summary["forecast"]
    levels = sep.join(f"{label_of('warning_level', g, lang)} {w['by_level'][g]}" for g in GRADES)
    kinds = sep.join(f"{label_of('warning_kind', k, lang)} {w['by_kind'][k]}" for k in KINDS if w["by_kind"][k])
    counties = sep.join(f"{grade_label(g, lang)} {f['counties']['by_grade'][g]}" for g in GRADES)
    return [t("cli_forecast", lang, d=f["period_end"], counties=counties, c=f["counties"]["rising"],
              e=f["enterprises"]["rising"], r=f["road_units"]["rising"]),
            t("cli_warnings", lang, n=w["count"], levels=levels) + (f"（{kinds}）" if lang == "zh" and kinds else
                                                                    f" ({kinds})" if kinds else "")]


def warning_table(frame, lang: str) -> str:
    """The warnings as an aligned table: level, kind, county, subject, message, since."""
    from riskmap.i18n import label_of, t

    header = [t(f"warning_{c}", lang) for c in ("level", "kind", "id", "name", "message", "since")]
    rows = [[label_of("warning_level", w.level, lang), label_of("warning_kind", w.kind, lang), str(w.id), str(w.name), str(w.message),
             str(w.since)] for w in frame.itertuples()]
    return format_table(header, rows)

