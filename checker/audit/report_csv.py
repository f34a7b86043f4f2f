"""``mtus audit --format csv``: one row per item, for spreadsheets."""

from __future__ import annotations

import csv
from typing import IO

from checker.audit.run import AuditResult

COLUMNS = ["case_id", "source", "index", "request", "kind", "drug", "drug_class", "rule", "sections",
           "reviewer_specialty", "predicted", "coverage", "actual", "agree", "deciding", "criteria", "to_document",
           "note"]


def _agree(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def write_csv(result: AuditResult, out: IO[str]) -> None:
    """Header then one row per item; lists joined with "; ", criteria as ``id=status``."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in result.items():
        writer.writerow([item["case_id"], item.get("source") or "", item["index"], item["request"], item["kind"],
                         item.get("drug") or "", item.get("drug_class") or "", item.get("rule") or "",
                         "; ".join(item.get("sections") or []), item.get("reviewer_specialty") or "",
                         item.get("predicted") or "", item.get("coverage") or "", item.get("actual") or "",
                         _agree(item.get("agree")),
                         "; ".join(item.get("deciding") or []),
                         "; ".join(f"{c['id']}={c['status']}" for c in item.get("criteria") or []),
                         "; ".join(item.get("to_document") or []), item.get("note") or ""])
