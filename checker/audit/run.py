"""Run an audit: stream inputs through N worker processes, in input order, aggregating as results arrive.

Rules are loaded once per worker. Inputs are submitted in a bounded window of chunks, so neither
the inputs nor the results pile up in memory; item JSON lines go to temporary spool files that the
report writers read back at the end.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from checker.audit.collect import Source, iter_sources
from checker.audit.stats import AuditStats
from checker.audit.work import FileOutcome, audit_chunk, chunks, init_worker, worker_lost
from checker.core.errors import InputError, Problem
from checker.rules.ruleset import RuleSet, load_rules

#: Work per chunk, in case files (a letter counts :data:`~checker.audit.work.LETTER_WEIGHT`).
CHUNK = 64


def ordered_outcomes(sources: Iterable[Source], jobs: int, rules_path: str | None, as_of: date | None,
                     ruleset: RuleSet | None = None, chunk: int = CHUNK,
                     edition_policy: str = "warn") -> Iterator[FileOutcome]:
    """Audit every source, in input order, with ``jobs`` processes and at most ``4 * jobs`` chunks in flight.

    Inputs that fit in one chunk are audited in this process: starting workers would cost more. A worker that
    dies (killed, out of memory, a crash in a native library) never stalls the run: the chunks in flight are
    rerun on new workers, the dead worker's own chunk one file at a time, and a file that kills its worker
    again is reported (``worker-lost``) while the run goes on.
    """
    batches = chunks(sources, chunk)
    first = list(islice(batches, 2))
    if jobs <= 1 or len(first) < 2:
        init_worker(rules_path, as_of, ruleset, edition_policy)
        for batch in chain(first, batches):
            yield from audit_chunk(batch)
        return
    batches = chain(first, batches)
    workers = _Workers(jobs, rules_path, as_of, ruleset, edition_policy)
    try:
        pending: deque[tuple[list[Source], Future]] = deque()
        for batch in islice(batches, 4 * jobs):
            pending.append((batch, workers.submit(batch)))
        while pending:
            batch, future = pending.popleft()
            try:
                done = future.result()
            except BrokenProcessPool:
                workers.restart()
                pending = deque((b, workers.submit(b)) for b, _ in pending)  # the broken pool lost them too
                done = [workers.alone(source) for source in batch]
            following = next(batches, None)
            if following is not None:
                pending.append((following, workers.submit(following)))
            yield from done
    finally:
        workers.close()


class _Workers:
    """``jobs`` worker processes holding the rules; a pool that a dying worker broke is replaced."""

    def __init__(self, jobs: int, rules_path: str | None, as_of: date | None, ruleset: RuleSet | None,
                 edition_policy: str):
        fork = "fork" in mp.get_all_start_methods()
        self.jobs = jobs
        self.context = mp.get_context("fork" if fork else "spawn")
        # A forked worker inherits the compiled rules as they are; a spawned one loads them once itself.
        self.initargs = (rules_path, as_of, ruleset if fork else None, edition_policy)
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=self.context, initializer=init_worker,
                                   initargs=self.initargs)

    def submit(self, batch: list[Source]) -> Future:
        return self.pool.submit(audit_chunk, batch)

    def restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._start()

    def alone(self, source: Source) -> FileOutcome:
        """One file on its own; if its worker dies again, the file is reported and skipped."""
        try:
            return self.submit([source]).result()[0]
        except BrokenProcessPool:
            self.restart()
            return worker_lost(source, "the worker auditing this file died (killed, out of memory or a crash in a "
                                       "native library)")

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _spool() -> IO[bytes]:
    """An anonymous temporary file of JSON documents (UTF-8, each after :data:`.work.SEPARATOR`), closed by
    :meth:`AuditResult.close`."""
    return tempfile.TemporaryFile("w+b", buffering=1 << 20)  # noqa: SIM115 - lives as long as the result


@dataclass
class AuditResult:
    """An audit's aggregates, errors and provenance, with the per-item JSON spooled to temporary files."""

    stats: AuditStats
    provenance: dict[str, str]
    paths: list[str]
    errors: list[Problem] = field(default_factory=list)
    inputs: int = 0
    started: str = ""
    finished: str = ""
    run_id: int | None = None
    warnings: dict[str, int] = field(default_factory=dict)  # each MTUS edition warning: how many items it concerns
    notices: list[Problem] = field(default_factory=list)  # warnings about the inputs (a case id given twice)
    items_spool: IO[bytes] = field(default_factory=lambda: _spool())
    disagreements_spool: IO[bytes] = field(default_factory=lambda: _spool())

    def items(self) -> Iterator[dict[str, Any]]:
        """Every item as a dict, in input order."""
        return (json.loads(line) for line in _lines(self.items_spool))

    def disagreements(self) -> Iterator[dict[str, Any]]:
        """Every disagreement with its deciding criteria and evidence, in input order."""
        return (json.loads(line) for line in _lines(self.disagreements_spool))

    def error_dicts(self) -> list[dict[str, Any]]:
        return [{"file": p.file, "line": p.line, "column": p.column, "reason": p.message, "message": str(p)}
                for p in self.errors]

    def close(self) -> None:
        self.items_spool.close()
        self.disagreements_spool.close()


