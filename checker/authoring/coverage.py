"""`mtus rules test`: run every rule's named examples and measure which criterion statuses they exercise.

Coverage is defined over (criterion, status) pairs. A criterion can *reach* ``met``, ``not_met`` and
``not_documented`` as far as its test allows (a ``documented:`` test is never not documented; Kleene
``all``/``any``/``not`` are followed), and ``not_applicable`` when it has a ``when`` that can be false.
A reachable pair is *exercised* when a passing example evaluated the criterion to that status, and
*asserted* when that example also states the status under ``expect.criteria``.
Coverage = exercised reachable pairs / reachable pairs, over every rule in the set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.authoring.testing import ExampleResult, run_example
from checker.core.status import STATUSES, Status
from checker.rules.model import AllOf, Comparison, Named, Node, Not
from checker.rules.operators import OPERATORS
from checker.rules.ruleset import Rule, RuleSet, display_path

Values = frozenset  # of True / False / None


def reach(node: Node) -> Values:
    """The three-valued results a condition can produce, ignoring links between its facts."""
    if isinstance(node, Comparison):
        return frozenset({True, False}) if OPERATORS[node.op].two_valued else frozenset({True, False, None})
    if isinstance(node, Named):
        return reach(node.condition)
    if isinstance(node, Not):
        return frozenset({None if v is None else not v for v in reach(node.part)})
    parts = [reach(n) for n in node.parts]
    win, lose = (False, True) if isinstance(node, AllOf) else (True, False)  # all: False wins; any: True wins
    out = set()
    if any(win in p for p in parts):
        out.add(win)
    if all(lose in p for p in parts):
        out.add(lose)
    for i, p in enumerate(parts):
        if None in p and all((lose in q or None in q) for j, q in enumerate(parts) if j != i):
            out.add(None)
            break
    return frozenset(out)


def reachable(test: Node, when: Node | None = None) -> list[Status]:
    """The statuses a criterion with this test (and applicability condition) can take, in the usual order."""
    found = {Status.of(v) for v in reach(test)}
    if when is not None and False in reach(when):
        found.add(Status.NOT_APPLICABLE)
    return [s for s in STATUSES if s in found]


@dataclass
class CriterionCoverage:
    """One criterion of one rule: what it can reach, what passing examples exercised and asserted."""

    rule: str
    criterion: str
    reachable: list[str]
    seen: dict[str, int] = field(default_factory=dict)
    asserted: set[str] = field(default_factory=set)

    @property
    def covered(self) -> int:
        return sum(1 for s in self.reachable if self.seen.get(s))

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "criterion": self.criterion, "reachable": self.reachable,
                "exercised": {s: self.seen.get(s, 0) for s in STATUSES if self.seen.get(s)},
                "asserted": [s for s in STATUSES if s in self.asserted],
                "missing": [s for s in self.reachable if not self.seen.get(s)]}


@dataclass
class ExampleReport:
    """Every example's result and the coverage table, with the rule set's provenance."""

    results: list[ExampleResult]
    coverage: list[CriterionCoverage]
    provenance: dict[str, str]
    rules: int
    lines: list[int | None] = field(default_factory=list)

    def where(self, index: int) -> str:
        """``FILE:LINE`` of the example behind result ``index``."""
        result = self.results[index]
        line = self.lines[index] if index < len(self.lines) else None
        return f"{display_path(result.file)}:{line}" if line else display_path(result.file)

    @property
    def failed(self) -> list[ExampleResult]:
        return [r for r in self.results if not r.passed]

    @property
    def pairs(self) -> tuple[int, int]:
        """(exercised, reachable) over every criterion."""
        return sum(c.covered for c in self.coverage), sum(len(c.reachable) for c in self.coverage)

    @property
    def percent(self) -> float:
        covered, total = self.pairs
        return 100.0 * covered / total if total else 100.0

    def rule_percent(self, rule_id: str) -> float:
        rows = [c for c in self.coverage if c.rule == rule_id]
        total = sum(len(c.reachable) for c in rows)
        return 100.0 * sum(c.covered for c in rows) / total if total else 100.0

    def to_dict(self) -> dict[str, Any]:
        covered, total = self.pairs
        return {"ruleset": self.provenance,
                "summary": {"rules": self.rules, "examples": len(self.results),
                            "passed": len(self.results) - len(self.failed), "failed": len(self.failed),
                            "coverage": round(self.percent, 1), "pairs_exercised": covered, "pairs_reachable": total},
                "examples": [{"rule": r.rule, "name": r.name, "file": r.file,
                              "line": self.lines[i] if i < len(self.lines) else None, "passed": r.passed,
                              "predicted": r.predicted, "statuses": r.statuses, "failures": r.failures}
                             for i, r in enumerate(self.results)],
                "coverage": [c.to_dict() for c in self.coverage]}


def _rule_coverage(rule: Rule, results: list[ExampleResult]) -> list[CriterionCoverage]:
    # a treatment the MTUS does not recommend where the rule applies is never met (its guard excludes it)
    never = {Status.MET} if rule.recommendation == "not_recommended" else set()
    rows = [CriterionCoverage(rule.id, c.id,
                              [s for s in reachable(c.test_condition, c.when_condition) if s not in never])
            for c in rule.criteria]
    by_id = {row.criterion: row for row in rows}
    for example, result in zip(rule.examples, results, strict=True):
        if not result.passed:
            continue
        expected = example.criteria
        for crit_id, status in result.statuses.items():
            row = by_id[crit_id]
            row.seen[status] = row.seen.get(status, 0) + 1
            if expected.get(crit_id) == status:
                row.asserted.add(status)
    return rows


def run_tests(ruleset: RuleSet, only: str | None = None) -> ExampleReport:
    """Run every example of every rule (or of the rules whose id contains ``only``) and build the coverage table."""
    results: list[ExampleResult] = []
    coverage: list[CriterionCoverage] = []
    lines: list[int | None] = []
    rules = [r for r in ruleset.rules if not only or only in r.id]
    for rule in rules:
        mine = [run_example(rule, ex) for ex in rule.examples]
        results += mine
        lines += [example.line for example in rule.examples]
        coverage += _rule_coverage(rule, mine)
    return ExampleReport(results, coverage, ruleset.provenance, len(rules), lines)


_CELL = {"asserted": ("✓", "green"), "seen": ("•", "cyan"), "missing": ("✗", "red"), "unreachable": ("·", "dim")}


def cell(row: CriterionCoverage, status: str) -> str:
    """asserted, seen, missing or unreachable, for one (criterion, status) pair."""
    if status not in row.reachable:
        return "unreachable"
    if status in row.asserted:
        return "asserted"
    return "seen" if row.seen.get(status) else "missing"


def print_report(console: Any, report: ExampleReport, verbose: bool = False) -> None:
    """Per example PASS/FAIL with each mismatch, then the coverage table and the summary."""
    from rich.table import Table
    from rich.text import Text

    for i, r in enumerate(report.results):
        if r.passed and not verbose:
            continue
        mark = Text("PASS ", style="green") if r.passed else Text("FAIL ", style="bold red")
        console.print(mark + Text(f"{r.rule} :: {r.name}") + Text(f"  {report.where(i)}", style="dim"))
        for failure in r.failures:
            console.print(Text(f"     {failure}", style="red"), soft_wrap=True)  # never cut or folded
    table = Table(title="Criterion statuses exercised by the examples", title_justify="left")
    table.add_column("rule / criterion", overflow="fold", max_width=40)
    for name in ("met", "not met", "not doc.", "n/a"):
        table.add_column(name, justify="center", no_wrap=True, min_width=len(name))
    previous = None
    for row in report.coverage:
        if row.rule != previous:
            if previous is not None:
                table.add_section()
            table.add_row(Text.assemble((row.rule, "bold"), (f"  {report.rule_percent(row.rule):.0f}%", "dim")))
            previous = row.rule
        cells = [Text(_CELL[cell(row, s)][0], style=_CELL[cell(row, s)][1]) for s in STATUSES]
        table.add_row(f"  {row.criterion}", *cells)
    console.print(table)
    console.print("[dim]✓ asserted by an example  • exercised, not asserted  ✗ reachable, never exercised  "
                  "· cannot happen[/dim]")
    covered, total = report.pairs
    passed = len(report.results) - len(report.failed)
    style = "green" if not report.failed else "red"
    console.print(f"[{style}]{passed}/{len(report.results)} examples passed[/{style}] in {report.rules} rules; "
                  f"coverage {report.percent:.1f}% ({covered}/{total} criterion statuses)")
    console.print(f"[dim]rules {report.provenance['version']} #{report.provenance['hash']}[/dim]")
