"""`mtus audit --jobs N`: a worker process that dies mid-run (killed, out of memory) never stalls the run, and the
report is the one a single process gives. Real processes: the audit runs as `python -m checker`, and a worker is
killed with SIGKILL while it works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import LETTERS_DIR, ROOT


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _items(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["items"]


def test_a_worker_killed_mid_run_is_replaced_and_the_report_is_complete(tmp_path):
    one = tmp_path / "one.json"
    done = subprocess.run([sys.executable, "-m", "checker", "audit", LETTERS_DIR, "-f", "json", "-o", one],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    two = tmp_path / "two.json"
    audit = subprocess.Popen([sys.executable, "-m", "checker", "audit", LETTERS_DIR, "--jobs", "2", "-f", "json",
                              "-o", two], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and audit.poll() is None and time.monotonic() < deadline:
        workers = _children(audit.pid)
        if workers:
            time.sleep(0.3)  # let it take a chunk
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.02)
    try:
        _, err = audit.communicate(timeout=300)  # a lost worker must not hang the run
    finally:
        audit.kill()
    assert killed is not None, "no worker process was seen"
    assert audit.returncode in (0, 1), err
    assert _items(two) == _items(one)  # every letter audited: the killed worker's work was rerun
