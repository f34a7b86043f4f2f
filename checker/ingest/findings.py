"""A fact found in a letter, with the sentence and span it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.ingest.sentences import Sentence


@dataclass(frozen=True)
class Finding:
    """One extracted fact value with its provenance."""

    fact: str  # "monitoring.cures_checked", or "request.first_noted" with ``request`` set
    value: Any
    sentence: str | None
    start: int
    end: int
    request: int | None = None
    cue: str | None = None


Assessor = Any  # callable(sentence, start, end) -> Assertion


def finding(fact: str, value: Any, s: Sentence | None, request: int | None = None, cue: str | None = None,
            span: tuple[int, int] | None = None) -> Finding:
    """A finding from a sentence (or, without one, from a span of the letter)."""
    if s is None:
        start, end = span or (0, 0)
        return Finding(fact, value, None, start, end, request, cue)
    return Finding(fact, value, s.text, s.start, s.end, request, cue)
