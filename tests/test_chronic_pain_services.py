"""The Chronic Pain guideline's services: urine drug testing, home health, psychological care, epidural steroid
injections, functional restoration programs and massage, end to end from the bundled letters where one has such an
item, and the request counts and letter facts their rules read."""

from __future__ import annotations

import json

import pytest
from conftest import LETTERS_DIR, run_mtus

from checker.engine.evaluate import evaluate
from checker.facts.cases import case_from_data
from checker.facts.services import hours_per_week, parse_service, program_days
from checker.ingest.case import letter_to_case_data
from checker.ingest.letter import read_letter
from checker.rules.ruleset import load_rules

RULES, _ = load_rules()


def _letter_item(case_id: str, text_start: str):
    data = letter_to_case_data(read_letter(LETTERS_DIR / f"{case_id}.pdf"))
    case = case_from_data(data, case_id)
    results = evaluate(case, RULES)
    result = next(r for r in results if r.request.startswith(text_start))
    return data, result, {c.id: c for c in result.criteria}


@pytest.mark.parametrize(("case_id", "item"), [("CM17-0001064", "Urine drug testing"), ("CM16-0249536", "Urine Test")])
def test_a_urine_drug_test_without_opioids_is_not_indicated(case_id, item):
    # both letters state the patient takes no opioid ("was not utilizing opioids", "no indication that the patient was
    # prescribed any opioid medication"): the 2016 Opioid guideline's UDT section does not support the test
    data, result, criteria = _letter_item(case_id, item)
    assert data["services"]["opioid_use"] is False
    assert result.rule == "mtus.opioids-2016.urine-drug-testing" and result.predicted == "upheld"
    assert criteria["udt-indication"].status == "not_met"
    assert "3.3.6" in criteria["udt-indication"].citation["section"]


def test_a_urine_drug_test_counts_the_screens_of_the_past_year():
    # CM16-0249536 documents one screen (11/08/2016) on the report date: a second one stays within 4 a year
    _, _, criteria = _letter_item("CM16-0249536", "Urine Test")
    assert criteria["udt-frequency"].status == "met"


def test_myofascial_release_is_judged_as_massage_limited_to_six_visits():
    _, result, criteria = _letter_item("CM16-0230651", "Myofascial release")
    assert result.rule == "mtus.chronic-pain-2016.massage" and result.predicted == "upheld"
    assert criteria["massage-visits"].status == "not_met" and "12" in criteria["massage-visits"].explanation


def test_home_health_reads_homebound_from_the_letter():
    # CM17-0004133: "The patient was unable to stand and was wheelchair/bed bound."; the 1-2 nurse visits are counted
    data, result, criteria = _letter_item("CM17-0004133", "Wound care nurse")
    assert data["services"]["homebound"] is True
    assert result.rule == "mtus.chronic-pain-2016.home-health"
    assert criteria["hh-homebound"].status == "met" and criteria["hh-duration-frequency"].status == "met"


def test_a_guideline_definition_of_homebound_documents_nothing():
    # CM16-0249735 quotes the guideline ("Homebound is defined as 'confined to the home.'") and never states it of
    # the patient: homebound stays not documented, and the home aide request is judged on that
    data, result, criteria = _letter_item("CM16-0249735", "Home aide")
    assert "homebound" not in (data.get("services") or {})
    assert result.rule == "mtus.chronic-pain-2016.home-health"
    assert criteria["hh-homebound"].status == "not_documented"


def test_psychological_testing_is_judged_as_a_psychological_evaluation():
    _, result, criteria = _letter_item("CM16-0231884", "Comprehensive psychological testing")
    assert result.rule == "mtus.chronic-pain-2016.psychological-evaluation"
    assert criteria["psy-eval-indication"].citation["provenance"] == "LETTERS"


@pytest.mark.parametrize(("text", "hours"), [
    ("Home aide 6 hours per day, 5 times a week for 4 weeks to assist with mobility", 30.0),
    ("Home health aide 12 hours per day, 5 days a week", 60.0),
    ("Home health 20 hours per week", 20.0),
    ("Home care 8 hrs/day 7 days/week", 56.0),
    ("Home aide 4 hours a day", None),          # days a week not stated: not guessed
    ("Home health care", None),
])
def test_hours_of_home_care_a_week(text, hours):
    assert hours_per_week(text) == hours


@pytest.mark.parametrize(("text", "days"), [
    ("Functional restoration program x 10 days", 10),
    ("Functional restoration program 20 sessions", 20),
    ("Functional restoration program for 2 weeks", None),   # a span, not a count of full-day sessions
    ("HELP program", None),
])
def test_full_day_sessions_of_a_program(text, days):
    parsed = parse_service(text)
    assert parsed.service == "functional_restoration_program"
    assert program_days(parsed) == days


