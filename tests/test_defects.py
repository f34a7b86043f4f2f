"""The defects a new user hit (issue 10, point 5), each held down by a test at the level the user met it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT, SEED_CASE, SEEDS_DIR, run_mtus

from checker.authoring.coverage import run_tests
from checker.rules.lint import validate
from checker.rules.ruleset import load_rules


def _readme_rule() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For clinical staff who author rules"):]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_o_report_html_writes_html_and_a_contradicting_format_is_refused(tmp_path: Path):
    page = tmp_path / "report.html"
    run = run_mtus("check", SEED_CASE, "-o", page)
    assert run.returncode == 1 or run.returncode == 0, run.stderr
    assert page.read_text().lstrip().lower().startswith("<!doctype html")
    data = tmp_path / "report.json"
    assert run_mtus("check", SEED_CASE, "-o", data).returncode in (0, 1)
    assert json.loads(data.read_text())["cases"]
    refused = run_mtus("check", SEED_CASE, "-f", "text", "-o", tmp_path / "other.html")
    assert refused.returncode == 2 and not (tmp_path / "other.html").exists()
    assert "the file name says html, but --format is text" in refused.stderr
    audit_page = tmp_path / "audit.html"
    audit = run_mtus("audit", SEED_CASE, "-o", audit_page)
    assert audit.returncode == 0, audit.stderr
    assert "<html" in audit_page.read_text().lower()


def test_piped_rules_facts_never_cuts_a_fact_name():
    run = run_mtus("rules", "facts", "request")
    assert run.returncode == 0
    names = [line.split("\t")[0] for line in run.stdout.splitlines()]
    assert "request.functional_improvement" in names and all("…" not in line for line in run.stdout.splitlines())
    assert all(len(line.split("\t")) == 3 for line in run.stdout.splitlines())


def test_fail_on_deny_fails_on_an_uncovered_item_unless_allowed(tmp_path: Path):
    case = tmp_path / "case.yaml"
    case.write_text('case_id: gate\nreport_date: "2016-11-01"\nrequests:\n  - text: "Functional capacity evaluation"\n')
    plain = run_mtus("check", case, "-f", "json")
    assert plain.returncode == 0 and json.loads(plain.stdout)["cases"][0]["items"][0]["predicted"] is None
    gate = run_mtus("check", case, "--fail-on-deny", "-f", "json")
    assert gate.returncode == 1 and "'Functional capacity evaluation' has no prediction" in gate.stderr
    allowed = run_mtus("check", case, "--fail-on-deny", "--allow-uncovered", "-f", "json")
    assert allowed.returncode == 0, allowed.stderr
    typer_path = run_mtus("check", case, "--fail-on-deny", "--allow-uncovered", "--format=json", "--as-of",
                          "2016-11-01", "-o", tmp_path / "x.json")
    assert typer_path.returncode == 0, typer_path.stderr


def test_a_failing_example_says_which_criterion_statuses_decided(tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yaml").write_text(_readme_rule().replace("expect: {predicted: upheld, criteria: {acute-exacerbation: "
                                                         "not_met}}", "expect: {predicted: overturned}"))
    run = run_mtus("rules", "test", rules)
    assert run.returncode == 1
    failure = next(line for line in run.stdout.splitlines() if "expected overturned" in line)
    assert failure.strip() == "predicted upheld, expected overturned: not met: acute-exacerbation; not documented: " \
                              "mr-short-course", failure


def test_check_and_ingest_take_folders_as_audit_does(tmp_path: Path):
    seeds = ROOT / "cases" / "seeds"  # the hand-encoded cases, and the letters they came from in text/
    cases = run_mtus("check", seeds, "-f", "json")
    assert cases.returncode == 0, cases.stderr
    assert len(json.loads(cases.stdout)["cases"]) == len([*seeds.glob("*.yaml"), *SEEDS_DIR.glob("*.txt")])
    letters = run_mtus("ingest", SEEDS_DIR, "-f", "json")
    assert letters.returncode == 0, letters.stderr
    assert len(json.loads(letters.stdout)["cases"]) == len(list(SEEDS_DIR.glob("*.txt")))
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in ("check", "ingest"):
        run = run_mtus(command, empty)
        assert run.returncode == 2 and f"{empty}: no " in run.stderr and "in this folder" in run.stderr


def test_the_readme_rule_validates_and_passes_its_example_as_written(tmp_path: Path):
    rule = _readme_rule()
    assert "criteria:" in rule and "rules:" in rule and "- use: " in rule
    path = tmp_path / "rules" / "example.yaml"
    path.parent.mkdir()
    path.write_text(rule, encoding="utf-8")
    assert validate(path).problems == []
    ruleset, _ = load_rules(path)
    report = run_tests(ruleset)
    assert report.results and not report.failed


def test_rules_list_names_every_rule_with_its_edition_and_scope():
    run = run_mtus("rules", "list")
    assert run.returncode == 0, run.stderr
    ruleset, _ = load_rules()
    rows = {line.split("\t")[0]: line.split("\t") for line in run.stdout.splitlines()}
    assert set(rows) == {r.id for r in ruleset.rules}
    row = rows["mtus.chronic-pain.muscle-relaxants"]
    assert row[1].endswith("2009") and "2009-07-18" in row[2] and "muscle_relaxant" in row[3]
