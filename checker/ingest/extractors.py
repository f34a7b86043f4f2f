"""Per-sentence fact extractors: concepts with assertion status, pain scores, work status, diagnoses,
medications and the facts about each requested drug (first noted, continuing, relief, function)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from checker.facts.catalog import DrugCatalog, default_catalog
from checker.facts.derived import GI_RISK_AGENTS
from checker.ingest.findings import Assessor, Finding
from checker.ingest.findings import finding as _finding
from checker.ingest.letter import Letter
from checker.ingest.sentences import Sentence
from checker.ingest.service_facts import service_findings
from checker.ingest.surgery_facts import surgery_findings
from checker.ingest.vocab import (
    ANY_DATE,
    BOOLEAN_CONCEPTS,
    DATE_RE,
    UDS,
    Concept,
    date_of,
    diagnosis_categories,
    has_category,
    iso_date,
)

__all__ = ["sentence_findings", "request_targets"]


@cache
def _catalog() -> DrugCatalog:
    return default_catalog()


# class words a reviewer uses for the drugs a sentence is about ("using NSAIDs for several months")
_CLASS_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("nsaid", re.compile(r"\bNSAIDs?\b|\bnon-?\s*steroidal\s+anti-?\s*inflammator|\banti-?\s*inflammator", re.I)),
    ("opioid", re.compile(r"\bopioids?\b|\bopiates?\b|\bnarcotics?\b", re.I)),
    ("muscle_relaxant", re.compile(r"\bmuscle\s+relaxants?\b", re.I)),
    ("benzodiazepine", re.compile(r"\bbenzodiazepines?\b", re.I)),
    ("ppi", re.compile(r"\bproton\s+pump\s+inhibitors?\b|\bPPIs?\b", re.I)),
)


def _about_another_drug(text: str, request: dict[str, Any]) -> bool:
    """The sentence names drugs, none of them the requested one: its facts are about those drugs."""
    drug = request.get("drug")
    if not drug:
        return False
    mentions = {m.entry.principal for m in _catalog().find(text)}
    if drug in mentions:
        return False
    info = _catalog().ingredient(drug)
    own = info.drug_class if info is not None else None
    classes = {name for name, pattern in _CLASS_WORDS if pattern.search(text)}
    if own in classes:
        return False
    return bool(mentions or classes)


def request_targets(s: Sentence, requests: list[dict[str, Any]]) -> list[int]:
    """Requests a sentence speaks about: its item's rationale (unless it is about other drugs only), or the
    requests whose drug it names."""
    if s.section == "rationale" and s.item is not None and s.item < len(requests):
        return [] if _about_another_drug(s.text, requests[s.item]) else [s.item]
    drugs = {ing for m in _catalog().find(s.text) for ing in m.entry.ingredients[:1]}
    return [i for i, r in enumerate(requests) if r.get("drug") and r["drug"] in drugs]


def _drug_mentions(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, name as written, principal generic) for every drug name in ``text``."""
    return [(m.start, m.end, m.text, m.entry.principal) for m in _catalog().find(text)]


# ---------------------------------------------------------------------------------------------
# Concepts
# ---------------------------------------------------------------------------------------------


#: \1, (?P=name), (?(1)...) (not an escaped "\(?(?:"): group numbers shift when patterns are joined
_GROUP_REFERENCE = re.compile(r"\\\d|\(\?P=|(?<!\\)(?:\\\\)*\(\?\(")
_GATES: dict[int, tuple[tuple[Concept, ...], re.Pattern[str] | None]] = {}


def _gate(concepts: tuple[Concept, ...]) -> re.Pattern[str] | None:
    """One pattern found in a text exactly when one of the concepts' patterns is (their alternation), or None
    when they cannot be joined as they are (different flags, verbose, group references, clashing group names)."""
    entry = _GATES.get(id(concepts))
    if entry is not None and entry[0] is concepts:
        return entry[1]
    gate = None
    flags = {c.pattern.flags for c in concepts}
    sources = [c.pattern.pattern for c in concepts]
    if len(flags) == 1 and not next(iter(flags)) & re.VERBOSE and not any(map(_GROUP_REFERENCE.search, sources)):
        # The word-start assertion every vocab pattern opens with, tested once per position for all of them
        # (a zero-width test at the same place whichever alternative follows), when no pattern is an alternation
        # at its top level (there it would bind only the first branch).
        shared = _WORD_START if all(source.startswith(_WORD_START) and _one_branch(source[len(_WORD_START):])
                                    for source in sources) else ""
        alternatives = "|".join(f"(?:{source[len(shared):]})" for source in sources)
        try:
            gate = re.compile(f"{shared}(?:{alternatives})", flags.pop())
        except re.error:
            gate = None
    _GATES[id(concepts)] = (concepts, gate)
    return gate


