"""One order, many wordings: every way of writing the same prescription gives the same drug, daily dose and MME.

A dose read differently from the same words is a silent wrong answer (issue 11, point 4): each group below is
one order written as physicians and reviewers write it, and all its wordings must read alike.
"""

import json

import pytest
from conftest import run_mtus

from checker.facts.requests import parse_request

# (group name, expected (drug, units per day, daily dose mg, MME/day), wordings)
SAME_ORDER = [
    ("Norco 10/325 three a day", ("hydrocodone", 3, 30, 30), [
        "Norco 10/325mg TID #90",
        "Norco 10/325mg tid #90",
        "Norco 10/325mg T.I.D. #90",
        "Norco 10/325mg three times a day #90",
        "Norco 10/325mg three times daily #90",
        "Norco 10/325mg three times per day #90",
        "Norco 10/325mg 3 times a day #90",
        "Norco 10/325mg 3 times daily #90",
        "Norco 10/325mg 3x/day #90",
        "Norco 10/325mg 3x daily #90",
        "Norco 10/325mg q8h #90",
        "Norco 10/325mg q 8 hours #90",
        "Norco 10/325mg every 8 hours #90",
        "Norco 10/325mg every eight hours #90",
        "Norco 10/325mg 1 tab three times daily #90",
        "Norco 10/325mg 1 tab TID #90",
        "Norco 10/325mg one tablet by mouth three times a day #90",
        "Norco 10/325mg 1 tab PO q8h #90",
        "Norco 10/325 TID #90",                       # no "mg"
        "Norco 10/325 1 tab three times daily #90",   # no "mg"
        "Norco 10-325mg tid #90",
        "Hydrocodone/APAP 10/325mg TID #90",
        "Hydrocodone/acetaminophen 10/325 mg three times daily #90",
        "Hydrocodone bitartrate/APAP 10/325mg 1 po q 8 hrs #90",
        "Retro: Norco 10/325mg 1 tablet three times a day #90",
    ]),
    ("Norco 10/325 two at a time, three times a day (ranges read at their maximum)", ("hydrocodone", 6, 60, 60), [
        "Norco 10/325mg 2 tabs TID #180",
        "Norco 10/325mg two tablets three times daily #180",
        "Norco 10/325mg 1-2 tabs q8h #180",
        "Norco 10/325mg 1-2 tabs TID #180",
        "Norco 10/325mg 1 to 2 tablets every 8 hours #180",
        "Norco 10/325mg one to two tablets every eight hours #180",
        "Norco 10/325 1-2 tabs three times a day #180",
    ]),
    ("OxyContin 80 three a day", ("oxycodone", 3, 240, 360), [
        "Oxycontin 80mg tid #90",
        "OxyContin 80mg TID #90",
        "Oxycodone ER 80mg three times daily #90",
        "Oxycodone ER 80mg 1 tab q8h #90",
        "Oxycodone HCL ER 80mg every 8 hours #90",
        "Oxycodone CR 80mg three times a day #90",
    ]),
    ("gabapentin 600 twice a day", ("gabapentin", 2, 1200, None), [
        "Gabapentin 600mg BID #60",
        "Gabapentin 600mg twice daily #60",
        "Gabapentin 600mg twice a day #60",
        "Gabapentin 600mg two times a day #60",
        "Gabapentin 600mg 2 times daily #60",
        "Gabapentin 600mg q12h #60",
        "Gabapentin 600mg every 12 hours #60",
        "Neurontin 600mg 1 tab PO BID #60",
    ]),
    ("tramadol 50 four a day", ("tramadol", 4, 200, 20), [
        "Tramadol 50mg QID #120",
        "Tramadol 50mg four times a day #120",
        "Tramadol 50mg four times daily #120",
        "Tramadol 50mg q6h #120",
        "Tramadol 50mg every 6 hours #120",
        "Tramadol 50mg every six hours #120",
        "Ultram 50mg 1 tab po q6h #120",
    ]),
]
CASES = [(name, expected, text) for name, expected, texts in SAME_ORDER for text in texts]


