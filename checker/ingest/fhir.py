"""FHIR R4 (a CDS Hooks request's ``draftOrders`` and ``prefetch``) to a case document.

Every resource is validated with fhir.resources' R4B models (R4 and R4B share these resources) before it is
read; a resource that does not validate is a :class:`FhirError` naming where. The mapping (also in the
README's table):

* draft ``MedicationRequest`` -> a requested drug item whose text is built from the medication's text (or
  its coding's display), the dosage text, ``dispenseRequest.quantity`` (#N), ``expectedSupplyDuration``
  and ``asNeeded`` (PRN); the drug catalog reads the drug from the words, as for any request text. An RxNorm
  code alone (no words) is read through :data:`RXNORM_INGREDIENTS`, ingredient codes only;
* draft ``ServiceRequest`` -> a requested service item from ``code.text`` / display, quantity and body site;
* ``Patient`` -> ``patient.age`` (at the order date), ``patient.sex``;
* ``Condition`` -> ``diagnoses`` (text and ICD-10-CM codes -> categories, :mod:`checker.ingest.icd10`);
* active ``MedicationRequest`` / ``MedicationStatement`` -> ``medications`` (first noted: authoredOn /
  effective start), current NSAID use; a draft order for a drug the patient already takes is continuing;
* ``Observation`` LOINC 72514-3 (pain severity 0-10) -> ``pain.current`` (the latest);
* ``Observation`` of a urine drug screen (its code's words) -> ``monitoring.urine_drug_screens`` (date, and
  consistent / inconsistent when the result says so);
* ``Procedure`` (completed, a surgery by its words or SNOMED category 387713003) -> ``clinical.surgery_date``.

Each fact keeps its evidence: a line naming the resource and the value read.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from checker.core.errors import InputError, Problem
from checker.facts.service_codes import default_service_codes
from checker.facts.services import parse_service
from checker.ingest.icd10 import icd10_categories
from checker.ingest.vocab import UDS, diagnosis_categories, has_category

__all__ = ["FhirError", "orders_to_case", "validate_resource", "RXNORM_INGREDIENTS", "PAIN_SEVERITY_LOINC",
           "draft_order_text"]

PAIN_SEVERITY_LOINC = "72514-3"
ICD10_SYSTEMS = ("http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10")
RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SURGICAL_CATEGORY = "387713003"
#: RxNorm ingredient concepts (RxCUI) -> generic name, for a medication coded without any words.
RXNORM_INGREDIENTS: dict[str, str] = {
    "161": "acetaminophen", "5489": "hydrocodone", "7804": "oxycodone", "10689": "tramadol", "7052": "morphine",
    "3423": "hydromorphone", "6813": "methadone", "2670": "codeine", "4337": "fentanyl", "1819": "buprenorphine",
    "787390": "tapentadol", "21949": "cyclobenzaprine", "2101": "carisoprodol", "57258": "tizanidine",
    "6845": "methocarbamol", "1292": "baclofen", "25480": "gabapentin", "187832": "pregabalin",
    "72625": "duloxetine", "704": "amitriptyline", "7646": "omeprazole", "40790": "pantoprazole",
    "7258": "naproxen", "5640": "ibuprofen", "41493": "meloxicam", "140587": "celecoxib", "3355": "diclofenac",
    "6387": "lidocaine", "39993": "zolpidem", "596": "alprazolam", "3322": "diazepam",
}


class FhirError(InputError):
    """A FHIR resource that is missing, of the wrong type, or invalid against the R4B model."""


def _fail(where: str, message: str) -> FhirError:
    return FhirError(Problem(where, message))


@cache
def _model(resource_type: str) -> Any:
    """The fhir.resources R4B model class of a resource type (imported on first use: the models are heavy)."""
    try:
        from fhir.resources.R4B import get_fhir_model_class
    except ImportError:  # pragma: no cover - the web extra is missing
        raise _fail("fhir", "FHIR support needs the web extra: pip install 'mtus-checker[web]'") from None
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        return None


def validate_resource(data: Any, where: str, expect: tuple[str, ...] | None = None) -> Any:
    """Validate one FHIR resource (a dict) against its R4B model; the model instance, or FhirError."""
    if not isinstance(data, dict):
        raise _fail(where, "a FHIR resource must be a JSON object")
    kind = data.get("resourceType")
    if not isinstance(kind, str):
        raise _fail(where, "resourceType is missing")
    if expect and kind not in expect:
        raise _fail(where, f"a {kind} here; expected {' or '.join(expect)}")
    model = _model(kind)
    if model is None:
        raise _fail(where, f"unknown FHIR resource type '{kind}'")
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        raise _fail(where, f"invalid {kind}" + (f" at {loc}" if loc else "") + f": {first.get('msg')}") from None
    except (TypeError, ValueError) as exc:
        raise _fail(where, f"invalid {kind}: {exc}") from None


def resources_of(data: Any, where: str) -> list[dict[str, Any]]:
    """The resources of a Bundle (its entries), or a single resource as a list; [] for None."""
    if data is None:
        return []
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        validate_resource(data, where)
        return [e["resource"] for e in data.get("entry") or [] if isinstance(e, dict) and e.get("resource")]
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    validate_resource(data, where)
    return [data]


# ---------------------------------------------------------------------------------------------
# Words of a resource
# ---------------------------------------------------------------------------------------------


def _concept_text(concept: dict[str, Any] | None) -> str:
    if not concept:
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return str(coding["display"])
    return ""


def _code_words(concept: dict[str, Any] | None) -> str:
    """The words of a service named by a CPT or HCPCS code alone (rules/service-codes.yaml); "" if not listed."""
    table = default_service_codes()
    for coding in (concept or {}).get("coding") or []:
        words = table.words(coding.get("system"), coding.get("code"))
        if words:
            return words
    return ""


def _codes(concept: dict[str, Any] | None, systems: tuple[str, ...]) -> list[str]:
    return [str(c["code"]) for c in (concept or {}).get("coding") or [] if c.get("system") in systems and c.get("code")]


def _day(value: Any) -> str | None:
    """The date part of a FHIR date or dateTime."""
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _medication_words(resource: dict[str, Any]) -> str:
    words = _concept_text(resource.get("medicationCodeableConcept"))
    if not words:
        for code in _codes(resource.get("medicationCodeableConcept"), (RXNORM_SYSTEM,)):
            if code in RXNORM_INGREDIENTS:
                return RXNORM_INGREDIENTS[code]
    if not words and (resource.get("medicationReference") or {}).get("display"):
        words = str(resource["medicationReference"]["display"])
    return words


def draft_order_text(resource: dict[str, Any]) -> str:
    """The request text of a draft MedicationRequest or ServiceRequest, as a physician would write it."""
    if resource.get("resourceType") == "ServiceRequest":
        named, coded = _concept_text(resource.get("code")), _code_words(resource.get("code"))
        # the order's own words first; its code's words where those do not name a service the catalog knows
        parts = [coded if not named else named if not coded or parse_service(named).service else f"{coded}: {named}"]
        sites = [_concept_text(s) for s in resource.get("bodySite") or []]
        if sites and not any(s.lower() in parts[0].lower() for s in sites if s):
            parts.append("of the " + ", ".join(s for s in sites if s))
        quantity = resource.get("quantityQuantity") or {}
        if quantity.get("value") is not None:
            unit = quantity.get("unit") or ("visit" if quantity["value"] == 1 else "visits")
            parts.append(f"{_num(quantity['value'])} {unit}")
        return " ".join(p for p in parts if p).strip()
    parts = [_medication_words(resource)]
    for dosage in resource.get("dosageInstruction") or []:
        if dosage.get("text") and dosage["text"].lower() not in parts[0].lower():
            parts.append(str(dosage["text"]))
        if dosage.get("asNeededBoolean") and not re.search(r"\b(?:prn|as needed)\b", " ".join(parts), re.I):
            parts.append("PRN")
    dispense = resource.get("dispenseRequest") or {}
    quantity = (dispense.get("quantity") or {}).get("value")
    if quantity is not None:
        parts.append(f"#{_num(quantity)}")
    supply = dispense.get("expectedSupplyDuration") or {}
    if supply.get("value") is not None and (supply.get("unit") or supply.get("code") or "d").lower()[:1] == "d":
        parts.append(f"for {_num(supply['value'])} days")
    if dispense.get("numberOfRepeatsAllowed"):
        parts.append(f"with {dispense['numberOfRepeatsAllowed']} refills")
    return " ".join(p for p in parts if p).strip()


# ---------------------------------------------------------------------------------------------
# The case
# ---------------------------------------------------------------------------------------------


class _Case:
    """A case document under construction, with an evidence line per fact."""

    def __init__(self, case_id: str) -> None:
        self.data: dict[str, Any] = {"case_id": case_id, "source": "CDS Hooks request"}
        self.evidence: list[dict[str, Any]] = []

    def set(self, path: str, value: Any, said: str, request: int | None = None) -> None:
        node = self.data
        if request is not None:
            node = self.data["requests"][request]
            keys = path.removeprefix("request.").split(".")
        else:
            keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        if isinstance(node.get(keys[-1]), list):
            node[keys[-1]].append(value)
        elif node.get(keys[-1]) is None:
            node[keys[-1]] = value
        else:
            return
        entry: dict[str, Any] = {"fact": path, "value": value, "sentence": said}
        if request is not None:
            entry["request"] = request
        self.evidence.append(entry)


def _ref(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id') or '(no id)'}"


def orders_to_case(draft_orders: Any, prefetch: dict[str, Any] | None = None, case_id: str = "cds-hooks",
                   today: date | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The case document of a CDS Hooks request: one request per draft order (in order), facts from the
    prefetch. Returns (case data, the draft order resources). FhirError for invalid FHIR."""
    orders = resources_of(draft_orders, "context.draftOrders")
    for i, order in enumerate(orders):
        validate_resource(order, f"context.draftOrders.entry[{i}]", ("MedicationRequest", "ServiceRequest"))
    if not orders:
        raise _fail("context.draftOrders", "no MedicationRequest or ServiceRequest in the draft orders")
    resources: list[dict[str, Any]] = []
    for key, value in (prefetch or {}).items():
        for i, resource in enumerate(resources_of(value, f"prefetch.{key}")):
            validate_resource(resource, f"prefetch.{key}[{i}]")
            resources.append(resource)
    case = _Case(case_id)
    authored = [d for o in orders if (d := _day(o.get("authoredOn")))]
    report = max(authored) if authored else (today or date.today()).isoformat()
    case.set("report_date", report, "the date of the draft order" if authored else "today (the order is signed today)")
    case.data["requests"] = []
    for order in orders:
        text = draft_order_text(order) or "(draft order without a name)"
        case.data["requests"].append({"text": text, "kind": "drug" if order["resourceType"] == "MedicationRequest"
                                      else "service"})
    _facts(case, resources, report)
    _continuing(case, orders)
    if case.evidence:
        case.data["evidence"] = case.evidence
    return case.data, orders


