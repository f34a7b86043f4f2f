"""`mtus serve`: the local web check and the CDS Hooks services."""

from __future__ import annotations

from typing import Annotated

import typer

from checker.cli.app import app
from checker.cli.common import ExitCode, report_error


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: this machine only).")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8000,
) -> None:
    """Serve the web check at / and CDS Hooks 2.0 services at /cds-services (Ctrl-C stops)."""
    from checker.web.server import serve as run

    def ready(url: str) -> None:
        typer.echo(f"mtus serve: web check {url}/  CDS Hooks discovery {url}/cds-services  (Ctrl-C stops)", err=True)

    try:
        run(host, port, ready)
    except OSError as exc:
        report_error(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(ExitCode.BAD_INPUT) from None
    except KeyboardInterrupt:
        raise typer.Exit(ExitCode.OK) from None