@pytest.mark.parametrize(("text", "service"), [
    ("Interlaminar epidural steroid injection at L5-S1", "epidural_steroid_injection"),
    ("Selective nerve root block left L5", "epidural_steroid_injection"),
    ("Chronic pain management program 10 days", "functional_restoration_program"),
    ("Multidisciplinary pain management program", "functional_restoration_program"),
    ("In-home care 4 hours per day 3 days a week", "home_health"),
    ("Psychiatric treatment 6 sessions", "psychological_treatment"),
])
def test_more_wordings_of_these_services(text, service):
    assert parse_service(text).service == service


def _judge(text: str, **facts):
    case = case_from_data({"case_id": "t", "report_date": "2016-12-02", "injury": {"date": "2015-06-01"}, **facts,
                           "requests": [{"text": text}]}, "test")
    (result,) = evaluate(case, RULES)
    return result, {c.id: c.status for c in result.criteria}


def test_an_epidural_at_three_levels_exceeds_two_nerve_root_levels():
    result, status = _judge("Lumbar epidural steroid injection L3-4, L4-5 and L5-S1",
                            services={"neuro_deficit": True, "radiculopathy_corroborated": True,
                                      "conservative_care_failed": True})
    assert result.rule == "mtus.chronic-pain-2016.epidural-steroid-injections" and result.predicted == "upheld"
    assert status["esi-levels"] == "not_met" and status["esi-radiculopathy-exam"] == "met"


def test_a_program_beyond_twenty_days_in_all_is_not_supported():
    result, status = _judge("Functional restoration program additional 15 days",
                            prior_treatment={"other_treatments_failed": True},
                            services={"frp_evaluation": True, "functional_loss_significant": True,
                                      "surgery_considered": False, "motivated_to_change": True,
                                      "frp_days_completed": 10, "frp_improvement": True})
    assert result.predicted == "upheld" and status["frp-duration"] == "not_met"


def test_the_2009_home_health_rule_caps_hours_for_an_older_request():
    case = case_from_data({"case_id": "t", "report_date": "2015-03-02", "injury": {"date": "2013-06-01"},
                           "services": {"homebound": True},
                           "requests": [{"text": "Home health aide 8 hours per day, 7 days a week"}]}, "test")
    (result,) = evaluate(case, RULES)
    assert result.rule == "mtus.chronic-pain-2009.home-health" and result.predicted == "upheld"
    assert {c.id: c.status for c in result.criteria}["hh-hours-per-week"] == "not_met"


def test_a_note_states_homebound_and_opioid_use_with_their_sentences(tmp_path):
    note = tmp_path / "pr2.txt"
    note.write_text("PR-2 progress report 12/01/2016\nThe patient is homebound after the fall.\n"
                    "She is not taking any opioid medications.\nRequest: Home health aide 4 hours per day, "
                    "5 days a week.\n", encoding="utf-8")
    out = tmp_path / "case.json"
    done = run_mtus("extract", note, "-o", out)
    assert done.returncode == 0, done.stderr
    case = json.loads(out.read_text(encoding="utf-8"))
    assert case["services"]["homebound"] is True and case["services"]["opioid_use"] is False
    sentences = {e["fact"]: e["sentence"] for e in case["evidence"]}
    assert "The patient is homebound after the fall." in sentences["services.homebound"]


def test_infrared_heat_by_a_therapist_is_not_the_at_home_heat_the_chapters_recommend():
    # CM16-0230651: "Infrared heat to the low back two times a week times six weeks"
    _, result, criteria = _letter_item("CM16-0230651", "Infrared heat")
    assert result.rule == "mtus.acoem.spine.heat-cold" and result.predicted == "upheld"
    assert criteria["heat-cold-at-home"].status == "not_met"
    assert criteria["heat-cold-at-home"].citation["provenance"] == "RECALL"


def test_trigger_point_injections_are_not_for_radiculopathy():
    result, status = _judge("Trigger point injections x3 to the lumbar paraspinals",
                            services={"trigger_points": True, "conservative_care_failed": True, "neuro_deficit": True})
    assert result.rule == "mtus.chronic-pain-2016.trigger-point-injections" and result.predicted == "upheld"
    assert status["tpi-no-radiculopathy"] == "not_met" and status["tpi-per-session"] == "met"


