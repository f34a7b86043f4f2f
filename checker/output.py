"""Write outputs atomically, and never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from checker.errors import InputError, Problem


def write_atomic(path: str | Path, text: str | bytes, inputs: Iterable[str | Path] = (), force: bool = True) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Refuses to write over any of ``inputs``, and over an existing file unless ``force``.
    """
    target = Path(path)
    resolved = target.resolve()
    if any(resolved == Path(i).resolve() for i in inputs):
        raise InputError(Problem(str(target), "refusing to overwrite an input file"))
    if target.exists() and not force:
        raise InputError(Problem(str(target), "already exists", hint="use --force to overwrite"))
    target.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
