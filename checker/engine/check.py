"""`mtus check`: load the rules once, evaluate each case file, render the report."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from checker.core.errors import InputError, Problem
from checker.engine.evaluate import ItemResult, evaluate
from checker.facts.cases import Case, load_cases
from checker.facts.evidence import Evidence
from checker.rules.ruleset import RuleSet, load_rules


@dataclass
class CheckReport:
    """What ``mtus check`` prints, and the problems met on the way."""

    rendered: str
    results: list[tuple[str, str | None, list[ItemResult]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)  # in the order of ``results``

    @property
    def uncovered(self) -> list[tuple[str, ItemResult]]:
        """Every item (with its case id) that has no prediction and is not a known MTUS-silent topic."""
        return [(case_id, i) for case_id, _, items in self.results for i in items if not i.covered]

    @property
    def any_upheld(self) -> bool:
        return any(i.predicted == "upheld" for _, _, items in self.results for i in items)


def unknown_drug_problems(case, items: list[ItemResult]) -> list[Problem]:
    """One problem per requested drug the catalog does not know, at the line of its text."""
    out = []
    for item in items:
        if item.kind == "drug" and item.drug is None:
            pos = case.position("requests", item.index, "text") or (None, None)
            hint = f"did you mean {' or '.join(item.did_you_mean)}?" if item.did_you_mean else \
                "add it to rules/drugs.yaml if it is a real drug"
            out.append(Problem(case.file or case.case_id, f"unknown drug in request '{item.request}'", *pos, hint=hint,
                               code="unknown-drug"))
    return out


def check_files(paths: list[Path], fmt: str = "json", rules_path: Path | None = None,
                as_of: date | None = None, ruleset: RuleSet | None = None,
                edition_policy: str = "warn", load: Callable[[Path], list[Case]] = load_cases) -> CheckReport:
    """Evaluate every case in ``paths`` (read by ``load``); a bad file is reported and the rest are still checked.

    ``edition_policy`` (``warn`` or ``refuse``): what to do with items whose date no encoded MTUS edition covers.
    """
    if ruleset is None:
        ruleset, _ = load_rules(rules_path)
    report = CheckReport("")
    for path in paths:
        try:
            cases = load(path)
        except InputError as exc:
            report.problems.extend(exc.problems)  # every problem of the file at once
            continue
        for case in cases:
            check_case(case, ruleset, as_of, report, edition_policy)
    report.rendered = render(report.results, ruleset, fmt, [str(p) for p in report.problems], report.cases)
    return report


def check_case(case: Case, ruleset: RuleSet, as_of: date | None, report: CheckReport,
               edition_policy: str = "warn") -> None:
    """Evaluate one case into ``report``."""
    items = evaluate(case, ruleset, as_of, edition_policy)
    report.problems += unknown_drug_problems(case, items)
    report.results.append((case.case_id, case.source, items))
    report.cases.append(case)


def render(results, ruleset: RuleSet, fmt: str, errors: list[str], cases: list[Case] | None = None) -> str:
    """The report in one of text, json, markdown, html or rfa; ``cases`` give each criterion its evidence."""
    from checker.engine import render as r

    evidence = [Evidence(c.data.get("evidence")) for c in cases] if cases else None
    if fmt == "json":
        return json.dumps(r.to_document(results, ruleset, errors, evidence), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return r.to_markdown(results, ruleset, evidence)
    if fmt == "html":
        return r.to_html(results, ruleset, evidence)
    if fmt == "rfa":
        from checker.engine.rfa import to_rfa

        return to_rfa(results, ruleset, evidence)
    from rich.console import Console

    buffer = io.StringIO()
    import sys

    console = Console(file=buffer, force_terminal=sys.stdout.isatty(), width=None if sys.stdout.isatty() else 100)
    r.print_text(console, results, ruleset, evidence)
    return buffer.getvalue()