_WORD_START = r"(?<![\w-])"  # as :func:`checker.ingest.vocab._p` opens its patterns


def _one_branch(source: str) -> bool:
    """No ``|`` outside parentheses and character classes (False where unsure: a class opening with ``]``)."""
    if "[]" in source or "[^]" in source:
        return False
    depth, i, in_class = 0, 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            return False
        i += 1
    return True


def _concepts(s: Sentence, assessor: Assessor, targets: list[int],
              concepts: tuple[Concept, ...] = BOOLEAN_CONCEPTS) -> list[Finding]:
    out: list[Finding] = []
    gate = _gate(concepts)
    if gate is not None and gate.search(s.text) is None:  # most sentences name none of the concepts
        return out
    for concept in concepts:
        if concept.rationale_only and s.section != "rationale":
            continue
        for m in concept.pattern.finditer(s.text):
            a = assessor(s.text, m.start(), m.end())
            if a.negated:
                value = concept.when_negated
            elif a.uncertain or (a.hypothetical and not concept.hypothetical_counts) or (
                    a.historical and not concept.history_counts):
                continue
            else:
                value = concept.when_affirmed
            if value is None:
                break
            for fact in concept.facts:
                if fact.startswith("request."):
                    out.extend(_finding(fact, value, s, t, a.cue) for t in targets)
                else:
                    out.append(_finding(fact, value, s, None, a.cue))
            break
    return out


# ---------------------------------------------------------------------------------------------
# Pain scores
# ---------------------------------------------------------------------------------------------

_SCORE = re.compile(
    r"(?<![\d/.])(\d{1,2}(?:\.\d)?)(?:\s*(?:-|to)\s*(\d{1,2}(?:\.\d)?))?\s*(?:/\s*10|out\s+of\s+10|on\s+a\s+scale\s+of\s+"
    r"(?:0|1)\s*-?\s*(?:to\s+)?10)(?![\d/])"
    r"|(?:pain|rated|reported|VAS|score)\s+(?:is\s+|was\s+|as\s+|of\s+)?(?:at\s+|as\s+)?(\d{1,2}(?:\.\d)?)(?=\s+(?:with|without)\b)",
    re.I,
)
_WITH = re.compile(
    r"\bwith(?:\s+(?:the\s+)?(?:use\s+of\s+)?(?:his|her|current|pain)?\s*)(?:medications?|meds|"
    r"medicine|opioids?|norco|analgesics?)\b|\bmedicated\b|\bafter\s+(?:taking\s+)?(?:the\s+)?medications?",
    re.I,
)
_WITHOUT = re.compile(
    r"\bwithout(?:\s+(?:the\s+)?(?:use\s+of\s+)?(?:his|her|pain)?\s*)(?:medications?|meds|medicine|"
    r"opioids?|norco|analgesics?)\b|\bunmedicated\b|\bbefore\s+(?:taking\s+)?(?:the\s+)?medications?",
    re.I,
)
_FROM_TO = re.compile(
    r"from\s+(?:a\s+)?(\d{1,2}(?:\.\d)?)\s*(?:/\s*10)?\s+(?:down\s+)?to\s+(?:a\s+)?(\d{1,2}(?:\.\d)?)"
    r"\s*(?:/\s*10)?",
    re.I,
)
# a score reached on movement or activity is not the pain at rest: "increase to 5/10 with movement"
_ACTIVITY_SCORE = re.compile(r"\s*(?:with|on|during|upon)\s+(?:movement|motion|activit(?:y|ies)|walking|standing|"
                             r"sitting|exertion|use)\b", re.I)
_LEAST = re.compile(r"\bleast\b", re.I)
_AVERAGE = re.compile(r"\baverage\b", re.I)
_PAIN_WORD = re.compile(r"\bpain|\bVAS\b|\bNRS\b|rated|scale", re.I)


def _score(m: re.Match[str]) -> float | None:
    low, high, alone = m.group(1), m.group(2), m.group(3)
    raw = alone or high or low
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    if not 0 <= value <= 10:
        return None
    return int(value) if value == int(value) else value


