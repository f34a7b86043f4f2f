"""Evaluate a case against the compiled rules: a criteria trace and a prediction per requested item."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checker.core.status import NA
from checker.engine.compiled import Decision, Outcome, compile_rule
from checker.engine.formulary import formulary, formulary_start
from checker.engine.trace import CriterionResult
from checker.facts.cases import Case
from checker.facts.derived import case_facts, request_facts
from checker.facts.procedures import postsurgical_course
from checker.facts.requests import ParsedRequest, parse_request
from checker.rules.compile import Facts
from checker.rules.editions import in_force_text
from checker.rules.ruleset import Criterion, Rule, RuleSet, Selection

# Why an item has no prediction (the design's contract): the MTUS does not address it, no rule encodes it
# yet, or the item's text could not be read as a known drug or service.
COVERAGE = ("mtus_silent", "not_encoded", "unrecognised")


@dataclass
class ItemResult:
    """The evaluation of one requested item."""

    case_id: str
    source: str | None
    request: str
    kind: str
    drug: str | None
    ingredients: list[str]
    drug_class: str | None
    rule: str | None
    rule_title: str | None
    edition: str | None
    predicted: str | None
    actual: str | None
    criteria: list[CriterionResult] = field(default_factory=list)
    to_document: list[str] = field(default_factory=list)
    not_met: list[str] = field(default_factory=list)
    note: str | None = None
    index: int = 0
    coverage: str | None = None          # why there is no prediction: one of COVERAGE (None when predicted)
    silent: dict[str, Any] | None = None  # for mtus_silent: reason, reviewers_use, citation (where one would look)
    date: date | None = None
    edition_dates: dict[str, str | None] | None = None
    warnings: list[str] = field(default_factory=list)
    formulary: dict[str, Any] | None = None
    did_you_mean: list[str] = field(default_factory=list)  # catalog names near a misspelt or unknown drug name
    spelling: str | None = None   # how a misspelt name was read ("read 'Norcoo' as Norco"), or None
    service: str | None = None                 # service type (rules/services.yaml) of a service item
    service_group: str | None = None
    depends_on: dict[str, Any] | None = None   # the item of the same case this one depends on, and its prediction

    @property
    def covered(self) -> bool:
        """A prediction, or the MTUS is known to be silent on the item (with its reason)."""
        return self.predicted is not None or self.coverage == "mtus_silent"

    def to_dict(self) -> dict[str, Any]:
        return {**self.fields_before_criteria(), "criteria": [c.to_dict() for c in self.criteria],
                **self.fields_after_criteria()}

    def fields_before_criteria(self) -> dict[str, Any]:
        """The dict's keys that come before ``criteria`` (the audit splices pre-rendered criteria JSON between)."""
        return {"request": self.request, "kind": self.kind, "drug": self.drug, "ingredients": self.ingredients,
                "drug_class": self.drug_class, "rule": self.rule, "rule_title": self.rule_title,
                "edition": self.edition, "predicted": self.predicted, "actual": self.actual,
                "coverage": self.coverage, "silent": self.silent, "did_you_mean": self.did_you_mean,
                "spelling": self.spelling}

    def fields_after_criteria(self) -> dict[str, Any]:
        """The dict's keys after ``criteria``: documentation gaps, the note, the date judged on, the edition's
        dates, and (where there are) warnings and the formulary."""
        out: dict[str, Any] = {"to_document": self.to_document, "not_met": self.not_met, "note": self.note,
                               "date": self.date.isoformat() if self.date else None,
                               "edition_dates": self.edition_dates}
        if self.warnings:
            out["warnings"] = self.warnings
        if self.formulary is not None:
            out["formulary"] = self.formulary
        if self.kind == "service":
            out["service"], out["service_group"] = self.service, self.service_group
        if self.depends_on is not None:
            out["depends_on"] = self.depends_on
        return out


def _to_document(rule: Rule, values: dict[str, Any], decision: Decision) -> list[str]:
    """Not-documented criteria whose documentation the decision depends on."""
    unknown = [i for i in rule.decision_ids if values.get(i) is None]
    if not unknown:
        return []
    best = {**values, **{i: True for i in unknown}}
    if decision(best) is not True:
        return unknown
    out = []
    for i in unknown:  # would the decision fail if this one turned out not met?
        best[i] = False
        if decision(best) is not True:
            out.append(i)
        best[i] = True
    return out


