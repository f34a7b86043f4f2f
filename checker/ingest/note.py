"""A physician's own note (PR-2 progress report, RFA with its report, dictated follow-up) as a case.

The note is cut into sections by its headings (SUBJECTIVE COMPLAINTS:, DIAGNOSES:, TREATMENT PLAN:,
WORK STATUS:, the RFA's "Service/Good Requested:" ...), and each section into sentences that keep their
span in the note text. Facts come from the letter extractor (:mod:`checker.ingest.extractors`) run on
every factual sentence outside the plan, plus the note layer (:mod:`checker.ingest.note_facts`) for the
shapes a physician writes and a reviewer does not ("pain 8/10 without medications and 4/10 with", a
sentence about "my medications" that names no drug, a numbered diagnosis list, labelled header dates).

The requested items are read from the plan / request section, one per item line naming a drug or a
service, or given by the caller (``requests``). Decision words ("medically necessary") are never
read as facts: verdict and guideline sentences are skipped as in letters.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from checker.core.errors import InputError, Problem
from checker.facts.cases import Case, case_from_data
from checker.facts.requests import parse_request, service_words
from checker.facts.services import parse_service
from checker.ingest.case import assemble_case
from checker.ingest.context import assess
from checker.ingest.facts import Finding
from checker.ingest.letter import EARLY_LAYOUT
from checker.ingest.note_text import PLAN_KINDS, NoteLine, NoteSection, note_lines, note_sections, note_sentences
from checker.ingest.sentences import split_sentences

__all__ = ["NoteSection", "note_sections", "note_sentences", "note_requests", "note_to_case", "read_note",
           "looks_like_letter", "load_input", "extract_note", "CASE_SUFFIXES"]

#: Files read as case documents; any other file is read as a note (or an IMR letter, if it is one).
CASE_SUFFIXES = (".yaml", ".yml", ".json")


# ---------------------------------------------------------------------------------------------
# Requested items
# ---------------------------------------------------------------------------------------------

_REQUEST_VERB = re.compile(
    r"^(?:(?:we\s+are\s+|I\s+am\s+|I\s+)?(?:request(?:ing|ed)?|ask(?:ing)?)\s+(?:(?:for\s+)?(?:the\s+)?(?:authori[sz]ation|"
    r"approval|certification)\s+(?:of|for)\s+|for\s+)?|RFA\s*(?:for|:)\s*|(?:please\s+)?authori[sz]e\s+|"
    r"(?:continue|refill|renew|prescribe|prescribed|dispense|dispensed|start|begin|initiate|trial\s+of|rx)\s*:?\s+|"
    r"(?:(?:we|I)\s+(?:will|would)\s+(?:like\s+to\s+)?|I\s+am\s+)?(?:recommend(?:ing|ed|s)?|request|order(?:ing)?|"
    r"obtain(?:ing)?|schedul(?:e|ing)|proceed\s+with|awaiting\s+(?:authori[sz]ation|approval)\s+(?:of|for)|"
    r"pending)\s*:?\s+(?:(?:for|an?|the)\s+)?)",
    re.I,
)
_NOT_A_REQUEST = re.compile(
    r"\b(?:discontinue[ds]?|stop(?:ped)?|d/c|hold|held|taper(?:ed)?\s+off|wean(?:ed)?\s+off|no\s+longer|"
    r"denied|declin(?:es?|ed))\b|"
    # a result or a past event, not a request: "MRI of the lumbar spine was reviewed and shows ..."
    r"\b(?:was|were|has\s+been|have\s+been)\s+(?:reviewed|done|performed|completed|obtained|approved|authori[sz]ed|"
    r"certified)\b|\b(?:showed|shows|revealed|reveals|demonstrated|demonstrates)\b|"
    # a plan only if things turn out so: "consider MRI if no improvement"
    r"^(?:(?:we|I)\s+)?(?:(?:will|would|may|might|could)\s+)?(?:consider|possibl[ey])\b|"
    r"\bif\s+(?:no|not|there\s+is\s+no)\b|\bif\b[^.;]*\b(?:persist\w*|continu\w*|worsen\w*|fail\w*|improv\w*|"
    r"unchanged|progress\w*|recur\w*)\b|^(?:(?:treatment\s+|functional\s+)?goals?\b|reduce|decrease|lower|wean|taper|follow[\s-]*up|return|recheck|RTC|f/u|continue\s+(?:home|current\s+home)|"
    r"home\s+exercise|see\s+(?:above|work\s+status)|patient\s+(?:was\s+)?(?:educated|counseled)|"
    r"(?:she|he|the\s+patient)\s+(?:will|is\s+to)\s+(?:continue\s+)?(?:home|her|his))",
    re.I,
)
_FOLLOW_UP = re.compile(r"\b(?:follow[\s-]*up|return\s+(?:visit|to\s+clinic|in)|re-?evaluat\w*\s+in)\b", re.I)
# DWC Form RFA (2014): "Other Information: (Frequency, Duration Quantity, Facility Name, etc.):" and
# "Service/Good Requested (Required):"; the 2013 form: "Procedure Requested:"
_OTHER_INFO = re.compile(r"^(?:other\s+information|frequency|duration|quantity)\b[^:]*:\s*"
                         r"(?:\((?:frequency|duration)[^)]*\)\s*:?\s*)?", re.I)
_LABELLED_REQUEST = re.compile(r"^(?:services?\s*/\s*goods?|procedures?|medications?|treatment)\s+requested\s*"
                               r"(?:\((?:required|if\s+known)\)\s*)?:\s*", re.I)


_HEADER_LINE = re.compile(r"^(?:date|DOB|DOS|DOI|claim|name|employer|specialty|patient|employee|diagnosis|ICD|"
                          r"CPT|HCPCS|provider|physician)\b[^:]{0,40}:", re.I)


def _request_text(line: str) -> str | None:
    """The item as requested on a plan line, or None when the line requests nothing."""
    body = _LABELLED_REQUEST.sub("", line).strip()
    if _HEADER_LINE.match(body) or _NOT_A_REQUEST.search(body) or _FOLLOW_UP.search(body):
        return None
    verb = _REQUEST_VERB.match(body)
    if verb:
        body = body[verb.end():]
    body = body.strip(" .;:")
    if len(body) < 3:
        return None
    parsed = parse_request(body)
    if parsed.kind == "drug":
        return body
    return body if service_words(body) or parse_service(body).service is not None else None


def note_requests(text: str, sections: list[NoteSection]) -> list[tuple[dict[str, Any], NoteLine]]:
    """Requested items of the plan / request sections, one per item line naming a drug or a service. An RFA's
    own "Service/Good Requested:" entries, where there are any, are the requests (its attached report's plan
    repeats them)."""
    out: list[tuple[dict[str, Any], NoteLine]] = []
    labelled = [s for s in sections if s.kind in PLAN_KINDS and _LABELLED_REQUEST.match(s.title + ":")]
    for section in labelled or sections:
        if section.kind not in PLAN_KINDS:
            continue
        for line in note_lines(text, section):
            info = _OTHER_INFO.match(line.text)
            if info and out and out[-1][1].section is section:
                extra = line.text[info.end():].strip(" .")
                if extra:
                    out[-1][0]["text"] += f", {extra}"
                continue
            for sentence, s, e in split_sentences(line.text, line.start):
                request = _request_text(sentence)
                if request is not None:
                    out.append((_request(request), NoteLine(sentence, s, e, section, line.listed)))
    return out


def _request(text: str) -> dict[str, Any]:
    parsed = parse_request(text)
    request: dict[str, Any] = {"text": text, "kind": parsed.kind,
                               "drug": parsed.drug if parsed.kind == "drug" else None}
    if parsed.kind == "drug" and parsed.prn:
        request["prn"] = True
    return request


# ---------------------------------------------------------------------------------------------
# The case
# ---------------------------------------------------------------------------------------------


def note_to_case(text: str, source: str, requests: list[str] | None = None) -> dict[str, Any]:
    """The case document for a note: its requested items (read from the plan, or ``requests`` as given)
    and every fact found, each with its sentence and span in ``evidence``. Not validated."""
    from checker.ingest.note_facts import note_findings

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sections = note_sections(text)
    listed: list[tuple[dict[str, Any], NoteLine | None]]
    listed = [(_request(r.strip()), None) for r in requests if r.strip()] if requests else []
    if not requests:
        listed = list(note_requests(text, sections))
    items = [r for r, _ in listed]
    findings: list[Finding] = note_findings(text, sections, items, [line for _, line in listed], assess)
    case_id = Path(source).stem if source and not source.startswith("<") else "note"
    data: dict[str, Any] = {"case_id": case_id or "note", "source": source}
    return assemble_case(data, items, findings)


_LETTER_HEADINGS = re.compile(r"^\s*(?:CLINICAL CASE SUMMARY|IMR ISSUES,? DECISIONS,? AND RATIONALES|HOW THE IMR "
                              r"FINAL DETERMINATION WAS MADE)\s*$", re.M | re.I)


def looks_like_letter(text: str) -> bool:
    """Is this an IMR decision letter rather than a physician's note?"""
    return bool(_LETTER_HEADINGS.search(text) or EARLY_LAYOUT.search(text))


