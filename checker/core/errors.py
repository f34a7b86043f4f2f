"""Input errors: one clear line naming the file, line and column, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.core.codes import Severity, severity


@dataclass
class Problem:
    """One problem found in an input file, with its position (1-based) when known, and a stable code
    (see :mod:`checker.core.codes`) that gives its severity."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    code: str = "bad-input"

    @property
    def severity(self) -> Severity:
        return severity(self.code)

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON: file, line, column, code, severity, message, hint."""
        return {"file": self.file, "line": self.line, "column": self.column, "code": self.code,
                "severity": str(self.severity), "message": self.message, "hint": self.hint}

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class InputError(Exception):
    """A bad input (missing file, broken YAML, schema violation, unknown drug...).

    The CLI prints ``str(error)`` as one line and exits with code 2.
    """

    def __init__(self, problem: Problem, more: list[Problem] | None = None):
        self.problem = problem
        self.problems = [problem, *(more or [])]
        super().__init__(str(problem))
