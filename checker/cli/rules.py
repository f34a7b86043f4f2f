"""`mtus rules ...`: the rule authoring commands (validate, test, docs, show, facts)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import rules_app
from checker.cli.common import ExitCode, input_errors

PathArg = Annotated[Path | None, typer.Argument(help="Rules folder or file (default: bundled rules/).")]


class TestFormat(str, Enum):
    text = "text"
    json = "json"


def _provenance(ruleset) -> str:
    return f"rules {ruleset.version} #{ruleset.hash}"


@rules_app.command("validate")
def rules_validate(
    path: PathArg = None,
    format: Annotated[TestFormat, typer.Option("--format", "-f", help="Output format.")] = TestFormat.text,
) -> None:
    """Check rule files; print each problem as FILE:LINE:COL: message (hint), exit 2 if any."""
    from checker.rules.lint import validate
    from checker.rules.ruleset import display_path

    with input_errors():
        result = validate(path)
    for problem in result.problems:
        problem.file = display_path(problem.file)
    files = len(result.ruleset.files)
    errors = [p for p in result.problems if p.severity == "error"]
    if format is TestFormat.json:
        print(json.dumps({"ruleset": result.ruleset.provenance, "files": files, "rules": len(result.ruleset.rules),
                          "errors": len(errors), "warnings": len(result.problems) - len(errors),
                          "problems": [p.to_dict() for p in result.problems]}, indent=2, ensure_ascii=False))
    else:
        for problem in result.problems:
            print(problem)
    if result.problems and format is TestFormat.text:
        print(f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''} in {files} files "
              f"({_provenance(result.ruleset)})", file=sys.stderr)
    elif format is TestFormat.text:
        print(f"{len(result.ruleset.rules)} rules in {files} files: no problems ({_provenance(result.ruleset)})")
    if errors:
        raise typer.Exit(ExitCode.BAD_INPUT)


@rules_app.command("test")
def rules_test(
    path: PathArg = None,
    min_coverage: Annotated[float | None, typer.Option("--min-coverage", min=0, max=100,
                                                       help="Exit 1 if coverage is under N percent.")] = None,
    format: Annotated[TestFormat, typer.Option("--format", "-f", help="Output format.")] = TestFormat.text,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing examples too.")] = False,
    rule: Annotated[str | None, typer.Option("--rule", "-k", help="Only rules whose id contains this.")] = None,
) -> None:
    """Run every rule's examples; report each failure and which criterion statuses they exercised."""
    from rich.console import Console

    from checker.authoring.coverage import print_report, run_tests
    from checker.rules.ruleset import load_rules

    with input_errors():
        ruleset, _ = load_rules(path)
        if rule and not any(rule in r.id for r in ruleset.rules):
            from checker.authoring.show import find_rule

            find_rule(ruleset, rule, str(path or "rules"))
    report = run_tests(ruleset, rule)
    if format is TestFormat.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_report(Console(highlight=False), report, verbose)
    if report.failed:
        raise typer.Exit(ExitCode.FAILED)
    if min_coverage is not None and report.percent < min_coverage:
        print(f"coverage {report.percent:.1f}% is under --min-coverage {min_coverage:g}%", file=sys.stderr)
        raise typer.Exit(ExitCode.FAILED)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="Rule id, e.g. mtus.chronic-pain.muscle-relaxants.")],
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules folder or file.")] = None,
) -> None:
    """Show one rule as a tree: source, dates, scope, criteria with tests and citations, decision."""
    from rich.console import Console

    from checker.authoring.show import find_rule, rule_tree
    from checker.rules.ruleset import RULES_DIR, load_rules

    with input_errors():
        ruleset, _ = load_rules(rules)
        rule = find_rule(ruleset, rule_id, str(rules or RULES_DIR))
    console = Console(highlight=False)
    console.print(rule_tree(rule))
    console.print(f"[dim]{_provenance(ruleset)}[/dim]")


@rules_app.command("docs")
def rules_docs(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the guideline book to.")],
    path: PathArg = None,
) -> None:
    """Write a browsable guideline book (HTML and Markdown) from the rules, with the fact vocabulary."""
    from checker.authoring.docs import write_docs
    from checker.rules.ruleset import load_rules

    with input_errors():
        ruleset, _ = load_rules(path)
        written = write_docs(ruleset, output)
    print(f"wrote {len(written)} files to {output} ({len(ruleset.rules)} rules; {_provenance(ruleset)}); "
          f"open {output / 'index.html'}")


def _print_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A table on a terminal; tab-separated lines, never cut, when the output is piped or redirected."""
    if not sys.stdout.isatty():
        for row in rows:
            print("\t".join(row))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*headers, show_lines=False)
    for row in rows:
        table.add_row(*row)
    Console(highlight=False).print(table)


@rules_app.command("facts")
def rules_facts(
    search: Annotated[str | None, typer.Argument(help="Only facts whose path or description contains this.")] = None,
) -> None:
    """List the fact vocabulary rules may test (path, type, description), from the case schema."""
    from checker.facts.vocabulary import vocabulary

    rows = []
    for fact in vocabulary().values():
        if search and search.lower() not in (fact.path + " " + fact.description).lower():
            continue
        kind = fact.type + (f" ({', '.join(fact.enum)})" if fact.enum else "") + (" derived" if fact.derived else "")
        rows.append((fact.path, kind, fact.description))
    _print_table(("fact", "type", "description"), rows)


@rules_app.command("list")
def rules_list(path: PathArg = None) -> None:
    """List the rules: id, edition, dates in force, what they apply to, title."""
    from checker.rules.describe import applies_to, effective
    from checker.rules.ruleset import load_rules

    with input_errors():
        ruleset, _ = load_rules(path)
    rows = [(r.id, f"{r.source.get('guideline', '')} {r.edition or ''}".strip(), effective(r), applies_to(r),
             r.title + (" (MTUS silent)" if r.silent else "")) for r in ruleset.rules]
    _print_table(("rule", "edition", "in force", "applies to", "title"), rows)
    print(f"{len(rows)} rules ({_provenance(ruleset)})", file=sys.stderr)
