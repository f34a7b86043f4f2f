"""Fact extraction: precision/recall floors on hand-labelled letters, assertion cues, provenance, fuzzing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.ingest.case import letter_to_case_data
from checker.ingest.context import assess
from checker.ingest.evaluate import SentenceKinds, load_assertion_rows, load_labels, score, score_assertions, totals
from checker.ingest.facts import extract_findings
from checker.ingest.letter import parse_letter, read_letter
from checker.ingest.sentences import split_sentences

LABELS = ROOT / "tests" / "fixtures" / "labelled_facts"

#: Floors at the level reached (micro-averaged over every scored fact type), and for key fact types.
MICRO_PRECISION, MICRO_RECALL = 0.97, 0.92
TYPE_FLOORS = {  # fact type: (precision, recall)
    "clinical.acute_exacerbation": (1.0, 1.0),
    "clinical.anxiety": (1.0, 0.8),
    "clinical.depression": (1.0, 1.0),
    "clinical.insomnia": (1.0, 1.0),
    "clinical.muscle_spasm": (1.0, 1.0),
    "clinical.post_operative": (1.0, 1.0),
    "diagnosis_categories": (0.95, 0.93),
    "function.specific_adl_gains": (1.0, 0.8),
    "gi_risk.aspirin_corticosteroid_anticoagulant": (1.0, 1.0),
    "gi_risk.peptic_ulcer_bleeding_perforation": (1.0, 1.0),
    "injury.date": (1.0, 1.0),
    "medications": (0.97, 0.88),
    "monitoring.cures_checked": (1.0, 1.0),
    "monitoring.pain_agreement": (1.0, 1.0),
    "monitoring.risk_screening": (1.0, 0.5),
    "monitoring.urine_drug_screen": (1.0, 1.0),
    "nsaid.current_use": (0.9, 1.0),
    "nsaid.dyspepsia": (1.0, 1.0),
    "pain.current": (1.0, 1.0),
    "pain.with_medication": (1.0, 1.0),
    "pain.without_medication": (1.0, 1.0),
    "patient.age": (1.0, 1.0),
    "patient.sex": (1.0, 1.0),
    "prior_treatment.first_line_failed": (1.0, 1.0),
    "prior_treatment.neuropathic_first_line_failed": (1.0, 0.75),
    "prior_treatment.other_treatments_failed": (1.0, 1.0),
    "report_date": (0.96, 0.96),
    "request.continuing": (0.96, 0.9),
    "request.first_noted": (1.0, 0.72),
    "request.function_boilerplate_only": (1.0, 1.0),
    "request.functional_improvement": (1.0, 0.88),
    "request.indication_documented": (1.0, 0.2),
    "request.long_term_use": (1.0, 0.75),
    "request.pain_relief": (0.87, 1.0),
    "request.short_term_plan": (1.0, 0.66),
    "request.start_date_known": (1.0, 1.0),
    "request.trial": (1.0, 0.66),
    "ur_date": (1.0, 1.0),
    "work_status": (1.0, 1.0),
}


@pytest.fixture(scope="module")
def scored():
    pairs = []
    for rel, labels in load_labels(LABELS):
        letter = read_letter(ROOT / rel)
        pairs.append((Path(rel).stem, labels, letter_to_case_data(letter)))
    return score(pairs)


def test_every_letter_with_a_drug_item_is_labelled():
    labelled = {Path(rel).stem for rel, _ in load_labels(LABELS)}
    with open(ROOT / "cases" / "letters" / "pdf" / "outcomes.tsv", encoding="utf-8") as handle:
        with_drugs = {row["letter"] for row in csv.DictReader(handle, delimiter="\t") if row["kind"] == "drug"}
    seeds = {p.stem for p in (ROOT / "cases" / "seeds" / "text").glob("*.txt")}
    assert with_drugs | seeds <= labelled


def test_micro_precision_and_recall_floors(scored):
    total = totals(scored)
    assert total.precision >= MICRO_PRECISION, "\n".join(total.errors)
    assert total.recall >= MICRO_RECALL, "\n".join(total.errors)


@pytest.mark.parametrize("fact", sorted(TYPE_FLOORS))
def test_fact_type_floors(scored, fact):
    counts = scored[fact]
    p_floor, r_floor = TYPE_FLOORS[fact]
    assert (counts.precision or 0) >= p_floor, counts.errors
    assert (counts.recall or 0) >= r_floor, counts.errors


@pytest.mark.parametrize("sentence, target, negated", [
    ("There is no evidence of random drug testing.", "random drug testing", True),
    ("No urine drug screen was provided.", "urine drug screen", True),
    ("A urine drug screen dated 10/01/2016 was consistent.", "urine drug screen", False),
    ("The CURES database was not checked, and the results documented.", "CURES", True),
    ("There is a lack of documentation of objective functional improvement.", "functional improvement", True),
    ("Physical exam revealed spasm, but no tenderness.", "spasm", False),
    ("Physical exam revealed no tenderness, but spasm was present.", "spasm", False),
    ("She denies side effects.", "side effects", True),
    ("There was no change in pain, and spasm was noted.", "spasm", False),
])
def test_negation(sentence, target, negated):
    start = sentence.index(target)
    a = assess(sentence, start, start + len(target))
    assert a.negated is negated, a


def test_uncertain_and_hypothetical_are_not_affirmed():
    s = "The provider plans to obtain a urine drug screen."
    a = assess(s, s.index("urine"), s.index("urine") + 17)
    assert a.hypothetical and not a.affirmed
    s = "Possible muscle spasm was noted."
    a = assess(s, s.index("muscle"), s.index("muscle") + 11)
    assert a.uncertain and not a.affirmed


def test_sentence_spans_are_exact():
    text = "Dr. Smith saw her on 11/10/2016. Pain was 7/10 with medication.MTUS states this. Done"
    for sentence, start, end in split_sentences(text, 100):
        assert text[start - 100:end - 100] == sentence
    assert [s for s, _, _ in split_sentences(text)][0] == "Dr. Smith saw her on 11/10/2016."


LETTER = """Case Number: CM16-0000001
Date of Injury: 01/02/2015
UR Denial Date: 11/22/2016
HOW THE IMR FINAL DETERMINATION WAS MADE
The reviewer is board certified.
CLINICAL CASE SUMMARY
The injured worker is a 50-year-old male. On 11/10/2016, pain was rated 8/10 without medication and 4/10 with \
medication. He is working modified duty. There is no evidence of random drug testing. A signed pain agreement is \
documented.
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
Norco 10/325mg #120: Upheld
Claims Administrator guideline: Decision based on MTUS Opioid Treatment 2016.
MAXIMUS guideline: Decision based on MTUS Opioid Treatment 2016.
Decision rationale: The guidelines recommend urine drug testing. The patient has been taking Norco since at least \
03/01/2016. There is no documentation of a CURES report. Therefore, the request is not medically necessary.
Flexeril 10mg #60: Overturned
Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines 2016.
MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines 2016.
Decision rationale: Spasm was documented on examination. The request is medically necessary.
"""


def test_synthetic_letter_facts_and_provenance():
    letter = parse_letter(LETTER, "synthetic.txt")
    data = letter_to_case_data(letter)
    assert data["case_id"] == "CM16-0000001"
    assert data["patient"] == {"age": 50, "sex": "male"}
    assert data["pain"]["with_medication"] == 4 and data["pain"]["without_medication"] == 8
    assert data["work_status"] == "modified_duty"
    assert data["monitoring"]["urine_drug_screen"] is False
    assert data["monitoring"]["pain_agreement"] is True
    assert data["monitoring"]["cures_checked"] is False
    assert data["clinical"]["muscle_spasm"] is True
    assert data["report_date"] == "2016-11-10" and data["ur_date"] == "2016-11-22"
    norco, flexeril = data["requests"]
    assert norco["actual"] == "upheld" and flexeril["actual"] == "overturned"
    assert norco["first_noted"] == "2016-03-01" and norco["continuing"] is True
    for ev in data["evidence"]:
        if "span" in ev:
            start, end = ev["span"]
            assert letter.text[start:end] == ev["sentence"]
        assert "medically necessary" not in ev.get("sentence", "")


def test_verdict_and_guideline_sentences_give_no_facts():
    letter = parse_letter(LETTER, "synthetic.txt")
    for finding in extract_findings(letter, letter_to_case_data(letter)["requests"]):
        sentence = finding.sentence or ""
        assert "medically necessary" not in sentence
        assert "guidelines recommend" not in sentence.lower()


def test_ur_decision_reasons_are_read_but_not_the_decision():
    from checker.ingest.sentences import factual_clauses

    s = ("The request for tramadol was denied due to no indication of the patient trying and failing nonopiate "
         "analgesic medications and there was no indication of a urine drug screen.")
    clauses = factual_clauses(s)
    assert clauses and all(kind == "ur_reason" for *_, kind in clauses)
    for text, lo, hi, _ in clauses:
        assert s[lo:hi] == text and "denied" not in text
    s = "The injured worker is not being treated for an acute exacerbation, so Flexeril is not medically necessary."
    [(text, _, _, kind)] = factual_clauses(s)
    assert kind == "premise" and "medically" not in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_fuzz_fact_extractor_never_crashes(noise):
    text = LETTER.replace("He is working modified duty.", noise.replace("\n", " "))
    letter = parse_letter(text, "fuzz.txt")
    data = letter_to_case_data(letter)
    assert len(data["requests"]) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=-5, max_value=400), st.integers(min_value=-5, max_value=400))
def test_fuzz_assess_never_crashes(sentence, start, end):
    assess(sentence, start, end)
    split_sentences(sentence)


ASSERTIONS = ROOT / "tests" / "fixtures" / "assertion_sentences.tsv"
#: Share of the labelled real sentences classed right, per category (floors at the level reached).
ASSERTION_FLOORS = {"negation": 1.0, "coordination": 1.0, "qualifier": 1.0, "hedge": 0.92, "affirmed": 1.0,
                    "guideline": 1.0}


def _letter_file(name: str) -> Path:
    return ROOT / ("cases/letters/pdf" if name.startswith("CM") else "cases/seeds/text") / \
        (f"{name}.pdf" if name.startswith("CM") else f"{name}.txt")


def test_assertion_sentences_are_real_and_every_category_is_represented():
    rows = load_assertion_rows(ASSERTIONS)
    assert {r["category"] for r in rows} == set(ASSERTION_FLOORS)
    assert all(sum(r["category"] == c for r in rows) >= 1 for c in ASSERTION_FLOORS)
    texts: dict[str, str] = {}
    for row in rows:
        if row["letter"] not in texts:
            texts[row["letter"]] = " ".join(read_letter(_letter_file(row["letter"])).text.split())
        assert " ".join(row["sentence"].split()) in texts[row["letter"]], row
        assert row["category"] == "guideline" or row["target"] in row["sentence"], row


@pytest.mark.parametrize("category", sorted(ASSERTION_FLOORS))
def test_assertion_floors_on_real_sentences(category):
    rows = [r for r in load_assertion_rows(ASSERTIONS) if r["category"] == category]
    counts = score_assertions(rows, assess, SentenceKinds(_letter_file))[category]
    assert counts.tp / (counts.tp + counts.fn) >= ASSERTION_FLOORS[category], counts.errors


def test_a_hedge_is_neither_a_first_prescription_nor_a_continuation():
    text = LETTER.split("Flexeril 10mg #60")[0].replace(
        "The patient has been taking Norco since at least 03/01/2016.",
        "It is unclear if this is a first-time request or ongoing treatment.")
    request = letter_to_case_data(parse_letter(text))["requests"][0]
    assert request.get("trial") is None and request.get("continuing") is None, request


def test_records_without_previous_use_make_the_drug_new():
    text = LETTER.split("Flexeril 10mg #60")[0].replace(
        "The patient has been taking Norco since at least 03/01/2016.",
        "The medical records do not document previous use of Norco.")
    assert letter_to_case_data(parse_letter(text))["requests"][0]["continuing"] is False


def test_a_quotation_left_open_ends_where_the_reviewer_turns_to_the_records():
    # CM17-0000859 (tuning half): 'The ODG states; "NCS is not recommended, ... obvious.' never closes its quotation;
    # the reviewer's next sentence is about this patient's records, and so are the sentences after it.
    from checker.ingest.sentences import letter_sentences

    sentences = letter_sentences(read_letter(ROOT / "cases" / "letters" / "pdf" / "CM17-0000859.pdf"))
    records = next(s for s in sentences if s.text.startswith("The available medical record does not provide"))
    assert records.factual and not records.guideline
    later = next(s for s in sentences if s.text.startswith("With appropriate documentation EMG"))
    assert not later.guideline
    odg = next(s for s in sentences if s.text.startswith("The ODG states"))
    assert odg.guideline and not odg.factual


def test_general_and_boilerplate_sentences_are_told_apart():
    # a rationale sentence about treatments in general is `general`, never `boilerplate` (the 2016 tapering paragraph)
    from checker.ingest.sentences import letter_sentences

    sentences = letter_sentences(read_letter(ROOT / "cases" / "letters" / "pdf" / "CM17-0000859.pdf"))
    general = [s for s in sentences if s.general]
    assert general and not any(s.boilerplate for s in general)
