"""CDS Hooks 2.0 services: discovery, and one card per draft order for ``order-select`` and ``order-sign``.

The services read ``context.draftOrders`` (a FHIR Bundle of MedicationRequest and ServiceRequest) and the
prefetch (:mod:`checker.ingest.fhir` maps both to a case), evaluate each draft order against the MTUS rules and
answer one card per order: ``indicator`` by the predicted outcome (info: the order meets the MTUS criteria or no
rule covers it; warning: it would be denied for missing documentation only; critical: a criterion is not met),
a ``summary`` of at most 140 characters, a Markdown ``detail`` with the deciding criteria and what to document,
``source.label`` with the MTUS citation, and a link to the local web check pre-filled with the case.

Without prefetch and without ``fhirServer`` the services answer from the draft orders alone. Nothing is fetched
unless the request names a ``fhirServer``; then the missing prefetch queries go to that server only.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from checker.rules.ruleset import RuleSet
from checker.web.casetoken import encode_case

__all__ = ["SERVICES", "PREFETCH", "HookError", "discovery", "handle_hook", "card_for", "MAX_SUMMARY"]

MAX_SUMMARY = 140
#: Prefetch templates: what the services read besides the draft orders.
PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}&status=active",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&code=http://loinc.org|72514-3&_sort=-date&_count=10",
    "drugScreens": "Observation?patient={{context.patientId}}&category=laboratory&code:text=drug screen",
    "procedures": "Procedure?patient={{context.patientId}}&status=completed",
}
_DESCRIPTION = ("Predicts whether each draft medication or service order meets the California MTUS criteria an "
                "Independent Medical Review applies, and lists what to document; cites the MTUS section and page.")
SERVICES: dict[str, dict[str, Any]] = {
    "mtus-order-select": {"hook": "order-select", "title": "MTUS check of selected orders",
                          "description": _DESCRIPTION, "prefetch": PREFETCH},
    "mtus-order-sign": {"hook": "order-sign", "title": "MTUS check before signing",
                        "description": _DESCRIPTION, "prefetch": PREFETCH},
}


class HookError(Exception):
    """A request the service cannot answer: an HTTP status and a one-line reason (sent as JSON)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def discovery() -> dict[str, Any]:
    """The ``GET /cds-services`` document."""
    return {"services": [{"id": sid, **spec} for sid, spec in SERVICES.items()]}


Fetch = Callable[[str, str, str | None], Any]  # (fhirServer, relative query, bearer token) -> resource or None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise HookError(400, message)


def _parse(body: bytes) -> dict[str, Any]:
    try:
        request = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HookError(400, f"the request body is not JSON ({exc})") from None
    _require(isinstance(request, dict), "the request body must be a JSON object")
    return request


def _fill_prefetch(request: dict[str, Any], fetch: Fetch | None) -> dict[str, Any]:
    """The prefetch as given; with a ``fhirServer``, each missing template is queried from that server."""
    prefetch = request.get("prefetch") or {}
    _require(isinstance(prefetch, dict), "prefetch must be an object")
    server = request.get("fhirServer")
    if not server or fetch is None:
        return prefetch
    _require(isinstance(server, str) and re.match(r"https?://", server) is not None,
             "fhirServer must be an http(s) URL")
    context = request.get("context") or {}
    token = (request.get("fhirAuthorization") or {}).get("access_token") if isinstance(
        request.get("fhirAuthorization"), dict) else None
    filled = dict(prefetch)
    for key, template in PREFETCH.items():
        if filled.get(key) is not None:
            continue
        if "{{context.patientId}}" in template and not context.get("patientId"):
            continue
        query = template.replace("{{context.patientId}}", str(context.get("patientId", "")))
        filled[key] = fetch(server, query, token)
    return filled


