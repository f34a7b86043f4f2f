"""Incremental audit statistics: agreement, confusion, Cohen's kappa, breakdowns, coverage, inconsistencies.

Everything here is updated one :class:`~checker.audit.items.Row` at a time and holds counters
only (plus a bounded sample of items per inconsistency group), so its size does not grow with the
number of items.
"""

from __future__ import annotations

from collections import Counter
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
        self.count(row.actual, row.predicted)

    def count(self, actual: str | None, predicted: str | None, n: int = 1) -> None:
        """Count ``n`` items with this actual and predicted outcome (compared when they have both)."""
        self.items += n
        if actual is not None and predicted is not None:
            self.counts[(actual, predicted)] += n

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
    """All the audit's aggregates, updated one row at a time.

    A row is first counted under a compact key (the fields the tables read); the tables are filled from those
    counts when they are read, or when there are :attr:`FOLD_AT` distinct keys: an archive repeats the same few
    thousand combinations, so most rows cost one counter increment."""

    BREAKDOWNS = ("drug_class", "rule", "section", "specialty")
    FOLD_AT = 4096

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
        self._pending: Counter = Counter()  # the fields the tables read, of rows not yet in them -> how many
        self._profiles: set[tuple[tuple[str, str], ...]] = set()  # not yet in criteria
        self.criteria: set[str] = set()  # the id of every criterion of every item

    def add(self, row: Row) -> None:
        """Count one item."""
        pending = self._pending
        pending[(row.kind, row.drug, row.drug_class, row.service, row.rule, row.sections, row.specialty,
                 row.predicted, row.actual, row.coverage)] += 1
        profiles = self._profiles
        profiles.add(row.profile)
        if len(pending) >= self.FOLD_AT or len(profiles) >= self.FOLD_AT:
            self._fold()
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

    def _fold(self) -> None:
        """Count the pending rows into the tables, in the order they were first seen."""
        for (kind, drug, drug_class, service, rule, sections, specialty, predicted, actual, coverage), n in \
                self._pending.items():
            self.total.count(actual, predicted, n)
            self.by_kind.setdefault(kind, Confusion()).count(actual, predicted, n)
            specialties = [s.strip() for s in (specialty or "").split(",") if s.strip()]
            service_key = f"service: {service}" if service else "service: (unrecognised)"
            keys = {"drug_class": [drug_class or (NONE_KEY if kind == "drug" else service_key)],
                    "rule": [rule or "(not covered)"], "section": sections or [NONE_KEY],
                    "specialty": specialties or ["(unknown)"]}
            for name, values in keys.items():
                table = self.breakdowns[name]
                for key in values:
                    table.setdefault(key, Confusion()).count(actual, predicted, n)
            self.coverage["items"][kind] += n
            how = "predicted" if predicted is not None else coverage or "not_encoded"
            self.coverage[how][kind] += n
            if how in NOT_COVERED and kind == "drug":
                self.uncovered["drug"][drug or "(unknown drug)"] += n
                self.uncovered["drug_class"][drug_class or "(unclassified)"] += n
            if actual is None:
                self.no_actual += n
        self._pending.clear()
        for profile in self._profiles:
            self.criteria.update(criterion for criterion, _ in profile)
        self._profiles.clear()

    def criterion_ids(self) -> list[str]:
        """Every criterion id any item was judged on, sorted."""
        self._fold()
        return sorted(self.criteria)

    def inconsistencies(self) -> list[dict[str, Any]]:
        """Groups with the same rule and criteria statuses but both actual outcomes, largest first."""
        mixed = [g for g in self.groups.values() if all(g.counts[o] for o in OUTCOMES)]
        mixed.sort(key=lambda g: (-sum(g.counts.values()), g.rule, g.profile))
        return [g.to_dict() for g in mixed]

    def summary(self) -> dict[str, Any]:
        """The contract's summary, extended with kappa, overturned caught and counts."""
        self._fold()
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
        self._fold()
        return {name: {k: c.to_dict() for k, c in sorted(table.items(), key=lambda kv: (-kv[1].items, kv[0]))}
                for name, table in self.breakdowns.items()}

    def coverage_dict(self) -> dict[str, Any]:
        """Coverage by kind (covered: a prediction, or MTUS silent with its reason; not covered: no rule yet, or
        the item could not be read), and which drugs and classes are not covered."""
        self._fold()
        c = self.coverage
        by_kind = {k: {"items": n, "covered": c["predicted"][k] + c["mtus_silent"][k],
                       "not_covered": sum(c[how][k] for how in NOT_COVERED), "predicted": c["predicted"][k],
                       "mtus_silent": c["mtus_silent"][k], "not_encoded": c["not_encoded"][k],
                       "unrecognised": c["unrecognised"][k]}
                   for k, n in sorted(c["items"].items())}
        return {"by_kind": by_kind,
                "uncovered_drugs": dict(self.uncovered["drug"].most_common()),
                "uncovered_drug_classes": dict(self.uncovered["drug_class"].most_common())}
