"""The benchmark's translators (JsonLogic, ZEN, Python) agree with the engine on every item (not timed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from checker.engine.evaluate import evaluate_item
from checker.rules.ruleset import load_rules

sys.path.insert(0, str(ROOT / "bench"))
import engines  # noqa: E402

# Every operator, all/any/not nested, a criterion applicability (`when`), and not/any in the decision.
EVERY_OPERATOR = """
id: test.every-operator
title: Every operator
source: {guideline: Test, pages: "1"}
applies_to: {drug_class: muscle_relaxant}
criteria:
  - id: flag
    text: A flag
    test: {fact: clinical.acute_exacerbation, is: true}
  - id: numbers
    text: Numbers
    test:
      any:
        - {fact: request.weeks_of_use, at_most: 3}
        - {all: [{fact: patient.age, at_least: 65}, {fact: request.days_supply, between: [7, 30]}]}
  - id: strings
    text: Strings
    test: {not: {any: [{fact: request.drug, equals: carisoprodol}, {fact: work_status, in: [retired, not_working]}]}}
  - id: dates
    text: Dates
    test: {fact: monitoring.last_uds_date, within_days: 180}
  - id: lists
    text: Lists
    when: {fact: request.continuing, is: true}
    test: {fact: diagnosis_categories, contains: [low_back_pain, spasticity]}
  - id: documented
    text: Documented
    test: {all: [{fact: pain.with_medication, documented: true}, {fact: request.refills, documented: false}]}
decision:
  any:
    - {all: [flag, numbers, {not: strings}]}
    - {all: [dates, lists, documented]}
    - {not: {any: [lists]}}
"""


def _agree(rules_path: Path | None, n: int) -> None:
    ruleset, problems = load_rules(rules_path, strict=False)
    assert ruleset.rules
    specs = engines.specs(ruleset)
    items = engines.make_items(specs, n, seed=3)
    expected = [evaluate_item(specs[i].rule, facts)[0] == "overturned" for i, facts in items]
    assert any(expected) and not all(expected)
    builders = [engines.python_engine, engines.mtus_outcome_engine, engines.jsonlogic_engine, engines.zen_engine,
                engines.zen_batch_engine]
    for build in builders:
        try:
            engine = build(specs, items)
        except ImportError:
            continue
        got = engine.run()
        wrong = [k for k, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b]
        assert not wrong, f"{engine.name} disagrees on {items[wrong[0]]}"


def test_translators_agree_on_the_rule_library() -> None:
    _agree(None, 400)


def test_translators_agree_on_every_operator(tmp_path: Path) -> None:
    (tmp_path / "rule.yaml").write_text(EVERY_OPERATOR, encoding="utf-8")
    _agree(tmp_path, 600)


def test_items_cover_every_fact_state() -> None:
    ruleset, _ = load_rules(strict=False)
    specs = engines.specs(ruleset)
    items = engines.make_items(specs, 50 * len(specs), seed=1)
    assert engines.coverage(specs, items) == []
    assert {i for i, _ in items} == set(range(len(specs)))


def test_hand_written_functions_are_used_only_while_current() -> None:
    ruleset, _ = load_rules(strict=False)
    for spec in engines.specs(ruleset):
        _, kind = engines.python_rule(spec)
        hand = engines.HAND_WRITTEN.get(spec.rule.id)
        assert (kind == "hand-written") == (hand is not None and hand[0] == spec.fingerprint)


@pytest.mark.skipif(importlib.util.find_spec("zen") is None, reason="zen-engine not installed")
def test_zen_graph_is_a_valid_decision() -> None:
    import json

    import zen

    ruleset, _ = load_rules(strict=False)
    for spec in engines.specs(ruleset):
        zen.ZenEngine().create_decision(json.dumps(engines.zen_graph(spec))).validate()


def test_a_missing_engine_is_skipped_with_a_note_unless_all_are_required(monkeypatch: pytest.MonkeyPatch,
                                                                         capsys: pytest.CaptureFixture) -> None:
    import json

    monkeypatch.setitem(sys.modules, "zen", None)  # import zen raises ImportError
    assert engines.main(["--items", "200", "--repeat", "1", "--json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert summary["agree"] is True and summary["items"] == 200
    assert summary["engines"]["zen"] is None and summary["engines"]["mtus"] > 0
    assert "zen skipped" in captured.err
    assert engines.main(["--items", "50", "--repeat", "1", "--json", "--require-all"]) == 2
