"""Markdown from untrusted text (case files, letters, rule files): no raw HTML gets through.

Markdown renderers pass raw HTML on, so ``<script>`` in a request or a rule title would run in the
reader's browser. Text is written with ``&``, ``<`` and ``>`` as entities (every renderer shows them
as the characters), table pipes escaped and line breaks flattened; code spans and fences are made
longer than any run of backticks inside them, so nothing can close them early.
"""

from __future__ import annotations

import re
from typing import Any

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def text(value: Any) -> str:
    """Inline text: HTML-escaped, ``|`` escaped (tables), on one line."""
    return str(value).translate(_ENTITIES).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _ticks(value: str, least: int) -> str:
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    return "`" * max(least, longest + 1)


def code(value: Any) -> str:
    """An inline code span holding ``value`` literally (on one line)."""
    inner = str(value).replace("\r", " ").replace("\n", " ")
    fence = _ticks(inner, 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def fence(value: str, language: str = "") -> list[str]:
    """A fenced code block holding ``value`` literally, as lines."""
    ticks = _ticks(value, 3)
    return [ticks + language, value, ticks]
