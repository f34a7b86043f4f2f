"""Compile rule tests, decisions and explanation templates into plain Python callables.

Three-valued (Kleene) logic: ``True`` (met), ``False`` (not met), ``None`` (not documented).
Compilation happens once when rules load; evaluation never looks at YAML or strings again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

Facts = dict[str, Any]
Test = Callable[[Facts], "bool | None"]

OPERATORS = ("is", "equals", "in", "at_least", "at_most", "between", "documented", "within_days", "contains")
NUMERIC_OPERATORS = ("at_least", "at_most", "between")


class NotApplicable:
    """The decision value of a criterion that does not apply: neutral in all/any."""

    def __repr__(self) -> str:
        return "NA"


NA = NotApplicable()


def kleene_all(values: Iterable[bool | None]) -> bool | None:
    """Kleene AND: False wins, then unknown, else True."""
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def kleene_any(values: Iterable[bool | None]) -> bool | None:
    """Kleene OR: True wins, then unknown, else False."""
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def kleene_not(value: bool | None) -> bool | None:
    """Kleene NOT: unknown stays unknown."""
    return None if value is None else not value


def _comparison(path: str, op: str, operand: Any) -> Test:
    if op == "documented":
        want = bool(operand)
        return lambda f: (f.get(path) not in (None, [])) is want
    if op in ("is", "equals"):
        return lambda f: None if (v := f.get(path)) is None else v == operand
    if op == "in":
        allowed = frozenset(operand) if all(isinstance(x, (str, int, float, bool)) for x in operand) else operand
        return lambda f: None if (v := f.get(path)) is None else v in allowed
    if op == "at_least":
        return lambda f: None if (v := f.get(path)) is None else v >= operand
    if op == "at_most":
        return lambda f: None if (v := f.get(path)) is None else v <= operand
    if op == "between":
        low, high = operand
        return lambda f: None if (v := f.get(path)) is None else low <= v <= high
    if op == "within_days":
        def within(f: Facts) -> bool | None:
            value, report = f.get(path), f.get("report_date")
            if not isinstance(value, date) or not isinstance(report, date):
                return None
            return 0 <= (report - value).days <= operand
        return within
    if op == "contains":
        wanted = frozenset(operand if isinstance(operand, list) else [operand])
        return lambda f: None if (v := f.get(path)) is None else not wanted.isdisjoint(v)
    raise ValueError(f"unknown operator {op}")


def _all_of(parts: tuple[Test, ...]) -> Test:
    """Kleene AND of tests, stopping at the first False (a plain loop: no generator per call)."""
    def test(f: Facts) -> bool | None:
        unknown = False
        for part in parts:
            v = part(f)
            if v is False:
                return False
            if v is None:
                unknown = True
        return None if unknown else True
    return test


def _any_of(parts: tuple[Test, ...]) -> Test:
    """Kleene OR of tests, stopping at the first True."""
    def test(f: Facts) -> bool | None:
        unknown = False
        for part in parts:
            v = part(f)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False
    return test


def compile_test(node: dict) -> Test:
    """Compile a test mapping ({fact, op} or all/any/not) into a function of the facts."""
    if "all" in node:
        return _all_of(tuple(compile_test(n) for n in node["all"]))
    if "any" in node:
        return _any_of(tuple(compile_test(n) for n in node["any"]))
    if "not" in node:
        inner = compile_test(node["not"])
        return lambda f: None if (v := inner(f)) is None else not v
    (op,) = [k for k in node if k != "fact"]
    return _comparison(node["fact"], op, node[op])


def test_paths(node: dict) -> list[str]:
    """Every fact path a test reads, in order, without repeats."""
    out: list[str] = []
    for key in ("all", "any"):
        for n in node.get(key, []):
            out += [p for p in test_paths(n) if p not in out]
    if "not" in node:
        out += [p for p in test_paths(node["not"]) if p not in out]
    if "fact" in node and node["fact"] not in out:
        out.append(node["fact"])
    return out


Decision = Callable[[dict[str, Any]], Any]


def compile_decision(node: Any) -> Decision:
    """Compile a decision over criterion ids; reads a map of id -> True/False/None/NA."""
    if isinstance(node, str):
        return lambda values: values[node]
    if "not" in node:
        inner = compile_decision(node["not"])
        return lambda values: NA if (v := inner(values)) is NA else kleene_not(v)
    is_all = "all" in node
    stop = not is_all  # all: False decides; any: True decides
    parts = tuple(compile_decision(n) for n in node["all" if is_all else "any"])

    def combined(values: dict[str, Any]) -> Any:
        result: Any = NA  # stays NA when no part applies
        for part in parts:
            v = part(values)
            if v is stop:
                return stop
            if v is None:
                result = None
            elif v is not NA and result is NA:
                result = not stop
        return result
    return combined


def decision_ids(node: Any) -> list[str]:
    """Every criterion id a decision names, in order."""
    if isinstance(node, str):
        return [node]
    out: list[str] = []
    for key in ("all", "any"):
        for n in node.get(key, []):
            out += [i for i in decision_ids(n) if i not in out]
    if "not" in node:
        out += [i for i in decision_ids(node["not"]) if i not in out]
    return out


_FIELD = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


def show(value: Any) -> str:
    """A fact value as a person reads it."""
    if value is None:
        return "not documented"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, list):
        return ", ".join(show(v).replace("_", " ") for v in value) or "none"
    return str(value).replace("_", " ")


_OPTIONAL = re.compile(r"\[([^\[\]]*\{[a-z_][a-z0-9_.]*\}[^\[\]]*)\]")


def compile_template(text: str) -> Callable[[Facts], str]:
    """Compile "used for {request.weeks_of_use} weeks" into a function filling in the facts.

    A part in square brackets that names facts, "Relief is documented[ ({pain.with_medication} with it)].",
    is left out when any fact it names is not documented.
    """
    pieces = _OPTIONAL.split(text)
    if len(pieces) == 1:
        return _compile_fields(text)
    parts = [_compile_fields(p) for p in pieces]
    optional = [tuple(_FIELD.findall(p)) if i % 2 else () for i, p in enumerate(pieces)]

    def fill(f: Facts) -> str:
        return "".join(part(f) for part, needs in zip(parts, optional, strict=True)
                       if all(f.get(n) is not None for n in needs))
    return fill


def _compile_fields(text: str) -> Callable[[Facts], str]:
    parts = _FIELD.split(text)
    literals, paths = parts[0::2], parts[1::2]
    if not paths:
        def constant(f: Facts) -> str:
            return text
        constant.constant = text  # type: ignore[attr-defined]  # lets the engine skip the call
        return constant

    # "used for {0} weeks": the literal text with its braces doubled and a numbered slot per field.
    pattern = "".join(lit.replace("{", "{{").replace("}", "}}") + (f"{{{i}}}" if i < len(paths) else "")
                      for i, lit in enumerate(literals))
    fields = tuple(paths)
    if len(fields) == 1:  # the usual case: no list to build
        (field,) = fields
        return lambda f: pattern.format(show(f.get(field)))

    def fill(f: Facts) -> str:
        return pattern.format(*[show(f.get(p)) for p in fields])
    return fill


def template_paths(text: str) -> list[str]:
    """The fact paths a template names."""
    return _FIELD.findall(text)
