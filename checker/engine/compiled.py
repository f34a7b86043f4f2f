"""A rule's evaluation with its full trace as one generated Python function, built once per rule.

The rule's criteria tests and ``when`` conditions are written out as Python source (each comparison as its
operator reads, :data:`checker.rules.operators.OPERATORS` ``source``; ``all``/``any``/``not`` as Kleene logic
in straight-line code that stops where the interpreted tests stop), followed by each criterion's trace line.
No closure is called per comparison, no list of steps is walked, and a conjunctive rule (``all`` of its
criteria, in order) needs no decision at all: False at a criterion not met, else unknown at one not
documented, else met. The result is exactly :func:`checker.engine.evaluate.evaluate_item`'s contract;
``tests/test_engine_compiled.py`` holds the generated code to the interpreted tests and decision on every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.core.status import NA, STATUSES
from checker.engine.trace import CriterionResult, criterion_head, explainer
from checker.rules.compile import Facts
from checker.rules.model import AllOf, AnyOf, Comparison, Named, Node, Not, Ref
from checker.rules.operators import OPERATORS, SOURCE_NAMES
from checker.rules.ruleset import Criterion, Rule

#: What the generated function returns: (predicted, criteria trace, to-document ids, not-met ids).
Outcome = tuple[str, list[CriterionResult], list[str], list[str]]
_EMPTY = AllOf(())  # a Criterion's default test_condition: the compiled closure is then the only truth


class _Source:
    """The function's source lines and the constants it names (``k0``, ``k1``... in its globals)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {**SOURCE_NAMES, "NA": NA, "CR": CriterionResult, "_ONCE": (None,)}
        self.temps = 0

    def constant(self, value: Any) -> str:
        name = f"k{len(self.names)}"
        self.names[name] = value
        return name

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def condition(self, node: Node, target: str, indent: int) -> None:
        """Lines that set ``target`` to the condition's Kleene value (True, False or None)."""
        if isinstance(node, Named):
            self.condition(node.condition, target, indent)
        elif isinstance(node, Comparison):
            operator = OPERATORS[node.op]
            operand = self.constant(operator.prepare(node.operand))
            self.add(indent, f"{target} = {operator.source('get', repr(node.fact), operand)}")
        elif isinstance(node, Not):
            inner = self.temp()
            self.condition(node.part, inner, indent)
            self.add(indent, f"{target} = None if {inner} is None else not {inner}")
        else:  # all / any: the deciding value stops, an unknown one is remembered
            decides = isinstance(node, AnyOf)
            assert isinstance(node, (AllOf, AnyOf))
            self.add(indent, f"{target} = {not decides}")
            if not node.parts:
                return
            self.add(indent, "for _ in _ONCE:")
            for part in node.parts:
                value = self.temp()
                self.condition(part, value, indent + 1)
                self.add(indent + 1, f"if {value} is {decides}:")
                self.add(indent + 2, f"{target} = {decides}")
                self.add(indent + 2, "break")
                self.add(indent + 1, f"if {value} is None:")
                self.add(indent + 2, f"{target} = None")

    def decision(self, node: Node, target: str, indent: int) -> None:
        """Lines that set ``target`` to a decision's value over ``values`` (criterion id -> True, False, None or
        NA): as :func:`checker.rules.compile.compile_decision`, where a part that does not apply is neutral."""
        if isinstance(node, Ref):
            self.add(indent, f"{target} = values[{self.constant(node.id)}]")
        elif isinstance(node, Not):
            inner = self.temp()
            self.decision(node.part, inner, indent)
            self.add(indent, f"{target} = NA if {inner} is NA else None if {inner} is None else not {inner}")
        else:
            decides = isinstance(node, AnyOf)
            assert isinstance(node, (AllOf, AnyOf))
            self.add(indent, f"{target} = NA")
            if not node.parts:
                return
            self.add(indent, "for _ in _ONCE:")
            for part in node.parts:
                value = self.temp()
                self.decision(part, value, indent + 1)
                self.add(indent + 1, f"if {value} is {decides}:")
                self.add(indent + 2, f"{target} = {decides}")
                self.add(indent + 2, "break")
                self.add(indent + 1, f"if {value} is None:")
                self.add(indent + 2, f"{target} = None")
                self.add(indent + 1, f"elif {target} is NA and {value} is not NA:")
                self.add(indent + 2, f"{target} = {not decides}")

    def test(self, node: Node | None, closure: Callable | None, target: str, indent: int) -> None:
        """A criterion's test or ``when``: inlined from its condition, or its compiled closure called where the
        criterion was built without one."""
        if node is None or node == _EMPTY:
            self.add(indent, f"{target} = {self.constant(closure)}(facts)")
        else:
            self.condition(node, target, indent)


