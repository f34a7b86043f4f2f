"""The note reader on real clinical text: each hand-labelled letter's clinical case summary read as a note.

    python bench/note_on_letters.py

A letter's summary is the closest real text to a physician's note that the repository holds (it restates the
records). Each summary goes through ``checker.ingest.note.note_to_case`` with the letter's disputed items as
the requests (a summary has no plan), and is scored against ``tests/fixtures/labelled_facts`` (labelled on the
whole letter) on the letter scorer's facts, leaving out those only a letter header holds (injury date, UR date).
Beside it, the letter extractor on the whole letter, on the same facts. Figures per half of the fixed split
(``checker.audit.split``); the note layer was written on the synthetic notes, not on these letters.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.audit.split import half_of  # noqa: E402
from checker.ingest.case import letter_to_case_data  # noqa: E402
from checker.ingest.evaluate import load_labels, score, totals  # noqa: E402
from checker.ingest.letter import parse_letter  # noqa: E402
from checker.ingest.note import note_to_case  # noqa: E402
from checker.ingest.text import letter_text  # noqa: E402

HEADER_ONLY = ("injury.date", "ur_date")


def _without_header(labels: dict) -> dict:
    return {**labels, "case": {k: v for k, v in (labels.get("case") or {}).items() if k not in HEADER_ONLY}}


def _drop_header(case: dict) -> dict:
    case = dict(case)
    case.pop("ur_date", None)
    if isinstance(case.get("injury"), dict):
        case["injury"] = {k: v for k, v in case["injury"].items() if k != "date"}
    return case


def main() -> None:
    rows: dict[str, dict[str, list]] = {}
    for rel, labels in load_labels(ROOT / "tests" / "fixtures" / "labelled_facts"):
        letter = parse_letter(letter_text(ROOT / rel), rel)
        half = half_of(letter.case_number) if letter.case_number else "seed"
        requests = [item.request_text or item.title for item in letter.items]
        note = note_to_case(letter.summary, rel, requests)
        name = Path(rel).stem
        bucket = rows.setdefault(half, {"note": [], "letter": []})
        bucket["note"].append((name, _without_header(labels), _drop_header(note)))
        bucket["letter"].append((name, _without_header(labels), _drop_header(letter_to_case_data(letter))))
    for half in sorted(rows):
        for reader in ("note", "letter"):
            pairs = rows[half][reader]
            total = totals(score(pairs))
            what = "summary read as a note" if reader == "note" else "whole letter, letter extractor"
            print(f"{half:7} {len(pairs):2} letters  {what:31}  P={total.precision:.3f} R={total.recall:.3f} "
                  f"(tp={total.tp} fp={total.fp} fn={total.fn})")
    note_errors = [e for half in rows.values() for c in score(half["note"]).values() for e in c.errors]
    print("\nnote reader, wrong or extra values (a miss of a fact only the rationale states is expected):")
    for error in note_errors:
        if "extracted None" not in error and "missing [" not in error.split("extra")[0][-12:]:
            print("  ", error)


if __name__ == "__main__":
    main()
