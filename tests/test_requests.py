"""Tests of the request parser (checker/facts/requests.py) on real item titles and on written examples."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.facts.requests import ParsedRequest, parse_request

FIXTURE = Path(__file__).parent / "fixtures" / "request_titles.tsv"


def _titles() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


TITLES = _titles()


# --- real titles ------------------------------------------------------------------------------

def test_fixture_covers_every_disputed_item() -> None:
    letters = [r for r in TITLES if not r["letter"].startswith("seed:")]
    seeds = [r for r in TITLES if r["letter"].startswith("seed:")]
    assert len(letters) == 210
    assert len(seeds) == 13


def test_kind_accuracy_on_real_titles() -> None:
    wrong = [(r["letter"], r["item"], r["title"]) for r in TITLES if parse_request(r["title"]).kind != r["kind"]]
    assert 1 - len(wrong) / len(TITLES) >= 0.98, wrong


@pytest.mark.parametrize("row", [r for r in TITLES if r["kind"] == "drug"],
                         ids=lambda r: f"{r['letter']}-{r['item']}")
def test_drug_items_name_the_expected_generic(row: dict[str, str]) -> None:
    parsed = parse_request(row["title"])
    assert parsed.kind == "drug"
    assert parsed.drug == row["drug"]
    assert parsed.drug in parsed.ingredients
    assert not parsed.unknown_drug
    if row["class"]:
        assert parsed.drug_class in row["class"].split("|")


def test_services_with_drug_words_stay_services() -> None:
    for text in ["Urine drug screen", "Toxicology screen for opioids", "Urine drug screen for hydrocodone",
                 "Consultation for pain medicine management", "Physical therapy 2x a week for 6 weeks",
                 "MRI of the lumbar spine", "TENS unit", "Acupuncture x6", "Home health aide",
                 "Twelve acupuncture visits with Capsaicin patch, 2 times weekly for 6 weeks"]:
        parsed = parse_request(text)
        assert parsed.kind == "service", text
        assert parsed.drug is None
        assert parsed.drug_class is None


# --- exact fields -----------------------------------------------------------------------------

def test_retro_norco_with_sig() -> None:
    p = parse_request("Retro Norco 10/325mg 1 Tab PO Q 6-8hours PRN #120")
    assert (p.kind, p.drug, p.ingredients, p.drug_class, p.name) == (
        "drug", "hydrocodone", ("hydrocodone", "acetaminophen"), "opioid", "Norco")
    assert p.strength_mg == 10
    assert p.strengths_mg == {"hydrocodone": 10, "acetaminophen": 325}
    assert p.strength_text == "10/325mg"
    assert p.quantity == 120
    assert p.retrospective is True
    assert p.frequency_per_day == 4
    assert p.prn is True
    assert p.units_per_day == 4
    assert p.daily_dose_mg == 40
    assert p.mme_per_day == 40
    assert p.apap_mg_per_day == 1300
    assert p.route == "oral"
    assert p.form == "tablet"
    assert p.sedating is False
    assert p.days_covered() == 30


def test_flector_patch() -> None:
    p = parse_request("Flector patch 1.3% for 30 days, with 2 refills")
    assert (p.drug, p.drug_class, p.route, p.form) == ("diclofenac", "topical_nsaid", "topical", "patch")
    assert p.days_supply == 30
    assert p.refills == 2
    assert p.strength_text == "1.3%"
    assert p.strengths_pct == {"diclofenac": 1.3}
    assert p.strength_mg is None
    assert p.mme_per_day is None
    assert p.days_covered() == 30


def test_misspelt_omeprazole() -> None:
    p = parse_request("Omepraxole 20mg #60")
    assert (p.drug, p.drug_class, p.quantity, p.strength_mg, p.name) == ("omeprazole", "ppi", 60, 20, "Omepraxole")
    assert p.refills == 0
    assert p.retrospective is False
    assert p.days_covered() is None


def test_quantity_and_days_give_units_per_day() -> None:
    p = parse_request("Norco 10/325mg #120 for 30 days")
    assert (p.quantity, p.days_supply, p.units_per_day, p.daily_dose_mg, p.mme_per_day) == (120, 30, 4, 40, 40)
    assert p.apap_mg_per_day == 1300


@pytest.mark.parametrize("text, drug, strengths", [
    ("Hydrocodone/APAP 10/325", "hydrocodone", {"hydrocodone": 10, "acetaminophen": 325}),
    ("Norco10/325mg", "hydrocodone", {"hydrocodone": 10, "acetaminophen": 325}),
    ("cyclobenzaprine HCL 7.5mg", "cyclobenzaprine", {"cyclobenzaprine": 7.5}),
    ("norflex100mg", "orphenadrine", {"orphenadrine": 100}),
    ("APAP/Codeine 300/30mg", "codeine", {"acetaminophen": 300, "codeine": 30}),
    ("Norco 7.5 mg QTY 120.00", "hydrocodone", {"hydrocodone": 7.5}),
])
def test_spacing_and_combinations(text: str, drug: str, strengths: dict[str, float]) -> None:
    p = parse_request(text)
    assert p.drug == drug
    assert p.strengths_mg == strengths


def test_lidoderm_patches() -> None:
    p = parse_request("Lidoderm 5% patches #30")
    assert (p.drug, p.drug_class, p.route, p.form, p.quantity) == ("lidocaine", "topical_lidocaine", "topical",
                                                                    "patch", 30)
    assert p.strengths_pct == {"lidocaine": 5}


@pytest.mark.parametrize("text, key, ingredient", [
    ("Tramadol ER 150mg #30", "Tramadol ER", "tramadol"),
    ("MS Contin 30mg BID #60", "MS Contin", "morphine"),
])
def test_longest_name_wins(text: str, key: str, ingredient: str) -> None:
    p = parse_request(text)
    assert p.name == text[: len(key)]
    assert p.drug == ingredient
    assert p.extended_release is True


def test_ms_contin_mme() -> None:
    p = parse_request("MS Contin 30mg BID #60")
    assert (p.frequency_per_day, p.daily_dose_mg, p.mme_per_day, p.days_covered()) == (2, 60, 60, 30)


@pytest.mark.parametrize("text, mme", [
    ("Oxycodone 10mg q6h #120", 60.0),               # 40 mg x 1.5
    ("Tramadol 50mg QID #120", 20.0),                 # 200 mg x 0.1 (CDC 2016)
    ("Fentanyl 25mcg/hr patch #10", 60.0),            # 25 x 2.4
    ("Methadone 5mg BID #60", 40.0),                  # 10 mg/day x 4
    ("Methadone 10mg TID #90", 240.0),                # 30 mg/day x 8
    ("Hydromorphone 2mg q4h #180", 48.0),             # 12 mg x 4
    ("Nucynta 50mg every 12 hours", 40.0),            # 100 mg x 0.4
])
def test_mme(text: str, mme: float) -> None:
    assert parse_request(text).mme_per_day == pytest.approx(mme)


@pytest.mark.parametrize("text, freq", [
    ("Naproxen 500mg BID", 2), ("Naproxen 500mg b.i.d.", 2), ("Gabapentin 300mg TID", 3),
    ("Gabapentin 300mg three times a day", 3), ("Ibuprofen 800mg QID", 4), ("Ambien 10mg QHS", 1),
    ("Celebrex 200mg daily", 1), ("Prilosec 20mg QD", 1), ("Norco 10/325 every 12 hours", 2),
    ("Tramadol 50mg every 4-6 hours as needed", 6), ("Norco 10/325 one tablet twice daily", 2),
])
def test_frequency(text: str, freq: float) -> None:
    assert parse_request(text).frequency_per_day == freq


@pytest.mark.parametrize("text, refills", [
    ("Flector patch 1.3% with 2 refills", 2), ("Soma 350mg #60 x2 refills", 2), ("Soma 350mg #60 RF: 1", 1),
    ("Pantoprazole 40mg #60 with one refill", 1), ("Three refills of Voltaren 75mg #60", 3),
    ("Soma 350mg #60", 0),
])
def test_refills(text: str, refills: int) -> None:
    assert parse_request(text).refills == refills


@pytest.mark.parametrize("text, qty", [
    ("Soma 350mg #60", 60), ("Zanaflex 2 mg QTY 120.00", 120), ("Zanaflex 2 mg QTY: 120", 120),
    ("Tramadol 50mg 120 tablets", 120), ("Tramadol 50mg (60)", 60), ("Lidoderm patch #1 box", 1),
])
def test_quantity(text: str, qty: int) -> None:
    assert parse_request(text).quantity == qty


@pytest.mark.parametrize("text, days", [
    ("Norco 10/325 #120 for 30 days", 30), ("Norco 10/325 #120, 30 day supply", 30),
    ("Norco 10/325 1 month supply", 30), ("One month supply of Trezix capsule 320.5/30/16mg", 30),
    ("Oxycodone HCL ER 20mg #60 day supply: 30", 30), ("Three months coverage of Viagra 50mg", 90),
])
def test_days_supply(text: str, days: int) -> None:
    assert parse_request(text).days_supply == days


def test_retrospective_markers() -> None:
    assert parse_request("Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16").retrospective
    assert parse_request("Famotidine 20mg #60 (DOS: 10/2/15)").retrospective
    assert not parse_request("Famotidine 20mg #60").retrospective


def test_class_depends_on_route() -> None:
    assert parse_request("Voltaren 75mg #60").drug_class == "nsaid"
    assert parse_request("Voltaren gel 1% 100g").drug_class == "topical_nsaid"
    assert parse_request("Diclofenac sodium 1.5% topical solution").drug_class == "topical_nsaid"
    assert parse_request("Lidocaine 5% patch #30").drug_class == "topical_lidocaine"
    assert parse_request("Capsaicin 0.075% cream").drug_class == "topical_analgesic"
    assert parse_request("Terocin lotion 120ml").drug_class == "topical_analgesic"
    compound = parse_request("Flurbiprofen/Cyclobenzaprine/Lidocaine cream")
    assert compound.drug_class == "compounded_topical"
    assert compound.ingredients == ("flurbiprofen", "cyclobenzaprine", "lidocaine")
    assert compound.sedating is False


def test_sedating_flag() -> None:
    assert parse_request("Soma 350mg #60").sedating is True
    assert parse_request("Klonopin 1mg #30").sedating is True
    assert parse_request("Ambien 10mg #30").sedating is True
    assert parse_request("Naproxen 500mg #60").sedating is False
    assert parse_request("MRI of the lumbar spine").sedating is None


def test_partial_certification_title_uses_remaining_portion() -> None:
    text = ("Voltaren 75mg #60 with 3 refills was the original request. Voltaren 75mg #60 was authorized by "
            "the Claims Administrator. The remaining IMR eligible portion of the original request, Three "
            "refills of Voltaren 75mg #60 is")
    p = parse_request(text)
    assert (p.drug, p.drug_class, p.refills, p.quantity, p.text) == ("diclofenac", "nsaid", 3, 60, text)


def test_unknown_drug() -> None:
    p = parse_request("Xyzzoprofen 10mg #60")
    assert (p.kind, p.drug, p.unknown_drug, p.quantity, p.strength_text) == ("drug", None, True, 60, "10mg")
    assert parse_request("Knee brace").unknown_drug is False


# --- robustness -------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Norco", "10/325mg", "#120", "Q 6-8hours", "PRN", "Retro", "1 Tab", "PO", "BID", "x2 refills", "for 30 days",
    "1.3%", "patch", "cream", "/", "-", "(", ")", ":", "Flexiril", "Lidoderm", "Hydrocodone/APAP", "APAP", "0",
    "999999999999999999999", "1e308", "QTY", "RF:", "DOS: 11/14/16", "q0h", "every 0 hours", "mcg/hr", "%",
    "0.0mg", "Methadone", "Fentanyl", "original request,", "is", "Upheld", "\u00a0", "\ufffe", "MRI", "\n",
])


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_any_text_parses(text: str) -> None:
    p = parse_request(text)
    assert isinstance(p, ParsedRequest)
    assert p.kind in ("drug", "service")
    assert p.text == text
    p.days_covered()


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=14).map(" ".join))
def test_fuzz_request_like_text(text: str) -> None:
    p = parse_request(text)
    assert p.kind in ("drug", "service")
    if p.drug is not None:
        assert p.drug in p.ingredients
        assert p.drug_class is not None
    for value in (p.mme_per_day, p.daily_dose_mg, p.units_per_day, p.frequency_per_day):
        assert value is None or value >= 0
    covered = p.days_covered()
    assert covered is None or covered >= 0


def test_brand_number_is_not_a_quantity() -> None:
    p = parse_request("Tylenol #3 #60")
    assert (p.drug, p.ingredients, p.quantity) == ("codeine", ("codeine", "acetaminophen"), 60)


def test_plural_product_forms() -> None:
    p = parse_request("Terocin patches #30")
    assert (p.name, p.drug_class, p.form, p.quantity) == ("Terocin patches", "topical_analgesic", "patch", 30)


def test_injections() -> None:
    toradol = parse_request("Toradol 60mg IM injection")
    assert (toradol.kind, toradol.drug, toradol.route, toradol.strength_mg) == ("drug", "ketorolac", "injection", 60)
    assert parse_request("Depo-Medrol injection to the left knee").kind == "service"
    assert parse_request("Epidural steroid injection L4-5").kind == "service"


def test_transdermal_opioid_patches() -> None:
    fentanyl = parse_request("Duragesic 50 mcg/h #10")
    assert (fentanyl.drug, fentanyl.route, fentanyl.form, fentanyl.mme_per_day) == (
        "fentanyl", "transdermal", "patch", 120)
    butrans = parse_request("Butrans 10mcg/hr patch #4")
    assert (butrans.drug, butrans.drug_class, butrans.mme_per_day) == ("buprenorphine", "opioid", None)


# --- package units, days' supply, doses in a sig, misread strengths ------------------------------

@pytest.mark.parametrize("text, qty, unit", [
    ("Lidoderm 5% patches #1 box", 1, "box"),
    ("Lidoderm patch, 12 hours on 12 hours off to affected area, #1 box with 1 refill, DOS: 11/11/2016", 1, "box"),
    ("Voltaren gel 1% 1 tube", 1, "tube"),
    ("Voltaren gel 1% 2 tubes, apply to the knee four times a day", 2, "tube"),
    ("Terocin lotion 1 bottle", 1, "bottle"),
    ("One container of Flurbiprofen 10%, Cyclobenzaprine 3%, Lidocaine 5% cream", 1, "container"),
])
def test_package_quantity_is_not_a_count_of_doses(text: str, qty: int, unit: str) -> None:
    p = parse_request(text)
    assert (p.quantity, p.package_unit) == (qty, unit)
    assert p.days_supply is None
    assert p.days_covered() is None          # not "1 box at 1 patch a day = 1 day"
    if p.frequency_per_day is None:
        assert p.units_per_day is None


def test_package_quantity_with_stated_days() -> None:
    p = parse_request("Lidoderm 5% patches #1 box for 30 days")
    assert (p.quantity, p.package_unit, p.days_supply, p.days_covered()) == (1, "box", 30, 30)
    assert p.units_per_day is None           # 1 box / 30 days is not a patch count per day


@pytest.mark.parametrize("text, qty", [("Lidoderm 5% patches #30, 1 box", 30), ("Lidoderm 1 box (30 patches)", 30),
                                       ("Lidoderm 5% patches #30", 30)])
def test_a_count_of_doses_beats_a_package(text: str, qty: int) -> None:
    p = parse_request(text)
    assert (p.quantity, p.package_unit) == (qty, None)


@pytest.mark.parametrize("text", ["Norco 10/325mg #120", "Norco 10/325mg #120 with 2 refills"])
def test_no_directions_and_no_days_leave_the_daily_dose_unknown(text: str) -> None:
    p = parse_request(text)
    assert p.quantity == 120
    assert (p.frequency_per_day, p.units_per_day, p.daily_dose_mg, p.mme_per_day, p.apap_mg_per_day) == (
        None, None, None, None, None)
    assert p.days_covered() is None


@pytest.mark.parametrize("text", [
    "Norco 10/325mg #120 for 30 days", "Norco 10/325mg #120, 30 day supply", "Norco 10/325mg #120 x 30 days",
    "Norco 10/325mg #120 (30 days)", "Norco 10/325mg #120/30 days", "Norco 10/325mg #120 for one month",
])
def test_days_supply_gives_the_daily_dose_without_a_sig(text: str) -> None:
    p = parse_request(text)
    assert (p.quantity, p.days_supply, p.units_per_day, p.daily_dose_mg, p.mme_per_day, p.apap_mg_per_day) == (
        120, 30, 4, 40, 40, 1300)


@pytest.mark.parametrize("text", [
    "Diazepam 5mg 1 tab before exam, may repeat",
    "Diazepam (Valium) 5mg take 1 tab orally 1 hour before exam, may repeat dose 1/2 hour after first dose for "
    "anxiety",
])
def test_a_dose_before_an_event_is_not_a_quantity(text: str) -> None:
    p = parse_request(text)
    assert (p.drug, p.drug_class, p.strength_mg) == ("diazepam", "benzodiazepine", 5)
    assert p.quantity is None                # "1 tab" is the dose; no quantity is written
    assert p.days_covered() is None


def test_trezix_strengths_follow_the_label_order() -> None:
    p = parse_request("One month supply of Trezix capsule 320.5/30/16mg")
    assert (p.drug, p.drug_class, p.days_supply) == ("dihydrocodeine", "opioid", 30)
    assert p.strengths_mg == {"acetaminophen": 320.5, "caffeine": 30, "dihydrocodeine": 16}
    assert p.strength_mg == 16


def test_trezix_title_with_a_typo_reads_the_remaining_portion_as_written() -> None:
    # CM17-0007300: the remaining portion says "30.5/30/16mg" where the original request says "320.5/30/16mg";
    # the parser reads the item as written, and the opioid strength (the MME input) is unaffected
    row = next(r for r in TITLES if r["letter"] == "CM17-0007300" and r["item"] == "2")
    p = parse_request(row["title"])
    assert p.strengths_mg == {"acetaminophen": 30.5, "caffeine": 30, "dihydrocodeine": 16}
    assert (p.strength_mg, p.days_supply, p.quantity) == (16, 30, None)


def test_importing_the_parser_compiles_no_regex() -> None:
    # cold start: the parser's and the catalog's patterns are compiled when first used, not at import
    code = textwrap.dedent("""
        import re, sys
        compiled = []
        real = re._compile
        def spy(pattern, flags):
            frame = sys._getframe(2)
            if frame.f_code.co_filename.endswith(("checker/facts/requests.py", "checker/facts/catalog.py")) \\
                    and (type(pattern), pattern, flags) not in re._cache and pattern not in compiled:
                compiled.append(pattern)
            return real(pattern, flags)
        re._compile = spy
        import checker.facts.requests
        from checker.facts.catalog import default_catalog
        default_catalog()
        print(sorted(map(str, compiled)))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['[a-z0-9#]+']"   # only normalize_name's word pattern, to load the catalog
