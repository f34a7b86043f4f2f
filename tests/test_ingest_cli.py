"""`mtus ingest`: output shapes, files, bad letters, and the whole letter set against outcomes.tsv."""

from __future__ import annotations

import csv
import json

import yaml
from conftest import LETTERS_DIR, ROOT, SEEDS_DIR, run_mtus

from checker.facts.cases import case_from_data, load_cases
from checker.ingest.batch import ingest_letters
from checker.ingest.case import letter_case

BAD = ROOT / "tests" / "fixtures" / "bad_letters"
SEED = SEEDS_DIR / "004_2a473cbf33bb0773.txt"
PDF = LETTERS_DIR / "CM16-0230651.pdf"


def test_json_stdout_is_the_contract_shape():
    run = run_mtus("ingest", str(PDF), str(SEED), "--format", "json")
    assert run.returncode == 0, run.stderr
    cases = json.loads(run.stdout)["cases"]
    assert [c["case_id"] for c in cases] == ["CM16-0230651", SEED.stem]
    for case in cases:
        case_from_data(case)
        for request in case["requests"]:
            assert set(request) >= {"text", "kind", "drug", "actual"}
    assert cases[0]["requests"][7]["drug"] == "tramadol" and cases[0]["requests"][0]["drug"] is None


def test_yaml_stream_one_document_per_case():
    run = run_mtus("ingest", str(PDF), str(SEED))
    assert run.returncode == 0, run.stderr
    docs = list(yaml.safe_load_all(run.stdout))
    assert [d["case_id"] for d in docs] == ["CM16-0230651", SEED.stem]
    yaml_events = yaml.parse(run.stdout)
    assert not any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in yaml_events), \
        "cases are written for people to edit: no YAML anchors or aliases"


def test_output_folder_never_overwrites_without_force(tmp_path):
    run = run_mtus("ingest", str(PDF), "-o", str(tmp_path), "--format", "json")
    assert run.returncode == 0, run.stderr
    target = tmp_path / "CM16-0230651.json"
    assert load_cases(target)[0].case_id == "CM16-0230651"
    target.write_text("{}")
    run = run_mtus("ingest", str(PDF), "-o", str(tmp_path), "--format", "json")
    assert run.returncode == 2 and "already exists" in run.stderr and target.read_text() == "{}"
    run = run_mtus("ingest", str(PDF), "-o", str(tmp_path), "--format", "json", "--force")
    assert run.returncode == 0 and json.loads(target.read_text())["case_id"] == "CM16-0230651"
    result = ingest_letters([SEED], "yaml", tmp_path)
    assert result.written == [tmp_path / f"{SEED.stem}.yaml"] and not result.problems
    assert load_cases(result.written[0])[0].case_id == SEED.stem


def test_bad_letters_are_one_line_each_and_the_batch_goes_on():
    bad = sorted(BAD.iterdir())
    run = run_mtus("ingest", str(bad[0]), str(PDF), *map(str, bad[1:]), "--format", "json")
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == len(bad)
    for path, line in zip(bad, lines, strict=False):
        assert line.startswith(str(path)) and "Traceback" not in line
    assert [c["case_id"] for c in json.loads(run.stdout)["cases"]] == ["CM16-0230651"]


def test_only_bad_letters_exit_2_with_nothing_on_stdout():
    run = run_mtus("ingest", str(BAD / "not_a_letter.txt"), str(BAD / "image_only.pdf"))
    assert run.returncode == 2 and run.stdout == ""
    assert "not an IMR decision letter" in run.stderr and "no text layer" in run.stderr


def test_every_letter_validates_and_matches_outcomes():
    rows = list(csv.DictReader((LETTERS_DIR / "outcomes.tsv").open(), delimiter="\t"))
    expected: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        expected.setdefault(row["letter"], []).append(row)
    kinds_right = kinds_total = 0
    for stem, items in expected.items():
        case = letter_case(LETTERS_DIR / f"{stem}.pdf").data
        assert case["case_id"] == stem
        assert [r["actual"] for r in case["requests"]] == [i["outcome"] for i in items], stem
        for request, item in zip(case["requests"], items, strict=False):
            kinds_total += 1
            kinds_right += request["kind"] == ("drug" if item["kind"] == "drug" else "service")
            assert (request["drug"] is None) == (request["kind"] == "service")
    assert kinds_right / kinds_total >= 0.98
    for seed in sorted((SEEDS_DIR).glob("*.txt")):
        case = letter_case(seed).data
        assert case["case_id"] == seed.stem and all(r["kind"] == "drug" for r in case["requests"])


def test_an_output_folder_that_cannot_be_made_is_one_line_per_letter_exit_2(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    run = run_mtus("ingest", str(SEED), "-o", str(blocker / "out"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        f"{blocker / 'out' / SEED.stem}.yaml: cannot write: a parent is a file, not a folder"]


def test_a_letter_in_the_early_layout_is_named_as_such_not_as_a_non_letter():
    run = run_mtus("ingest", str(BAD / "early_layout_2013.txt"))
    assert run.returncode == 2 and run.stdout == ""
    assert "an IMR letter in the early layout" in run.stderr and "not read yet" in run.stderr
    run = run_mtus("check", str(BAD / "early_layout_2013.txt"))
    assert run.returncode == 2 and "an IMR letter in the early layout" in run.stderr
