"""``mtus audit --format text``: rich tables for a terminal (plain text when piped)."""

from __future__ import annotations

from typing import IO, Any

from checker.audit.run import AuditResult
from checker.audit.stats import COVERAGE_COLUMNS, COVERAGE_KEYS
from checker.engine.render import MARK, STYLE, WORD

_EXAMPLES = 5


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _profile(profile: list[dict[str, str]]) -> str:
    return ", ".join(f"{MARK[p['status']]} {p['id']}" for p in profile)


def write_text(result: AuditResult, out: IO[str], color: bool = False, width: int | None = None) -> None:
    """Summary, confusion, breakdowns, coverage, inconsistencies, disagreements and errors."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=not color, width=width or 110, highlight=False)
    stats = result.stats
    summary = stats.summary()
    console.rule("[bold]MTUS audit[/bold]")
    run = f", run {result.run_id}" if result.run_id is not None else ""
    console.print(f"rules {result.provenance['version']} #{result.provenance['hash']}{run}; "
                  f"{result.inputs} files, {summary['cases']} cases, {summary['items']} items, "
                  f"{len(result.errors)} bad inputs")
    for warning, n in result.warnings.items():
        console.print(f"[bold yellow]⚠ {n} item{'s' if n != 1 else ''}: {warning}[/bold yellow]")

    table = Table(title="Summary (items with a prediction and an actual outcome)", title_justify="left")
    for name in ("items", "compared", "agreement", "kappa", "overturned caught", "overturn precision"):
        table.add_column(name, justify="right")
    over = summary["overturned"]
    table.add_row(str(summary["items"]), str(summary["compared"]), _pct(summary["agreement"]), _num(summary["kappa"]),
                  f"{over['caught']}/{over['actual']} ({_pct(over['recall'])})", _pct(over["precision"]))
    console.print(table)

    matrix = Table(title="Confusion (rows: actual, columns: predicted)", title_justify="left")
    matrix.add_column("actual \\ predicted")
    matrix.add_column("upheld", justify="right")
    matrix.add_column("overturned", justify="right")
    for actual, row in summary["confusion"].items():
        matrix.add_row(actual, str(row["upheld"]), str(row["overturned"]))
    console.print(matrix)

    for name, rows in stats.breakdowns_dict().items():
        _breakdown(console, name, rows)
    _coverage(console, stats.coverage_dict())
    _inconsistencies(console, stats.inconsistencies())
    _disagreements(console, result)
    if result.errors:
        console.rule(f"[bold red]Bad inputs ({len(result.errors)})[/bold red]")
        for problem in result.errors:
            console.print(str(problem), markup=False)


def _breakdown(console: Any, name: str, rows: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title=f"By {name.replace('_', ' ')}", title_justify="left")
    for column in (name.replace("_", " "), "items", "compared", "agreement", "kappa", "U→U", "U→O", "O→U", "O→O"):
        table.add_column(column, justify="left" if column == name.replace("_", " ") else "right")
    for key, c in rows.items():
        m = c["confusion"]
        table.add_row(key, str(c["items"]), str(c["compared"]), _pct(c["agreement"]), _num(c["kappa"]),
                      str(m["upheld"]["upheld"]), str(m["upheld"]["overturned"]),
                      str(m["overturned"]["upheld"]), str(m["overturned"]["overturned"]))
    console.print(table)


def _coverage(console: Any, coverage: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="Coverage (covered: a prediction, or MTUS silent with its reason)", title_justify="left")
    for column in COVERAGE_COLUMNS:
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, c in coverage["by_kind"].items():
        table.add_row(kind, *(str(c[key]) for key in COVERAGE_KEYS))
    console.print(table)
    if coverage["uncovered_drug_classes"]:
        console.print("Drug items not covered, by class: " + ", ".join(
            f"{k} {n}" for k, n in coverage["uncovered_drug_classes"].items()), markup=False)


def _inconsistencies(console: Any, groups: list[dict[str, Any]]) -> None:
    console.rule(f"[bold]Inconsistencies ({len(groups)})[/bold]: same rule and criteria, different outcomes")
    for g in groups:
        counts = g["counts"]
        console.print(f"{g['rule']}  predicted {g['predicted']}:  {counts['upheld']} upheld, "
                      f"{counts['overturned']} overturned", style="bold", markup=False)
        console.print(f"  criteria: {_profile(g['profile'])}", markup=False)
        for outcome in ("upheld", "overturned"):
            shown = g["items"][outcome][:_EXAMPLES]
            more = counts[outcome] - len(shown)
            names = "; ".join(f"{i['case_id']} #{i['index'] + 1} {i['request']}" for i in shown)
            console.print(f"  {outcome}: {names}" + (f" (+{more} more)" if more > 0 else ""), markup=False)


def _disagreements(console: Any, result: AuditResult) -> None:
    from rich.text import Text

    summary = result.stats.summary()
    over = summary["overturned"]
    matrix = summary["confusion"]
    wrong = matrix["upheld"]["overturned"] + matrix["overturned"]["upheld"]
    console.rule(f"[bold]Disagreements ({wrong})[/bold]: prediction differs from the actual outcome "
                 f"({over['actual'] - over['caught']} overturned missed)")
    for d in result.disagreements():
        console.print(Text(f"{d['case_id']} #{d['index'] + 1} {d['request']}: predicted {d['predicted']}, "
                           f"actual {d['actual']} ({d['rule']})", style="bold"))
        for c in d["deciding"]:
            line = Text(f"  {MARK[c['status']]} ", style=STYLE[c["status"]])
            line.append(f"{c['text']} [{WORD[c['status']]}]")
            console.print(line)
            for sentence in c["evidence"]:
                console.print(Text(f"      “{sentence}”", style="dim"))
