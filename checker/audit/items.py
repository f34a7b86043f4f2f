"""Per-item audit records: a compact row for the statistics and a JSON line for the reports.

An :class:`~checker.engine.evaluate.ItemResult` is turned into these as soon as it is computed and then
dropped, so an audit never holds evaluations in memory.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from checker.core.status import Status
from checker.engine.evaluate import CriterionResult, ItemResult
from checker.engine.trace import json_default as _default
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


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)
# The C encoder that JSONEncoder.encode makes on every call, made once (no check for circular data: there is none).
_C_ENCODER = c_make_encoder and c_make_encoder(None, _default, encode_basestring, None, ":", ",", False, False, True)


def _json(value: Any) -> str:
    return "".join(_C_ENCODER(value, 0)) if _C_ENCODER else _ENCODER.encode(value)


#: Each (criterion id, status) pair once, by the head it was rendered with: rows pickle one object per pair.
_PAIRS: dict[str, tuple[str, str]] = {}


def criteria_json(criteria: list[CriterionResult]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The criteria's JSON array elements (``_json(c.to_dict())`` joined by commas) and their profile (``(id,
    status)`` pairs, one object per pair: rows pickle small). A criterion's id, status, text and citation come
    rendered with it from the engine (:attr:`CriterionResult.head`): only its explanation and facts are encoded
    (the facts' dates by the encoder's ``default``, as ``to_dict`` writes them)."""
    parts, profile = [], []
    pairs = _PAIRS
    for criterion in criteria:
        head = criterion.head
        if head:
            parts.append("".join((head, '"explanation":', encode_basestring(criterion.explanation), ',"facts":',
                                  *_C_ENCODER(criterion.facts, 0), "}")) if _C_ENCODER else _json(criterion.to_dict()))
            pair = pairs.get(head)
            if pair is None:
                if len(pairs) >= 10_000:  # many short-lived rule sets (tests): start again
                    pairs.clear()
                pair = pairs[head] = (criterion.id, str(criterion.status))
        else:
            parts.append(_json(criterion.to_dict()))
            pair = (criterion.id, str(criterion.status))
        profile.append(pair)
    return ",".join(parts), tuple(profile)


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
