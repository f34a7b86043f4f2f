"""``mtus check --format rfa``: the medical-necessity statement for a Request for Authorization.

For each item predicted to hold (overturned: medically necessary), every MTUS criterion met with its
citation and the case's own evidence sentence, ready to adapt into the RFA's supporting documentation.
For the others, the checklist of what is missing: what to document, and what is not met.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.engine.evaluate import ItemResult
from checker.engine.render import CaseResults, Evidences, citation_text, criterion_evidence, evidence_of, quote_text
from checker.facts.evidence import Evidence
from checker.rules.ruleset import RuleSet

__all__ = ["to_rfa", "item_statement"]


def _rule_citation(item: ItemResult, ruleset: RuleSet) -> str:
    rule = ruleset.get(item.rule) if item.rule else None
    return citation_text(rule.source) if rule is not None else ""


def item_statement(item: ItemResult, ruleset: RuleSet, evidence: Evidence | None) -> list[str]:
    """Markdown lines for one requested item: the statement of medical necessity, or what is missing."""
    what = item.drug or item.kind
    if item.drug_class:
        what += f", {item.drug_class.replace('_', ' ')}"
    out = [f"## {item.request} ({what})", ""]
    if item.predicted is None:
        out += [f"No MTUS rule covers this item yet ({item.note or 'not encoded'}): no statement is written for it.",
                ""]
        return out
    source = _rule_citation(item, ruleset)
    if item.predicted == "overturned":
        met = [c for c in item.criteria if c.status == "met"]
        out += [f"**Statement of medical necessity.** The requested treatment meets the criteria of the {source}"
                f" ({item.rule_title}). Each criterion and where this patient's record documents it:", ""]
        for n, c in enumerate(met, 1):
            quote = quote_text(c.citation)
            out.append(f"{n}. **{c.text}.** {citation_text(c.citation)}" + (f": {quote}" if quote else "") + ".")
            sentences = criterion_evidence(evidence, c, item)
            if sentences:
                out += [f"   Documented: “{s}”" for s in sentences]
            else:
                out.append(f"   Documented: {c.explanation}")
        na = [c.text for c in item.criteria if c.status == "not_applicable"]
        if na:
            out += ["", "Criteria that do not apply to this request: " + "; ".join(na) + "."]
        out.append("")
        return out
    out += [f"**Not ready to submit.** As documented, this request is predicted to be denied under the {source}."
            " Missing before it can be justified:", ""]
    out += [f"- [ ] Document: {d}" for d in item.to_document]
    for c in item.criteria:
        if c.status == "not_met":
            out.append(f"- [ ] Not met: {c.text}. {c.explanation} ({citation_text(c.citation)})")
    out.append("")
    return out


def to_rfa(results: Iterable[CaseResults], ruleset: RuleSet, evidences: Evidences = None) -> str:
    """The RFA statements of every case, as Markdown."""
    out = ["# Request for Authorization: statement of medical necessity", "",
           "_Drafted by mtus-checker from the treating physician's own documentation and the MTUS; the physician "
           "reviews and signs it._", ""]
    for i, (case_id, source, items) in enumerate(results):
        out += [f"Case {case_id}" + (f" (from {source})" if source else "") + ".", ""]
        for item in items:
            out += item_statement(item, ruleset, evidence_of(evidences, i))
    out.append(f"_Rules {ruleset.version}, content hash {ruleset.hash}._")
    return "\n".join(out) + "\n"
