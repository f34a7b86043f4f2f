"""`mtus rules validate|test|docs|show|facts` through the CLI (CliRunner; one subprocess for the real exit path)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from checker.cli.commands import app
from checker.facts.vocabulary import vocabulary
from checker.rules.ruleset import load_rules

BROKEN = ROOT / "tests" / "fixtures" / "broken_rules"
runner = CliRunner()

RULE = """\
id: demo.muscle-relaxants
title: Demo muscle relaxants
source: {guideline: MTUS Chronic Pain Medical Treatment Guidelines, edition: "2009", pages: "63-66"}
effective: {from: "2009-07-18"}
applies_to: {drug_class: muscle_relaxant}
criteria:
  - id: acute-flare
    text: Prescribed for an acute exacerbation
    cite: {pages: "63", quote: "short-term treatment of acute exacerbations"}
    test: {fact: clinical.acute_exacerbation, is: true}
  - id: short-course
    text: At most 3 weeks
    cite: {pages: "63-64"}
    when: {fact: request.continuing, is: true}
    test: {fact: request.weeks_of_use, at_most: 3}
decision: {all: [acute-flare, {not: {not: short-course}}]}
examples:
  - name: a flare
    facts: {report_date: "2015-06-01", clinical: {acute_exacerbation: true}}
    request: {text: "Cyclobenzaprine 7.5mg #21", continuing: false}
    expect: {predicted: overturned, criteria: {acute-flare: met, short-course: not_applicable}}
  - name: no flare
    facts: {report_date: "2015-06-01", clinical: {acute_exacerbation: false}}
    request: {text: "Cyclobenzaprine 7.5mg #21", continuing: false}
    expect: {predicted: upheld, criteria: {acute-flare: not_met}}
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "rules" / "demo.yaml"
    path.parent.mkdir()
    path.write_text(RULE, encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_validate_prints_position_and_hint_and_exits_2(monkeypatch):
    monkeypatch.chdir(ROOT)  # files under the working folder are shown relative to it, as typed
    result = invoke("rules", "validate", str(BROKEN / "unknown-fact-nested.yaml"))
    assert result.exit_code == 2
    assert "tests/fixtures/broken_rules/unknown-fact-nested.yaml:16:23: unknown fact 'request.pain_relef_percent' " \
           "(hint: did you mean 'request.pain_relief_percent'?)" in result.stdout
    assert re.search(r"1 problem in 1 files \(rules \S+ #[0-9a-f]{12}\)", result.stderr)


def test_validate_clean_rules_prints_provenance(demo):
    ruleset, _ = load_rules(demo)
    result = invoke("rules", "validate", str(demo))
    assert result.exit_code == 0, result.stdout
    assert f"1 rules in 1 files: no problems (rules {ruleset.version} #{ruleset.hash})" in result.stdout


def test_validate_through_the_console_script_is_one_line_per_problem_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "checker", "rules", "validate", str(BROKEN / "yaml-syntax.yaml")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stdout.strip() == "tests/fixtures/broken_rules/yaml-syntax.yaml:7:9: invalid YAML: expected ',' " \
        "or ']', but got ':' (hint: the list '[' opened at line 6, column 11 is not closed)"
    assert "Traceback" not in proc.stderr


def test_missing_path_is_one_line_exit_2(tmp_path):
    result = invoke("rules", "validate", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'nope'}: no such file or folder"


def test_rules_test_reports_examples_coverage_and_provenance(demo):
    result = invoke("rules", "test", str(demo), "--format", "json")
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout)
    assert doc["summary"] == {"rules": 1, "examples": 2, "passed": 2, "failed": 0, "coverage": 42.9,
                              "pairs_exercised": 3, "pairs_reachable": 7}
    rows = {c["criterion"]: c for c in doc["coverage"]}
    assert rows["acute-flare"]["reachable"] == ["met", "not_met", "not_documented"]
    assert rows["acute-flare"]["missing"] == ["not_documented"]
    assert rows["short-course"]["exercised"] == {"not_applicable": 2}
    assert rows["short-course"]["asserted"] == ["not_applicable"]
    assert doc["ruleset"]["hash"] == load_rules(demo)[0].hash

    text = invoke("rules", "test", str(demo), "-v")
    assert text.exit_code == 0
    assert "PASS demo.muscle-relaxants :: a flare" in text.stdout
    assert "2/2 examples passed in 1 rules; coverage 42.9% (3/7 criterion statuses)" in text.stdout
    assert re.search(r"rules \S+ #[0-9a-f]{12}", text.stdout)


def test_min_coverage_fails_under_the_threshold(demo):
    assert invoke("rules", "test", str(demo), "--min-coverage", "42").exit_code == 0
    result = invoke("rules", "test", str(demo), "--min-coverage", "50")
    assert result.exit_code == 1
    assert "coverage 42.9% is under --min-coverage 50%" in result.stderr


def test_failing_example_shows_the_mismatch_and_exits_1(demo):
    demo.write_text(RULE.replace("expect: {predicted: upheld, criteria: {acute-flare: not_met}}",
                                 "expect: {predicted: overturned, criteria: {acute-flare: met}}"), encoding="utf-8")
    result = invoke("rules", "test", str(demo))
    assert result.exit_code == 1
    assert "FAIL demo.muscle-relaxants :: no flare" in result.stdout
    assert "predicted upheld, expected overturned" in result.stdout
    assert "acute-flare: not_met, expected met" in result.stdout
    doc = json.loads(invoke("rules", "test", str(demo), "-f", "json").stdout)
    failed = [e for e in doc["examples"] if not e["passed"]]
    assert [(e["name"], e["line"]) for e in failed] == [("no flare", 22)]


