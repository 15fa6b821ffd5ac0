"""``riskmap.toml``: the ``[workspace]`` settings, the dataset tables and their paths.

:func:`read_config` reads the file (UTF-8, valid TOML, or a clear error);
:func:`parse_info` resolves the ``[workspace]`` table into a
:class:`~riskmap.assessment.WorkspaceInfo`; :func:`dataset_path` and
:func:`declared_crs` check a ``[datasets.X]`` table; :func:`workspace_standard`
loads the grading standard it names.  Every path must stay inside the workspace.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from riskmap import coords
from riskmap.assessment import WorkspaceInfo
from riskmap.errors import InputError, Problem, ProblemLog, WorkspaceError
from riskmap.i18n import Pair, msg
from riskmap.io import dates, formats
from riskmap.sanitize import check_tile_url, xml_text
from riskmap.schema import BASEMAPS
from riskmap.standard import BUILTIN as BUILTIN_STANDARDS
from riskmap.standard import Standard, load_standard

LANGUAGES = ("zh", "en")


def resolve_inside(root: Path, relative: str, *, key: str, lang: str = "zh") -> Path:
    """Resolve a path of riskmap.toml, refusing one that leaves the workspace."""
    candidate = (root / relative).resolve()
    inside = root.resolve()
    if Path(relative).is_absolute() or (inside != candidate and inside not in candidate.parents):
        raise WorkspaceError(
            f"riskmap.toml: {key} path '{relative}' leaves the workspace",
            [Problem.said("error", "riskmap.toml", msg("ws_path_outside", setting=setting_name(key), value=relative), lang,
                          column=key, value=relative)],
        )
    return candidate


def setting_name(key: str) -> str:
    """``datasets.roads.path`` → ``[datasets.roads] path``, as riskmap.toml shows it."""
    section, _, leaf = key.rpartition(".")
    return f"[{section}] {leaf}" if section else key


def _sniff_language(text: str) -> str:
    """The workspace language of a riskmap.toml that cannot be parsed (zh unless it says en)."""
    return "en" if re.search(r"""^\s*language\s*=\s*["']en["']""", text, re.MULTILINE) else "zh"


def read_config(root: str | Path) -> tuple[dict, Path]:
    """Read ``riskmap.toml`` of a workspace folder.

    Raises
    ------
    WorkspaceError
        The folder or the file is missing, or the file is not TOML.
    """
    root = Path(root)
    if not root.is_dir():
        raise WorkspaceError(f"workspace folder '{root}' does not exist",
                             [Problem.said("error", str(root), msg("ws_no_folder", value=root, both=True), "zh")])
    toml_path = root / "riskmap.toml"
    if not toml_path.is_file():
        raise WorkspaceError(f"{root}: no riskmap.toml",
                             [Problem.said("error", "riskmap.toml", msg("ws_no_toml", value=root, both=True), "zh")])
    try:
        text = toml_path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkspaceError("riskmap.toml is not UTF-8",
                             [Problem.said("error", "riskmap.toml", msg("ws_toml_not_utf8", both=True), "zh")]) from None
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))  # Python < 3.14 has no exc.lineno
        line = getattr(exc, "lineno", None) or (int(where.group(1)) if where else None)
        column = getattr(exc, "colno", None) or (int(where.group(2)) if where else None)
        # tomllib words its errors in English only: the Chinese message says where, the English one what.
        text_msg = msg("ws_toml_invalid_at", value=exc, line=line, col=column) if line is not None \
            else msg("ws_toml_invalid", value=exc)
        raise WorkspaceError(f"riskmap.toml is not valid TOML: {exc}",
                             [Problem.said("error", "riskmap.toml", text_msg, _sniff_language(text),
                                           row=line, unit="line")]) from None
    return config, root


def workspace_table(config: dict, log: ProblemLog) -> dict:
    """The ``[workspace]`` table (empty, with an error, when it is not a table)."""
    table = config.get("workspace", {})
    if not isinstance(table, dict):
        log.error("riskmap.toml", msg("ws_not_table", setting="workspace", both=True), column="workspace")
        return {}
    return table


def parse_language(table: dict, log: ProblemLog) -> str:
    """The workspace language, ``zh`` or ``en`` (``zh``, with an error, for others)."""
    language = str(table.get("language", "zh"))
    if language not in LANGUAGES:
        log.error("riskmap.toml", msg("ws_bad_language", value=language, both=True), column="language", value=language)
        return "zh"
    return language


