"""The fact vocabulary: every fact path a rule may test, read from schemas/case.schema.json.

Case-level facts keep their dotted path (``monitoring.cures_checked``); facts about the requested
item are read as ``request.<name>`` (``request.weeks_of_use``).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache

from checker.core.resources import schemas_dir

SCHEMAS = schemas_dir()
_SKIP = {"case_id", "source", "evidence", "notes", "requests"}
_REQUEST_SKIP = {"text", "actual"}


@dataclass(frozen=True)
class Fact:
    """One fact a rule can test: its path, JSON type, description and whether it is derived."""

    path: str
    type: str  # boolean | number | integer | string | date | array
    description: str
    derived: bool
    enum: tuple | None = None
    item_enum: tuple | None = None

    @property
    def numeric(self) -> bool:
        return self.type in ("number", "integer")


def _type_of(node: dict) -> str:
    types = node.get("type", "string")
    if isinstance(types, list):
        types = [t for t in types if t != "null"][0]
    if types == "string" and node.get("format") == "date":
        return "date"
    return types


def _walk(node: dict, prefix: str, out: dict[str, Fact], skip: set[str]) -> None:
    for name, sub in node.get("properties", {}).items():
        if name in skip:
            continue
        path = f"{prefix}{name}"
        kind = _type_of(sub)
        if kind == "object":
            _walk(sub, path + ".", out, set())
            continue
        enum = tuple(v for v in sub["enum"] if v is not None) if "enum" in sub else None
        item_enum = tuple(sub.get("items", {}).get("enum", ())) or None
        out[path] = Fact(path, kind, sub.get("description", ""), bool(sub.get("readOnly")), enum, item_enum)


@lru_cache(maxsize=1)
def case_schema() -> dict:
    """The case JSON Schema, loaded once."""
    return json.loads((SCHEMAS / "case.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Fact]:
    """Every testable fact, keyed by path."""
    schema = case_schema()
    facts: dict[str, Fact] = {"report_date": Fact("report_date", "date", "Date of the report under review.", False)}
    _walk(schema, "", facts, _SKIP)
    _walk(schema["properties"]["requests"]["items"], "request.", facts, _REQUEST_SKIP)
    return facts


def suggest(path: str) -> str | None:
    """The closest known fact path, for a "did you mean" hint."""
    matches = difflib.get_close_matches(path, list(vocabulary()), n=1, cutoff=0.6)
    if not matches:
        tail = path.rsplit(".", 1)[-1]
        matches = [p for p in vocabulary() if p.rsplit(".", 1)[-1] == tail][:1]
    return matches[0] if matches else None