def _pain(s: Sentence) -> list[Finding]:
    text = s.text
    if not _PAIN_WORD.search(text):
        return []
    out: list[Finding] = []
    ft = _FROM_TO.search(text)
    if ft and (_WITH.search(text) or re.search(r"medication|norco|opioid|relief", text, re.I)):
        a, b = float(ft.group(1)), float(ft.group(2))
        if 0 <= b < a <= 10:
            out.append(_finding("pain.without_medication", _num(a), s))
            out.append(_finding("pain.with_medication", _num(b), s))
            return out
    scores = list(_SCORE.finditer(text))
    for m in scores:
        value = _score(m)
        if value is None:
            continue
        after = text[m.end() : m.end() + 45]
        before = text[max(0, m.start() - 45) : m.start()]
        clause_after = re.split(r"[;,]|\band\b", after, maxsplit=1)[0]
        clause_before = re.split(r"[;,]|\band\b", before)[-1]
        if _WITHOUT.search(clause_after) or _WITHOUT.search(clause_before):
            out.append(_finding("pain.without_medication", value, s))
        elif _WITH.search(clause_after) or _WITH.search(clause_before):
            out.append(_finding("pain.with_medication", value, s))
        elif _LEAST.search(clause_before):
            out.append(_finding("pain.least", value, s))
        elif _AVERAGE.search(clause_before):
            out.append(_finding("pain.average", value, s))
        elif not re.search(r"\b(?:worst|highest|at\s+best|goal|previous|prior|increas\w*\s+to|up\s+to|flares?\s+to)\b",
                           clause_before, re.I) and not _ACTIVITY_SCORE.match(after):
            out.append(_finding("pain.current", value, s))
    return out


def _num(value: float) -> float | int:
    return int(value) if value == int(value) else value


# ---------------------------------------------------------------------------------------------
# Work status
# ---------------------------------------------------------------------------------------------

_WORK: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "temporarily_totally_disabled",
        re.compile(
            r"temporar(?:il)?y\s+(?:and\s+)?total(?:ly)?\s+disab|\bTTD\b|temporarily\s+very\s+disabled|"
            r"total(?:ly)?\s+temporar(?:il)?y\s+disab",
            re.I,
        ),
    ),
    ("retired", re.compile(r"\bretired\b", re.I)),
    (
        "not_working",
        re.compile(
            r"\b(?:is|was|remains|has\s+been)\s+(?:currently\s+)?(?:not\s+(?:currently\s+)?working|off\s+(?:of\s+)?work|"
            r"unemployed)|\bnot\s+(?:currently\s+)?working\b|\bhas\s+not\s+(?:yet\s+)?returned\s+to\s+work|\boff\s+work\b|"
            r"\bunemployed\b|\bno\s+longer\s+working|\b(?:unable|inability)\s+to\s+work\b",
            re.I,
        ),
    ),
    (
        "modified_duty",
        re.compile(
            r"modified\s+(?:work\s+)?duty|light\s+duty|modified\s+work|with\s+(?:work\s+)?restrictions|"
            r"working\s+(?:on\s+)?(?:a\s+)?(?:limited|part[\s-]*time|modified|restricted)\s*(?:basis|duty|capacity)?|"
            r"restricted\s+duty|returned\s+to\s+(?:work\s+)?(?:with|on)\s+(?:restrictions|modified)",
            re.I,
        ),
    ),
    (
        "full_duty",
        re.compile(
            r"full\s+duty|regular\s+duty|without\s+restrictions|full[\s-]*time\s+(?:work|duty)|"
            r"working\s+full[\s-]*time|returned\s+to\s+(?:full|regular|usual)\s+(?:work|duty)|\bis\s+(?:currently\s+)?"
            r"working\b(?!\s+(?:on|with|at\s+a|modified|light|part|limited))",
            re.I,
        ),
    ),
)


def _work_status(s: Sentence, assessor: Assessor) -> list[Finding]:
    for status, pattern in _WORK:
        m = pattern.search(s.text)
        if not m:
            continue
        if status not in ("not_working",):
            a = assessor(s.text, m.start(), m.end())
            if not a.affirmed:
                continue
        return [_finding("work_status", status, s)]
    return []


# ---------------------------------------------------------------------------------------------
# Diagnoses
# ---------------------------------------------------------------------------------------------

_DX_LEAD = re.compile(
    r"(?:undergoing\s+treatments?\s+for|being\s+treated\s+for)\s*(?:the\s+diagnos(?:es|is)\s+of\s+)?|(?:diagnos(?:es|is|ed)|dx)\s*(?:(?:has|have|had)\s+)?(?:been\s+)?(?:included?|includes|are|is|was|were|"
    r"documented\s+as|listed\s+as|consist\s+of|as|with|of)?\s*:?\s*(?:as\s+|with\s+|of\s+)?",
    re.I,
)


# ICD-10 wording "strain of muscle, fascia and tendon of ..." names a strain, not a tendinopathy
_MUSCLE_FASCIA_TENDON = re.compile(r"\bmuscles?,?\s+fascia,?\s+and\s+tendons?\b", re.I)
# a diagnosis to be ruled out or only suspected is no diagnosis
_DX_HEDGE = re.compile(r"\b(?:rule\s+out|r/o|possible|probable|suspected|questionable)\b.*", re.I)


def _split_dx(body: str) -> list[str]:
    body = _MUSCLE_FASCIA_TENDON.sub("muscle", body)
    body = re.sub(r"\s*\d{1,2}[.)]\s*(?=[A-Za-z])", "; ", body)
    parts = body.split(";") if ";" in body else re.split(r",\s*(?:and\s+)?|\s+and\s+", body)
    out: list[str] = []
    for part in parts:
        part = re.sub(r"^\s*(?:and|or)\s+", "", part).strip(" .,:")
        if not part:
            continue
        if out and not has_category(part) and len(part.split()) <= 3 and ";" not in body:
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return [p for p in out if 2 < len(p) < 160]


def _diagnoses(s: Sentence) -> list[Finding]:
    m = _DX_LEAD.search(s.text)
    if not m or re.search(
        r"\b(?:no|not|without|rule\s+out|r/o|unclear)\b", s.text[max(0, m.start() - 25) : m.start()], re.I
    ):
        return []
    body = s.text[m.end() :]
    body = re.split(r"\.\s|\s(?:Treatments?|Medications?|He|She|The\s+(?:injured|patient))\b", body)[0]
    out = []
    for text in _split_dx(body):
        text = _DX_HEDGE.sub("", text).strip(" ,;:")
        if not text:
            continue
        if re.match(r"(?:the|a|an|this|that|which|he|she|on|in)\b", text, re.I) and not has_category(text):
            continue
        out.append(_finding("diagnoses", {"text": text, "categories": diagnosis_categories(text)}, s))
    return out


# ---------------------------------------------------------------------------------------------
# Medications and request facts
# ---------------------------------------------------------------------------------------------

_MED_LIST = re.compile(
    r"\b(?:medi?cations?|mediations?|meds|medication\s+regimen|prescriptions?)\s+(?:(?:have|has|had)\s+)?(?:included?|includes|"
    r"include|are|were|consist(?:s|ed)?\s+of|list(?:ed)?|:)|\b(?:is|was|has\s+been|been|remains?)\s+(?:currently\s+|"
    r"chronically\s+|previously\s+)?(?:taking|on|using|prescribed|utilizing)\b|\bcurrent(?:ly)?\s+(?:taking|on|using|"
    r"prescribed)\b|\bmedications?\s*:|\bmedication\s+regimen\b(?:[^.;]{0,40}?\b(?:included?|includes)\b|\s+of\b)|"
    r"\btreatments?\s+(?:to\s+date\s+)?(?:has\s+|have\s+)?(?:included?|includes)\b|"
    r"\bmedications?\s+(?:therapy\s+)?including\b|\b(?:prior|previous)\s+(?:usage|use)\s+of\b|"
    r"\b(?:was|were)\s+(?:changed|switched)\s+to\b",
    re.I,
)
_SINCE = re.compile(
    r"(?:since\s+(?:at\s+least\s+)?|as\s+(?:far\s+back|early)\s+as\s+|dating\s+back\s+to\s+|first\s+(?:noted|documented|"
    r"mentioned|prescribed|seen)\s+(?:in|on|as\s+of)?\s*(?:the\s+)?(?:\w+\s+){0,4}?(?:dated|of|on|from)?\s*)" + DATE_RE,
    re.I,
)
_SINCE_MONTH = re.compile(
    r"since\s+(?:at\s+least\s+)?(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s*,?\s*(\d{4})",
    re.I,
)
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_CONTINUING = re.compile(
    r"\b(?:has\s+been|had\s+been|have\s+been|was|is|remains?)\s+(?:\w+\s+){0,2}?(?:taking|on|using|utilizing|prescribed)"
    r"|\bcurrent(?:ly)?\s+(?:taking|on|using|prescribed)|\bcontinu(?:e|ed|es|ing|ation)\b(?!\s+(?:to\s+)?(?:have\s+|report\w*\s+|complain\w*\s+(?:of\s+)?)?(?:\w+\s+)?"
    r"(?:pain|complaints?|symptoms?|spasms?|tenderness|difficult\w*))|(?<!with\s)(?<!one\s)(?<!two\s)(?<!\d\s)\brefills?\b(?!\s*(?:x\s*|:\s*)?\d)|"
    r"\b(?:ongoing|long[\s-]*term|chronic|prolonged|prior|previous|continued)\s+use\b|\bsince\s+at\s+least\b|"
    r"\bmedications?\s+(?:have\s+|has\s+)?(?:included?|includes)\b|\bcurrent\s+medications?\b|"
    r"\bprescribed\s+\w+\s+since\b|\bhas\s+been\s+(?:\w+\s+)?on\s+this\s+medication",
    re.I,
)
# earlier use of the drug itself ("previous use of Tramadol"): when the records do not show it, the drug is new
_PRIOR_USE = re.compile(r"\b(?:prior|previous|past)\s+(?:use|usage)\b", re.I)
_NEW = re.compile(
    r"\binitiat(?:e|ed|ing|ion)\b|\bnew\s+(?:prescription|medication|trial)\b|\btrial\s+(?:of|with)\b|\bfirst[\s-]+time\b|"
    r"\bnot\s+(?:previously|currently)\s+(?:taking|on|using|prescribed)\b|\bstart(?:ing)?\s+(?:a\s+)?(?:trial|"
    r"treatment)\b|\bnewly\s+prescribed\b",
    re.I,
)
_START_UNKNOWN = re.compile(
    r"unknown\s+(?:exactly\s+)?when\s+(?:the\s+patient\s+)?(?:\w+\s+){0,2}started|start(?:ing)?\s+date\s+(?:is\s+|was\s+)?"
    r"(?:unknown|unclear|not\s+(?:documented|provided|known))|unclear\s+when\s+(?:the\s+patient\s+)?(?:\w+\s+){0,2}"
    r"(?:started|began)|(?:duration|length)\s+of\s+(?:use|treatment|therapy)\s+(?:is\s+|was\s+)?(?:unknown|unclear|"
    r"not\s+(?:documented|provided|known))|when\s+(?:this|the)\s+medication\s+was\s+(?:started|initiated)\s+"
    r"(?:is|was)\s+(?:not|unknown)|(?:not\s+known|unknown|unclear)\s+when\s+(?:this|the)\s+(?:medication|drug)\s+was\s+"
    r"(?:first\s+)?(?:started|initiated|prescribed)",
    re.I,
)
_RELIEF = re.compile(
    r"pain\s+relief|relief|reduction\s+(?:in|of)\s+(?:pain|VAS)|decrease(?:d)?\s+(?:in\s+)?pain|"
    r"(?:pain|VAS)\s+(?:levels?\s+|scores?\s+)?(?:reduction|decrease|improvement)|analgesia\b|"
    r"analgesic\s+(?:effect|benefit|response|efficacy)|improvement\s+in\s+pain|"
    r"reduc(?:e|es|ed|ing)\s+(?:his\s+|her\s+|the\s+)?pain|helps?\s+(?:with\s+)?(?:the\s+)?pain|efficacy|effective(?:ness)?",
    re.I,
)
# relief credited to something other than the drug: an injection, therapy, "other non-opioid medications";
# or a sentence about the literature rather than the patient
_OTHER_RELIEF = re.compile(
    r"(?:with|from|after|following|by)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+)?(?:\w+\s+){0,3}?(?:injections?|ESI|"
    r"epidural|blocks?|physical\s+therapy|acupuncture|surgery|TENS|chiropractic|massage|ablation)\b|"
    r"\bother\s+(?:non-?\s*opioid\s+)?(?:medications?|treatments?|analgesics?)|"
    r"\b(?:studies|study|placebo|meta-?analys[ie]s|number\s+needed|confidence\s+interval|is\s+indicated\s+for|"
    r"are\s+indicated\s+for|FDA)\b",
    re.I,
)
_LONG_TERM = re.compile(
    r"\bchronically\s+(?:been\s+)?(?:on|taking|using|prescribed)|\b(?:long[\s-]*term|chronic|prolonged)\s+(?:use|usage)\s+"
    r"of\s+(?:this|the|these)\b|\bfor\s+an?\s+(?:extended|prolonged)\s+(?:duration|period)|\blong[\s-]*term\s+use\b",
    re.I,
)
_PERCENT = re.compile(
    r"(\d{1,3})\s*(?:%|percent)\s*(?:of\s+)?(?:pain\s+)?(?:relief|reduction|improvement|decrease|"
    r"less\s+pain|better)",
    re.I,
)
_QUANT = re.compile(r"\d\s*/\s*10|\d\s*(?:%|percent)|from\s+\d+(?:\.\d)?\s+to\s+\d", re.I)
_FUNCTION = re.compile(
    r"functional\s+(?:improvement|benefit|gains?|improvements?|status|restoration)|improve(?:d|ment|ments)?\s+(?:in\s+)?"
    r"(?:his\s+|her\s+|the\s+)?(?:function(?:ing|al\s+\w+)?|activities\s+of\s+daily\s+living|ADLs?|activity\s+level)|"
    r"increase(?:d)?\s+(?:in\s+)?(?:function|activity|ADLs?)|improve(?:d|s)?\s+(?:his\s+|her\s+)?(?:ability|tolerance)|"
    r"objective\s+(?:functional|function)|(?:function|ADLs?)\s+(?:improved|increased)",
    re.I,
)
_SPECIFIC_ADL = re.compile(
    r"(?:able\s+to|ability\s+to|can\s+now|allows?\s+(?:him|her|the\s+patient)\s+to|enables?\s+(?:him|her)\s+to|"
    r"tolerance\s+(?:for|to)|improved\s+(?:his|her)?\s*(?:ability\s+to)?)\s*(?:\w+\s+){0,3}?"
    r"(walk|stand|sit|sleep|cook|clean|drive|shop|lift|carry|bathe|dress|climb|garden|exercise|work|perform\s+household|"
    r"do\s+(?:household|house|chores|laundry|yard)|perform\s+(?:his|her)\s+(?:job|work|duties))\w*"
    r"(?:[^.;]{0,40}?\b\d+\s*(?:minutes?|hours?|blocks?|miles?|feet|lbs?|pounds?))?",
    re.I,
)
_BOILERPLATE_FUNCTION = re.compile(
    r"\b(?:4|four)\s+A'?s\b|improve(?:d|s|ment\s+in)?\s+(?:his\s+|her\s+)?(?:ADLs?|activities\s+of\s+daily\s+living|"
    r"function(?:ing|al\s+status)?|quality\s+of\s+life)\b(?!\s+(?:such\s+as|including|as\s+evidenced|by|for|of\s+\w+ing))|"
    r"adequate\s+analgesia|(?:allows?|helps?)\s+(?:him|her|the\s+patient)\s+to\s+(?:function|be\s+functional|"
    r"perform\s+(?:his|her)?\s*ADLs?)\b",
    re.I,
)
_SIDE_EFFECTS_NONE = re.compile(
    r"\b(?:no|denies|denied|without|free\s+of)\s+(?:any\s+)?(?:adverse\s+|side\s+)"
    r"(?:effects?|events?)",
    re.I,
)
_SIDE_EFFECTS_SOME = re.compile(
    r"\b(?:side\s+effects?|adverse\s+effects?)\s+(?:include|including|of|such\s+as)\s+"
    r"(?!any\b)\w+|\b(?:reports?|reported|experienc\w+|complain\w*\s+of)\s+(?:\w+\s+){0,2}?"
    r"(?:side\s+effects?|drowsiness|sedation|constipation|dizziness)",
    re.I,
)
_ABERRANT_NONE = re.compile(
    r"\b(?:no|denies|without|free\s+of)\s+(?:signs?\s+of\s+|evidence\s+of\s+)?(?:any\s+)?"
    r"(?:aberrant|drug[\s-]*seeking)\s+(?:drug[\s-]*(?:taking|related|seeking)\s+)?behaviou?rs?",
    re.I,
)
_ABERRANT_SOME = re.compile(
    r"\b(?:early\s+refills?|lost\s+(?:prescriptions?|medications?)|multiple\s+prescribers|"
    r"doctor\s+shopping|(?:inconsistent|aberrant)\s+(?:urine\s+)?(?:drug\s+)?(?:screen|results|"
    r"behaviou?r))",
    re.I,
)
_SURGERY = re.compile(
    r"(?:underwent|status\s+post|s/p|had|surgery|surgical|operative|procedure)[^.;]{0,80}?(?:on|dated|in)\s+" + DATE_RE,
    re.I,
)
_MECHANISM = re.compile(
    r"mechanism\s+of\s+(?:the\s+)?injury\s+(?:is|was)\s+(?:detailed|described|reported|documented|noted|listed)?\s*"
    r"(?:as\s+)?(?:an?\s+|the\s+)?([^.;]{3,80})|(?:injur(?:ed|y)|hurt)\s+(?:\w+\s+){0,4}?(?:while|when|after|from|due\s+to)"
    r"\s+([^.;]{3,80})",
    re.I,
)


def _medications(s: Sentence, assessor: Assessor) -> list[Finding]:
    lead = _MED_LIST.search(s.text)
    if not lead:
        return []
    out = []
    since = _SINCE.search(s.text)
    since_iso = iso_date("/".join(since.groups()[-3:])) if since else None
    for start, end, name, drug in _drug_mentions(s.text):
        if start < lead.start() - 5 and not re.search(r"\b(?:is|was|has\s+been|been)\b", s.text[lead.start() :], re.I):
            continue
        a = assessor(s.text, start, end)
        if a.negated or a.hypothetical or a.uncertain:
            continue
        med: dict[str, Any] = {"name": name, "drug": drug}
        if since_iso and len(_drug_mentions(s.text)) == 1:
            med["first_noted"] = since_iso
        out.append(_finding("medications", med, s))
    return out


def _first_noted(s: Sentence) -> str | None:
    m = _SINCE.search(s.text)
    if m:
        return iso_date("/".join(m.groups()[-3:]))
    m = _SINCE_MONTH.search(s.text)
    if m:
        return f"{int(m.group(2)):04d}-{_MONTHS.index(m.group(1).lower()) + 1:02d}-01"
    return None


def _request_facts(s: Sentence, targets: list[int], assessor: Assessor) -> list[Finding]:
    if not targets:
        return []
    out: list[Finding] = []
    text = s.text

    def add(fact: str, value: Any, cue: str | None = None) -> None:
        out.extend(_finding(fact, value, s, t, cue) for t in targets)

    first = _first_noted(s)
    if first:
        add("request.first_noted", first)
        add("request.continuing", True)
    if _START_UNKNOWN.search(text):
        add("request.start_date_known", False, _START_UNKNOWN.search(text).group(0))
        add("request.continuing", True)
    m = _NEW.search(text)
    a = assessor(text, m.start(), m.end()) if m else None
    if m and a and not (a.negated or a.uncertain):  # "it is unclear if this is a first-time request" is no trial
        add("request.trial", True, m.group(0))
        add("request.continuing", False, m.group(0))
    m = _PRIOR_USE.search(text)
    if m and not first and assessor(text, m.start(), m.end()).negated:  # "do not document previous use of Tramadol"
        add("request.continuing", False, m.group(0))
    m = _CONTINUING.search(text)
    if m and not first:
        a = assessor(text, m.start(), m.end())
        if not (a.negated or a.uncertain) and not re.search(r"not\s+provided|unknown|not\s+documented", text, re.I):
            add("request.continuing", True, m.group(0))
    m = _LONG_TERM.search(text)
    if m:
        a = assessor(text, m.start(), m.end())
        if a.affirmed or (a.historical and not a.negated):
            add("request.long_term_use", True, m.group(0))
        elif a.negated:
            add("request.long_term_use", False, a.cue)
    pm = _PERCENT.search(text)
    other_relief = _OTHER_RELIEF.search(text)
    if pm and 0 <= int(pm.group(1)) <= 100 and not other_relief:
        a = assessor(text, pm.start(), pm.end())
        if a.affirmed:
            add("request.pain_relief_percent", int(pm.group(1)))
            add("request.pain_relief", True)
    for m in _RELIEF.finditer(text if not other_relief else ""):
        a = assessor(text, m.start(), m.end())
        if a.negated:
            add("request.pain_relief", False, a.cue)
            break
        if a.affirmed and _QUANT.search(text):
            add("request.pain_relief", True)
            break
    for m in _FUNCTION.finditer(text):
        a = assessor(text, m.start(), m.end())
        if a.negated:
            add("request.functional_improvement", False, a.cue)
            break
        if a.affirmed and _SPECIFIC_ADL.search(text):
            add("request.functional_improvement", True)
            break
        if a.affirmed and _BOILERPLATE_FUNCTION.search(text):
            add("request.function_boilerplate_only", True)
            break
    if _SIDE_EFFECTS_NONE.search(text):
        add("request.adverse_effects_assessed", True, _SIDE_EFFECTS_NONE.search(text).group(0))
        add("request.side_effects_documented", False, _SIDE_EFFECTS_NONE.search(text).group(0))
    elif _SIDE_EFFECTS_SOME.search(text):
        add("request.adverse_effects_assessed", True)
        add("request.side_effects_documented", True)
    if _ABERRANT_NONE.search(text):
        add("request.aberrant_behavior_assessed", True, _ABERRANT_NONE.search(text).group(0))
        add("request.aberrant_behavior", False, _ABERRANT_NONE.search(text).group(0))
    else:
        m = _ABERRANT_SOME.search(text)
        if m and assessor(text, m.start(), m.end()).affirmed:
            add("request.aberrant_behavior", True)
    return out