def _lines(spool: IO[bytes]) -> Iterator[bytes]:
    """The spooled JSON documents, one at a time (a document has no raw newline, and ends in a brace)."""
    spool.flush()
    spool.seek(0)
    for line in spool:
        line = line.strip(b" ,\n")
        if line:
            yield line
    spool.seek(0, 2)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_audit(paths: list[str | Path], *, rules_path: str | Path | None = None, as_of: date | None = None,
              jobs: int = 1, chunk: int = CHUNK, on_file: Callable[[FileOutcome], None] | None = None,
              store: Any = None, examples: int = 20, edition_policy: str = "warn", executor: str = "local",
              scheduler: str | None = None) -> AuditResult:
    """Audit letters and case files under ``paths``; ``store`` (a :class:`.store.Store`) records the run.

    ``executor`` "local" runs ``jobs`` processes here; "dask" runs on Dask distributed (the cluster at
    ``scheduler``, else a local one of ``jobs`` workers), with the same results in the same order.
    """
    ruleset, rule_problems = load_rules(Path(rules_path) if rules_path else None)
    rules = str(rules_path) if rules_path else None
    if executor == "dask":
        from checker.audit.cluster import DaskAudit, dask_client

        with dask_client(scheduler, jobs) as client:
            audit = DaskAudit(client, rules, as_of, edition_policy, ruleset.provenance, scheduler)
            return aggregate(paths, ruleset, rule_problems, audit.outcomes(iter_sources(paths), chunk),
                              on_file, store, examples)
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r}; expected local or dask")
    outcomes = ordered_outcomes(iter_sources(paths), jobs, rules, as_of, ruleset, chunk, edition_policy)
    return aggregate(paths, ruleset, rule_problems, outcomes, on_file, store, examples)


def aggregate(paths: list[str | Path], ruleset: RuleSet, rule_problems: list[Problem],
               outcomes: Iterable[FileOutcome], on_file: Callable[[FileOutcome], None] | None, store: Any,
               examples: int) -> AuditResult:
    """Fold the outcomes, in order, into statistics, spooled items and the store."""
    result = AuditResult(AuditStats(examples), ruleset.provenance, [str(p) for p in paths],
                         errors=list(rule_problems), started=_now())
    recorder = _Recorder(store, result)
    recorder.write(lambda: setattr(result, "run_id", store.begin_run(ruleset.provenance, result.paths,
                                                                     result.started)))
    batch: list = []
    stats = result.stats
    first_input: dict[str, str] = {}  # case id -> the input that first carried it
    items_spool, disagreements_spool, warnings = result.items_spool, result.disagreements_spool, result.warnings
    for outcome in outcomes:
        result.inputs += 1
        if outcome.problem is not None:
            result.errors.append(outcome.problem)
        stats.cases += outcome.cases
        rows = outcome.rows
        for case_id in dict.fromkeys(row.case_id for row in rows):
            first = first_input.setdefault(case_id, outcome.path)
            if first != outcome.path:
                result.notices.append(Problem(outcome.path, f"case {case_id} is also in {first}: its items are "
                                              "counted twice", hint="audit one of the two (a letter and the case "
                                              "encoded from it carry the same case id)", code="duplicate-case-id"))
        for row in rows:
            stats.add(row)
        for warning, n in outcome.warnings:
            warnings[warning] = warnings.get(warning, 0) + n
        items_spool.write(outcome.items)
        if outcome.disagreements:
            disagreements_spool.write(outcome.disagreements)
        if recorder.on:
            batch += rows
            if len(batch) >= 1000:
                recorder.write(lambda rows=batch: store.add_items(result.run_id, rows))
                batch = []
        if on_file is not None:
            on_file(outcome)
    result.finished = _now()
    if batch:
        recorder.write(lambda: store.add_items(result.run_id, batch))
    recorder.write(lambda: store.finish_run(result.run_id, result.finished, stats.summary(), result.inputs,
                                            len(result.errors)))
    return result


class _Recorder:
    """Writes to the run store until a write fails (a full disk...): then the failure is one of the audit's
    errors, the run stays unfinished in the store, and the audit and its report go on."""

    def __init__(self, store: Any, result: AuditResult):
        self.on, self.result = store is not None, result

    def write(self, call: Callable[[], None]) -> None:
        if not self.on:
            return
        try:
            call()
        except InputError as exc:
            self.on = False
            run = f"run {self.result.run_id} is left unfinished" if self.result.run_id else "no run recorded"
            self.result.errors.append(Problem(exc.problem.file, f"{exc.problem.message}; {run}, "
                                                               "the report is still complete"))
            self.result.run_id = None
