"""Schema errors in rule files, in words a rule author reads: the field, what was expected, a hint.

jsonschema reports a bad nested test as "{...} is not valid under any of the given schemas". Here each
``oneOf``/``anyOf`` error is traced into the branch the author meant (the one whose required keys the
mapping has), so the message names the real mistake at its own line and column, however deep.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

from checker.core.errors import Problem
from checker.core.schema_errors import validator
from checker.core.yamlpos import Positions
from checker.rules.operators import names as operator_names

_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number", "boolean": "true or false",
               "object": "a mapping (key: value)", "array": "a list", "null": "nothing"}

Found = tuple[tuple, str, "str | None", bool, str]  # (path, message, hint, position at the key, code)


def where(path: tuple, data: Any) -> str:
    """A path as an author reads it: ``criterion 'acute' test.all[1].not``."""
    out: list[str] = []
    node = data
    tail: list[str] = []
    i = 0
    while i < len(path):
        key = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if key in ("criteria", "rules", "examples") and isinstance(nxt, int) and isinstance(node, dict):
            item = (node.get(key) or [None] * (nxt + 1))[nxt] if nxt < len(node.get(key) or []) else None
            label = {"criteria": "criterion", "rules": "rule", "examples": "example"}[key]
            name = item.get("name" if key == "examples" else "id") if isinstance(item, dict) else None
            name = name or (item.get("use") if isinstance(item, dict) else None)
            if tail:
                out.append(".".join(tail).replace(".[", "["))
                tail = []
            out.append(f"{label} '{name}'" if name else f"{key}[{nxt}]")
            node = item
            i += 2
            continue
        tail.append(f"[{key}]" if isinstance(key, int) else str(key))
        node = node[key] if isinstance(node, (dict, list)) and _has(node, key) else None
        i += 1
    if tail:
        out.append(".".join(tail).replace(".[", "["))
    return " ".join(out)


def _has(node: dict | list, key: Any) -> bool:
    return key in node if isinstance(node, dict) else isinstance(key, int) and key < len(node)


def _near(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _required(schema: dict) -> list[str]:
    """Keys a mapping schema requires, directly or in any of its anyOf/oneOf branches."""
    keys = list(schema.get("required", []))
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        keys += [k for k in branch.get("required", []) if k not in keys]
    return keys


def _branch_score(branch: dict, instance: Any) -> int:
    if isinstance(instance, dict):
        return sum(1 for k in branch.get("required", []) if k in instance)
    return 1 if branch.get("type") and validator("rule").is_type(instance, branch["type"]) else 0


def _known_keys(error: ValidationError) -> list[str]:
    keys = set(error.schema.get("properties", {}))
    for branch in error.validator_value:
        keys |= set(branch.get("properties", {}))
    return sorted(keys)


def _alternatives(error: ValidationError) -> Iterator[Found]:
    """A oneOf/anyOf error: follow the branch the author meant, or say what none of them got."""
    path, instance = tuple(error.absolute_path), error.instance
    scores = [_branch_score(b, instance) for b in error.validator_value]
    best = max(scores)
    if best > 0:
        index = scores.index(best)
        for sub in error.context:
            if sub.relative_schema_path and sub.relative_schema_path[0] == index:
                yield from _explain(sub)
        return
    if isinstance(instance, dict):
        known = _known_keys(error)
        unknown = [k for k in instance if k not in known]
        for key in unknown:
            near = _near(key, known)
            yield ((*path, key), f"unknown field '{key}'", f"did you mean '{near}'?" if near else
                   "expected one of: " + ", ".join(known), True, "schema-unknown-field")
        if unknown:
            return
    needs = [b["required"][0] for b in error.validator_value if b.get("required")]
    kinds = [_TYPE_WORDS.get(b["type"], b["type"]) for b in error.validator_value
             if b.get("type") and not b.get("required")]
    if "fact" in needs:
        what = "a test needs 'fact' with one operator, or 'all', 'any' or 'not'"
    elif needs:
        mapping = "a mapping with " + _or([f"'{n}'" for n in needs])
        what = "expected " + " or ".join([*kinds, mapping]) if kinds else "needs " + _or([f"'{n}'" for n in needs])
    else:
        what = "expected " + _or(kinds)
    yield (path, what, error.schema.get("description") if kinds else None, False, "schema-wrong-type")


def _or(words: list[str]) -> str:
    """'a', 'b' or 'c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _explain(error: ValidationError) -> Iterator[Found]:
    """The author-facing problems behind one jsonschema error."""
    path, v, value, instance = tuple(error.absolute_path), error.validator, error.validator_value, error.instance
    if v in ("oneOf", "anyOf") and error.context:
        yield from _alternatives(error)
    elif v == "oneOf" and not isinstance(instance, dict):
        return  # "valid under each of" the mapping forms: the type error beside it says what is wrong
    elif v == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        missing = [k for k in _required(error.schema) if k not in instance]
        for key in [k for k in instance if k not in known]:
            near = _near(key, missing) or _near(key, known)
            yield ((*path, key), f"unknown field '{key}'",
                   f"did you mean '{near}'?" if near else "known fields: " + ", ".join(known), True,
                   "schema-unknown-field")
    elif v == "required":
        missing = error.message.split("'")[1]
        known = sorted(error.schema.get("properties", {}))
        if any(_near(k, [missing]) for k in instance if k not in known):
            return  # an unknown field near this name already says "did you mean"
        yield (path, f"missing field '{missing}'", None, False, "schema-missing-field")
    elif v == "type":
        kind = value if isinstance(value, str) else value[0]
        hint = f'put it in quotes: "{instance}"' if kind == "string" and isinstance(instance, (int, float)) else None
        yield (path, f"expected {_TYPE_WORDS.get(kind, kind)}, got {instance!r}", hint, False, "schema-wrong-type")
    elif v == "pattern":
        if value.startswith("^\\d{4}"):
            yield (path, f"'{instance}' is not a date", "write it as YYYY-MM-DD", False, "schema-bad-date")
        elif path and path[-1] == "fact":
            yield (path, f"'{instance}' is not a fact path", "lower-case words joined by dots: clinical.muscle_spasm",
                   False, "schema-bad-name")
        else:
            yield (path, f"'{instance}' is not a valid id", "use lower-case letters, digits and hyphens"
                   + (" (dots between parts)" if "." in value else ""), False, "schema-bad-name")
    elif v == "enum":
        yield (path, f"{instance!r} is not allowed", "one of: " + ", ".join(str(x) for x in value), False,
               "schema-bad-value")
    elif v == "maxProperties" and isinstance(instance, dict) and "fact" in instance:
        ops = [k for k in instance if k != "fact"]
        yield ((*path, ops[1]), "a test compares one fact with one operator, but this one has "
               + " and ".join(f"'{o}'" for o in ops), "split it into an `all:` of two tests", True,
               "schema-test-operators")
    elif v == "minProperties" and isinstance(instance, dict) and "fact" in instance:
        yield (path, f"the test of '{instance['fact']}' has no operator", f"add one of: {operator_names()}", False,
               "schema-test-operators")
    elif v == "minItems":
        yield (path, f"needs at least {value} item{'s' if value != 1 else ''}", None, False, "schema-bad-value")
    elif v == "maxItems":
        yield (path, f"has more than {value} items", None, False, "schema-bad-value")
    elif v == "minLength":
        yield (path, "must not be empty", None, False, "schema-bad-value")
    elif v == "minimum":
        yield (path, f"must be at least {value}, got {instance!r}", None, False, "schema-bad-value")
    else:
        yield (path, error.message, None, False, "schema-invalid")