def _facts(case: _Case, resources: list[dict[str, Any]], report: str) -> None:
    pains: list[tuple[str, float, str]] = []
    surgeries: list[tuple[str, str]] = []
    for r in resources:
        kind = r.get("resourceType")
        if kind == "Patient":
            _patient(case, r, report)
        elif kind == "Condition":
            _condition(case, r)
        elif kind in ("MedicationRequest", "MedicationStatement"):
            _medication(case, r)
        elif kind == "Observation":
            _observation(case, r, pains)
        elif kind == "Procedure":
            _procedure(r, surgeries, report)
    if pains:
        day, value, said = max(pains)
        case.set("pain.current", _num(value), said)
    if surgeries:
        day, said = max(surgeries)
        case.set("clinical.surgery_date", day, said)


def _patient(case: _Case, r: dict[str, Any], report: str) -> None:
    birth = _day(r.get("birthDate"))
    if birth:
        b, t = date.fromisoformat(birth), date.fromisoformat(report)
        age = t.year - b.year - ((t.month, t.day) < (b.month, b.day))
        if 0 < age < 120:
            case.set("patient.age", age, f"{_ref(r)}: born {birth}")
    if r.get("gender") in ("male", "female"):
        case.set("patient.sex", r["gender"], f"{_ref(r)}: gender {r['gender']}")


