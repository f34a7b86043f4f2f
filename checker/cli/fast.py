"""The ``mtus`` entry point: a plain ``mtus check`` or ``mtus audit`` runs here, everything else goes to typer.

This module imports neither typer nor the library up front: a plain ``mtus check CASE... [options]`` or
``mtus audit PATH... [options]`` is parsed with the standard library (``checker.cli.check``,
``checker.cli.audit_run``) and run at once (typer converts arguments through
pydantic, which would cost more than the check itself).  Everything else, including help, usage errors and
any option that parser does not know, goes to the typer app in ``checker.cli.commands``.
"""

from __future__ import annotations

import sys

from checker.cli.audit_run import plain_audit, run_audit_command
from checker.cli.check import plain_check, run_check
from checker.cli.common import ExitCode, report_error
from checker.core.errors import InputError


def main() -> None:
    """Console entry point: bad input is one line on stderr and exit code 2, never a traceback."""
    try:
        plain = plain_check(sys.argv[1:])
        if plain is not None:
            sys.exit(run_check(**plain))
        audit = plain_audit(sys.argv[1:])
        if audit is not None:
            sys.exit(run_audit_command(**audit))
        from checker.cli.commands import app

        app()  # standalone: usage errors print one message and exit 2
    except InputError as exc:
        report_error(exc)
        sys.exit(ExitCode.BAD_INPUT)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, exit 1 as click does
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(ExitCode.FAILED)
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
