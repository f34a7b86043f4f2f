"""The five seed letters, encoded by hand in cases/seeds/, are all predicted right, with the reviewer's reasons.

Runs `mtus check cases/seeds/*.yaml --format json` once (the CLI contract) and checks each of the 13 items:
the prediction, the generic drug, a citation with pages or a section on every criterion, and, for each item,
the criteria the reviewer's rationale relies on with the status the letter supports (mtus-criteria.md §0.1).
"""

import json

import pytest
from conftest import ROOT, run_mtus

SEEDS = sorted((ROOT / "cases" / "seeds").glob("*.yaml"))

# (case id prefix, item index) -> (drug, actual, {criterion id: status the reviewer's statements support}).
# Reference ids from mtus-criteria.md §0.1 in the comments.
EXPECTED = {
    ("000", 0): ("hydrocodone", "overturned", {
        "returned-to-work": "met",                      # OPI-10: working on a limited basis
        "opioid-pain-relief": "met",                    # OPI-02: effective at reducing pain
        "opioid-functional-improvement": "met",         # OPI-03: and increasing function
        "opioid-no-aberrant-behavior": "met"}),
    ("000", 1): ("cyclobenzaprine", "upheld", {
        "acute-exacerbation": "not_met"}),              # MR-01
    ("001", 0): ("hydrocodone", "upheld", {
        "opioid-functional-improvement": "not_met",     # OPI-03
        "opioid-monitoring": "not_documented",          # OPI-05, OPI-06: no drug testing, no pain contract
        "returned-to-work": "not_met"}),                # temporarily very disabled
    ("001", 1): ("tizanidine", "upheld", {
        "acute-exacerbation": "not_met",                # MR-01: no acute flare-up or new injury
        "mr-short-course": "not_met",                   # MR-02: long-term use
        "prior-use-benefit": "not_met"}),               # MR-06
    ("001", 2): ("gabapentin", "upheld", {
        "aed-neuropathic-pain": "met",
        "aed-response": "not_documented",               # AED-02: specific symptom relief not demonstrated
        "aed-functional-benefit": "not_met"}),          # AED-03: no functional benefit
    ("002", 0): ("carisoprodol", "upheld", {
        "mr-short-course": "not_documented",            # MR-02: start date unknown
        "mr-short-term-plan": "not_documented",         # MR-03: no mention of short-term use
        "mr-not-carisoprodol": "not_met"}),             # MR-04
    ("002", 1): ("clonazepam", "upheld", {
        "bz-within-4-weeks": "not_documented",          # BZ-01
        "bz-indication": "not_met",                     # BZ-02: no reason for prescribing
        "bz-short-term-plan": "not_met"}),              # BZ-03
    ("002", 2): ("hydrocodone", "upheld", {
        "opioid-pain-assessment": "not_met",            # OPI-01
        "opioid-functional-improvement": "not_documented",  # OPI-03: no specific ADLs
        "opioid-four-as": "not_documented",             # OPI-02
        "opioid-function-measured": "not_documented",   # OPI-04: no numerical scale
        "opioid-monitoring": "not_documented",          # OPI-05, OPI-07: no urine toxicology or CURES
        "opioid-weaning-plan": "not_documented"}),      # OPI-16
    ("003", 0): ("hydrocodone", "upheld", {
        "opioid-monitoring": "not_documented",          # OPI-05, OPI-06
        "opioid-weaning-plan": "not_met",               # OPI-16
        "opioid-treatment-goals": "not_met",            # OPI-18
        "opioid-prn-frequency": "not_met"}),            # OPI-19
    ("004", 0): ("hydrocodone", "upheld", {
        "opioid-four-as": "not_met",                    # OPI-02: boilerplate
        "opioid-functional-improvement": "not_met",     # OPI-03
        "opioid-pain-relief": "met",                    # 10/10 -> 7.5/10
        "opioid-monitoring": "met",                     # urine screen positive for opiates
        "chronic-back-pain-long-term": "not_met",       # OPI-14, OPI-15
        "opioid-hydrocodone-max": "met"}),              # 40 mg a day
    ("004", 1): ("orphenadrine", "upheld", {
        "mr-short-course": "not_met",                   # MR-02: since at least 02/12/15
        "mr-sedating-brief": "not_met"}),               # MR-07
    ("004", 2): ("omeprazole", "upheld", {
        "ppi-concurrent-nsaid": "not_met",              # GI-01: not taking NSAIDs (gastric bypass is no MTUS reason)
        "ppi-gi-risk-or-dyspepsia": "not_documented"}),  # GI-02/03
    ("004", 3): ("diclofenac", "upheld", {
        "topical-nsaid-oa-tendinitis": "not_met",       # TOP-02
        "topical-nsaid-joint": "not_met",               # TOP-03
        "topical-nsaid-duration": "not_met"}),          # TOP-04: since at least 02/26/15 plus 2 refills
}


@pytest.fixture(scope="module")
def items():
    run = run_mtus("check", *SEEDS, "--format", "json")
    assert run.returncode == 0, run.stderr
    out = {}
    for case in json.loads(run.stdout)["cases"]:
        for index, item in enumerate(case["items"]):
            out[(case["case_id"][:3], index)] = item
    return out


def test_every_seed_item_is_encoded(items):
    assert len(SEEDS) == 5
    assert set(items) == set(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=[f"{c}-{i}" for c, i in sorted(EXPECTED)])
def test_seed_item(items, key):
    drug, actual, cited = EXPECTED[key]
    item = items[key]
    assert item["drug"] == drug
    assert item["actual"] == actual
    assert item["rule"], f"{item['request']}: no rule covers it"
    assert item["predicted"] == actual, f"{item['request']}: predicted {item['predicted']}, actual {actual}"
    for crit in item["criteria"]:
        citation = crit["citation"]
        assert citation.get("pages") or citation.get("section"), f"{crit['id']} has no pages or section"
        assert citation.get("guideline"), f"{crit['id']} names no guideline"
    statuses = {c["id"]: c["status"] for c in item["criteria"]}
    for crit_id, status in cited.items():
        got = statuses.get(crit_id)
        assert got == status, f"{item['request']}: {crit_id} is {got}, expected {status}"


def test_seed_citations_are_2009_edition(items):
    for item in items.values():
        assert item["edition"] == "2009", f"{item['request']}: judged under the {item['edition']} edition"
