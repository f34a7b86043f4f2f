"""Fidelity of predictions to IMR reviewers' decisions on letters with known outcomes.

Letters go end to end (text -> facts -> rules -> prediction); each item is joined by its number with
the outcome table beside the letters (``outcomes.tsv``: ``letter item kind drug_class outcome``) and
with the hand-labelled reviewer's reasons (``reviewer_reasons.tsv``: ``case item request reasons other
sentence``, reasons being criterion ids). :func:`figures` gives, for one group of items: coverage,
agreement (an uncovered item counts as a miss), agreement on covered items, Cohen's kappa, overturned
items caught and the precision of an "overturned" prediction, false overturns, and the right-reason
rate (the criteria the tool says decide the item include one the reviewer cites).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from checker.audit.items import deciding_criteria
from checker.audit.split import half_of
from checker.audit.stats import Confusion
from checker.engine.evaluate import ItemResult, evaluate
from checker.facts.cases import case_from_data
from checker.ingest.case import letter_to_case_data
from checker.ingest.letter import read_letter
from checker.rules.ruleset import RuleSet

__all__ = ["Truth", "ReviewerReason", "ScoredItem", "load_outcomes", "load_reasons", "score_letter",
           "figures", "is_silent", "services_by_type", "service_type_of", "SERVICE_TYPES"]


@dataclass(frozen=True)
class Truth:
    """One item's actual outcome and kind (``drug`` or ``non-drug``) from an outcome table."""

    letter: str
    item: int
    kind: str
    outcome: str


@dataclass(frozen=True)
class ReviewerReason:
    """The criteria the reviewer's rationale gives as deciding the item, and reasons outside our criteria."""

    letter: str
    item: int
    criteria: frozenset[str]
    other: str
    sentence: str


@dataclass
class ScoredItem:
    """One item of a letter with a known outcome: what the tool said and what the reviewer decided."""

    letter: str
    item: int
    kind: str  # the outcome table's kind: drug | non-drug
    actual: str
    request: str = ""
    tool_kind: str | None = None
    drug: str | None = None
    service: str | None = None  # service type (rules/services.yaml) of a service item
    rule: str | None = None
    predicted: str | None = None
    silent: bool = False
    deciding: tuple[str, ...] = ()
    note: str | None = None
    reviewer: ReviewerReason | None = None
    half: str = field(init=False)

    def __post_init__(self) -> None:
        self.half = half_of(self.letter)

    @property
    def covered(self) -> bool:
        """A prediction, or the MTUS is known to be silent on the item (a result with its reason)."""
        return self.predicted is not None or self.silent

    @property
    def compared(self) -> bool:
        return self.predicted is not None

    @property
    def agrees(self) -> bool:
        return self.predicted == self.actual

    @property
    def right_reason(self) -> bool | None:
        """Whether a deciding criterion is one the reviewer cites (None: not agreed, or no labelled criterion)."""
        if not self.agrees or self.reviewer is None or not self.reviewer.criteria:
            return None
        return bool(set(self.deciding) & self.reviewer.criteria)

    def to_dict(self) -> dict[str, Any]:
        return {"letter": self.letter, "item": self.item, "half": self.half, "kind": self.kind,
                "request": self.request, "tool_kind": self.tool_kind, "drug": self.drug, "service": self.service,
                "rule": self.rule,
                "silent": self.silent, "predicted": self.predicted, "actual": self.actual,
                "deciding": list(self.deciding), "note": self.note,
                "reviewer_reasons": sorted(self.reviewer.criteria) if self.reviewer else None,
                "reviewer_other": self.reviewer.other if self.reviewer else None,
                "right_reason": self.right_reason}


def _rows(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if any(v and v.strip() for v in row.values())]


def load_outcomes(path: str | Path) -> dict[tuple[str, int], Truth]:
    """An outcome table keyed by (letter, item number)."""
    return {(r["letter"], int(r["item"])): Truth(r["letter"], int(r["item"]), r["kind"], r["outcome"])
            for r in _rows(path)}


def load_reasons(path: str | Path) -> dict[tuple[str, int], ReviewerReason]:
    """The hand-labelled reviewer reasons keyed by (case, item number)."""
    out = {}
    for r in _rows(path):
        criteria = frozenset(c.strip() for c in (r["reasons"] or "").split(",") if c.strip())
        out[(r["case"], int(r["item"]))] = ReviewerReason(r["case"], int(r["item"]), criteria,
                                                          (r.get("other") or "").strip(), r["sentence"].strip())
    return out


def is_silent(result: ItemResult) -> bool:
    """Whether the tool's result for an item is "the MTUS is silent" (a covered result without a rule)."""
    return getattr(result, "coverage", None) == "mtus_silent"


