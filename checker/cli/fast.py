"""The ``mtus`` command line: parses arguments and calls the library, nothing more.

This module is the entry point and imports neither typer nor the library up front: a plain
``mtus check CASE... [options]`` is parsed here with the standard library and run at once (typer
converts arguments through pydantic, which would cost more than the check itself).  Everything else,
including help, usage errors and any option this parser does not know, goes to the typer app in
``checker.cli.app``, which defines every command (``check`` included) and prints the usage messages.
``app``, ``rules_app``, ``RulesOption`` and ``CheckFormat`` can still be imported from here.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from checker.core.errors import InputError, Problem

CHECK_FORMATS = ("text", "json", "markdown", "html")
_TYPER_NAMES = ("app", "rules_app", "RulesOption", "CheckFormat", "check")


def __getattr__(name: str) -> Any:
    """The typer objects, defined in ``checker.cli.app`` (imported on first use)."""
    if name in _TYPER_NAMES:
        from checker.cli import app as cli_app

        return getattr(cli_app, name)
    raise AttributeError(f"module 'checker.cli.fast' has no attribute '{name}'")


def _err(message: object) -> None:
    print(f"error: {message}" if not isinstance(message, (Problem, InputError)) else str(message), file=sys.stderr)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(Problem("--as-of", f"'{value}' is not a date (YYYY-MM-DD)")) from None


def run_check(cases: list[Path], fmt: str = "text", output: Path | None = None, fail_on_deny: bool = False,
              as_of: str | None = None, rules: Path | None = None) -> int:
    """``mtus check``: evaluate the case files, print or write the report; the exit code (0, 1 or 2)."""
    from checker.engine.check import check_files

    report = check_files(cases, fmt, rules_path=rules, as_of=_as_of(as_of))
    for problem in report.problems:
        _err(problem)
    if output is not None:
        from checker.core.output import write_atomic

        write_atomic(output, report.rendered, inputs=cases)
    elif report.rendered:
        sys.stdout.write(report.rendered)
    if report.problems:
        return 2
    if fail_on_deny and report.any_upheld:
        return 1
    return 0


_CHECK_OPTIONS = {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output", "--as-of": "as_of",
                  "--rules": "rules"}


def plain_check(argv: list[str]) -> dict[str, Any] | None:
    """The arguments of ``mtus check`` when ``argv`` is a plain, valid check invocation, else None.

    Plain means: ``check``, then case paths and the options ``--format/-f``, ``--output/-o``,
    ``--as-of``, ``--rules`` (as ``--opt value``, ``--opt=value`` or ``-fvalue``) and ``--fail-on-deny``,
    each at most once, with a known format.  Anything else returns None so typer parses it and reports
    usage errors in its own words.
    """
    if not argv or argv[0] != "check":
        return None
    args: dict[str, Any] = {"cases": []}
    tokens = iter(argv[1:])
    for token in tokens:
        if token == "--fail-on-deny" and "fail_on_deny" not in args:
            args["fail_on_deny"] = True
            continue
        if not token.startswith("-") or token == "-":
            args["cases"].append(Path(token))
            continue
        name, eq, value = token.partition("=")
        if not eq and token[:2] in ("-f", "-o") and len(token) > 2:
            name, value, eq = token[:2], token[2:], "="
        key = _CHECK_OPTIONS.get(name) if name.startswith("--") or len(name) == 2 else None
        if key is None or key in args or (eq and name.startswith("-") and not name.startswith("--")
                                          and token[2:3] == "="):
            return None  # unknown or repeated option, "--", "-f=json": typer decides
        if not eq:
            value = next(tokens, None)
            if value is None or value.startswith("-"):
                return None
        args[key] = value
    if not args["cases"] or args.get("fmt", "text") not in CHECK_FORMATS:
        return None
    for key in ("output", "rules"):
        if key in args:
            args[key] = Path(args[key])
    return args


def main() -> None:
    """Console entry point: bad input is one line on stderr and exit code 2, never a traceback."""
    try:
        plain = plain_check(sys.argv[1:])
        if plain is not None:
            sys.exit(run_check(**plain))
        from checker.cli.app import app

        app()  # standalone: usage errors print one message and exit 2
    except InputError as exc:
        _err(exc)
        sys.exit(2)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, exit 1 as click does
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
