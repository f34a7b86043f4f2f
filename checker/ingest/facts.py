"""Extract case facts from an IMR letter's clinical summary and the factual sentences of its rationales.

:func:`extract_findings` returns :class:`Finding` objects in priority order (the first finding for a
scalar fact wins; list facts accumulate). Every finding carries the sentence it came from, the
sentence's span in the letter text and, where an assertion cue decided the value, that cue.

Decision words are never facts: verdict sentences, guideline paraphrases and the fixed 2016 opioid
tapering paragraph are skipped (:mod:`checker.ingest.sentences`); request outcomes are labels kept
apart in :mod:`checker.ingest.case`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checker.ingest.context import assess
from checker.ingest.extractors import sentence_findings
from checker.ingest.findings import Assessor, Finding
from checker.ingest.findings import finding as _finding
from checker.ingest.letter import Letter
from checker.ingest.program_facts import program_findings, requested
from checker.ingest.sentences import Sentence, letter_sentences
from checker.ingest.vocab import ANY_DATE, DATE_RE, date_of

__all__ = ["Assessor", "Finding", "extract_findings"]


# ---------------------------------------------------------------------------------------------
# Header and demographics
# ---------------------------------------------------------------------------------------------

_HEADER_LABELS = {
    "injury": (r"Date\s+of\s+Injury", "injury.date"),
    "ur_denial": (r"UR\s+Denial\s+Date", "ur_date"),
    "decision": (r"Decision\s+Date", "decision_date"),
}
_AGE = re.compile(
    r"\b(?:is\s+an?|now|aged?|an?)\s+(?:now\s+)?(\d{1,3})[\s-]*(?:year|yr)s?[\s-]*old\b|\b(\d{1,3})\s*(?:yo|y/o|y\.o\.)\b"
    r"|\b(\d{1,3})\s*-?\s*year\s*-?\s*old\b",
    re.I,
)
_SEX = re.compile(r"\b(male|female|man|woman|gentleman|lady)\b", re.I)
_PRONOUN_SEX = re.compile(r"\b(he|his|him|she|her|hers)\b", re.I)


def _header(letter: Letter) -> list[Finding]:
    out = []
    for key, (label, fact) in _HEADER_LABELS.items():
        value = letter.dates.get(key)
        if not value:
            continue
        m = re.search(label + r"\s*:\s*" + DATE_RE, letter.text, re.I)
        if m:
            out.append(Finding(fact, value, m.group(0), m.start(), m.end()))
        else:
            out.append(Finding(fact, value, None, 0, 0))
    return out


def _demographics(s: Sentence) -> list[Finding]:
    out = []
    m = _AGE.search(s.text)
    if m:
        age = int(next(g for g in m.groups() if g))
        if 14 <= age <= 100:
            out.append(_finding("patient.age", age, s))
    m = _SEX.search(s.text)
    if m and (m.start() < 200):
        word = m.group(1).lower()
        out.append(_finding("patient.sex", "male" if word in ("male", "man", "gentleman") else "female", s))
    return out


def _pronoun_sex(sentences: list[Sentence]) -> list[Finding]:
    counts = {"male": 0, "female": 0}
    first: dict[str, Sentence] = {}
    for s in sentences:
        if s.section != "summary":
            continue
        for m in _PRONOUN_SEX.finditer(s.text):
            sex = "male" if m.group(1).lower() in ("he", "his", "him") else "female"
            counts[sex] += 1
            first.setdefault(sex, s)
    if counts["male"] >= 2 and counts["female"] == 0:
        return [_finding("patient.sex", "male", first["male"], cue="pronoun")]
    if counts["female"] >= 2 and counts["male"] == 0:
        return [_finding("patient.sex", "female", first["female"], cue="pronoun")]
    return []


# ---------------------------------------------------------------------------------------------
# Dates in the summary
# ---------------------------------------------------------------------------------------------

_INJURY_CUE = re.compile(r"injur(?:y|ed)|date\s+of\s+injury|\bDOI\b|occupational\s+claim|industrial\s+claim", re.I)
_UR_CUE = re.compile(r"(?:utilization\s+review|\bUR\b)(?:\s+(?:report|letter|decision|determination|denial))?"
                     r"(?:\s+(?:dated|of|on))?|prior\s+(?:denial|determination|review)|claims\s+administrator|"
                     r"non-?certif|denied", re.I)
_REPORT_CUE = re.compile(
    r"(?:progress|office|medical|clinical|follow-?up|PR-?2|evaluation|visit|treating|physician'?s?)\s+(?:report|note|"
    r"visit|evaluation|record|assessment)s?|Request\s+for\s+Authori[sz]ation|\bRFA\b|\bevaluation|\bexamination|"
    r"\bvisit|\breport|\bnote[sd]?\b|\bassessment|\bseen\b|\bpresented|\bcomplain|\breported|^On\b|,\s*on\b|"
    r"(?:subjective|objective)\s+(?:data|findings|complaints)",
    re.I,
)


# a cue right after the date: "On 01/30/2015, Utilization Review non-certified", "the 09/09/2014 progress report"
_UR_AFTER = re.compile(r"\s*,?\s*(?:the\s+)?(?:utilization\s+review|UR\b|claims\s+administrator)", re.I)
_REPORT_AFTER = re.compile(
    r"\s*(?:(?:hand[\s-]*written|handwritten|primary\s+treating|treating|physician'?s?|medical|follow[\s-]*up)\s+){0,3}"
    r"(?:progress\s+)?(?:report|office\s+visit|visit|note|evaluation|RFA|date\s+of\s+service)\b",
    re.I,
)
# "treatment reports from 06/10/2014 to 10/10/2014": the span of the records provided, not a visit
_RANGE = re.compile(r"\bfrom\s+" + DATE_RE + r"\s+(?:to|through|until)\s+" + DATE_RE, re.I)


def _dates(s: Sentence) -> list[Finding]:
    """Injury, UR and report dates of a summary sentence: each date goes to the cue nearest before it."""
    out: list[Finding] = []
    if s.section != "summary":
        return out
    text = s.text
    ranges = [(r.start(), r.end()) for r in _RANGE.finditer(text)]
    for m in ANY_DATE.finditer(text):
        iso = date_of(m)
        if not iso or any(a <= m.start() < b for a, b in ranges):
            continue
        if _UR_AFTER.match(text, m.end()):
            out.append(_finding("ur_date", iso, s))
            continue
        if _REPORT_AFTER.match(text, m.end()):
            out.append(_finding("report_date", iso, s))
            continue
        before = text[max(0, m.start() - 90): m.start()]
        cues = []
        for fact, pattern in (("injury.date", _INJURY_CUE), ("ur_date", _UR_CUE), ("report_date", _REPORT_CUE)):
            hits = list(pattern.finditer(before))
            if hits:
                cues.append((hits[-1].end(), fact))
        if not cues:
            continue
        fact = max(cues)[1]
        if fact == "report_date" and re.search(r"\b(?:MRI|CT|x-?rays?|EMG|scan|imaging|surgery|performed)\b",
                                               text[max(0, m.start() - 60): m.start()], re.I):
            continue
        out.append(_finding(fact, iso, s))
    return out


_POST_OP_ITEM = re.compile(r"(?<![\w-])(?:post[\s-]*op(?:erative)?|post[\s-]*surgical)(?![\w-])", re.I)


def _post_op_items(letter: Letter, requests: list[dict[str, Any]]) -> list[Finding]:
    """A drug item requested as post-operative ("Post-op Percocet 5/325mg"): the request is for post-operative
    care. The evidence is the item as written in the letter's list of disputed items."""
    for index, item in enumerate(letter.items):
        if index >= len(requests) or requests[index].get("kind") != "drug":
            continue
        title = item.request_text.strip() or item.title
        if not _POST_OP_ITEM.search(title):
            continue
        at = letter.text.find(title, max(letter.summary_offset, 0))
        if at < 0:
            at = letter.text.find(title)
        if at >= 0:
            return [Finding("clinical.post_operative", True, title, at, at + len(title), cue=None)]
        return [Finding("clinical.post_operative", True, None, 0, 0)]
    return []


