"""A fast yes/no JSON Schema check for the keyword subset our schemas use, compiled to Python source.

It answers only "certainly valid?". It is never laxer than :mod:`jsonschema` (where in doubt it says
no: enum compares types strictly, for instance), so a "no" sends the document to the full validator,
which gives the errors with their positions, and a "yes" skips that validator's far slower walk.
A schema with any keyword outside the subset is not compiled (:func:`compile_schema` returns None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jsonschema

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "readOnly", "writeOnly",
                          "default", "examples", "deprecated"})
_FORMATS = jsonschema.FormatChecker()


@lru_cache(maxsize=65536)
def _conforms_text(value: str, fmt: str) -> bool:
    """Whether a text has the format; remembered (the same dates recur across an archive)."""
    return _FORMATS.conforms(value, fmt)


class _Unsupported(Exception):
    pass


# Each type name as a test of ``v`` in generated code (integer: an int, or a float with no fraction).
_TYPE_TESTS = {
    "object": "v.__class__ is dict",
    "array": "v.__class__ is list",
    "string": "v.__class__ is str",
    "integer": "(v.__class__ is int or (v.__class__ is float and v.is_integer()))",
    "number": "(v.__class__ is int or v.__class__ is float)",
    "boolean": "v.__class__ is bool",
    "null": "v is None",
}
_HASHABLE = (str, int, float, bool, type(None))


class _Generator:
    """Python source for a schema: one function per sub-schema, every keyword an ``if ...: return False``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {"_FORMATS": _FORMATS, "_conforms_text": _conforms_text}
        self.tables: dict[str, dict[str, str]] = {}  # property name -> function name, per object schema
        self.count = 0

    def _name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def constant(self, value: Any) -> str:
        name = self._name("_c")
        self.constants[name] = value
        return name

    def function(self, schema: Any) -> str:
        """The name of a function ``(v) -> bool`` checking ``schema``."""
        if schema is True:
            return "_true"
        if not isinstance(schema, dict) or set(schema) - _KNOWN:
            raise _Unsupported(str(set(schema) - _KNOWN) if isinstance(schema, dict) else repr(schema))
        body = self._type(schema) + self._object(schema) + self._array(schema) + self._scalar(schema)
        name = self._name("_s")
        self.lines += [f"def {name}(v):", *(f"    {line}" for line in body), "    return True", ""]
        return name

    def _type(self, schema: dict[str, Any]) -> list[str]:
        if "type" not in schema:
            return []
        spec = schema["type"]
        names = [spec] if isinstance(spec, str) else list(spec)
        if any(n not in _TYPE_TESTS for n in names):
            raise _Unsupported(f"type {spec!r}")
        return [f"if not ({' or '.join(_TYPE_TESTS[n] for n in names)}): return False"]

    def _object(self, schema: dict[str, Any]) -> list[str]:
        props = {key: self.function(sub) for key, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        extra_fn = None if extra is True or extra is False else self.function(extra)
        required = tuple(schema.get("required", ()))
        if not props and extra is True and not required:
            return []
        out = ["if v.__class__ is dict:"]
        out += [f"    if {key!r} not in v: return False" for key in required]
        if props or extra is not True:
            table = self._name("_t")
            self.tables[table] = props
            out += ["    for key, x in v.items():",
                    f"        f = {table}.get(key)",
                    "        if f is not None:",
                    "            if not f(x): return False"]
            if extra is False:
                out += ["        else: return False"]
            elif extra_fn is not None:
                out += [f"        elif not {extra_fn}(x): return False"]
        return out

    def _array(self, schema: dict[str, Any]) -> list[str]:
        items = schema.get("items")
        if isinstance(items, list):
            raise _Unsupported("items as a list")
        item_fn = None if items is None or items is True else self.function(items)
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if item_fn is None and not low and high is None:
            return []
        out = ["if v.__class__ is list:"]
        if low:
            out += [f"    if len(v) < {int(low)}: return False"]
        if high is not None:
            out += [f"    if len(v) > {int(high)}: return False"]
        if item_fn is not None:
            out += ["    for x in v:", f"        if not {item_fn}(x): return False"]
        return out

    def _scalar(self, schema: dict[str, Any]) -> list[str]:
        out = []
        if "enum" in schema:
            allowed = [(v.__class__, v) for v in schema["enum"]]
            if all(isinstance(v, _HASHABLE) and v == v for _, v in allowed):  # noqa: PLR0124 - NaN is not equal
                out += [f"if (v.__class__, v) not in {self.constant(frozenset(allowed))}: return False"]
            else:
                pairs = self.constant(allowed)
                out += [f"if not any(c is v.__class__ and x == v for c, x in {pairs}): return False"]
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None or high is not None:
            tests = ([f"v < {self.constant(low)}"] if low is not None else []) + \
                ([f"v > {self.constant(high)}"] if high is not None else [])
            out += [f"if (v.__class__ is int or v.__class__ is float) and ({' or '.join(tests)}): return False"]
        if "minLength" in schema:
            out += [f"if v.__class__ is str and len(v) < {self.constant(schema['minLength'])}: return False"]
        if "pattern" in schema:
            search = self.constant(re.compile(schema["pattern"]).search)
            out += [f"if v.__class__ is str and {search}(v) is None: return False"]
        if "format" in schema:
            fmt = self.constant(schema["format"])
            out += [f"if not (_conforms_text(v, {fmt}) if v.__class__ is str else _FORMATS.conforms(v, {fmt})): "
                    "return False"]
        return out


_KNOWN = _ANNOTATIONS | {"type", "properties", "additionalProperties", "required", "items", "minItems", "maxItems",
                         "enum", "minimum", "maximum", "minLength", "pattern", "format"}


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A predicate that is True only for documents the schema accepts; None if the schema uses other keywords."""
    generator = _Generator()
    try:
        root = generator.function(schema)
    except _Unsupported:
        return None
    namespace: dict[str, Any] = {**generator.constants, "_true": lambda _v: True}
    exec(compile("\n".join(generator.lines), "<schema_fast>", "exec"), namespace)  # noqa: S102 - our own source
    for table, functions in generator.tables.items():
        namespace[table] = {key: namespace[fn] for key, fn in functions.items()}
    return namespace[root]
