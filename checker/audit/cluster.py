"""Audit on Dask distributed: the per-file work runs on the cluster's workers, results come back in input order.

With no scheduler address, a local cluster of ``workers`` single-threaded processes is started on
127.0.0.1 (and stopped at the end); with one, the run uses that existing cluster. Workers read the
input paths themselves (a shared file system, or the same checkout on every machine) and compile the
rules once each; the client checks that every worker's rules are its own (same version and hash).

Chunks are submitted in a bounded window, so the client and the workers hold only that window
whatever the number of letters. Dask reruns the tasks of a worker that dies; a chunk whose workers
kept dying is retried one file per task, and a file that still kills its worker is reported as bad.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from checker.audit.collect import Source
from checker.audit.work import FileOutcome, audit_chunk, chunks, worker_lost, worker_provenance
from checker.core.errors import InputError, Problem
from checker.core.extras import require_extra

_LOCAL = "local Dask cluster"
WORKER_WAIT = 30  # seconds to wait for a first worker on an existing cluster

#: Dask settings of the local cluster (its scheduler, nannies and workers), against memory that grows with the
#: run's length: each worker's statistical profiler folds 100 stack samples a second into call trees and keeps
#: the last 1,000 seconds of them, twice (all tasks, and per task name); each process's system monitor keeps an
#: hour of samples. Only the dashboard reads either, and the local cluster has none.
LOCAL_CONFIG = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.log-length": 120}


def _import_distributed() -> Any:
    return require_extra("distributed", "--executor dask", "dask")


def _dask_config() -> Any:
    return require_extra("dask.config", "--executor dask", "dask")


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A connected ``distributed.Client``: to ``scheduler``, or to a local cluster of ``workers`` processes."""
    distributed = _import_distributed()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="5s")
        except (OSError, TimeoutError) as exc:
            raise InputError(Problem(scheduler, f"cannot reach the Dask scheduler ({exc})",
                                     code="cluster-unreachable")) from None
        with client:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT)
            except TimeoutError:
                raise InputError(Problem(scheduler, f"the Dask cluster has no workers (waited {WORKER_WAIT} s)",
                                         code="cluster-unreachable")) from None
            yield client
        return
    with warnings.catch_warnings(), _dask_config().set(LOCAL_CONFIG):  # the nannies pass it to their workers
        warnings.filterwarnings("ignore", message="Port .* is already in use")  # for the health endpoints
        cluster = distributed.LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, distributed.Client(cluster) as client:
        yield client


def _remote_chunk(chunk: list[Source], rules_path: str | None, as_of: date | None,
                  edition_policy: str) -> tuple[dict[str, str], list[FileOutcome]]:
    """The task a worker runs: its rules' provenance and the chunk's outcomes."""
    provenance = worker_provenance(rules_path, as_of, edition_policy)
    return provenance, audit_chunk(chunk)


def window(workers: int) -> int:
    """How many chunks are in flight at most on a cluster of ``workers``: each busy, with the next ones queued."""
    return 3 * max(1, workers) + 2


def _lost(source: Source, why: str) -> FileOutcome:
    return worker_lost(source, f"the Dask workers auditing this file kept dying ({why})")


class DaskAudit:
    """Submit chunks of inputs to a Dask client and yield their outcomes in input order."""

    def __init__(self, client: Any, rules_path: str | None, as_of: date | None, edition_policy: str,
                 provenance: dict[str, str], where: str | None = None):
        self.client = client
        self.rules_path = os.path.abspath(rules_path) if rules_path else None
        self.as_of = as_of
        self.edition_policy = edition_policy
        self.provenance = provenance
        self.where = where or _LOCAL
        self.killed = _import_distributed().KilledWorker

    def _submit(self, chunk: list[Source]) -> Any:
        return self.client.submit(_remote_chunk, chunk, self.rules_path, self.as_of, self.edition_policy,
                                  pure=False)

    def _collect(self, chunk: list[Source], future: Any) -> list[FileOutcome]:
        try:
            provenance, outcomes = future.result()
        except self.killed:
            return [self._alone(source) for source in chunk] if len(chunk) > 1 else [_lost(chunk[0], "KilledWorker")]
        except Exception as exc:  # noqa: BLE001 - our task never raises for a bad file: this is the cluster
            raise InputError(Problem(self.where, f"a Dask worker failed: {type(exc).__name__}: {exc}",
                                     code="cluster-unreachable")) from None
        finally:
            future.release()
        if provenance != self.provenance:
            raise InputError(Problem(self.where, f"the workers' rules (version {provenance.get('version')} "
                                                 f"#{provenance.get('hash')}) are not the client's (version "
                                                 f"{self.provenance.get('version')} #{self.provenance.get('hash')})",
                                     code="cluster-rules"))
        return outcomes

    def _alone(self, source: Source) -> FileOutcome:
        future = self._submit([source])
        try:
            return self._collect([source], future)[0]
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001
            return _lost(source, type(exc).__name__)

    def outcomes(self, sources: Iterable[Source], chunk: int) -> Iterator[FileOutcome]:
        """Every source's outcome, in input order, with a bounded number of chunks in flight."""
        most = window(len(self.client.scheduler_info().get("workers", {})))
        pending: deque[tuple[list[Source], Any]] = deque()
        batches = chunks(sources, chunk)
        for batch in batches:
            pending.append((batch, self._submit(batch)))
            if len(pending) >= most:
                break
        while pending:
            batch, future = pending.popleft()
            done = self._collect(batch, future)
            following = next(batches, None)
            if following is not None:
                pending.append((following, self._submit(following)))
            yield from done