def test_low_back_traction_is_not_recommended_whatever_the_facts():
    result, status = _judge("Lumbar traction 2 times a week for 3 weeks", services={"conservative_care_failed": True})
    assert result.rule == "mtus.acoem.low-back.traction" and result.predicted == "upheld"
    assert status == {"traction-not-recommended": "not_met"}


@pytest.mark.parametrize(("case_id", "fact", "value", "words"), [
    ("CM16-0219557", "radiculopathy_corroborated", True, "radiographically confirmed radiculopathy"),
    ("CM17-0011543", "radiculopathy_corroborated", False, "without cord impingement or neural foraminal narrowing"),
    ("CM17-0004133", "home_health_deficits", True, "required help with all activities of daily living"),
])
def test_facts_of_these_services_come_from_the_letters_sentences(case_id, fact, value, words):
    data = letter_to_case_data(read_letter(LETTERS_DIR / f"{case_id}.pdf"))
    assert data["services"][fact] is value
    assert any(e["fact"] == f"services.{fact}" and words in e["sentence"] for e in data["evidence"])


def test_a_guideline_paraphrase_documents_no_psychological_symptom():
    # CM17-0001749 paraphrases the guideline ("Psychological intervention for chronic pain includes ... such as
    # depression, anxiety, panic disorder, and posttraumatic stress disorder"): nothing about the patient
    data = letter_to_case_data(read_letter(LETTERS_DIR / "CM17-0001749.pdf"))
    assert not any(e["fact"] == "services.psychological_symptoms" and "Psychological intervention for chronic pain"
                   in e["sentence"] for e in data["evidence"])


@pytest.mark.parametrize(("report_date", "rule"), [
    ("2015-05-04", "mtus.chronic-pain-2009.epidural-steroid-injections"),
    ("2016-12-02", "mtus.chronic-pain-2016.epidural-steroid-injections"),
])
def test_the_edition_in_force_on_the_report_date_judges_the_request(report_date, rule):
    case = case_from_data({"case_id": "t", "report_date": report_date, "injury": {"date": "2008-06-01"},
                           "requests": [{"text": "Lumbar epidural steroid injection L5-S1"}]}, "test")
    (result,) = evaluate(case, RULES)
    assert result.rule == rule


def test_a_tens_unit_for_a_recent_strain_does_not_meet_the_tens_criteria():
    case = case_from_data({"case_id": "t", "report_date": "2016-12-02", "injury": {"date": "2016-10-20"},
                           "diagnoses": [{"text": "Lumbar strain", "categories": ["sprain_strain"]}],
                           "services": {"home_exercise": True},
                           "requests": [{"text": "TENS unit rental for 30 days"}]}, "test")
    (result,) = evaluate(case, RULES)
    status = {c.id: c.status for c in result.criteria}
    assert result.predicted == "upheld" and status["es-adjunct-home-trial"] == "met"
    assert status["tens-condition"] == "not_met" and status["tens-three-months"] == "not_met"


def test_an_electrocardiogram_outside_surgery_is_mtus_silent():
    # CM17-0013587: "The MTUS Guidelines are silent on these issues."
    _, result, _ = _letter_item("CM17-0013587", "Electrocardiogram")
    assert result.rule == "mtus.silent.electrocardiogram" and result.predicted is None


@pytest.mark.parametrize(("sentence", "value"), [
    ("She completed a one-month home TENS trial with less pain and a longer walking distance.", True),
    ("There was no TENS trial before this request.", False),
])
def test_a_note_documents_a_tens_trial_or_its_absence(tmp_path, sentence, value):
    note = tmp_path / "pr2.txt"
    note.write_text(f"PR-2 progress report 12/01/2016\n{sentence}\nRequest: TENS unit purchase.\n", encoding="utf-8")
    out = tmp_path / "case.json"
    done = run_mtus("extract", note, "-o", out)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["services"]["tens_trial_documented"] is value


def test_buying_a_tens_unit_without_a_trial_is_not_supported():
    case = case_from_data({"case_id": "t", "report_date": "2016-12-02", "injury": {"date": "2016-01-10"},
                           "diagnoses": [{"text": "Lumbar radiculopathy", "categories": ["radiculopathy"]}],
                           "services": {"home_exercise": True, "conservative_care_failed": True,
                                        "tens_trial_documented": False},
                           "requests": [{"text": "Purchase of a TENS unit"}]}, "test")
    (result,) = evaluate(case, RULES)
    status = {c.id: c.status for c in result.criteria}
    assert result.predicted == "upheld" and status["tens-trial-before-purchase"] == "not_met"
    assert status["tens-condition"] == "met"
