"""`mtus formulary import LIST -o FILE`: the DWC's MTUS Drug List (xlsx or csv) into a formulary file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import app
from checker.cli.common import input_errors
from checker.core.errors import InputError, Problem

formulary_app = typer.Typer(no_args_is_help=True, help="The MTUS Drug Formulary: import the DWC's MTUS Drug List.")
app.add_typer(formulary_app, name="formulary")


@formulary_app.command("import")
def import_list(
    drug_list: Annotated[Path, typer.Argument(metavar="LIST", help="The MTUS Drug List as published (.xlsx or .csv).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The formulary file to write, e.g. "
                                                                 "rules/formulary/mtus-drug-list-2018-10-01.yaml.")],
    effective: Annotated[str | None, typer.Option("--effective", help="The list's effective date (YYYY-MM-DD), "
                                                  "when its title rows do not give it.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing formulary file.")] = False,
) -> None:
    """Read the list's columns by their headers and write a versioned formulary file a rules folder picks up."""
    from checker.authoring.drug_list import import_drug_list
    from checker.core.output import write_atomic

    with input_errors():
        when = None
        if effective is not None:
            try:
                when = date.fromisoformat(effective)
            except ValueError:
                raise InputError(Problem("--effective", f"'{effective}' is not a date (YYYY-MM-DD)")) from None
        text, count = import_drug_list(drug_list, when)
        write_atomic(output, text, inputs=[drug_list], force=force)
    typer.echo(f"{output}: {count} drugs from {drug_list}")