def _function(s: Sentence, assessor: Assessor) -> list[Finding]:
    out = []
    m = _SPECIFIC_ADL.search(s.text)
    if m and re.search(
        r"medication|norco|opioid|with\s+(?:the\s+)?(?:use|help)|improv|increas|better|now", s.text, re.I
    ):
        a = assessor(s.text, m.start(), m.end())
        if a.affirmed:
            out.append(_finding("function.specific_adl_gains", True, s))
            out.append(_finding("function.adl_gains", m.group(0).strip(), s))
    for fm in _FUNCTION.finditer(s.text):
        a = assessor(s.text, fm.start(), fm.end())
        if a.negated:
            out.append(_finding("function.specific_adl_gains", False, s, cue=a.cue))
            break
    return out


def _clinical_dates(s: Sentence) -> list[Finding]:
    out = []
    m = _SURGERY.search(s.text)
    if m and re.search(r"surg|ectomy|otomy|plasty|fusion|repair|arthroscop|reconstruct|release|fixation", s.text, re.I):
        iso = iso_date("/".join(m.groups()[-3:]))
        if iso:
            out.append(_finding("clinical.surgery_date", iso, s))
    if s.section == "summary":
        m = _MECHANISM.search(s.text)
        if m:
            text = (m.group(1) or m.group(2) or "").strip(" ,")
            if text and not re.search(DATE_RE, text):
                out.append(_finding("injury.mechanism", text, s))
    return out


