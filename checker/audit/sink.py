"""Where a report goes: stdout, or a file written atomically (temporary file, then rename)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from checker.audit.collect import is_source_under
from checker.core.errors import InputError, Problem
from checker.core.output import atomic_file


@contextmanager
def open_output(path: str | Path | None, inputs: Iterable[str | Path] = ()) -> Iterator[IO[str]]:
    """Yield a text stream; for a path, the file appears only complete, and never over an input
    (an input file named, or a file the audit reads in an input folder)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    inputs = list(inputs)
    with atomic_file(path, inputs, is_input=lambda target: is_source_under(target, inputs)) as handle:
        yield handle


def check_destinations(inputs: Iterable[str | Path], output: str | Path | None, db: str | Path | None) -> None:
    """Refuse a run store (``--db``) that is an input or the report file (``-o``): writing one would destroy
    the other. (The report itself is checked against the inputs when it is written.)"""
    if db is None:
        return
    inputs = list(inputs)
    store = Path(db).resolve()
    if output is not None and Path(output).resolve() == store:
        raise InputError(Problem(str(db), "the report (-o) and the audit database (--db) are the same file",
                                 hint="give the report another name", code="output-collision"))
    if any(store == Path(i).resolve() for i in inputs) or is_source_under(store, inputs):
        raise InputError(Problem(str(db), "refusing to use an input file as the audit database", code="bad-output"))
