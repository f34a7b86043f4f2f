"""Incremental audit statistics: agreement, confusion, Cohen's kappa, breakdowns, coverage, inconsistencies.

Everything here is updated one :class:`~checker.audit.items.Row` at a time and holds counters
only (plus a bounded sample of items per inconsistency group), so its size does not grow with the
number of items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from checker.audit.items import Row

OUTCOMES = ("upheld", "overturned")
COVERAGE_COLUMNS = ("kind", "items", "covered", "predicted", "MTUS silent", "not covered", "not encoded",
                    "unrecognised")
COVERAGE_KEYS = ("items", "covered", "predicted", "mtus_silent", "not_covered", "not_encoded", "unrecognised")
NOT_COVERED = ("not_encoded", "unrecognised")   # no prediction and no known reason (MTUS silent is covered)
NONE_KEY = "(none)"


@dataclass
class Confusion:
    """Counts of (actual, predicted) over items that have both."""

    counts: Counter = field(default_factory=Counter)
    items: int = 0

    def add(self, row: Row) -> None:
        self.items += 1
        if row.compared:
            self.counts[(row.actual, row.predicted)] += 1

    @property
    def compared(self) -> int:
        return sum(self.counts.values())

    @property
    def agreement(self) -> float | None:
        n = self.compared
        return sum(self.counts[(o, o)] for o in OUTCOMES) / n if n else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa; None when it is undefined (no items, or chance agreement is total)."""
        n = self.compared
        if not n:
            return None
        observed = self.agreement or 0.0
        chance = sum(sum(self.counts[(o, p)] for p in OUTCOMES) * sum(self.counts[(a, o)] for a in OUTCOMES)
                     for o in OUTCOMES) / (n * n)
        return None if chance >= 1 else (observed - chance) / (1 - chance)

    def matrix(self) -> dict[str, dict[str, int]]:
        """Keyed actual, then predicted (the design's contract)."""
        return {a: {p: self.counts[(a, p)] for p in OUTCOMES} for a in OUTCOMES}

    def overturned(self) -> dict[str, Any]:
        """Actual overturned items caught (predicted overturned), and how often an overturn prediction is right."""
        actual = sum(self.counts[("overturned", p)] for p in OUTCOMES)
        predicted = sum(self.counts[(a, "overturned")] for a in OUTCOMES)
        caught = self.counts[("overturned", "overturned")]
        return {"actual": actual, "caught": caught, "recall": caught / actual if actual else None,
                "predicted": predicted, "precision": caught / predicted if predicted else None}

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "compared": self.compared, "agreement": _round(self.agreement),
                "kappa": _round(self.kappa), "confusion": self.matrix()}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class Group:
    """Items sharing one rule and one criteria profile: counts per actual outcome and a bounded sample."""

    rule: str
    profile: tuple[tuple[str, str], ...]
    predicted: str | None
    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {o: [] for o in OUTCOMES})

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "predicted": self.predicted,
                "profile": [{"id": i, "status": s} for i, s in self.profile],
                "counts": {o: self.counts[o] for o in OUTCOMES}, "items": self.examples,
                "truncated": any(self.counts[o] > len(self.examples[o]) for o in OUTCOMES)}