def _pick_report_date(findings: list[Finding], ur: str | None) -> list[Finding]:
    """Keep the latest report date on or before the UR date (any, when there is none)."""
    reports = [f for f in findings if f.fact == "report_date"]
    rest = [f for f in findings if f.fact != "report_date"]
    eligible = [f for f in reports if ur is None or f.value <= ur]
    if not eligible:
        return rest
    best = max(eligible, key=lambda f: f.value)
    return [best, *rest]


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def extract_findings(letter: Letter, requests: list[dict[str, Any]] | None = None,
                     assessor: Assessor = assess) -> list[Finding]:
    """Every fact found in the letter, in priority order (first wins for scalar facts)."""
    requests = requests or []
    sentences = letter_sentences(letter)
    found: list[Finding] = list(_header(letter))
    summary_found: list[Finding] = []
    rationale_found: list[Finding] = []
    ur_found: list[Finding] = []  # what a UR decision says the records lack: after the IMR reviewer's reading
    previous: Sentence | None = None
    context = requested(requests)
    for s in sentences:
        if s.boilerplate:
            continue
        bucket = summary_found if s.section == "summary" else rationale_found
        if s.clause == "ur_reason":
            bucket = ur_found
        if s.clause is None:
            bucket.extend(_dates(s))
        if not s.factual:
            continue
        if s.section == "summary" and s.clause is None:
            bucket.extend(_demographics(s))
        bucket.extend(sentence_findings(s, letter, requests, assessor))
        bucket.extend(program_findings(s, previous, assessor, context))
        previous = s
    summary_found.extend(_pronoun_sex(sentences))
    summary_found.extend(_post_op_items(letter, requests))
    ur = next((f.value for f in [*found, *summary_found] if f.fact == "ur_date"), None)
    summary_found = _pick_report_date(summary_found, ur)
    ordered = _order(found, summary_found, rationale_found, ur_found)
    return _recent_injury_only(ordered)