def _condition(case: _Case, r: dict[str, Any]) -> None:
    status = _codes(r.get("clinicalStatus"), ("http://terminology.hl7.org/CodeSystem/condition-clinical",))
    if status and status[0] not in ("active", "recurrence", "relapse"):
        return
    text = _concept_text(r.get("code"))
    codes = _codes(r.get("code"), ICD10_SYSTEMS)
    categories = [c for c in diagnosis_categories(text) if c != "other"] if text and has_category(text) else []
    for code in codes:
        categories += [c for c in icd10_categories(code) if c not in categories]
    if not text and not codes:
        return
    said = f"{_ref(r)}: {text}" + (f" ({', '.join(codes)})" if codes else "")
    case.data.setdefault("diagnoses", [])
    case.set("diagnoses", {"text": text or codes[0], "categories": categories or ["other"]}, said)


def _medication(case: _Case, r: dict[str, Any]) -> None:
    from checker.facts.catalog import default_catalog

    if r.get("status") not in (None, "active", "completed", "on-hold", "intended"):
        return
    words = _medication_words(r)
    catalog = default_catalog()
    match = next(iter(catalog.find(words)), None) if words else None
    if match is None:
        return
    drug = match.entry.principal
    med: dict[str, Any] = {"name": match.text, "drug": drug}
    first = _day(r.get("authoredOn")) or _day((r.get("effectivePeriod") or {}).get("start")) \
        or _day(r.get("effectiveDateTime"))
    if first:
        med["first_noted"] = first
    case.data.setdefault("medications", [])
    case.set("medications", med, f"{_ref(r)}: {words}" + (f" (since {first})" if first else ""))
    info = catalog.ingredient(drug)
    if info is not None and info.drug_class == "nsaid" and not re.search(r"gel|patch|cream|topical", words, re.I):
        case.set("nsaid.current_use", True, f"{_ref(r)}: {words}")


