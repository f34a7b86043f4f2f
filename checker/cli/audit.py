"""`mtus audit`: consistency audit of past decisions (registered on import).

``mtus audit PATH...`` runs an audit (it is ``mtus audit run PATH...``: any first argument that is
not a sub-command name is taken as a path), ``mtus audit diff A B --db FILE`` compares two stored
runs, and ``mtus audit runs --db FILE`` lists them.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from checker.cli.app import EditionPolicy, EditionPolicyOption, RulesOption, app
from checker.cli.common import ExitCode, output_format, parse_as_of, report_error
from checker.core.errors import InputError, Problem


class _DefaultRunGroup(TyperGroup):
    """A group whose default sub-command is ``run``: ``mtus audit cases/`` means ``mtus audit run cases/``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["run", *args]
        return super().parse_args(ctx, args)


audit_app = typer.Typer(cls=_DefaultRunGroup, no_args_is_help=True,
                        help="Audit past decisions: `mtus audit PATH...`, `mtus audit diff A B --db FILE`.")
app.add_typer(audit_app, name="audit")


class AuditFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"
    parquet = "parquet"


class Executor(str, Enum):
    local = "local"
    dask = "dask"


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


DbOption = Annotated[Path | None, typer.Option("--db", help="SQLite file recording audit runs.")]


def _progress_wanted(flag: bool | None, output: Path | None) -> bool:
    if flag is not None:
        return flag
    return sys.stderr.isatty() and (output is not None or sys.stdout.isatty())


@audit_app.command("run")
def run(
    paths: Annotated[list[Path], typer.Argument(help="Letters (.pdf, .txt), case files (.yaml, .json), or folders.")],
    format: Annotated[AuditFormat | None, typer.Option(
        "--format", "-f", help="Report format (default: from the -o file's extension, else text).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0,
                                      help="Worker processes, or local Dask workers (0: one per CPU).")] = 1,
    executor: Annotated[Executor, typer.Option("--executor", help="Where the per-file work runs: processes here, "
                                                                  "or Dask distributed.")] = Executor.local,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="A Dask scheduler's address "
                                                  "(tcp://HOST:8786); implies --executor dask. Without it, "
                                                  "--executor dask starts a local cluster.")] = None,
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Pick rules in force on this date (YYYY-MM-DD).")] = None,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress",
                                                  help="Progress bar (default: on a terminal only).")] = None,
    rules: RulesOption = None,
    edition_policy: EditionPolicyOption = EditionPolicy.warn,
) -> None:
    """Evaluate letters and cases, compare with the actual outcomes, and report (exit 2 if any input was bad)."""
    import os

    from checker.audit.progress import progress_bar
    from checker.audit.run import run_audit
    from checker.audit.sink import check_destinations, open_output
    from checker.audit.writers import write_report

    date = parse_as_of(as_of)
    fmt = output_format(format.value if format else None, output, tuple(f.value for f in AuditFormat))
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
        with progress_bar(paths, _progress_wanted(progress, output)) as on_file:
            result = run_audit(paths, rules_path=rules, as_of=date, jobs=workers, on_file=on_file, store=store,
                               edition_policy=edition_policy.value,
                               executor="dask" if scheduler else executor.value, scheduler=scheduler)
        try:
            with open_output(output, paths) as out:
                write_report(result, fmt, out, color=output is None and sys.stdout.isatty())
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(ExitCode.FAILED) from None
        finally:
            result.close()
    finally:
        if store is not None:
            store.close()
    for problem in [*result.notices, *result.errors]:
        report_error(problem)
    if result.run_id is not None:
        print(f"audit run {result.run_id} recorded in {db}", file=sys.stderr)
    if result.errors:
        raise typer.Exit(ExitCode.BAD_INPUT)


@audit_app.command("diff")
def diff(
    run_a: Annotated[int, typer.Argument(help="The earlier run id.")],
    run_b: Annotated[int, typer.Argument(help="The later run id.")],
    db: Annotated[Path, typer.Option("--db", help="SQLite file recording audit runs.")],
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.text,
) -> None:
    """List the items whose prediction changed between two recorded runs (same case, item and request)."""
    from checker.audit.store import Store

    with Store(db, create=False) as store:
        changes = store.diff(run_a, run_b)
        if format is DiffFormat.json:
            doc = {"run_a": store.run(run_a), "run_b": store.run(run_b), "changed": list(changes),
                   **store.unmatched(run_a, run_b)}
            sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            return
        a, b = store.run(run_a), store.run(run_b)
        print(f"run {run_a} (rules {a['rules_version']} #{a['rules_hash']}) -> "
              f"run {run_b} (rules {b['rules_version']} #{b['rules_hash']})")
        n = 0
        for change in changes:
            n += 1
            criteria = ", ".join(f"{c['id']} {c['before']}->{c['after']}" for c in change["criteria_changed"])
            print(f"{change['case_id']} #{change['index'] + 1} {change['request']}: "
                  f"{change['predicted']['before']} -> {change['predicted']['after']}"
                  f" (actual {change['actual']})" + (f"; {criteria}" if criteria else ""))
        unmatched = store.unmatched(run_a, run_b)
        print(f"{n} items changed prediction; {unmatched['only_in_a']} only in run {run_a}, "
              f"{unmatched['only_in_b']} only in run {run_b}")


@audit_app.command("runs")
def runs(db: Annotated[Path, typer.Option("--db", help="SQLite file recording audit runs.")]) -> None:
    """List the recorded audit runs."""
    from checker.audit.store import Store

    with Store(db, create=False) as store:
        for r in store.runs():
            if r["finished"] is None:
                print(f"{r['id']}\t{r['started']}\trules {r['rules_version']} #{r['rules_hash']}\tunfinished "
                      f"(interrupted, or its recording failed)\t{' '.join(r['inputs'])}")
                continue
            agreement = "–" if r["agreement"] is None else f"{r['agreement']:.1%}"
            print(f"{r['id']}\t{r['started']}\trules {r['rules_version']} #{r['rules_hash']}\t{r['items']} items\t"
                  f"agreement {agreement}\t{r['errors']} bad inputs\t{' '.join(r['inputs'])}")
