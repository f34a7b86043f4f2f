"""Split letter sections into sentences that keep their character span in the letter text.

Only the clinical case summary and the factual sentences of each item's rationale are fact
sources. Sentences that state a verdict ("... is not medically necessary", "Upheld"), quote or
paraphrase a guideline ("The MTUS recommends ..."), or belong to the fixed 2016 paragraph about not
stopping opioids abruptly are marked so that no fact is read from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.ingest.letter import Letter

__all__ = ["Sentence", "split_sentences", "letter_sentences", "section_sentences"]

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:Dr|Drs|Mr|Mrs|Ms|St|vs|No|approx|Jr|Sr|Inc|Co|Fig|al|etc|ext|mg|tab|tabs|cap|caps|sig|q|p\.o|b\.i\.d|"
    r"t\.i\.d|q\.i\.d|q\.d|h\.s|e\.g|i\.e|a\.m|p\.m|Pt|pt|yo|y\.o)|\b[A-Z])\.$"
)
_BOUNDARY = re.compile(
    r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[A-Za-z0-9)\]])[.!?]\"?(?=[A-Z][a-z]|[A-Z]{2})|\n+"
)

_VERDICT = re.compile(
    r"\b(?:not\s+)?medically\s+necessary\b|\bmedical\s+necessity\b|\b(?:is|are)\s+(?:not\s+)?(?:certified|"
    r"non-?certified)\b|\bnon-?certif|\b(?:upheld|overturned)\b|\bis\s+not\s+(?:recommended|supported|"
    r"indicated|warranted|appropriate)\b|\b(?:is|are)\s+(?:recommended|supported|warranted|indicated)\s*\.?$",
    re.I,
)
_GUIDELINE_NAME = r"(?:MTUS|ODG|ACOEM|CPMTG|guidelines?|Official\s+Disability|the\s+FDA|literature|studies)"
_GUIDELINE = re.compile(
    rf"\b{_GUIDELINE_NAME}\b[^.]*?\b(?:recommends?|recommended|states?|stated|indicates?|supports?|notes?|defines?|"
    rf"allows?|address(?:es)?|considers?|suggests?|requires?|advises?|do(?:es)?\s+not)\b"
    rf"|^(?:Per|According\s+to|Regarding|With\s+regard\s+to)\s+(?:the\s+)?(?:California\s+|CA\s+)?{_GUIDELINE_NAME}"
    r"|\b(?:is|are)\s+(?:not\s+|only\s+|generally\s+|also\s+)?recommended\b"
    r"|^(?:Proton\s+pump\s+inhibitors|PPIs|NSAIDs|Opioids|Muscle\s+relaxants|Topical\s+(?:analgesics|NSAIDs|lidocaine)|"
    r"Antidepressants|Anticonvulsants|Benzodiazepines|Long[\s-]term\s+use|Cyclobenzaprine|Gabapentin|Tramadol|"
    r"Physical\s+therapy|Acupuncture|Nerve\s+conduction|Electromyography)\s+(?:is|are|has|have|may|should|can|"
    r"were|was)\b",
    re.I,
)
_UR_DECISION = re.compile(
    r"\b(?:utilization\s+review|UR|previous\s+reviewer|claims\s+administrator)\b.*\b(?:denied|non-?certified|"
    r"modified|certified|approved|authorized|partially)\b|\b(?:was|were)\s+(?:denied|non-?certified|modified|"
    r"approved|authorized|certified)\b",
    re.I,
)
# A rationale sentence that names neither this patient nor the records states something general (a drug's
# properties, what the literature shows, what a term means): "Efficacy diminishes over time and may lead to
# dependence", "Functional improvement is defined by ...". Facts are read only from sentences anchored to the
# patient: a person, the records, the request, an examination, a date, or a verb in the past tense.
_PATIENT_ANCHOR = re.compile(
    r"(?<![\w-])(?:patient|injured\s+worker|IW|claimant|applicant|employee|worker|individual|he|she|his|her|him|"
    r"this\s+(?:case|request)|records?|documentation|documented|documents|notes?|reports?|reported|request(?:ed|s)?|"
    r"treat(?:ing|er)|provider|physician|exam(?:ination)?|noted|dated|prescribed|prescription|RFA|UR|utilization|"
    r"the\s+injury|there\s+(?:is|was|are|were)\s+(?:no|not|a\s+lack|lack|insufficient|little|minimal)|"
    r"was|were|had|has\s+been|have\s+been|did|included|revealed|showed|complain(?:s|ed)?|underwent|received|"
    r"continues|remains|currently|"
    r"(?:19|20)\d\d|\d{1,2}[/-]\d{1,2}[/-]\d{2,4})(?![\w-])",
    re.I,
)
_OPIOID_BOILERPLATE = re.compile(
    r"This decision addresses the medical necessity of opioids|should not be interpreted as a recommendation to stop"
    r"|advised to consult the MTUS Opioids? Treatment Guidelines|regarding the most appropriate method for weaning",
    re.I,
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of the letter: its text, its span in the letter text and where it came from."""

    text: str
    start: int
    end: int
    section: str  # "summary" | "rationale" | "header"
    item: int | None = None  # 0-based index of the item whose rationale holds it
    verdict: bool = False  # states or argues the decision
    guideline: bool = False  # quotes or paraphrases a guideline
    general: bool = False  # a rationale sentence about drugs or treatments in general, not this patient
    boilerplate: bool = False  # the fixed 2016 opioid-tapering paragraph
    #: a factual clause cut from a verdict or guideline sentence: "ur_reason" (the reasons a UR decision
    #: gives, after "due to"), "premise" (the clinical premise before ", so ... not medically necessary"),
    #: "fact" (a statement about the records joined to a guideline paraphrase)
    clause: str | None = None

    @property
    def factual(self) -> bool:
        """May facts be read from this sentence?"""
        return not (self.verdict or self.boilerplate or self.guideline or self.general)


