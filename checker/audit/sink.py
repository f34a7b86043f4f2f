"""Where a report goes: stdout, or a file written atomically (temporary file, then rename)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from checker.audit.collect import is_source_under
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
