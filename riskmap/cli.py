"""The ``riskmap`` command: validate, assess and export a workspace (exit codes of DESIGN §7: see EPILOG)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from riskmap._version import __version__
from riskmap.errors import InputError, Problem, RiskMapError
from riskmap.i18n import t as _t
from riskmap.terminal import format_problems, format_table, history_lines, summary_text, warning_table

__all__ = ["build_parser", "format_problems", "format_table", "history_lines", "main", "summary_text", "warning_table"]

EPILOG = """\
examples:
  riskmap validate data/demo                 check a workspace and list every problem
  riskmap assess data/demo --out out/        grade it and write every output (with the history and warnings)
  riskmap assess data/demo --as-of 2026-06-30 --periods 4 --period quarter
  riskmap warn data/demo --level orange      the warnings, orange and red ones
  riskmap export data/demo --format png --out map.png --sector coal_mine
  riskmap export data/demo --format docx --out briefing.docx --lang zh
  riskmap export data/demo --report consultation --format pdf --out packs/    (packs/研判会商_2026-10.pdf)
  riskmap export data/demo --report atlas --format pdf --out atlas.pdf --county 平城区,云冈区

A workspace is a folder holding riskmap.toml and the data files it names
(counties are required; enterprises, roads, accidents and hazards are optional).
See README.md and DESIGN.md §4 for the format.

exit codes: 0 done (warnings allowed), 2 the input is wrong, 1 internal error.
"""


class _Progress:
    """Progress on stderr: each stage's name as it starts, its time when it ends."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.tty = sys.stderr.isatty()

    def __call__(self, stage: str, seconds: float | None) -> None:
        if not self.enabled:
            return
        if seconds is None:
            print(f"  {stage} ...", end="\r" if self.tty else "\n", file=sys.stderr, flush=True)
        elif seconds >= 1.0 or not self.tty:
            print(f"  {stage}: {seconds:.1f} s", file=sys.stderr, flush=True)


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    from riskmap.grades import GRADES
    from riskmap.sectors import default_sectors

    parser.add_argument("--sector", action="append", metavar="KEY",
                        help="show only these sectors, by key or label (repeat or comma-separate); the standard's "
                             f"[sectors], by default: {', '.join(default_sectors().keys)}")
    parser.add_argument("--county", action="append", metavar="CODE_OR_NAME",
                        help="show only these counties, by code or name (repeat or comma-separate)")
    parser.add_argument("--grade", action="append", metavar="GRADE",
                        help=f"show only these grades (repeat or comma-separate): {', '.join(GRADES)}")
    parser.add_argument("--layers", metavar="LIST",
                        help="comma-separated layers to draw: counties,roads,enterprises,hazards (default: all)")


