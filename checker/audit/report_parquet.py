"""``mtus audit --format parquet -o items.parquet``: one row per item, for pandas, DuckDB or Spark (pyarrow).

The item fields are columns (lists as list<string>), and each criterion any item was judged on has
its own column ``criterion.<id>`` holding that item's status (null where the item's rule has no such
criterion). Rows are written in row groups as they are read back from the audit's spool, so memory
does not grow with the number of items.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from checker.audit.run import AuditResult
from checker.core.extras import require_extra

ROWS_PER_GROUP = 20_000
TEXT = ("case_id", "source", "request", "kind", "drug", "drug_class", "rule", "rule_title", "edition", "predicted",
        "actual", "note", "reviewer_specialty")
LISTS = ("ingredients", "sections", "deciding", "to_document", "not_met")
CRITERION = "criterion."


def _pyarrow() -> Any:
    require_extra("pyarrow.parquet", "--format parquet", "parquet")
    return require_extra("pyarrow", "--format parquet", "parquet")


def schema(criteria: list[str]) -> Any:
    """The table schema: item fields, then one status column per criterion id (sorted)."""
    pa = _pyarrow()
    fields = [pa.field("case_id", pa.string()), pa.field("source", pa.string()), pa.field("index", pa.int32())]
    fields += [pa.field(name, pa.string()) for name in TEXT[2:]]
    fields += [pa.field("agree", pa.bool_())]
    fields += [pa.field(name, pa.list_(pa.string())) for name in LISTS]
    fields += [pa.field(CRITERION + cid, pa.string()) for cid in criteria]
    return pa.schema(fields)


def _groups(result: AuditResult) -> Iterator[list[dict[str, Any]]]:
    group: list[dict[str, Any]] = []
    for item in result.items():
        group.append(item)
        if len(group) >= ROWS_PER_GROUP:
            yield group
            group = []
    if group:
        yield group


def _columns(items: list[dict[str, Any]], criteria: list[str]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [item.get(name) for item in items]
                                     for name in ("case_id", "source", "index", *TEXT[2:], "agree", *LISTS)}
    statuses = [{c["id"]: c["status"] for c in item.get("criteria") or ()} for item in items]
    for cid in criteria:
        columns[CRITERION + cid] = [s.get(cid) for s in statuses]
    return columns


def write_parquet(result: AuditResult, out: IO[bytes]) -> None:
    """Write every item of ``result`` to the binary stream ``out`` as one Parquet file."""
    pa = _pyarrow()
    criteria = result.stats.criterion_ids()
    table_schema = schema(criteria)
    with pa.parquet.ParquetWriter(out, table_schema, compression="zstd") as writer:
        for group in _groups(result):
            writer.write_table(pa.Table.from_pydict(_columns(group, criteria), schema=table_schema))
