"""The rule-file cache never changes a result: hits equal fresh parses, corrupt entries are misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.engine.evaluate import evaluate_item
from checker.rules import cache
from checker.rules.ruleset import load_rules, rule_files


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("MTUS_CACHE", "1")
    return tmp_path / "mtus-checker"


def _summary(ruleset) -> list:
    return [(r.id, r.title, r.source, r.description, r.decision_tree, r.when_condition, r.examples,
             [(c.id, c.file, c.line, c.text, c.citation, c.test_condition, c.when_condition) for c in r.criteria],
             r.line) for r in ruleset.rules]


def test_a_hit_gives_what_parsing_gives(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTUS_CACHE", "0")
    fresh, _ = load_rules(strict=False)
    assert not cache_home.exists()
    monkeypatch.setenv("MTUS_CACHE", "1")
    first, _ = load_rules(strict=False)  # fills the cache
    entries = list((cache_home / "rules").glob("*.marshal"))
    assert entries
    second, _ = load_rules(strict=False)  # reads it
    assert _summary(fresh) == _summary(first) == _summary(second)
    facts = {"request.drug": "cyclobenzaprine", "clinical.acute_exacerbation": True, "request.weeks_of_use": 1.0}
    for a, b in zip(fresh.rules, second.rules, strict=True):
        assert evaluate_item(a, facts)[:2] == evaluate_item(b, facts)[:2]


def test_a_corrupt_or_truncated_entry_is_a_miss(cache_home: Path) -> None:
    expected = _summary(load_rules(strict=False)[0])
    entries = sorted((cache_home / "rules").glob("*.marshal"))
    entries[0].write_bytes(b"\x00garbage")
    entries[1].write_bytes(entries[1].read_bytes()[:10])
    if len(entries) > 2:
        entries[2].write_bytes(b"")
    assert _summary(load_rules(strict=False)[0]) == expected
    assert _summary(load_rules(strict=False)[0]) == expected  # rewritten entries


def test_an_unwritable_cache_dir_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setenv("MTUS_CACHE", "1")
    assert load_rules(strict=False)[0].rules


def test_an_edited_file_misses(cache_home: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    source = next(f for f in rule_files() if "muscle" in f.name)
    target = rules / source.name
    target.write_bytes(source.read_bytes())
    for shared in rule_files():
        if "shared" in shared.parts:
            (rules / shared.name).write_bytes(shared.read_bytes())
    load_rules(rules, strict=False)
    target.write_text(target.read_text().replace("title: Muscle relaxants (for pain)\n",
                                                 "title: Muscle relaxants, edited\n", 1))
    titles = [r.title for r in load_rules(rules, strict=False)[0].rules]
    assert "Muscle relaxants, edited" in titles


def test_get_and_put_round_trip(cache_home: Path) -> None:
    value = ({"a": [1, 2.5, None, True, "x"]}, {("a", 0): (1, 2), ("__key__", "a"): (1, 1)})
    cache.put("test", b"content", value)
    assert cache.get("test", b"content") == value
    assert cache.get("test", b"other") is None


def test_a_cold_and_a_warm_cache_report_the_same_problems(cache_home: Path) -> None:
    # a rule file the schema leaves to the loader (a shared criterion without `test`, used by a rule) was
    # reported only once cached: a cold cache validated it with no problem and no rule
    import shutil

    from conftest import ROOT, run_mtus

    folder = cache_home.parent / "rules"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "hostile" / "rule-shared-without-test.yaml", folder)
    cold = run_mtus("rules", "validate", folder)
    warm = run_mtus("rules", "validate", folder)
    assert (cold.returncode, cold.stdout) == (warm.returncode, warm.stdout) == (
        2, f"{folder / 'rule-shared-without-test.yaml'}:11:9: criterion 'prior-use-benefit' has no 'test' "
           "(hint: give it here, or in the shared criterion it uses)\n")