def split_sentences(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Split ``text`` into (sentence, start, end) with spans shifted by ``offset``."""
    out: list[tuple[str, int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.start() + len(m.group(0).rstrip())
        if m.group(0).startswith("\n"):
            cut = m.start()
        elif _ABBREV.search(text[max(start, m.start() - 12): m.start() + 1]):
            continue
        _add(text, start, cut, offset, out)
        start = m.end()
    _add(text, start, len(text), offset, out)
    return out


def _add(text: str, start: int, end: int, offset: int, out: list[tuple[str, int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((text[start:end], start + offset, end + offset))


def classify(text: str) -> tuple[bool, bool, bool]:
    """(verdict, guideline, boilerplate) flags of a sentence."""
    boilerplate = bool(_OPIOID_BOILERPLATE.search(text))
    verdict = bool(_VERDICT.search(text) or _UR_DECISION.search(text))
    guideline = bool(_GUIDELINE.search(text))
    return verdict, guideline, boilerplate


# The reasons a UR decision gives: the clause after "denied ... due to" states what the UR reviewer found
# (or did not find) in the records. The decision itself is never read.
_UR_VERB = re.compile(
    r"\b(?:denied|non-?certified|modified|not\s+certified|not\s+approved|failed\s+to\s+approve|"
    r"found\s+(?:not\s+)?medically\s+(?:necessary|unnecessary))\b",
    re.I,
)
_REASON = re.compile(
    r"\b(?:due\s+to(?:\s+the\s+fact\s+that)?|because(?:\s+of)?|secondary\s+to|noting\s+that|citing|on\s+the\s+basis\s+"
    r"(?:of|that)|as\s+(?=(?:the|there|this|he|she|no|a)\b))\s*(?:that\s+)?",
    re.I,
)
# "<clinical premise>, so the requested ... is not medically necessary"
_PREMISE_END = re.compile(r",\s*(?:and\s+)?(?:so|therefore|thus|hence)\b|\s+(?:therefore|thus|hence)\b", re.I)
# "Due to the lack of objective functional improvement, the request is not medically necessary"
_PREMISE_LEAD = re.compile(
    r"(?:Due\s+to|Because\s+of|Because|As(?!\s+such)|Since|In\s+the\s+absence\s+of|Given(?:\s+that)?)\s+", re.I)
# where a reason clause ends: the next decision about another item
_STOP = re.compile(
    r"\b(?:non-?certification|certification|modification|denial)\s+of\b|\b(?:was|were)\s+(?:denied|non-?certified|"
    r"modified|certified|approved)\b|\b(?:the\s+)?(?:request|requests)\s+for\b[^;]*\b(?:was|were)\b",
    re.I,
)
# one reason of a list: "..., no documented ongoing gastrointestinal complaints ..., and no evidence of ..."
_REASON_SPLIT = re.compile(r";|,\s*(?:and\s+)?(?=(?:no|lack|there|evidence|insufficient|absence|a\s+lack)\b)", re.I)
_UR_SUBJECT = re.compile(
    r"\b(?:prior|previous|original|initial)(?:ly)?\s+(?:determination|review|decision|denied|non-?certified|reviewed)|"
    r"\butilization\s+review|\bclaims\s+administrator|\bpreviously\b",
    re.I,
)
_LITERATURE = re.compile(
    r"\b(?:studies|study|meta-?analys[ie]s|placebo|number\s+needed\s+to\s+treat|confidence\s+interval|literature|"
    r"guidelines?|MTUS|ODG|ACOEM|recommendations?|FDA)\b",
    re.I,
)
# a statement about the records joined to a guideline paraphrase: "MTUS only supports X, and a review of the
# available progress reports indicates that the patient is not taking NSAIDs"
_JOIN = re.compile(r",\s*(?:and|but)\s+|;\s*|,\s*however,?\s+", re.I)
_RECORDS_LEAD = re.compile(
    r"(?:a\s+review\s+of|in\s+this\s+case|the\s+(?:available|submitted|provided|medical)\s+(?:medical\s+)?"
    r"(?:records|reports|documentation|notes)|this\s+(?:patient|injured\s+worker)|the\s+(?:patient|injured\s+worker|"
    r"claimant|applicant)\s+(?:is|was|has|had|does|did|reported|complain\w*|remains)|there\s+(?:is|was|are|were)\s+"
    r"(?:no|a\s+lack)\b)",
    re.I,
)
#: A sentence that speaks of this patient's records: no guideline says it, so a quotation whose closing mark is missing
#: ('The ODG states; "NCS is not recommended, ... obvious. The available medical record does not provide ...') ends
#: before it.
_QUOTE_BREAK = re.compile(
    r"(?:in\s+this\s+case|a\s+review\s+of\s+the|per\s+the\s+(?:records?|documentation|notes?)|"
    r"the\s+(?:available|submitted|provided|enclosed)\s+(?:medical\s+)?(?:records?|reports?|documentation|notes)|"
    r"this\s+(?:patient|injured\s+worker|claimant)|the\s+(?:injured\s+worker|claimant|applicant)\b)",
    re.I,
)
# "There is no review of CURES ..., which is Guideline recommended": the guideline remark trails a fact
_GUIDELINE_TAIL = re.compile(
    r",?\s+(?:which|that|as)\s+(?:is|are|was)\s+(?:not\s+)?(?:the\s+)?(?:Guidelines?|MTUS|ODG)\s+(?:recommended|"
    r"supported|required)\b",
    re.I,
)


def _clause(sentence: str, lo: int, hi: int) -> tuple[str, int, int] | None:
    """The clause ``sentence[lo:hi]`` trimmed, if it states no verdict and paraphrases no guideline."""
    while lo < hi and sentence[lo] in " ,;:":
        lo += 1
    lead = re.match(r"and\s+", sentence[lo:hi])
    if lead:
        lo += lead.end()
    while hi > lo and sentence[hi - 1] in " ,;:.":
        hi -= 1
    text = sentence[lo:hi]
    if (len(text) < 12 or _VERDICT.search(text) or _GUIDELINE.search(text) or _UR_VERB.search(text)
            or _LITERATURE.search(text)):
        return None
    return text, lo, hi


def _reasons(sentence: str, lo: int) -> list[tuple[str, int, int, str]]:
    """The reason clauses after ``lo``: each runs from "due to" to the next decision word, split at ';'."""
    out: list[tuple[str, int, int, str]] = []
    pos = lo
    while True:
        reason = _REASON.search(sentence, pos)
        if not reason:
            return out
        stop = _STOP.search(sentence, reason.end())
        hi = stop.start() if stop else len(sentence)
        start = reason.end()
        cuts = [start, *(m.start() for m in _REASON_SPLIT.finditer(sentence, start, hi)), hi]
        for a, b in zip(cuts, cuts[1:], strict=False):
            c = _clause(sentence, a, b)
            if c:
                out.append((*c, "ur_reason"))
        pos = max(hi, reason.end())


def factual_clauses(sentence: str) -> list[tuple[str, int, int, str]]:
    """Clauses of a verdict or guideline sentence that state facts: (text, start, end, kind), spans
    relative to the sentence."""
    out: list[tuple[str, int, int, str]] = []
    verb = _UR_VERB.search(sentence)
    if verb and (_UR_DECISION.search(sentence) or _UR_SUBJECT.search(sentence)):
        return _reasons(sentence, verb.end())
    verdict = _VERDICT.search(sentence)
    if verdict:
        # the IMR reviewer's own reasons: "... is medically necessary because the injured worker has reported benefit"
        out.extend((t, a, b, "premise") for t, a, b, _ in _reasons(sentence, verdict.end()))
        lead = _PREMISE_LEAD.match(sentence)
        premise = _PREMISE_END.search(sentence)
        if lead:
            comma = sentence.rfind(",", 0, verdict.start())
            if comma > lead.end():
                c = _clause(sentence, lead.end(), comma)
                if c:
                    out.append((*c, "premise"))
        elif premise and premise.end() <= verdict.start():
            c = _clause(sentence, 0, premise.start())
            if c:
                out.append((*c, "premise"))
    tail = _GUIDELINE_TAIL.search(sentence)
    if tail:
        c = _clause(sentence, 0, tail.start())
        if c:
            out.append((*c, "fact"))
    if _GUIDELINE.search(sentence):
        for m in _JOIN.finditer(sentence):
            if _RECORDS_LEAD.match(sentence, m.end()):
                c = _clause(sentence, m.end(), len(sentence))
                if c:
                    out.append((*c, "fact"))
                break
    return out


def _section(text: str, offset: int, section: str, item: int | None) -> list[Sentence]:
    out = []
    inside, seen = False, 0  # whether the sentence opens inside a quotation; the text read up to its start
    for sentence, s, e in split_sentences(text, offset):
        verdict, guideline, boiler = classify(sentence)
        inside ^= text[seen: s - offset].count('"') % 2 == 1
        seen = s - offset
        if inside and _QUOTE_BREAK.match(sentence):
            inside = False  # a quotation left open ends where the reviewer turns to the records
        # a sentence that opens inside a quotation quotes the guideline
        quoted = section == "rationale" and (inside or sentence.startswith('"'))
        general = section == "rationale" and not _PATIENT_ANCHOR.search(sentence)
        out.append(Sentence(sentence, s, e, section, item, verdict=verdict, guideline=guideline or quoted,
                            general=general, boilerplate=boiler))
        if (verdict or guideline) and not (boiler or quoted):
            for clause, lo, hi, kind in factual_clauses(sentence):
                out.append(Sentence(clause, s + lo, s + hi, section, item, clause=kind))
    return out


def letter_sentences(letter: Letter) -> list[Sentence]:
    """Sentences of the clinical summary and of every item's rationale, in letter order."""
    out: list[Sentence] = []
    if letter.summary and letter.summary_offset >= 0:
        out.extend(_section(letter.summary, letter.summary_offset, "summary", None))
    for index, item in enumerate(letter.items):
        if item.rationale and item.rationale_offset >= 0:
            out.extend(_section(item.rationale, item.rationale_offset, "rationale", index))
    return out


def section_sentences(text: str, section: str, item: int | None = None) -> list[Sentence]:
    """The sentences of one passage read as a letter's ``section`` ("summary" or "rationale" of item ``item``), spans
    relative to ``text``: what a letter's own passage would give (flags, factual clauses), for text from elsewhere."""
    return _section(text, 0, section, item)

