"""Every ``mtus`` command: the typer app with each command group registered on it."""

from __future__ import annotations

import checker.cli.audit  # noqa: F401  (importing a group registers its commands)
import checker.cli.extract  # noqa: F401
import checker.cli.formulary  # noqa: F401
import checker.cli.ingest  # noqa: F401
import checker.cli.rules  # noqa: F401
import checker.cli.serve  # noqa: F401
from checker.cli.app import app, rules_app

__all__ = ["app", "rules_app"]
