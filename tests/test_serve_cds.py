"""CDS Hooks 2.0 from a real `mtus serve` process on 127.0.0.1: discovery, order-sign with and without prefetch,
a ServiceRequest, order-select, malformed requests (4xx with a JSON error, never 500), and fhirServer."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from serving import call, running_server, stub_fhir_server

from checker.facts.requests import parse_request
from checker.web.casetoken import decode_case

pytest.importorskip("fhir.resources", reason="the web extra is not installed (pip install -e '.[test]')")

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PATIENT = {"reference": "Patient/p1"}


def medication_request(mid: str, text: str, sig: str, quantity: int, days: int | None = 30, *, prn: bool = False,
                       status: str = "draft", authored: str | None = "2015-06-01") -> dict:
    resource = {"resourceType": "MedicationRequest", "id": mid, "status": status, "intent": "order",
                "subject": PATIENT, "medicationCodeableConcept": {"text": text},
                "dosageInstruction": [{"text": sig, **({"asNeededBoolean": True} if prn else {})}],
                "dispenseRequest": {"quantity": {"value": quantity}}}
    if days:
        resource["dispenseRequest"]["expectedSupplyDuration"] = {"value": days, "unit": "days"}
    if authored:
        resource["authoredOn"] = authored
    return resource


def service_request(sid: str, text: str, site: str | None = None) -> dict:
    resource = {"resourceType": "ServiceRequest", "id": sid, "status": "draft", "intent": "order", "subject": PATIENT,
                "code": {"text": text}, "authoredOn": "2015-06-01"}
    if site:
        resource["bodySite"] = [{"text": site}]
    return resource


def bundle(*resources: dict, kind: str = "collection") -> dict:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


NORCO = medication_request("mr-norco", "Norco 10/325 mg tablet", "1 tablet every 6 hours as needed", 120, prn=True)
PREFETCH = {
    "patient": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1968-03-14"},
    "conditions": bundle({"resourceType": "Condition", "id": "c1", "subject": PATIENT,
                          "code": {"text": "Lumbar radiculopathy",
                                   "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.16"}]}},
                         kind="searchset"),
    "medicationRequests": bundle(medication_request("mr-old", "Norco 10/325", "1 tablet q6h prn", 120,
                                                    status="active", authored="2015-02-26"), kind="searchset"),
    "observations": bundle({"resourceType": "Observation", "id": "o1", "status": "final", "subject": PATIENT,
                            "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3",
                                                 "display": "Pain severity - 0-10 verbal numeric rating"}]},
                            "effectiveDateTime": "2015-06-01", "valueQuantity": {"value": 7}},
                           {"resourceType": "Observation", "id": "o2", "status": "final", "subject": PATIENT,
                            "code": {"text": "Urine drug screen"}, "effectiveDateTime": "2015-05-07",
                            "valueString": "Consistent with prescribed medications"}, kind="searchset"),
    "procedures": bundle({"resourceType": "Procedure", "id": "pr1", "status": "completed", "subject": PATIENT,
                          "code": {"text": "Lumbar laminectomy"}, "performedDateTime": "2014-01-10"},
                         kind="searchset"),
}


def hook(orders: list[dict], prefetch: dict | None = None, hook_name: str = "order-sign", **extra) -> dict:
    request = {"hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "hook": hook_name,
               "context": {"userId": "Practitioner/dr1", "patientId": "p1", "draftOrders": bundle(*orders)}}
    if prefetch is not None:
        request["prefetch"] = prefetch
    request.update(extra)
    return request


@pytest.fixture(scope="module")
def server():
    with running_server() as url:
        yield url


def post(server: str, service: str, body=None, raw: bytes | None = None) -> tuple[int, dict]:
    status, headers, data = call(f"{server}/cds-services/{service}", body, raw=raw)
    assert headers.get("Content-Type", "").startswith("application/json"), headers
    return status, json.loads(data)


def test_discovery_lists_both_hooks_with_prefetch_templates(server):
    status, headers, data = call(f"{server}/cds-services")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    services = {s["id"]: s for s in json.loads(data)["services"]}
    assert {s["hook"] for s in services.values()} == {"order-select", "order-sign"}
    for s in services.values():
        assert s["title"] and s["description"]
        templates = " ".join(s["prefetch"].values())
        for kind in ("Patient/", "Condition?", "MedicationRequest?", "MedicationStatement?", "Observation?",
                     "Procedure?"):
            assert kind in templates
        assert "{{context.patientId}}" in templates


def _check_card(card: dict) -> None:
    assert card["indicator"] in ("info", "warning", "critical")
    assert 0 < len(card["summary"]) <= 140
    assert card["source"]["label"].startswith("MTUS")
    assert card["links"][0]["type"] == "absolute"


def test_order_sign_with_prefetch_one_card_per_order_with_mtus_citation_and_prefilled_link(server):
    status, answer = post(server, "mtus-order-sign", hook([NORCO, service_request("sr-mri", "MRI lumbar spine")],
                                                          PREFETCH))
    assert status == 200
    cards = answer["cards"]
    assert len(cards) == 2
    for card in cards:
        _check_card(card)
    norco = cards[0]
    assert "Norco" in norco["summary"]
    assert norco["indicator"] == "warning"  # documentation missing, no criterion failed
    assert "Chronic Pain Medical Treatment Guidelines (2009), Opioids" in norco["source"]["label"]
    assert "**To document**" in norco["detail"] and "**Deciding criteria**" in norco["detail"]
    # the prefetch was read: the Norco taken since 2015-02-26 makes it continuing, past 16 weeks of back pain
    assert "weeks in all: 17.9" in norco["detail"]
    link = norco["links"][0]["url"]
    assert link.startswith(server + "/?case=")
    status, _, page = call(link)
    page = page.decode()
    assert status == 200 and "Norco 10/325 mg tablet 1 tablet every 6 hours as needed" in page
    assert "value='7'" in page  # pain severity (LOINC 72514-3) pre-filled as current pain
    assert "2014-01-10" in page  # the laminectomy as the surgery date


def test_order_sign_without_prefetch_still_answers_from_the_draft_orders(server):
    status, answer = post(server, "mtus-order-sign", hook([NORCO]))
    assert status == 200 and len(answer["cards"]) == 1
    _check_card(answer["cards"][0])
    assert "weeks in all" not in answer["cards"][0]["detail"]


def test_a_criterion_not_met_is_critical(server):
    heavy = medication_request("mr-heavy", "Norco 10/325 mg tablet", "2 tablets every 3 hours", 480)
    status, answer = post(server, "mtus-order-sign", hook([heavy]))
    assert status == 200
    card = answer["cards"][0]
    assert card["indicator"] == "critical" and "not met" in card["summary"]
    assert "Hydrocodone at most 60 mg a day" in card["detail"]


def test_service_request_maps_to_a_request_text_the_parser_reads(server):
    status, answer = post(server, "mtus-order-sign", hook([service_request("sr-pt", "Physical therapy 12 visits",
                                                                           "lumbar spine")]))
    assert status == 200 and len(answer["cards"]) == 1
    card = answer["cards"][0]
    _check_card(card)
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(card["links"][0]["url"]).query)["case"][0]
    request = decode_case(token)["requests"][0]
    assert request == {"text": "Physical therapy 12 visits of the lumbar spine", "kind": "service"}
    assert parse_request(request["text"]).kind == "service"
    assert "Physical therapy 12 visits" in card["summary"]


def test_order_select_answers_for_the_selected_orders(server):
    orders = [NORCO, service_request("sr-mri", "MRI lumbar spine")]
    status, answer = post(server, "mtus-order-select", hook(orders, hook_name="order-select"))
    assert status == 200 and len(answer["cards"]) == 2
    body = hook(orders, hook_name="order-select")
    body["context"]["selections"] = ["ServiceRequest/sr-mri"]
    status, answer = post(server, "mtus-order-select", body)
    assert status == 200 and len(answer["cards"]) == 1 and "MRI" in answer["cards"][0]["summary"]


@pytest.mark.parametrize("raw, words", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (json.dumps({"hook": "order-sign", "hookInstance": "x", "context": {}}).encode(), "draftOrders"),
    (json.dumps({"hook": "order-sign", "context": {"draftOrders": bundle(NORCO)}}).encode(), "hookInstance"),
    (json.dumps({"hook": "patient-view", "hookInstance": "x", "context": {"draftOrders": bundle(NORCO)}}).encode(),
     "order-sign"),
    (json.dumps(hook([{"resourceType": "MedicationRequest", "status": "draft"}])).encode(), "subject"),
    (json.dumps(hook([{"resourceType": "Patient", "id": "x"}])).encode(), "MedicationRequest or ServiceRequest"),
    (json.dumps(hook([NORCO], {"patient": {"resourceType": "Patient", "birthDate": "not a date"}})).encode(),
     "birthDate"),
    (json.dumps(hook([NORCO], fhirServer="file:///etc/passwd")).encode(), "fhirServer"),
])
def test_malformed_request_is_400_with_a_json_error(server, raw, words):
    status, answer = post(server, "mtus-order-sign", raw=raw)
    assert status == 400, answer
    assert words in answer["error"]


def test_unknown_service_is_404_and_get_on_a_service_is_405(server):
    status, answer = post(server, "no-such-service", hook([NORCO]))
    assert status == 404 and "no CDS service" in answer["error"]
    status, _, data = call(f"{server}/cds-services/mtus-order-sign")
    assert status == 405 and "error" in json.loads(data)


def test_cors_preflight(server):
    status, headers, _ = call(f"{server}/cds-services/mtus-order-sign", method="OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*" and "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_no_outbound_call_without_fhir_server_and_prefetch_fetched_when_one_is_named(server):
    patient = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1950-01-01"}
    with stub_fhir_server({"Patient": patient}) as (fhir, asked):
        status, _ = post(server, "mtus-order-sign", hook([NORCO]))
        assert status == 200 and asked == []
        status, answer = post(server, "mtus-order-sign", hook([NORCO], {"patient": patient}, fhirServer=fhir))
        assert status == 200
        assert "/fhir/Patient/p1" not in asked  # given in the prefetch: not fetched again
        assert any(p.startswith("/fhir/Condition?patient=p1") for p in asked)
        asked.clear()
        status, answer = post(server, "mtus-order-sign", hook([NORCO], fhirServer=fhir,
                                                              fhirAuthorization={"access_token": "t0k"}))
        assert status == 200 and "/fhir/Patient/p1" in asked
        status, _, page = call(answer["cards"][0]["links"][0]["url"])
        assert "value='65'" in page.decode()  # age at the order date, from the fetched Patient


def test_an_order_signed_today_says_the_mtus_edition_in_force_is_not_encoded(server):
    today = medication_request("mr-today", "Norco 10/325 mg tablet", "1 tablet every 6 hours as needed", 120,
                               prn=True, authored="2026-11-30")
    status, answer = post(server, "mtus-order-sign", hook([today]))
    assert status == 200
    detail = " ".join(answer["cards"][0]["detail"].split())
    assert "⚠ No encoded MTUS edition was in force on 2026-11-30" in detail
    assert "newest encoded edition: it was not in force on 2026-11-30" in detail
    assert "no MTUS Drug List in force on 2026-11-30 is loaded" in detail


def test_a_service_request_named_by_its_cpt_code_alone_gets_a_card_for_that_service(server):
    order = {"resourceType": "ServiceRequest", "id": "sr-code", "status": "draft", "intent": "order",
             "subject": PATIENT, "authoredOn": "2015-06-01",
             "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}]}}
    status, answer = post(server, "mtus-order-sign", hook([order]))
    assert status == 200 and len(answer["cards"]) == 1
    assert "MRI of the lumbar spine" in answer["cards"][0]["summary"]
