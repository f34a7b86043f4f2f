"""``mtus check``: run the check and the plain-argument parser the entry point uses to skip typer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from checker.cli.common import (
    EDITION_POLICIES,
    ExitCode,
    expand_folders,
    output_format,
    parse_as_of,
    parse_edition_policy,
    parse_plain,
    report_error,
)

CHECK_FORMATS = ("text", "json", "markdown", "html", "rfa")


def run_check(cases: list[Path], fmt: str | None = None, output: Path | None = None, fail_on_deny: bool = False,
              as_of: str | None = None, rules: Path | None = None, edition_policy: str | None = None,
              requests: list[str] | None = None, allow_uncovered: bool = False) -> int:
    """``mtus check``: evaluate the case files (or notes, or letters; folders: those in them), print or write the
    report; the exit code (0, 1 or 2). ``requests`` name a note's requested items instead of its plan.  As a gate
    (``fail_on_deny``) an item without a prediction fails too, unless ``allow_uncovered``."""
    from checker.engine.check import check_files
    from checker.facts.cases import load_cases

    files, missing = expand_folders(cases, ("case", "letter"))
    load = load_cases
    if requests or any(p.suffix.lower() not in (".yaml", ".yml", ".json") for p in files):
        from checker.ingest.note import load_input

        def load(path: Path) -> list:
            return load_input(path, requests)

    fmt = output_format(fmt, output, CHECK_FORMATS)
    report = check_files(files, fmt, rules_path=rules, as_of=parse_as_of(as_of),
                         edition_policy=parse_edition_policy(edition_policy), load=load)
    report.problems[:0] = missing
    for problem in report.problems:
        report_error(problem)
    if output is not None:
        from checker.core.output import write_atomic

        write_atomic(output, report.rendered, inputs=cases)
    elif report.rendered:
        sys.stdout.write(report.rendered)
    if report.problems:
        return ExitCode.BAD_INPUT
    if fail_on_deny and report.any_upheld:
        return ExitCode.FAILED
    uncovered = report.uncovered if fail_on_deny and not allow_uncovered else []
    for case_id, item in uncovered:
        report_error(f"{case_id}: '{item.request}' has no prediction ({item.coverage or 'not covered'}): "
                     "--fail-on-deny fails on it (--allow-uncovered lets it pass)")
    return ExitCode.FAILED if uncovered else ExitCode.OK


_CHECK_OPTIONS = {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output", "--as-of": "as_of",
                  "--rules": "rules", "--edition-policy": "edition_policy"}
_CHECK_FLAGS = {"--fail-on-deny": "fail_on_deny", "--allow-uncovered": "allow_uncovered"}


def plain_check(argv: list[str]) -> dict[str, Any] | None:
    """The arguments of ``mtus check`` when ``argv`` is a plain, valid check invocation, else None.

    Plain means: ``check``, then case paths and the options ``--format/-f``, ``--output/-o``,
    ``--as-of``, ``--rules``, ``--edition-policy`` (as ``--opt value``, ``--opt=value`` or ``-fvalue``) and
    ``--fail-on-deny`` and ``--allow-uncovered``, each at most once, with a known format and policy.  Anything
    else returns None so typer parses it and reports usage errors in its own words.
    """
    if not argv or argv[0] != "check":
        return None
    args = parse_plain(argv[1:], _CHECK_OPTIONS, _CHECK_FLAGS, "cases")
    if args is None:
        return None
    if not args["cases"] or args.get("fmt", "text") not in CHECK_FORMATS or \
            args.get("edition_policy", "warn") not in EDITION_POLICIES:
        return None
    for key in ("output", "rules"):
        if key in args:
            args[key] = Path(args[key])
    return args
