"""A fast yes/no JSON Schema check for the keyword subset our schemas use, compiled to Python closures.

It answers only "certainly valid?". It is never laxer than :mod:`jsonschema` (where in doubt it says
no: enum compares types strictly, for instance), so a "no" sends the document to the full validator,
which gives the errors with their positions, and a "yes" skips that validator's far slower walk.
A schema with any keyword outside the subset is not compiled (:func:`compile_schema` returns None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "readOnly", "writeOnly",
                          "default", "examples", "deprecated"})
_FORMATS = jsonschema.FormatChecker()


class _Unsupported(Exception):
    pass


def _is_integer(value: Any) -> bool:
    cls = value.__class__
    return cls is int or (cls is float and value.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda v: v.__class__ is dict,
    "array": lambda v: v.__class__ is list,
    "string": lambda v: v.__class__ is str,
    "integer": _is_integer,
    "number": lambda v: v.__class__ in (int, float),
    "boolean": lambda v: v.__class__ is bool,
    "null": lambda v: v is None,
}


def _type_check(spec: str | list[str]) -> Check:
    names = [spec] if isinstance(spec, str) else list(spec)
    if any(n not in _TYPES for n in names):
        raise _Unsupported(f"type {spec!r}")
    checks = [_TYPES[n] for n in names]
    if len(checks) == 1:
        return checks[0]
    return lambda v: any(check(v) for check in checks)


def _object_check(schema: dict[str, Any]) -> Check | None:
    props = {name: _compile(sub) for name, sub in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    extra_check = None if extra is True or extra is False else _compile(extra)
    required = tuple(schema.get("required", ()))
    if not props and extra is True and not required:
        return None

    def check(value: Any) -> bool:
        if value.__class__ is not dict:
            return True
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            sub = props.get(name)
            if sub is not None:
                if not sub(item):
                    return False
            elif extra is False or (extra_check is not None and not extra_check(item)):
                return False
        return True

    return check


def _array_check(schema: dict[str, Any]) -> Check | None:
    items = schema.get("items")
    if isinstance(items, list):
        raise _Unsupported("items as a list")
    item_check = None if items is None or items is True else _compile(items)
    low, high = schema.get("minItems", 0), schema.get("maxItems")
    if item_check is None and not low and high is None:
        return None

    def check(value: Any) -> bool:
        if value.__class__ is not list:
            return True
        if len(value) < low or (high is not None and len(value) > high):
            return False
        return item_check is None or all(item_check(v) for v in value)

    return check


def _scalar_checks(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "enum" in schema:
        allowed = [(v.__class__, v) for v in schema["enum"]]
        checks.append(lambda v: any(cls is v.__class__ and x == v for cls, x in allowed))
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        def bounds(v: Any) -> bool:
            if v.__class__ not in (int, float):
                return True
            return (low is None or v >= low) and (high is None or v <= high)
        checks.append(bounds)
    if "minLength" in schema:
        shortest = schema["minLength"]
        checks.append(lambda v: v.__class__ is not str or len(v) >= shortest)
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        checks.append(lambda v: v.__class__ is not str or search(v) is not None)
    if "format" in schema:
        fmt = schema["format"]
        checks.append(lambda v: _FORMATS.conforms(v, fmt))
    return checks


_KNOWN = _ANNOTATIONS | {"type", "properties", "additionalProperties", "required", "items", "minItems", "maxItems",
                         "enum", "minimum", "maximum", "minLength", "pattern", "format"}


def _compile(schema: Any) -> Check:
    if schema is True:
        return lambda _v: True
    if not isinstance(schema, dict) or set(schema) - _KNOWN:
        raise _Unsupported(str(set(schema) - _KNOWN) if isinstance(schema, dict) else repr(schema))
    checks: list[Check] = []
    if "type" in schema:
        checks.append(_type_check(schema["type"]))
    checks += [c for c in (_object_check(schema), _array_check(schema)) if c is not None]
    checks += _scalar_checks(schema)
    if not checks:
        return lambda _v: True
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A predicate that is True only for documents the schema accepts; None if the schema uses other keywords."""
    try:
        return _compile(schema)
    except _Unsupported:
        return None
