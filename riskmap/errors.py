"""Exceptions and the problem records of validation.

Every error that reaches a user names the file, the row (1-based, as a spreadsheet
shows it) or feature, the column, what was wrong and what is allowed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from riskmap.i18n import Msg


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
    unit
        What ``row`` counts: ``row`` (a spreadsheet row), ``feature`` or ``line``.
    text
        The message as data (:class:`~riskmap.i18n.Msg`), so that :meth:`render`
        can put it in another language; ``None`` when only ``message`` is known.
    """

    severity: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    unit: str = "row"
    text: Msg | None = field(default=None, compare=False, repr=False)

    @classmethod
    def said(cls, severity: str, file: str, text: Msg, lang: str, **where) -> Problem:
        """A problem whose message is ``text`` written in ``lang`` (and kept as data)."""
        return cls(severity, file, text.render(lang), text=text, **where)

    def render(self, lang: str) -> str:
        """The message in ``lang`` (``message`` itself when it was given as text)."""
        return self.text.render(lang) if self.text is not None else self.message

    def in_language(self, lang: str) -> Problem:
        """This problem with its message in ``lang`` only (one found before the language was known, written
        ``中文 / English``, too: a page in one language shows that one)."""
        if self.text is None:
            return self
        text = dataclasses.replace(self.text, both=False) if self.text.both else self.text
        return Problem(self.severity, self.file, text.render(lang), self.row, self.column, self.value,
                       self.unit, text)

    def where(self, lang: str) -> str:
        """``file, row N, column C`` in ``lang`` (``enterprises.csv，第 5 行，列 sector``), as far as known."""
        from riskmap.i18n import problem_word

        parts = [self.file]
        if self.row is not None:
            parts.append(problem_word(self.unit if self.unit in ("feature", "line") else "row", lang, n=self.row))
        if self.column:
            parts.append(problem_word("column", lang, c=self.column))
        return ("，" if lang == "zh" else ", ").join(parts)

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


class WorkerError(RiskMapError):
    """A forked worker process (:mod:`riskmap.workers`) stopped without finishing its job."""


class FontNotFoundError(RiskMapError):
    """No CJK font could be found for a static export."""

    exit_code = 2


@dataclass
class ProblemLog:
    """Collects problems while a workspace is read and assessed.

    A message given as a :class:`~riskmap.i18n.Msg` is kept as data and written in
    ``lang`` (the workspace language) for ``Problem.message``.
    """

    problems: list[Problem] = field(default_factory=list)
    lang: str = "zh"

    def add(self, severity: str, file: str, message: str | Msg, **where) -> None:
        """Log one problem of ``severity`` (``error`` or ``warning``)."""
        if isinstance(message, Msg):
            self.problems.append(Problem(severity, file, message.render(self.lang), text=message, **where))
        else:
            self.problems.append(Problem(severity, file, message, **where))

    def error(self, file: str, message: str | Msg, **where) -> None:
        self.add("error", file, message, **where)

    def warning(self, file: str, message: str | Msg, **where) -> None:
        self.add("warning", file, message, **where)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self, summary: str = "The workspace has errors") -> None:
        if self.errors:
            raise InputError(f"{summary} ({len(self.errors)})", self.errors)
