"""`mtus audit --scheduler ADDRESS` on a real Dask cluster: a scheduler and two workers as separate processes
on 127.0.0.1, the same items as the single-machine run, and nothing lost when a worker is killed mid-run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import LETTERS_DIR, run_mtus

distributed = pytest.importorskip("distributed")

HOST = "127.0.0.1"
DEADLINE = 40.0  # seconds for a cluster to come up


def _dask(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """`dask scheduler` and `dask worker` processes (no nanny: a killed worker stays dead); all stopped at the end."""
    scheduler_file = folder / "scheduler.json"
    processes = [_dask("scheduler", "--host", HOST, "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(scheduler_file), cwd=folder)]
    try:
        deadline = time.monotonic() + DEADLINE
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            assert processes[0].poll() is None, "the Dask scheduler exited"
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith(f"tcp://{HOST}:")
        worker_processes = [_dask("worker", address, "--host", HOST, "--name", f"w{i}", "--nthreads", "1",
                                  "--no-nanny", "--no-dashboard", "--death-timeout", "30",
                                  "--local-directory", str(folder / f"w{i}"), cwd=folder) for i in range(workers)]
        processes += worker_processes
        with distributed.Client(address, timeout=DEADLINE) as client:
            client.wait_for_workers(workers, timeout=DEADLINE)
        yield address, worker_processes
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _report(path: Path) -> dict:
    doc = json.loads(path.read_text())
    for key in ("started", "finished", "run_id"):
        doc.pop(key, None)
    return doc


def _assert_same_audit(single: dict, clustered: dict) -> None:
    assert [i["case_id"] for i in clustered["items"]] == [i["case_id"] for i in single["items"]]
    for mine, theirs in zip(clustered["items"], single["items"], strict=True):
        assert mine == theirs
    assert clustered == single  # summary, breakdowns, disagreements, errors: all of it


def test_a_cluster_of_separate_processes_gives_every_item_of_the_single_machine_run(tmp_path):
    letters = sorted(LETTERS_DIR.glob("*.pdf"))[::4]
    bad = tmp_path / "CM99-0000001.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis is not a PDF body\n")
    inputs = [*letters[:10], bad, *letters[10:]]
    single = run_mtus("audit", *inputs, "-f", "json", "-o", tmp_path / "single.json")
    with dask_cluster(tmp_path) as (address, _workers):
        clustered = run_mtus("audit", *inputs, "--scheduler", address, "-f", "json", "-o", tmp_path / "dask.json")
    assert single.returncode == clustered.returncode == 2, clustered.stderr
    assert clustered.stderr.count(str(bad)) == 1 and "Traceback" not in clustered.stderr
    single_doc, clustered_doc = _report(tmp_path / "single.json"), _report(tmp_path / "dask.json")
    assert len(single_doc["items"]) > 2 * len(letters) - 10
    assert [e["file"] for e in clustered_doc["errors"]] == [str(bad)]
    _assert_same_audit(single_doc, clustered_doc)


def test_a_worker_killed_mid_run_loses_no_letter(tmp_path):
    letters = sorted(LETTERS_DIR.glob("*.pdf"))[1::3]
    single = run_mtus("audit", *letters, "-f", "json", "-o", tmp_path / "single.json")
    assert single.returncode == 0, single.stderr
    with dask_cluster(tmp_path) as (address, workers), distributed.Client(address, timeout=DEADLINE) as client:
        names = {info["name"]: addr for addr, info in client.scheduler_info()["workers"].items()}
        audit = subprocess.Popen([sys.executable, "-m", "checker", "audit", *map(str, letters), "--scheduler",
                                  address, "-f", "json", "-o", str(tmp_path / "dask.json")],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + DEADLINE
            while not client.processing(workers=[names["w0"]]).get(names["w0"]):
                assert audit.poll() is None, "the audit ended before the worker was killed"
                assert time.monotonic() < deadline, "no task ever reached worker w0"
                time.sleep(0.02)
            workers[0].kill()
            workers[0].wait(timeout=10)
            assert audit.poll() is None, "the audit ended before the worker was killed"
            _, stderr = audit.communicate(timeout=120)
        finally:
            if audit.poll() is None:
                audit.kill()
                audit.wait(timeout=10)
        assert len(client.scheduler_info()["workers"]) == 1
    assert audit.returncode == 0, stderr
    _assert_same_audit(_report(tmp_path / "single.json"), _report(tmp_path / "dask.json"))


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path):
    done = run_mtus("audit", sorted(LETTERS_DIR.glob("*.pdf"))[0], "--scheduler", f"tcp://{HOST}:9", "-f", "json")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "cannot reach the Dask scheduler" in done.stderr


def test_a_cluster_without_workers_is_one_line_and_exit_2(tmp_path, monkeypatch):
    from checker.audit import cluster

    scheduler_file = tmp_path / "scheduler.json"
    scheduler = _dask("scheduler", "--host", HOST, "--port", "0", "--no-dashboard", "--scheduler-file",
                      str(scheduler_file), cwd=tmp_path)
    try:
        deadline = time.monotonic() + DEADLINE
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert time.monotonic() < deadline and scheduler.poll() is None, "the Dask scheduler did not start"
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        monkeypatch.setattr(cluster, "WORKER_WAIT", 2)
        with pytest.raises(cluster.InputError) as raised, cluster.dask_client(address, 1):
            pass
        assert "no workers" in str(raised.value.problem) and raised.value.problem.code == "cluster-unreachable"
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=10)


class _MostTasks(distributed.diagnostics.plugin.SchedulerPlugin):
    """The most tasks the scheduler held at once (in any state: queued, running, results kept)."""

    def __init__(self, scheduler):
        self.scheduler, self.most = scheduler, 0

    def transition(self, key, start, finish, *args, **kwargs):
        self.most = max(self.most, len(self.scheduler.tasks))


def test_a_local_cluster_holds_a_bounded_window_of_chunks_and_keeps_no_profiles():
    """Memory flat in the number of inputs: the cluster holds a few chunks whatever the count, results are
    released once read, and the workers keep no per-second profiles (they grow with the run's length)."""
    from checker.audit.cluster import DaskAudit, dask_client, window
    from checker.audit.collect import iter_sources
    from checker.audit.run import ordered_outcomes
    from checker.rules.ruleset import load_rules

    cases = sorted(LETTERS_DIR.parent.glob("*.yaml"))
    ruleset = load_rules(None)[0]
    single = [(o.path, o.problem, o.items) for o in ordered_outcomes(iter_sources(cases), 1, None, None, ruleset)]
    with dask_client(None, 1) as client:
        scheduler = client.cluster.scheduler
        held = _MostTasks(scheduler)
        scheduler.add_plugin(held)
        audit = DaskAudit(client, None, None, "warn", ruleset.provenance)
        clustered = [(o.path, o.problem, o.items) for o in audit.outcomes(iter_sources(cases), chunk=1)]
        deadline = time.monotonic() + DEADLINE
        while scheduler.tasks and time.monotonic() < deadline:  # the last release reaches the scheduler
            time.sleep(0.05)
        left = len(scheduler.tasks)
        profiling = client.run(lambda dask_worker: sorted(k for k in dask_worker.periodic_callbacks if "profile" in k))
    assert clustered == single and len(cases) >= 4 * window(1)
    # a result read and released is forgotten on the scheduler's loop, possibly just after the next submission
    assert 2 <= held.most <= window(1) + 1 and left == 0
    assert list(profiling.values()) == [[]]
