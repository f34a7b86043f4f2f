"""``mtus audit PATH...`` without typer: the run itself, and the plain-argument parser the entry point uses.

Typer converts arguments through pydantic, whose import costs ~0.3-0.6 s of a run: a plain invocation is
parsed here with the standard library; anything else (help, ``diff``, ``runs``, usage errors) goes to typer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from checker.cli.common import EDITION_POLICIES, ExitCode, output_format, parse_as_of, parse_plain, report_error
from checker.core.errors import InputError, Problem

AUDIT_FORMATS = ("text", "json", "csv", "html", "parquet")
EXECUTORS = ("local", "dask")
_OPTIONS = {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output", "--jobs": "jobs", "-j": "jobs",
            "--executor": "executor", "--scheduler": "scheduler", "--db": "db", "--as-of": "as_of",
            "--rules": "rules", "--edition-policy": "edition_policy"}
_FLAGS = {"--progress": "progress", "--no-progress": "progress"}
_SUBCOMMANDS = ("run", "diff", "runs")


def progress_wanted(flag: bool | None, output: Path | None) -> bool:
    """``--progress/--no-progress`` as given, else a bar when stderr is a terminal and the report is not on it."""
    if flag is not None:
        return flag
    return sys.stderr.isatty() and (output is not None or sys.stdout.isatty())


def run_audit_command(paths: list[Path], fmt: str | None = None, output: Path | None = None, jobs: int = 1,
                      executor: str = "local", scheduler: str | None = None, db: Path | None = None,
                      as_of: str | None = None, progress: bool | None = None, rules: Path | None = None,
                      edition_policy: str = "warn") -> int:
    """Evaluate letters and cases, compare with the actual outcomes, report; the exit code (2 if an input was bad)."""
    from checker.audit.progress import progress_bar
    from checker.audit.run import run_audit
    from checker.audit.sink import check_destinations, open_output
    from checker.audit.writers import write_report

    date = parse_as_of(as_of)
    fmt = output_format(fmt, output, AUDIT_FORMATS)
    if fmt == "parquet" and output is None:
        raise InputError(Problem("--format parquet", "Parquet is binary: name the file with -o items.parquet",
                                 code="bad-output"))
    workers = jobs or os.cpu_count() or 1
    check_destinations(paths, output, db)
    store = None
    if db is not None:
        from checker.audit.store import Store

        store = Store(db)
    try:
        with progress_bar(paths, progress_wanted(progress, output)) as on_file:
            result = run_audit(paths, rules_path=rules, as_of=date, jobs=workers, on_file=on_file, store=store,
                               edition_policy=edition_policy, executor="dask" if scheduler else executor,
                               scheduler=scheduler)
        try:
            with open_output(output, paths) as out:
                write_report(result, fmt, out, color=output is None and sys.stdout.isatty())
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return ExitCode.FAILED
        finally:
            result.close()
    finally:
        if store is not None:
            store.close()
    for problem in [*result.notices, *result.errors]:
        report_error(problem)
    if result.run_id is not None:
        print(f"audit run {result.run_id} recorded in {db}", file=sys.stderr)
    return ExitCode.BAD_INPUT if result.errors else ExitCode.OK


def plain_audit(argv: list[str]) -> dict[str, Any] | None:
    """The arguments of ``mtus audit [run] PATH...`` when ``argv`` is a plain, valid audit invocation, else None.

    Plain means: paths and the options of :func:`run_audit_command` (as :func:`~checker.cli.common.parse_plain`
    reads them), each at most once, with a known format, executor and policy and ``--jobs`` a number >= 0.
    """
    if len(argv) < 2 or argv[0] != "audit" or argv[1] in _SUBCOMMANDS[1:]:
        return None
    args = parse_plain(argv[2:] if argv[1] == "run" else argv[1:], _OPTIONS, _FLAGS, "paths")
    if args is None or not args["paths"] or args.get("fmt", "text") not in AUDIT_FORMATS or \
            args.get("executor", "local") not in EXECUTORS or \
            args.get("edition_policy", "warn") not in EDITION_POLICIES:
        return None
    if "jobs" in args:
        if not args["jobs"].isdigit():
            return None
        args["jobs"] = int(args["jobs"])
    for key in ("output", "db", "rules"):
        if key in args:
            args[key] = Path(args[key])
    return args
