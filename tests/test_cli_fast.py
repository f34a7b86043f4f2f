"""`mtus check` parsed without typer gives what typer gives: same output, same exit code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from checker.cli.fast import plain_check

SEED = "cases/seeds/000_98fed6c8c6e0f14b.yaml"
BAD = "tests/fixtures/bad_cases/broken_yaml.yaml"


def _run(via_typer: bool, *args: str) -> subprocess.CompletedProcess:
    command = ["-c", "import sys; from checker.cli.fast import main; main()"]
    if via_typer:
        command = ["-c", "from checker.cli import fast as cli; cli.plain_check = lambda argv: None; cli.main()"]
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
