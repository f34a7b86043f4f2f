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


def plain_check(argv: list[str]) -> dict[str, Any] | None:
    """The arguments of ``mtus check`` when ``argv`` is a plain, valid check invocation, else None.

    Plain means: ``check``, then case paths and the options ``--format/-f``, ``--output/-o``,
    ``--as-of``, ``--rules``, ``--edition-policy`` (as ``--opt value``, ``--opt=value`` or ``-fvalue``) and
    ``--fail-on-deny`` and ``--allow-uncovered``, each at most once, with a known format and policy.  Anything
    else returns None so typer parses it and reports usage errors in its own words.
    """
    if not argv or argv[0] != "check":
        return None
    args: dict[str, Any] = {"cases": []}
    tokens = iter(argv[1:])
    for token in tokens:
        if token in ("--fail-on-deny", "--allow-uncovered") and token[2:].replace("-", "_") not in args:
            args[token[2:].replace("-", "_")] = True
            continue
        if not token.startswith("-") or token == "-":
            args["cases"].append(Path(token))
            continue
        name, eq, value = token.partition("=")
        if not eq and token[:2] in ("-f", "-o") and len(token) > 2:
            name, value, eq = token[:2], token[2:], "="
        key = _CHECK_OPTIONS.get(name) if name.startswith("--") or len(name) == 2 else None
        if key is None or key in args or (eq and name.startswith("-") and not name.startswith("--")
                                          and token[2:3] == "="):
            return None  # unknown or repeated option, "--", "-f=json": typer decides
        if not eq:
            value = next(tokens, None)
            if value is None or value.startswith("-"):
                return None
        args[key] = value
    if not args["cases"] or args.get("fmt", "text") not in CHECK_FORMATS or \
            args.get("edition_policy", "warn") not in EDITION_POLICIES:
        return None
    for key in ("output", "rules"):
        if key in args:
            args[key] = Path(args[key])
    return args
