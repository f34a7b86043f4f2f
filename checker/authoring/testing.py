"""Run the named examples that each rule carries (facts in, expected outcome and statuses out)."""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.core.errors import InputError
from checker.core.status import Status
from checker.engine.evaluate import evaluate_item, undecided
from checker.facts.cases import Case, case_from_data
from checker.facts.derived import case_facts, request_facts
from checker.facts.requests import parse_request
from checker.rules.model import Example
from checker.rules.ruleset import Rule, RuleSet


@dataclass
class ExampleResult:
    """The outcome of one rule example: passed, and if not, each mismatch in words."""

    rule: str
    name: str
    file: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    statuses: dict[str, Status] = field(default_factory=dict)
    predicted: str | None = None


def example_case(rule: Rule, example: Example) -> Case:
    """The example's facts and request as a validated case."""
    data = {**example.facts, "case_id": f"{rule.id}: {example.name}", "requests": [dict(example.request)]}
    return case_from_data(data, rule.file)


def run_example(rule: Rule, example: Example) -> ExampleResult:
    """Evaluate one example with ``rule`` (the rule is applied directly, not selected)."""
    result = ExampleResult(rule.id, example.name, rule.file, False)
    try:
        case = example_case(rule, example)
    except InputError as exc:
        result.failures.append(f"invalid example facts: {exc.problem.message}")
        return result
    request = case.data["requests"][0]
    facts = request_facts(request, parse_request(request["text"]), case_facts(case.data),
                          case.data.get("medications") or [])
    if rule.silent and not rule.criteria:
        if example.coverage != "mtus_silent":
            result.failures.append("the rule is a silent topic: expect `coverage: mtus_silent`")
        if not rule.applies(facts):
            result.failures.append(f"the rule does not apply to '{request['text']}' "
                                   f"({facts.get('request.drug')}, {facts.get('request.drug_class')})")
        result.passed = not result.failures
        return result
    predicted, trace, _, not_met = evaluate_item(rule, facts)
    result.statuses = {c.id: c.status for c in trace}
    coverage = undecided(rule, facts, predicted, not_met)
    if coverage is not None:
        predicted = None
        if example.coverage != coverage:
            why = "the relation does not decide here" if coverage == "mtus_silent" else \
                f"outside what the rule encodes ({rule.encoded_for_text(facts)})"  # type: ignore[misc]
            result.failures.append(f"{why}: expect `coverage: {coverage}`")
    elif example.coverage:
        result.failures.append(f"coverage {example.coverage} expected, but the rule predicts {predicted}")
    result.predicted = predicted
    if example.predicted is not None and example.predicted != predicted:
        result.failures.append(f"predicted {predicted}, expected {example.predicted}: {_why(result.statuses)}")
    for crit_id, status in example.criteria.items():
        got = result.statuses.get(crit_id)
        if got is None:
            result.failures.append(f"criterion '{crit_id}' is not in the rule")
        elif got != status:
            result.failures.append(f"{crit_id}: {got}, expected {status}")
    result.passed = not result.failures
    return result


def _why(statuses: dict[str, Status]) -> str:
    """The criterion statuses behind a prediction, the deciding ones first: ``not met: a; met: b, c``."""
    order = (Status.NOT_MET, Status.NOT_DOCUMENTED, Status.MET, Status.NOT_APPLICABLE)
    groups = [(s, [c for c, got in statuses.items() if got is s]) for s in order]
    return "; ".join(f"{s.words}: {', '.join(ids)}" for s, ids in groups if ids) or "no criteria"


def run_examples(ruleset: RuleSet) -> list[ExampleResult]:
    """Every example of every rule, in library order."""
    return [run_example(rule, ex) for rule in ruleset.rules for ex in rule.examples]
