"""`mtus check` and `mtus audit` parsed without typer give what typer gives: same output, same exit code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from checker.cli.fast import plain_audit, plain_check

SEED = "cases/seeds/000_98fed6c8c6e0f14b.yaml"
BAD = "tests/fixtures/bad_cases/broken_yaml.yaml"


def _run(via_typer: bool, *args: str) -> subprocess.CompletedProcess:
    command = ["-c", "import sys; from checker.cli.fast import main; main()"]
    if via_typer:
        command = ["-c", "from checker.cli import fast as cli; cli.plain_check = cli.plain_audit = lambda argv: None; "
                         "cli.main()"]
    return subprocess.run([sys.executable, *command, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [
    ("check", SEED, "-f", "json"),
    ("check", "--format=markdown", SEED),
    ("check", SEED, "-fhtml", "--as-of", "2016-09-01"),
    ("check", SEED, "-f", "json", "--fail-on-deny"),
    ("check", BAD, SEED, "-f", "json"),
    ("check", SEED, "--as-of", "2016-13-01"),
    ("check", "no/such/file.yaml"),
])
def test_the_plain_path_matches_typer(args: tuple[str, ...]) -> None:
    assert plain_check(list(args)) is not None
    fast, typer = _run(False, *args), _run(True, *args)
    assert (fast.returncode, fast.stdout, fast.stderr) == (typer.returncode, typer.stdout, typer.stderr)


@pytest.mark.parametrize("argv", [
    ["check"], ["check", "--help"], ["check", SEED, "-f", "yaml"], ["check", SEED, "-f", "json", "-f", "text"],
    ["check", SEED, "--bogus"], ["check", "--", SEED], ["check", SEED, "-f=json"], ["check", SEED, "--format"],
    ["rules", "validate"], [],
])
def test_anything_unusual_goes_to_typer(argv: list[str]) -> None:
    assert plain_check(argv) is None


def test_plain_check_reads_every_option() -> None:
    assert plain_check(["check", "a.yaml", "-o", "out.html", "--rules", "r", "--fail-on-deny", "b.json",
                        "--as-of=2016-01-02", "-fhtml"]) == {
        "cases": [Path("a.yaml"), Path("b.json")], "output": Path("out.html"), "rules": Path("r"),
        "fail_on_deny": True, "as_of": "2016-01-02", "fmt": "html"}


AUDIT_BAD = "tests/fixtures/audit/bad"
_TIMES = re.compile(r'"(started|finished)": "[^"]*"')


@pytest.mark.parametrize("args", [
    ("audit", "cases/seeds", "-f", "csv"),
    ("audit", "run", "cases/seeds", "-fjson", "--no-progress", "-j", "0"),
    ("audit", AUDIT_BAD, SEED, "--format=csv", "--jobs=2"),
    ("audit", SEED, "-f", "parquet"),
    ("audit", SEED, "--as-of", "2016-13-01"),
    ("audit", SEED, "--edition-policy", "refuse", "-f", "csv"),
    ("audit", "no/such/folder", "-f", "csv"),
])
def test_the_plain_audit_matches_typer(args: tuple[str, ...]) -> None:
    assert plain_audit(list(args)) is not None
    fast, typer = _run(False, *args), _run(True, *args)
    assert (fast.returncode, _TIMES.sub("", fast.stdout), fast.stderr) == \
        (typer.returncode, _TIMES.sub("", typer.stdout), typer.stderr)


@pytest.mark.parametrize("argv", [
    ["audit"], ["audit", "run"], ["audit", "--help"], ["audit", SEED, "--help"],
    ["audit", "diff", "1", "2", "--db", "x"], ["audit", "runs", "--db", "x"], ["audit", SEED, "-f", "xml"],
    ["audit", SEED, "--jobs", "-1"], ["audit", SEED, "-j", "two"], ["audit", SEED, "--executor", "spark"],
    ["audit", SEED, "--progress", "--no-progress"], ["audit", SEED, "-f", "json", "--format", "csv"],
    ["audit", SEED, "--edition-policy", "strict"],
])
def test_anything_unusual_in_an_audit_goes_to_typer(argv: list[str]) -> None:
    assert plain_audit(argv) is None


def test_plain_audit_reads_every_option() -> None:
    assert plain_audit(["audit", "a", "-o", "r.csv", "--jobs=3", "--executor", "dask", "--scheduler", "tcp://h:1",
                        "--db", "runs.sqlite", "--as-of", "2016-01-02", "--no-progress", "--rules", "r", "b",
                        "--edition-policy=refuse", "-fcsv"]) == {
        "paths": [Path("a"), Path("b")], "output": Path("r.csv"), "jobs": 3, "executor": "dask",
        "scheduler": "tcp://h:1", "db": Path("runs.sqlite"), "as_of": "2016-01-02", "progress": False,
        "rules": Path("r"), "edition_policy": "refuse", "fmt": "csv"}
