"""The per-file work of an audit, as it runs in a worker (a process of the pool, or a Dask worker).

A worker compiles the rules once and then audits input files one at a time, turning each into
records; nothing here raises for a bad file (it becomes the file's problem).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from checker.audit.collect import Source, load_source
from checker.audit.items import Record, Row, records
from checker.core.errors import Problem
from checker.engine.evaluate import evaluate
from checker.rules.ruleset import RuleSet, load_rules

#: What one input costs, in case files: chunks hold about the same work whatever they hold.
LETTER_WEIGHT = 16


#: Before each item's JSON in :attr:`FileOutcome.items`: the JSON report's separator, so that the report copies
#: the items as they are (after the first one's comma).
SEPARATOR = ",\n  "


class FileOutcome(NamedTuple):
    """One input file's result, compact to send between processes: its items' rows (for the statistics and the
    store) and their JSON (UTF-8, each after :data:`SEPARATOR`), or the problem that stopped it."""

    path: str
    kind: str
    problem: Problem | None
    rows: list[Row]
    cases: int
    items: bytes = b""
    disagreements: bytes = b""  # the entries of the items that disagree with the reviewer
    warnings: tuple[tuple[str, int], ...] = ()  # each MTUS edition warning and how many items it concerns


def file_outcome(source: Source, records: list[Record], cases: int) -> FileOutcome:
    """Pack one file's records for the hand-off (one string per file instead of one per item)."""
    if not records:
        return FileOutcome(source.path, source.kind, None, [], cases)
    warnings: dict[str, int] = {}
    for record in records:
        for warning in record.warnings:
            warnings[warning] = warnings.get(warning, 0) + 1
    disagreements = [r.disagreement_json for r in records if r.disagreement_json is not None]
    return FileOutcome(source.path, source.kind, None, [r.row for r in records], cases,
                       (SEPARATOR + SEPARATOR.join([r.item_json for r in records])).encode(),
                       (SEPARATOR + SEPARATOR.join(disagreements)).encode() if disagreements else b"",
                       tuple(warnings.items()))


_RULES: RuleSet | None = None
_AS_OF: date | None = None
_POLICY = "warn"
_KEY: tuple[str | None, date | None, str] | None = None


def init_worker(rules_path: str | None, as_of: date | None, ruleset: RuleSet | None = None,
                edition_policy: str = "warn") -> None:
    """Set this process's rules once: the parent's compiled ones (inherited by fork), else loaded here."""
    global _RULES, _AS_OF, _POLICY, _KEY
    _RULES = ruleset if ruleset is not None else load_rules(Path(rules_path) if rules_path else None)[0]
    _AS_OF = as_of
    _POLICY = edition_policy
    _KEY = (rules_path, as_of, edition_policy)


def worker_provenance(rules_path: str | None, as_of: date | None, edition_policy: str) -> dict[str, str]:
    """Make sure this process holds the rules at ``rules_path`` (loading them once), and say which they are."""
    if _RULES is None or (rules_path, as_of, edition_policy) != _KEY:
        init_worker(rules_path, as_of, None, edition_policy)
    assert _RULES is not None
    return _RULES.provenance


def audit_source(source: Source) -> FileOutcome:
    """Load and evaluate one input file with this process's rules; never raises."""
    assert _RULES is not None, "worker not initialised"
    loaded = load_source(source)
    if loaded.problem is not None:
        return FileOutcome(source.path, source.kind, loaded.problem, [], 0)
    out: list[Record] = []
    try:
        for case in loaded.cases:
            items = evaluate(case, _RULES, _AS_OF, _POLICY)
            out += records(case, items, _RULES, loaded.specialty,
                           loaded.sections if source.kind == "letter" else None)
    except Exception as exc:  # noqa: BLE001 - one bad case must not stop the batch
        problem = Problem(source.path, f"internal error while evaluating: {type(exc).__name__}: {exc}")
        return FileOutcome(source.path, source.kind, problem, [], 0)
    return file_outcome(source, out, len(loaded.cases))


def worker_lost(source: Source, how: str) -> FileOutcome:
    """The outcome of a file whose workers kept dying (``how`` says which workers and how): reported, skipped."""
    return FileOutcome(source.path, source.kind,
                       Problem(source.path, f"{how}; it was retried on its own and skipped", code="worker-lost"), [], 0)


def audit_chunk(chunk: list[Source]) -> list[FileOutcome]:
    """Audit a chunk of inputs in this process, in order."""
    return [audit_source(s) for s in chunk]


def chunks(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    """Consecutive chunks of about ``size`` case files' work each (a letter weighs :data:`LETTER_WEIGHT`)."""
    chunk: list[Source] = []
    weight = 0
    for source in sources:
        chunk.append(source)
        weight += LETTER_WEIGHT if source.kind == "letter" else 1
        if weight >= size:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk
