"""The note layer of the fact extractor: the shapes a treating physician writes.

On top of the letter extractor (run on every factual sentence outside the plan):

* labelled header fields: ``Date of Exam:`` (report date), ``Date of Injury:``, ``Date of Birth:`` (the
  patient's age at the report date);
* a sentence about "my medications", side effects or aberrant behaviour that names no drug speaks about the
  drugs the patient currently takes (those named in the history, medication list or monitoring sections,
  or requested as "continue" / "refill");
* "pain 8/10 without medications and 4/10 with": a bare "with" / "without", or "on" / "off" medications;
  a lower score with medication than without is quantified pain relief for those drugs;
* a specific activity made possible by the medication ("With Norco she is able to walk for 30 minutes") is
  specific functional improvement for those drugs;
* a numbered diagnosis list with ICD-10-CM codes, a medication list, one requested item per plan line.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checker.ingest.extractors import (
    _BOILERPLATE_FUNCTION,
    _SPECIFIC_ADL,
    _catalog,
    _drug_mentions,
    request_targets,
    sentence_findings,
)
from checker.ingest.facts import Assessor, Finding, _demographics, _finding, _pronoun_sex, _recent_injury_only
from checker.ingest.icd10 import ICD10_CODE, icd10_categories
from checker.ingest.note_text import PLAN_KINDS, NoteLine, NoteSection, note_lines, note_sentences
from checker.ingest.program_facts import program_findings, requested
from checker.ingest.sentences import Sentence
from checker.ingest.vocab import DATE_RE, diagnosis_categories, has_category, iso_date

__all__ = ["note_findings"]

_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (fact, re.compile(r"(?<![\w])(?:" + label + r")\s*(?:\((?:MM/DD/YYYY|mm/dd/yyyy)\))?\s*:\s*" + DATE_RE, re.I))
    for fact, label in (
        ("report_date", r"date\s+of\s+(?:exam(?:ination)?|service|visit|report|evaluation|request)|exam\s+date|"
                        r"visit\s+date|report\s+date|DOS|date\s+seen"),
        ("injury.date", r"date\s+of\s+injury|DOI|injury\s+date"),
        ("_birth", r"date\s+of\s+birth|DOB|birth\s+date"),
    )
)
_TITLE_SEX = re.compile(r"\b(?:(Mr)|(Ms|Mrs|Miss))\.?\s+[A-Z]")

# a sentence about the patient's medications that names no drug
_ABOUT_MEDICATIONS = re.compile(
    r"\b(?:medications?|meds|medicines?|opioids?|opiates?|narcotics?|analgesics?|pain\s+pills?|side[\s-]effects?|"
    r"adverse\s+effects?|aberrant|misuse|diversion|drug[\s-](?:related|seeking|taking)|early\s+refills?|lost\s+(?:prescriptions?|"
    r"medications?)|prescribers?|constipation|sedation|sedated|drowsiness|drowsy|somnolence|dizziness|"
    r"(?:treatment|functional)\s+goals?|goals?\s+of\s+(?:treatment|therapy)|wean(?:ing)?|taper(?:ing)?)\b",
    re.I,
)
# "8/10 without medications and 4/10 with": the score's own with/without word, even bare
_SCORE = re.compile(r"(?<![\d/.])(\d{1,2}(?:\.\d)?)\s*(?:/\s*10|out\s+of\s+10)(?![\d/])", re.I)
_SCORE_WITH = re.compile(
    r"\s*(?:\(\s*)?(?:(without|off(?:\s+of)?|before)|(with|on|after))\b(?:\s+(?:the\s+|his\s+|her\s+|my\s+|current\s+|"
    r"pain\s+)*(?:medications?|meds|medicines?|opioids?|narcotics?|analgesics?|them|it|treatment)\b|"
    r"\s*(?:[.;,)]|and\b|$))", re.I)
_CONTINUE_VERB = re.compile(r"^(?:continue[ds]?|refill(?:ed)?|renew(?:ed)?)\b", re.I)
_START_VERB = re.compile(r"^(?:start|begin|initiate|trial\s+of|new\s+prescription\s+(?:of|for))\b", re.I)
_TAKING = re.compile(
    r"\b(?:takes|taking|has\s+taken|has\s+been\s+(?:taking|on|using|prescribed)|uses|using|is\s+on|remains\s+on|"
    r"currently\s+on|prescribed|I\s+prescribe)\b",
    re.I,
)
_SINCE = re.compile(r"\bsince\s+" + DATE_RE, re.I)
_SINCE_MONTH = re.compile(r"\bsince\s+(\d{1,2})\s*/\s*((?:19|20)\d{2})\b", re.I)
_NOT_NOW = re.compile(r"\b(?:after|failed|tried|instead\s+of|previously|prior|stopped)\b", re.I)


def _labels(text: str) -> list[Finding]:
    out: list[Finding] = []
    for fact, pattern in _LABELS:
        m = pattern.search(text)
        if m:
            iso = iso_date("/".join(m.groups()[-3:]))
            if iso:
                line_start = text.rfind("\n", 0, m.start()) + 1
                line_end = text.find("\n", m.end())
                line_end = len(text) if line_end < 0 else line_end
                out.append(Finding(fact, iso, text[line_start:line_end].strip(), line_start, line_end))
    report = next((f for f in out if f.fact == "report_date"), None)
    birth = next((f for f in out if f.fact == "_birth"), None)
    out = [f for f in out if f.fact != "_birth"]
    if report and birth:
        b, r = date.fromisoformat(birth.value), date.fromisoformat(report.value)
        age = r.year - b.year - ((r.month, r.day) < (b.month, b.day))
        if 14 <= age <= 110:
            out.append(Finding("patient.age", age, birth.sentence, birth.start, birth.end, cue="date of birth"))
    m = _TITLE_SEX.search(text)
    if m:
        line_start = text.rfind("\n", 0, m.start()) + 1
        sentence_end = text.find(".", m.end())
        sentence_end = len(text) if sentence_end < 0 else sentence_end
        out.append(Finding("patient.sex", "male" if m.group(1) else "female", text[line_start:sentence_end + 1],
                           line_start, sentence_end + 1, cue=m.group(0)[:-1].strip()))
    return out


def _diagnosis(line: NoteLine) -> Finding | None:
    """One diagnosis of a diagnosis list line: its text without the ICD code, with the code's categories."""
    codes = [m.group(1) for m in ICD10_CODE.finditer(line.text)]
    text = re.sub(r"\s*[(\[]?\s*(?:ICD(?:-?10)?(?:-CM)?\s*:?\s*)?" + ICD10_CODE.pattern + r"\s*[)\]]?", "", line.text)
    text = text.strip(" ,;:.-")
    if re.fullmatch(r"(?:ICD(?:[\s-]*10)?(?:-CM)?|CPT|HCPCS)?(?:\s*/\s*\w+)?\s*(?:codes?)?", text, re.I):
        return None
    if len(text) < 3 or (not codes and not line.listed and len(text.split()) > 12):
        return None
    if re.match(r"(?:the|she|he|patient|I|we|continue|plan)\b", text, re.I) and not codes:
        return None
    categories = [c for c in diagnosis_categories(text) if c != "other"] if has_category(text) else []
    for code in codes:
        categories += [c for c in icd10_categories(code) if c not in categories]
    value: dict[str, Any] = {"text": line.text.strip(" ,;:.-"), "categories": categories or ["other"]}  # as written
    return Finding("diagnoses", value, line.text, line.start, line.end, cue=", ".join(codes) or None)


def _assessment_diagnoses(text: str, section: NoteSection, request_lines: list[NoteLine | None]) -> list[Finding]:
    """The diagnoses of an assessment-and-plan section: its lines that request nothing and carry an ICD-10 code or
    name a diagnosis."""
    asked = [(r.start, r.end) for r in request_lines if r is not None]
    out = []
    for line in note_lines(text, section):
        if any(a < line.end and line.start < b for a, b in asked):
            continue
        found = _diagnosis(line)
        if found is not None and (found.cue or has_category(line.text)):
            out.append(found)
    return out


def _nsaid(drug: str, text: str, sentence: str, start: int, end: int) -> list[Finding]:
    """An oral NSAID the patient takes: current NSAID use."""
    info = _catalog().ingredient(drug)
    if info is None or info.drug_class != "nsaid" or re.search(r"gel|patch|cream|topical", text, re.I):
        return []
    return [Finding("nsaid.current_use", True, sentence, start, end, cue=drug)]


def _medication_lines(line: NoteLine) -> list[Finding]:
    out = []
    for _start, _end, name, drug in _drug_mentions(line.text):
        out += _nsaid(drug, line.text, line.text, line.start, line.end)
        med: dict[str, Any] = {"name": name, "drug": drug}
        since = _SINCE.search(line.text)
        if since and len(_drug_mentions(line.text)) == 1:
            iso = iso_date("/".join(since.groups()[-3:]))
            if iso:
                med["first_noted"] = iso
        out.append(Finding("medications", med, line.text, line.start, line.end))
    return out


def _taking(s: Sentence, assessor: Assessor, targets: list[int]) -> list[Finding]:
    """"She has taken Norco 10/325 mg since 02/26/2015": a current medication, first noted on that date."""
    lead = _TAKING.search(s.text)
    if not lead:
        return []
    mentions = _drug_mentions(s.text)
    since = _SINCE.search(s.text)
    out = []
    for start, end, name, drug in mentions:
        if start < lead.start() or not assessor(s.text, start, end).affirmed:
            continue
        if _NOT_NOW.search(s.text, lead.end(), start):
            break  # "has taken tramadol since ..., after ibuprofen and naproxen failed": only tramadol is taken
        out += _nsaid(drug, s.text, s.text, s.start, s.end)
        med: dict[str, Any] = {"name": name, "drug": drug}
        if since and len(mentions) == 1:
            iso = iso_date("/".join(since.groups()[-3:]))
            if iso:
                med["first_noted"] = iso
        month = _SINCE_MONTH.search(s.text) if not since and len(mentions) == 1 else None
        if month and 1 <= int(month.group(1)) <= 12:
            med["first_noted"] = f"{month.group(2)}-{int(month.group(1)):02d}-01"  # "since 03/2016": its first day
            out += [_finding("request.first_noted", med["first_noted"], s, t, month.group(0)) for t in targets]
        out.append(_finding("medications", med, s))
    return out


def _scores(s: Sentence) -> tuple[float | None, float | None]:
    """The pain scores of a sentence without and with medication, read from each score's own with/without."""
    without = with_med = None
    for m in _SCORE.finditer(s.text):
        value = float(m.group(1))
        if not 0 <= value <= 10:
            continue
        w = _SCORE_WITH.match(s.text, m.end())
        if not w:
            continue
        if w.group(1) and without is None:
            without = value
        elif w.group(2) and with_med is None:
            with_med = value
    return without, with_med


def _num(value: float) -> float | int:
    return int(value) if value == int(value) else value


def _pain_and_relief(s: Sentence, targets: list[int]) -> list[Finding]:
    without, with_med = _scores(s)
    out = []
    if without is not None:
        out.append(_finding("pain.without_medication", _num(without), s))
    if with_med is not None:
        out.append(_finding("pain.with_medication", _num(with_med), s))
    if without is not None and with_med is not None and with_med < without:
        cue = f"pain {_num(without)}/10 without, {_num(with_med)}/10 with medication"
        out += [_finding("request.pain_relief", True, s, t, cue) for t in targets]
    return out


_CREDIT = re.compile(r"\b(?:with|on|from|because\s+of|thanks\s+to|using)\s+(?:the\s+|his\s+|her\s+|my\s+|current\s+|"
                     r"pain\s+)*(?:medications?|meds|medicines?|opioids?|narcotics?|analgesics?|it|them)\b|"
                     r"\b(?:medications?|meds|opioids?)\s+(?:allows?|enables?|help|helps|lets?)\b", re.I)


def _function_credit(s: Sentence, targets: list[int], named: bool, assessor: Assessor) -> list[Finding]:
    """A specific activity the medication makes possible: specific functional improvement from the drug."""
    m = _SPECIFIC_ADL.search(s.text)
    if not m and targets:
        b = _BOILERPLATE_FUNCTION.search(s.text)
        if b and assessor(s.text, b.start(), b.end()).affirmed and (named or _CREDIT.search(s.text)):
            return [_finding("request.function_boilerplate_only", True, s, t, b.group(0)) for t in targets]
    if not m or not targets or not assessor(s.text, m.start(), m.end()).affirmed:
        return []
    if not (named or _CREDIT.search(s.text)):
        return []
    out = [_finding("request.functional_improvement", True, s, t, m.group(0).strip()) for t in targets]
    out += [_finding("request.function_boilerplate_only", False, s, t, m.group(0).strip()) for t in targets]
    out.append(_finding("function.specific_adl_gains", True, s))
    out.append(_finding("function.adl_gains", m.group(0).strip(), s))
    return out


_ASSESSMENT_PARTS = {
    "current": re.compile(r"\b(?:current(?:ly)?|today|now|present)\b[^.;]{0,25}?\d{1,2}\s*/\s*10", re.I),
    "least": re.compile(r"\bleast\b[^.;]{0,25}?\d{1,2}\s*/\s*10", re.I),
    "average": re.compile(r"\baverage\b[^.;]{0,25}?\d{1,2}\s*/\s*10", re.I),
    "after": re.compile(r"\b(?:after\s+(?:taking|the\s+dose|a\s+dose|each\s+dose|it)|with\s+(?:the\s+)?(?:dose|"
                        r"medications?|norco|opioids?))\b[^.;]{0,30}?\d{1,2}\s*/\s*10|\d{1,2}\s*/\s*10\s+"
                        r"(?:after|with)\b", re.I),
    "onset": re.compile(r"\b(?:onset\s+of\s+relief|takes?\s+(?:about\s+)?\d+\s*(?:minutes?|min)\s+to\s+"
                        r"(?:work|take\s+effect)|relief\s+(?:begins|starts|within)|time\s+to\s+(?:onset|relief))",
                        re.I),
    "duration": re.compile(r"\b(?:relief\s+lasts|lasts?\s+(?:about\s+|for\s+)?\d+(?:\s*(?:-|to)\s*\d+)?\s*hours?|"
                           r"duration\s+of\s+(?:pain\s+)?relief)", re.I),
}


def _pain_assessment(text: str, sentences: list[tuple[Sentence, NoteSection]]) -> list[Finding]:
    """Current, least and average pain, pain after the dose, time to relief and how long it lasts, all
    documented in the note: a complete pain assessment (evidence: the sentences that give them)."""
    found: dict[str, Sentence] = {}
    for s, section in sentences:
        if section.kind in PLAN_KINDS or not s.factual:
            continue
        for part, pattern in _ASSESSMENT_PARTS.items():
            if part not in found and pattern.search(s.text):
                found[part] = s
    if len(found) < len(_ASSESSMENT_PARTS):
        return []
    first = min(found.values(), key=lambda s: s.start)
    last = max(found.values(), key=lambda s: s.end)
    said = text[first.start:last.end].replace("\n", " ")
    return [Finding("pain.assessment_complete", True, said, first.start, last.end,
                    cue="current, least, average, after the dose, onset, duration")]


_INSTRUMENT = re.compile(
    r"\b(Oswestry(?:\s+Disability\s+Index)?|ODI|Neck\s+Disability\s+Index|NDI|Pain\s+Disability\s+Index|PDI|"
    r"Brief\s+Pain\s+Inventory|BPI|PEG(?:\s+scale)?|DASH|QuickDASH|WOMAC|Roland[\s-]+Morris)\b"
    r"(?:\s+(?:score|index))?\s*(?:is|was|of|:|=|today)?\s*(?:score\s+)?(\d{1,3}(?:\.\d)?)\s*(%|/\s*\d+|points?)?",
    re.I)
_EARLIER = re.compile(r"\b(?:from|down\s+from|improved\s+from|was|compared\s+(?:with|to)|previously|baseline)\b"
                      r"[^.;]{0,30}?(\d{1,3}(?:\.\d)?)", re.I)


def _instrument(s: Sentence, report_date: str | None) -> list[Finding]:
    m = _INSTRUMENT.search(s.text)
    if not m:
        return []
    name = re.sub(r"\s+", " ", m.group(1))
    score = float(m.group(2))
    out = [_finding("function.instrument", name, s), _finding("function.instrument_score", _num(score), s)]
    if report_date:
        out.append(_finding("function.instrument_date", report_date, s, cue="scored at this visit"))
    earlier = _EARLIER.search(s.text, m.end())
    if earlier:
        before = float(earlier.group(1))
        improved = score < before  # every instrument read here scores disability: lower is better
        out.append(_finding("function.measured_improvement", improved, s, cue=f"{_num(before)} to {_num(score)}"))
    return out


