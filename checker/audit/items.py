"""Per-item audit records: a compact row for the statistics and a JSON line for the reports.

An :class:`~checker.engine.evaluate.ItemResult` is turned into these as soon as it is computed and then
dropped, so an audit never holds evaluations in memory.
"""

from __future__ import annotations

import json
from datetime import date
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
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


def _default(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)
# The C encoder that JSONEncoder.encode makes on every call, made once (no check for circular data: there is none).
_C_ENCODER = c_make_encoder and c_make_encoder(None, _default, encode_basestring, None, ":", ",", False, False, True)


def _json(value: Any) -> str:
    return "".join(_C_ENCODER(value, 0)) if _C_ENCODER else _ENCODER.encode(value)


#: (criterion id, status, text, id(citation), explanation, fact paths, values, their types)
#:   -> (citation, the criterion's JSON, its profile pair)
_RENDERED: dict[tuple, tuple[dict, str, tuple[str, str]]] = {}
_RENDERED_MAX = 10_000  # ~5 MB; many distinct facts (or short-lived rule sets, in tests): start again
_KEY_TYPES = frozenset({type(None), bool, int, float, str, date})  # values a key tells apart (with their types)


def criteria_json(criteria: list[CriterionResult]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The criteria's JSON array elements (``_json(c.to_dict())`` joined by commas) and their profile (``(id,
    status)`` pairs, one object per pair: rows pickle small). Each criterion is rendered once per status,
    explanation and facts read: an archive repeats them, and the text and citation are most of an item's JSON."""
    parts, profile = [], []
    rendered = _RENDERED
    for criterion in criteria:
        citation, facts = criterion.citation, criterion.facts
        values = tuple(facts.values())
        key = (criterion.id, criterion.status, criterion.text, id(citation), criterion.explanation, tuple(facts),
               values, tuple(map(type, values)))  # the types: True == 1 == 1.0 as keys, but not in JSON
        try:
            known = rendered.get(key)
        except TypeError:  # a list among the facts
            known = None
        if known is None or known[0] is not citation:
            known = _render(criterion, key)
        parts.append(known[1])
        profile.append(known[2])
    return ",".join(parts), tuple(profile)


def _render(criterion: CriterionResult, key: tuple) -> tuple[dict, str, tuple[str, str]]:
    """A criterion rendered, and kept when its facts are plain values (a key tells those apart)."""
    known = (criterion.citation, _json(criterion.to_dict()), (criterion.id, str(criterion.status)))
    if _KEY_TYPES.issuperset(key[-1]):
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = known
    return known


def item_doc(item: ItemResult, sections: tuple[str, ...], specialty: str | None, agrees: bool | None,
             deciding: list[str]) -> dict[str, Any]:
    """An item as the audit report holds it: the engine's item dict, placed in its case and letter."""
    return {"case_id": item.case_id, "source": item.source, "index": item.index, **item.to_dict(),
            "agree": agrees, "sections": list(sections), "reviewer_specialty": specialty, "deciding": deciding}


def item_json(item: ItemResult, sections: tuple[str, ...], specialty: str | None, agrees: bool | None,
              deciding: list[str]) -> str:
    """``_json(item_doc(...))``, byte for byte, with the criteria from :func:`criteria_json` spliced in."""
    return _item_json(item, criteria_json(item.criteria)[0], sections, specialty, agrees, deciding)


def _item_json(item: ItemResult, criteria: str, sections: tuple[str, ...], specialty: str | None,
               agrees: bool | None, deciding: list[str]) -> str:
    before = _json({"case_id": item.case_id, "source": item.source, "index": item.index,
                    **item.fields_before_criteria()})
    after = _json({**item.fields_after_criteria(), "agree": agrees, "sections": list(sections),
                   "reviewer_specialty": specialty, "deciding": deciding})
    return before[:-1] + ',"criteria":[' + criteria + "]," + after[1:]


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
        criteria, profile = criteria_json(item.criteria)
        row = Row(item.case_id, item.index, item.request, item.source, item.kind, item.drug, item.drug_class,
                  item.rule, item_sections, specialty, item.predicted, item.actual, profile, item.coverage,
                  item.service)
        deciding = deciding_criteria(item) if item.criteria else []
        line = _item_json(item, criteria, item_sections, specialty, row.agrees, [c.id for c in deciding])
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
