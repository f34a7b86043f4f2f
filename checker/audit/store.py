"""A SQLite store of audit runs (stdlib sqlite3): each run's rule-set provenance, inputs, times and items.

Later runs add to the same file; :func:`Store.diff` lists the items whose prediction changed
between two runs, matched by case id, item index and request text.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from checker.audit.items import Row
from checker.core.errors import InputError, Problem

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started TEXT NOT NULL,
  finished TEXT,
  rules_version TEXT NOT NULL,
  rules_hash TEXT NOT NULL,
  inputs TEXT NOT NULL,          -- JSON list of the paths given
  files INTEGER,
  errors INTEGER,
  items INTEGER,
  agreement REAL,
  kappa REAL,
  summary TEXT                   -- JSON summary, as in the report
);
CREATE TABLE IF NOT EXISTS items (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  item_index INTEGER NOT NULL,
  request TEXT NOT NULL,
  source TEXT,
  kind TEXT,
  drug TEXT,
  drug_class TEXT,
  rule TEXT,
  predicted TEXT,
  actual TEXT,
  criteria TEXT,                 -- JSON [[id, status], ...]
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS items_match ON items (run_id, case_id, item_index, request);
"""

#: Seconds between commits while items are added (a commit waits for the disk; other audits writing to the same
#: file wait at most this long for the lock, besides).
COMMIT_EVERY = 1.0

# Item b (of another run) is item a: same case id, same input, same place in it, same request text.
_SAME_ITEM = "b.case_id = a.case_id AND b.source IS a.source AND b.item_index = a.item_index AND b.request = a.request"


