"""Where a report goes: stdout, or a file written atomically (temporary file, then rename)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from checker.errors import InputError, Problem


@contextmanager
def open_output(path: str | Path | None, inputs: Iterable[str | Path] = ()) -> Iterator[IO[str]]:
    """Yield a text stream; for a path, the file appears only complete, and never over an input."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise InputError(Problem(str(target), "is a folder; -o needs a file name"))
    resolved = target.resolve()
    if any(resolved == Path(i).resolve() for i in inputs):
        raise InputError(Problem(str(target), "refusing to overwrite an input file"))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
