"""CPT and HCPCS codes of requested services (rules/service-codes.yaml): each code reads as the service it bills,
and an EHR order named by its code alone is read through the table, never guessed."""

from __future__ import annotations

import pytest

from checker.core.errors import InputError
from checker.facts.service_codes import default_service_codes, load_service_codes
from checker.facts.services import parse_service
from checker.ingest.fhir import draft_order_text

CPT = "http://www.ama-assn.org/go/cpt"
TABLE = default_service_codes()


@pytest.mark.parametrize("code", sorted(TABLE.codes))
def test_every_code_reads_as_the_service_and_body_parts_it_bills(code):
    entry = TABLE.codes[code]
    parsed = parse_service(entry.words)
    assert (parsed.service, set(parsed.body_parts)) == (entry.service, set(entry.body_parts))


def _order(coding: dict, **more) -> dict:
    return {"resourceType": "ServiceRequest", "status": "draft", "intent": "order", "code": {"coding": [coding]},
            **more}


def test_an_order_named_by_its_code_alone_reads_as_the_codes_words_and_its_body_site():
    assert draft_order_text(_order({"system": CPT, "code": "72148"})) == (
        "MRI of the lumbar spine without contrast (CPT 72148)")
    text = draft_order_text(_order({"system": CPT, "code": "73221"}, bodySite=[{"text": "right shoulder"}]))
    assert text == "MRI of a joint without contrast (CPT 73221) of the right shoulder"
    assert parse_service(text).body_parts == ("shoulder",)


def test_the_orders_own_words_come_first_and_the_code_helps_only_where_they_name_no_service():
    assert draft_order_text(_order({"system": CPT, "code": "97110", "display": "Therapeutic exercises"})) == (
        "Therapeutic exercises")
    text = draft_order_text(_order({"system": CPT, "code": "97112", "display": "Neuromuscular reeducation"}))
    assert parse_service(text).service == "physical_therapy"


def test_a_code_outside_the_table_or_of_another_system_is_not_guessed():
    assert draft_order_text(_order({"system": CPT, "code": "99999"})) == ""
    assert draft_order_text(_order({"system": "http://snomed.info/sct", "code": "72148"})) == ""


def test_a_broken_code_table_is_one_problem_naming_the_file(tmp_path):
    bad = tmp_path / "service-codes.yaml"
    bad.write_text("systems: {cpt: [x]}\ncodes:\n  '7214': {words: MRI, service: mri}\n")
    with pytest.raises(InputError) as err:
        load_service_codes(bad)
    assert str(bad) in str(err.value.problem.file) and "7214" in err.value.problem.message
