"""Turn a case document into the flat fact maps that compiled rules read.

Case facts are computed once per case; request facts once per requested item. Dates become
``datetime.date``; derived facts (weeks of use, MME, injury phase...) are added here and nowhere else.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checker.facts.catalog import default_catalog
from checker.facts.procedures import is_surgical_referral, postsurgical_course, procedures_of
from checker.facts.requests import ParsedRequest, parse_request
from checker.facts.services import (
    ParsedService,
    hours_per_week,
    parse_service,
    program_days,
    program_hours,
    program_weeks,
)
from checker.facts.vocabulary import vocabulary

Facts = dict[str, Any]
_DATE_PATHS = frozenset(p for p, f in vocabulary().items() if f.type == "date")


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _flatten(node: dict, prefix: str, out: Facts) -> None:
    for key, value in node.items():
        path = prefix + key
        if isinstance(value, dict):
            _flatten(value, path + ".", out)
        elif value is not None:
            out[path] = _date(value) if path in _DATE_PATHS else value


def _weeks(start: date | None, end: date | None) -> float | None:
    """Weeks from ``start`` to ``end``; a start after the end counts as no time at all, never negative."""
    if start is None or end is None:
        return None
    return round(max(0, (end - start).days) / 7, 1)


#: MTUS Chronic Pain (2009 p. 68; 2016 "NSAIDs, GI symptoms & cardiovascular risk"): "concurrent use of ASA,
#: corticosteroids, and/or an anticoagulant" puts an NSAID user at risk for GI events.
GI_RISK_AGENTS = frozenset({
    "aspirin", "prednisone", "prednisolone", "methylprednisolone", "dexamethasone", "hydrocortisone",
    "warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban", "enoxaparin", "heparin", "clopidogrel",
})


def _systemic(medication: dict) -> ParsedRequest:
    """A medication as the catalog reads it (name as written, else the generic)."""
    return parse_request(str(medication.get("name") or medication.get("drug") or ""))


def medication_facts(medications: list[dict]) -> Facts:
    """Facts the medication list documents by itself: an oral NSAID taken (aspirin is its own risk factor), so an
    NSAID tried, several oral NSAIDs at once, and aspirin, a corticosteroid or an anticoagulant taken concurrently."""
    out: Facts = {}
    nsaids = set()
    for medication in medications:
        parsed = _systemic(medication)
        drug = medication.get("drug") or parsed.drug
        if parsed.route == "topical":
            continue
        if drug in GI_RISK_AGENTS:
            out["gi_risk.aspirin_corticosteroid_anticoagulant"] = True
        if parsed.drug_class == "nsaid" and drug != "aspirin":
            nsaids.add(drug)
    if nsaids:
        out["nsaid.current_use"] = True
        out["prior_treatment.nsaid_tried"] = True
    if len(nsaids) > 1:
        out["gi_risk.high_dose_multiple_nsaid"] = True
    return out


#: Conditions a diagnosis documents as well as the clinical findings do (rules may read either).
_CATEGORY_CONDITIONS = {"depression": "clinical.depression", "anxiety": "clinical.anxiety",
                        "insomnia": "clinical.insomnia", "spasticity": "clinical.spasticity"}


_NOT_FACTS = frozenset({"requests", "evidence", "notes", "case_id", "source"})


def case_facts(case: dict) -> Facts:
    """Flatten a case (without its requests) and add the derived case-level facts."""
    facts: Facts = {}
    for key, value in case.items():
        if key in _NOT_FACTS:
            continue
        if isinstance(value, dict):
            _flatten(value, key + ".", facts)
        elif value is not None:
            facts[key] = _date(value) if key in _DATE_PATHS else value
    report = facts.get("report_date") or facts.get("ur_date") or facts.get("decision_date")
    facts["report_date"] = report
    weeks = _weeks(facts.get("injury.date"), report)
    if weeks is not None:
        facts["injury.weeks_since"] = weeks
        facts["injury.phase"] = "acute" if weeks < 4.3 else "subacute" if weeks <= 13 else "chronic"
    categories = [c for d in case.get("diagnoses") or [] for c in d.get("categories") or []]
    if case.get("diagnoses"):
        facts["diagnosis_categories"] = categories
    for category in categories:
        if category in _CATEGORY_CONDITIONS:
            facts.setdefault(_CATEGORY_CONDITIONS[category], True)
    with_med, without = facts.get("pain.with_medication"), facts.get("pain.without_medication")
    if with_med is not None and without:
        facts["pain.relief_with_medication_percent"] = round(100 * (without - with_med) / without, 1)
    status = facts.get("work_status")
    if status is not None:
        facts["working"] = status in ("full_duty", "modified_duty")
    screens = [s for s in (case.get("monitoring") or {}).get("urine_drug_screens") or [] if _date(s.get("date"))]
    if screens:
        last = max(screens, key=lambda s: _date(s["date"]))
        facts["monitoring.last_uds_date"] = _date(last["date"])
        if last.get("consistent") is not None:
            facts["monitoring.uds_consistent"] = last["consistent"]
        facts.setdefault("monitoring.urine_drug_screen", True)
        report = _date(facts.get("report_date"))
        if report is not None:
            facts["monitoring.uds_past_year"] = sum(0 <= (report - _date(x["date"])).days <= 365 for x in screens)
    for path, value in medication_facts(case.get("medications") or []).items():
        facts.setdefault(path, value)  # what the letter states about them wins
    age = facts.get("patient.age")
    if age is not None:
        facts["gi_risk.age_over_65"] = age > 65
    medications = [m.get("drug") for m in case.get("medications") or []]
    drugs = medications + [request.get("drug") or parse_request(request.get("text") or "").drug
                           for request in case.get("requests") or [] if request.get("kind") in (None, "drug")]
    for name, classes in (("opioid_therapy", {"opioid"}), ("non_opioid_analgesic", {"nsaid", "topical_nsaid"})):
        value = _therapy(drugs, bool(medications), classes)
        if value is not True and name == "opioid_therapy" and facts.get("services.opioid_use") is not None:
            value = facts["services.opioid_use"]   # "was not utilizing opioids" where no medication list is read
        if value is not None:
            facts[name] = value
    surgery = _weeks(facts.get("clinical.surgery_date"), report)
    if surgery is not None:
        facts["clinical.weeks_since_surgery"] = surgery
    symptomatic = _weeks_symptomatic_after_care(facts)
    if symptomatic is not None:
        facts["services.weeks_symptomatic_after_care"] = symptomatic
    return facts


def _weeks_symptomatic_after_care(facts: Facts) -> float | None:
    """Weeks since the injury of a patient still symptomatic after conservative care (ACOEM's "period of
    conservative care and observation"): care given, the complaint still reported at the report date, and no record
    that the care improved it. None when any of these is not documented."""
    if facts.get("services.conservative_care") is not True or facts.get("services.conservative_care_failed") is False:
        return None
    pain = facts.get("pain.current")
    if not ((isinstance(pain, (int, float)) and pain > 0) or facts.get("services.radicular_symptoms") is True):
        return None
    return facts.get("injury.weeks_since")


def _therapy(drugs: list[str | None], medications: bool, classes: set[str]) -> bool | None:
    """A drug of one of ``classes`` among ``drugs`` (the current medications', then the requested ones): True;
    none, while a medication list is documented: False; else None (not documented). Acetaminophen counts as a
    non-opioid analgesic (class "nsaid" asked) only when taken on its own, not as an opioid's combination partner."""
    catalog = default_catalog()
    for drug in drugs:
        info = catalog.ingredient(drug) if drug else None
        if info is not None and (info.drug_class in classes or (drug == "acetaminophen" and "nsaid" in classes)):
            return True
    return False if medications else None


#: The request as written may name what the drug is for: "... may repeat dose 1/2 hour after first dose for
#: anxiety", "as needed for muscle spasms". That documents the indication (benzodiazepines' criterion).
_INDICATION_IN_TEXT = re.compile(
    r"\bfor\s+(?:the\s+)?(?:(?:moderate|severe|mild|acute|chronic|breakthrough|neuropathic|muscle|nerve)\s+(?:to\s+)?)*"
    r"(?:anxiety|panic|insomnia|sleep|spasms?|spasticity|pain|nausea|vomiting|depression|headaches?|migraines?|"
    r"neuropathy)\b",
    re.I,
)
_PARSED_FIELDS = ("quantity", "days_supply", "refills", "retrospective", "drug_class", "route", "form",
                  "strength_mg", "frequency_per_day", "units_per_day", "daily_dose_mg", "mme_per_day",
                  "apap_mg_per_day", "sedating")


def request_facts(request: dict, parsed: ParsedRequest, facts: Facts, medications: list[dict]) -> Facts:
    """Facts about one requested item (``request.*``) on top of the case facts."""
    out = dict(facts)
    for key, value in request.items():
        if isinstance(value, dict):  # a group of request facts (dispensing): request.<group>.<name>
            _flatten(value, f"request.{key}.", out)
        elif value is not None and key not in ("text", "actual"):
            out["request." + key] = _date(value) if "request." + key in _DATE_PATHS else value
    drug = request.get("drug") or parsed.drug
    out["request.drug"] = drug
    out["request.ingredients"] = list(parsed.ingredients) or ([drug] if drug else None)
    out["request.kind"] = request.get("kind") or parsed.kind
    for name in _PARSED_FIELDS:
        value = getattr(parsed, name)
        if value is not None:
            out["request." + name] = value
    if drug is not None and drug != parsed.drug:  # a drug given in the case that the text does not name
        info = default_catalog().ingredient(drug)
        out["request.ingredients"] = [drug]
        if info is not None:
            out["request.drug_class"] = info.drug_class
        else:
            out.pop("request.drug_class", None)
    if "request.indication_documented" not in out and _INDICATION_IN_TEXT.search(request.get("text") or ""):
        out["request.indication_documented"] = True
    out["request.has_quantity"] = parsed.quantity is not None or parsed.days_supply is not None
    out["request.compounded"] = parsed.compounded or parsed.drug_class == "compounded_topical"
    first = out.get("request.first_noted")
    if first is None and drug:
        noted = [_date(m.get("first_noted")) for m in medications if m.get("drug") == drug]
        noted = [d for d in noted if d]
        if noted:
            first = out["request.first_noted"] = min(noted)
    report = facts.get("report_date")
    if "request.continuing" not in out and first is not None and report is not None and first < report:
        out["request.continuing"] = True
    listed = drug is not None and any(m.get("drug") == drug for m in medications)
    if "request.continuing" not in out and listed and (first is None or report is None or first < report):
        out["request.continuing"] = True  # the requested drug is on the medication list: already taken
    weeks = _weeks(first, report)
    if weeks is None and out.get("request.continuing") is False:
        weeks = 0.0
    if weeks is not None:
        out["request.weeks_of_use"] = weeks
    if out["request.kind"] == "service":
        _service_facts(parse_service(request["text"]), out)
    covered = parsed.days_covered()
    if covered is not None:
        days = int(covered * (1 + (parsed.refills or 0)))
        out["request.days_requested"] = days
        if weeks is not None:
            out["request.weeks_total"] = round(weeks + days / 7, 1)
    return out


# Facts of a parsed service request, each set only when the case does not state it.
_SERVICE_FIELDS = {"service": "service", "group": "service_group", "side": "side", "visits": "visits",
                   "per_week": "per_week", "weeks": "weeks", "contrast": "contrast", "phase": "phase",
                   "visits_authorized": "visits_authorized", "visits_original": "visits_original"}
#: A request that names the spine but not which part of it ("spinal manipulation", "TOC to spine surgeon").
_SPINE_ONLY = re.compile(r"\bspin(?:e|al)\b(?!\s+cord)", re.I)
#: The body-part chapter of a spinal diagnosis.
_SPINAL_CHAPTERS = {"low_back_pain": "low_back", "neck_pain": "neck_upper_back", "thoracic_pain": "neck_upper_back"}


def _spinal_region(text: str, facts: Facts) -> str | None:
    """The chapter of a request that names only "the spine": that of the case's spinal diagnoses when they all fall
    in one chapter (a lumbar strain: low back), else None (neck and low back both diagnosed: not known)."""
    if not _SPINE_ONLY.search(text[:2000]):
        return None
    chapters = {_SPINAL_CHAPTERS[c] for c in facts.get("diagnosis_categories") or () if c in _SPINAL_CHAPTERS}
    return chapters.pop() if len(chapters) == 1 else None


# The completed visits and their result that a therapy request is judged against, by service group.
_PRIOR_THERAPY = {"physical_medicine": "physical_therapy", "manual_therapy": "chiropractic",
                  "acupuncture": "acupuncture", "psychological": "psychotherapy"}


def _service_facts(parsed: ParsedService, out: Facts) -> None:
    """``request.*`` facts of a service request: type, body parts, counts, and the prior course of the same therapy."""
    for attr, name in _SERVICE_FIELDS.items():
        value = getattr(parsed, attr)
        if value is not None:
            out.setdefault("request." + name, value)
    if parsed.body_parts:
        out.setdefault("request.body_parts", list(parsed.body_parts))
        out.setdefault("request.regions", list(parsed.regions))
        out.setdefault("request.region", parsed.regions[0])
    else:
        spinal = _spinal_region(parsed.text, out)
        if spinal is not None:
            out.setdefault("request.regions", [spinal])
            out.setdefault("request.region", spinal)
    finding_regions = out.get("services.objective_finding_regions")
    if (finding_regions and parsed.regions and "unspecified" not in finding_regions
            and not set(parsed.regions) & set(finding_regions)):
        out.setdefault("request.objective_findings_elsewhere", True)
    if parsed.levels:
        out.setdefault("request.spinal_levels", len(parsed.levels))
    if parsed.unspecified_quantity:
        out.setdefault("request.unspecified_quantity", True)
    procedures = procedures_of(parsed.text)
    if procedures:
        out.setdefault("request.procedures", procedures)
    if out.get("request.service_group") == "consultation" and is_surgical_referral(parsed.text):
        out.setdefault("request.surgical_referral", True)
    if out.get("request.phase") == "post_operative":
        postsurgical_course(out)
    _chronic_pain_service_facts(parsed, out)
    _electrodiagnostic_facts(parsed, out)
    therapy = _PRIOR_THERAPY.get(out.get("request.service_group"))
    if therapy is None:
        return
    prior = out.get(f"services.{therapy}_visits")
    if prior is not None:
        out["request.prior_visits"] = prior
    if prior or therapy in (out.get("services.conservative_care_kinds") or ()):
        out["request.prior_course"] = True
    improvement = out.get(f"services.{therapy}_improvement")
    if improvement is not None:
        out["request.prior_improvement"] = improvement
    if prior is None and out.get("request.phase") == "initial":
        prior = 0
    visits = out.get("request.visits")
    if visits is not None:
        out["request.course_visits"] = (out.get("request.visits_authorized") or 0) + visits
    if visits is not None and prior is not None:
        out["request.visits_total"] = (prior or 0) + (out.get("request.visits_authorized") or 0) + visits


#: A unit bought rather than rented ("TENS unit purchase", "purchase of an H-wave unit").
_PURCHASE = re.compile(r"\b(?:purchase[sd]?|buy|for\s+sale)\b", re.I)


def _chronic_pain_service_facts(parsed: ParsedService, out: Facts) -> None:
    """Counts the Chronic Pain guideline's service rules read: hours of home care a week, the full-day sessions of
    a functional restoration program in all (those completed and those requested), and a unit bought, not rented."""
    if parsed.service == "tens":
        out.setdefault("request.purchase", bool(_PURCHASE.search(parsed.text[:2000])))
    if parsed.group == "home_health":
        hours = hours_per_week(parsed.text)
        if hours is not None:
            out.setdefault("request.hours_per_week", hours)
    if parsed.group != "functional_restoration":
        return
    hours, weeks = program_hours(parsed), program_weeks(parsed)
    if hours is not None:
        out.setdefault("request.frp_hours", hours)
    if weeks is not None:
        out.setdefault("request.frp_weeks", weeks)
    requested = program_days(parsed)
    if requested is not None:
        out.setdefault("request.frp_days", requested)
        completed = out.get("services.frp_days_completed")
        if completed is not None:
            out.setdefault("request.frp_days_total", completed + requested)


#: The two electrodiagnostic studies, which the Chronic Pain guideline treats apart ("EMG/NCV", "NCS of the RUE").
_NERVE_CONDUCTION = re.compile(r"\b(?:NCV|NCS|nerve\s+conduction)", re.I)
_ELECTROMYOGRAPHY = re.compile(r"\b(?:EMG|electromyo\w*)", re.I)


def _electrodiagnostic_facts(parsed: ParsedService, out: Facts) -> None:
    """Which electrodiagnostic studies a request names: ``request.nerve_conduction`` and
    ``request.electromyography``, both left unset when it names neither ("electrodiagnostic studies")."""
    if parsed.group != "electrodiagnostic":
        return
    text = parsed.text[:2000]
    ncs, emg = bool(_NERVE_CONDUCTION.search(text)), bool(_ELECTROMYOGRAPHY.search(text))
    if ncs or emg:
        out.setdefault("request.nerve_conduction", ncs)
        out.setdefault("request.electromyography", emg)


def parse(request: dict) -> ParsedRequest:
    """Parse a request's text with the drug catalog."""
    return parse_request(request["text"])
