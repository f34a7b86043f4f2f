"""Derived facts a rule relies on: weeks of use, weeks requested, injury phase, relief percentage."""

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
