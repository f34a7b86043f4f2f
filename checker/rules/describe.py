"""Rules in words: tests, decisions, dates and scope as readable text and nested trees.

Shared by ``mtus rules show`` (a rich Tree) and ``mtus rules docs`` (Markdown and HTML), so that a
reviewer reads the same wording in the terminal and in the guideline book.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.rules.ruleset import Rule


@dataclass
class Node:
    """A labelled tree: a test or decision in words."""

    label: str
    children: list[Node] = field(default_factory=list)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    return str(v)


def comparison(node: dict) -> str:
    """One fact comparison: ``request.weeks_of_use ≤ 3``."""
    fact = node["fact"]
    (op,) = [k for k in node if k != "fact"]
    v = node[op]
    if op == "is":
        return f"{fact} is {_value(v)}"
    if op == "equals":
        return f"{fact} = {_value(v)}"
    if op == "in":
        return f"{fact} is one of: {_value(v)}"
    if op == "at_least":
        return f"{fact} ≥ {_value(v)}"
    if op == "at_most":
        return f"{fact} ≤ {_value(v)}"
    if op == "between":
        return f"{_value(v[0])} ≤ {fact} ≤ {_value(v[1])}"
    if op == "documented":
        return f"{fact} is {'documented' if v else 'not documented'}"
    if op == "within_days":
        return f"{fact} within {v} days before the report date"
    if op == "contains":
        return f"{fact} includes {'any of: ' if isinstance(v, list) and len(v) > 1 else ''}{_value(v)}"
    return f"{fact} {op} {_value(v)}"


def condition_tree(node: dict) -> Node:
    """A test as a tree: comparisons are leaves, ``all``/``any``/``not`` are branches."""
    if "fact" in node:
        return Node(comparison(node))
    if "not" in node:
        inner = condition_tree(node["not"])
        return Node(f"NOT {inner.label}", inner.children) if not inner.children else Node("NOT", [inner])
    key = "all" if "all" in node else "any"
    return Node(f"{key.upper()} of", [condition_tree(n) for n in node[key]])


def decision_tree(node: Any, texts: dict[str, str] | None = None) -> Node:
    """A decision as a tree; criterion ids carry their text when given."""
    texts = texts or {}
    if isinstance(node, str):
        return Node(f"{node}: {texts[node]}" if node in texts else node)
    if "not" in node:
        return Node("NOT", [decision_tree(node["not"], texts)])
    key = "all" if "all" in node else "any"
    return Node(f"{key.upper()} of", [decision_tree(n, texts) for n in node[key]])


def inline(tree: Node) -> str:
    """A tree on one line: ``ALL of (a, ANY of (b, c))``."""
    if not tree.children:
        return tree.label
    return f"{tree.label} (" + "; ".join(inline(c) for c in tree.children) + ")"


def lines(tree: Node, indent: int = 0, bullet: str = "- ") -> list[str]:
    """A tree as an indented bullet list (Markdown)."""
    out = [" " * indent + bullet + tree.label + (":" if tree.children and tree.label.endswith("of") else "")]
    for child in tree.children:
        out += lines(child, indent + 2, bullet)
    return out


def effective(rule: Rule) -> str:
    """``from 2009-07-18 to 2016-07-27`` (open ends said so)."""
    start, end = rule.effective_from, rule.effective_to
    if start and end:
        return f"from {start} to {end}"
    if start:
        return f"from {start} on"
    if end:
        return f"until {end}"
    return "at all dates"


def applies_to(rule: Rule) -> str:
    """``drug class muscle_relaxant; drug carisoprodol; when: ...``."""
    scope = rule.raw.get("applies_to", {})
    parts = []
    for key, word in (("drug_class", "drug class"), ("drug", "drug")):
        if scope.get(key):
            parts.append(f"{word} {_value(scope[key])}")
    if scope.get("when"):
        parts.append("when " + inline(condition_tree(scope["when"])))
    return "; ".join(parts)
