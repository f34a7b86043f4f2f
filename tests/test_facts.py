"""Derived facts a rule relies on: weeks of use, weeks requested, injury phase, relief percentage, and what
the medication list documents (oral NSAID use, GI risk agents, a requested drug already taken)."""

from datetime import date

from checker.facts.derived import case_facts, request_facts
from checker.facts.requests import parse_request


def facts_for(case: dict, text: str, **request) -> dict:
    req = {"text": text, **request}
    return request_facts(req, parse_request(text), case_facts({**case, "requests": [req]}),
                         case.get("medications") or [])


def test_weeks_of_use_from_the_medication_list_and_weeks_in_all_with_the_request():
    f = facts_for({"report_date": "2015-06-01",
                   "medications": [{"name": "Flexeril", "drug": "cyclobenzaprine", "first_noted": "2015-02-26"}]},
                  "Flexeril 7.5mg #90 for 30 days with 1 refill")
    assert f["request.continuing"] is True
    assert f["request.weeks_of_use"] == 13.6
    assert f["request.days_requested"] == 60
    assert f["request.weeks_total"] == round(13.6 + 60 / 7, 1)


def test_a_first_noted_date_after_the_report_is_no_use_yet_not_negative_weeks():
    f = facts_for({"report_date": "2016-11-01"}, "Flexeril 7.5mg #21 for 7 days", first_noted="2016-12-05")
    assert f["request.weeks_of_use"] == 0.0
    assert "request.continuing" not in f


def test_injury_phase_and_relief_percentage():
    f = case_facts({"report_date": "2016-12-01", "injury": {"date": "2016-11-10"},
                    "pain": {"with_medication": 4, "without_medication": 8}})
    assert f["injury.phase"] == "acute" and f["injury.weeks_since"] == 3.0
    assert f["pain.relief_with_medication_percent"] == 50.0
    assert f["report_date"] == date(2016, 12, 1)
    assert case_facts({"ur_date": "2016-12-01", "injury": {"date": "2015-01-01"}})["injury.phase"] == "chronic"


def test_the_medication_list_documents_nsaid_use_and_gi_risk_agents():
    f = case_facts({"medications": [{"name": "Naproxen", "drug": "naproxen"},
                                    {"name": "Prednisone", "drug": "prednisone"}]})
    assert f["nsaid.current_use"] is True
    assert f["gi_risk.aspirin_corticosteroid_anticoagulant"] is True
    assert "gi_risk.high_dose_multiple_nsaid" not in f
    two = case_facts({"medications": [{"name": "Motrin", "drug": "ibuprofen"}, {"name": "Mobic", "drug": "meloxicam"}]})
    assert two["gi_risk.high_dose_multiple_nsaid"] is True


def test_topical_nsaids_and_aspirin_are_not_oral_nsaid_use_and_the_letter_wins():
    f = case_facts({"medications": [{"name": "Voltaren gel", "drug": "diclofenac"},
                                    {"name": "Aspirin", "drug": "aspirin"}]})
    assert "nsaid.current_use" not in f
    assert f["gi_risk.aspirin_corticosteroid_anticoagulant"] is True
    stated = case_facts({"nsaid": {"current_use": False}, "medications": [{"name": "Naproxen", "drug": "naproxen"}]})
    assert stated["nsaid.current_use"] is False


def test_a_requested_drug_on_the_medication_list_is_continuing():
    case = {"report_date": "2016-11-04", "medications": [{"name": "Pantoprazole", "drug": "pantoprazole"}]}
    assert facts_for(case, "Pantoprazole 40mg #60")["request.continuing"] is True
    assert "request.continuing" not in facts_for({"report_date": "2016-11-04"}, "Pantoprazole 40mg #60")
    assert facts_for(case, "Pantoprazole 40mg #60", continuing=False)["request.continuing"] is False


def test_an_nsaid_on_the_list_was_tried_and_diagnoses_document_conditions():
    f = case_facts({"medications": [{"name": "Motrin", "drug": "ibuprofen"}],
                    "diagnoses": [{"text": "major depressive disorder", "categories": ["depression"]},
                                  {"text": "spasticity after spinal cord injury", "categories": ["spasticity"]}],
                    "clinical": {"anxiety": False}})
    assert f["prior_treatment.nsaid_tried"] is True
    assert f["clinical.depression"] is True and f["clinical.spasticity"] is True
    assert f["clinical.anxiety"] is False and "clinical.insomnia" not in f


def test_the_request_as_written_documents_what_the_drug_is_for():
    text = ("Diazepam (Valium) 5mg take 1 tab orally 1 hour before exam, may repeat dose 1/2 hour after first dose "
            "for anxiety")
    assert facts_for({}, text)["request.indication_documented"] is True
    assert facts_for({}, "Tramadol 50mg every 4-6 hours as needed for moderate to severe pain #30")[
        "request.indication_documented"] is True
    assert "request.indication_documented" not in facts_for({}, "Klonopin 1mg #30")
    assert facts_for({}, "Klonopin 1mg #30 for anxiety", indication_documented=False)[
        "request.indication_documented"] is False