def _parse_as_of(raw: Any, log: ProblemLog) -> date:
    if raw is None:
        today = date.today()
        log.warning("riskmap.toml", msg("ws_no_as_of", value=today.isoformat()), column="as_of")
        return today
    as_of = dates.to_date(raw)  # a TOML date or datetime, or text
    if as_of is None:
        log.error("riskmap.toml", msg("bad_date", col="as_of", value=raw), column="as_of", value=str(raw))
        return date.today()
    if not dates.YEAR_MIN <= as_of.year <= dates.YEAR_MAX:
        log.error("riskmap.toml", msg("date_out_of_range", col="as_of", value=as_of.isoformat()),
                  column="as_of", value=as_of.isoformat())
        return date.today()
    return as_of


def parse_info(table: dict, root: Path, language: str, log: ProblemLog) -> WorkspaceInfo:
    """The ``[workspace]`` settings, resolved (problems logged in ``log.lang``)."""
    as_of = _parse_as_of(table.get("as_of"), log)
    basemap = str(table.get("basemap", "none"))
    if basemap not in BASEMAPS and check_tile_url(basemap) is not None:
        reason = Pair(check_tile_url(basemap, lang="zh"), check_tile_url(basemap, lang="en"))
        log.error("riskmap.toml", msg("ws_bad_basemap", value=basemap, allowed=", ".join(BASEMAPS), reason=reason),
                  column="basemap", value=basemap)
        basemap = "none"
    return WorkspaceInfo(
        path=root,
        title=xml_text(table.get("title", "安全风险空间分布图" if language == "zh" else "Safety risk map")),
        region=xml_text(table.get("region", root.name)),
        as_of=as_of,
        language=language,
        standard=str(table.get("standard", "default")),
        basemap=basemap,
        demo=bool(table.get("demo", False)),
        source=xml_text(table.get("source", "")),
    )


def dataset_path(name: str, spec: dict, root: Path, lang: str) -> tuple[Path, str]:
    """The checked path of ``[datasets.<name>]`` and its name for messages."""
    key = f"datasets.{name}.path"
    relative = spec.get("path")
    if not relative or not isinstance(relative, str):
        raise WorkspaceError(f"riskmap.toml: [datasets.{name}] has no path",
                             [Problem.said("error", "riskmap.toml", msg("ws_no_path", dataset=name), lang, column=key)])
    try:
        formats.check_path_text(relative)
    except formats.FormatRefused as exc:
        words = msg("ws_refused_path", setting=setting_name(key), value=relative, reason=Pair(*exc.reason))
        raise WorkspaceError(f"riskmap.toml: {key} '{relative}': {exc.text('en')}",
                             [Problem.said("error", "riskmap.toml", words, lang, column=key, value=relative)]) from None
    path = resolve_inside(root, relative, key=key, lang=lang)
    if not path.is_file():
        raise InputError(f"{relative}: file not found",
                         [Problem.said("error", "riskmap.toml", msg("ws_path_missing", setting=setting_name(key), value=relative),
                                       lang, column=key, value=relative)])
    return path, relative


def declared_crs(spec: dict, dataset: str, log: ProblemLog) -> str | None:
    """The ``crs`` a dataset table declares, checked (``None`` when none is declared)."""
    declared = spec.get("crs")
    if declared is None:
        return None
    try:
        return coords.check_crs(str(declared))
    except ValueError:
        log.error("riskmap.toml", msg("ws_bad_crs", dataset=dataset, value=declared),
                  column=f"datasets.{dataset}.crs", value=str(declared))
        # Go on reading (to find the file's other problems) without a second,
        # misleading "no CRS declared" warning; the error stops the assessment.
        return "EPSG:4326"


def workspace_standard(spec: str, root: Path, log: ProblemLog) -> Standard | None:
    """The workspace's standard, or None (its problems logged) when it cannot be used."""
    try:
        if spec not in BUILTIN_STANDARDS:
            path = resolve_inside(root, spec, key="workspace.standard", lang=log.lang)
            if not path.is_file():
                log.error("riskmap.toml", msg("ws_standard_missing", setting="[workspace] standard", value=spec,
                                              builtin=", ".join(BUILTIN_STANDARDS)), column="standard", value=spec)
                return None
        return load_standard(spec, base_dir=root, lang=log.lang)
    except InputError as exc:
        log.problems.extend(exc.problems or [Problem("error", "riskmap.toml", str(exc), column="standard", value=spec)])
        return None