class Store:
    """An audit database; open it with ``Store(path)``, close it with :meth:`close` (or ``with``)."""

    def __init__(self, path: str | Path, create: bool = True):
        self.path = str(path)
        if not create and not Path(path).is_file():
            raise InputError(Problem(self.path, "no such audit database"))
        if Path(path).exists() and not Path(path).is_file():  # a folder, or a named pipe that would block
            raise InputError(Problem(self.path, "not a regular file, so not an audit database", code="not-a-file"))
        try:
            self.db = sqlite3.connect(self.path, timeout=60)  # concurrent audits wait for each other
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise InputError(Problem(self.path, f"not an audit database: {exc}")) from None
        self._seq: dict[int, int] = {}
        self._profiles: dict[tuple, str] = {}  # criteria profile -> its JSON (an archive repeats a few)
        self._committed = time.monotonic()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """Turn a failed write (a full disk, a read-only file, a locked database) into an InputError."""
        try:
            yield
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):
                self.db.rollback()
            raise InputError(Problem(self.path, f"cannot record the audit run ({what}): {exc}",
                                     code="audit-store")) from None

    def begin_run(self, provenance: dict[str, str], inputs: list[str], started: str) -> int:
        """Record a new run (unfinished until :meth:`finish_run`) and return its id."""
        with self._writing("starting it"):
            cur = self.db.execute("INSERT INTO runs (started, rules_version, rules_hash, inputs) VALUES (?, ?, ?, ?)",
                                  (started, provenance["version"], provenance["hash"], json.dumps(inputs)))
            self.db.commit()
        run_id = int(cur.lastrowid or 0)
        self._seq[run_id] = 0
        return run_id

    def add_items(self, run_id: int, rows: Iterable[Row]) -> None:
        """Append items to a run, in order."""
        seq = self._seq.get(run_id, 0)
        values = []
        profiles = self._profiles
        for row in rows:
            criteria = profiles.get(row.profile)
            if criteria is None:
                if len(profiles) > 10_000:
                    profiles.clear()
                criteria = profiles[row.profile] = json.dumps([list(p) for p in row.profile])
            values.append((run_id, seq, row.case_id, row.index, row.request, row.source, row.kind, row.drug,
                           row.drug_class, row.rule, row.predicted, row.actual, criteria))
            seq += 1
        with self._writing("adding items"):
            self.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
            if time.monotonic() - self._committed >= COMMIT_EVERY:
                self._commit()
        self._seq[run_id] = seq

    def _commit(self) -> None:
        self.db.commit()
        self._committed = time.monotonic()

    def finish_run(self, run_id: int, finished: str, summary: dict[str, Any], files: int, errors: int) -> None:
        """Close a run with its summary: only then does it count as finished."""
        with self._writing("finishing it"):
            self.db.execute("UPDATE runs SET finished=?, files=?, errors=?, items=?, agreement=?, kappa=?, "
                            "summary=? WHERE id=?", (finished, files, errors, summary["items"],
                                                     summary["agreement"], summary.get("kappa"),
                                                     json.dumps(summary), run_id))
            self._commit()

    def runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first."""
        cur = self.db.execute("SELECT id, started, finished, rules_version, rules_hash, inputs, files, errors, items, "
                              "agreement, kappa FROM runs ORDER BY id")
        names = [d[0] for d in cur.description]
        return [{**dict(zip(names, r, strict=True)), "inputs": json.loads(r[5])} for r in cur]

    def run(self, run_id: int) -> dict[str, Any]:
        """One run's record; InputError if there is no such run."""
        for run in self.runs():
            if run["id"] == run_id:
                return run
        raise InputError(Problem(self.path, f"no audit run {run_id} in this database"))

    def finished_run(self, run_id: int) -> dict[str, Any]:
        """One finished run's record; InputError if there is no such run or it never finished."""
        run = self.run(run_id)
        if run["finished"] is None:
            raise InputError(Problem(self.path, f"audit run {run_id} did not finish (interrupted, or its recording "
                                                "failed): its items are incomplete and cannot be compared",
                                     code="audit-store"))
        return run

    def diff(self, run_a: int, run_b: int) -> Iterator[dict[str, Any]]:
        """Items of both runs (same case id, source, index and request) whose prediction differs, in run A's order;
        InputError if either run is missing or unfinished.

        The source is part of the key: a case id carried by two inputs (a letter and the case encoded from it)
        is two items, never matched across."""
        self.finished_run(run_a)
        self.finished_run(run_b)
        cur = self.db.execute(
            "SELECT a.case_id, a.item_index, a.request, a.source, a.drug, a.rule, b.rule, a.predicted, b.predicted, "
            "a.actual, a.criteria, b.criteria FROM items a JOIN items b "
            f"ON b.run_id = ? AND {_SAME_ITEM} "
            "WHERE a.run_id = ? AND a.predicted IS NOT b.predicted ORDER BY a.seq", (run_b, run_a))
        for case_id, index, request, source, drug, rule_a, rule_b, pred_a, pred_b, actual, crit_a, crit_b in cur:
            before, after = dict(map(tuple, json.loads(crit_a))), dict(map(tuple, json.loads(crit_b)))
            changed = [{"id": i, "before": before.get(i), "after": after.get(i)}
                       for i in [*before, *(k for k in after if k not in before)] if before.get(i) != after.get(i)]
            yield {"case_id": case_id, "index": index, "request": request, "source": source, "drug": drug,
                   "rule": {"before": rule_a, "after": rule_b}, "predicted": {"before": pred_a, "after": pred_b},
                   "actual": actual, "criteria_changed": changed}

    def unmatched(self, run_a: int, run_b: int) -> dict[str, int]:
        """How many items are only in run A, and only in run B."""
        sql = ("SELECT count(*) FROM items a WHERE a.run_id = ? AND NOT EXISTS (SELECT 1 FROM items b WHERE "
               f"b.run_id = ? AND {_SAME_ITEM})")
        only_a = self.db.execute(sql, (run_a, run_b)).fetchone()[0]
        only_b = self.db.execute(sql, (run_b, run_a)).fetchone()[0]
        return {"only_in_a": only_a, "only_in_b": only_b}
