"""Problems carry a stable code and a severity; a file's problems come all at once, in words a user reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_mtus

from checker.core.codes import CODES, Severity
from checker.core.errors import InputError
from checker.core.yaml_words import in_words
from checker.core.yamlpos import loads
from checker.facts.cases import load_cases
from checker.rules.lint import validate

BROKEN = FIXTURES / "broken_rules"


@pytest.mark.parametrize("fixture", sorted(BROKEN.glob("*.yaml")), ids=lambda f: f.stem)
def test_every_rule_problem_has_a_registered_code_and_a_fixture_named_for_a_code_shows_it(fixture: Path):
    problems = validate(fixture).problems
    assert problems and all(p.code in CODES for p in problems), [p.code for p in problems]
    if fixture.stem in CODES:
        assert fixture.stem in {p.code for p in problems}


def test_every_bad_case_problem_has_a_registered_code():
    run = run_mtus("check", *sorted((FIXTURES / "bad_cases").glob("*.yaml")), "-f", "json")
    assert run.returncode == 2
    for fixture in sorted((FIXTURES / "bad_cases").glob("*.yaml")):
        try:
            load_cases(fixture)
        except InputError as exc:
            assert all(p.code in CODES for p in exc.problems), fixture


def test_a_typo_in_one_criterion_hides_none_of_the_other_problems():
    fixture = BROKEN / "all-problems-at-once.yaml"
    codes = [p.code for p in validate(fixture).problems]
    assert codes == ["schema-unknown-field", "unknown-fact", "missing-citation", "unused-criterion",
                     "operator-type", "undefined-criterion"]


def test_validate_json_lists_every_problem_with_code_and_severity(monkeypatch):
    run = run_mtus("rules", "validate", "tests/fixtures/broken_rules/all-problems-at-once.yaml", "--format", "json")
    assert run.returncode == 2, run.stderr
    doc = json.loads(run.stdout)
    assert doc["errors"] == 6 and doc["warnings"] == 0 and doc["rules"] == 0
    first = doc["problems"][0]
    assert first == {"file": "tests/fixtures/broken_rules/all-problems-at-once.yaml", "line": 16, "column": 9,
                     "code": "schema-unknown-field", "severity": "error",
                     "message": "rule 'fixture.all-problems-at-once' criterion 'spasm': unknown field 'tset'",
                     "hint": "did you mean 'test'?"}
    good = run_mtus("rules", "validate", "--format", "json")
    assert good.returncode == 0 and json.loads(good.stdout)["problems"] == []


def test_severities_come_from_the_one_registry():
    assert {c.severity for c in CODES.values()} == {Severity.ERROR, Severity.WARNING}
    assert CODES["duplicate-case-id"].severity is Severity.WARNING


CASE = """\
case_id: many-problems
report_date: "2016-11-01"
injury:
  date: "2016/03/04"
  phse: chronic
monitoring:
  cures_check: true
pain:
  with_medication: eleven
requests:
  - text: "Norco 10/325mg #120"
"""


def test_a_case_file_reports_every_problem_at_once_in_words(tmp_path: Path):
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    run = run_mtus("check", case, "-f", "json")
    assert run.returncode == 2
    lines = [line.removeprefix(f"{case}:") for line in run.stderr.strip().splitlines()]
    assert lines[0] == "4:9: injury.date: '2016/03/04' is not a date (hint: write dates as YYYY-MM-DD, e.g. 2016-11-01)"
    # derived fields (injury.phase is computed) are never offered as a fix
    assert lines[1].startswith("5:3: unknown field 'phse' in injury (hint: known fields: body_parts, date, mechanism)")
    assert lines[2] == "7:3: unknown field 'cures_check' in monitoring (hint: did you mean 'cures_checked'?)"
    assert lines[3].startswith("9:20: pain.with_medication: 'eleven' is not of type 'number'")
    assert len(lines) == 4


def test_an_injury_after_the_report_is_an_error(tmp_path: Path):
    case = tmp_path / "case.yaml"
    case.write_text(CASE.replace('"2016/03/04"', '"2017-03-04"').replace("  phse: chronic\n", "")
                    .replace("monitoring:\n  cures_check: true\npain:\n  with_medication: eleven\n", ""))
    run = run_mtus("check", case, "-f", "json")
    assert run.returncode == 2
    assert run.stderr.strip() == (f"{case}:4:9: injury.date 2017-03-04 is after the report date 2016-11-01 "
                                  "(hint: check the year: an injury cannot follow the report that describes it)")
    with pytest.raises(InputError) as caught:
        load_cases(case)
    assert caught.value.problem.code == "injury-after-report"
    for name, text in (("case.json", json.dumps(yaml.safe_load(case.read_text()))), ("case.yaml", case.read_text())):
        folder = tmp_path / name.replace(".", "-")
        folder.mkdir()
        (folder / name).write_text(text)
        audit = run_mtus("audit", folder, "-f", "json", "-o", tmp_path / f"{name}-report.json")
        assert audit.returncode == 2, f"audit accepted {name} with an injury after its report"
        assert "injury.date 2017-03-04 is after the report date 2016-11-01" in audit.stderr


@pytest.mark.parametrize(("text", "message"), [
    ("case_id: x\nreport_date: '2016-01-01'\n  pain: 5\n",
     "3:3: invalid YAML: line 3 is indented more than line 2 ('report_date: '2016-01-01''), which already has its "
     "value (hint: indent it 0 spaces like line 2, or write line 2 as a key ending in ':' with this under it)"),
    ("case_id: x\npain:\n    current: 5\n  with_medication: 3\n",
     "4:3: invalid YAML: line 4 is indented 2 spaces, but the lines it could belong to are indented 4 (line 3) and "
     "0 (line 2)"),
    ("case_id: x\npain:\n\tcurrent: 5\n", "3:1: invalid YAML: line 3 is indented with a tab; YAML indents with "
     "spaces only (hint: replace the tab with spaces)"),
])
def test_a_broken_indent_is_explained_in_words(text: str, message: str):
    with pytest.raises(InputError) as caught:
        loads(text, "f.yaml")
    problem = in_words(caught.value.problem, text)
    assert str(problem).removeprefix("f.yaml:").startswith(message)
    assert problem.code == "yaml-indent" and "block" not in problem.message


def test_the_registry_is_the_only_source_of_codes():
    """Every code the library writes is in the registry (a typo would be a code nobody can look up)."""
    import re

    written = set()
    for path in (ROOT / "checker").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'code="([a-z-]+)"', text))
        written |= set(re.findall(r'(?:\.add|\.problem)\(\s*"([a-z-]+)"', text))
        written |= set(re.findall(r'"(schema-[a-z-]+)"', text))
    assert written and written <= set(CODES), written - set(CODES)
