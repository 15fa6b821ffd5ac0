"""Exceptions and the problem records of validation.

Every error that reaches a user names the file, the row (1-based, as a spreadsheet
shows it) or feature, the column, what was wrong and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One finding about the input.

    Parameters
    ----------
    severity
        ``"error"`` (the assessment cannot be trusted) or ``"warning"``
        (repaired or worth knowing; the assessment goes on).
    file
        The file name as given in ``riskmap.toml`` (or ``riskmap.toml`` itself).
    message
        What was wrong and what is allowed, in the workspace language.
    row
        1-based row as a spreadsheet shows it (header is row 1), or feature number.
    column
        The canonical column name, or the column as it appears in the file.
    value
        The offending value as it appears in the file.
    """

    severity: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    unit: str = "row"

    def location(self) -> str:
        """Return ``file, row N, column C`` as far as known."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"{self.unit} {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class RiskMapError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1


class InputError(RiskMapError):
    """The input is wrong; the message (and ``problems``) say where.  Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])


class WorkspaceError(InputError):
    """The workspace folder or its ``riskmap.toml`` is unusable."""


class StandardError(InputError):
    """A grading standard TOML is malformed."""


class LayerSpecError(InputError):
    """A layer TOML in ``layers/`` is malformed."""


class FontNotFoundError(RiskMapError):
    """No CJK font could be found for a static export."""

    exit_code = 2


@dataclass
class ProblemLog:
    """Collects problems while a workspace is read and assessed."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, message: str, **where) -> None:
        self.problems.append(Problem("error", file, message, **where))

    def warning(self, file: str, message: str, **where) -> None:
        self.problems.append(Problem("warning", file, message, **where))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self, summary: str = "The workspace has errors") -> None:
        if self.errors:
            raise InputError(f"{summary} ({len(self.errors)})", self.errors)
