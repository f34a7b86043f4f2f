"""Compile rule tests, decisions and explanation templates into plain Python callables.

Three-valued (Kleene) logic: ``True`` (met), ``False`` (not met), ``None`` (not documented).
Compilation happens once when rules load, from the typed model (:mod:`checker.rules.model`); each
comparison is built by its operator in :mod:`checker.rules.operators`. Evaluation never looks at YAML
or strings again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from checker.core.status import NA, NotApplicable
from checker.rules.model import AllOf, AnyOf, Comparison, Named, Node, Not, Ref, parse_condition, parse_decision
from checker.rules.operators import OPERATORS, Facts, Test

__all__ = ["NA", "NotApplicable", "Facts", "Test", "compile_test", "compile_decision", "compile_template", "show",
           "kleene_all", "kleene_any", "kleene_not", "template_paths"]

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


def _combined(parts: tuple[Callable[[Any], Any], ...], decides: bool, start: Any) -> Callable[[Any], Any]:
    """Kleene AND (``decides=False``) or OR (``decides=True``) of parts, stopping at the deciding value.

    ``start`` is the result when no part decides or is unknown: ``not decides`` for tests; NA for decisions,
    where a part that does not apply (NA) is neutral and only a part that applies sets ``not decides``.
    A plain loop rather than ``_kleene`` over a generator: this runs for every item.
    """
    def combined(x: Any) -> Any:
        result = start
        for part in parts:
            v = part(x)
            if v is decides:
                return decides
            if v is None:
                result = None
            elif result is NA and v is not NA:
                result = not decides
        return result
    return combined


def compile_test(node: Node | dict) -> Test:
    """Compile a condition (the model, or its YAML mapping) into a function of the facts."""
    if isinstance(node, dict):
        node = parse_condition(node)
    if isinstance(node, Comparison):
        return OPERATORS[node.op].compile(node.fact, node.operand)
    if isinstance(node, Named):
        return compile_test(node.condition)
    if isinstance(node, Not):
        inner = compile_test(node.part)
        return lambda f: None if (v := inner(f)) is None else not v
    decides = isinstance(node, AnyOf)
    return _combined(tuple(compile_test(n) for n in node.parts), decides, not decides)


DecisionFn = Callable[[dict[str, Any]], Any]


def compile_decision(node: Node | Any) -> DecisionFn:
    """Compile a decision (the model, or its YAML) over criterion ids; reads a map of id -> True/False/None/NA."""
    if not isinstance(node, (Ref, AllOf, AnyOf, Not)):
        node = parse_decision(node)
    if isinstance(node, Ref):
        rid = node.id
        return lambda values: values[rid]
    if isinstance(node, Not):
        inner = compile_decision(node.part)
        return lambda values: NA if (v := inner(values)) is NA else kleene_not(v)
    return _combined(tuple(compile_decision(n) for n in node.parts), isinstance(node, AnyOf), NA)


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
