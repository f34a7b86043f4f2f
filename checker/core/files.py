"""Read an input file safely: a regular file only (a named pipe would block forever), within a size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from checker.core.errors import InputError, Problem
from checker.core.limits import Limit


def read_bytes(path: str | Path, limit: Limit, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is an InputError naming it."""
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(Problem(name, "no such file", code="no-such-file")) from None
    except OSError as exc:
        raise InputError(Problem(name, f"cannot read: {exc.strerror}")) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(Problem(name, "is a folder, not a file", code="not-a-file"))
    if not stat.S_ISREG(info.st_mode):
        raise InputError(Problem(name, "not a regular file (a named pipe or device?)", code="not-a-file"))
    most = limit.value  # read from the environment once
    if info.st_size > most:
        raise limit.exceeded(name, f"{what} of {info.st_size:,} bytes is too large")
    try:
        with open(path, "rb") as handle:
            # The size stat gave, then whatever the file grew by since (asking for the limit's worth of bytes at
            # once would allocate that much for every small file).
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(most + 1 - len(data))
    except OSError as exc:
        raise InputError(Problem(name, f"cannot read: {exc.strerror}")) from None
    if len(data) > most:
        raise limit.exceeded(name, f"{what} is too large")
    return data