@pytest.mark.parametrize(("name", "expected", "text"), CASES, ids=[c[2] for c in CASES])
def test_every_wording_of_one_order_reads_the_same(name, expected, text):
    p = parse_request(text)
    assert (p.kind, p.drug, p.units_per_day, p.daily_dose_mg, p.mme_per_day) == ("drug", *expected), name


def test_no_sig_reads_no_daily_dose_rather_than_a_guess():
    """"Norco 10/325 #90" says how many, not how often: the strength is read, the daily dose is left unknown."""
    for text in ("Norco 10/325 #90", "Norco 10/325mg #90", "Norco 10/325 mg, #90"):
        p = parse_request(text)
        assert (p.drug, p.strength_mg, p.quantity, p.daily_dose_mg, p.mme_per_day) == ("hydrocodone", 10, 90, None,
                                                                                         None), text
    p = parse_request("Norco 10/325 #90 for 30 days")
    assert (p.units_per_day, p.mme_per_day) == (3, 30)


MISSPELT = [
    ("Norcoo 10/325mg TID #90", "hydrocodone", "Norco", 30),
    ("Hydrocodne/APAP 10/325mg TID #90", "hydrocodone", "hydrocodone", 30),
    ("Oxycontn 80mg tid #90", "oxycodone", "OxyContin", 360),
    ("Ambein 10mg #30", "zolpidem", "Ambien", None),
    ("Flexerl 10mg #60", "cyclobenzaprine", "Flexeril", None),
]


@pytest.mark.parametrize(("text", "drug", "near", "mme"), MISSPELT, ids=[m[0] for m in MISSPELT])
def test_a_misspelt_drug_is_read_as_its_near_miss_and_says_so(text, drug, near, mme):
    p = parse_request(text)
    assert (p.kind, p.drug, p.mme_per_day, p.read_as_near_miss) == ("drug", drug, mme, True)
    assert near in [name for _, name in p.did_you_mean]


@pytest.mark.parametrize("text", ["Zorblax 20mg #30", "Norcoo #90", "Tabradol 1mg/ml oral suspension 250ml",
                                  "Xyzzyx cream apply bid", "Quellzor #60 1 po qhs"])
def test_drug_like_text_is_never_a_service(text):
    assert parse_request(text).kind == "drug"


def test_a_near_miss_of_two_drugs_or_too_far_is_only_suggested_never_read_as_a_different_drug():
    p = parse_request("Tabradol 1mg/ml oral suspension 250ml")   # a cyclobenzaprine kit; Toradol is ketorolac
    if p.drug is None:
        assert p.unknown_drug and ("Tabradol", "Toradol") in p.did_you_mean
    else:   # once the catalog knows the kit, it is cyclobenzaprine and nothing else
        assert p.drug == "cyclobenzaprine"


def test_check_shows_the_reading_of_a_misspelling_and_suggests_for_an_unknown_drug(tmp_path):
    case = tmp_path / "c.yaml"
    case.write_text("case_id: X2\nreport_date: '2016-10-01'\nrequests:\n"
                    "  - text: Norcoo 10/325mg TID #90\n  - text: Hydrocodone 10/325 Zorblaxx 20mg #30\n"
                    "  - text: Toradolex 20mg #30\n")
    run = run_mtus("check", case, "--format", "json")
    norco, _, unknown = json.loads(run.stdout)["cases"][0]["items"]
    assert (norco["drug"], norco["kind"], norco["did_you_mean"]) == ("hydrocodone", "drug", ["Norco"])
    assert "read 'Norcoo' as Norco" in norco["spelling"]
    assert (unknown["kind"], unknown["drug"], unknown["coverage"]) == ("drug", None, "unrecognised")
    assert "did you mean" in run.stderr
    text = run_mtus("check", case).stdout
    assert "read 'Norcoo' as Norco" in text and "UNRECOGNISED" in text
