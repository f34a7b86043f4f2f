"""`mtus rules validate`: every check has a broken-rule fixture whose exact messages and positions are locked.

Each file in tests/fixtures/broken_rules/ starts with one ``# expect: LINE:COL: message (hint: ...)`` line per
problem validate must report for it, in order, and nothing else (semgrep-style annotations).
"""

from pathlib import Path

import pytest
from conftest import ROOT

from checker.authoring.coverage import reachable
from checker.rules.errors import where
from checker.rules.lint import validate
from checker.rules.model import parse_condition
from checker.rules.ruleset import load_rules

BROKEN = Path("tests/fixtures/broken_rules")
FIXTURES = sorted((ROOT / BROKEN).glob("*.yaml"))

# Every check of issue 6 (point 1) and of the loader, by fixture name.
REQUIRED = {
    "yaml-syntax", "schema-misspelled-key", "schema-wrong-type", "schema-nested-test", "unknown-fact",
    "unknown-fact-nested", "operator-type", "undefined-criterion", "duplicate-rule-id", "duplicate-criterion-id",
    "missing-citation", "unused-criterion", "overlapping-rules", "enum-value", "unknown-shared-criterion",
    "unknown-template-field", "example-criterion", "example-facts",
    "operand-type", "schema-decision-shape", "effective-dates", "request-comment", "edition-window",
    "unknown-condition", "condition-cycle", "unused-condition", "unknown-fact-in-condition",
}


def expectations(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# expect: "):
            break
        out.append(line.removeprefix("# expect: "))
    return out


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_every_check_has_a_fixture():
    assert {f.stem for f in FIXTURES} >= REQUIRED
    for f in FIXTURES:
        assert expectations(f), f"{f.name} has no '# expect:' line"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_broken_rule_reports_exact_message_and_position(fixture):
    relative = BROKEN / fixture.name
    problems = validate(relative).problems
    assert all(p.file == str(relative) for p in problems)
    got = [str(p).removeprefix(f"{relative}:") for p in problems]
    assert got == expectations(fixture)


def test_strict_loading_keeps_its_behaviour_and_authoring_checks_stay_in_validate():
    # The loader refuses what it cannot compile...
    with pytest.raises(Exception, match="unknown fact 'clinical.acute_exacerbaton'"):
        load_rules(BROKEN / "unknown-fact.yaml")
    # ...but an uncited or unused criterion still loads: those are review checks, reported by validate.
    ruleset, problems = load_rules(BROKEN / "unused-criterion.yaml")
    assert problems == [] and [r.id for r in ruleset.rules] == ["fixture.unused-criterion"]


def test_overlap_ignores_rules_told_apart_by_when_or_dates():
    problems = validate(BROKEN / "overlapping-rules.yaml").problems
    assert len(problems) == 1 and "fixture.overlap-guarded" not in problems[0].message
    # Same drug class, disjoint dates (2009 edition until 2016-07-27, the next from 2016-07-28): no overlap.
    assert not any("overlaps" in p.message for p in validate(BROKEN / "duplicate-rule-id.yaml").problems)


def test_problems_across_a_folder_come_sorted_by_file_then_line():
    problems = validate(BROKEN).problems
    keys = [(p.file, p.line or 0, p.column or 0) for p in problems]
    assert keys == sorted(keys)
    shown = {str(p) for p in problems}
    for f in FIXTURES:  # each file's own problems are all there (others come from rules of different files overlapping)
        for expected in expectations(f):
            if "first defined at line" not in expected and "is at line" not in expected:
                assert f"{BROKEN / f.name}:{expected}" in shown
    across = [p for p in problems if "overlaps" in p.message and p.file.endswith("enum-value.yaml")]
    assert across and across[0].hint.startswith("'fixture.") and ".yaml:" in across[0].hint


def test_repo_rules_load_without_loader_problems():
    _, problems = load_rules(strict=False)
    assert problems == [], "\n".join(map(str, problems))


def test_where_names_criteria_and_nested_tests():
    data = {"criteria": [{"id": "acute", "test": {"all": [{"not": {"fact": "x", "is": True}}]}}]}
    assert where(("criteria", 0, "test", "all", 0, "not", "is"), data) == "criterion 'acute' test.all[0].not.is"
    assert where(("source", "edition"), data) == "source.edition"


@pytest.mark.parametrize(("test", "statuses"), [
    ({"fact": "a", "is": True}, ["met", "not_met", "not_documented"]),
    ({"fact": "a", "documented": True}, ["met", "not_met"]),
    ({"not": {"fact": "a", "documented": True}}, ["met", "not_met"]),
    ({"all": [{"fact": "a", "documented": True}, {"fact": "b", "documented": False}]}, ["met", "not_met"]),
    ({"any": [{"fact": "a", "documented": True}, {"fact": "b", "is": True}]}, ["met", "not_met", "not_documented"]),
])
def test_reachable_statuses_follow_kleene_logic(test, statuses):
    assert reachable(parse_condition(test)) == statuses
    assert reachable(parse_condition(test), parse_condition({"fact": "c", "is": True})) == [*statuses, "not_applicable"]
