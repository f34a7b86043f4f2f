"""`mtus check` as a physician runs it: four formats, the JSON contract, and every kind of bad input."""

import json
import os
import stat
import subprocess
import sys

import jsonschema
import pytest
from conftest import ROOT, run_mtus

SEED = ROOT / "cases" / "seeds" / "000_98fed6c8c6e0f14b.yaml"
BAD = ROOT / "tests" / "fixtures" / "bad_cases"


@pytest.fixture(scope="module")
def seed_json() -> dict:
    run = run_mtus("check", SEED, "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_json_follows_the_contract_and_validates(seed_json):
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    jsonschema.validate(seed_json, schema)
    (case,) = seed_json["cases"]
    assert case["case_id"] == "000_98fed6c8c6e0f14b"
    norco, flexeril = case["items"]
    assert (norco["drug"], norco["drug_class"], norco["ingredients"]) == ("hydrocodone", "opioid",
                                                                          ["hydrocodone", "acetaminophen"])
    assert flexeril["drug"] == "cyclobenzaprine"
    assert flexeril["predicted"] == "upheld" and flexeril["actual"] == "upheld"
    statuses = {c["id"]: c["status"] for c in flexeril["criteria"]}
    assert statuses["acute-exacerbation"] == "not_met"
    for item in case["items"]:
        for criterion in item["criteria"]:
            assert criterion["citation"]["guideline"]
            assert criterion["citation"].get("pages") or criterion["citation"].get("section")
            assert criterion["explanation"]
    assert len(seed_json["ruleset"]["hash"]) == 12


def test_text_report_puts_the_prediction_first_and_cites_the_mtus():
    run = run_mtus("check", SEED)
    assert run.returncode == 0, run.stderr
    flexeril = run.stdout[run.stdout.index("FLEXERIL"):]
    assert flexeril.index("UPHELD") < flexeril.index("acute exacerbation")
    assert "p. 63" in flexeril and "second-line option" in flexeril


@pytest.mark.parametrize(("fmt", "marker"), [("markdown", "# MTUS compliance check"), ("html", "<!doctype html>")])
def test_markdown_and_html_reports(fmt, marker, tmp_path):
    out = tmp_path / f"report.{fmt}"
    run = run_mtus("check", SEED, "--format", fmt, "-o", out)
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    assert text.startswith(marker)
    assert "FLEXERIL 7.5MG #60" in text and "not documented" in text.lower() or "not met" in text
    assert "Muscle relaxants (for pain)" in text and "p. 63" in text


def test_fail_on_deny_exits_1_when_an_item_is_predicted_upheld():
    assert run_mtus("check", SEED, "--fail-on-deny", "-f", "json").returncode == 1


@pytest.mark.parametrize(("fixture", "message"), [
    ("broken_yaml.yaml", "broken_yaml.yaml:5:3: invalid YAML: line 5 is indented 2 spaces like the list item on "
                         "line 3, but it is not a list item (hint: to add it to that item, indent it 4 spaces like "
                         "line 4;"),
    ("schema_violation.yaml", "schema_violation.yaml:5:20: pain.with_medication: 'eleven' is not of type 'number', "
                              "'null'"),
    ("unknown_field.yaml", "unknown_field.yaml:3:3: unknown field 'cures_check' in monitoring (hint: did you mean "
                           "'cures_checked'?)"),
    ("unknown_drug.yaml", "unknown_drug.yaml:5:11: unknown drug in request 'Zyxolam 15mg #30'"),
    ("not_a_mapping.yaml", "not_a_mapping.yaml:1:1: a case must be a mapping with case_id and requests"),
])
def test_bad_input_is_one_line_with_file_line_column_and_exit_2(fixture, message):
    run = run_mtus("check", BAD / fixture, "-f", "json")
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr
    assert message in lines[0]


def test_missing_file_and_bad_date():
    run = run_mtus("check", "no/such/case.yaml")
    assert run.returncode == 2 and run.stderr.strip() == "no/such/case.yaml: no such file"
    run = run_mtus("check", SEED, "--as-of", "2016-13-01")
    assert run.returncode == 2 and "--as-of: '2016-13-01' is not a date" in run.stderr


def test_a_batch_reports_bad_files_and_still_checks_the_rest():
    run = run_mtus("check", BAD / "broken_yaml.yaml", SEED, BAD / "unknown_drug.yaml", "-f", "json")
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 2
    doc = json.loads(run.stdout)
    assert [c["case_id"] for c in doc["cases"]] == ["000_98fed6c8c6e0f14b", "unknown-drug"]
    unknown = doc["cases"][1]["items"][1]
    assert unknown["predicted"] is None and "unknown drug" in unknown["note"]
    assert len(doc["errors"]) == 2


def test_never_overwrites_an_input(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(SEED.read_text())
    before = case.read_text()
    run = run_mtus("check", case, "-f", "html", "-o", case)
    assert run.returncode == 2 and "refusing to overwrite an input file" in run.stderr
    assert case.read_text() == before


def test_a_date_before_every_edition_uses_the_earliest_edition_for_every_class():
    # Before 2009-07-18 no edition is in force: each item gets its earliest edition's rule. The 2009
    # opioid edition has two rules (initiating, guarded, and on-going); the on-going one applies here.
    run = run_mtus("check", SEED, "--format", "json", "--as-of", "2008-01-01")
    assert run.returncode == 0, run.stderr
    norco, flexeril = json.loads(run.stdout)["cases"][0]["items"]
    assert flexeril["rule"] == "mtus.chronic-pain.muscle-relaxants"
    assert norco["rule"] == "mtus.chronic-pain.opioids" and norco["predicted"] == "overturned"


@pytest.mark.parametrize("where", ["folder", "under_a_file"])
def test_an_output_path_that_cannot_be_written_is_one_line_exit_2(tmp_path, where):
    blocker = tmp_path / "blocker"
    if where == "folder":
        blocker.mkdir()
        target, message = blocker, "is a folder; -o needs a file name"
    else:
        blocker.write_text("x")
        target, message = blocker / "report.txt", "cannot write: a parent is a file, not a folder"
    run = run_mtus("check", SEED, "-o", target)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [f"{target}: {message}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_a_written_report_has_the_usual_file_permissions(tmp_path):
    # Written through a private temporary file, the report still gets the mode open() would give it.
    out = tmp_path / "report.html"
    run = run_mtus("check", SEED, "-f", "html", "-o", out)
    assert run.returncode == 0, run.stderr
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_a_drug_given_in_the_case_gets_its_class_and_rule(tmp_path):
    # The text names no catalog drug (a typo), the case says which drug it is: the rule for its class applies.
    case = tmp_path / "given.yaml"
    case.write_text('case_id: given\nreport_date: "2015-06-01"\n'
                    'requests:\n  - {text: "Xanx 1mg #30", drug: alprazolam}\n  - {text: "Xanax 1mg #30"}\n')
    run = run_mtus("check", case, "-f", "json")
    assert run.returncode == 0, run.stderr
    given, parsed = json.loads(run.stdout)["cases"][0]["items"]
    assert (given["drug_class"], given["ingredients"], given["rule"]) == ("benzodiazepine", ["alprazolam"],
                                                                          parsed["rule"])
    assert given["rule"] == "mtus.chronic-pain.benzodiazepines"


def test_a_reader_that_goes_away_is_not_a_traceback():
    # `mtus check ... | head`: the pipe closes before the report is written.
    letters = sorted((ROOT / "cases" / "letters").glob("*.yaml"))
    proc = subprocess.Popen([sys.executable, "-m", "checker", "check", *map(str, letters), "-f", "json"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1 and "Traceback" not in stderr and stderr == ""


def test_an_item_the_mtus_is_silent_on_says_so_in_every_format():
    """Viagra (CM16-0221706): no prediction, coverage mtus_silent with the reason, what reviewers use, where one
    would look in the MTUS; the JSON validates against the result schema."""
    case = ROOT / "cases" / "letters" / "CM16-0221706.yaml"
    doc = json.loads(run_mtus("check", case, "--format", "json").stdout)
    jsonschema.validate(doc, json.loads((ROOT / "schemas" / "result.schema.json").read_text()))
    [item] = doc["cases"][0]["items"]
    assert (item["predicted"], item["coverage"], item["rule"]) == (None, "mtus_silent",
                                                                   "mtus.silent.erectile-dysfunction-drugs-2016")
    assert item["silent"]["citation"]["edition"] == "2016" and "UpToDate" in item["silent"]["reviewers_use"]
    for fmt in ("text", "markdown", "html"):
        out = run_mtus("check", case, "--format", fmt).stdout
        assert "MTUS SILENT" in out and "Looked for in: MTUS Chronic Pain" in out, fmt


def test_an_unknown_drug_and_an_unencoded_service_say_why_there_is_no_prediction(tmp_path):
    case = tmp_path / "c.yaml"
    case.write_text("case_id: X1\nreport_date: '2016-10-01'\nrequests:\n"
                    "  - text: Zorblax 20mg #30\n  - text: Functional capacity evaluation\n")
    doc = json.loads(run_mtus("check", case, "--format", "json").stdout)
    assert [(i["predicted"], i["coverage"]) for i in doc["cases"][0]["items"]] == [
        (None, "unrecognised"), (None, "not_encoded")]
