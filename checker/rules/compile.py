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


def _kleene(values: Iterable[bool | None], decides: bool) -> bool | None:
    """Kleene AND (``decides=False``) or OR (``decides=True``): the deciding value wins, then unknown."""
    unknown = False
    for v in values:
        if v is decides:
            return decides
        if v is None:
            unknown = True
    return None if unknown else not decides


def kleene_all(values: Iterable[bool | None]) -> bool | None:
    """Kleene AND: False wins, then unknown, else True."""
    return _kleene(values, False)


def kleene_any(values: Iterable[bool | None]) -> bool | None:
    """Kleene OR: True wins, then unknown, else False."""
    return _kleene(values, True)


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


def _combined(parts: tuple[Test, ...], decides: bool) -> Test:
    """Kleene AND (``decides=False``) or OR (``decides=True``) of tests, stopping at the deciding value.

    A plain loop over the parts rather than ``_kleene`` over a generator: this runs for every item.
    """
    def test(f: Facts) -> bool | None:
        unknown = False
        for part in parts:
            v = part(f)
            if v is decides:
                return decides
            if v is None:
                unknown = True
        return None if unknown else not decides
    return test


def compile_test(node: dict) -> Test:
    """Compile a test mapping ({fact, op} or all/any/not) into a function of the facts."""
    if "all" in node:
        return _combined(tuple(compile_test(n) for n in node["all"]), False)
    if "any" in node:
        return _combined(tuple(compile_test(n) for n in node["any"]), True)
    if "not" in node:
        inner = compile_test(node["not"])
        return lambda f: None if (v := inner(f)) is None else not v
    (op,) = [k for k in node if k != "fact"]
    return _comparison(node["fact"], op, node[op])


def _leaves(node: Any, leaf: Callable[[Any], str | None], out: list[str]) -> list[str]:
    """Collect the leaves of an all/any/not tree in order, without repeats."""
    name = leaf(node)
    if name is not None:
        if name not in out:
            out.append(name)
        return out
    for key in ("all", "any"):
        for n in node.get(key, []):
            _leaves(n, leaf, out)
    if "not" in node:
        _leaves(node["not"], leaf, out)
    return out


def test_paths(node: dict) -> list[str]:
    """Every fact path a test reads, in order, without repeats."""
    return _leaves(node, lambda n: n.get("fact"), [])

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
    return _leaves(node, lambda n: n if isinstance(n, str) else None, [])

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