_PRN_FREQUENCY = re.compile(
    r"\b(?:takes?|taking|uses?|using|needs?)\s+(?:it|them|\w+)?\s*(?:about\s+|approximately\s+|on\s+average\s+)?"
    r"(?:\d+|one|two|three|four|five|once|twice)(?:\s*(?:-|to)\s*\d+)?\s*(?:times?|tablets?|tabs?|pills?|doses?)?"
    r"\s*(?:a|per|each)\s+(?:day|week)|\b(?:\d+|one|two|three|four)\s+(?:tablets?|tabs?|pills?|doses?)\s+"
    r"(?:a|per)\s+day\s+on\s+average",
    re.I)


def _prn_frequency(s: Sentence, targets: list[int], requests: list[dict[str, Any]]) -> list[Finding]:
    m = _PRN_FREQUENCY.search(s.text)
    if not m:
        return []
    return [_finding("request.prn_frequency_documented", True, s, t, m.group(0)) for t in targets
            if requests[t].get("prn")]


#: Drug classes whose relief, function, side effects and aberrant behaviour a note's "my medications" speaks of
_PAIN_CLASS = {c: True for c in ("opioid", "muscle_relaxant", "benzodiazepine", "antiepileptic", "antidepressant",
                                 "nsaid", "topical_nsaid", "topical_lidocaine", "topical_analgesic",
                                 "compounded_topical", "sedative_hypnotic")}


def _drug_class(request: dict[str, Any]) -> str | None:
    info = _catalog().ingredient(request["drug"]) if request.get("drug") else None
    return info.drug_class if info is not None else None


#: Request facts only a sentence naming the drug can state.
_DRUG_SPECIFIC = frozenset({"request.continuing", "request.first_noted", "request.trial", "request.long_term_use",
                            "request.start_date_known"})


_NO_SIDE_EFFECTS = re.compile(
    r"\b(?:denies|denied|no|without|free\s+of)\s+(?:any\s+)?(?:side\s+effects|adverse\s+effects|constipation|"
    r"nausea|sedation|drowsiness|somnolence|dizziness)\b", re.I)
_NO_ABERRANT = re.compile(
    r"\b(?:no|denies|without)\s+(?:signs?\s+of\s+|evidence\s+of\s+|concerns?\s+(?:for|of|about)\s+)?"
    r"(?:misuse|diversion|abuse|aberrant|drug[\s-]seeking|early\s+refills?)\b", re.I)


def _none_of(s: Sentence, targets: list[int]) -> list[Finding]:
    """"She denies constipation, nausea or sedation", "No signs of misuse or diversion": asked, and absent."""
    out: list[Finding] = []
    m = _NO_SIDE_EFFECTS.search(s.text)
    if m and not _SIDE_EFFECT_PRESENT.search(s.text):
        out += [_finding("request.adverse_effects_assessed", True, s, t, m.group(0)) for t in targets]
        out += [_finding("request.side_effects_documented", False, s, t, m.group(0)) for t in targets]
    m = _NO_ABERRANT.search(s.text)
    if m:
        out += [_finding("request.aberrant_behavior_assessed", True, s, t, m.group(0)) for t in targets]
        out += [_finding("request.aberrant_behavior", False, s, t, m.group(0)) for t in targets]
    return out


_SIDE_EFFECT_PRESENT = re.compile(r"\b(?:reports?|reported|has|having|complains?\s+of|with)\s+(?:\w+\s+){0,2}?"
                                  r"(?:constipation|nausea|sedation|drowsiness|dizziness|somnolence)\b", re.I)


_FAILED_AFTER = re.compile(r"[^.;]{0,30}?\b(?:failed|did\s+not\s+(?:help|work|control|relieve)|"
                           r"(?:were|was)\s+(?:not\s+effective|ineffective))\b", re.I)
_NO_RELIEF_AFTER = re.compile(r"[^.;]{0,60}?\b(?:without\s+(?:adequate\s+|significant\s+|much\s+)?relief|no\s+relief|"
                              r"(?:little|minimal)\s+relief)\b", re.I)


def _tried(s: Sentence) -> list[Finding]:
    """"after ibuprofen and naproxen failed": an NSAID tried, and first-line treatment failed; "has taken naproxen
    ... without adequate relief": an NSAID tried."""
    for _start, end, _name, drug in _drug_mentions(s.text):
        info = _catalog().ingredient(drug)
        if info is None or info.drug_class != "nsaid":
            continue
        failed = _FAILED_AFTER.match(s.text, end)
        if failed:
            return [_finding("prior_treatment.nsaid_tried", True, s, cue=failed.group(0).strip()),
                    _finding("prior_treatment.first_line_failed", True, s, cue=failed.group(0).strip())]
        relief = _NO_RELIEF_AFTER.match(s.text, end)
        if relief:
            return [_finding("prior_treatment.nsaid_tried", True, s, cue=relief.group(0).strip())]
    return []


