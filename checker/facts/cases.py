"""Load case files (YAML or JSON) and validate them against schemas/case.schema.json."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from checker.core.errors import InputError, Problem
from checker.core.schema_errors import schema_problems
from checker.core.yaml_words import file_problem
from checker.core.yamlpos import Positions, load


@dataclass
class Case:
    """A validated case: its facts as written, where it came from, and the positions of its values."""

    data: dict[str, Any]
    file: str | None = None
    positions: Positions = field(default_factory=Positions, repr=False)
    prefix: tuple = ()

    @property
    def case_id(self) -> str:
        return self.data["case_id"]

    @property
    def source(self) -> str | None:
        return self.data.get("source") or self.file

    def position(self, *path: str | int) -> tuple[int, int] | None:
        """Line and column of a value in the case file, where known."""
        return self.positions.find((*self.prefix, *path))


def _subtree(positions: Positions, prefix: tuple) -> Positions:
    out = Positions()
    n = len(prefix)
    for key, value in positions.items():
        if key[:n] == prefix:
            out[key[n:]] = value
        elif key[:1] == ("__key__",) and key[1:n + 1] == prefix:
            out[("__key__", *key[n + 1:])] = value
    return out


def case_from_data(data: Any, file: str = "<data>", positions: Positions | None = None,
                   prefix: tuple = (), written: bool = False) -> Case:
    """Validate a case document; raises InputError with every problem, the first named in its message.

    A ``written`` case (a case file a person wrote) is also held to what no record can say: an injury
    dated after the report."""
    positions = positions if positions is not None else Positions()
    if not isinstance(data, dict):
        raise InputError(Problem(file, "a case must be a mapping with case_id and requests", 1, 1,
                                 code="not-a-mapping"))
    sub = _subtree(positions, prefix) if prefix else positions
    problems = schema_problems(data, "case", sub, file)
    if written:
        problems += _date_order_problems(data, sub, file)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    if problems:
        raise InputError(problems[0], problems[1:])
    return Case(data, file, positions, prefix)


def _date_order_problems(data: dict, positions: Positions, file: str) -> list[Problem]:
    """An injury dated after the report cannot be: every week counted from it would be wrong."""
    injury = data["injury"].get("date") if isinstance(data.get("injury"), dict) else None
    report = data.get("report_date")
    try:
        if date.fromisoformat(str(injury)) <= date.fromisoformat(str(report)):
            return []
    except ValueError:  # not dates: the schema says so
        return []
    line, col = positions.find(("injury", "date")) or (None, None)
    return [Problem(file, f"injury.date {injury} is after the report date {report}", line, col,
                    "check the year: an injury cannot follow the report that describes it", "injury-after-report")]


def load_cases(path: str | Path) -> list[Case]:
    """Load a case file: one case, or ``{"cases": [...]}`` as ``mtus ingest`` writes."""
    try:
        data, positions = load(path)
    except InputError as exc:
        raise InputError(*[file_problem(p, path) for p in exc.problems][:1], exc.problems[1:]) from None
    name = str(path)
    if isinstance(data, dict) and "cases" in data and "case_id" not in data:
        if not isinstance(data["cases"], list):
            raise InputError(Problem(name, "'cases' must be a list", *(positions.find(("cases",)) or (None, None))))
        return [case_from_data(c, name, positions, ("cases", i), written=True) for i, c in enumerate(data["cases"])]
    return [case_from_data(data, name, positions, written=True)]