def _recent_injury_only(findings: list[Finding]) -> list[Finding]:
    """A fracture, crush or burn is a *severe acute* injury only within about 3 months (13 weeks) of the
    injury date at the report date; otherwise (or with either date unknown) the mention sets nothing."""
    def first(fact: str) -> str | None:
        return next((f.value for f in findings if f.fact == fact and f.request is None), None)

    injury, report = first("injury.date"), first("report_date") or first("ur_date")
    weeks = weeks_between(injury, report) if injury and report else None
    if weeks is not None and 0 <= weeks <= 13:
        return findings
    return [f for f in findings if f.fact != "clinical.severe_acute_injury"]


#: Facts whose latest mention in the summary is the one at the report date.
_LATEST_FIRST = ("pain.", "work_status")


def _order(header: list[Finding], summary: list[Finding], rationale: list[Finding],
           ur: list[Finding] = ()) -> list[Finding]:  # type: ignore[assignment]
    """Priority order. Header dates first; then a documented value beats a statement of its absence for
    booleans; pain scores and work status take the last summary mention (the latest visit) first. What a
    UR decision's reasons say comes last: the IMR reviewer's own reading of the records wins."""
    latest = [f for f in summary if f.fact.startswith(_LATEST_FIRST)][::-1]
    ordered = [*header, *latest, *(f for f in summary if not f.fact.startswith(_LATEST_FIRST)), *rationale]
    case = [f for f in ordered if f.request is None]
    # request facts: the item's own rationale first, then what the summary says about the drug
    requests = [f for f in rationale if f.request is not None] + [f for f in summary if f.request is not None]
    positives = [f for f in case if f.value is True]
    return (positives + [f for f in case if f.value is not True] + requests
            + [f for f in ur if f.request is None] + [f for f in ur if f.request is not None])


def weeks_between(a: str, b: str) -> float | None:
    """Weeks from ISO date ``a`` to ``b``."""
    try:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days / 7
    except ValueError:
        return None

