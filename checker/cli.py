"""The ``mtus`` command line: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from checker.errors import InputError, Problem

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Predict IMR outcomes from case facts and the MTUS, and explain every criterion.")
rules_app = typer.Typer(no_args_is_help=True, help="Tools for rule authors: validate, test, docs, show.")
app.add_typer(rules_app, name="rules")


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


def _err(message: object) -> None:
    print(f"error: {message}" if not isinstance(message, (Problem, InputError)) else str(message), file=sys.stderr)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(Problem("--as-of", f"'{value}' is not a date (YYYY-MM-DD)")) from None


RulesOption = Annotated[Path | None, typer.Option("--rules", help="Rules folder or file (default: bundled rules/).")]


@app.command()
def check(
    cases: Annotated[list[Path], typer.Argument(help="Case files (.yaml or .json).")],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = CheckFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on_deny: Annotated[bool, typer.Option("--fail-on-deny", help="Exit 1 if any is predicted upheld.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Pick rules in force on this date (YYYY-MM-DD).")] = None,
    rules: RulesOption = None,
) -> None:
    """Evaluate case files against the MTUS rules."""
    from checker.check import check_files

    report = check_files(cases, format.value, rules_path=rules, as_of=_as_of(as_of))
    for problem in report.problems:
        _err(problem)
    if output is not None:
        from checker.output import write_atomic

        write_atomic(output, report.rendered, inputs=cases)
    elif report.rendered:
        sys.stdout.write(report.rendered)
    if report.problems:
        raise typer.Exit(2)
    if fail_on_deny and report.any_upheld:
        raise typer.Exit(1)


# Command groups live in their own modules; importing them registers their commands.
from checker import cli_audit, cli_ingest, cli_rules  # noqa: E402, F401


def main() -> None:
    """Console entry point: bad input is one line on stderr and exit code 2, never a traceback."""
    try:
        app()  # standalone: usage errors print one message and exit 2
    except InputError as exc:
        _err(exc)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