_NSAID_WORDS = re.compile(
    r"\bNSAIDs?\b|\bnon-?\s*steroidal\s+anti-?\s*inflammator\w*|\banti-?\s*inflammator(?:y|ies)\b", re.I
)


def _nsaid_use(s: Sentence, assessor: Assessor) -> list[Finding]:
    mentions = [(m.start(), m.end()) for m in _NSAID_WORDS.finditer(s.text)]
    for start, end, _name, drug in _drug_mentions(s.text):
        info = _catalog().ingredient(drug)
        if (
            info is not None
            and info.drug_class == "nsaid"
            and drug not in GI_RISK_AGENTS  # aspirin is a GI risk factor of its own, as in checker.facts.derived
            and not re.search(
                r"gel|patch|cream|topical|flector|voltaren\s+gel|pennsaid", s.text[start : end + 20], re.I
            )
        ):
            mentions.append((start, end))
    for start, end in sorted(mentions):
        a = assessor(s.text, start, end)
        if a.negated and re.search(r"taking|using|on\s+(?:an?\s+)?|prescribed|use\s+of|current", s.text, re.I):
            return [_finding("nsaid.current_use", False, s, cue=a.cue)]
        if (
            a.affirmed
            and _MED_LIST.search(s.text)
            and not re.search(
                r"\b(?:history|previous|prior|past|tried|"
                r"failed|recommended|request)",
                s.text,
                re.I,
            )
        ):
            return [_finding("nsaid.current_use", True, s)]
    return []


_UDS_CONSISTENT = re.compile(
    r"\b(?:was|were|is|are)?\s*(?:consistent|appropriate|compliant|as\s+expected)\b|positive\s+(?:only\s+)?for\s+(?:the\s+)?"
    r"prescribed",
    re.I,
)
_UDS_INCONSISTENT = re.compile(
    r"\b(?:inconsistent|aberrant|not\s+consistent|non-?compliant)\b|negative\s+for\s+(?:the\s+)?prescribed|"
    r"positive\s+for\s+(?:non-?prescribed|illicit|marijuana|THC|cannabis|cocaine|methamphetamine|amphetamine)",
    re.I,
)


def _uds_entries(s: Sentence, assessor: Assessor) -> list[Finding]:
    """A dated urine drug screen: {date, consistent} (consistent left out when the result is not stated)."""
    m = UDS.search(s.text)
    if not m or not assessor(s.text, m.start(), m.end()).affirmed:
        return []
    out = []
    for d in ANY_DATE.finditer(s.text):
        iso = date_of(d)
        gap = s.text[m.end(): d.start()] if d.start() >= m.end() else s.text[d.end(): m.start()]
        if not iso or len(gap) > 40 or re.search(r"[;]|\b(?:MRI|x-?ray|injury|surgery)\b", gap, re.I):
            continue
        entry: dict[str, Any] = {"date": iso}
        if _UDS_INCONSISTENT.search(s.text):
            entry["consistent"] = False
        elif _UDS_CONSISTENT.search(s.text):
            entry["consistent"] = True
        out.append(_finding("monitoring.urine_drug_screens", entry, s))
    return out


def sentence_findings(s: Sentence, letter: Letter | None, requests: list[dict[str, Any]], assessor: Assessor,
                      targets: list[int] | None = None) -> list[Finding]:
    """Every fact in one factual sentence; ``targets`` (the requests it speaks about) default to
    :func:`request_targets`."""
    del letter
    if targets is None:
        targets = request_targets(s, requests)
    drug_targets = [t for t in targets if requests[t].get("kind") == "drug"]
    out: list[Finding] = []
    out.extend(_concepts(s, assessor, drug_targets))
    out.extend(_pain(s))
    out.extend(_work_status(s, assessor))
    if s.section == "summary":
        out.extend(_diagnoses(s))
        out.extend(_medications(s, assessor))
    out.extend(_function(s, assessor))
    out.extend(_nsaid_use(s, assessor))
    out.extend(surgery_findings(s, assessor, _concepts))
    out.extend(_clinical_dates(s))
    out.extend(_uds_entries(s, assessor))
    out.extend(_request_facts(s, drug_targets, assessor))
    out.extend(service_findings(s, assessor, _concepts, requests))
    return out
