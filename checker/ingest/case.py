"""Turn a parsed IMR letter into a case document (``schemas/case.schema.json``).

Public API for other stages (audit):

* :func:`letter_to_case_data` builds the case dict from a :class:`~checker.ingest.letter.Letter`;
* :func:`letter_case` reads a letter file and returns the validated :class:`~checker.facts.cases.Case`.

Each item of the letter becomes a request with ``text`` (the IMR-eligible portion of the item),
``kind``, ``drug`` and ``actual`` (the item's outcome: the label, never read as a fact). Every other
fact comes from :mod:`checker.ingest.facts`, with its sentence and span in ``evidence``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from checker.facts.cases import Case, case_from_data
from checker.facts.requests import parse_request
from checker.facts.services import parse_service
from checker.ingest.context import assess
from checker.ingest.facts import Assessor, Finding, extract_findings
from checker.ingest.letter import Letter, read_letter

__all__ = ["assemble_case", "letter_case", "letter_to_case_data", "case_id_of"]

#: Facts that are lists of values: every finding adds to the list (duplicates dropped).
LIST_FACTS = frozenset({
    "diagnoses", "medications", "monitoring.urine_drug_screens", "function.adl_gains",
    "prior_treatment.treatments", "injury.body_parts", "site", "services.conservative_care_kinds",
    "services.objective_finding_regions",
})


def case_id_of(letter: Letter) -> str:
    """The letter's case number, else the file stem."""
    return letter.case_number or Path(letter.path).stem or "letter"


def _request(item: Any) -> dict[str, Any]:
    parsed = parse_request(item.request_text)
    request = {"text": item.request_text.strip() or item.title, "actual": item.outcome, "kind": parsed.kind,
               "drug": parsed.drug if parsed.kind == "drug" else None}
    if parsed.kind == "drug" and parsed.prn:
        request["prn"] = True  # "PRN" / "as needed" in the request as written
    if parsed.kind == "service" and item.partial:
        request.update(_remaining_portion_counts(item.title))
    return request


#: "... was authorized by the Claims Administrator. The remaining IMR eligible portion of the original request, Z":
#: the dispute is the rest of a course whose other part was authorized. (When the claims administrator authorized
#: something "leaving the original request IMR eligible", the whole original request is in dispute: nothing to add.)
_REMAINING_PORTION = re.compile(r"\bremaining\s+IMR\s+eligible\s+portion\b", re.I)


def _remaining_portion_counts(title: str) -> dict[str, int]:
    """The visits first requested and those authorized of a partly certified service request whose disputed item is
    the remaining portion; the course is the authorized visits and the disputed ones together."""
    if not _REMAINING_PORTION.search(title):
        return {}
    parsed = parse_service(title)
    counts = {"visits_authorized": parsed.visits_authorized, "visits_original": parsed.visits_original}
    return {key: value for key, value in counts.items() if value is not None}


def _set(target: dict[str, Any], path: str, value: Any) -> bool:
    """Set a dotted path unless it already holds a value; lists accumulate. True if the value was stored."""
    *parents, leaf = path.split(".")
    node = target
    for key in parents:
        node = node.setdefault(key, {})
    if path in LIST_FACTS:
        values = node.setdefault(leaf, [])
        if value in values:
            return False
        values.append(value)
        return True
    if node.get(leaf) is not None:
        return False
    node[leaf] = value
    return True


def _evidence(finding: Finding, path: str) -> dict[str, Any]:
    ev: dict[str, Any] = {"fact": path, "value": finding.value}
    if finding.sentence is not None:
        ev["sentence"] = finding.sentence
        ev["span"] = [finding.start, finding.end]
    if finding.request is not None:
        ev["request"] = finding.request
    if finding.cue:
        ev["cue"] = finding.cue
    return ev


def letter_to_case_data(letter: Letter, assessor: Assessor = assess) -> dict[str, Any]:
    """The case document for a parsed letter: requests in letter order, facts with their evidence.

    ``assessor`` decides negation/uncertainty of a mention (default: the scoped-cue algorithm)."""
    data: dict[str, Any] = {"case_id": case_id_of(letter), "source": letter.path}
    requests = [_request(item) for item in letter.items]
    return assemble_case(data, requests, extract_findings(letter, requests, assessor))


def assemble_case(data: dict[str, Any], requests: list[dict[str, Any]], findings: Iterable[Finding]) -> dict[str, Any]:
    """Store ``findings`` in priority order into ``data`` and its ``requests`` (the first value of a scalar fact
    wins, list facts accumulate), with one ``evidence`` entry per stored value."""
    evidence: list[dict[str, Any]] = []
    for finding in findings:
        if finding.request is not None:
            leaf = finding.fact.removeprefix("request.")
            stored = _set(requests[finding.request], leaf, finding.value)
        else:
            stored = _set(data, finding.fact, finding.value)
        if stored:
            evidence.append(_evidence(finding, finding.fact))
    data["requests"] = requests
    if evidence:
        data["evidence"] = evidence
    return data


def letter_case(path: str | Path) -> Case:
    """Read a letter (.pdf or .txt) and return its validated case; InputError for a bad letter."""
    letter = read_letter(path)
    return case_from_data(letter_to_case_data(letter), str(path))
