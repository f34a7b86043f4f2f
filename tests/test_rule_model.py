"""The typed rule model: one operator registry, one Status, named conditions, nothing read from YAML after loading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ROOT

from checker.authoring.coverage import run_tests
from checker.authoring.docs import write_docs
from checker.authoring.show import rule_tree
from checker.core.status import NA, STATUSES, Status
from checker.engine.evaluate import evaluate_item
from checker.rules.compile import compile_test
from checker.rules.describe import condition_tree, inline
from checker.rules.model import Named, Not, parse_condition
from checker.rules.operators import OPERATORS
from checker.rules.ruleset import load_rules


def _schema(name: str) -> dict:
    return json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_the_operator_registry_is_what_the_rule_schema_accepts():
    comparison = _schema("rule")["$defs"]["test"]["oneOf"][0]["properties"]
    assert set(OPERATORS) == set(comparison) - {"fact"}
    for name, op in OPERATORS.items():
        assert comparison[name]["description"] == op.summary, name


def test_status_strings_are_the_json_contract():
    assert [s.value for s in STATUSES] == ["met", "not_met", "not_documented", "not_applicable"]
    expect = _schema("rule")["$defs"]["example"]["properties"]["expect"]["properties"]["criteria"]
    assert expect["additionalProperties"]["enum"] == [s.value for s in STATUSES]
    assert json.dumps({"status": Status.NOT_DOCUMENTED}) == '{"status": "not_documented"}'
    assert f"{Status.MET}" == "met" and Status("not_met") is Status.NOT_MET
    assert [Status.of(v) for v in (True, False, None, NA)] == list(STATUSES)


def test_the_baclofen_guard_is_written_once_and_used_by_name():
    text = (ROOT / "rules" / "chronic-pain" / "muscle-relaxants.yaml").read_text(encoding="utf-8")
    assert text.count("{fact: diagnosis_categories, contains: spasticity}") == 1
    assert text.count("{condition: baclofen-for-spasticity}") >= 7
    ruleset, _ = load_rules()
    guarded = [c for r in ruleset.rules if "muscle-relaxants" in r.id for c in r.criteria
               if isinstance(c.when_condition, Not) and isinstance(c.when_condition.part, Named)]
    assert len(guarded) >= 6
    assert {c.when_condition.part.name for c in guarded} == {"baclofen-for-spasticity"}
    words = inline(condition_tree(guarded[0].when_condition))
    assert "NOT (baclofen-for-spasticity: ALL of (request.drug = baclofen; spasticity: ANY of" in words


def test_a_named_condition_evaluates_as_its_test_written_out():
    inline_test = {"all": [{"fact": "request.drug", "equals": "baclofen"},
                           {"any": [{"fact": "clinical.spasticity", "is": True},
                                    {"fact": "diagnosis_categories", "contains": "spasticity"}]}]}
    spasticity = parse_condition(inline_test["all"][1])
    named = parse_condition({"all": [inline_test["all"][0], {"condition": "spasticity"}]},
                            {"spasticity": spasticity}.get)
    by_name, written = compile_test(named), compile_test(inline_test)
    for drug in ("baclofen", "tizanidine", None):
        for spastic in (True, False, None):
            for categories in (["spasticity"], ["low_back_pain"], None):
                facts = {"request.drug": drug, "clinical.spasticity": spastic, "diagnosis_categories": categories}
                assert by_name(facts) is written(facts), facts


def test_nothing_reads_the_rule_files_after_loading(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MTUS_CACHE", "0")
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    ruleset, problems = load_rules(copy)
    assert not problems
    shutil.rmtree(copy)  # every later stage works from the compiled rules alone
    report = run_tests(ruleset)
    assert not report.failed and report.percent > 90
    assert all(line for line in report.lines), "each example keeps the line it was written on"
    for rule in ruleset.rules:
        rule_tree(rule)
        for example in rule.examples:
            assert example.line
    assert write_docs(ruleset, tmp_path / "book")
    rule = ruleset.get("mtus.chronic-pain.muscle-relaxants")
    predicted, trace, _, _ = evaluate_item(rule, {"request.drug": "cyclobenzaprine", "request.kind": "drug"})
    assert predicted == "upheld" and all(isinstance(c.status, Status) for c in trace)
