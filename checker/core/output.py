"""Write outputs atomically, and never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from checker.core.errors import InputError, Problem


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(path: str | Path, inputs: Iterable[str | Path] = (), force: bool = True,
                is_input: Callable[[Path], bool] | None = None) -> Iterator[IO[str]]:
    """A text stream whose content appears at ``path`` only complete (temporary file, then rename).

    Refuses to write over any of ``inputs`` (or a path ``is_input`` accepts), and over an existing file
    unless ``force``. A path that cannot be written is an InputError naming it, never an OSError.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(Problem(str(target), "is a folder; -o needs a file name"))
    resolved = target.resolve()
    if any(resolved == Path(i).resolve() for i in inputs) or (is_input is not None and is_input(resolved)):
        raise InputError(Problem(str(target), "refusing to overwrite an input file"))
    if target.exists() and not force:
        raise InputError(Problem(str(target), "already exists", hint="use --force to overwrite"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except (FileExistsError, NotADirectoryError):  # a file stands where a parent folder should be
        raise InputError(Problem(str(target), "cannot write: a parent is a file, not a folder")) from None
    except OSError as exc:
        raise InputError(Problem(str(target), f"cannot write: {exc.strerror}")) from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as open() would create it (mkstemp makes it private)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(Problem(str(target), f"cannot write: {exc.strerror}")) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str, inputs: Iterable[str | Path] = (), force: bool = True) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (see :func:`atomic_file`)."""
    with atomic_file(path, inputs, force) as handle:
        handle.write(text)
