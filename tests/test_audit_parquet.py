"""`mtus audit --format parquet -o items.parquet`: one row per item, the same items as the JSON report, one
status column per criterion; the SQLite store records the same run; `--executor dask` on a local cluster."""

from __future__ import annotations

import json

import pytest
from conftest import LETTERS_DIR, ROOT, SEEDS_DIR, run_mtus

pq = pytest.importorskip("pyarrow.parquet")

CASES = ROOT / "tests" / "fixtures" / "audit" / "cases"


def _inputs() -> list:
    return [CASES, SEEDS_DIR, *sorted(LETTERS_DIR.glob("*.pdf"))[:5]]


def test_parquet_has_one_row_per_item_with_criteria_as_columns(tmp_path):
    parquet, db = tmp_path / "items.parquet", tmp_path / "runs.sqlite"
    done = run_mtus("audit", *_inputs(), "-f", "parquet", "-o", parquet, "--db", db)
    assert done.returncode == 0, done.stderr
    assert run_mtus("audit", *_inputs(), "-f", "json", "-o", tmp_path / "items.json").returncode == 0
    items = json.loads((tmp_path / "items.json").read_text())["items"]
    rows = pq.read_table(parquet).to_pylist()
    assert len(rows) == len(items) > 20
    criteria = {c["id"] for item in items for c in item["criteria"]}
    assert {k[len("criterion."):] for k in rows[0] if k.startswith("criterion.")} == criteria
    for row, item in zip(rows, items, strict=True):
        for field in ("case_id", "source", "index", "request", "kind", "drug", "drug_class", "rule", "predicted",
                      "actual", "agree", "reviewer_specialty", "sections", "deciding", "ingredients", "note"):
            assert row[field] == item[field], (field, item["case_id"])
        statuses = {c["id"]: c["status"] for c in item["criteria"]}
        assert {cid: row[f"criterion.{cid}"] for cid in criteria} == {cid: statuses.get(cid) for cid in criteria}
    assert {r["predicted"] for r in rows} >= {"upheld", "overturned"}
    runs = run_mtus("audit", "runs", "--db", db)
    assert runs.returncode == 0 and f"{len(items)} items" in runs.stdout


def test_parquet_needs_a_file(tmp_path):
    done = run_mtus("audit", CASES, "-f", "parquet")
    assert done.returncode == 2 and "-o" in done.stderr and not done.stdout


def test_local_dask_cluster_gives_the_single_process_report(tmp_path):
    inputs = [CASES, *sorted(LETTERS_DIR.glob("*.pdf"))[:3]]
    single = run_mtus("audit", *inputs, "-f", "json", "-o", tmp_path / "single.json")
    local = run_mtus("audit", *inputs, "--executor", "dask", "--jobs", "2", "-f", "json", "-o", tmp_path / "dask.json")
    assert single.returncode == local.returncode == 0, local.stderr
    a, b = (json.loads((tmp_path / name).read_text()) for name in ("single.json", "dask.json"))
    for doc in (a, b):
        del doc["started"], doc["finished"]
    assert a == b and len(a["items"]) > 10
