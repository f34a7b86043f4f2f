"""Limits on input sizes: one registry, each limit raisable with an environment variable.

A hostile or broken input (a 50 MB letter, a PDF that inflates to gigabytes, a YAML alias bomb) must
end in one clear line, not a hang or an exhausted machine. Each limit is far above what a real input
needs; the message says which variable raises it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from checker.core.errors import InputError, Problem


@dataclass(frozen=True)
class Limit:
    """A named limit: its environment variable, default value and unit (for messages)."""

    env: str
    default: int
    unit: str

    @property
    def value(self) -> int:
        """The limit in force: the environment variable when set to a positive integer, else the default."""
        raw = os.environ.get(self.env, "").strip().replace("_", "")
        return int(raw) if raw.isdigit() and int(raw) > 0 else self.default

    def exceeded(self, file: str, what: str, line: int | None = None, column: int | None = None) -> InputError:
        """The error for an input past this limit, saying how to raise it."""
        return InputError(Problem(file, f"{what} (limit {self.value:,} {self.unit})", line, column,
                                  f"set {self.env} to raise the limit", "input-limit"))


CASE_FILE_BYTES = Limit("MTUS_MAX_CASE_BYTES", 5_000_000, "bytes")
RULE_FILE_BYTES = Limit("MTUS_MAX_RULE_BYTES", 5_000_000, "bytes")
YAML_NODES = Limit("MTUS_MAX_YAML_NODES", 1_000_000, "values")
YAML_DEPTH = Limit("MTUS_MAX_YAML_DEPTH", 100, "levels")
LETTER_FILE_BYTES = Limit("MTUS_MAX_LETTER_BYTES", 20_000_000, "bytes")
LETTER_TEXT_CHARS = Limit("MTUS_MAX_LETTER_CHARS", 2_000_000, "characters")
PDF_PAGES = Limit("MTUS_MAX_PDF_PAGES", 300, "pages")
PDF_INFLATED_BYTES = Limit("MTUS_MAX_PDF_INFLATED_BYTES", 100_000_000, "bytes")
