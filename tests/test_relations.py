"""Item relations: an item whose rule declares `depends_on` is evaluated after the item of the same case it depends
on, in one pass, and reads that item's prediction (a PPI and the NSAID it protects; services for a surgery)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_mtus

from checker.engine.evaluate import dependency_order, evaluate
from checker.facts.cases import case_from_data
from checker.rules.ruleset import load_rules

RULES, _ = load_rules()


def _case(*texts: str, **facts) -> object:
    return case_from_data({"case_id": "rel", "report_date": "2016-11-04", **facts,
                           "requests": [{"text": t} for t in texts]}, "test")


def test_a_ppi_listed_before_its_nsaid_reads_the_nsaid_prediction():
    # no relief or function from the NSAID already taken: the NSAID is upheld, and so is the PPI that protects it
    case = _case("Pantoprazole 40mg #30", "Naproxen 550mg #60",
                 nsaid={"current_use": True, "dyspepsia": True},
                 medications=[{"name": "Naproxen", "drug": "naproxen", "first_noted": "2016-01-01"}])
    ppi, nsaid = evaluate(case, RULES)
    assert nsaid.predicted == "upheld"
    assert ppi.depends_on == {"item": 1, "request": "Naproxen 550mg #60", "predicted": "upheld"}
    assert ppi.predicted == "upheld" and "ppi-protected-nsaid-necessary" in ppi.not_met
    trace = {c.id: c for c in ppi.criteria}
    assert "Naproxen 550mg #60" in trace["ppi-protected-nsaid-necessary"].explanation


def test_a_ppi_without_an_nsaid_item_is_judged_on_its_own():
    (ppi,) = evaluate(_case("Pantoprazole 40mg #30", nsaid={"current_use": True, "dyspepsia": True}), RULES)
    assert ppi.depends_on is None and ppi.predicted == "overturned"
    assert {c.id: c.status for c in ppi.criteria}["ppi-protected-nsaid-necessary"] == "not_applicable"


def test_services_for_a_surgery_follow_the_surgery(tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "surgery.yaml").write_text("""
rules:
  - id: test.surgery
    title: Surgery
    source: {guideline: MTUS Chronic Pain Medical Treatment Guidelines, edition: "2016"}
    applies_to: {service_group: surgery}
    criteria:
      - id: red-flag
        text: A red flag
        cite: {section: Test, quote: A test criterion for the relation., provenance: RECALL, source: "not found: test"}
        test: {fact: services.red_flags, is: true}
    decision: {all: [red-flag]}
""")
    (rules / "associated.yaml").write_text((Path(__file__).parents[1] / "rules" / "services" / "silent.yaml")
                                           .read_text(encoding="utf-8"))
    ruleset, _ = load_rules(rules, strict=False)
    texts = ("Pre-operative CBC", "Right shoulder arthroscopy with subacromial decompression", "PA assist")
    upheld = evaluate(_case(*texts, services={"red_flags": False}), ruleset)
    assert [(i.predicted, i.coverage) for i in upheld] == [("upheld", None), ("upheld", None), ("upheld", None)]
    assert upheld[0].depends_on["item"] == 1 and upheld[2].depends_on["item"] == 1
    necessary = evaluate(_case(*texts, services={"red_flags": True}), ruleset)
    assert [(i.predicted, i.coverage) for i in necessary] == [(None, "mtus_silent"), ("overturned", None),
                                                              (None, "mtus_silent")]


def test_dependency_order_puts_each_item_after_its_parent_and_breaks_cycles():
    assert dependency_order(4, {0: 2, 2: 3}) == [3, 2, 0, 1]
    parents = {0: 1, 1: 0}
    order = dependency_order(2, parents)
    assert sorted(order) == [0, 1] and len(parents) == 1


def test_the_relation_is_in_the_json_result(tmp_path: Path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"case_id": "rel", "report_date": "2016-11-04",
                                "nsaid": {"current_use": True, "dyspepsia": True},
                                "requests": [{"text": "Omeprazole 20mg #30"}, {"text": "Naproxen 550mg #60"}]}))
    run = run_mtus("check", case, "--format", "json")
    items = json.loads(run.stdout)["cases"][0]["items"]
    assert items[0]["depends_on"]["request"] == "Naproxen 550mg #60"
