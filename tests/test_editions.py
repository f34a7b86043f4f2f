"""The MTUS in force on the date: a date outside every encoded edition is said on every output, never silent.

The rules encode the 2009 Chronic Pain Medical Treatment Guidelines and the 2016 Chronic Pain and Opioid
guidelines (2009-07-18 to 2017-11-30, rules/editions.yaml); the ACOEM-based MTUS of 2017-12-01 is not encoded.
"""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml
from conftest import ROOT, run_mtus

from checker.core.resources import schemas_dir
from checker.rules.editions import load_editions
from checker.rules.lint import validate
from checker.rules.ruleset import load_rules

SEED = ROOT / "cases" / "seeds" / "004_2a473cbf33bb0773.yaml"  # a real 2015 letter, four drugs
SCHEMA = json.loads((schemas_dir() / "result.schema.json").read_text())


def check_json(*args) -> dict:
    run = run_mtus("check", *args, "--format", "json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    jsonschema.validate(doc, SCHEMA)  # the real output, against the schema that documents it
    return doc


def test_a_date_inside_an_encoded_edition_has_no_warning_and_every_item_says_its_edition():
    (case,) = check_json(SEED)["cases"]
    assert case["warnings"] == []
    for item in case["items"]:
        assert item["edition"] == "2009" and item["date"] == "2015-06-04"
        assert item["edition_dates"] == {"from": "2009-07-18", "to": "2016-07-27"}
        assert "warnings" not in item and item["predicted"] in ("upheld", "overturned")


def test_a_date_past_the_newest_edition_warns_and_names_the_edition_used_and_the_one_in_force():
    (case,) = check_json(SEED, "--as-of", "2025-03-01")["cases"]
    warnings = case["warnings"]
    first = warnings[0]
    assert "No encoded MTUS edition was in force on 2025-03-01" in first
    assert "MTUS (ACOEM-based evidence-based update) (2017), from 2017-12-01, not encoded" in first
    assert any("MTUS Chronic Pain Medical Treatment Guidelines (2016), in force 2016-07-28 to 2017-11-30, the newest "
               "encoded edition: it was not in force on 2025-03-01" in w for w in warnings)
    for item in case["items"]:  # evaluated (warn is the default), with the newest edition, and saying so
        assert item["predicted"] in ("upheld", "overturned") and item["edition"] == "2016"
        assert item["edition_dates"]["to"] == "2017-11-30" and item["warnings"]


def test_a_case_dated_past_the_newest_edition_warns_without_as_of(tmp_path):
    data = yaml.safe_load(SEED.read_text())
    data["report_date"] = "2026-11-02"
    case_file = tmp_path / "late.yaml"
    case_file.write_text(yaml.safe_dump(data))
    (case,) = check_json(case_file)["cases"]
    assert "No encoded MTUS edition was in force on 2026-11-02" in case["warnings"][0]
    assert all(item["date"] == "2026-11-02" for item in case["items"])


def test_a_date_before_the_first_edition_warns_and_uses_the_earliest_never_silently():
    (case,) = check_json(SEED, "--as-of", "1990-01-01")["cases"]
    assert "No encoded MTUS edition was in force on 1990-01-01 (it is before the first MTUS edition listed " \
           "(2007-06-15))" in case["warnings"][0]
    assert any("the earliest encoded edition: it was not in force on 1990-01-01" in w for w in case["warnings"])
    assert all(item["edition"] == "2009" and item["warnings"] for item in case["items"])


def test_a_date_in_the_first_mtus_before_the_chronic_pain_guidelines_names_the_edition_in_force():
    (case,) = check_json(SEED, "--as-of", "2008-01-01")["cases"]
    # The first MTUS (ACOEM 2004) is encoded for services (rules/services); a drug item, which only the Chronic
    # Pain guidelines cover, is judged under their earliest edition and says that it was not in force then.
    assert all("MTUS Chronic Pain Medical Treatment Guidelines (2009), in force 2009-07-18 to 2016-07-27, the "
               "earliest encoded edition: it was not in force on 2008-01-01" in " ".join(item["warnings"])
               for item in case["items"] if item["kind"] == "drug")


@pytest.mark.parametrize("as_of", ["2025-03-01", "1990-01-01"])
def test_edition_policy_refuse_leaves_every_item_not_covered_with_the_reason(as_of):
    (case,) = check_json(SEED, "--as-of", as_of, "--edition-policy", "refuse")["cases"]
    assert "No encoded MTUS edition was in force on " + as_of in case["warnings"][0]
    assert any(w.startswith("Not evaluated under") and "(--edition-policy refuse)" in w for w in case["warnings"])
    for item in case["items"]:
        assert item["predicted"] is None and item["coverage"] == "not_encoded" and item["criteria"] == []
        assert item["note"] == f"not evaluated: no encoded MTUS edition was in force on {as_of}"


def test_edition_policy_refuse_changes_nothing_inside_an_encoded_edition():
    assert check_json(SEED, "--edition-policy", "refuse") == check_json(SEED)


def test_an_unknown_edition_policy_is_a_usage_error():
    run = run_mtus("check", SEED, "--edition-policy", "ignore")
    assert run.returncode == 2 and "Traceback" not in run.stderr and "--edition-policy" in run.stderr


def test_an_undated_case_says_the_edition_cannot_be_known(tmp_path):
    data = yaml.safe_load(SEED.read_text())
    for key in ("report_date", "ur_date", "decision_date"):
        data.pop(key, None)
    case_file = tmp_path / "undated.yaml"
    case_file.write_text(yaml.safe_dump(data))
    (case,) = check_json(case_file)["cases"]
    assert any("The case has no date" in w and "give --as-of DATE" in w for w in case["warnings"])
    (refused,) = check_json(case_file, "--edition-policy", "refuse")["cases"]
    assert all(item["predicted"] is None and item["coverage"] == "not_encoded" for item in refused["items"])


@pytest.mark.parametrize("fmt, banner", [("text", "MTUS edition"), ("markdown", "> **MTUS edition warning**"),
                                         ("html", "<div class=warning role=alert><strong>MTUS edition warning")])
def test_every_report_format_carries_the_banner_and_each_item_its_edition(fmt, banner):
    run = run_mtus("check", SEED, "--as-of", "2025-03-01", "--format", fmt)
    assert run.returncode == 0, run.stderr
    text = " ".join(run.stdout.split())  # the terminal report wraps lines
    assert banner in run.stdout and "No encoded MTUS edition was in force on 2025-03-01" in text
    assert text.count("Edition 2016, in force 2016-07-28 to 2017-11-30 (judged on 2025-03-01)") == 4
    quiet = run_mtus("check", SEED, "--format", fmt)
    assert banner not in quiet.stdout and "Edition 2009, in force 2009-07-18 to 2016-07-27" in " ".join(
        quiet.stdout.split())


def test_audit_counts_the_warnings_and_refuses_like_check(tmp_path):
    run = run_mtus("audit", SEED, "--as-of", "2025-03-01", "--edition-policy", "refuse", "--format", "json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["summary"]["items"] == 4 and doc["summary"]["compared"] == 0
    assert all(i["predicted"] is None and i["coverage"] == "not_encoded" for i in doc["items"])
    assert doc["warnings"][0]["items"] == 4 and "2025-03-01" in doc["warnings"][0]["warning"]
    text = run_mtus("audit", SEED, "--as-of", "2025-03-01")
    assert "⚠ 4 items: No encoded MTUS edition was in force on 2025-03-01" in " ".join(text.stdout.split())


def test_the_bundled_registry_is_sound_and_every_rule_cites_a_listed_edition_within_its_dates():
    registry, problems = load_editions()
    assert problems == []
    assert all(e.sources for e in registry.editions), "every edition's dates cite where they were found"
    ruleset, _ = load_rules()
    for rule in ruleset.rules:
        edition = ruleset.edition_of(rule)
        assert edition is not None, rule.id
        assert edition.start <= rule.effective_from and rule.effective_to <= edition.end, rule.id
    assert validate().problems == []
    # What the rules encode ends when the ACOEM-based MTUS took effect; that edition is listed, not encoded.
    assert ruleset.encoded_editions == {"chronic-pain-2009", "chronic-pain-2016", "opioids-2016", "mtus-2007",
                                        "acupuncture-2007", "postsurgical-2009"}
    acoem = next(e for e in registry.editions if e.id == "mtus-acoem-2017")
    assert str(acoem.start) == "2017-12-01" and acoem.id not in ruleset.encoded_editions


def test_a_rules_folder_with_its_own_registry_uses_it(tmp_path):
    (tmp_path / "editions.yaml").write_text("editions:\n  - {id: x, guideline: G, edition: '1', from: '2001-01-01',"
                                           " to: '2000-01-01'}\n")
    (tmp_path / "rule.yaml").write_text((ROOT / "tests" / "fixtures" / "broken_rules" / "missing-citation.yaml")
                                        .read_text())
    problems = [str(p) for p in validate(tmp_path).problems]
    assert any("edition 'x' ends (2000-01-01) before it starts (2001-01-01)" in p for p in problems)


def test_an_edition_superseded_by_another_must_end_the_day_before_it(tmp_path):
    registry = yaml.safe_load((ROOT / "rules" / "editions.yaml").read_text())
    next(e for e in registry["editions"] if e["id"] == "chronic-pain-2016").pop("to")  # left open past 2017-11-30
    (tmp_path / "editions.yaml").write_text(yaml.safe_dump(registry))
    _, problems = load_editions(tmp_path)
    assert [(p.code, p.message, p.hint) for p in problems] == [
        ("edition-registry", "edition 'chronic-pain-2016' is superseded by 'mtus-acoem-2017' from 2017-12-01, so its "
         "last day is 2017-11-30, not open", '`to: "2017-11-30"`')]


def test_the_guideline_book_lists_editions_encoded_and_not(tmp_path):
    run = run_mtus("rules", "docs", "-o", tmp_path / "book")
    assert run.returncode == 0, run.stderr
    index = (tmp_path / "book" / "index.md").read_text()
    assert "## MTUS editions" in index
    assert re.search(r"\| MTUS Chronic Pain Medical Treatment Guidelines \(2016\) \| 2016-07-28 to 2017-11-30 \| MTUS "
                     r"\(ACOEM-based evidence-based update\) \(2017\) \| encoded: \d+ rules \|", index)
    assert "| MTUS (ACOEM-based evidence-based update) (2017) | from 2017-12-01 | – | not encoded |" in index
    assert "MTUS editions" in (tmp_path / "book" / "index.html").read_text()
