"""The service parser (checker/facts/services.py): every service title of the bundled letters, and written wordings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from checker.core.errors import InputError
from checker.facts.services import load_service_catalog, parse_service

FIXTURES = Path(__file__).parent / "fixtures"
OUTCOMES = Path(__file__).parent.parent / "cases" / "letters" / "pdf" / "outcomes.tsv"


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


TITLES = {(r["letter"], r["item"]): r["title"] for r in _rows("request_titles.tsv")}
EXPECTED = _rows("service_titles.tsv")


def test_fixture_labels_every_service_item_of_the_bundled_letters() -> None:
    with OUTCOMES.open(encoding="utf-8") as fh:
        services = {(r["letter"], r["item"]) for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "non-drug"}
    assert len(services) == 170
    assert {(r["letter"], r["item"]) for r in EXPECTED} == services


@pytest.mark.parametrize("row", EXPECTED, ids=lambda r: f"{r['letter']}-{r['item']}")
def test_every_service_title_parses_to_its_labelled_values(row: dict[str, str]) -> None:
    parsed = parse_service(TITLES[(row["letter"], row["item"])])
    got = {"service": parsed.service or "", "body_parts": ",".join(parsed.body_parts),
           "visits": "" if parsed.visits is None else str(parsed.visits), "side": parsed.side or "",
           "phase": parsed.phase or "", "contrast": parsed.contrast or "", "levels": ",".join(parsed.levels),
           "original": "" if parsed.visits_original is None else str(parsed.visits_original),
           "authorized": "" if parsed.visits_authorized is None else str(parsed.visits_authorized)}
    assert got == {k: row[k] for k in got}


@pytest.mark.parametrize(("text", "service", "visits", "per_week", "weeks"), [
    ("PT 2x4", "physical_therapy", 8, 2, 4),
    ("Physical therapy 2x/week x 4 weeks for the lumbar spine", "physical_therapy", 8, 2, 4),
    ("Physical therapy twice a week for six weeks", "physical_therapy", 12, 2, 6),
    ("Acupuncture x6", "acupuncture", 6, None, None),
    ("8 sessions of chiropractic care", "chiropractic", 8, None, None),
    ("Chiropractic manipulation times 12", "chiropractic", 12, None, None),
    ("Occupational therapy 3 times per week for 4 weeks (12 visits)", "occupational_therapy", 12, 3, 4),
    ("Aquatic therapy 1-2 times per week for 6 weeks", "physical_therapy", 12, 2, 6),
    ("Physical therapy, 12 sessions of up to 4 units per session", "physical_therapy", 12, None, None),
    ("3x wk for 4 wks occupational therapy sessions", "occupational_therapy", 12, 3, 4),
    ("Hyaluronic acid injections, a series of 3", "joint_injection", 3, None, None),
])
def test_counts_and_frequencies_of_written_wordings(text: str, service: str, visits: int, per_week: float | None,
                                                    weeks: float | None) -> None:
    parsed = parse_service(text)
    assert (parsed.service, parsed.visits, parsed.per_week, parsed.weeks) == (service, visits, per_week, weeks)


@pytest.mark.parametrize(("text", "service", "parts", "side", "contrast", "levels"), [
    ("MRI of the left knee with and without contrast", "mri", ("knee",), "left", "with", ()),
    ("Lumbar ESI at L4-5 and L5-S1", "epidural_steroid_injection", ("lumbar_spine",), None, None, ("L4-L5", "L5-S1")),
    ("Cervical epidural steroid injection C5-6", "epidural_steroid_injection", ("cervical_spine",), None, None,
     ("C5-C6",)),
    ("EMG/NCV bilateral lower extremities", "electrodiagnostic", ("lower_extremity",), "bilateral", None, ()),
    ("TENS unit rental for 30 days", "tens", (), None, None, ()),
    ("Urine drug screen", "urine_drug_test", (), None, None, ()),
])
def test_body_part_side_contrast_and_levels(text: str, service: str, parts: tuple, side: str | None,
                                            contrast: str | None, levels: tuple) -> None:
    parsed = parse_service(text)
    assert (parsed.service, parsed.body_parts, parsed.side, parsed.contrast, parsed.levels) == \
        (service, parts, side, contrast, levels)


@pytest.mark.parametrize(("text", "service"), [
    ("Trigger point injections with ultrasound guidance", "trigger_point_injection"),
    ("Botulinum toxin injections with EMG guidance", "joint_injection"),
    ("Replacement of the stimulator with an MRI-compatible generator", "surgery"),
    ("CT-guided biopsy", None),
    ("Physical therapy x12 (97110: therapeutic exercise; 97124: massage)", "physical_therapy"),
    ("Occupational therapy x9, to include: 97140 manual therapy; G0283 electrical stimulation", "occupational_therapy"),
])
def test_a_guiding_imaging_word_or_a_component_code_list_is_not_the_service(text: str, service: str | None) -> None:
    assert parse_service(text).service == service


def test_post_operative_and_extension_phases() -> None:
    assert parse_service("Post-op physical therapy x12 for the right shoulder").phase == "post_operative"
    assert parse_service("Additional chiropractic sessions x6").phase == "extension"
    assert parse_service("Initial trial of acupuncture x6").phase == "initial"
    assert parse_service("MRI of the lumbar spine").phase is None


def test_never_raises_and_reads_nothing_from_nothing() -> None:
    for text in ["", "   ", "???", "x" * 5000, "12345", "\u00a0\ufffe"]:
        parsed = parse_service(text)
        assert parsed.visits is None or isinstance(parsed.visits, int)
    assert parse_service("").service is None


def test_a_broken_catalog_names_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "services.yaml"
    bad.write_text("groups: [imaging]\ntypes:\n  mri: {group: scans, patterns: [MRI]}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_service_catalog(bad)
    assert str(bad) in str(info.value) and "unknown group" in str(info.value)


def test_a_finding_site_in_an_unknown_region_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "services.yaml"
    bad.write_text("regions: [low_back]\nfinding_sites:\n  legs: {regions: [legs], patterns: [EHL]}\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_service_catalog(bad)
    assert "finding site 'legs'" in str(info.value)


@pytest.mark.parametrize(("wording", "service", "body_parts", "visits"), [
    ("MRI L/S w/o", "mri", ("lumbar_spine",), None),
    ("MRI C/S", "mri", ("cervical_spine",), None),
    ("T/S x-ray", "xray", ("thoracic_spine",), None),
    ("Chiro 2x3 C/S", "chiropractic", ("cervical_spine",), 6),
    ("Acup x6", "acupuncture", (), 6),
    ("Psych eval", "psychological_testing", (), None),
])
def test_the_shorthand_of_a_request_for_authorization_is_read(wording, service, body_parts, visits):
    parsed = parse_service(wording)
    assert (parsed.service, parsed.body_parts, parsed.visits) == (service, body_parts, visits)
