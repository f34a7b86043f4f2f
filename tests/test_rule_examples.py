"""Every named example in every rule file becomes a test (as sqlfluff does with its rule fixtures)."""

import pytest

from checker.authoring.testing import example_case, run_example
from checker.engine.evaluate import evaluate
from checker.rules.model import Example
from checker.rules.ruleset import load_rules

RULESET, _ = load_rules()
EXAMPLES = [(rule, ex) for rule in RULESET.rules for ex in rule.examples]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES, ids=[f"{r.id}::{e.name}" for r, e in EXAMPLES])
def test_rule_example(rule, example):
    result = run_example(rule, example)
    assert result.passed, f"{rule.file}: {example.name}: " + "; ".join(result.failures)


def test_every_rule_has_a_passing_and_a_failing_example():
    for rule in RULESET.rules:
        if rule.silent:
            assert rule.examples, f"{rule.id} needs an example of a request the MTUS is silent on"
            continue
        outcomes = {ex.predicted for ex in rule.examples}
        if rule.recommendation == "not_recommended":
            assert outcomes == {"upheld"}, f"{rule.id}: a treatment the MTUS does not recommend is never overturned"
            continue
        assert {"upheld", "overturned"} <= outcomes, f"{rule.id} needs examples predicting both outcomes"


# a silent topic with an item relation may predict "upheld" (its surgery not necessary): those examples say so
SILENT = [(rule, ex) for rule, ex in EXAMPLES if rule.silent and ex.coverage == "mtus_silent"]


@pytest.mark.parametrize(("rule", "example"), SILENT, ids=[f"{r.id}::{e.name}" for r, e in SILENT])
def test_a_silent_topic_is_what_the_library_selects_for_its_examples(rule, example):
    """No other rule pre-empts a silent topic: checking its example's request gives mtus_silent with its reason."""
    [item] = evaluate(example_case(rule, example), RULESET)
    assert (item.rule, item.predicted, item.coverage) == (rule.id, None, "mtus_silent")
    assert item.silent["reason"] and item.silent["reviewers_use"] and item.silent["citation"]["guideline"]


def test_a_silent_example_fails_when_the_topic_does_not_apply_or_expects_a_prediction():
    rule = RULESET.get("mtus.silent.erectile-dysfunction-drugs")
    wrong_drug = run_example(rule, Example.from_data({"name": "x", "request": "Norco 10/325mg #90",
                                                      "expect": {"coverage": "mtus_silent"}}))
    assert not wrong_drug.passed and "does not apply" in wrong_drug.failures[0]
    wrong_expect = run_example(rule, Example.from_data({"name": "x", "request": "Viagra 50mg #10",
                                                        "expect": {"predicted": "upheld"}}))
    assert not wrong_expect.passed and "coverage: mtus_silent" in wrong_expect.failures[0]
