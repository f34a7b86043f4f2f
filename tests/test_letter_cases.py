"""The 2016-2017 IMR letters encoded as cases (cases/letters/*.yaml): every case validates and evaluates, and
the agreement with the reviewers' decisions does not fall below the level reached (a regression floor).

Disagreements are expected and reported, not hidden: a rule encodes the MTUS, and a reviewer who departs from
it is an audit finding. The known ones are listed in KNOWN_DISAGREEMENTS with their reason.
"""

import json

import pytest
from conftest import OUTCOMES_TSV, ROOT, run_mtus

LETTER_CASES = sorted((ROOT / "cases" / "letters").glob("*.yaml"))
OUTCOMES = OUTCOMES_TSV

FLOOR_ITEMS = 40          # drug items encoded
FLOOR_AGREEMENT = 37      # items whose prediction equals the letter's decision (not-covered items count as misses)
KNOWN_DISAGREEMENTS = {
    ("CM16-0221706", "Three months coverage of Viagra 50mg"): "MTUS silent (the reviewer used UpToDate): no prediction",
    ("CM16-0239110", "Oxycodone HCL ER 20mg #60 day supply: 30"): "reviewer approved without the CURES check "
                                                                    "the guideline recommends",
    ("CM16-0249170", "Pantoprazole 40mg, one by mouth, twice a day #60 with one refill"): "NSAID dyspepsia meets "
        "the MTUS PPI criteria; the reviewer judged the NSAID itself unjustified",
}


@pytest.fixture(scope="module")
def cases():
    run = run_mtus("check", *LETTER_CASES, "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)["cases"]


def test_every_letter_case_validates_and_evaluates(cases):
    assert len(cases) == len(LETTER_CASES) >= 21
    for case in cases:
        assert case["items"], case["case_id"]
        for item in case["items"]:
            assert item["actual"] in ("upheld", "overturned"), (case["case_id"], item["request"])
            assert item["drug"], (case["case_id"], item["request"])


def test_actual_outcomes_match_outcomes_tsv(cases):
    if not OUTCOMES.exists():
        pytest.skip("outcomes.tsv not available")
    drug_outcomes: dict[str, list[str]] = {}
    for line in OUTCOMES.read_text().splitlines()[1:]:
        letter, _, kind, _, outcome = line.split("\t")
        if kind == "drug":
            drug_outcomes.setdefault(letter, []).append(outcome)
    for case in cases:
        assert [i["actual"] for i in case["items"]] == drug_outcomes[case["case_id"]], case["case_id"]


def test_agreement_does_not_regress(cases, capsys):
    items = [(c["case_id"], i) for c in cases for i in c["items"]]
    agree = [(cid, i) for cid, i in items if i["predicted"] == i["actual"]]
    disagree = {(cid, i["request"]): i for cid, i in items if i["predicted"] != i["actual"]}
    predicted = [i for _, i in items if i["predicted"]]
    silent = [i for _, i in items if i["coverage"] == "mtus_silent"]
    with capsys.disabled():
        print(f"\nletter cases: {len(agree)}/{len(items)} drug items agree "
              f"({len(agree)}/{len(predicted)} of the items predicted; {len(silent)} MTUS silent)")
        for (cid, request), item in disagree.items():
            print(f"  {cid} {request}: predicted {item['predicted']}, actual {item['actual']}"
                  f" - {KNOWN_DISAGREEMENTS.get((cid, request), 'UNEXPECTED')}")
    assert len(items) >= FLOOR_ITEMS
    assert len(agree) >= FLOOR_AGREEMENT
    assert set(disagree) <= set(KNOWN_DISAGREEMENTS), "new disagreement: " + ", ".join(
        f"{c} {r}" for c, r in set(disagree) - set(KNOWN_DISAGREEMENTS))


def test_the_viagra_item_is_mtus_silent_with_its_reason(cases):
    """The reviewer of CM16-0221706 says the MTUS does not address Viagra: the checker says so, it does not guess."""
    [item] = [i for c in cases if c["case_id"] == "CM16-0221706" for i in c["items"]]
    assert (item["predicted"], item["coverage"]) == (None, "mtus_silent")
    assert "erectile dysfunction" in item["silent"]["reason"] and item["silent"]["reviewers_use"]


def test_both_overturned_drug_items_are_encoded(cases):
    overturned = {c["case_id"] for c in cases for i in c["items"] if i["actual"] == "overturned"}
    assert {"CM16-0239110", "CM17-0019011"} <= overturned
