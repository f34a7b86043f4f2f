"""What every ``mtus`` command shares: the exit codes, the one-line error report, option parsing helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import IntEnum

from checker.core.errors import InputError, Problem


class ExitCode(IntEnum):
    """The exit codes of every command (design.md): 0 ok, 1 a gate failed, 2 bad input."""

    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


def report_error(message: object) -> None:
    """One line on stderr: a Problem or InputError as FILE:LINE:COL: message, anything else as ``error: ...``."""
    print(f"error: {message}" if not isinstance(message, (Problem, InputError)) else str(message), file=sys.stderr)


@contextmanager
def input_errors() -> Iterator[None]:
    """Bad input: one line on stderr, exit 2 (also under CliRunner, where main() does not run)."""
    import typer

    try:
        yield
    except InputError as exc:
        report_error(exc)
        raise typer.Exit(ExitCode.BAD_INPUT) from None


def parse_as_of(value: str | None) -> date | None:
    """The ``--as-of`` date, or an InputError naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(Problem("--as-of", f"'{value}' is not a date (YYYY-MM-DD)")) from None


EDITION_POLICIES = ("warn", "refuse")


def parse_edition_policy(value: str | None) -> str:
    """``--edition-policy``: ``warn`` (the default) or ``refuse``, else an InputError naming the option."""
    if value is None:
        return "warn"
    if value not in EDITION_POLICIES:
        raise InputError(Problem("--edition-policy", f"'{value}' is not one of: " + ", ".join(EDITION_POLICIES)))
    return value
