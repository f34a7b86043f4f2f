"""The ``mtus audit --format json`` document, written as a stream (the design's contract, extended)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from checker.audit.run import AuditResult


def head(result: AuditResult) -> dict[str, Any]:
    """Everything but the per-item lists: summary, provenance, breakdowns, coverage, inconsistencies, errors."""
    stats = result.stats
    return {"summary": {**stats.summary(), "files": result.inputs, "errors": len(result.errors)},
            "ruleset": result.provenance, "run_id": result.run_id, "inputs": result.paths,
            "started": result.started, "finished": result.finished,
            "breakdowns": stats.breakdowns_dict(), "coverage": stats.coverage_dict(),
            "inconsistencies": stats.inconsistencies(), "errors": result.error_dicts(),
            "warnings": [{"warning": w, "items": n} for w, n in result.warnings.items()],
            "input_warnings": [p.to_dict() for p in result.notices]}


def _array(out: IO[str], lines: Iterable[str]) -> None:
    out.write("[")
    first = True
    for line in lines:
        out.write("\n  " if first else ",\n  ")
        out.write(line)
        first = False
    out.write("\n ]" if not first else "]")


def write_json(result: AuditResult, out: IO[str]) -> None:
    """``{"summary": ..., ..., "disagreements": [...], "items": [...]}``, items one per line."""
    out.write("{\n")
    for key, value in head(result).items():
        out.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write(' "disagreements": ')
    _array(out, (json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in result.disagreements()))
    out.write(',\n "items": ')
    _array(out, result.item_lines())
    out.write("\n}\n")
