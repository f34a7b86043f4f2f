"""The typed model of a rule, built once when rules load: what every later stage reads instead of YAML.

A condition (a criterion's ``test`` or ``when``, a rule's ``applies_to.when``) is a tree of
:class:`Comparison` leaves under :class:`AllOf`, :class:`AnyOf` and :class:`Not`; a :class:`Named` node
stands for a named shared condition (``{condition: NAME}`` in YAML) and holds the condition it names.
A decision is the same tree over :class:`Ref` leaves (criterion ids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from checker.core.status import Status


@dataclass(frozen=True)
class Comparison:
    """``{fact: request.weeks_of_use, at_most: 3}``: one fact, one operator, one operand."""

    fact: str
    op: str
    operand: Any


@dataclass(frozen=True)
class Ref:
    """A criterion id named by a decision."""

    id: str


@dataclass(frozen=True)
class AllOf:
    """Kleene AND of its parts."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """Kleene OR of its parts."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """Kleene NOT of its part."""

    part: Node


@dataclass(frozen=True)
class Named:
    """A named shared condition, used by reference: its name and the condition it stands for."""

    name: str
    condition: Node


Node = Union[Comparison, Ref, AllOf, AnyOf, Not, Named]  # noqa: UP007  (a runtime alias)
Condition = Node  # a tree over Comparison leaves
Decision = Node  # a tree over Ref leaves


def parse_condition(node: dict, named: Callable[[str], Node] | None = None) -> Node:
    """A condition from its YAML mapping; ``named(name)`` resolves ``{condition: NAME}``."""
    if "all" in node:
        return AllOf(tuple(parse_condition(n, named) for n in node["all"]))
    if "any" in node:
        return AnyOf(tuple(parse_condition(n, named) for n in node["any"]))
    if "not" in node:
        return Not(parse_condition(node["not"], named))
    if "condition" in node:
        if named is None:
            raise KeyError(node["condition"])
        return Named(node["condition"], named(node["condition"]))
    (op,) = [k for k in node if k != "fact"]
    return Comparison(node["fact"], op, node[op])


def parse_decision(node: Any) -> Node:
    """A decision from its YAML: a criterion id, or all/any/not of decisions."""
    if isinstance(node, str):
        return Ref(node)
    if "all" in node:
        return AllOf(tuple(parse_decision(n) for n in node["all"]))
    if "any" in node:
        return AnyOf(tuple(parse_decision(n) for n in node["any"]))
    return Not(parse_decision(node["not"]))


def as_data(node: Node) -> Any:
    """The tree as plain data in the YAML's shape, named conditions written out (for other engines)."""
    if isinstance(node, Comparison):
        return {"fact": node.fact, node.op: node.operand}
    if isinstance(node, Ref):
        return node.id
    if isinstance(node, Named):
        return as_data(node.condition)
    if isinstance(node, Not):
        return {"not": as_data(node.part)}
    return {"all" if isinstance(node, AllOf) else "any": [as_data(p) for p in node.parts]}


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, depth first, parents before their parts (through named conditions)."""
    yield node
    if isinstance(node, (AllOf, AnyOf)):
        for part in node.parts:
            yield from walk(part)
    elif isinstance(node, Not):
        yield from walk(node.part)
    elif isinstance(node, Named):
        yield from walk(node.condition)


def fact_paths(node: Node | None) -> list[str]:
    """Every fact path a condition reads, in order, without repeats."""
    return list(dict.fromkeys(n.fact for n in walk(node) if isinstance(n, Comparison))) if node else []


def refs(node: Node) -> list[str]:
    """Every criterion id a decision names, in order, without repeats."""
    return list(dict.fromkeys(n.id for n in walk(node) if isinstance(n, Ref)))


@dataclass(frozen=True)
class Example:
    """A named example of a rule: case facts and a request in, the expected outcome and statuses out."""

    name: str
    facts: dict[str, Any]
    request: dict[str, Any]
    predicted: str | None = None
    criteria: dict[str, Status] = field(default_factory=dict)
    line: int | None = None
    coverage: str | None = None  # for a silent topic: mtus_silent instead of a prediction

    @classmethod
    def from_data(cls, data: dict, line: int | None = None) -> Example:
        """An example from its YAML mapping (validated by the rule schema), and the line it starts on."""
        request = data["request"]
        expect = data.get("expect") or {}
        return cls(data["name"], dict(data.get("facts") or {}),
                   {"text": request} if isinstance(request, str) else dict(request), expect.get("predicted"),
                   {k: Status(v) for k, v in (expect.get("criteria") or {}).items()}, line, expect.get("coverage"))

    @property
    def request_text(self) -> str:
        return self.request.get("text", "")