def score_letter(path: str | Path, letter_id: str, truth: dict[tuple[str, int], Truth], ruleset: RuleSet,
                 reasons: dict[tuple[str, int], ReviewerReason] | None = None,
                 as_of: date | None = None) -> list[ScoredItem]:
    """Read one letter end to end and score every item the outcome table lists for ``letter_id``.

    An item the table lists but the letter's reading does not find is scored as uncovered."""
    letter = read_letter(path)
    case = case_from_data(letter_to_case_data(letter), str(path))
    results = evaluate(case, ruleset, as_of)
    by_number = {item.number: result for item, result in zip(letter.items, results, strict=True)}
    reasons = reasons or {}
    out = []
    for (name, number), known in sorted(truth.items()):
        if name != letter_id:
            continue
        scored = ScoredItem(name, number, known.kind, known.outcome, reviewer=reasons.get((name, number)))
        result = by_number.get(number)
        if result is None:
            scored.note = "item not found in the letter"
        else:
            scored.request, scored.tool_kind, scored.drug = result.request, result.kind, result.drug
            scored.service = getattr(result, "service", None)
            scored.rule, scored.predicted, scored.silent = result.rule, result.predicted, is_silent(result)
            scored.deciding = tuple(c.id for c in deciding_criteria(result)) if result.criteria else ()
            scored.note = result.note
        out.append(scored)
    return out


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def figures(items: Iterable[ScoredItem]) -> dict[str, Any]:
    """Every fidelity figure over a group of items (all of one kind, as the caller selects)."""
    items = list(items)
    confusion = Confusion()
    for item in items:
        confusion.add(item)  # type: ignore[arg-type]  # duck-typed: actual, predicted, compared
    n = len(items)
    covered = sum(i.covered for i in items)
    correct = sum(i.compared and i.agrees for i in items)
    overturned = confusion.overturned()
    actual_overturned = sum(i.actual == "overturned" for i in items)  # uncovered ones are misses too
    judged = [i for i in items if i.right_reason is not None]
    agreed_labelled = [i for i in items if i.compared and i.agrees and i.reviewer and i.reviewer.criteria]
    cited = sum(len(set(i.deciding) & i.reviewer.criteria) for i in agreed_labelled)  # type: ignore[union-attr]
    return {
        "items": n, "covered": covered, "coverage": _ratio(covered, n),
        "silent": sum(i.silent for i in items), "predicted": confusion.compared,
        "correct": correct, "agreement": _ratio(correct, n), "agreement_covered": confusion.agreement
        if confusion.agreement is None else round(confusion.agreement, 4),
        "kappa": None if confusion.kappa is None else round(confusion.kappa, 4),
        "confusion": confusion.matrix(),
        "overturned": {"actual": actual_overturned, "caught": overturned["caught"],
                       "predicted": overturned["predicted"],
                       "precision": _ratio(overturned["caught"], overturned["predicted"]),
                       "recall": _ratio(overturned["caught"], actual_overturned)},
        "false_overturns": confusion.counts[("upheld", "overturned")],
        "right_reason": {"judged": len(judged), "right": sum(bool(i.right_reason) for i in judged),
                         "rate": _ratio(sum(bool(i.right_reason) for i in judged), len(judged)),
                         "deciding_cited": _ratio(cited, sum(len(i.deciding) for i in agreed_labelled)),
                         "reasons_found": _ratio(cited, sum(len(i.reviewer.criteria)  # type: ignore[union-attr]
                                                            for i in agreed_labelled))},
    }


def score_folder(folder: str | Path, ruleset: RuleSet, reasons: dict[tuple[str, int], ReviewerReason] | None = None,
                 as_of: date | None = None) -> list[ScoredItem]:
    """Every item listed in ``folder/outcomes.tsv``, each letter (``<letter>.pdf`` or ``.txt``) read end to end."""
    folder = Path(folder)
    truth = load_outcomes(folder / "outcomes.tsv")
    out: list[ScoredItem] = []
    for letter_id in sorted({name for name, _ in truth}):
        path = next((p for p in (folder / f"{letter_id}.pdf", folder / f"{letter_id}.txt") if p.exists()), None)
        if path is None:
            out += [ScoredItem(name, number, t.kind, t.outcome, note="letter file missing")
                    for (name, number), t in sorted(truth.items()) if name == letter_id]
            continue
        out += score_letter(path, letter_id, truth, ruleset, reasons, as_of)
    return out


GROUPS = ("tuning", "check", "letters", "seeds")


def report(letters: list[ScoredItem], seeds: list[ScoredItem]) -> dict[str, dict[str, dict[str, Any]]]:
    """Figures for drug items and for non-drug items, on each half of the split, all letters, and the seeds."""
    members = {"tuning": [i for i in letters if i.half == "tuning"],
               "check": [i for i in letters if i.half == "check"], "letters": letters, "seeds": seeds}
    return {key: {group: figures(i for i in members[group] if i.kind == kind) for group in GROUPS}
            for kind, key in (("drug", "drugs"), ("non-drug", "services"))}


# Service types reported apart, in the order of their frequency in the letters; the rest are "other".
SERVICE_TYPES: dict[str, tuple[str, ...]] = {
    "MRI": ("mri",), "PT/OT": ("physical_therapy", "occupational_therapy"), "EMG/NCV": ("electrodiagnostic",),
    "chiropractic": ("chiropractic",), "acupuncture": ("acupuncture",),
    "X-ray/CT/bone scan": ("xray", "ct", "bone_scan"),
    # the Chronic Pain guideline's other services (rules/services/chronic-pain-services.yaml)
    "CPMTG services": ("urine_drug_test", "home_health", "psychological_testing", "psychological_treatment",
                       "epidural_steroid_injection", "functional_restoration_program", "massage",
                       "trigger_point_injection", "heat_cold", "traction"),
    "surgery, pre-op, assistant": ("surgery", "surgical_assistant", "pre_operative_clearance", "pre_operative_test"),
    "consultation/office visit": ("consultation", "office_visit"),
}


def service_type_of(item: ScoredItem) -> str:
    """The reporting group of a service item: one of SERVICE_TYPES, else "other"."""
    return next((name for name, keys in SERVICE_TYPES.items() if item.service in keys), "other")


def services_by_type(letters: list[ScoredItem]) -> dict[str, dict[str, dict[str, Any]]]:
    """Fidelity figures for service items per service type, on each half of the split and all letters."""
    services = [i for i in letters if i.kind == "non-drug"]
    halves = {"tuning": lambda i: i.half == "tuning", "check": lambda i: i.half == "check", "letters": lambda i: True}
    return {name: {half: figures(i for i in services if service_type_of(i) == name and keep(i))
                   for half, keep in halves.items()}
            for name in (*SERVICE_TYPES, "other")}
