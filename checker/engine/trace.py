"""One criterion's line of an item's trace: its status, explanation and the facts it read."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checker.core.status import Status
from checker.rules.compile import Facts, show
from checker.rules.ruleset import Criterion

_DEFAULT_EXPLAIN = {
    Status.MET: "Met: {text}.",
    Status.NOT_MET: "Not met: {text}.",
    Status.NOT_DOCUMENTED: "Not documented: {text}.",
    Status.NOT_APPLICABLE: "Does not apply here: {text}.",
}


@dataclass(slots=True)
class CriterionResult:
    """One criterion's status for one item, with the facts it read and its filled explanation.

    ``head`` is the JSON of :meth:`to_dict` before its explanation (id, status, text, citation: the same for
    every item with this criterion and status), rendered once per rule, or "" where it is not known."""

    id: str
    status: Status
    text: str
    citation: dict[str, str]
    explanation: str
    facts: dict[str, Any]
    head: str = field(default="", compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": str(self.status), "text": self.text, "citation": self.citation,
                "explanation": self.explanation,
                "facts": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.facts.items()}}


def json_default(value: Any) -> str:
    """How the engine's JSON writes a value JSON has no type for: a date as ISO, anything else as text."""
    return value.isoformat() if isinstance(value, date) else str(value)


def criterion_head(criterion: Criterion, status: Status) -> str:
    """The JSON of a criterion's result before its explanation: ``{"id":...,"citation":{...},``."""
    fixed = json.dumps({"id": criterion.id, "status": str(status), "text": criterion.text,
                        "citation": criterion.citation}, ensure_ascii=False, separators=(",", ":"),
                       default=json_default)
    return fixed[:-1] + ","


def explainer(criterion: Criterion, status: Status) -> str | Callable[[Facts], str]:
    """The explanation of a criterion in one status: a plain string when it does not depend on the facts,
    else a function of the facts (built once per rule)."""
    template = criterion.explain.get(status)
    if template is not None:
        return getattr(template, "constant", None) or template
    text = _DEFAULT_EXPLAIN[status].format(text=criterion.text.rstrip("."))
    if status is Status.NOT_APPLICABLE or not criterion.paths:
        return text
    # "Not met: <text> (weeks of use: {0}; weeks total: {1})", filled with str.format in one call.
    labels = "; ".join(f"{p.split('.')[-1].replace('_', ' ')}: {{{i}}}" for i, p in enumerate(criterion.paths))
    pattern = text.replace("{", "{{").replace("}", "}}") + f" ({labels})"
    paths = tuple(criterion.paths)
    if len(paths) == 1:
        (path,) = paths
        return lambda facts: pattern.format(show(facts.get(path)))
    return lambda facts: pattern.format(*[show(facts.get(p)) for p in paths])