def handle_hook(service_id: str, body: bytes, ruleset: RuleSet, web_base: str,
                fetch: Fetch | None = None) -> dict[str, Any]:
    """The ``{"cards": [...]}`` answer of a service to a hook request; HookError (400/404) for a bad request."""
    from checker.core.errors import InputError
    from checker.engine.evaluate import evaluate
    from checker.facts.cases import case_from_data
    from checker.facts.evidence import Evidence
    from checker.ingest.fhir import orders_to_case

    spec = SERVICES.get(service_id)
    if spec is None:
        raise HookError(404, f"no CDS service '{service_id}' (see GET /cds-services)")
    request = _parse(body)
    _require(request.get("hook") == spec["hook"],
             f"this service answers the '{spec['hook']}' hook, not {request.get('hook')!r}")
    _require(isinstance(request.get("hookInstance"), str) and bool(request["hookInstance"]),
             "hookInstance is required")
    context = request.get("context")
    _require(isinstance(context, dict), "context is required (an object)")
    _require(context.get("draftOrders") is not None, "context.draftOrders is required (a FHIR Bundle)")
    prefetch = _fill_prefetch(request, fetch)
    try:
        data, orders = orders_to_case(context["draftOrders"], prefetch, f"cds-{request['hookInstance'][:36]}")
        case = case_from_data(data, "CDS Hooks request")
    except InputError as exc:
        raise HookError(400, str(exc.problem)) from None
    selected = _selected(context, orders)
    items = evaluate(case, ruleset)
    evidence = Evidence(data.get("evidence"))
    link = f"{web_base.rstrip('/')}/?case={encode_case(data)}"
    return {"cards": [card_for(item, ruleset, evidence, link) for item in items if item.index in selected]}


def _selected(context: dict[str, Any], orders: list[dict[str, Any]]) -> set[int]:
    """The draft orders to answer for: those in ``context.selections`` (order-select), else all."""
    selections = context.get("selections")
    if not selections:
        return set(range(len(orders)))
    _require(isinstance(selections, list), "context.selections must be a list of references")
    refs = {str(s) for s in selections}
    chosen = {i for i, o in enumerate(orders) if f"{o.get('resourceType')}/{o.get('id')}" in refs}
    return chosen or set(range(len(orders)))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def card_for(item: Any, ruleset: RuleSet, evidence: Any, link: str) -> dict[str, Any]:
    """The card of one evaluated draft order."""
    from checker.engine.render import citation_text, criterion_evidence, formulary_text

    rule = ruleset.get(item.rule) if item.rule else None
    cited = citation_text(rule.source) if rule is not None else ""
    label = (cited if cited.startswith("MTUS") else f"MTUS: {cited}") if cited else "MTUS (no rule covers this order)"
    not_met = [c for c in item.criteria if c.status == "not_met"]
    missing = [c for c in item.criteria if c.status == "not_documented"]
    name = _short(item.request, 60)
    if item.predicted == "overturned":
        indicator, summary = "info", f"Meets the MTUS criteria: {name}"
    elif item.predicted == "upheld" and not_met:
        indicator = "critical"
        summary = f"Likely denied under the MTUS: {name} ({len(not_met)} criteria not met)"
    elif item.predicted == "upheld":
        indicator = "warning"
        summary = f"Document before signing: {name} ({len(missing)} MTUS criteria not documented)"
    else:
        indicator, summary = "info", f"No MTUS rule covers {name}"
    lines = [f"**Prediction:** {_prediction(item)}", ""]
    if item.rule:
        lines += [f"Rule `{item.rule}`: {item.rule_title}.", ""]
    if item.note:
        lines += [f"_{item.note}_", ""]
    lines += [x for w in item.warnings for x in (f"⚠ {w}", "")]  # an edition not in force, no drug list...
    if item.formulary:
        lines += [formulary_text(item), ""]
    deciding = not_met + (missing if item.predicted != "overturned" else [])
    if deciding:
        lines.append("**Deciding criteria**")
        for c in deciding:
            lines.append(f"- {'✗ not met' if c.status == 'not_met' else '? not documented'}: {c.text}. "
                         f"{c.explanation} ({citation_text(c.citation)})")
        lines.append("")
    met = [c for c in item.criteria if c.status == "met"]
    if met:
        lines.append("**Met**")
        for c in met:
            said = criterion_evidence(evidence, c, item)
            lines.append(f"- ✓ {c.text} ({citation_text(c.citation)})" + (f": {said[0]}" if said else ""))
        lines.append("")
    if item.to_document:
        lines.append("**To document**")
        lines += [f"- {d}" for d in item.to_document]
    return {"uuid": str(uuid.uuid4()), "summary": _short(summary, MAX_SUMMARY), "indicator": indicator,
            "detail": "\n".join(lines).strip(), "source": {"label": _short(label, 200)},
            "links": [{"label": "Open the MTUS web check (pre-filled)", "url": link, "type": "absolute"}]}


def _prediction(item: Any) -> str:
    if item.predicted == "overturned":
        return "meets the MTUS criteria (an IMR would be expected to find it medically necessary)."
    if item.predicted == "upheld":
        return "likely denied as documented (an IMR would be expected to uphold a denial)."
    return "no MTUS rule covers this order; nothing is predicted."
