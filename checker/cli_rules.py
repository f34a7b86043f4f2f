"""`mtus rules ...`: the rule authoring commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checker.cli import rules_app


@rules_app.command("validate")
def rules_validate(path: Annotated[Path | None, typer.Argument(help="Rules folder or file.")] = None) -> None:
    """Check rule files; print each problem as FILE:LINE:COL: message."""
    from checker.rules import load_rules

    ruleset, problems = load_rules(path, strict=False)
    for problem in problems:
        print(problem)
    if problems:
        raise typer.Exit(2)
    print(f"{len(ruleset.rules)} rules in {len(ruleset.files)} files: no problems")