def _add_view_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sector", action="append", metavar="KEY", help="write the sector view: the counties graded "
                        "again on these sectors' records (key or label; repeat or comma-separate), with grade_all")
    parser.add_argument("--county", action="append", metavar="CODE_OR_NAME", help="only these counties (never re-grades)")
    parser.add_argument("--grade", action="append", metavar="GRADE", help="only these grades (never re-grades)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``riskmap`` command."""
    parser = argparse.ArgumentParser(
        prog="riskmap",
        description="RiskMap: the safety risk spatial distribution map (安全风险空间分布图). "
                    "Grades enterprises, road units and counties into red / orange / yellow / blue.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"riskmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    skipping = argparse.ArgumentParser(add_help=False)
    skipping.add_argument("--skip-bad-rows", action="store_true", help="leave out rows with errors (each listed in "
                          "unassigned.csv with its error) and go on; default: a workspace with errors exits 2")

    validate = sub.add_parser("validate", parents=[skipping], help="check a workspace and report every problem",
                              description="Read every dataset of a workspace and report errors and warnings, "
                                          "grouped by file, each naming row, column, problem and what is allowed.")
    validate.add_argument("workspace", help="folder holding riskmap.toml")

    run = sub.add_parser("assess", parents=[skipping], help="grade a workspace and write its outputs",
                         description="Grade a workspace, its history and forecast, and write counties/enterprises/"
                                     "road_units/hazards/accidents .geojson, unassigned.csv, notes.csv, "
                                     "risk_register.xlsx, trend_counties.csv, trend_region.csv, warnings.csv and "
                                     "summary.json.")
    run.add_argument("workspace", help="folder holding riskmap.toml")
    run.add_argument("--out", default="out", help="output folder (default: ./out)")
    run.add_argument("--register", choices=["key", "all"], default="key",
                     help="key: red/orange enterprises, accident-prone and red road units, open hazards (default); all: every row")
    run.add_argument("--layers-as", choices=["geojson", "geoparquet", "geopackage"], default="geojson", dest="layer_format",
                     help="file format of the graded layers: geojson (default), geoparquet (compact, fast at province "
                          "scale) or geopackage (one layers.gpkg holding the five layers, for QGIS/ArcGIS)")
    _add_time_options(run)
    _add_view_options(run)
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")

    warn = sub.add_parser("warn", parents=[skipping], help="list the warnings (预警) of a workspace",
                          description="Grade a workspace's history and forecast and print its warnings as a table, "
                                      "red first, each with what, how much and since when.")
    warn.add_argument("workspace", help="folder holding riskmap.toml")
    warn.add_argument("--level", metavar="GRADE",
                      help="this level and above (red, orange, yellow, blue), or several comma-separated levels")
    warn.add_argument("--kind", action="append", metavar="KIND",
                      help="only these kinds (repeat or comma-separate): grade_rise, forecast_rise, overdue, "
                           "supervised_overdue, due_soon, accident_trend, repeated_hazards, hotspot")
    warn.add_argument("--county", action="append", metavar="CODE_OR_NAME", help="only these counties, by code or name")
    warn.add_argument("--lang", choices=["zh", "en"], help="language (default: the workspace's)")
    _add_time_options(warn)
    warn.add_argument("--quiet", action="store_true", help="no progress on stderr")

    export = sub.add_parser("export", parents=[skipping],
                            help="export a map image, briefing, register, HTML map, consultation pack or atlas",
                            description="Export the four-colour map (png/pdf/svg), a standalone HTML map, "
                                        "the risk register (xlsx), a briefing document (docx), or with --report the "
                                        "consultation pack (研判会商, docx/pdf) or the county atlas (pdf).")
    export.add_argument("workspace", help="folder holding riskmap.toml")
    export.add_argument("--format", required=True, choices=["png", "pdf", "svg", "html", "xlsx", "docx"])
    export.add_argument("--report", choices=["consultation", "atlas"],
                        help="consultation: the periodic consultation pack of the period ending at as_of (docx or pdf); "
                             "atlas: one page per county (pdf)")
    export.add_argument("--out", required=True,
                        help="output file; for --report, a folder (or a path ending in /) gets the period's name, "
                             "e.g. 研判会商_2026-10.docx")
    _add_filter_options(export)
    export.add_argument("--lang", choices=["zh", "en"], help="language (default: the workspace's)")
    export.add_argument("--paper", choices=["A4", "A3"], default="A4")
    export.add_argument("--orientation", choices=["landscape", "portrait"], default="landscape")
    export.add_argument("--dpi", type=int, default=300, help="resolution of PNG images (default 300: A4 = 3508 × 2480 px)")
    export.add_argument("--title", help="map title (default: the workspace title)")
    export.add_argument("--register", choices=["key", "all"], default="key",
                        help="for xlsx: key rows only (default) or every row")
    export.add_argument("--as-of", dest="as_of", metavar="DATE",
                        help="the workspace as it stood on this date (default: its as_of)")
    export.add_argument("--periods", type=_periods, metavar="N",
                        help="for --report: period ends in the history, 1-120 (default: the standard's [history], 12)")
    export.add_argument("--period", choices=["month", "quarter"],
                        help="for --report: length of a period (default: the standard's [history], month)")
    export.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _add_time_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", dest="as_of", metavar="DATE",
                        help="grade the workspace as it stood on this date (YYYY-MM-DD; default: its as_of)")
    parser.add_argument("--periods", type=_periods, metavar="N",
                        help="period ends in the history, 1-120 (default: the standard's [history], 12)")
    parser.add_argument("--period", choices=["month", "quarter"],
                        help="length of a period (default: the standard's [history], month)")


def _periods(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= 120:
        raise argparse.ArgumentTypeError(f"{value} is outside 1-120")
    return value


def as_of_from_args(args):
    """The ``--as-of`` date, or None; a value that is not a date is an input error naming it."""
    from riskmap.i18n import msg
    from riskmap.io.dates import YEAR_MAX, YEAR_MIN, to_date

    text = getattr(args, "as_of", None)
    if text is None:
        return None
    day = to_date(text)
    if day is None or not YEAR_MIN <= day.year <= YEAR_MAX:
        lang = _language_of(args)
        problem = Problem.said("error", "--as-of", msg("as_of_bad", value=text), lang, value=text)
        raise InputError(problem.message, [problem])
    return day


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _county_codes(wanted: list[str], table, zh: bool) -> tuple[list[str], list[Problem]]:
    """County codes of ``--county`` values: a code, a name as shown (城区（大同市）), or a name
    as given when only one county has it; a name several counties share names them."""
    codes, problems = [], []
    shown = dict(zip(table["county_name"].astype(str), table["county_code"].astype(str)))
    given: dict[str, list[str]] = {}
    for name, code in zip(table.get("name_given", table["county_name"]).astype(str), table["county_code"].astype(str)):
        given.setdefault(name, []).append(code)
    known = set(table["county_code"].astype(str))
    names = {code: name for name, code in shown.items()}
    for c in wanted:
        found = [c] if c in known else [shown[c]] if c in shown else given.get(c, [])
        if len(found) == 1:
            codes.append(found[0])
            continue
        if found:
            options = ", ".join(f"{names[k]} ({k})" for k in found)
            problems.append(Problem("error", "--county", f"'{c}' 对应多个区县：{options}；请写区划代码或带地市的名称" if zh else
                                    f"'{c}' names several counties: {options}; give the code or the name with its city", value=c))
        else:
            allowed = ", ".join(f"{k} ({n})" for n, k in shown.items())
            problems.append(Problem("error", "--county", f"'{c}' 不是本工作区的区县；允许：{allowed}" if zh else
                                    f"'{c}' is not a county of this workspace; allowed: {allowed}", value=c))
    return codes, problems


def filters_from_args(args, assessment):
    """Build :class:`~riskmap.filters.Filters` from the export options, checking values."""
    from riskmap.filters import Filters
    from riskmap.grades import GRADES
    problems = []
    spellings = assessment.sectors.vocabulary
    zh = (getattr(args, "lang", None) or assessment.language) == "zh"
    sectors = _split(args.sector)
    if sectors:
        mapped = []
        for s in sectors:
            key = spellings.get(s) or spellings.get(s.lower())
            if key is None:
                allowed = assessment.sectors.allowed
                problems.append(Problem("error", "--sector", f"'{s}' 不是行业领域；允许：{allowed}" if zh else
                                        f"'{s}' is not a sector; allowed: {allowed}", value=s))
            else:
                mapped.append(key)
        sectors = mapped
    grades = _split(args.grade)
    for g in grades or []:
        if g not in GRADES:
            problems.append(Problem("error", "--grade", f"'{g}' 不是风险等级；允许：{', '.join(GRADES)}" if zh else
                                    f"'{g}' is not a grade; allowed: {', '.join(GRADES)}", value=g))
    counties = _split(args.county)
    codes = None
    if counties:
        codes, county_problems = _county_codes(counties, assessment.counties, zh)
        problems += county_problems
    if problems:
        raise InputError("筛选选项有误" if zh else "invalid filter options", problems)
    return Filters(sectors=tuple(sectors) if sectors else None, counties=tuple(codes) if codes else None,
                   grades=tuple(grades) if grades else None)


def _cmd_validate(args) -> int:
    from riskmap import assess

    # Validation runs the joins too: points outside the region, county codes that
    # disagree with the geometry and unknown enterprises are only found there.
    assessment = assess(args.workspace, skip_bad_rows=args.skip_bad_rows)
    s = assessment.summary
    zh = assessment.language == "zh"
    if zh:
        print(f"{args.workspace}：可以评估 — 区县 {s['counties']['count']}，企业 {s['enterprises']['input']}，"
              f"路段 {s['roads']['segments_input']}，事故 {s['accidents']['input']}，隐患 {s['hazards']['input']}")
    else:
        print(f"{args.workspace}: OK — counties {s['counties']['count']}, enterprises {s['enterprises']['input']}, "
              f"road segments {s['roads']['segments_input']}, accidents {s['accidents']['input']}, hazards {s['hazards']['input']}")
    if s.get("skipped", {}).get("rows"):
        print(_t("skipped_rows", assessment.language, n=s["skipped"]["rows"]))
    if assessment.problems:
        print(format_problems(assessment.problems, lang=assessment.language))
    else:
        print("未发现问题" if zh else "no problems found")
    if len(assessment.unassigned):
        from riskmap.i18n import DATASET_LABELS, label

        counts = assessment.unassigned.groupby("dataset").size()
        listed = ("，" if zh else ", ").join(f"{label(DATASET_LABELS, name, assessment.language)} {n}" for name, n in counts.items())
        print(f"未分配：{listed}（原因见 riskmap assess 输出的 unassigned.csv）" if zh else
              f"unassigned: {listed} (reasons in unassigned.csv after `riskmap assess`)")
    if len(assessment.notes):
        from riskmap.i18n import DATASET_LABELS, label

        counts = assessment.notes.groupby("dataset").size()
        listed = ("，" if zh else ", ").join(f"{label(DATASET_LABELS, name, assessment.language)} {n}" for name, n in counts.items())
        print(f"说明：{listed}（见 riskmap assess 输出的 notes.csv）" if zh else
              f"notes: {listed} (in notes.csv after `riskmap assess`)")
    return 0


def _history(args, language: str | None = None, assessed=None):
    from riskmap.history import build_history

    return build_history(args.workspace, as_of=as_of_from_args(args), periods=args.periods, period=args.period,
                         skip_bad_rows=args.skip_bad_rows, assessed=assessed, fork=assessed is not None,
                         language=language, progress=_Progress(not args.quiet))


def _cmd_assess(args) -> int:
    from riskmap.outputs import start_outputs

    progress = _Progress(not args.quiet)
    pending = []

    def start_writing(assessment) -> None:
        # The files of the assessment at as_of are written (by forked processes where the machine allows)
        # while the history is graded and the warnings are found; summary.json waits for the warnings.
        if args.sector or args.county or args.grade:
            from riskmap.view import View
            assessment = View(assessment, filters_from_args(args, assessment))
        pending.append(start_outputs(assessment, args.out, register_all=args.register == "all",
                                     layer_format=args.layer_format))
        if pending[-1].forked:
            progress("writing the layers and the register in 2 processes, beside the history", None)

    try:
        history = _history(args, assessed=start_writing)
    except BaseException:
        for outputs in pending:
            outputs.cancel()
        raise
    assessment = pending[0].summary_source(history)  # what summary.json and the printed summary count
    start = time.perf_counter()
    progress("write outputs", None)
    written = pending[0].finish(history)
    progress("write outputs", time.perf_counter() - start)
    if assessment.problems:
        print(format_problems(assessment.problems, lang=assessment.language, limit_per_file=30), file=sys.stderr)
    print(summary_text(assessment))
    print()
    print(("写出：" if assessment.language == "zh" else "written: ") + ", ".join(str(p) for p in written))
    return 0


def warning_choice(args) -> dict:
    """The ``warn`` levels and kinds as :func:`riskmap.alerts.select_warnings` takes them, each value checked."""
    from riskmap.alerts import KINDS
    from riskmap.grades import GRADES, RANK

    zh = _language_of(args) == "zh"
    problems = []
    levels = _split([args.level]) if args.level else None
    for value in levels or []:
        if value not in GRADES:
            problems.append(Problem("error", "--level", f"'{value}' 不是预警级别；允许：{', '.join(GRADES)}" if zh else
                                    f"'{value}' is not a level; allowed: {', '.join(GRADES)}", value=value))
    kinds = _split(args.kind)
    for value in kinds or []:
        if value not in KINDS:
            problems.append(Problem("error", "--kind", f"'{value}' 不是预警类型；允许：{', '.join(KINDS)}" if zh else
                                    f"'{value}' is not a kind of warning; allowed: {', '.join(KINDS)}", value=value))
    if problems:
        raise InputError("预警选项有误" if zh else "invalid warning options", problems)
    if levels and len(levels) == 1:  # one level: it and the levels above it
        levels = [g for g in GRADES if RANK[g] >= RANK[levels[0]]]
    return {"levels": tuple(levels) if levels else None, "kinds": tuple(kinds) if kinds else None}


def _cmd_warn(args) -> int:
    from riskmap.alerts import in_language, select_warnings
    from riskmap.i18n import t

    choice = warning_choice(args)  # checked before the work
    history = _history(args, language=args.lang)
    lang = args.lang or history.language
    if args.county:
        county = argparse.Namespace(sector=None, grade=None, county=args.county, lang=args.lang)
        choice["counties"] = filters_from_args(county, history.assessment).counties
    chosen = in_language(select_warnings(history.warnings, **choice), lang)
    if history.assessment.problems and not args.quiet:
        print(format_problems(history.assessment.problems, lang=lang, limit_per_file=30), file=sys.stderr)
    print(history.assessment.info.title + f" — {history.as_of.isoformat()}")
    print("\n".join(history_lines(history.assessment.summary, lang)))
    print()
    print(warning_table(chosen, lang) if len(chosen) else t("cli_no_warnings", lang))
    return 0


def _cmd_report(args) -> int:
    from riskmap.export.reports import check_report, export_report

    progress, start = _Progress(not args.quiet), time.perf_counter()
    check_report(args.report, args.format)  # before the work
    history = _history(args, language=args.lang)
    pages = (lambda done, total: progress(f"atlas: page {done} of {total}", None)) if args.report == "atlas" else None
    print(export_report(history, args.report, args.format, args.out, filters=filters_from_args(args, history.assessment),
                        lang=args.lang, progress=pages))
    progress(f"{args.report} {args.format}", time.perf_counter() - start)
    return 0


def _cmd_export(args) -> int:
    from riskmap import View, assess
    from riskmap.export import ExportOptions, export_file

    if args.report:
        return _cmd_report(args)
    progress = _Progress(not args.quiet)
    # --lang puts the workspace's own messages in that language too.
    assessment = assess(args.workspace, as_of=as_of_from_args(args), progress=progress, language=args.lang,
                        skip_bad_rows=args.skip_bad_rows)
    view = View(assessment, filters_from_args(args, assessment), args.lang)
    options = ExportOptions(paper=args.paper, orientation=args.orientation, dpi=args.dpi, title=args.title,
                            layers=_split([args.layers]) if args.layers else None, all_rows=args.register == "all")
    start = time.perf_counter()
    progress(f"export {args.format}", None)
    path = export_file(view, args.format, args.out, options=options)
    progress(f"export {args.format}", time.perf_counter() - start)
    from riskmap.export import export_notes

    for note in export_notes(args.format, view.lang):
        print(note, file=sys.stderr)
    print(path)
    return 0


def _language_of(args) -> str:
    """The workspace language for messages, read cheaply from riskmap.toml (zh by default)."""
    if getattr(args, "lang", None):
        return args.lang
    try:
        import tomllib

        text = (Path(args.workspace) / "riskmap.toml").read_text("utf-8-sig")
        return "en" if tomllib.loads(text).get("workspace", {}).get("language") == "en" else "zh"
    except Exception:  # no or broken riskmap.toml: its own error is being reported
        return "zh"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from riskmap.atomic import exit_on_sigterm
    from riskmap.memory import tune_allocator

    exit_on_sigterm()
    tune_allocator()  # before any worker thread (riskmap.memory: reused, or returned once inputs are large)
    if args.command is None:
        parser.print_help()
        return 2
    handlers = {"validate": _cmd_validate, "assess": _cmd_assess, "warn": _cmd_warn, "export": _cmd_export}
    try:
        return handlers[args.command](args)
    except InputError as exc:
        print(f"riskmap {args.command}: {exc}", file=sys.stderr)
        lang = _language_of(args)
        problems = list(exc.problems) + list(getattr(exc, "warnings", []) or [])
        if problems:
            print(format_problems(problems, lang=lang), file=sys.stderr)
        return 2
    except RiskMapError as exc:
        print(f"riskmap {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the reader went away: not an error of ours.
        sys.stderr.close()
        return 0
    except Exception as exc:  # an internal error: say so plainly; the traceback helps a bug report
        import traceback

        print(f"riskmap {args.command}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("This is a bug in RiskMap, not in your data; please report it with the details below.", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 1


def run() -> None:
    """The ``riskmap`` program: :func:`main`, then exit at once with its code.

    Everything the command writes is closed and flushed by the time :func:`main`
    returns. A normal interpreter exit would then free every object of the
    assessment one by one (most of a second at province scale, several at a nation's)
    and join idle pool threads; :func:`os._exit` skips that, and only that.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (``| head``), or a stream already closed
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
