"""``mtus check``: run the check and the plain-argument parser the entry point uses to skip typer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from checker.cli.common import EDITION_POLICIES, ExitCode, parse_as_of, parse_edition_policy, report_error

CHECK_FORMATS = ("text", "json", "markdown", "html", "rfa")


def run_check(cases: list[Path], fmt: str = "text", output: Path | None = None, fail_on_deny: bool = False,
              as_of: str | None = None, rules: Path | None = None, edition_policy: str | None = None,
              requests: list[str] | None = None) -> int:
    """``mtus check``: evaluate the case files (or notes, or letters), print or write the report; the exit code
    (0, 1 or 2). ``requests`` name a note's requested items instead of its plan."""
    from checker.engine.check import check_files
    from checker.facts.cases import load_cases

    load = load_cases
    if requests or any(p.suffix.lower() not in (".yaml", ".yml", ".json") for p in cases):
        from checker.ingest.note import load_input

        def load(path: Path) -> list:
            return load_input(path, requests)

    report = check_files(cases, fmt, rules_path=rules, as_of=parse_as_of(as_of),
                         edition_policy=parse_edition_policy(edition_policy), load=load)
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
    return ExitCode.OK


_CHECK_OPTIONS = {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output", "--as-of": "as_of",
                  "--rules": "rules", "--edition-policy": "edition_policy"}


def plain_check(argv: list[str]) -> dict[str, Any] | None:
    """The arguments of ``mtus check`` when ``argv`` is a plain, valid check invocation, else None.

    Plain means: ``check``, then case paths and the options ``--format/-f``, ``--output/-o``,
    ``--as-of``, ``--rules``, ``--edition-policy`` (as ``--opt value``, ``--opt=value`` or ``-fvalue``) and
    ``--fail-on-deny``, each at most once, with a known format and policy.  Anything else returns None so typer
    parses it and reports usage errors in its own words.
    """
    if not argv or argv[0] != "check":
        return None
    args: dict[str, Any] = {"cases": []}
    tokens = iter(argv[1:])
    for token in tokens:
        if token == "--fail-on-deny" and "fail_on_deny" not in args:
            args["fail_on_deny"] = True
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
