"""`mtus rules show ID`: one rule as a readable tree in the terminal."""

from __future__ import annotations

import difflib

from rich.text import Text
from rich.tree import Tree

from checker.core.errors import InputError, Problem
from checker.engine.render import citation_text
from checker.rules.describe import Node, applies_to, condition_tree, decision_tree, effective
from checker.rules.ruleset import Rule, RuleSet, display_path


def find_rule(ruleset: RuleSet, rule_id: str, where: str) -> Rule:
    """The rule with this id; otherwise an InputError with the closest ids as a hint."""
    rule = ruleset.get(rule_id)
    if rule is not None:
        return rule
    ids = [r.id for r in ruleset.rules]
    near = [i for i in ids if rule_id in i] or difflib.get_close_matches(rule_id, ids, n=3, cutoff=0.5)
    hint = ("did you mean " + " or ".join(f"'{i}'" for i in near[:3]) + "?") if near else \
        (f"{len(ids)} rules: see `mtus rules docs`" if ids else None)
    raise InputError(Problem(where, f"no rule with id '{rule_id}'", hint=hint))


def _add(branch: Tree, node: Node, style: str = "") -> None:
    child = branch.add(Text(node.label, style=style))
    for sub in node.children:
        _add(child, sub, style)


def _labelled(branch: Tree, label: str, node: Node, style: str = "") -> None:
    """``label: leaf`` on one line, or ``label: ALL of`` with the children beneath."""
    line = Text(f"{label}: ", style="bold")
    line.append(node.label, style=style)
    child = branch.add(line)
    for sub in node.children:
        _add(child, sub, style)


def rule_tree(rule: Rule) -> Tree:
    """The rule: source, dates, scope, each criterion (test, citation) and the decision tree."""
    title = Text(rule.id, style="bold cyan")
    title.append(f"  {rule.title}", style="bold")
    tree = Tree(title)
    tree.add(Text.assemble(("source: ", "bold"), citation_text(rule.source)))
    tree.add(Text.assemble(("effective: ", "bold"), effective(rule)))
    tree.add(Text.assemble(("applies to: ", "bold"), applies_to(rule)))
    tree.add(Text.assemble(("file: ", "bold"), (f"{display_path(rule.file)}:{rule.line}", "dim")))
    criteria = tree.add(Text(f"criteria ({len(rule.criteria)})", style="bold"))
    for crit in rule.criteria:
        label = Text(crit.id, style="bold magenta")
        label.append(f"  {crit.text}")
        if crit.id not in rule.decision_ids:
            label.append("  (not in the decision)", style="red")
        branch = criteria.add(label)
        if crit.when_condition is not None:
            _labelled(branch, "applies when", condition_tree(crit.when_condition), "yellow")
        _labelled(branch, "test", condition_tree(crit.test_condition), "green")
        cite = Text.assemble(("cite: ", "bold"), (citation_text(crit.citation), "cyan"))
        if crit.citation.get("quote"):
            cite.append(f' "{crit.citation["quote"]}"', style="dim")
        branch.add(cite)
        if crit.document:
            branch.add(Text.assemble(("to document: ", "bold"), crit.document))
    if rule.silent:
        tree.add(Text.assemble(("MTUS silent: ", "bold yellow"), rule.silent["reason"]))
        tree.add(Text.assemble(("reviewers use: ", "bold"), rule.silent["reviewers_use"]))
    else:
        texts = {c.id: c.text for c in rule.criteria}
        _labelled(tree, "decision (overturned when true)", decision_tree(rule.decision_tree, texts))
    if rule.examples:
        examples = tree.add(Text(f"examples ({len(rule.examples)})", style="bold"))
        for ex in rule.examples:
            expected = ex.predicted or ex.coverage or "statuses only"
            examples.add(Text.assemble(ex.name, (f"  {ex.request_text} → {expected}", "dim")))
    return tree