def read_note(path: str | Path) -> str:
    """The text of a note file (.txt, or .pdf with a text layer); InputError when it cannot be read."""
    from checker.ingest.text import pdf_lines, plain_text

    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(str(path), "no such file")) from None
    except OSError as exc:
        raise InputError(Problem(str(path), f"cannot read file ({exc.strerror or exc})")) from None
    if data.lstrip()[:5] == b"%PDF-":
        lines = pdf_lines(data, path)
        text = "\n".join(line.text for line in lines)
    else:
        if b"\x00" in data[:4096]:
            raise InputError(Problem(str(path), "not a text note (binary file)"))
        text = plain_text(data)
    if not text.strip():
        raise InputError(Problem(str(path), "no text in the note (a scanned PDF without a text layer?)"))
    return text


def load_input(path: str | Path, requests: list[str] | None = None) -> list[Case]:
    """The cases of an input of ``mtus check``: a case file (.yaml/.json), an IMR letter, or a note.

    ``requests`` name the requested items of a note (instead of its plan); InputError for a case file."""
    from checker.facts.cases import load_cases

    p = Path(path)
    if p.suffix.lower() in CASE_SUFFIXES:
        if requests:
            raise InputError(Problem(str(path), "--request is for notes; a case file lists its own requests"))
        return load_cases(p)
    text = read_note(p)
    if looks_like_letter(text) and not requests:
        from checker.ingest.case import letter_case

        return [letter_case(p)]
    data = note_to_case(text, str(path), requests)
    if not data["requests"]:
        raise InputError(Problem(str(path), "no requested item found in the note's treatment plan or request "
                                 "section", hint='name it with --request "Norco 10/325mg #120"'))
    return [case_from_data(data, str(path))]


def extract_note(path: str | Path, requests: list[str] | None = None, fmt: str = "yaml") -> str:
    """The case of a note as an editable document (YAML with a header comment, or JSON)."""
    import json

    from checker.ingest.batch import _yaml

    case = load_input(path, requests)[0]
    if fmt == "json":
        return json.dumps(case.data, indent=2, ensure_ascii=False) + "\n"
    return (f"# Case read from {path} by mtus extract. Each fact's sentence is under 'evidence':\n"
            "# correct what was misread, add what was missed, delete what is wrong, then run mtus check on it.\n"
            + _yaml(case.data))