@dataclass
class _Plan:
    """A rule ready to evaluate, built once: its evaluation as one generated function
    (:func:`checker.engine.compiled.compile_rule`), its criteria by id, and its edition's dates."""

    rule: Rule
    run: Callable[[Facts], Outcome]
    by_id: dict[str, Criterion]
    editions: object = None          # the registry ``edition_dates`` was read from
    edition_dates: dict[str, str | None] | None = None

    def dates(self, rules: RuleSet) -> dict[str, str | None]:
        """The dates of the rule's edition in the registry of ``rules`` (else the rule's own), a fresh dict."""
        if self.editions is not rules.editions or self.edition_dates is None:
            rule = self.rule
            edition = rules.edition_of(rule)
            self.edition_dates = edition.dates() if edition is not None else {
                "from": rule.effective_from.isoformat() if rule.effective_from else None,
                "to": rule.effective_to.isoformat() if rule.effective_to else None}
            self.editions = rules.editions
        return dict(self.edition_dates)


_PLANS: dict[int, _Plan] = {}


def _decide(rule: Rule, decision: Decision, values: dict[str, Any], results: list[CriterionResult],
            unknown: list[str]) -> Outcome:
    """The outcome of a rule whose decision is not simply all of its criteria, from every criterion's value."""
    decided = decision(values)
    not_met = [i for i in rule.decision_ids if values.get(i) is False]
    to_document = _to_document(rule, values, decision) if unknown else []
    return ("overturned" if decided is True or decided is NA else "upheld"), results, to_document, not_met


def _plan(rule: Rule) -> _Plan:
    """The rule's plan, built on first use and kept (keyed by the rule object)."""
    plan = _PLANS.get(id(rule))
    if plan is not None and plan.rule is rule:
        return plan
    if len(_PLANS) > 4096:  # many short-lived rule sets (tests): start again rather than grow
        _PLANS.clear()
    plan = _PLANS[id(rule)] = _Plan(rule, compile_rule(rule, _decide), {c.id: c for c in rule.criteria})
    return plan


def evaluate_item(rule: Rule, facts: Facts) -> Outcome:
    """Evaluate one rule on one item's facts: (predicted, criteria trace, to-document ids, not-met ids)."""
    return _plan(rule).run(facts)


def evaluate(case: Case, rules: RuleSet, as_of: date | None = None, policy: str = "warn") -> list[ItemResult]:
    """Evaluate every requested item of a case; items no rule covers are reported as not covered.

    ``policy`` says what to do with an item whose date no encoded edition covers: ``warn`` evaluates it
    with the nearest encoded edition and says which; ``refuse`` leaves it not covered (``not_encoded``).

    Items are evaluated in one pass in dependency order: an item whose rule declares ``depends_on`` (a
    pre-operative test on its surgery, a PPI on its NSAID) comes after the item it depends on, whose prediction
    it reads as ``request.related_necessary``. Results keep the case's order.
    """
    base = case_facts(case.data)
    medications = case.data.get("medications") or []
    on = as_of or base.get("report_date")
    uncovered = date_warning(rules, on)
    prepared: list[tuple[dict, ParsedRequest, Facts, Selection]] = []
    for request in case.data["requests"]:
        parsed = parse_request(request["text"])
        facts = request_facts(request, parsed, base, medications)
        prepared.append((request, parsed, facts, rules.select(facts, as_of)))
    parents = related_items([(facts, selection.rule) for _, _, facts, selection in prepared])
    results: dict[int, ItemResult] = {}
    for index in dependency_order(len(prepared), parents) if parents else range(len(prepared)):
        request, parsed, facts, selection = prepared[index]
        parent = parents.get(index)
        if parent is not None:
            facts["request.related_item"] = prepared[parent][0]["text"]
            related_procedures = prepared[parent][2].get("request.procedures")
            if related_procedures:
                facts["request.related_procedures"] = related_procedures
                postsurgical_course(facts)
            if results[parent].predicted is not None:
                facts["request.related_necessary"] = results[parent].predicted == "overturned"
        item = _evaluate_one(case, index, request, parsed, facts, selection, rules, on, policy, uncovered)
        if parent is not None:
            item.depends_on = {"item": parent, "request": results[parent].request,
                               "predicted": results[parent].predicted}
        results[index] = item
    return [results[i] for i in range(len(prepared))]


