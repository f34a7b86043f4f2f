"""Precision and recall of the note extractor on the hand-labelled synthetic notes (cases/notes/labels.yaml).

    python bench/note_extraction.py [FOLDER]

Prints micro-averaged precision / recall over every labelled fact, then per fact type, then each miss.
"""

from __future__ import annotations

import sys
from pathlib import Path

from checker.ingest.evaluate import score_notes, totals


def main(folder: str) -> None:
    for held_out, what in ((False, "notes the reader was written on"), (True, "held-out notes")):
        total = totals(score_notes(folder, held_out))
        print(f"{what}: {total.tp} correct, {total.fp} wrong or extra, {total.fn} missed; "
              f"precision {total.precision:.3f}, recall {total.recall:.3f}")
    counts = score_notes(folder)
    for kind, c in sorted(counts.items()):
        p = "-" if c.precision is None else f"{c.precision:.2f}"
        r = "-" if c.recall is None else f"{c.recall:.2f}"
        print(f"  {kind:42} tp {c.tp:2} fp {c.fp:2} fn {c.fn:2}  P {p:>4}  R {r:>4}")
    for c in counts.values():
        for error in c.errors:
            print("  miss:", error)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent / "cases" / "notes"))
