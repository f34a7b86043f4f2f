"""`mtus extract NOTE -o case.yaml`: the case read from a physician's note, to edit and check again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import app
from checker.cli.common import ExitCode, report_error


@app.command("extract")
def extract(
    note: Annotated[Path, typer.Argument(help="A progress note, RFA or follow-up note (.txt or .pdf).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the case here (.yaml or .json).")] = None,
    request: Annotated[list[str] | None, typer.Option("--request", help="A requested item as written (repeatable); "
                                                      "instead of the note's treatment plan.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")] = False,
) -> None:
    """Extract the case (facts with their sentences, requested items) from a note."""
    from checker.core.errors import InputError, Problem
    from checker.ingest.note import extract_note

    try:
        if output is not None and output.exists() and not force:
            raise InputError(Problem(str(output), "exists already", hint="use --force to overwrite it"))
        rendered = extract_note(note, request, "json" if output is not None and output.suffix == ".json" else "yaml")
    except InputError as exc:
        report_error(exc)
        raise typer.Exit(ExitCode.BAD_INPUT) from None
    if output is None:
        typer.echo(rendered, nl=False)
        return
    from checker.core.output import write_atomic

    write_atomic(output, rendered, inputs=[note])
