"""Service facts read from real sentences outside the bundled letters (tests/fixtures/unseen_service_sentences.tsv):
precision and recall per fact type on the whole fixture, with floors at the level reached, so that a reader tuned
back onto the bundled letters' wordings fails here."""

from __future__ import annotations

import pytest
from conftest import ROOT

from checker.ingest.evaluate import Counts, totals
from checker.ingest.sentence_scores import load_sentence_rows, score_sentences, sentence_facts, sentence_half

FIXTURE = ROOT / "tests" / "fixtures" / "unseen_service_sentences.tsv"
#: (precision, recall) floors per fact type with at least five labelled sentences, at the level measured when the
#: readers were generalised (svc-unseen, 2026-12-02), and for all fact types together.
FLOORS = {
    "services.conservative_care": (0.95, 0.78),
    "services.conservative_care_failed": (0.95, 0.65),
    "services.prior_imaging": (0.95, 0.80),
    "services.prior_electrodiagnostic": (0.95, 0.70),
    "services.radicular_symptoms": (0.95, 0.80),
    "services.surgery_considered": (0.85, 0.75),
    "services.neuro_deficit": (0.95, 0.40),
}
TOTAL_FLOOR = (0.95, 0.74)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return load_sentence_rows(FIXTURE)


@pytest.fixture(scope="module")
def scored(rows) -> dict[str, Counts]:
    return score_sentences(rows)


def test_the_fixture_is_large_sourced_and_split_in_two_halves(rows):
    assert len(rows) >= 280
    assert all(row["section"] in ("summary", "rationale") and row["source"].startswith("http") for row in rows)
    assert {sentence_half(row["sentence"]) for row in rows} == {"tune", "hold-out"}
    assert sum(row["facts"] == "-" for row in rows) >= 30  # sentences that must yield no patient fact


@pytest.mark.parametrize("fact", sorted(FLOORS))
def test_precision_and_recall_floors_per_fact_type(scored, fact):
    c, (p_floor, r_floor) = scored[fact], FLOORS[fact]
    assert (c.precision or 0) >= p_floor and (c.recall or 0) >= r_floor, c.errors


def test_precision_and_recall_floor_over_all_fact_types(scored):
    total = totals(scored)
    assert total.precision >= TOTAL_FLOOR[0] and total.recall >= TOTAL_FLOOR[1], total.errors


# Wordings the broader readers must not take for a patient fact (categories of precision error, shown by made-up
# sentences in the letters' style): care that goes on is not care that failed; a surgeon who refers is not a referral
# to a surgeon; a brace replacement is no surgery, nor is surgery avoided; a general remark documents no care given;
# a planned, awaited or absent study is no earlier study.
@pytest.mark.parametrize(("text", "expected"), [
    ("She was given medications and continues with physical therapy.", {"services.conservative_care_failed": None}),
    ("The patient was referred by the orthopedic surgeon for physical therapy.",
     {"services.surgery_considered": None}),
    ("The injured worker needs a replacement brace.", {"services.surgery_considered": None}),
    ("MRI is considered for patients who have had 6 weeks of physical therapy with no improvement.",
     {"services.conservative_care": None, "services.conservative_care_failed": None}),
    ("An MRI of the lumbar spine is to be performed.", {"services.prior_imaging": None}),
    ("The patient has not had an MRI of the lumbar spine.", {"services.prior_imaging": None}),
    ("The injured worker received a request for authorization for physical therapy.",
     {"services.conservative_care": None}),
    ("She wants to avoid surgery.", {"services.surgery_considered": None}),
    ("The patient was seen by the orthopedic surgeon for follow-up six weeks after surgery.",
     {"services.surgery_considered": None}),
    ("He sought treatment at the emergency room.", {"services.conservative_care": None}),
    ("After the MRI is completed, the patient will follow up.", {"services.prior_imaging": None}),
    ("The MRI is to be performed next week.", {"services.prior_imaging": None}),
    ("He was treated with physical therapy and continues to have low back pain radiating to the left leg.",
     {"services.conservative_care": True, "services.conservative_care_failed": True,
      "services.radicular_symptoms": True}),
])
def test_what_the_broader_readers_must_not_read(text, expected):
    found = sentence_facts(text, "summary")
    assert {fact: found.get(fact) for fact in expected} == expected
