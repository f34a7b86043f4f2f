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
from checker.cli.audit_run import AUDIT_FORMATS, EXECUTORS


class _DefaultRunGroup(TyperGroup):
    """A group whose default sub-command is ``run``: ``mtus audit cases/`` means ``mtus audit run cases/``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["run", *args]
        return super().parse_args(ctx, args)


audit_app = typer.Typer(cls=_DefaultRunGroup, no_args_is_help=True,
                        help="Audit past decisions: `mtus audit PATH...`, `mtus audit diff A B --db FILE`.")
app.add_typer(audit_app, name="audit")


AuditFormat = Enum("AuditFormat", {f: f for f in AUDIT_FORMATS}, type=str)  # type: ignore[misc]
Executor = Enum("Executor", {e: e for e in EXECUTORS}, type=str)  # type: ignore[misc]


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


DbOption = Annotated[Path | None, typer.Option("--db", help="SQLite file recording audit runs.")]


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
    from checker.cli.audit_run import run_audit_command

    code = run_audit_command(paths, format.value if format else None, output, jobs, executor.value, scheduler, db,
                             as_of, progress, rules, edition_policy.value)
    if code:
        raise typer.Exit(code)


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
