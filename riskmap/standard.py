"""The grading standard: every number the grading uses, read from TOML.

``default`` ships in ``riskmap/standards/default.toml`` with the source of each number
in its comments.  A workspace may set ``standard`` to its own TOML path; keys it leaves
out keep their default values, so a local standard can change one threshold only.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from riskmap.errors import Problem, StandardError
from riskmap.grades import GRADES
from riskmap.i18n import KIND_LABELS, Msg, Pair, msg
from riskmap.sectors import Sectors

BUILTIN = ("default",)


@dataclass(frozen=True)
class Standard:
    """A grading standard.

    Attributes
    ----------
    name
        ``default`` or the file name of a workspace standard.
    data
        The merged TOML tables (see ``standards/default.toml``).
    """

    name: str
    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def enterprise(self) -> dict[str, Any]:
        return self.data["enterprise"]

    @property
    def roads(self) -> dict[str, Any]:
        return self.data["roads"]

    @property
    def counties(self) -> dict[str, Any]:
        return self.data["counties"]

    @property
    def history(self) -> dict[str, Any]:
        """The ``[history]`` table: ``periods`` and ``period`` (month or quarter)."""
        return self.data["history"]

    @property
    def warnings(self) -> dict[str, Any]:
        """The ``[warnings]`` table: one table of thresholds per kind of warning."""
        return self.data["warnings"]

    @property
    def actions(self) -> dict[str, Any]:
        """The ``[actions.<key>]`` tables: which warnings propose which action, and its wording."""
        return self.data.get("actions", {})

    @property
    def colours(self) -> dict[str, str]:
        """Grade colours: DESIGN §2 defaults, overridden by the ``[colours]`` table."""
        from riskmap.grades import DEFAULT_COLOURS

        table = self.data.get("colours", {})
        return {grade: str(table.get(grade, colour)) for grade, colour in DEFAULT_COLOURS.items()}

    def rule(self, name: str) -> dict[str, Any]:
        """Return an enterprise direct-determination rule's table."""
        return self.data["enterprise"]["rules"][name]

    @property
    def sectors(self) -> Sectors:
        """The sectors (``[sectors.<key>]``): labels, baselines, spellings, the road-traffic ones."""
        return Sectors(self.data.get("sectors", {}))

    @property
    def baselines(self) -> dict[str, str]:
        """Sector → baseline grade: ``[sectors.<key>] baseline``, overridden by ``[enterprise.baseline]``."""
        return self.sectors.baselines | dict(self.data["enterprise"].get("baseline", {}))


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_builtin(name: str) -> dict:
    text = resources.files("riskmap").joinpath("standards", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_standard(spec: str | Path = "default", *, base_dir: Path | None = None, lang: str = "zh") -> Standard:
    """Load a built-in standard by name or a standard TOML by path.

    Parameters
    ----------
    spec
        ``"default"`` or a path (relative paths are taken from ``base_dir``).
    base_dir
        The workspace folder.
    lang
        The language of the problems (``zh`` or ``en``).

    Raises
    ------
    StandardError
        When the file is missing or not TOML, or a key is unknown, of the wrong type or
        out of range: one problem per mistake, each naming the file, the key, the value,
        what is allowed and (for a misspelt key) the nearest known key.
    """
    default = _read_builtin("default")
    if str(spec) in BUILTIN:
        data, name, file = default, str(spec), f"{spec}.toml"
    else:
        path = Path(spec)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        file = path.name
        if not path.is_file():
            raise StandardError(
                f"standard '{spec}' not found: give a built-in name ({', '.join(BUILTIN)}) "
                "or a path to a standard TOML inside the workspace",
                [Problem.said("error", "riskmap.toml", msg("std_missing", value=spec, allowed=", ".join(BUILTIN)), lang,
                              column="standard", value=str(spec))])
        try:
            override = tomllib.loads(path.read_text("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise StandardError(f"{file}: not a valid TOML file ({exc})",
                                [Problem.said("error", file, msg("std_not_toml", value=exc), lang)]) from None
        _check(_merge(default, override), file, lang, override)
        data, name = _merge(default, override), str(override.get("name", path.stem))
    _check(data, file, lang)
    return Standard(name=name, data=data)


# --------------------------------------------------------------------------- the shape

class _Rule:
    """What one key of a standard may hold: a test, and the words of what is allowed."""

    def __init__(self, allowed: Msg | str, test: Callable[[Any], bool]):
        self.allowed, self.test = allowed, test

    def fits(self, value: Any) -> bool:
        try:
            return bool(self.test(value))
        except (TypeError, ValueError):
            return False


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _number(low: float | None = None, high: float | None = None, *, above: float | None = None) -> _Rule:
    parts = []
    if above is not None:
        parts.append(f"> {above:g}")
    if low is not None:
        parts.append(f">= {low:g}")
    if high is not None:
        parts.append(f"<= {high:g}")
    return _Rule(msg("std_allowed_number", bounds=(" " + ", ".join(parts)) if parts else ""),
                 lambda v: _is_number(v) and (above is None or v > above) and (low is None or v >= low)
                 and (high is None or v <= high))


def _integer(low: int, high: int) -> _Rule:
    return _Rule(msg("std_allowed_integer", low=low, high=high),
                 lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high)


_GRADE = _Rule(msg("std_allowed_grade", grades=", ".join(GRADES)), lambda v: v in GRADES)
_BOOL = _Rule(msg("std_allowed_bool"), lambda v: isinstance(v, bool))
_TEXT = _Rule(msg("std_allowed_text"), lambda v: isinstance(v, str) and len(v) <= 200)
_COLOUR = _Rule(msg("std_allowed_colour"), lambda v: isinstance(v, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", v) is not None)
_FACTORS = _Rule(msg("std_allowed_factors"),
                 lambda v: isinstance(v, list) and len(v) > 0 and all(_is_number(x) and x > 0 for x in v))
_SCALE = _Rule(msg("std_allowed_scale"),
               lambda v: isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in v)
               and 1 <= v[0] < v[1] <= 10)
_SCHEME = _Rule("fixed, quantiles, natural_breaks", lambda v: v in ("fixed", "quantiles", "natural_breaks"))
_ALIASES = _Rule(msg("std_allowed_aliases"),
                 lambda v: isinstance(v, list) and all(isinstance(x, str) and 0 < len(x) <= 50 for x in v))
_PERIOD = _Rule("month, quarter", lambda v: v in ("month", "quarter"))
_WATCHED = _Rule(msg("std_allowed_watched"),
                 lambda v: isinstance(v, list) and all(x in ("counties", "enterprises", "road_units") for x in v))
_MEASURES = _Rule(msg("std_allowed_measures"), lambda v: isinstance(v, list) and all(x in ("accidents", "deaths") for x in v))
_P_VALUE = _number(high=0.5, above=0)
ACTION_FIELDS = ("name", "id", "county", "level", "kind", "since", "message", "prevent")
"""The placeholders an action's wording may hold (filled as plain text, never evaluated)."""
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _is_template(value: Any) -> bool:
    """Text whose ``{...}`` are known field names, nothing else in braces."""
    if not isinstance(value, str) or not 0 < len(value) <= 500:
        return False
    if any(name not in ACTION_FIELDS for name in PLACEHOLDER.findall(value)):
        return False
    return "{" not in PLACEHOLDER.sub("", value) and "}" not in PLACEHOLDER.sub("", value)


_TEMPLATE = _Rule(msg("std_allowed_template", fields=", ".join("{" + f + "}" for f in ACTION_FIELDS)), _is_template)
_KINDS = _Rule(msg("std_allowed_kinds", kinds=", ".join(KIND_LABELS)),
               lambda v: isinstance(v, list) and len(v) > 0 and all(x in KIND_LABELS for x in v))
_DATASETS = _Rule(msg("std_allowed_action_datasets"),
                  lambda v: isinstance(v, list) and all(x in ("counties", "enterprises", "road_units", "hazards") for x in v))
_LEVELS = _Rule(msg("std_allowed_levels", grades=", ".join(GRADES)), lambda v: isinstance(v, list) and all(x in GRADES for x in v))
ACTION_KEYS = ("kinds", "label_zh", "label_en", "text_zh", "text_en")
"""What every ``[actions.<key>]`` table must give (``enabled``, ``datasets`` and ``levels`` are optional)."""
_BAND = _Rule(msg("std_allowed_band"), lambda v: v == "auto" or (_is_number(v) and 0 < v <= 100_000))
_THRESHOLDS = {g: _number() for g in ("red", "orange", "yellow")}
_PER_GRADE = {g: _number(0) for g in GRADES}
_SECTOR_KEY = re.compile(r"[a-z][a-z0-9_]{0,40}")

SCHEMA: dict[str, Any] = {
    "name": _TEXT, "title_zh": _TEXT, "title_en": _TEXT,
    "colours": {g: _COLOUR for g in GRADES},
    "sectors": (_SECTOR_KEY, {"zh": _TEXT, "en": _TEXT, "baseline": _GRADE, "road_traffic": _BOOL, "aliases": _ALIASES}),
    "enterprise": {
        "lec": {"L": _FACTORS, "E": _FACTORS, "C": _FACTORS, "thresholds": _THRESHOLDS},
        "matrix": {"scale": _SCALE, "thresholds": _THRESHOLDS},
        "baseline": (_SECTOR_KEY, _GRADE),
        "rules": {
            "open_major_hazard": {"enabled": _BOOL, "floor": _GRADE},
            "major_hazard_installation": {"enabled": _BOOL, "floor_by_level": {str(k): _GRADE for k in (1, 2, 3, 4)}},
            "fatal_accident_12m": {"enabled": _BOOL, "months": _integer(1, 120), "raise": _integer(1, 3)},
            "overdue_hazards": {"enabled": _BOOL, "min_count": _integer(1, 1000), "raise": _integer(1, 3)},
        },
    },
    "hazards": {"grades": {k: _GRADE for k in ("major", "overdue", "open", "closed")}},
    "roads": {
        "unit_length_m": _number(high=100_000, above=0), "window_months": _integer(1, 120),
        "snap_distance_m": _number(high=10_000, above=0), "min_length_km": _number(high=100, above=0),
        "epdo": {"fatal": _number(0), "injury": _number(0), "pdo": _number(0)},
        "accident_prone": {"fatal": _integer(1, 10_000), "injury": _integer(1, 10_000)},
        "thresholds": _THRESHOLDS,
    },
    "counties": {
        "points": {"enterprises": _PER_GRADE, "roads_per_km": _PER_GRADE,
                   "hazards": {"major": _number(0), "overdue": _number(0), "other": _number(0)},
                   "accident_death": _number(0), "accident_months": _integer(1, 120)},
        "scheme": _SCHEME, "thresholds": _THRESHOLDS, "major_hazard_floor": _GRADE,
        "top_contributors": _integer(0, 20),
    },
    "history": {"periods": _integer(1, 120), "period": _PERIOD},
    "warnings": {
        "grade_rise": {"enabled": _BOOL, "min_grade": _GRADE, "datasets": _WATCHED},
        "forecast_rise": {"enabled": _BOOL, "min_grade": _GRADE, "datasets": _WATCHED},
        "overdue": {"enabled": _BOOL, "orange_days": _integer(1, 3650)},
        "supervised_overdue": {"enabled": _BOOL, "level": _GRADE},
        "due_soon": {"enabled": _BOOL, "days": _integer(0, 365)},
        "accident_trend": {"enabled": _BOOL, "level": _GRADE, "months": _integer(4, 120), "p": _P_VALUE,
                           "recent_months": _integer(1, 12), "rise": _number(0), "min_increase": _integer(0, 1_000_000),
                           "measures": _MEASURES},
        "repeated_hazards": {"enabled": _BOOL, "level": _GRADE, "days": _integer(1, 3650), "min_count": _integer(1, 10_000)},
        "hotspot": {"enabled": _BOOL, "level": _GRADE, "p": _P_VALUE, "band_m": _BAND, "min_epdo": _number(0)},
    },
    "actions": (_SECTOR_KEY, {"enabled": _BOOL, "kinds": _KINDS, "datasets": _DATASETS, "levels": _LEVELS,
                              "label_zh": _TEXT, "label_en": _TEXT, "text_zh": _TEMPLATE, "text_en": _TEMPLATE}),
}
"""Every key a standard may hold, with what it may be; a tuple (key pattern, rule) is
a table of free keys (the sectors, the baseline overrides).  Every key is read by the
grading (``title_zh``/``title_en`` name the standard in the briefing)."""

_THRESHOLD_TABLES = ("enterprise.lec", "enterprise.matrix", "roads", "counties")


class _Problems:
    """The problems of one standard file, in one language."""

    def __init__(self, file: str, lang: str):
        self.file, self.lang, self.items = file, lang, []

    def add(self, text: Msg, key: str, value: Any) -> None:
        self.items.append(Problem.said("error", self.file, text, self.lang, column=key, value=_show(value)))


def _walk(schema: Any, value: Any, path: str, problems: _Problems) -> None:
    """Check ``value`` against ``schema`` at ``path``, adding a problem per mistake."""
    if isinstance(schema, _Rule):
        if not schema.fits(value):
            problems.add(msg("std_bad_value", where=path, value=_show(value), allowed=schema.allowed), path, value)
        return
    if not isinstance(value, dict):
        problems.add(msg("std_not_table", where=path, value=_show(value), allowed=", ".join(_keys(schema))), path, value)
        return
    for key, item in value.items():
        where = f"{path}.{key}" if path else str(key)
        if isinstance(schema, tuple):
            pattern, rule = schema
            if not pattern.fullmatch(str(key)):
                problems.add(msg("std_bad_sector_key", where=where, value=key), where, key)
                continue
            _walk(rule, item, where, problems)
            continue
        if key not in schema:
            guess = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.6)
            hint = msg("std_guess", value=guess[0]) if guess else Pair("", "")
            problems.add(msg("std_unknown_key", where=where, value=_show(item), name=key, guess=hint,
                             allowed=", ".join(schema)), where, item)
            continue
        _walk(schema[key], item, where, problems)


def _keys(schema: Any) -> list[str]:
    return ["key = ..."] if isinstance(schema, tuple) else list(schema)


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = f'"{value}"'
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "{ " + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + " }"
    elif isinstance(value, list):
        text = "[" + ", ".join(_show(v) for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check(data: dict, file: str, lang: str = "zh", override: dict | None = None) -> None:
    """Check a standard: every key the file gives (spelling, type, range), then the whole.

    ``override`` is what the file itself holds (checked key by key, so a message names
    the file's own key); ``data`` is the merged standard (checked as a whole: ordered
    thresholds, complete sectors, a known sector for every baseline override).
    """
    problems = _Problems(file, lang)
    _walk(SCHEMA, override if override is not None else data, "", problems)
    if not problems.items:
        _check_whole(data, problems)
    if problems.items:
        raise StandardError(f"{file}: the grading standard is invalid", problems.items)


def _check_whole(data: dict, problems: _Problems) -> None:
    for where in _THRESHOLD_TABLES:
        table = data
        for part in where.split("."):
            table = table[part]
        if where == "counties" and table.get("scheme", "fixed") != "fixed":
            continue
        th = table["thresholds"]
        values = [float(th[k]) for k in ("red", "orange", "yellow")]
        if not values[0] >= values[1] >= values[2]:
            problems.add(msg("std_order", where=where, value=_show(th)), f"{where}.thresholds", th)
    sectors = data.get("sectors", {})
    for key, table in sectors.items():
        for needed in ("zh", "en", "baseline"):
            if needed not in table:
                problems.add(msg("std_sector_incomplete", value=key, where=needed), f"sectors.{key}.{needed}", key)
    for key, table in data.get("actions", {}).items():
        for needed in ACTION_KEYS:
            if needed not in table:
                problems.add(msg("std_action_incomplete", value=key, where=needed, needed=", ".join(ACTION_KEYS)),
                             f"actions.{key}.{needed}", key)
    for key in data["enterprise"].get("baseline", {}):
        if key not in sectors:
            problems.add(msg("std_unknown_sector", where="enterprise.baseline", value=key, allowed=", ".join(sectors)),
                         f"enterprise.baseline.{key}", key)
