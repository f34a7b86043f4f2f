"""The generated evaluation of each rule (checker.engine.compiled) against the rules' interpreted tests and decision.

The reference below is the engine as it was before rules were compiled to source: every criterion's compiled test
and ``when`` closures, each explanation from its template, the decision closure. Both must give the same
prediction, the same trace (statuses, explanations, facts read, in order) and the same ids, on every rule of the
library and on a rule that uses every operator and every connective, over items whose facts are each documented
true, documented false or absent (numbers and dates around the thresholds: the engine benchmark's generator).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date

import pytest
from conftest import ROOT
from test_bench_engines import EVERY_OPERATOR

from checker.core.status import NA, STATUSES, Status
from checker.engine.evaluate import evaluate_item
from checker.engine.trace import explainer
from checker.rules.ruleset import Rule, load_rules

sys.path.insert(0, str(ROOT / "bench"))
import engines  # noqa: E402


def _reference_to_document(rule: Rule, values: dict) -> list[str]:
    unknown = [i for i in rule.decision_ids if values.get(i) is None]
    if not unknown:
        return []
    best = {**values, **{i: True for i in unknown}}
    if rule.decision(best) is not True:
        return unknown
    out = []
    for i in unknown:
        best[i] = False
        if rule.decision(best) is not True:
            out.append(i)
        best[i] = True
    return out


def reference(rule: Rule, facts: dict) -> tuple:
    """The interpreted evaluation: (predicted, [(id, status, explanation, facts read)], to_document, not_met)."""
    trace, values = [], {}
    for c in rule.criteria:
        value = NA if c.when is not None and c.when(facts) is False else c.test(facts)
        values[c.id] = value
        status = Status.of(value)
        explain = explainer(c, status)
        trace.append((c.id, status, c.text, c.citation, explain if isinstance(explain, str) else explain(facts),
                      {p: facts.get(p) for p in c.paths}))
    decided = rule.decision(values)
    not_met = [i for i in rule.decision_ids if values.get(i) is False]
    unknown = [c.id for c in rule.criteria if values[c.id] is None]
    to_document = (unknown if rule.conjunctive else _reference_to_document(rule, values)) if unknown else []
    return ("overturned" if decided is True or decided is NA else "upheld"), trace, to_document, not_met


def generated(rule: Rule, facts: dict) -> tuple:
    predicted, results, to_document, not_met = evaluate_item(rule, facts)
    return predicted, [(r.id, r.status, r.text, r.citation, r.explanation, r.facts) for r in results], \
        to_document, not_met


def _rules_and_items(rules_path, n: int, seed: int):
    ruleset, _ = load_rules(rules_path, strict=False)
    specs = engines.specs(ruleset)
    return [(specs[i].rule, facts) for i, facts in engines.make_items(specs, n, seed=seed)]


def test_every_rule_of_the_library_evaluates_as_interpreted():
    pairs = _rules_and_items(None, 6000, 11)
    statuses = set()
    for rule, facts in pairs:
        expected = reference(rule, facts)
        assert generated(rule, facts) == expected, rule.id
        statuses.update(s for _, s, *_ in expected[1])
    assert statuses == set(STATUSES)  # every branch of the generated trace was taken
    assert len({rule.id for rule, _ in pairs}) > 50


def test_every_operator_and_connective_evaluates_as_interpreted(tmp_path):
    (tmp_path / "every.yaml").write_text(EVERY_OPERATOR)
    pairs = _rules_and_items(tmp_path, 3000, 5)
    predictions = set()
    for rule, facts in pairs:
        expected = reference(rule, facts)
        assert generated(rule, facts) == expected
        predictions.add(expected[0])
    assert not pairs[0][0].conjunctive and predictions == {"upheld", "overturned"}


@pytest.mark.parametrize("value", [None, True, False, 0, 1, 2.5, "x", [], ["low_back_pain"], date(2015, 1, 2)])
def test_any_fact_value_evaluates_as_interpreted(value):
    """Facts of a type the rule does not expect give the same values (or the same error) both ways."""
    ruleset, _ = load_rules(None, strict=False)
    rng = random.Random(3)
    for rule in ruleset.rules:
        if not rule.criteria:
            continue
        paths = list(dict.fromkeys(p for c in rule.criteria for p in c.paths))
        facts = {p: (value if rng.random() < 0.5 else None) for p in paths}
        facts["report_date"] = date(2016, 1, 1)
        outcomes = []
        for evaluate in (reference, generated):
            try:
                outcomes.append(json.dumps(evaluate(rule, facts), default=str))
            except TypeError as exc:
                outcomes.append(type(exc).__name__)
        assert outcomes[0] == outcomes[1], rule.id