class AuditStats:
    """All the audit's aggregates, updated one row at a time."""

    BREAKDOWNS = ("drug_class", "rule", "section", "specialty")

    def __init__(self, examples: int = 20):
        self.examples = examples
        self.total = Confusion()
        self.by_kind: dict[str, Confusion] = {}
        self.breakdowns: dict[str, dict[str, Confusion]] = {b: {} for b in self.BREAKDOWNS}
        # per kind: items, and how each is covered ("predicted", or the item's coverage when it has no prediction)
        self.coverage: dict[str, Counter] = {"items": Counter(), "predicted": Counter(), "mtus_silent": Counter(),
                                             "not_encoded": Counter(), "unrecognised": Counter()}
        self.uncovered: dict[str, Counter] = {"drug": Counter(), "drug_class": Counter()}
        self.groups: dict[tuple, Group] = {}
        self.cases = 0
        self.no_actual = 0

    def _keys(self, row: Row) -> dict[str, Iterable[str]]:
        specialties = [s.strip() for s in (row.specialty or "").split(",") if s.strip()]
        service = f"service: {row.service}" if row.service else "service: (unrecognised)"
        return {"drug_class": [row.drug_class or (NONE_KEY if row.kind == "drug" else service)],
                "rule": [row.rule or "(not covered)"],
                "section": row.sections or [NONE_KEY],
                "specialty": specialties or ["(unknown)"]}

    def add(self, row: Row) -> None:
        """Count one item."""
        self.total.add(row)
        self.by_kind.setdefault(row.kind, Confusion()).add(row)
        for name, keys in self._keys(row).items():
            table = self.breakdowns[name]
            for key in keys:
                table.setdefault(key, Confusion()).add(row)
        self.coverage["items"][row.kind] += 1
        how = "predicted" if row.predicted is not None else row.coverage or "not_encoded"
        self.coverage[how][row.kind] += 1
        if how in NOT_COVERED and row.kind == "drug":
            self.uncovered["drug"][row.drug or "(unknown drug)"] += 1
            self.uncovered["drug_class"][row.drug_class or "(unclassified)"] += 1
        if row.actual is None:
            self.no_actual += 1
        if row.predicted is not None and row.actual in OUTCOMES:
            key = (row.rule, row.profile)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = Group(row.rule, row.profile, row.predicted)
            group.counts[row.actual] += 1
            sample = group.examples[row.actual]
            if len(sample) < self.examples:
                sample.append({"case_id": row.case_id, "index": row.index, "request": row.request,
                               "source": row.source})

    def inconsistencies(self) -> list[dict[str, Any]]:
        """Groups with the same rule and criteria statuses but both actual outcomes, largest first."""
        mixed = [g for g in self.groups.values() if all(g.counts[o] for o in OUTCOMES)]
        mixed.sort(key=lambda g: (-sum(g.counts.values()), g.rule, g.profile))
        return [g.to_dict() for g in mixed]

    def summary(self) -> dict[str, Any]:
        """The contract's summary, extended with kappa, overturned caught and counts."""
        total = self.total
        return {"items": total.items, "compared": total.compared, "agreement": _round(total.agreement),
                "kappa": _round(total.kappa), "confusion": total.matrix(),
                "overturned": {k: _round(v) if isinstance(v, float) else v for k, v in total.overturned().items()},
                "cases": self.cases,
                "not_covered": sum(n for how in NOT_COVERED for n in self.coverage[how].values()),
                "mtus_silent": sum(self.coverage["mtus_silent"].values()),
                "no_actual": self.no_actual,
                "by_kind": {k: c.to_dict() for k, c in sorted(self.by_kind.items())}}

    def breakdowns_dict(self) -> dict[str, dict[str, Any]]:
        """Each breakdown, keys ordered by number of items (most first)."""
        return {name: {k: c.to_dict() for k, c in sorted(table.items(), key=lambda kv: (-kv[1].items, kv[0]))}
                for name, table in self.breakdowns.items()}

    def coverage_dict(self) -> dict[str, Any]:
        """Coverage by kind (covered: a prediction, or MTUS silent with its reason; not covered: no rule yet, or
        the item could not be read), and which drugs and classes are not covered."""
        c = self.coverage
        by_kind = {k: {"items": n, "covered": c["predicted"][k] + c["mtus_silent"][k],
                       "not_covered": sum(c[how][k] for how in NOT_COVERED), "predicted": c["predicted"][k],
                       "mtus_silent": c["mtus_silent"][k], "not_encoded": c["not_encoded"][k],
                       "unrecognised": c["unrecognised"][k]}
                   for k, n in sorted(c["items"].items())}
        return {"by_kind": by_kind,
                "uncovered_drugs": dict(self.uncovered["drug"].most_common()),
                "uncovered_drug_classes": dict(self.uncovered["drug_class"].most_common())}
