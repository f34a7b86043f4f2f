"""The audit's per-item JSON, spliced from pre-rendered criteria, is byte for byte the plain rendering of the item."""

from __future__ import annotations

import random
import sys
from dataclasses import replace

import pytest
from conftest import ROOT, SEEDS_DIR

from checker.audit.collect import load_case_file, load_letter
from checker.audit.items import _json, criterion_json, deciding_criteria, item_doc, item_json
from checker.engine.evaluate import evaluate
from checker.facts.cases import case_from_data
from checker.rules.ruleset import load_rules

sys.path.insert(0, str(ROOT / "bench"))
from audit_scale import synthetic_case  # noqa: E402 - the benchmark's own generator

CASE_FILES = sorted([*(ROOT / "cases" / "letters").glob("*.yaml"), *(ROOT / "cases" / "seeds").glob("*.yaml"),
                     *(ROOT / "tests" / "fixtures" / "audit" / "cases").rglob("*.yaml")])


def _cases():
    for path in CASE_FILES:
        yield from load_case_file(str(path))
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        yield from load_letter(str(path))[0]
    rng = random.Random(7)
    for number in range(300):
        yield case_from_data(synthetic_case(rng, number), f"synthetic-{number}.json")


def test_item_json_is_the_plain_rendering_of_every_item():
    rules = load_rules(None)[0]
    items = 0
    for _ in range(2):  # the second pass renders from the cache
        for case in _cases():
            for item in evaluate(case, rules):
                deciding = [c.id for c in deciding_criteria(item)] if item.criteria else []
                for context in (((), None, None), (("Opioids",), "Pain Medicine", item.predicted == item.actual)):
                    assert item_json(item, *context, deciding) == _json(item_doc(item, *context, deciding))
                items += 1
    assert items > 1000


@pytest.mark.parametrize("values", [(True, 1, 1.0), (False, 0, 0.0)])
def test_facts_equal_as_keys_still_render_apart(values):
    """True == 1 == 1.0 in Python, but "true", "1" and "1.0" in JSON: the cache must not mix them up."""
    rules = load_rules(None)[0]
    case = case_from_data(synthetic_case(random.Random(1), 1), "c.json")
    criterion = next(c for item in evaluate(case, rules) for c in item.criteria if c.facts)
    path = next(iter(criterion.facts))
    for value in (*values, *values):
        variant = replace(criterion, facts={**criterion.facts, path: value})
        assert criterion_json(variant) == _json(variant.to_dict())
