"""Shared test helpers: where the repository keeps its real letters, and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The 102 public IMR letters (2016-2017, PDF) with every item's outcome in ``outcomes.tsv``.
LETTERS_DIR = ROOT / "cases" / "letters" / "pdf"
OUTCOMES_TSV = LETTERS_DIR / "outcomes.tsv"
#: The five seed letters (2013-2015, plain text).
SEEDS_DIR = ROOT / "cases" / "seeds" / "text"


FIXTURES = ROOT / "tests" / "fixtures"
#: A hand-encoded seed case that every command accepts.
SEED_CASE = ROOT / "cases" / "seeds" / "000_98fed6c8c6e0f14b.yaml"


def run_mtus(*args: object, cwd: Path | None = ROOT, stdin: str | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m checker ARGS`` as a real process (in the repository unless ``cwd`` says otherwise)."""
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, input=stdin, timeout=timeout)
