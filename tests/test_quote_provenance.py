"""Every quote a rule prints says how it was checked and against what (issue 11, point 3).

A quote is PUB (a published text of the MTUS or the regulation: its web address), SEED / LETTERS / REVIEWER
(quoted in, or written by the reviewer of, one of the bundled letters: the letter file, which must hold the
quote), or RECALL (recalled wording not found in a named source: flagged, with where it was searched).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from checker.rules.ruleset import load_rules

RULESET, _ = load_rules()
QUOTED = [(rule, c) for rule in RULESET.rules for c in rule.criteria if c.citation.get("quote")]
CHECKED_IN_LETTERS = ("SEED", "LETTERS", "REVIEWER")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@pytest.fixture(scope="module")
def letter_texts() -> dict[str, str]:
    from checker.ingest.text import letter_text

    files = sorted((ROOT / "cases" / "seeds" / "text").glob("*.txt")) + sorted(
        (ROOT / "cases" / "letters" / "pdf").glob("*.pdf"))
    return {str(p.relative_to(ROOT)): _norm(letter_text(p)) for p in files}


def test_there_are_quotes_of_every_kind():
    kinds = {c.citation["provenance"] for _, c in QUOTED}
    assert {"PUB", "LETTERS", "SEED", "REVIEWER", "RECALL"} <= kinds and len(QUOTED) >= 100


@pytest.mark.parametrize(("rule", "criterion"), QUOTED, ids=[f"{r.id}::{c.id}" for r, c in QUOTED])
def test_every_quote_has_a_provenance_and_a_source(rule, criterion, letter_texts):
    cite = criterion.citation
    provenance, source = cite.get("provenance"), cite.get("source") or ""
    assert provenance in ("PUB", *CHECKED_IN_LETTERS, "RECALL"), cite
    if provenance == "PUB":
        assert source.startswith(("http://", "https://")), f"a PUB quote names the address it was checked at: {cite}"
    elif provenance == "RECALL":
        assert source.startswith("not found:"), f"a RECALL quote is flagged as not found, with where: {cite}"
    else:
        files = [s.strip() for s in source.split(";")]
        assert files and all((ROOT / f).is_file() for f in files), f"the letter named does not exist: {source}"
        parts = [_norm(p) for p in re.split(r"\.\.\.|\u2026", cite["quote"]) if _norm(p)]
        for part in parts:
            assert any(part in letter_texts[f] for f in files), (
                f"{rule.id}/{criterion.id}: quote part not in {source}: {part[:60]!r}")


def test_a_recall_quote_is_shown_as_unverified():
    from checker.engine.render import quote_text

    recall = next(c for _, c in QUOTED if c.citation["provenance"] == "RECALL")
    assert "not found" in quote_text(recall.citation)


def test_sources_are_repository_paths_or_addresses():
    for _, c in QUOTED:
        source = c.citation["source"]
        if c.citation["provenance"] in CHECKED_IN_LETTERS:
            assert not Path(source.split(";")[0]).is_absolute()
