"""Validate data against a JSON Schema and trace each error to the line and column it came from."""

from __future__ import annotations

import difflib
import json
from functools import cache

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from checker.core.errors import Problem
from checker.core.resources import schemas_dir
from checker.core.schema_fast import Check, compile_schema
from checker.core.yamlpos import Positions


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    """A compiled validator for ``schemas/<name>.schema.json``."""
    schema = json.loads((schemas_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def fast_check(name: str) -> Check | None:
    """The quick "certainly valid?" test for ``schemas/<name>.schema.json`` (None if it cannot be compiled)."""
    return compile_schema(validator(name).schema)


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf errors, the sub-error that got furthest into the data."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.context or [])))
    return error


def _writable(schema: dict) -> list[str]:
    """The fields an author may write: derived (readOnly) ones are computed, never offered."""
    return sorted(k for k, v in schema.get("properties", {}).items() if not (isinstance(v, dict) and v.get("readOnly")))


def _is_date(schema: dict) -> bool:
    return schema.get("format") == "date" or str(schema.get("pattern", "")).startswith("^\\d{4}")


def _describe(error: ValidationError) -> tuple[str, str | None, str]:
    """(message, hint, problem code) for one schema error."""
    path = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    v = error.validator
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        where = f" in {path}" if error.absolute_path else ""
        name = extra[0] if extra else "?"
        writable = _writable(error.schema)
        near = difflib.get_close_matches(name, writable, n=1, cutoff=0.6)
        hint = f"did you mean '{near[0]}'?" if near else f"known fields: {', '.join(writable)}"
        return f"unknown field '{name}'{where}", hint, "unknown-field"
    if v == "required":
        return f"{path}: {error.message}", None, "schema-missing-field"
    if v == "enum":
        allowed = ", ".join(str(x) for x in error.validator_value if x is not None)
        return f"{path}: {error.instance!r} is not allowed", f"one of: {allowed}", "schema-bad-value"
    if v in ("format", "pattern") and _is_date(error.schema):
        return f"{path}: {error.instance!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2016-11-01", \
            "schema-bad-date"
    if v == "type":
        return f"{path}: {error.message}", None, "schema-wrong-type"
    if v in ("minimum", "maximum", "minItems", "minLength"):
        return f"{path}: {error.message}", None, "schema-bad-value"
    return f"{path}: {error.message}", None, "schema-invalid"


def schema_problems(data: object, schema: str, positions: Positions, file: str) -> list[Problem]:
    """Every schema violation in ``data``, each with the position of the offending value."""
    quick = fast_check(schema)
    if quick is not None and quick(data):
        return []
    errors = list(validator(schema).iter_errors(data))
    if not errors:
        return []
    problems = []
    seen = set()
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        error = _deepest(error) if error.context else error
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            pos = positions.key((*error.absolute_path, extra[0])) if extra else positions.find(error.absolute_path)
        else:
            pos = positions.find(tuple(error.absolute_path))
        message, hint, code = _describe(error)
        key = (pos, message)
        if key in seen:
            continue
        seen.add(key)
        line, col = pos if pos else (None, None)
        problems.append(Problem(file, message, line, col, hint, code))
    return problems


__all__ = ["schema_problems", "validator", "best_match"]
