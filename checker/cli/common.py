"""What every ``mtus`` command shares: the exit codes, the one-line error report, option parsing helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

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


_KIND_WORDS = {"case": "case files (.yaml, .yml, .json)", "letter": "letters (.pdf, .txt)"}


def expand_folders(paths: list[Path], kinds: tuple[str, ...]) -> tuple[list[Path], list[Problem]]:
    """The files named, with each folder replaced by the files of ``kinds`` (``case``, ``letter``) under it,
    found as ``mtus audit`` finds them; a folder holding none is a problem naming it."""
    from checker.audit.collect import iter_sources

    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)  # a missing or unreadable file is the reader's to report
            continue
        found = [Path(s.path) for s in iter_sources([path]) if s.kind in kinds]
        if not found:
            what = " or ".join(_KIND_WORDS[k] for k in kinds)
            problems.append(Problem(str(path), f"no {what} in this folder", code="no-such-file"))
        files += found
    return files, problems


_EXTENSIONS = {".html": "html", ".htm": "html", ".json": "json", ".md": "markdown", ".markdown": "markdown",
               ".csv": "csv", ".txt": "text", ".parquet": "parquet"}


def output_format(fmt: str | None, output: Path | None, formats: tuple[str, ...]) -> str:
    """The report format: as given, else as the ``-o`` file's extension says, else text.  A format that
    contradicts the extension (``-f text -o report.html``) is refused rather than written into the wrong file."""
    implied = _EXTENSIONS.get(output.suffix.lower()) if output is not None else None
    implied = implied if implied in formats else None
    if fmt is None:
        return implied or "text"
    if implied is not None and implied != fmt:
        raise InputError(Problem(str(output), f"the file name says {implied}, but --format is {fmt}",
                                 hint=f"use --format {implied}, or name the file for {fmt}", code="bad-output"))
    return fmt


def parse_plain(tokens: list[str], options: dict[str, str], flags: dict[str, str],
                positional: str) -> dict[str, Any] | None:
    """Plain arguments as a dict (the entry point's way past typer): ``positional`` values, the ``options`` (each
    name to its key: ``--opt value``, ``--opt=value`` or ``-fvalue``) and ``flags`` (name to key, value True; a
    key may have two names, as ``--progress`` / ``--no-progress``), each key at most once.  None for anything
    else (an unknown or repeated option, ``--``, ``-f=json``, a missing value), so typer reports it in its words.
    """
    args: dict[str, Any] = {positional: []}
    tokens_left = iter(tokens)
    for token in tokens_left:
        if token in flags:
            key = flags[token]
            if key in args:
                return None
            args[key] = not token.startswith("--no-")
            continue
        if not token.startswith("-") or token == "-":
            args[positional].append(Path(token))
            continue
        name, eq, value = token.partition("=")
        if not eq and token[:2] in options and not token.startswith("--") and len(token) > 2:
            name, value, eq = token[:2], token[2:], "="
        key = options.get(name) if name.startswith("--") or len(name) == 2 else None
        if key is None or key in args or (eq and not name.startswith("--") and token[2:3] == "="):
            return None
        if not eq:
            value = next(tokens_left, None)
            if value is None or value.startswith("-"):
                return None
        args[key] = value
    return args
