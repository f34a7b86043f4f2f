"""Rules in words: tests, decisions, dates and scope as readable text and nested trees.

Shared by ``mtus rules show`` (a rich Tree) and ``mtus rules docs`` (Markdown and HTML), so that a
reviewer reads the same wording in the terminal and in the guideline book.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.rules.model import AllOf, Comparison, Condition, Decision, Named, Not, Ref
from checker.rules.operators import OPERATORS
from checker.rules.ruleset import Rule


@dataclass
class Node:
    """A labelled tree: a test or decision in words."""

    label: str
    children: list[Node] = field(default_factory=list)


def comparison(node: Comparison) -> str:
    """One fact comparison: ``request.weeks_of_use ≤ 3``, worded by its operator."""
    return OPERATORS[node.op].describe(node.fact, node.operand)


def condition_tree(node: Condition) -> Node:
    """A condition as a tree: comparisons are leaves, ``all``/``any``/``not`` are branches, a named
    condition is a branch labelled with its name."""
    if isinstance(node, Comparison):
        return Node(comparison(node))
    if isinstance(node, Named):
        inner = condition_tree(node.condition)
        return Node(f"{node.name}: {inner.label}", inner.children)
    if isinstance(node, Not):
        inner = condition_tree(node.part)
        return Node(f"NOT {inner.label}", inner.children) if not inner.children else Node("NOT", [inner])
    key = "ALL" if isinstance(node, AllOf) else "ANY"
    return Node(f"{key} of", [condition_tree(n) for n in node.parts])


def decision_tree(node: Decision, texts: dict[str, str] | None = None) -> Node:
    """A decision as a tree; criterion ids carry their text when given."""
    texts = texts or {}
    if isinstance(node, Ref):
        return Node(f"{node.id}: {texts[node.id]}" if node.id in texts else node.id)
    if isinstance(node, Not):
        return Node("NOT", [decision_tree(node.part, texts)])
    key = "ALL" if isinstance(node, AllOf) else "ANY"
    return Node(f"{key} of", [decision_tree(n, texts) for n in node.parts])


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
    parts = [f"{word} {', '.join(sorted(names))}" for names, word in
             ((rule.applies_classes, "drug class"), (rule.applies_drugs, "drug")) if names]
    if rule.when_condition is not None:
        parts.append("when " + inline(condition_tree(rule.when_condition)))
    return "; ".join(parts)
