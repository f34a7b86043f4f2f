"""The ``mtus audit --format json`` document, written as a stream (the design's contract, extended)."""

from __future__ import annotations

import codecs
import json
import os
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


#: Bytes copied at a time where the kernel cannot copy.
BLOCK = 1 << 20


def _array(out: IO[str], spool: IO[bytes]) -> None:
    """The spooled documents as a JSON array, one element per line: the spool holds them with their separators
    already (:data:`.work.SEPARATOR`), so this is a copy (in the kernel, where the report is a UTF-8 file)."""
    spool.flush()
    size = spool.seek(0, 2)
    if not size:
        out.write("[]")
        return
    out.write("[")
    _copy(spool, 1, size - 1, out)  # after the first separator's comma
    out.write("\n ]")


def _copy(spool: IO[bytes], offset: int, count: int, out: IO[str]) -> None:
    buffer = getattr(out, "buffer", None)
    if buffer is None or codecs.lookup(getattr(out, "encoding", None) or "ascii").name != "utf-8":
        spool.seek(offset)
        decoder = codecs.getincrementaldecoder("utf-8")()
        while count > 0:
            block = spool.read(min(count, BLOCK))
            count -= len(block)
            out.write(decoder.decode(block))
        spool.seek(0, 2)
        return
    out.flush()
    buffer.flush()
    try:
        target = buffer.fileno()
        while count > 0:
            sent = os.sendfile(target, spool.fileno(), offset, count)
            offset, count = offset + sent, count - sent
    except (OSError, AttributeError, ValueError):  # no sendfile here (or not a file): copy through memory
        spool.seek(offset)
        while count > 0:
            block = spool.read(min(count, BLOCK))
            count -= len(block)
            buffer.write(block)
        spool.seek(0, 2)


def write_json(result: AuditResult, out: IO[str]) -> None:
    """``{"summary": ..., ..., "disagreements": [...], "items": [...]}``, items one per line."""
    out.write("{\n")
    for key, value in head(result).items():
        out.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write(' "disagreements": ')
    _array(out, result.disagreements_spool)
    out.write(',\n "items": ')
    _array(out, result.items_spool)
    out.write("\n}\n")