def rule_schema_problems(data: Any, positions: Positions, file: str) -> tuple[list[Problem], set[tuple]]:
    """Every schema violation in a rule file as a Problem at the offending value (or key), in file order,
    and the parts they break (see :func:`broken_part`): the rest of the file is still checked."""
    problems: dict[tuple, Problem] = {}
    broken: set[tuple] = set()
    for error in validator("rule").iter_errors(data):
        explained = list(_explain(error))
        if explained:  # an error left to the loader (a shared criterion's missing test) breaks nothing here
            broken.add(broken_part(tuple(error.absolute_path), data))
        for path, message, hint, at_key, code in explained:
            pos = positions.key(path) if at_key else positions.find(path)
            line, col = pos if pos else (None, None)
            label = where(path[:-1] if at_key else path, data)
            text = f"{label}: {message}" if label else message
            problems.setdefault((line, col, text), Problem(file, text, line, col, hint, code))
    return sorted(problems.values(), key=lambda p: (p.line or 0, p.column or 0)), broken


def broken_part(path: tuple, data: Any) -> tuple:
    """The part of a rule file a schema error at ``path`` breaks: a criterion, example or shared condition,
    a field of a rule (its decision, applies_to, ...), a whole rule, or the whole file (``()``)."""
    collection = isinstance(data, dict) and "id" not in data
    if collection and path[:1] in (("criteria",), ("conditions",)):
        return path[:2] if len(path) >= 2 else ()
    if collection:
        if path[:1] != ("rules",) or len(path) < 2:
            return ()
        base, rest = path[:2], path[2:]
    else:
        base, rest = (), path
    if not rest:
        return base
    if rest[0] in ("criteria", "examples") and len(rest) >= 2:
        return (*base, *rest[:2])
    return (*base, rest[0])
