"""Fidelity to the IMR reviewers on the bundled letters, end to end: floors per half of the fixed split, and
the hand-labelled reviewer reasons checked against the letters and the rule library."""

from __future__ import annotations

import re

import pytest
from conftest import LETTERS_DIR, OUTCOMES_TSV, ROOT, SEEDS_DIR

from checker.audit.fidelity import (
    ReviewerReason,
    ScoredItem,
    figures,
    load_outcomes,
    load_reasons,
    report,
    score_folder,
)
from checker.ingest.text import letter_text
from checker.rules.ruleset import load_rules

REASONS_TSV = ROOT / "tests" / "fixtures" / "reviewer_reasons.tsv"

#: Floors at the level reached (drug items); a regression fails.  Raise them as the figures improve.
FLOORS = {
    "tuning": {"coverage": 1.0, "agreement": 0.94, "kappa": 0.0, "false_overturns": 1, "right_reason": 0.88},
    "check": {"coverage": 1.0, "agreement": 0.85, "kappa": 0.0, "false_overturns": 0, "right_reason": 0.94},
    "seeds": {"coverage": 1.0, "agreement": 1.0, "kappa": 1.0, "false_overturns": 0, "right_reason": 1.0},
}


@pytest.fixture(scope="module")
def result():
    ruleset, _ = load_rules(None)
    reasons = load_reasons(REASONS_TSV)
    return report(score_folder(LETTERS_DIR, ruleset, reasons), score_folder(SEEDS_DIR, ruleset, reasons))


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_drug_fidelity_floors(result, group):
    got, floor = result["drugs"][group], FLOORS[group]
    assert got["coverage"] >= floor["coverage"], got
    assert got["agreement"] >= floor["agreement"], got
    assert (got["kappa"] if got["kappa"] is not None else 0.0) >= floor["kappa"] - 1e-9, got
    assert got["false_overturns"] <= floor["false_overturns"], got
    assert got["right_reason"]["rate"] >= floor["right_reason"], got


def test_halves_partition_the_letters(result):
    drugs = result["drugs"]
    assert drugs["tuning"]["items"] + drugs["check"]["items"] == drugs["letters"]["items"] == 40
    assert drugs["seeds"]["items"] == 13
    services = result["services"]
    assert services["tuning"]["items"] + services["check"]["items"] == services["letters"]["items"] == 170


def _drug_items() -> set[tuple[str, int]]:
    truth = {**load_outcomes(OUTCOMES_TSV), **load_outcomes(SEEDS_DIR / "outcomes.tsv")}
    return {key for key, t in truth.items() if t.kind == "drug"}


def test_every_drug_item_has_its_reviewer_reason_labelled():
    assert set(load_reasons(REASONS_TSV)) == _drug_items()


def _letter_path(case: str):
    return LETTERS_DIR / f"{case}.pdf" if case.startswith("CM") else SEEDS_DIR / f"{case}.txt"


def test_reviewer_sentences_are_the_letters_own():
    def squash(text: str) -> str:
        return re.sub(r"\s+", " ", text.replace("-\n", "-")).strip()

    texts: dict[str, str] = {}
    for (case, number), reason in load_reasons(REASONS_TSV).items():
        if case not in texts:
            texts[case] = squash(letter_text(_letter_path(case)))
        assert squash(reason.sentence) in texts[case], (case, number, reason.sentence)


def test_reviewer_reasons_name_criteria_of_the_library():
    ruleset, _ = load_rules(None)
    known = {c.id for rule in ruleset.rules for c in rule.criteria}
    for key, reason in load_reasons(REASONS_TSV).items():
        assert reason.criteria <= known, (key, sorted(reason.criteria - known))
        assert reason.criteria or reason.other, key


def _item(actual, predicted, deciding=(), reasons=(), rule="r"):
    reviewer = ReviewerReason("CM00-0000001", 1, frozenset(reasons), "", "") if reasons else None
    return ScoredItem("CM00-0000001", 1, "drug", actual, rule=rule if predicted else None, predicted=predicted,
                      deciding=tuple(deciding), reviewer=reviewer)


def test_figures_count_uncovered_as_misses_and_compute_kappa():
    items = [_item("upheld", "upheld", ["a"], ["a"]), _item("upheld", "upheld", ["b"], ["a"]),
             _item("overturned", "overturned", ["c"], ["c"]), _item("upheld", "overturned"),
             _item("overturned", None)]
    f = figures(items)
    assert (f["items"], f["covered"], f["predicted"], f["correct"]) == (5, 4, 4, 3)
    assert f["agreement"] == 0.6 and f["agreement_covered"] == 0.75
    # observed 3/4; chance = (2/4)(3/4) + (2/4)(1/4) = 1/2; kappa = (0.75 - 0.5) / 0.5
    assert f["kappa"] == 0.5
    assert f["overturned"] == {"actual": 2, "caught": 1, "predicted": 2, "precision": 0.5, "recall": 0.5}
    assert f["false_overturns"] == 1
    assert f["right_reason"]["judged"] == 3 and f["right_reason"]["right"] == 2
