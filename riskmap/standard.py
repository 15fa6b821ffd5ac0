"""The grading standard: every number the grading uses, read from TOML.

``default`` ships in ``riskmap/standards/default.toml`` with the source of each number
in its comments.  A workspace may set ``standard`` to its own TOML path; keys it leaves
out keep their default values, so a local standard can change one threshold only.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from riskmap.errors import Problem, StandardError
from riskmap.grades import GRADES

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
    def colours(self) -> dict[str, str]:
        """Grade colours: DESIGN §2 defaults, overridden by the ``[colours]`` table."""
        from riskmap.grades import DEFAULT_COLOURS

        table = self.data.get("colours", {})
        return {grade: str(table.get(grade, colour)) for grade, colour in DEFAULT_COLOURS.items()}

    def rule(self, name: str) -> dict[str, Any]:
        """Return an enterprise direct-determination rule's table."""
        return self.data["enterprise"]["rules"][name]


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


def load_standard(spec: str | Path = "default", *, base_dir: Path | None = None) -> Standard:
    """Load a built-in standard by name or a standard TOML by path.

    Parameters
    ----------
    spec
        ``"default"`` or a path (relative paths are taken from ``base_dir``).
    base_dir
        The workspace folder.

    Raises
    ------
    StandardError
        When the file is missing, not TOML, or a value is out of range.
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
                [Problem("error", "riskmap.toml", f"standard file '{spec}' does not exist", column="standard", value=str(spec))],
            )
        try:
            override = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise StandardError(
                f"{file}: not a valid TOML file ({exc})",
                [Problem("error", file, f"not a valid TOML file: {exc}")],
            ) from None
        data, name = _merge(default, override), str(override.get("name", path.stem))
    _check(data, file)
    return Standard(name=name, data=data)


def _check(data: dict, file: str) -> None:
    problems: list[Problem] = []

    def need_thresholds(where: str, table: dict) -> None:
        th = table.get("thresholds", {})
        try:
            values = [float(th[k]) for k in ("red", "orange", "yellow")]
        except (KeyError, TypeError, ValueError):
            problems.append(Problem("error", file, f"[{where}] thresholds must give numbers for red, orange and yellow", column=f"{where}.thresholds"))
            return
        if not values[0] >= values[1] >= values[2]:
            problems.append(Problem("error", file, f"[{where}] thresholds must satisfy red >= orange >= yellow, got {th}", column=f"{where}.thresholds"))

    try:
        need_thresholds("enterprise.lec", data["enterprise"]["lec"])
        need_thresholds("enterprise.matrix", data["enterprise"]["matrix"])
        need_thresholds("roads", data["roads"])
        if data["counties"].get("scheme", "fixed") == "fixed":
            need_thresholds("counties", data["counties"])
        for sector, grade in data["enterprise"]["baseline"].items():
            if grade not in GRADES:
                problems.append(Problem("error", file, f"[enterprise.baseline] {sector} = '{grade}' is not a grade; allowed: {', '.join(GRADES)}", column=f"enterprise.baseline.{sector}", value=str(grade)))
        for grade, colour in data.get("colours", {}).items():
            if grade not in GRADES or not re.fullmatch(r"#[0-9A-Fa-f]{6}", str(colour)):
                problems.append(Problem("error", file, f"[colours] {grade} = '{colour}': give one of {', '.join(GRADES)} "
                                        "as a #RRGGBB colour", column=f"colours.{grade}", value=str(colour)))
        scheme = data["counties"].get("scheme", "fixed")
        if scheme not in ("fixed", "quantiles", "natural_breaks"):
            problems.append(Problem("error", file, f"[counties] scheme = '{scheme}' is not known; allowed: fixed, quantiles, natural_breaks", column="counties.scheme", value=str(scheme)))
    except (KeyError, TypeError) as exc:
        problems.append(Problem("error", file, f"missing table or key {exc}; see riskmap/standards/default.toml for the shape"))
    if problems:
        raise StandardError(f"{file}: the grading standard is invalid", problems)
