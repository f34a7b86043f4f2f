"""Ingest benchmark: letters per second from PDF to case, beside text extraction alone; and the fact
extractor's precision/recall on the hand-labelled letters with each assertion engine.

Usage: ``python bench/ingest.py [--repeat N] [--no-medspacy]``.

Engines compared on ``tests/fixtures/labelled_facts``: the scoped-cue assertion of
``checker.ingest.context`` (the default) and medspaCy's ConText on a blank spaCy pipeline with its
default rules (when medspacy is installed): same mentions, only the negation/uncertainty decision
differs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LETTERS = ROOT / "cases" / "letters" / "pdf"
sys.path.insert(0, str(ROOT))

from checker.ingest.case import letter_to_case_data  # noqa: E402
from checker.ingest.context import Assertion, assess  # noqa: E402
from checker.ingest.evaluate import (  # noqa: E402
    SentenceKinds,
    load_assertion_rows,
    load_labels,
    score,
    score_assertions,
    totals,
)
from checker.ingest.letter import parse_letter  # noqa: E402
from checker.ingest.text import letter_text  # noqa: E402


def letters() -> list[Path]:
    return sorted(LETTERS.glob("*.pdf")) + sorted((ROOT / "cases" / "seeds" / "text").glob("*.txt"))


def bench_speed(paths: list[Path], repeat: int) -> None:
    best_text = best_all = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        texts = [letter_text(p) for p in paths]
        t1 = time.perf_counter()
        for p, text in zip(paths, texts, strict=False):
            letter_to_case_data(parse_letter(text, str(p)))
        t2 = time.perf_counter()
        best_text = min(best_text, t1 - t0)
        best_all = min(best_all, t2 - t0)
    n = len(paths)
    print(f"{n} letters, best of {repeat}")
    print(f"  text extraction alone : {best_text:6.2f} s  {n / best_text:7.1f} letters/s")
    print(f"  PDF/TXT -> case       : {best_all:6.2f} s  {n / best_all:7.1f} letters/s")
    print(f"  parse + facts only    : {best_all - best_text:6.2f} s  {n / (best_all - best_text):7.1f} letters/s")


class MedspacyAssessor:
    """medspaCy ConText (default rules) on a blank English pipeline: the mention becomes the only entity."""

    def __init__(self) -> None:
        import medspacy  # noqa: F401  (registers the medspacy_context factory)
        import spacy
        from spacy.tokens import Span

        self._span = Span
        self.nlp = spacy.blank("en")
        self.context = self.nlp.add_pipe("medspacy_context")

    def __call__(self, sentence: str, start: int, end: int) -> Assertion:
        doc = self.nlp.make_doc(sentence)
        for i, token in enumerate(doc):  # one sentence: ConText scopes stop at its end
            token.is_sent_start = i == 0
        span = doc.char_span(start, end, label="TARGET", alignment_mode="expand")
        if span is None:
            return Assertion()
        doc.ents = [span]
        doc = self.context(doc)
        ent = doc.ents[0]
        cue = next((str(m) for m in ent._.modifiers), None)
        return Assertion(negated=ent._.is_negated, uncertain=ent._.is_uncertain, hypothetical=ent._.is_hypothetical,
                         historical=ent._.is_historical, cue=cue)


def bench_quality(assessor, name: str) -> None:
    pairs = []
    t0 = time.perf_counter()
    for rel, labels in load_labels(ROOT / "tests" / "fixtures" / "labelled_facts"):
        letter = parse_letter(letter_text(ROOT / rel), rel)
        pairs.append((Path(rel).stem, labels, letter_to_case_data(letter, assessor=assessor)))
    elapsed = time.perf_counter() - t0
    counts = score(pairs)
    total = totals(counts)
    f1 = 2 * total.precision * total.recall / (total.precision + total.recall)
    print(f"\n{name}: {len(pairs)} letters in {elapsed:.2f} s; micro P={total.precision:.3f} R={total.recall:.3f} "
          f"F1={f1:.3f} (tp={total.tp} fp={total.fp} fn={total.fn})")
    for fact in sorted(counts):
        c = counts[fact]
        p = "   -" if c.precision is None else f"{c.precision:.2f}"
        r = "   -" if c.recall is None else f"{c.recall:.2f}"
        print(f"  {fact:48s} P={p} R={r}  tp={c.tp:3d} fp={c.fp:2d} fn={c.fn:2d}")


def _letter_file(name: str) -> Path:
    return ROOT / "cases" / "letters" / "pdf" / f"{name}.pdf" if name.startswith("CM") else \
        ROOT / "cases" / "seeds" / "text" / f"{name}.txt"


def bench_assertions(assessor, name: str) -> None:
    """Per category (negation, coordination, qualifier, hedge, affirmed, guideline), the labelled real
    sentences of ``tests/fixtures/assertion_sentences.tsv`` classed right."""
    rows = load_assertion_rows(ROOT / "tests" / "fixtures" / "assertion_sentences.tsv")
    counts = score_assertions(rows, assessor, SentenceKinds(_letter_file))
    print(f"\n{name}: labelled sentences classed right")
    for category, c in counts.items():
        print(f"  {category:14s} {c.tp:3d} of {c.tp + c.fn:3d}")
        for error in c.errors:
            print(f"      {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-medspacy", action="store_true")
    parser.add_argument("--no-speed", action="store_true", help="skip the letters/s measurement")
    args = parser.parse_args()
    if not args.no_speed:
        bench_speed(letters(), args.repeat)
    bench_quality(assess, "scoped cues (checker.ingest.context)")
    bench_assertions(assess, "scoped cues (checker.ingest.context)")
    if not args.no_medspacy:
        try:
            engine = MedspacyAssessor()
        except ImportError:
            print("\nmedspacy not installed: ConText comparison skipped")
            return
        bench_quality(engine, "medspaCy ConText (default rules)")
        bench_assertions(engine, "medspaCy ConText (default rules)")


if __name__ == "__main__":
    main()