def _observation(case: _Case, r: dict[str, Any], pains: list[tuple[str, float, str]]) -> None:
    if r.get("status") not in ("final", "amended", "corrected", "preliminary"):
        return
    day = _day(r.get("effectiveDateTime")) or _day((r.get("effectivePeriod") or {}).get("start")) \
        or _day(r.get("issued"))
    loinc = _codes(r.get("code"), ("http://loinc.org",))
    words = _concept_text(r.get("code"))
    if PAIN_SEVERITY_LOINC in loinc:
        value = (r.get("valueQuantity") or {}).get("value", r.get("valueInteger"))
        if isinstance(value, (int, float)) and 0 <= value <= 10:
            pains.append((day or "", float(value), f"{_ref(r)}: pain severity {_num(value)}/10"
                          + (f" on {day}" if day else "")))
        return
    if words and UDS.search(words) and day:
        result = " ".join([str(r.get("valueString") or ""), _concept_text(r.get("valueCodeableConcept")),
                           *(_concept_text(i) for i in r.get("interpretation") or [])])
        entry: dict[str, Any] = {"date": day}
        if re.search(r"\binconsistent|not\s+consistent|unexpected|aberrant", result, re.I):
            entry["consistent"] = False
        elif re.search(r"\bconsistent|as\s+expected|expected", result, re.I):
            entry["consistent"] = True
        case.data.setdefault("monitoring", {}).setdefault("urine_drug_screens", [])
        case.set("monitoring.urine_drug_screens", entry, f"{_ref(r)}: {words} on {day}"
                 + (f": {result.strip()}" if result.strip() else ""))


_SURGERY_WORDS = re.compile(r"surg|ectomy|otomy|plasty|fusion|repair|arthroscop|reconstruct|release|fixation|"
                            r"arthrodesis|replacement", re.I)


def _procedure(r: dict[str, Any], surgeries: list[tuple[str, str]], report: str) -> None:
    if r.get("status") not in (None, "completed"):
        return
    day = _day(r.get("performedDateTime")) or _day((r.get("performedPeriod") or {}).get("start"))
    words = _concept_text(r.get("code"))
    surgical = SURGICAL_CATEGORY in _codes(r.get("category"), ("http://snomed.info/sct",))
    if day and day <= report and (surgical or _SURGERY_WORDS.search(words)):
        surgeries.append((day, f"{_ref(r)}: {words or 'surgical procedure'} on {day}"))


def _continuing(case: _Case, orders: list[dict[str, Any]]) -> None:
    """A draft drug order for a drug the patient already takes (by the prefetch) continues it."""
    from checker.facts.requests import parse_request

    taking = {m.get("drug"): m for m in case.data.get("medications") or []}
    for index, request in enumerate(case.data["requests"]):
        parsed = parse_request(request["text"])
        if request["kind"] == "drug" and parsed.drug in taking:
            med = taking[parsed.drug]
            case.set("request.continuing", True, f"already taking {med['name']} (prefetch)", index)
