"""The typer application, its ``rules`` group, the options commands share, and ``mtus check``.

Command groups live in their own modules and register themselves on ``app`` when imported;
``checker.cli.commands`` imports them all.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.check import run_check

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Predict IMR outcomes from case facts and the MTUS, and explain every criterion.")
rules_app = typer.Typer(no_args_is_help=True, help="Tools for rule authors: validate, test, docs, show.")
app.add_typer(rules_app, name="rules")


def _print_version(value: bool) -> None:
    if value:
        from checker import __version__

        typer.echo(f"mtus-checker {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Predict IMR outcomes from case facts and the MTUS, and explain every criterion."""


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    rfa = "rfa"


class EditionPolicy(str, Enum):
    warn = "warn"
    refuse = "refuse"


EditionPolicyOption = Annotated[EditionPolicy, typer.Option(
    "--edition-policy", help="For a date no encoded MTUS edition covers: warn (evaluate with the nearest encoded "
    "edition and say which) or refuse (the item is not covered).")]
RulesOption = Annotated[Path | None, typer.Option("--rules", help="Rules folder or file (default: bundled rules/).")]


@app.command()
def check(
    cases: Annotated[list[Path], typer.Argument(
        help="Case files (.yaml, .json), notes or IMR letters (.txt, .pdf), or folders of them.")],
    format: Annotated[CheckFormat | None, typer.Option(
        "--format", "-f", help="Output format (default: from the -o file's extension, else text).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on_deny: Annotated[bool, typer.Option(
        "--fail-on-deny", help="Exit 1 if any item is predicted upheld, or has no prediction.")] = False,
    allow_uncovered: Annotated[bool, typer.Option(
        "--allow-uncovered", help="With --fail-on-deny: let items without a prediction pass.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Pick rules in force on this date (YYYY-MM-DD).")] = None,
    rules: RulesOption = None,
    edition_policy: EditionPolicyOption = EditionPolicy.warn,
    request: Annotated[list[str] | None, typer.Option("--request", help="A requested item of a note, as written "
                                                      "(repeatable); instead of the note's treatment plan.")] = None,
) -> None:
    """Evaluate case files, or a physician's note (PR-2, RFA, follow-up), against the MTUS rules."""
    code = run_check(cases, format.value if format else None, output, fail_on_deny, as_of, rules,
                     edition_policy.value, request, allow_uncovered=allow_uncovered)
    if code:
        raise typer.Exit(code)

