"""The MTUS Drug Formulary (8 CCR 9792.27.1-9792.27.23): importing the DWC's list, and every review path.

There is no machine-readable copy of the DWC's MTUS Drug List here: tests/fixtures/formulary/ holds a small
SYNTHETIC list written in the DWC's column layout (its statuses are invented). It is imported with the real
command into a copy of the bundled rules folder, and real case files are checked against it.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import jsonschema
import pytest
import yaml
from conftest import ROOT, run_mtus

from checker.core.resources import rules_dir, schemas_dir

SYNTHETIC = ROOT / "tests" / "fixtures" / "formulary" / "mtus-drug-list-SYNTHETIC.csv"
SCHEMA = json.loads((schemas_dir() / "result.schema.json").read_text())
INJURY = date(2019, 3, 1)
SURGERY = date(2019, 6, 10)


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    """The bundled rules with the synthetic list imported into rules/formulary/."""
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(rules_dir(), folder)
    run = run_mtus("formulary", "import", SYNTHETIC, "-o", folder / "formulary" / "synthetic-2018-10-01.yaml")
    assert run.returncode == 0, run.stderr
    assert "12 drugs" in run.stdout
    return folder


def day(n: int, start: date = INJURY) -> str:
    return (start + timedelta(days=n)).isoformat()


def request(text: str, **dispensing) -> dict:
    return {"text": text, "dispensing": dispensing} if dispensing else {"text": text}


# One request per path; the key names the path, the request carries its own dispensing facts.
NORCO_3_DAYS = "Norco 5/325mg 1 tab every 6 hours #12"  # hydrocodone/APAP: Non-Exempt, Special and Perioperative Fill
OXY_3_DAYS = "Oxycodone 5mg 1 tab every 6 hours #12"    # Non-Exempt, fills of 4 days
PATHS = {
    "exempt": request("Ibuprofen 800mg 1 tab three times a day #90", date=day(20)),
    "non-exempt": request("Carisoprodol 350mg 1 tab three times a day #90", date=day(20)),
    "unlisted combination": request("Percocet 5/325mg 1 tab every 6 hours #12", date=day(20)),
    "unlisted": request("Lidoderm 5% patch #30", date=day(20)),
    "compounded": request("Flurbiprofen 20%/Cyclobenzaprine 4% cream 180gm", date=day(20)),
    "special fill day 3": request(NORCO_3_DAYS, date=day(3), initial_visit=True),
    "special fill day 7": request(NORCO_3_DAYS, date=day(7), initial_visit=True),
    "special fill day 8": request(NORCO_3_DAYS, date=day(8), initial_visit=True),
    "special fill not the initial visit": request(NORCO_3_DAYS, date=day(3), initial_visit=False),
    "special fill over its supply": request("Norco 5/325mg 1 tab every 6 hours #40", date=day(3), initial_visit=True),
    "perioperative day -5": request(OXY_3_DAYS, date=day(-5, SURGERY), surgery_date=SURGERY.isoformat()),
    "perioperative day -4": request(OXY_3_DAYS, date=day(-4, SURGERY), surgery_date=SURGERY.isoformat()),
    "perioperative day 0": request(OXY_3_DAYS, date=day(0, SURGERY), surgery_date=SURGERY.isoformat()),
    "perioperative day +4": request(OXY_3_DAYS, date=day(4, SURGERY), surgery_date=SURGERY.isoformat()),
    "perioperative day +5": request(OXY_3_DAYS, date=day(5, SURGERY), surgery_date=SURGERY.isoformat()),
    "special fill brand, need documented": request(NORCO_3_DAYS, date=day(2), initial_visit=True,
                                                   dispense_as_written=True, generic_available=True,
                                                   brand_necessity_documented=True),
    "special fill brand, need not documented": request(NORCO_3_DAYS, date=day(2), initial_visit=True,
                                                       dispense_as_written=True, generic_available=True),
    "exempt brand, need documented": request("Celebrex 200mg 1 tab daily #30", date=day(20), dispense_as_written=True,
                                             generic_available=True, brand_necessity_documented=True),
    "exempt brand, need not documented": request("Celebrex 200mg 1 tab daily #30", date=day(20),
                                                 dispense_as_written=True, generic_available=True),
    "single source brand": request("Celebrex 200mg 1 tab daily #30", date=day(20), dispense_as_written=True,
                                   generic_available=False),
    "before the formulary": request("Carisoprodol 350mg 1 tab three times a day #90", date="2017-12-31"),
}


def case(requests: list[dict], report_date: str = "2019-06-20") -> dict:
    return {"case_id": "formulary", "report_date": report_date, "injury": {"date": INJURY.isoformat()},
            "requests": requests}


def check(tmp_path, data: dict, *args) -> dict:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    run = run_mtus("check", path, "--format", "json", *args)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    jsonschema.validate(doc, SCHEMA)
    return doc


@pytest.fixture(scope="module")
def answers(rules, tmp_path_factory):
    doc = check(tmp_path_factory.mktemp("case"), case(list(PATHS.values())), "--rules", rules)
    (only,) = doc["cases"]
    return {name: item for name, item in zip(PATHS, only["items"], strict=True)}, only["warnings"]


def formulary(answers, name):
    return answers[0][name]["formulary"]


@pytest.mark.parametrize("name, status, review, section, policy", [
    ("exempt", "exempt", False, "8 CCR §9792.27.10", None),
    ("non-exempt", "non_exempt", True, "8 CCR §9792.27.10", None),
    ("unlisted combination", "unlisted", True, "8 CCR §9792.27.10", None),
    ("unlisted", "unlisted", True, "8 CCR §9792.27.10", None),
    ("compounded", "compounded", True, "8 CCR §9792.27.9", None),
    ("special fill day 3", "non_exempt", False, "8 CCR §9792.27.12", "special_fill"),
    ("special fill day 7", "non_exempt", False, "8 CCR §9792.27.12", "special_fill"),
    ("special fill day 8", "non_exempt", True, "8 CCR §9792.27.10", None),
    ("special fill not the initial visit", "non_exempt", True, "8 CCR §9792.27.10", None),
    ("special fill over its supply", "non_exempt", True, "8 CCR §9792.27.10", None),
    ("perioperative day -5", "non_exempt", True, "8 CCR §9792.27.10", None),
    ("perioperative day -4", "non_exempt", False, "8 CCR §9792.27.13", "perioperative_fill"),
    ("perioperative day 0", "non_exempt", False, "8 CCR §9792.27.13", "perioperative_fill"),
    ("perioperative day +4", "non_exempt", False, "8 CCR §9792.27.13", "perioperative_fill"),
    ("perioperative day +5", "non_exempt", True, "8 CCR §9792.27.10", None),
    ("special fill brand, need documented", "non_exempt", False, "8 CCR §9792.27.12", "special_fill"),
    ("special fill brand, need not documented", "non_exempt", True, "8 CCR §9792.27.10", None),
    ("exempt brand, need documented", "exempt", True, "8 CCR §9792.27.7", None),
    ("exempt brand, need not documented", "exempt", True, "8 CCR §9792.27.7", None),
    ("single source brand", "exempt", False, "8 CCR §9792.27.10", None),
])
def test_every_formulary_path(answers, name, status, review, section, policy):
    answer = formulary(answers, name)
    assert (answer["status"], answer["review_required"], answer["section"], answer["policy"]) == \
           (status, review, section, policy), answer["reason"]
    assert section.removeprefix("8 CCR ") in answer["reason"]  # the reason cites its section
    if status != "compounded":
        assert answer["drug_list"] == {"version": "v.99", "effective": "2018-10-01",
                                       "source": "mtus-drug-list-SYNTHETIC.csv", "synthetic": True}


def test_the_reasons_say_why_a_fill_did_not_apply(answers):
    assert "it is prescribed 8 days after the injury, outside the 7-day window" in \
        formulary(answers, "special fill day 8")["reason"]
    assert "a 10-day supply exceeds the 4-day limit" in formulary(answers, "special fill over its supply")["reason"]
    assert "it is not prescribed at the single initial treatment visit" in \
        formulary(answers, "special fill not the initial visit")["reason"]
    assert "day +5 of the surgery, outside the perioperative period" in \
        formulary(answers, "perioperative day +5")["reason"]
    assert "day -5 of the surgery" in formulary(answers, "perioperative day -5")["reason"]
    assert "the physician has not documented the medical need for the brand" in \
        formulary(answers, "special fill brand, need not documented")["reason"]
    assert "the need is documented" in formulary(answers, "exempt brand, need documented")["reason"]
    assert "the need is not documented" in formulary(answers, "exempt brand, need not documented")["reason"]
    assert "a combination not listed as such is unlisted" in formulary(answers, "unlisted combination")["reason"]


def test_a_drug_dispensed_before_2018_has_no_formulary_answer(answers):
    assert "formulary" not in answers[0]["before the formulary"]


def test_a_synthetic_list_is_said_on_the_case(answers):
    assert any("is marked SYNTHETIC: a test list, not the DWC's" in w for w in answers[1])


def test_without_a_drug_list_the_case_says_so_and_only_compounded_drugs_are_answered(tmp_path):
    doc = check(tmp_path, case([PATHS["exempt"], PATHS["compounded"]]))  # the bundled rules: no list
    (only,) = doc["cases"]
    assert any("no MTUS Drug List in force on 2019-03-21 is loaded" in w and "mtus formulary import" in w
               for w in only["warnings"])
    exempt, compounded = only["items"]
    assert "formulary" not in exempt and compounded["formulary"]["status"] == "compounded"


def test_the_text_and_html_reports_show_the_formulary(rules, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case([PATHS["special fill day 3"], PATHS["non-exempt"]])))
    for fmt, marker in (("text", "Formulary: non-exempt, no prospective review (special fill)"),
                        ("markdown", "**MTUS Drug Formulary:** non-exempt, no prospective review (special fill)"),
                        ("html", "MTUS Drug Formulary: non-exempt, no prospective review (special fill)")):
        run = run_mtus("check", path, "--rules", rules, "--format", fmt)
        assert run.returncode == 0, run.stderr
        assert marker in " ".join(run.stdout.split()), fmt
        assert "prospective review required" in " ".join(run.stdout.split()), fmt


# --- importing the list -----------------------------------------------------------------------------------------

def imported(path) -> dict:
    return yaml.safe_load(path.read_text())


def test_the_xlsx_and_the_csv_of_the_same_list_import_alike(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import csv

    rows = list(csv.reader(SYNTHETIC.open(encoding="utf-8")))
    header = rows.index(next(r for r in rows if r[0] == "Drug Ingredient"))
    rows[header] = ["  DRUG   INGREDIENT ", "exempt/non-exempt", "SPECIAL FILL", "Perioperative  Fill***",
                    "Drug Class", "REFERENCE IN GUIDELINES", "Dosage Form"]  # case, spaces and footnote marks vary
    book = openpyxl.Workbook()
    book.active.title = "MTUS Drug List"
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "list-SYNTHETIC.xlsx")
    for name in ("list-SYNTHETIC.xlsx", SYNTHETIC):
        source = tmp_path / name if isinstance(name, str) else name
        run = run_mtus("formulary", "import", source, "-o", tmp_path / f"{source.stem}.yaml")
        assert run.returncode == 0, run.stderr
    xlsx, csv_ = imported(tmp_path / "list-SYNTHETIC.yaml"), imported(tmp_path / f"{SYNTHETIC.stem}.yaml")
    assert xlsx["drugs"] == csv_["drugs"] and len(xlsx["drugs"]) == 12
    assert xlsx["formulary"]["effective"] == "2018-10-01" and xlsx["formulary"]["synthetic"] is True
    norco = next(d for d in xlsx["drugs"] if d["ingredient"].startswith("Hydrocodone"))
    assert norco == {"ingredient": "Hydrocodone Bitartrate / Acetaminophen", "status": "non_exempt",
                     "special_fill": {"days": 4}, "perioperative_fill": {"days": 4},
                     "reference": "Opioids; Chronic Pain"}


def test_a_missing_column_is_named_and_nothing_is_written(tmp_path):
    text = SYNTHETIC.read_text().replace("Perioperative Fill***", "Periop").replace("Reference in Guidelines", "Ref")
    broken = tmp_path / "list-SYNTHETIC.csv"
    broken.write_text(text)
    run = run_mtus("formulary", "import", broken, "-o", tmp_path / "out.yaml")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith(f"{broken}:6: no column 'reference in guidelines', no column 'perioperative fill'")
    assert "'Periop'" in line and "'Ref'" in line
    assert not (tmp_path / "out.yaml").exists()


def test_a_bad_status_names_its_row(tmp_path):
    broken = tmp_path / "list-SYNTHETIC.csv"
    broken.write_text(SYNTHETIC.read_text().replace("Gabapentin,Exempt", "Gabapentin,Maybe"))
    run = run_mtus("formulary", "import", broken, "-o", tmp_path / "out.yaml")
    assert run.returncode == 2
    assert run.stderr.strip() == f"{broken}:10: 'Maybe' is not Exempt or Non-Exempt (Gabapentin)"


def test_the_effective_date_comes_from_the_title_or_the_option(tmp_path):
    undated = tmp_path / "list.csv"
    undated.write_text(SYNTHETIC.read_text().replace("EFFECTIVE DATE: October 1, 2018", "A list"))
    run = run_mtus("formulary", "import", undated, "-o", tmp_path / "out.yaml")
    assert run.returncode == 2 and "no effective date found" in run.stderr and "--effective" in run.stderr
    run = run_mtus("formulary", "import", undated, "-o", tmp_path / "out.yaml", "--effective", "2019-04-18")
    assert run.returncode == 0, run.stderr
    assert imported(tmp_path / "out.yaml")["formulary"]["effective"] == "2019-04-18"


def test_import_never_overwrites_the_list(tmp_path):
    copy = tmp_path / "list.csv"
    copy.write_text(SYNTHETIC.read_text())
    run = run_mtus("formulary", "import", copy, "-o", copy)
    assert run.returncode == 2 and "refusing to overwrite an input file" in run.stderr
    assert copy.read_text() == SYNTHETIC.read_text()


def test_a_broken_formulary_file_in_a_rules_folder_is_one_line(rules, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(rules, folder)
    bad = "formulary: {effective: '2019-01-01'}\ndrugs:\n  - {ingredient: X}\n"
    (folder / "formulary" / "bad.yaml").write_text(bad)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case([PATHS["exempt"]])))
    run = run_mtus("check", path, "--rules", folder)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"{folder / 'formulary' / 'bad.yaml'}:3:5: a drug needs `ingredient` and `status`" in run.stderr
