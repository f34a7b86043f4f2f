"""Per-item audit records: a compact row for the statistics and a JSON line for the reports.

An :class:`~checker.engine.evaluate.ItemResult` is turned into these as soon as it is computed and then
dropped, so an audit never holds evaluations in memory.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

from checker.core.status import Status
from checker.engine.evaluate import CriterionResult, ItemResult
from checker.facts.cases import Case
from checker.facts.evidence import Evidence
from checker.rules.ruleset import RuleSet

DECIDING = (Status.NOT_MET, Status.NOT_DOCUMENTED)


class Row(NamedTuple):
    """What the statistics and the store need of one item (small, picklable)."""

    case_id: str
    index: int
    request: str
    source: str | None
    kind: str
    drug: str | None
    drug_class: str | None
    rule: str | None
    sections: tuple[str, ...]
    specialty: str | None
    predicted: str | None
    actual: str | None
    profile: tuple[tuple[str, str], ...]
    coverage: str | None = None   # why no prediction: mtus_silent, not_encoded or unrecognised
    service: str | None = None    # a service item's type (rules/services.yaml), shown beside the drug classes

    @property
    def compared(self) -> bool:
        return self.predicted is not None and self.actual is not None

    @property
    def agrees(self) -> bool | None:
        return self.predicted == self.actual if self.compared else None


class Record(NamedTuple):
    """One audited item: its row, its JSON line, and its disagreement entry (JSON) where it disagrees."""

    row: Row
    item_json: str
    disagreement_json: str | None
    warnings: tuple[str, ...] = ()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                            default=lambda v: v.isoformat() if isinstance(v, date) else str(v))


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


#: (criterion id, status, text, id(citation), explanation, fact paths, values, their types) -> (citation, JSON)
_RENDERED: dict[tuple, tuple[dict, str]] = {}
_RENDERED_MAX = 10_000  # ~5 MB; many distinct facts (or short-lived rule sets, in tests): start again
_KEY_TYPES = frozenset({type(None), bool, int, float, str, date})  # values a key tells apart (with their types)


def criterion_json(criterion: CriterionResult) -> str:
    """``_json(criterion.to_dict())``, rendered once per criterion, status, explanation and facts read (an archive
    repeats them: the text and citation are most of the ~2.7 kB of an item's criteria)."""
    citation, facts = criterion.citation, criterion.facts
    values = tuple(facts.values())
    types = tuple(map(type, values))  # True == 1 == 1.0 as keys, but not in JSON
    if not _KEY_TYPES.issuperset(types):
        return _json(criterion.to_dict())
    key = (criterion.id, criterion.status, criterion.text, id(citation), criterion.explanation, tuple(facts),
           values, types)
    known = _RENDERED.get(key)
    if known is None or known[0] is not citation:
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        known = _RENDERED[key] = (citation, _json(criterion.to_dict()))
    return known[1]


def item_doc(item: ItemResult, sections: tuple[str, ...], specialty: str | None, agrees: bool | None,
             deciding: list[str]) -> dict[str, Any]:
    """An item as the audit report holds it: the engine's item dict, placed in its case and letter."""
    return {"case_id": item.case_id, "source": item.source, "index": item.index, **item.to_dict(),
            "agree": agrees, "sections": list(sections), "reviewer_specialty": specialty, "deciding": deciding}


def item_json(item: ItemResult, sections: tuple[str, ...], specialty: str | None, agrees: bool | None,
              deciding: list[str]) -> str:
    """``_json(item_doc(...))``, byte for byte, with each criterion from :func:`criterion_json`."""
    before = _json({"case_id": item.case_id, "source": item.source, "index": item.index,
                    **item.fields_before_criteria()})
    after = _json({**item.fields_after_criteria(), "agree": agrees, "sections": list(sections),
                   "reviewer_specialty": specialty, "deciding": deciding})
    criteria = ",".join([criterion_json(c) for c in item.criteria])
    return before[:-1] + ',"criteria":[' + criteria + "]," + after[1:]


_PAIRS: dict[tuple[str, Status], tuple[str, str]] = {}


def _pair(criterion: str, status: Status) -> tuple[str, str]:
    """A profile's ``(criterion id, status)``, one object per pair: rows sent between processes pickle small."""
    pair = _PAIRS.get((criterion, status))
    if pair is None:
        if len(_PAIRS) > 10_000:
            _PAIRS.clear()
        pair = _PAIRS[(criterion, status)] = (criterion, str(status))
    return pair


def rule_sections(ruleset: RuleSet, rule_id: str | None) -> tuple[str, ...]:
    """The rule's source section (or its pages) as the breakdown key for items from case files."""
    rule = ruleset.get(rule_id) if rule_id else None
    if rule is None:
        return ()
    source = rule.source
    if source.get("section"):
        return (source["section"],)
    return (f"pp. {source['pages']}",) if source.get("pages") else ()


def deciding_criteria(item: ItemResult) -> list[Any]:
    """The criteria behind a prediction: not met or not documented ones (the met ones if none)."""
    deciding = [c for c in item.criteria if c.status in DECIDING]
    return deciding or [c for c in item.criteria if c.status is Status.MET]


def records(case: Case, items: list[ItemResult], ruleset: RuleSet, specialty: str | None,
            sections: list[list[str]] | None) -> list[Record]:
    """Turn one case's evaluation into records (letter sections per item where the input is a letter)."""
    evidence = Evidence(case.data.get("evidence")) if case.data.get("evidence") else None
    out = []
    for item in items:
        if sections is not None:
            item_sections = tuple(sections[item.index]) if item.index < len(sections) else ()
        else:
            item_sections = rule_sections(ruleset, item.rule)
        row = Row(item.case_id, item.index, item.request, item.source, item.kind, item.drug, item.drug_class,
                  item.rule, item_sections, specialty, item.predicted, item.actual,
                  tuple([_pair(c.id, c.status) for c in item.criteria]), item.coverage, item.service)
        deciding = deciding_criteria(item) if item.criteria else []
        line = item_json(item, item_sections, specialty, row.agrees, [c.id for c in deciding])
        disagreement = None
        if row.agrees is False:
            disagreement = _json({
                "case_id": item.case_id, "source": item.source, "index": item.index, "request": item.request,
                "drug": item.drug, "drug_class": item.drug_class, "rule": item.rule,
                "predicted": item.predicted, "actual": item.actual, "sections": list(item_sections),
                "reviewer_specialty": specialty,
                "deciding": [{"id": c.id, "status": str(c.status), "text": c.text, "explanation": c.explanation,
                              "citation": c.citation,
                              "evidence": evidence.sentences(list(c.facts), item.index) if evidence else []}
                             for c in deciding]})
        out.append(Record(row, line, disagreement, tuple(item.warnings)))
    return out