def _current_drugs(text: str, sentences: list[tuple[Sentence, NoteSection]], assessor: Assessor) -> set[str]:
    """Drugs the note shows the patient taking: named, affirmed, outside the plan."""
    drugs: set[str] = set()
    for s, section in sentences:
        if section.kind in PLAN_KINDS:
            continue
        for start, end, _name, drug in _drug_mentions(s.text):
            a = assessor(s.text, start, end)
            if a.affirmed or a.historical:
                drugs.add(drug)
    return drugs


def _request_line_findings(requests: list[dict[str, Any]], lines: list[NoteLine | None],
                           current: set[str]) -> list[Finding]:
    out = []
    for index, (request, line) in enumerate(zip(requests, lines, strict=False)):
        if line is None or request.get("kind") != "drug":
            continue
        raw = line.text.strip()
        if _CONTINUE_VERB.match(raw):
            out.append(Finding("request.continuing", True, raw, line.start, line.end, index, raw.split()[0]))
        elif _START_VERB.match(raw):
            out.append(Finding("request.continuing", False, raw, line.start, line.end, index, raw.split()[0]))
            out.append(Finding("request.trial", True, raw, line.start, line.end, index, raw.split()[0]))
        elif request.get("drug") in current:
            out.append(Finding("request.continuing", True, raw, line.start, line.end, index,
                               "taken before this visit (named outside the plan)"))
    return out


def note_findings(text: str, sections: list[NoteSection], requests: list[dict[str, Any]],
                  request_lines: list[NoteLine | None], assessor: Assessor) -> list[Finding]:
    """Every fact found in the note, in priority order (first wins for a scalar fact)."""
    sentences = note_sentences(text, sections)
    current = _current_drugs(text, sentences, assessor)
    out: list[Finding] = _labels(text)
    out += _request_line_findings(requests, request_lines, current)
    drug_requests = [i for i, r in enumerate(requests) if r.get("kind") == "drug"]
    current_requests = [i for i in drug_requests if _PAIN_CLASS.get(_drug_class(requests[i]))
                        and (requests[i].get("drug") in current
                             or any(f.request == i and f.fact == "request.continuing" and f.value for f in out))]
    for section in sections:
        if section.kind == "diagnoses":
            out += [f for line in note_lines(text, section) if (f := _diagnosis(line)) is not None]
        elif section.kind == "medications":
            out += [f for line in note_lines(text, section) for f in _medication_lines(line)]
        elif section.kind == "assessment_plan":
            out += _assessment_diagnoses(text, section, request_lines)
    out += _pain_assessment(text, sentences)
    report = next((f.value for f in out if f.fact == "report_date"), None)
    previous: Sentence | None = None
    context = requested(requests)
    for s, section in sentences:
        if not s.factual:
            continue
        named = [t for t in request_targets(s, requests) if t in drug_requests]
        targets = named or (current_requests if _ABOUT_MEDICATIONS.search(s.text) else [])
        if section.kind in PLAN_KINDS:  # what is planned is not yet a fact: only what it says of the requests
            out += [f for f in sentence_findings(s, None, requests, assessor, targets) if f.request is not None]
            continue
        paired = _pain_and_relief(s, targets)
        out += paired
        out += _instrument(s, report)
        out += _prn_frequency(s, targets, requests)
        out += _function_credit(s, targets, bool(named), assessor)
        out += _taking(s, assessor, named)
        out += _none_of(s, targets)
        out += _tried(s)
        out += _demographics(s)
        found = sentence_findings(s, None, requests, assessor, targets)
        scored = {f.value for f in paired if f.fact in ("pain.with_medication", "pain.without_medication")}
        found = [f for f in found if not (f.fact == "pain.current" and f.value in scored)]  # "7/10 on meds"
        if not named:  # a sentence about "the medications" says nothing of when one drug was started
            found = [f for f in found if f.request is None or f.fact not in _DRUG_SPECIFIC]
        out += found
        out += program_findings(s, previous, assessor, context)
        previous = s
    out += _pronoun_sex([s for s, _ in sentences])
    return _recent_injury_only(out)  # a fracture or crush is a severe acute injury only within 13 weeks
