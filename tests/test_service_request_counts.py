"""Request facts of service items read from the item as written: the authorized part of a partly certified course,
and which electrodiagnostic studies a request names."""

from __future__ import annotations

import pytest

from checker.facts.derived import _service_facts
from checker.facts.services import parse_service
from checker.ingest.case import _remaining_portion_counts

REMAINING = ("Physical therapy evaluation and treatment 3 times a week for 4 weeks (12 sessions) was the original "
             "request. Physical therapy for 10 sessions was authorized by the Claims Administrator. The remaining IMR "
             "eligible portion of the original request, 2 sessions of physical therapy is")
WHOLE = ("Physical therapy 2 times a week for 6 weeks (12 sessions) to the right elbow was the original request. The "
         "Claims Administrator authorized 2 sessions of occupational therapy, leaving the original request IMR "
         "eligible. The original request, physical therapy 2 times a week for 6 weeks (12 sessions) to the right "
         "elbow is")


def test_the_remaining_portion_carries_the_authorized_visits():
    assert _remaining_portion_counts(REMAINING) == {"visits_authorized": 10, "visits_original": 12}


def test_the_whole_original_request_in_dispute_adds_nothing():
    assert _remaining_portion_counts(WHOLE) == {}


def test_no_partial_certification_adds_nothing():
    assert _remaining_portion_counts("Physical therapy 2 times a week for 4 weeks, right knee") == {}


@pytest.mark.parametrize(("text", "ncs", "emg"), [
    ("EMG/NCV of the lower extremities", True, True),
    ("NCS/EMG RUE", True, True),
    ("EMG of the right upper extremity", False, True),
    ("Nerve conduction velocity study of both legs", True, False),
    ("Electrodiagnostic studies of the lower extremities", None, None),
])
def test_the_electrodiagnostic_studies_named(text, ncs, emg):
    out: dict = {"request.kind": "service"}
    _service_facts(parse_service(text), out)
    assert out["request.service"] == "electrodiagnostic"
    assert out.get("request.nerve_conduction") is ncs
    assert out.get("request.electromyography") is emg


@pytest.mark.parametrize(("text", "categories", "region"), [
    ("Spinal manipulation 1 times 8", ["low_back_pain", "sprain_strain"], "low_back"),
    ("TOC to ortho spine surgeon eval and treatment", ["neck_pain"], "neck_upper_back"),
    ("TOC to ortho spine surgeon eval and treatment", ["neck_pain", "low_back_pain"], None),
    ("Spinal cord stimulator trial", ["low_back_pain"], None),
    ("Spinal manipulation", None, None),
])
def test_a_request_naming_only_the_spine_takes_the_chapter_of_the_spinal_diagnoses(text, categories, region):
    out: dict = {"request.kind": "service"}
    if categories is not None:
        out["diagnosis_categories"] = categories
    _service_facts(parse_service(text), out)
    assert out.get("request.region") == region


def test_a_named_part_of_the_spine_is_kept():
    out: dict = {"request.kind": "service", "diagnosis_categories": ["neck_pain"]}
    _service_facts(parse_service("MRI of the lumbar spine"), out)
    assert out["request.region"] == "low_back"
