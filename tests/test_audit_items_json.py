"""The audit's JSON, byte for byte: items spliced from pre-rendered criteria, and the report copied from the spool."""

from __future__ import annotations

import io
import json
import random
import sys
from dataclasses import replace
from datetime import date

import pytest
from conftest import ROOT, SEEDS_DIR

from checker.audit.collect import load_case_file, load_letter
from checker.audit.items import _json, criteria_json, deciding_criteria, item_doc, item_json, records
from checker.audit.report_json import head
from checker.audit.run import run_audit
from checker.audit.sink import open_output
from checker.audit.stats import AuditStats
from checker.audit.writers import write_report
from checker.engine.evaluate import evaluate
from checker.facts.cases import case_from_data
from checker.rules.ruleset import load_rules

sys.path.insert(0, str(ROOT / "bench"))
from audit_scale import synthetic_case  # noqa: E402 - the benchmark's own generator

CASE_FILES = sorted([*(ROOT / "cases" / "letters").glob("*.yaml"), *(ROOT / "cases" / "seeds").glob("*.yaml"),
                     *(ROOT / "tests" / "fixtures" / "audit" / "cases").rglob("*.yaml")])


def _cases():
    for path in CASE_FILES:
        yield from load_case_file(str(path))
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        yield from load_letter(str(path))[0]
    rng = random.Random(7)
    for number in range(300):
        yield case_from_data(synthetic_case(rng, number), f"synthetic-{number}.json")


def test_item_json_is_the_plain_rendering_of_every_item():
    rules = load_rules(None)[0]
    items = 0
    for _ in range(2):  # the second pass: the same again (nothing kept from the first changes a byte)
        for case in _cases():
            for item in evaluate(case, rules):
                deciding = [c.id for c in deciding_criteria(item)] if item.criteria else []
                for context in (((), None, None), (("Opioids",), "Pain Medicine", item.predicted == item.actual)):
                    assert item_json(item, *context, deciding) == _json(item_doc(item, *context, deciding))
                items += 1
    assert items > 1000


@pytest.mark.parametrize("values", [(True, 1, 1.0), (False, 0, 0.0), (None, "", "é \\ \" \u2028 \x00"),
                                    (float("nan"), float("inf"), -1e300, 10**30),
                                    (date(2016, 2, 29), [date(2015, 1, 1)], ["a", 1, None, [True]])])
def test_every_kind_of_fact_renders_as_the_encoder_writes_it(values):
    """Each fact's JSON is written by its type: True == 1 == 1.0 in Python, but "true", "1" and "1.0" in JSON;
    strings escaped, dates as ISO text, anything else as the encoder writes it."""
    rules = load_rules(None)[0]
    case = case_from_data(synthetic_case(random.Random(1), 1), "c.json")
    criterion = next(c for item in evaluate(case, rules) for c in item.criteria if c.facts)
    path = next(iter(criterion.facts))
    for value in (*values, *values):
        variant = replace(criterion, facts={**criterion.facts, path: value})
        assert criteria_json([variant])[0] == _json(variant.to_dict())


def _expected_report(result) -> str:
    """The report as the writer laid it out before the items were copied from the spool: every element re-encoded."""
    def array(docs):
        lines = [json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in docs]
        return "[" + ",".join(f"\n  {line}" for line in lines) + ("\n ]" if lines else "]")

    text = "{\n" + "".join(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in head(result).items())
    return text + f' "disagreements": {array(result.disagreements())},\n "items": {array(result.items())}\n}}\n'


@pytest.mark.parametrize("inputs", [[SEEDS_DIR, *CASE_FILES], [ROOT / "tests" / "fixtures" / "audit" / "bad"]])
def test_json_report_copies_the_spooled_items_exactly(inputs, tmp_path):
    """To a file (a kernel copy), to a text stream (decoded), to a non-UTF-8 stream: the same document."""
    result = run_audit(inputs)
    try:
        expected = _expected_report(result)
        assert result.stats.summary()["items"] == len(list(result.items()))
        with open_output(tmp_path / "audit.json") as out:
            write_report(result, "json", out)
        assert (tmp_path / "audit.json").read_text(encoding="utf-8") == expected
        text = io.StringIO()
        write_report(result, "json", text)
        assert text.getvalue() == expected
        latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", errors="replace")
        write_report(result, "json", latin)
        latin.flush()
        assert latin.buffer.getvalue() == expected.encode("latin-1", errors="replace")
    finally:
        result.close()


def test_statistics_are_the_same_whenever_the_pending_rows_are_folded(monkeypatch):
    """Rows are counted under a compact key and folded into the tables later: folding after every few rows, or
    only at the end, gives the same figures (and the same order of equal counts)."""
    rules = load_rules(None)[0]
    rows = [r for case in _cases() for r in records(case, evaluate(case, rules), rules, "Pain Medicine, Orthopedics",
                                                     None)]
    figures = []
    for fold_at in (1, 3, 10**9):
        monkeypatch.setattr(AuditStats, "FOLD_AT", fold_at)
        stats = AuditStats(3)
        for record in rows:
            stats.add(record.row)
        figures.append(json.dumps([stats.summary(), stats.breakdowns_dict(), stats.coverage_dict(),
                                   stats.criterion_ids(), stats.inconsistencies()]))
    assert figures[0] == figures[1] == figures[2]
    assert len(rows) > 500