def _criterion(src: _Source, index: int, criterion: Criterion, values: bool) -> None:
    """The lines of one criterion: its value, then its trace line (and the not-met and unknown lists)."""
    value = f"x{index}"
    cid = src.constant(criterion.id)
    if criterion.when is not None:
        applies = src.temp()
        src.test(criterion.when_condition, criterion.when, applies, 1)
        src.add(1, f"if {applies} is False:")
        src.add(2, f"{value} = NA")
        src.add(1, "else:")
        src.test(criterion.test_condition, criterion.test, value, 2)
    else:
        src.test(criterion.test_condition, criterion.test, value, 1)
    if values:
        src.add(1, f"values[{cid}] = {value}")
    paths = list(dict.fromkeys(criterion.paths))
    read = "{" + ", ".join(f"{p!r}: get({p!r})" for p in paths) + "}"
    # value -> (status, explanation (a string, or a function of the facts), JSON head): one lookup per item
    outcomes = src.constant({status.decision_value: (status, explainer(criterion, status),
                                                      criterion_head(criterion, status)) for status in STATUSES})
    src.add(1, f"status, explanation, head = {outcomes}[{value}]")
    src.add(1, f"if {value} is False:")
    src.add(2, f"not_met.append({cid})")
    src.add(1, f"elif {value} is None:")
    src.add(2, f"unknown.append({cid})")
    src.add(1, f"append(CR({cid}, status, {src.constant(criterion.text)}, {src.constant(criterion.citation)}, "
               f"explanation if explanation.__class__ is str else explanation(facts), {read}, head))")


Decision = Callable[[dict[str, Any]], Any]


Finish = Callable[[Rule, Decision, dict, list, list], Outcome]


def compile_rule(rule: Rule, finish: Finish) -> Callable[[Facts], Outcome]:
    """The rule's evaluation as one function of the facts. ``finish(rule, decide, values, results, unknown)``
    decides a rule whose decision is not conjunctive, from every criterion's value, with ``decide`` the rule's
    decision as generated code (or the compiled one where the rule has no decision tree)."""
    src = _Source()
    conjunctive = rule.conjunctive
    decide = "decide"
    if not conjunctive and rule.decision_tree is not None:
        src.add(0, "def decide(values):")
        src.decision(rule.decision_tree, "decided", 1)
        src.add(1, "return decided")
    elif not conjunctive:
        decide = src.constant(rule.decision)
    src.add(0, "def evaluate(facts):")
    src.add(1, "get = facts.get")
    src.add(1, "results = []")
    src.add(1, "append = results.append")
    src.add(1, "not_met = []")
    src.add(1, "unknown = []")
    if not conjunctive:
        src.add(1, "values = {}")
    for index, criterion in enumerate(rule.criteria):
        _criterion(src, index, criterion, not conjunctive)
    if conjunctive:  # all of the criteria: False at one not met, else unknown at one not documented, else met
        src.add(1, "return ('upheld' if not_met or unknown else 'overturned'), results, unknown, not_met")
    else:
        src.add(1, f"return {src.constant(finish)}({src.constant(rule)}, {decide}, values, results, unknown)")
    namespace = dict(src.names)
    exec(compile("\n".join(src.lines), f"<rule {rule.id}>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["evaluate"]
