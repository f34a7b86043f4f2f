"""`mtus ingest LETTER...`: turn IMR decision letters (.pdf or .txt) into case files."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import app
from checker.cli.common import ExitCode, expand_folders, report_error


class IngestFormat(str, Enum):
    yaml = "yaml"
    json = "json"


@app.command("ingest")
def ingest(
    letters: Annotated[list[Path], typer.Argument(help="IMR decision letters (.pdf or .txt), or folders of them.")],
    format: Annotated[IngestFormat, typer.Option("--format", "-f", help="Output format.")] = IngestFormat.yaml,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write one <case_id>.yaml|json per letter into this folder.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files in the output folder.")] = False,
) -> None:
    """Extract a case (facts with their sentences, and the disputed items) from each letter."""
    from checker.ingest.batch import ingest_letters

    files, missing = expand_folders(letters, ("letter",))
    result = ingest_letters(files, format.value, output, force=force)
    result.problems[:0] = missing
    if result.stdout:
        typer.echo(result.stdout, nl=False)
    for problem in result.problems:
        report_error(problem)
    if result.problems:
        raise typer.Exit(ExitCode.BAD_INPUT)