def related_items(prepared: list[tuple[Facts, Rule | None]]) -> dict[int, int]:
    """For each item whose rule declares ``depends_on``, the first other item of the case that the relation selects."""
    parents = {}
    for index, (_, rule) in enumerate(prepared):
        if rule is None or rule.depends_on is None:
            continue
        parent = next((j for j, (facts, _) in enumerate(prepared) if j != index and rule.depends_on(facts) is True),
                      None)
        if parent is not None:
            parents[index] = parent
    return parents


def dependency_order(count: int, parents: dict[int, int]) -> list[int]:
    """Item indexes with every item after the one it depends on (case order otherwise); an edge that would close a
    cycle is dropped from ``parents``, so that item is evaluated without its relation."""
    order: list[int] = []
    state: dict[int, str] = {}

    def visit(index: int) -> None:
        if state.get(index) == "done":
            return
        state[index] = "visiting"
        parent = parents.get(index)
        if parent is not None:
            if state.get(parent) == "visiting":
                del parents[index]
            else:
                visit(parent)
        state[index] = "done"
        order.append(index)

    for index in range(count):
        visit(index)
    return order


def _evaluate_one(case: Case, index: int, request: dict, parsed: ParsedRequest, facts: Facts, selection: Selection,
                  rules: RuleSet, on: date | None, policy: str, uncovered: str | None) -> ItemResult:
    """One item's result: its rule's trace and prediction, or why there is none."""
    kind = facts.get("request.kind") or "service"
    drug = facts.get("request.drug")
    item = ItemResult(case.case_id, case.source, request["text"], kind, drug,
                      list(facts.get("request.ingredients") or []), facts.get("request.drug_class"),
                      None, None, None, None, request.get("actual"), index=index, date=on,
                      service=facts.get("request.service"), service_group=facts.get("request.service_group"))
    item.did_you_mean = list(dict.fromkeys(name for _, name in parsed.did_you_mean))
    if parsed.read_as_near_miss:
        item.spelling = "read " + ", ".join(f"'{word}' as {name}" for word, name in parsed.did_you_mean) + \
            " (not catalog names: check the spelling)"
    if uncovered:
        item.warnings.append(uncovered)
    if kind == "drug" and drug is not None and (facts.get("request.dispensing.date") or on or date.min) >= \
            formulary_start(rules):
        item.formulary, warning = formulary(facts, rules, on, parsed.days_covered())
        item.warnings += [w for w in (warning, synthetic_warning(item.formulary)) if w]
    rule = selection.rule
    if rule is not None and selection.outside is not None:
        item.warnings.append(fallback_warning(rules, rule, selection.outside, on, policy))
        if policy == "refuse":
            item.coverage = "not_encoded"
            item.note = f"not evaluated: no encoded MTUS edition was in force on {on or 'an unknown date'}"
            return item
    if rule is None:
        unreadable = drug is None if kind == "drug" else facts.get("request.service") is None
        item.coverage = "unrecognised" if unreadable else "not_encoded"
        if kind == "drug" and drug is None:
            item.note = "unknown drug: not in the drug catalog (rules/drugs.yaml)" + (
                f"; did you mean {' or '.join(item.did_you_mean)}?" if item.did_you_mean else "")
        elif kind == "drug":
            item.note = f"no rule covers {drug} ({item.drug_class or 'unclassified'})"
        elif unreadable:
            item.note = "unrecognised service: not in the service catalog (rules/services.yaml)"
        else:
            item.note = f"no rule covers {facts['request.service']} ({facts.get('request.service_group')}) yet"
        return item
    item.rule, item.rule_title, item.edition = rule.id, rule.title, rule.edition
    plan = _plan(rule)
    item.edition_dates = plan.dates(rules)
    if rule.silent and not rule.criteria:
        coverage: str | None = "mtus_silent"
    else:
        item.predicted, item.criteria, document_ids, item.not_met = plan.run(facts)
        coverage = undecided(rule, facts, item.predicted, item.not_met)
    if coverage is not None:
        item.predicted, item.not_met, item.coverage = None, [], coverage
        if rule.silent:
            item.silent = {**rule.silent, "citation": dict(rule.source)}
            item.note = f"MTUS silent: {rule.silent['reason']} Reviewers then use: {rule.silent['reviewers_use']}"
        else:
            item.note = f"not encoded: {rule.encoded_for_text(facts)}"  # type: ignore[misc]
        return item
    if rule.silent:  # a silent topic whose item relation decides "upheld": nothing for the physician to document
        return item
    by_id = plan.by_id
    item.to_document = [by_id[i].document or by_id[i].text for i in document_ids]
    return item


