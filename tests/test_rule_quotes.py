"""Every quote a rule says it took from an IMR letter is really in one of the letters.

A criterion's ``cite.provenance`` says how far its quote was checked: ``SEED`` (quoted in a 2013-2015 seed
letter, cases/seeds/text/*.txt), ``LETTERS`` (quoted in a 2016-2017 letter, cases/letters/pdf/*.pdf) or
``REVIEWER`` (a reviewer's own sentence in one of those letters, not the guideline's words). For each of these,
the quote must be found in the text of the letters, so that an edit cannot invent one. ``PUB`` and ``RECALL``
quotes are not checked here (they claim no letter).

Matching is tolerant of what a PDF text layer and a retyped quote change, and of nothing else: letters are
compared in lower case with every character other than a letter or a digit removed (punctuation, spacing,
hyphens broken over a line), and a quote with ``...`` elisions must have each of its parts, in any letter.
"""

from __future__ import annotations

import re

import pytest
from conftest import LETTERS_DIR, SEEDS_DIR

from checker.ingest.text import letter_text
from checker.rules.ruleset import load_rules

CHECKED = ("SEED", "LETTERS", "REVIEWER")
MIN_FRAGMENT = 12  # characters (normalised): an elided part shorter than this proves nothing

def normalise(text: str) -> str:
    """Lower case, letters and digits only (so spacing, punctuation and line-break hyphens do not matter)."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def fragments(quote: str) -> list[str]:
    """The parts of a quote between its ``...`` elisions, normalised (empty parts dropped)."""
    return [f for f in (normalise(part) for part in re.split(r"\.\.\.|\u2026", quote)) if f]


@pytest.fixture(scope="module")
def letters() -> dict[str, str]:
    paths = sorted((SEEDS_DIR).glob("*.txt")) + sorted((LETTERS_DIR).glob("*.pdf"))
    assert paths, "no letters found"
    return {p.name: normalise(letter_text(p)) for p in paths}


def quoted_criteria() -> list[tuple[str, str, str, str]]:
    """(rule id, criterion id, provenance, quote) for every criterion whose quote claims a letter."""
    ruleset, _ = load_rules()
    out = []
    for rule in ruleset.rules:
        for criterion in rule.criteria:
            cite = criterion.citation
            if cite.get("provenance") in CHECKED:
                out.append((rule.id, criterion.id, cite["provenance"], cite.get("quote") or ""))
    return out


def test_the_rules_quote_letters():
    assert len(quoted_criteria()) >= 40


@pytest.mark.parametrize(("rule", "criterion", "provenance", "quote"), quoted_criteria(),
                         ids=lambda v: v if isinstance(v, str) and v.startswith("mtus") else None)
def test_quote_is_found_in_the_letters(letters, rule, criterion, provenance, quote):
    parts = fragments(quote)
    assert parts, f"{rule}/{criterion}: empty quote"
    pool = {name: text for name, text in letters.items()
            if provenance == "REVIEWER"
            or (provenance == "SEED") == name.endswith(".txt")}
    for part in parts:
        assert len(part) >= MIN_FRAGMENT, f"{rule}/{criterion}: quote part too short to check: {part!r}"
        assert any(part in text for text in pool.values()), (
            f"{rule}/{criterion} [{provenance}]: not found in the {'seed' if provenance == 'SEED' else ''} letters: "
            f"{part[:80]!r}")


def test_normalise_ignores_spacing_punctuation_and_broken_hyphens():
    assert normalise("Zofran is FDA-approved for post-operative use.") == normalise("zofran is fdaapproved for "
                                                                                   "postoperative use")
    assert fragments("a. Analgesia ... b. Activity…c") == ["aanalgesia", "bactivity", "c"]
