"""Service facts extracted from real letters against hand labels (tests/fixtures/labelled_service_facts): precision
and recall per fact type, on the tuning half and the check half of the fixed split, with floors at the level reached."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from checker.audit.split import half_of
from checker.ingest.case import letter_to_case_data
from checker.ingest.evaluate import SCORED_SERVICE_FACTS, Counts, load_labels, score, totals
from checker.ingest.letter import read_letter

LABELS = ROOT / "tests" / "fixtures" / "labelled_service_facts"
# Floors at the level measured when the labels were made (micro-averaged over the fact types), per half.
FLOORS = {"tuning": (0.93, 0.77), "check": (0.73, 0.60)}


@pytest.fixture(scope="module")
def scored() -> dict[str, dict[str, Counts]]:
    halves: dict[str, list] = {"tuning": [], "check": []}
    for letter, labels in load_labels(LABELS):
        name = Path(letter).stem
        halves[half_of(name)].append((name, labels, letter_to_case_data(read_letter(ROOT / letter))))
    return {half: score(pairs, SCORED_SERVICE_FACTS, ()) for half, pairs in halves.items()}


def test_at_least_twenty_letters_are_labelled_on_both_halves():
    names = [Path(letter).stem for letter, _ in load_labels(LABELS)]
    assert len(names) >= 20
    assert {half_of(n) for n in names} == {"tuning", "check"}


@pytest.mark.parametrize("half", sorted(FLOORS))
def test_precision_and_recall_floors(scored, half):
    total = totals(scored[half])
    p_floor, r_floor = FLOORS[half]
    assert total.precision >= p_floor and total.recall >= r_floor, total.errors