def undecided(rule: Rule, facts: Facts, predicted: str | None, not_met: list) -> str | None:
    """Why an evaluated item gets no prediction, or None when the prediction stands: ``mtus_silent`` for a silent
    topic whose item relation does not decide "upheld", ``not_encoded`` where the rule's own knowledge ends (its
    ``encoded_for``). A criterion not met decides "upheld" in either case."""
    if predicted == "upheld" and not_met:
        return None
    if rule.silent:
        return "mtus_silent"
    return None if rule.knows(facts) else "not_encoded"


def date_warning(rules: RuleSet, on: date | None) -> str | None:
    """A warning when no encoded edition was in force on the date (None when one was, or no date)."""
    encoded = rules.encoded_editions
    if on is None or not rules.editions.editions or any(e.in_force(on) for e in rules.editions.editions
                                                         if e.id in encoded):
        return None
    spans = sorted((e.start, e.end) for e in rules.editions.editions if e.id in encoded)
    first, last = spans[0][0] if spans else None, max((s[1] or date.max for s in spans), default=None)
    covers = f"; the rules encode editions in force from {first} to {last}" if first and last != date.max else ""
    return f"No encoded MTUS edition was in force on {on} ({in_force_text(rules.editions, encoded, on)}){covers}."


_NEAREST = {"before": "the earliest encoded edition", "after": "the newest encoded edition",
            "between": "the latest encoded edition before that date"}


def fallback_warning(rules: RuleSet, rule: Rule, outside: str, on: date | None, policy: str) -> str:
    """What an item was (or, under ``refuse``, was not) evaluated with when its rule was not in force."""
    edition = rules.edition_of(rule)
    title = edition.title if edition else f"{rule.source.get('guideline')} ({rule.edition})"
    span = edition.span() if edition else f"{rule.effective_from} to {rule.effective_to}"
    what = rule.id
    if outside == "undated":
        if policy == "refuse":
            return (f"The case has no date (report_date, ur_date or decision_date, or --as-of), so the MTUS "
                    f"edition in force is unknown: {what} not evaluated (--edition-policy refuse).")
        return (f"The case has no date (report_date, ur_date or decision_date, or --as-of), so the MTUS edition "
                f"in force is unknown: evaluated with {title}, in force {span}; give --as-of DATE.")
    if policy == "refuse":
        return f"Not evaluated under {title} ({span}): it was not in force on {on} (--edition-policy refuse)."
    return f"Evaluated with {title}, in force {span}, {_NEAREST[outside]}: it was not in force on {on}."


def synthetic_warning(answer: dict[str, Any] | None) -> str | None:
    """A warning when the MTUS Drug List applied is a synthetic test list."""
    drug_list = (answer or {}).get("drug_list") or {}
    if not drug_list.get("synthetic"):
        return None
    return (f"The MTUS Drug List applied ({drug_list['source']}, effective {drug_list['effective']}) is marked "
            "SYNTHETIC: a test list, not the DWC's. Its exempt and fill statuses are not the real ones.")


def case_warnings(items: list[ItemResult]) -> list[str]:
    """A case's warnings: its items' warnings, each once, in order."""
    return list(dict.fromkeys(w for item in items for w in item.warnings))
