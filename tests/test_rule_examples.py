"""Every named example in every rule file becomes a test (as sqlfluff does with its rule fixtures)."""

import pytest

from checker.authoring.testing import run_example
from checker.rules.ruleset import load_rules

RULESET, _ = load_rules()
EXAMPLES = [(rule, ex) for rule in RULESET.rules for ex in rule.examples]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES, ids=[f"{r.id}::{e['name']}" for r, e in EXAMPLES])
def test_rule_example(rule, example):
    result = run_example(rule, example)
    assert result.passed, f"{rule.file}: {example['name']}: " + "; ".join(result.failures)


def test_every_rule_has_a_passing_and_a_failing_example():
    for rule in RULESET.rules:
        outcomes = {ex["expect"].get("predicted") for ex in rule.examples}
        assert {"upheld", "overturned"} <= outcomes, f"{rule.id} needs examples predicting both outcomes"
