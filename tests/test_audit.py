"""`mtus audit`: statistics, the JSON contract, order with several jobs, bad inputs, formats, the run store."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import LETTERS_DIR, ROOT, SEEDS_DIR, run_mtus

from checker.audit.collect import clean_sections, iter_sources
from checker.audit.items import Row
from checker.audit.run import run_audit
from checker.audit.stats import AuditStats, Confusion
from checker.audit.writers import write_report

FIX = ROOT / "tests" / "fixtures" / "audit"
RULES = FIX / "rules"
CASES = FIX / "cases"
BAD = FIX / "bad"


def row(actual: str | None, predicted: str | None, rule: str | None = "r", profile=(("a", "met"),), **kw) -> Row:
    fields = {"case_id": "c", "index": 0, "request": "x", "source": None, "kind": "drug", "drug": "d",
              "drug_class": "k", "rule": rule, "sections": (), "specialty": None, "predicted": predicted,
              "actual": actual, "profile": profile, **kw}
    return Row(**fields)


def test_kappa_and_agreement_match_hand_computation():
    c = Confusion()
    for actual, predicted, n in [("upheld", "upheld", 20), ("upheld", "overturned", 5),
                                 ("overturned", "upheld", 10), ("overturned", "overturned", 15)]:
        for _ in range(n):
            c.add(row(actual, predicted))
    c.add(row(None, "upheld"))  # no actual: counted as an item, not compared
    c.add(row("upheld", None, rule=None))  # not covered: not compared
    assert (c.items, c.compared) == (52, 50)
    assert c.agreement == pytest.approx(0.7)
    # chance agreement = (25*30 + 25*20) / 50**2 = 0.5, so kappa = (0.7 - 0.5) / 0.5
    assert c.kappa == pytest.approx(0.4)
    assert c.matrix() == {"upheld": {"upheld": 20, "overturned": 5}, "overturned": {"upheld": 10, "overturned": 15}}
    assert c.overturned()["recall"] == pytest.approx(0.6)


def test_kappa_undefined_when_everything_is_one_outcome():
    c = Confusion()
    c.add(row("upheld", "upheld"))
    assert c.agreement == 1.0 and c.kappa is None
    assert Confusion().agreement is None and Confusion().kappa is None


def test_inconsistencies_group_same_profile_with_both_outcomes_only():
    stats = AuditStats(examples=1)
    same = (("flare", "not_met"), ("course", "not_documented"))
    stats.add(row("upheld", "upheld", profile=same, case_id="a"))
    stats.add(row("upheld", "upheld", profile=same, case_id="b"))
    stats.add(row("overturned", "upheld", profile=same, case_id="c"))
    stats.add(row("overturned", "overturned", profile=(("flare", "met"), ("course", "met")), case_id="d"))
    stats.add(row("upheld", "upheld", profile=same, rule="other", case_id="e"))
    groups = stats.inconsistencies()
    assert len(groups) == 1
    group = groups[0]
    assert group["rule"] == "r" and group["counts"] == {"upheld": 2, "overturned": 1}
    assert [i["case_id"] for i in group["items"]["upheld"]] == ["a"] and group["truncated"] is True


def test_breakdowns_split_sections_and_specialties():
    stats = AuditStats()
    stats.add(row("upheld", "upheld", sections=("Opioids", "Weaning"), specialty="Family Practice, Pain Medicine"))
    stats.add(row("upheld", "overturned"))
    b = stats.breakdowns_dict()
    assert set(b["section"]) == {"Opioids", "Weaning", "(none)"}
    assert set(b["specialty"]) == {"Family Practice", "Pain Medicine", "(unknown)"}
    assert b["section"]["Opioids"]["agreement"] == 1.0


def test_clean_sections_drops_noise():
    noisy = ["Summary", "Section(s): Facet blocks", "pg. 607", "3rd ed", "Opioids", "Opioids", "326",
             "Chronic Pain Medical Treatment 2016", "accessed from UpToDate.com on 12/17/2016"]
    assert clean_sections(noisy) == ["Facet blocks", "Opioids"]


def test_sources_are_lazy_sorted_and_skip_other_files(tmp_path):
    sources = list(iter_sources([CASES, tmp_path / "missing.yaml", FIX / "rules" / "muscle-relaxants.yaml"]))
    names = [Path(s.path).name for s in sources]
    assert names[:4] == ["c1.yaml", "c2.yaml", "c3.yaml", "c4.json"]  # notes.md skipped, folder order by name
    assert [s.kind for s in sources[4:]] == ["bad", "case"]
    assert iter(iter_sources([CASES])) is not None


def _audit(jobs: int = 1, paths=(CASES, BAD), **kw):
    return run_audit(list(paths), rules_path=RULES, jobs=jobs, chunk=1, **kw)


def _json(result) -> dict:
    out = io.StringIO()
    write_report(result, "json", out)
    return json.loads(out.getvalue())


def test_json_contract_and_figures():
    result = _audit()
    doc = _json(result)
    s = doc["summary"]
    assert (s["items"], s["compared"], s["agreement"], s["kappa"]) == (7, 4, 0.75, 0.5)
    assert s["confusion"] == {"upheld": {"upheld": 2, "overturned": 0}, "overturned": {"upheld": 1, "overturned": 1}}
    assert s["overturned"]["caught"] == 1 and s["overturned"]["actual"] == 2
    # every item, in input order then letter order, with the contract's keys
    assert [(i["case_id"], i["index"]) for i in doc["items"]] == [
        ("C1", 0), ("C1", 1), ("C2", 0), ("C3", 0), ("C4", 0), ("C5", 0), ("C5", 1)]
    for item in doc["items"]:
        assert {"case_id", "request", "kind", "drug", "predicted", "actual", "criteria"} <= set(item)
    not_covered = [i for i in doc["items"] if i["predicted"] is None]
    assert [i["request"] for i in not_covered] == ["Physical therapy x6", "Norco 10/325mg #120"]
    assert doc["ruleset"]["hash"] and doc["ruleset"]["version"]
    assert [i["coverage"] for i in not_covered] == ["not_encoded", "not_encoded"]
    assert all(i["coverage"] is None for i in doc["items"] if i["predicted"] is not None)
    assert doc["coverage"]["by_kind"]["service"] == {"items": 1, "covered": 0, "not_covered": 1, "predicted": 0,
                                                     "mtus_silent": 0, "not_encoded": 1, "unrecognised": 0}
    assert doc["coverage"]["uncovered_drugs"] == {"hydrocodone": 1}


def test_disagreements_carry_deciding_criteria_and_the_letter_sentences():
    doc = _json(_audit())
    [d] = doc["disagreements"]
    assert (d["case_id"], d["predicted"], d["actual"]) == ("C3", "upheld", "overturned")
    evidence = {c["id"]: c["evidence"] for c in d["deciding"]}
    assert evidence == {"flare": ["The patient is not being treated for an acute exacerbation."],
                        "first-course": ["He has taken cyclobenzaprine since 2014."]}  # not request 1's sentence
    [group] = doc["inconsistencies"]
    assert group["counts"] == {"upheld": 2, "overturned": 1}
    assert {i["case_id"] for i in group["items"]["upheld"]} == {"C2", "C5"}


def test_bad_inputs_are_listed_and_the_audit_goes_on():
    doc = _json(_audit())
    errors = {Path(e["file"]).name: e for e in doc["errors"]}
    assert set(errors) == {"broken.yaml", "no_requests.yaml"}
    assert errors["broken.yaml"]["line"] == 4 and "invalid YAML" in errors["broken.yaml"]["reason"]
    assert "requests" in errors["no_requests.yaml"]["reason"]
    assert doc["summary"]["files"] == 6 and doc["summary"]["items"] == 7


def test_two_jobs_give_the_same_report_in_the_same_order():
    one, two = _json(_audit(jobs=1)), _json(_audit(jobs=2))
    for doc in (one, two):
        for key in ("started", "finished"):
            doc.pop(key)
    assert one == two


def test_csv_has_one_row_per_item():
    out = io.StringIO()
    write_report(_audit(), "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 7
    assert rows[3]["case_id"] == "C3" and rows[3]["agree"] == "no" and rows[3]["deciding"] == "flare; first-course"
    assert rows[3]["criteria"] == "flare=not_met; first-course=not_met"


def test_text_report_names_figures_inconsistencies_and_evidence():
    out = io.StringIO()
    write_report(_audit(), "text", out)
    text = out.getvalue()
    assert "75.0%" in text and "0.500" in text
    assert "Inconsistencies (1)" in text and "Disagreements (1)" in text
    assert "He has taken cyclobenzaprine since 2014." in text
    assert "broken.yaml:4:1" in text


def test_cli_exit_codes_and_stdout():
    ok = run_mtus("audit", CASES, "--rules", RULES, "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["summary"]["items"] == 7
    assert ok.stderr == ""  # no progress bar when piped
    bad = run_mtus("audit", CASES, BAD, "--rules", RULES, "--format", "csv")
    assert bad.returncode == 2
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(str(BAD / "broken.yaml") + ":4:1: invalid YAML")
    assert "Traceback" not in bad.stderr and bad.stdout.count("\n") == 8  # header + 7 items still written


def test_cli_writes_output_atomically_and_never_over_an_input(tmp_path):
    target = tmp_path / "report.html"
    done = run_mtus("audit", CASES, "--rules", RULES, "--format", "html", "-o", target)
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith("<!doctype html>") and not list(tmp_path.glob(".*.tmp"))
    case = tmp_path / "c1.yaml"
    case.write_text((CASES / "c1.yaml").read_text())
    refused = run_mtus("audit", case, "--rules", RULES, "-o", case)
    assert refused.returncode == 2 and "refusing to overwrite" in refused.stderr
    assert case.read_text() == (CASES / "c1.yaml").read_text()


def test_store_records_runs_and_diff_lists_changed_predictions(tmp_path):
    db = tmp_path / "audits.db"
    first = run_mtus("audit", CASES, "--rules", RULES, "--db", db, "--format", "json")
    assert first.returncode == 0 and "audit run 1 recorded" in first.stderr
    assert json.loads(first.stdout)["run_id"] == 1
    # A rule edit: the flare criterion alone decides now.
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (RULES / "muscle-relaxants.yaml").read_text()
    (rules / "muscle-relaxants.yaml").write_text(text.replace("decision: {all: [flare, first-course]}",
                                                              "decision: {any: [flare, first-course]}"))
    second = run_mtus("audit", CASES, "--rules", rules, "--db", db, "--format", "json", "--jobs", "2")
    assert second.returncode == 0 and "audit run 2 recorded" in second.stderr
    with sqlite3.connect(db) as con:
        runs = con.execute("SELECT id, rules_hash, items, finished IS NOT NULL FROM runs ORDER BY id").fetchall()
        assert [r[2] for r in runs] == [7, 7] and runs[0][1] != runs[1][1] and all(r[3] for r in runs)
    diff = run_mtus("audit", "diff", "1", "2", "--db", db, "--format", "json")
    assert diff.returncode == 0, diff.stderr
    changed = json.loads(diff.stdout)["changed"]
    # C5's Flexeril is a first course without a flare: upheld under all(), overturned under any().
    assert [(c["case_id"], c["index"], c["predicted"]["before"], c["predicted"]["after"]) for c in changed] == [
        ("C5", 1, "upheld", "overturned")]
    text_diff = run_mtus("audit", "diff", "1", "2", "--db", db)
    assert "C5 #2 Flexeril 5mg #30: upheld -> overturned" in text_diff.stdout
    assert "1 items changed prediction" in text_diff.stdout
    listing = run_mtus("audit", "runs", "--db", db)
    assert listing.returncode == 0 and len(listing.stdout.strip().splitlines()) == 2


def test_diff_bad_database_or_run_is_one_line_and_exit_2(tmp_path):
    missing = run_mtus("audit", "diff", "1", "2", "--db", tmp_path / "none.db")
    assert missing.returncode == 2 and "no such audit database" in missing.stderr
    db = tmp_path / "a.db"
    assert run_mtus("audit", CASES / "c1.yaml", "--rules", RULES, "--db", db).returncode == 0
    unknown = run_mtus("audit", "diff", "1", "9", "--db", db)
    assert unknown.returncode == 2 and "no audit run 9" in unknown.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_audit_paths_and_audit_run_are_the_same_command():
    seeds = run_mtus("audit", "cases/seeds", "--rules", RULES, "--format", "json")
    assert seeds.returncode == 0, seeds.stderr
    assert json.loads(seeds.stdout)["summary"]["items"] >= 1
    implicit = run_mtus("audit", CASES / "c2.yaml", "--rules", RULES, "--format", "json")
    explicit = run_mtus("audit", "run", CASES / "c2.yaml", "--rules", RULES, "--format", "json")
    assert implicit.returncode == explicit.returncode == 0
    assert json.loads(implicit.stdout)["items"] == json.loads(explicit.stdout)["items"]




def test_real_letters_end_to_end_with_actual_outcomes_from_the_letters():
    letters = sorted((LETTERS_DIR).glob("*.pdf"))[:12]
    result = run_audit([*letters, SEEDS_DIR], jobs=2, chunk=2)
    doc = _json(result)
    assert doc["errors"] == []
    expected: dict[str, list[str]] = {}
    for line in (LETTERS_DIR / "outcomes.tsv").read_text().splitlines()[1:]:
        letter, _item, _kind, _cls, outcome = line.split("\t")
        expected.setdefault(letter, []).append(outcome)
    got: dict[str, list[str]] = {}
    for item in doc["items"]:
        got.setdefault(Path(item["source"]).stem, []).append(item["actual"])
        assert item["actual"] in ("upheld", "overturned")
    for letter in letters:
        assert got[letter.stem] == expected[letter.stem], letter.name
    assert len(got) == len(letters) + 5  # the five seed letters too
    assert any(item["sections"] for item in doc["items"]) and any(item["reviewer_specialty"] for item in doc["items"])
    assert doc["summary"]["items"] == len(doc["items"]) and doc["summary"]["cases"] == len(letters) + 5


def test_cli_output_that_cannot_be_written_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    run = run_mtus("audit", CASES, "--rules", RULES, "-o", blocker / "report.json")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    message = "cannot write: a parent is a file, not a folder"
    assert run.stderr.strip().splitlines() == [f"{blocker / 'report.json'}: {message}"]


def test_cli_never_writes_over_a_case_file_inside_an_input_folder(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    case = folder / "c1.yaml"
    case.write_text((CASES / "c1.yaml").read_text())
    refused = run_mtus("audit", folder, "--rules", RULES, "-f", "json", "-o", case)
    assert refused.returncode == 2 and refused.stderr.strip() == f"{case}: refusing to overwrite an input file"
    assert case.read_text() == (CASES / "c1.yaml").read_text()
    # A new file, or one the audit does not read (another suffix, hidden), may be written there.
    for name in ("report.out", ".report.json", "report.json"):
        done = run_mtus("audit", folder, "--rules", RULES, "-f", "json", "-o", folder / name)
        assert done.returncode == 0, done.stderr


def test_cli_an_input_folder_without_letters_or_cases_is_a_bad_input(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("not an input")
    run = run_mtus("audit", empty, "--rules", RULES, "-f", "json")
    assert run.returncode == 2
    assert run.stderr.strip() == f"{empty}: no letters (.pdf, .txt) or case files (.yaml, .yml, .json) in this folder"
    doc = json.loads(run.stdout)
    assert doc["summary"]["items"] == 0 and [e["file"] for e in doc["errors"]] == [str(empty)]
    both = run_mtus("audit", CASES, empty, "--rules", RULES, "-f", "json")
    assert both.returncode == 2 and json.loads(both.stdout)["summary"]["items"] > 0


def test_a_silent_item_counts_as_covered_without_a_prediction_apart_from_not_encoded():
    """The real letter CM16-0221706 (Viagra, one drug item): MTUS silent, counted as covered, never compared."""
    doc = _json(run_audit([LETTERS_DIR / "CM16-0221706.pdf"], jobs=1))
    [item] = [i for i in doc["items"] if i["kind"] == "drug"]
    assert (item["predicted"], item["coverage"]) == (None, "mtus_silent")
    drug = doc["coverage"]["by_kind"]["drug"]
    assert drug == {"items": 1, "covered": 1, "not_covered": 0, "predicted": 0, "mtus_silent": 1, "not_encoded": 0,
                    "unrecognised": 0}
    assert doc["summary"]["mtus_silent"] == 1 and doc["summary"]["compared"] == 0
    assert doc["inconsistencies"] == [] and doc["disagreements"] == []


def test_a_case_id_in_two_inputs_is_warned_about_and_never_a_phantom_change(tmp_path):
    """A letter and the case encoded from it carry one case id: two items, matched to themselves across runs."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "a.yaml").write_text((CASES / "c1.yaml").read_text())
    # the same case id and request, other facts: a different prediction
    (inputs / "b.yaml").write_text((CASES / "c1.yaml").read_text().replace("acute_exacerbation: true",
                                                                          "acute_exacerbation: false"))
    db = tmp_path / "runs.db"
    for _ in range(2):
        run = run_mtus("audit", inputs, "--rules", RULES, "--db", db, "--format", "json")
        assert run.returncode == 0, run.stderr
        assert "case C1 is also in" in run.stderr and "b.yaml" in run.stderr
        warnings = json.loads(run.stdout)["input_warnings"]
        assert [w["code"] for w in warnings] == ["duplicate-case-id"]
    predictions = {i["source"]: i["predicted"] for i in json.loads(run.stdout)["items"] if i["index"] == 0}
    assert len(set(predictions.values())) == 2, "the two inputs must predict differently for this test to mean much"
    diff = run_mtus("audit", "diff", "1", "2", "--db", db, "--format", "json")
    assert diff.returncode == 0, diff.stderr
    doc = json.loads(diff.stdout)
    assert doc["changed"] == [] and doc["only_in_a"] == doc["only_in_b"] == 0, doc
