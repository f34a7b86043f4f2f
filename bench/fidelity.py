"""Fidelity benchmark: predictions against the IMR reviewers' decisions on the bundled letters, end to end.

Usage: ``python bench/fidelity.py [--json] [--items]``.

Every letter of ``cases/letters/pdf`` (and, reported apart, the five seed letters of ``cases/seeds/text``)
is read from its file, turned into facts, evaluated by the rules and compared item by item with its
outcome table (``outcomes.tsv``) and the reviewer's hand-labelled reasons
(``tests/fixtures/reviewer_reasons.tsv``).  Drug items are reported on the tuning half and the check half
of the fixed split (``checker.audit.split.half_of``) separately; non-drug items get counts and coverage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.audit.fidelity import (  # noqa: E402
    GROUPS,
    ScoredItem,
    load_reasons,
    report,
    score_folder,
    services_by_type,
)
from checker.rules.ruleset import load_rules  # noqa: E402

LETTERS = ROOT / "cases" / "letters" / "pdf"
SEEDS = ROOT / "cases" / "seeds" / "text"
REASONS = ROOT / "tests" / "fixtures" / "reviewer_reasons.tsv"


def measure() -> tuple[dict[str, dict], list[ScoredItem]]:
    """Figures per group for drug items and for non-drug items, and every scored item."""
    ruleset, _ = load_rules(None)
    reasons = load_reasons(REASONS)
    letters = score_folder(LETTERS, ruleset, reasons)
    seeds = score_folder(SEEDS, ruleset, reasons)
    return {**report(letters, seeds), "services_by_type": services_by_type(letters)}, letters + seeds


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if isinstance(value, float) and abs(value) <= 1 else str(value)


#: The figures reported for drug items and for services alike.
FIGURES = [
    ("covered (rule or MTUS silent)", lambda f: f"{f['covered']} ({_fmt(f['coverage'])})"),
    ("  of which MTUS silent", lambda f: f["silent"]),
    ("agreement (uncovered = miss)", lambda f: _fmt(f["agreement"])),
    ("agreement on predicted", lambda f: f"{_fmt(f['agreement_covered'])} of {f['predicted']}"),
    ("Cohen's kappa", lambda f: "-" if f["kappa"] is None else f"{f['kappa']:+.2f}"),
    ("overturned caught", lambda f: f"{f['overturned']['caught']} of {f['overturned']['actual']}"),
    ("overturned precision", lambda f: f"{_fmt(f['overturned']['precision'])} of {f['overturned']['predicted']}"),
    ("false overturns", lambda f: f["false_overturns"]),
]
RIGHT_REASON = [
    ("right reason", lambda f: f"{_fmt(f['right_reason']['rate'])} of {f['right_reason']['judged']}"),
    ("  deciding criteria cited", lambda f: _fmt(f["right_reason"]["deciding_cited"])),
    ("  reviewer reasons found", lambda f: _fmt(f["right_reason"]["reasons_found"])),
]


def table(result: dict[str, dict]) -> str:
    drugs, services = result["drugs"], result["services"]
    width = 32
    lines = [f"{'':{width}s}" + "".join(f"{g:>16s}" for g in GROUPS)]
    for title, figures, rows in (("drug items", drugs, FIGURES + RIGHT_REASON),
                                 ("non-drug items (services)", services, FIGURES)):
        lines.append(f"{title:{width}s}" + "".join(f"{figures[g]['items']!s:>16s}" for g in GROUPS))
        lines += [f"{name:{width}s}" + "".join(f"{get(figures[g])!s:>16s}" for g in GROUPS) for name, get in rows]
        lines.append("")
    halves = ("tuning", "check", "letters")
    lines += [f"{'services by type (n cov ok kappa)':{width}s}" + "".join(f"{h:>24s}" for h in halves)]
    for name, by_half in result["services_by_type"].items():
        cells = [f"{f['items']:>4} {f['covered']:>4} {f['correct']:>4} "
                 f"{'-' if f['kappa'] is None else format(f['kappa'], '+.2f'):>6}"
                 for f in (by_half[h] for h in halves)]
        lines.append(f"{name:{width}s}" + "".join(c.rjust(24) for c in cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--items", action="store_true", help="list every drug item the tool gets wrong or misses")
    args = parser.parse_args()
    t0 = time.perf_counter()
    result, items = measure()
    elapsed = time.perf_counter() - t0
    misses = [i.to_dict() for i in items if i.kind == "drug" and not (i.compared and i.agrees)]
    if args.json:
        print(json.dumps({**result, "seconds": round(elapsed, 2), "drug_misses": misses}, indent=1))
        return
    print(table(result))
    print(f"\n{len(items)} items in {elapsed:.1f} s")
    if args.items:
        for m in misses:
            print(f"  [{m['half']}] {m['letter']} #{m['item']} {m['request'][:50]!r}: tool {m['predicted']} "
                  f"({m['rule'] or m['note']}), reviewer {m['actual']}; deciding {m['deciding']}, "
                  f"reviewer {m['reviewer_reasons']}")


if __name__ == "__main__":
    main()