def test_rule_filter_runs_only_matching_rules_and_rejects_unknown(demo):
    doc = json.loads(invoke("rules", "test", str(demo), "-f", "json", "--rule", "muscle").stdout)
    assert doc["summary"]["rules"] == 1 and doc["summary"]["examples"] == 2
    result = invoke("rules", "test", str(demo), "--rule", "demo.muscle-relaxant-x")
    assert result.exit_code == 2 and "no rule with id 'demo.muscle-relaxant-x'" in result.stderr


def test_repo_rules_examples_pass():
    result = invoke("rules", "test", "--format", "json")
    assert result.exit_code == 0, result.stdout
    summary = json.loads(result.stdout)["summary"]
    assert summary["failed"] == 0 and summary["examples"] > 0 and 0 < summary["coverage"] <= 100


def test_docs_contain_every_rule_and_criterion_id(tmp_path):
    ruleset, _ = load_rules()
    out = tmp_path / "book"
    result = invoke("rules", "docs", "-o", str(out))
    assert result.exit_code == 0, result.stdout
    index_html, index_md = (out / "index.html").read_text(), (out / "index.md").read_text()
    assert "<link" not in index_html and "<script" not in index_html and "<style>" in index_html
    for rule in ruleset.rules:
        assert rule.id in index_html and rule.id in index_md
        page_html = (out / "rules" / f"{rule.id}.html").read_text()
        page_md = (out / "rules" / f"{rule.id}.md").read_text()
        assert f"href='rules/{rule.id}.html'" in index_html and f"(rules/{rule.id}.md)" in index_md
        for crit in rule.criteria:
            assert f"id='{crit.id}'" in page_html and f"`{crit.id}`" in page_md
        for example in rule.examples:
            assert example.name in page_md
        assert ruleset.hash in page_html and ruleset.hash in page_md
    facts = (out / "facts.md").read_text()
    assert all(f"`{path}`" in facts for path in vocabulary())


def test_docs_page_reads_the_decision_and_tests(demo, tmp_path):
    out = tmp_path / "book"
    assert invoke("rules", "docs", str(demo), "-o", str(out)).exit_code == 0
    page = (out / "rules" / "demo.muscle-relaxants.md").read_text()
    assert "- ALL of:\n  - acute-flare: Prescribed for an acute exacerbation\n  - NOT\n    - NOT\n" \
           "      - short-course: At most 3 weeks" in page
    assert "**Applies when:**\n\n- request.continuing is true" in page
    assert "- request.weeks_of_use ≤ 3" in page
    assert "**In force:** from 2009-07-18 to 2016-07-27" in page  # a rule ends with its edition (editions.yaml)
    assert "> short-term treatment of acute exacerbations" in page
    html = (out / "rules" / "demo.muscle-relaxants.html").read_text()
    assert "<li>request.weeks_of_use ≤ 3</li>" in html and "expected <strong class=upheld>upheld</strong>" in html


def test_show_prints_the_rule_tree(demo):
    result = invoke("rules", "show", "demo.muscle-relaxants", "--rules", str(demo))
    assert result.exit_code == 0, result.stdout
    for text in ("demo.muscle-relaxants  Demo muscle relaxants", "effective: from 2009-07-18 to 2016-07-27",
                 "applies to: drug class muscle_relaxant", "test: clinical.acute_exacerbation is true",
                 "applies when: request.continuing is true", "test: request.weeks_of_use ≤ 3",
                 "decision (overturned when true): ALL of", "a flare  Cyclobenzaprine 7.5mg #21 → overturned"):
        assert text in result.stdout, text


def test_show_unknown_id_is_one_line_with_did_you_mean(demo):
    result = invoke("rules", "show", "demo.muscle-relaxant", "--rules", str(demo))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{demo}: no rule with id 'demo.muscle-relaxant' " \
                                    "(hint: did you mean 'demo.muscle-relaxants'?)"


def test_facts_lists_the_vocabulary():
    result = invoke("rules", "facts", "weeks_of_use")
    assert result.exit_code == 0
    assert "request.weeks_of_use" in result.stdout and "clinical.acute_exacerbation" not in result.stdout


def test_check_output_carries_the_ruleset_provenance_in_every_format(demo, tmp_path):
    ruleset, _ = load_rules(demo)
    case = tmp_path / "case.yaml"
    case.write_text('case_id: "1"\nreport_date: "2015-06-01"\nrequests: [{text: "Flexeril 7.5mg #60"}]\n',
                    encoding="utf-8")
    outputs = {fmt: invoke("check", str(case), "--rules", str(demo), "--format", fmt) for fmt in
               ("json", "text", "markdown", "html")}
    assert all(r.exit_code == 0 for r in outputs.values()), {f: r.stdout for f, r in outputs.items()}
    assert json.loads(outputs["json"].stdout)["ruleset"] == {"version": ruleset.version, "hash": ruleset.hash}
    for fmt in ("text", "markdown", "html"):
        assert ruleset.hash in outputs[fmt].stdout, fmt


def test_ruleset_hash_covers_the_rule_files_and_the_drug_catalog(demo, tmp_path, monkeypatch):
    import checker.rules.ruleset

    before = load_rules(demo)[0].hash
    demo.write_text(RULE.replace("At most 3 weeks", "At most three weeks"), encoding="utf-8")
    edited = load_rules(demo)[0].hash
    assert edited != before
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "drugs.yaml").write_text("# another catalog\n", encoding="utf-8")
    monkeypatch.setattr(checker.rules.ruleset, "RULES_DIR", catalog)
    assert load_rules(demo)[0].hash != edited
