"""Score the service-fact readers on single hand-labelled sentences from outside the bundled letters.

A row of ``tests/fixtures/unseen_service_sentences.tsv`` holds a sentence, the section it is read as (``summary``:
a clinical history; ``rationale``: a reviewer's or a guideline's text), every scored service fact it states
(``name=value`` pairs, ``-`` for none) and its source. The sentence is read as a letter's passage would be (its
guideline and verdict flags, its factual clauses) and every scored fact found is compared with the labels: a fact
found but not labelled is a false positive, one labelled but not found (or found with another value) a miss. The rows
fall in two fixed halves by a hash of the sentence (``tune`` / ``hold-out``).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from checker.ingest.context import assess
from checker.ingest.evaluate import SCORED_SERVICE_FACTS, Counts
from checker.ingest.extractors import sentence_findings
from checker.ingest.sentences import section_sentences

__all__ = ["load_sentence_rows", "sentence_half", "sentence_facts", "score_sentences"]


def load_sentence_rows(path: str | Path) -> list[dict[str, str]]:
    """The labelled rows (section, sentence, facts, source); lines starting with '#' are comments."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def sentence_half(sentence: str) -> str:
    """``tune`` or ``hold-out``: fixed by the sentence's sha256."""
    return "tune" if hashlib.sha256(sentence.strip().encode()).digest()[-1] % 2 == 0 else "hold-out"


def _labels(facts: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in facts.split(";"))):
        if pair == "-":
            continue
        name, _, value = pair.partition("=")
        fact = f"services.{name.strip()}"
        if fact not in SCORED_SERVICE_FACTS:
            raise ValueError(f"unscored fact in sentence labels: {name}")
        value = value.strip()
        out[fact] = value == "true" if value in ("true", "false") else int(value)
    return out


def sentence_facts(sentence: str, section: str) -> dict[str, Any]:
    """The scored service facts read from one sentence as the letter reader reads it: a documented value beats a
    statement of its absence, else the first value found."""
    found: dict[str, Any] = {}
    for s in section_sentences(sentence, section, 0 if section == "rationale" else None):
        if not s.factual or s.boilerplate:
            continue
        for f in sentence_findings(s, None, [], assess):
            if f.fact in SCORED_SERVICE_FACTS and f.request is None and (f.fact not in found or f.value is True):
                found[f.fact] = f.value
    return found


def score_sentences(rows: list[dict[str, str]]) -> dict[str, Counts]:
    """Counts per fact type over the rows."""
    counts: dict[str, Counts] = {}
    for row in rows:
        gold, pred = _labels(row["facts"]), sentence_facts(row["sentence"], row["section"])
        for fact in sorted(set(gold) | set(pred)):
            c = counts.setdefault(fact, Counts())
            g, p = gold.get(fact), pred.get(fact)
            if g is not None and p is not None and g == p and type(g) is type(p):
                c.tp += 1
                continue
            c.fp += p is not None
            c.fn += g is not None
            c.errors.append(f"{fact} labelled {g!r} read {p!r}: {row['sentence'][:90]!r}")
    return counts
