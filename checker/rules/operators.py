"""Every operator a rule test may use, described once: how it compiles, how it reads, what it needs.

The loader type-checks tests with :attr:`Operator.needs`, the compiler builds tests with
:attr:`Operator.compile`, ``rules show``/``docs`` word them with :attr:`Operator.describe`, coverage asks
:attr:`Operator.two_valued`, and schema errors list the names.  ``schemas/rule.schema.json`` carries each
:attr:`Operator.summary` as its description (a test checks that they agree).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

Facts = dict[str, Any]
Test = Callable[[Facts], "bool | None"]


def operand_text(v: Any) -> str:
    """An operand as a rule author wrote it: ``true``, ``a, b``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ", ".join(operand_text(x) for x in v)
    return str(v)


@dataclass(frozen=True)
class Operator:
    """One comparison operator of a rule test."""

    name: str
    summary: str
    compile: Callable[[str, Any], Test]
    source: Callable[[str, str, str], str]
    describe: Callable[[str, Any], str]
    needs: str | None = None  # the fact type it compares: number, boolean, date, array (None: any)
    two_valued: bool = False  # never "not documented" (``documented``)
    prepare: Callable[[Any], Any] = lambda operand: operand  # the operand as ``source`` reads it


# Each test is one lambda (no call inside): it runs for every criterion of every item.
# An absent fact is not documented (None), never met or not met.
def _equals(path: str, operand: Any) -> Test:
    return lambda f: None if (v := f.get(path)) is None else v == operand


def _at_least(path: str, operand: Any) -> Test:
    return lambda f: None if (v := f.get(path)) is None else v >= operand


def _at_most(path: str, operand: Any) -> Test:
    return lambda f: None if (v := f.get(path)) is None else v <= operand


def _in(path: str, operand: Any) -> Test:
    allowed = _in_operand(operand)
    return lambda f: None if (v := f.get(path)) is None else v in allowed


def _between(path: str, operand: Any) -> Test:
    low, high = operand
    return lambda f: None if (v := f.get(path)) is None else low <= v <= high


def _documented(path: str, operand: Any) -> Test:
    want = bool(operand)
    return lambda f: (f.get(path) not in (None, [])) is want


def _within_days(path: str, operand: Any) -> Test:
    def within(f: Facts) -> bool | None:
        value, report = f.get(path), f.get("report_date")
        if not isinstance(value, date) or not isinstance(report, date):
            return None
        return 0 <= (report - value).days <= operand
    return within


def _contains(path: str, operand: Any) -> Test:
    wanted = _contains_operand(operand)
    return lambda f: None if (v := f.get(path)) is None else not wanted.isdisjoint(v)


# The same tests as Python source, for the code the engine generates for a whole rule (one function per rule,
# :mod:`checker.engine.compiled`, where a closure call per comparison would cost more than the comparison):
# ``source(get, path, operand)`` is an expression of the names ``get`` (the facts' ``get``), ``path`` (a string
# literal) and ``operand`` (the operand after :attr:`Operator.prepare`); ``v`` and ``r`` are scratch names.
# tests/test_engine_compiled.py holds each source to its test on every rule and on every operator.
SOURCE_NAMES: dict[str, Any] = {"date": date, "isinstance": isinstance}


def _guarded(comparison: str) -> Callable[[str, str, str], str]:
    """None when the fact is absent, else ``comparison`` of ``{v}`` (the value) and ``{k}`` (the operand)."""
    return lambda get, path, k: f"(None if (v := {get}({path})) is None else {comparison.format(v='v', k=k)})"


def _in_operand(operand: Any) -> Any:
    return frozenset(operand) if all(isinstance(x, (str, int, float, bool)) for x in operand) else operand


def _contains_operand(operand: Any) -> frozenset:
    return frozenset(operand if isinstance(operand, list) else [operand])


def _documented_source(get: str, path: str, k: str) -> str:
    return f"(({get}({path}) not in (None, [])) is {k})"


def _within_days_source(get: str, path: str, k: str) -> str:
    return (f"(None if not isinstance((v := {get}({path})), date) or not isinstance((r := {get}('report_date')), "
            f"date) else 0 <= (r - v).days <= {k})")


def _contains_text(fact: str, v: Any) -> str:
    return f"{fact} includes {'any of: ' if isinstance(v, list) and len(v) > 1 else ''}{operand_text(v)}"


_ALL = (
    Operator("is", "The fact is documented and equals this boolean.", _equals, _guarded("{v} == {k}"),
             lambda fact, v: f"{fact} is {operand_text(v)}", needs="boolean"),
    Operator("equals", "The fact is documented and equals this value.", _equals, _guarded("{v} == {k}"),
             lambda fact, v: f"{fact} = {operand_text(v)}"),
    Operator("in", "The fact is documented and is one of these values.", _in, _guarded("{v} in {k}"),
             lambda fact, v: f"{fact} is one of: {operand_text(v)}", prepare=_in_operand),
    Operator("at_least", "The numeric fact is documented and >= this.", _at_least, _guarded("{v} >= {k}"),
             lambda fact, v: f"{fact} ≥ {operand_text(v)}", needs="number"),
    Operator("at_most", "The numeric fact is documented and <= this.", _at_most, _guarded("{v} <= {k}"),
             lambda fact, v: f"{fact} ≤ {operand_text(v)}", needs="number"),
    Operator("between", "The numeric fact lies in [low, high].", _between,
             _guarded("{k}[0] <= {v} <= {k}[1]"),
             lambda fact, v: f"{operand_text(v[0])} ≤ {fact} ≤ {operand_text(v[1])}", needs="number",
             prepare=tuple),
    Operator("documented", "true: met when the fact is documented at all, not met otherwise (never not-documented).",
             _documented, _documented_source,
             lambda fact, v: f"{fact} is {'documented' if v else 'not documented'}", two_valued=True, prepare=bool),
    Operator("within_days", "The date fact lies at most this many days before the report date.", _within_days,
             _within_days_source,
             lambda fact, v: f"{fact} within {v} days before the report date", needs="date"),
    Operator("contains", "The list fact (e.g. diagnosis_categories) contains this value, or any of these values.",
             _contains, _guarded("not {k}.isdisjoint({v})"), _contains_text, needs="array", prepare=_contains_operand),
)

#: The registry: operator name -> Operator, in the order authors read them.
OPERATORS: dict[str, Operator] = {op.name: op for op in _ALL}

#: What a fact of each type is called in a message ("operator 'is' needs a true/false fact").
NEEDS_WORDS = {"number": "a number", "boolean": "a true/false fact", "date": "a date", "array": "a list"}


def names() -> str:
    """``is, equals, in, ...``: every operator name, for messages."""
    return ", ".join(OPERATORS)


def fits(op: Operator, fact_type: str, numeric: bool) -> bool:
    """Whether the operator can compare a fact of this type."""
    if op.needs is None:
        return True
    return numeric if op.needs == "number" else fact_type == op.needs


def alternatives(op: Operator, fact_type: str, numeric: bool) -> str | None:
    """What to use instead of an operator that does not fit a fact of this type."""
    if op.needs == "date":
        return None
    if fact_type == "boolean":
        return "use 'is: true' or 'is: false'"
    if numeric and op.needs == "array":
        return "use 'equals', 'at_least', 'at_most' or 'between'"
    return "use 'equals' or 'in'"
