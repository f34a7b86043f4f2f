"""Facts of the Chronic Pain guideline's injection and program criteria, and the course of conservative care, from
the factual sentences of a letter or a note.

Epidural steroid injections: an injection given before (``services.prior_esi``; false on "has not had an epidural
injection"), how many (``services.prior_esi_count``, ``services.esi_blocks_past_year``), and its result: percent
pain relief, how many weeks it lasted, whether pain medication went down. The result may sit in the sentence after
the one naming the injection ("She underwent an L5-S1 ESI on 3/1/16. She reported 70% relief for 2 months."): a
sentence that names no other injection and refers back to "the injection", or states relief with no procedure named,
reads the injection the sentence before it named.

Functional restoration programs: the program evaluation done, a significant loss of independent function, the
patient's motivation to change, negative predictors of success addressed, the days completed and their gains,
other options exhausted, surgery declined. Psychotherapy: the visits completed and their functional result.
Conservative care: how many weeks it lasted ("after 6 weeks of physical therapy").

A planned or requested injection or program ("a lumbar ESI was requested", "recommended a functional restoration
program evaluation") documents nothing; neither does a hedged one. Sentences that quote a guideline or state the
decision are never read (:mod:`checker.ingest.sentences`); a general statement only documents what the records lack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from checker.facts.services import parse_service
from checker.ingest.findings import Assessor, Finding
from checker.ingest.findings import finding as _finding
from checker.ingest.sentences import Sentence
from checker.ingest.service_facts import _CARE_KINDS, _GENERAL

__all__ = ["Requested", "program_findings", "requested"]

_WORDS = {"one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "eighteen": 18, "twenty": 20, "thirty": 30}
_COUNT = r"(\d{1,3}|" + "|".join(sorted((w for w in _WORDS if len(w) > 2), key=len, reverse=True)) + r")"


def _count(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else _WORDS.get(word)


#: Weeks in a unit of time.
_UNIT_WEEKS = {"day": 1 / 7, "week": 1.0, "wk": 1.0, "month": 52 / 12, "mo": 52 / 12, "year": 52.0, "yr": 52.0}
_SPAN = (r"(?:(?:approximately|about|around|over|more\s+than|almost|nearly|at\s+least|roughly|greater\s+than|"
         r"up\s+to|only|just|a\s+total\s+of)\s+){0,2}" + _COUNT[:-1] + r"|an?)(?:\s*(?:-|to)\s*" + _COUNT
         + r")?\s*[-\s]?"
         r"(days?|weeks?|wks?|months?|mos?|years?|yrs?)\b")


def _weeks(m: re.Match[str], first: int) -> float | None:
    """Weeks of a span matched by ``_SPAN`` whose first group is ``first`` (the lower end of a range)."""
    low = _count(m.group(first))
    if low is None:
        return None
    unit = m.group(first + 2).lower().rstrip("s")
    return round(low * _UNIT_WEEKS[unit], 1)


# --- epidural steroid injections ------------------------------------------------------------------------------------
_ESI = re.compile(
    r"(?<![\w-])(?:epidural(?:\s+steroid)?\s+(?:injections?|blocks?|shots?)|epidural\s+steroids?|"
    r"(?:L|C|T|TF|CE|LE)?ESIs?|selective\s+nerve\s+root\s+blocks?|SNRBs?|"
    r"(?:transforaminal|interlaminar|caudal)\s+(?:\w+\s+){0,2}?(?:injections?|blocks?)|"
    r"(?:an|two|three|four|multiple|several|\d)\s+epidurals)(?![\w-])", re.I)
#: Other injections: a sentence naming one of these does not speak of the epidural injection by "the injection".
_OTHER_INJECTION = re.compile(
    r"\b(?:trigger\s+point|facet|medial\s+branch|radiofrequency|rhizotomy|sacroiliac|SI\s+joint|cortisone|"
    r"intra-?articular|joint|knee|shoulder|subacromial|carpal|wrist|hip|elbow|Toradol|B12|Botox|PRP|"
    r"platelet|hyaluronic|viscosupplement\w*|synvisc|stellate|occipital|genicular)\b", re.I)
_REFERENCE = re.compile(r"\b(?:the|this|that|his|her|last|prior|previous|these|those)\s+(?:injections?|blocks?|"
                        r"procedures?)\b|\b(?:post[\s-]?(?:injection|procedure)|following\s+(?:the\s+)?"
                        r"(?:injection|procedure))\b|^(?:s?he|the\s+(?:patient|injured\s+worker|claimant|applicant))\s+"
                        r"(?:reported|reports|noted|stated|states|had|experienced|received|obtained)\b", re.I)
#: Cues that an injection was given: a past tense, "prior", "status post", a date after it.
_GIVEN_BEFORE = re.compile(
    r"\b(?:underwent|undergone|had|has\s+had|have\s+had|received|prior|previous|previously|last|recent|most\s+recent|"
    r"status\s+post|s/p|history\s+of|completed|tried|failed|included|including|includes|include|to\s+date|"
    r"after|following|from|performed|administered|given|administering|treated\s+with|managed\s+with)\b", re.I)
_GIVEN_AFTER = re.compile(
    r"^\W{0,3}(?:\(?\s*(?:at\s+|of\s+|to\s+|on\s+the\s+)?(?:the\s+)?(?:left|right|bilateral)?\s*[LCTS]\d[\w\s/,-]{0,20}?\)?\s*)?"
    r"(?:(?:that\s+|which\s+)?(?:he|she|they|the\s+(?:patient|injured\s+worker|claimant|applicant))\s+(?:received|had|"
    r"underwent|got)\b|(?:given|performed|administered|done)\b|"
    r"(?:that\s+|which\s+)?(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:performed|given|administered|done|completed|"
    r"helpful|beneficial|effective|ineffective|unsuccessful|of\s+\w+\s+benefit)|(?:on|dated|in)\s+\d|"
    r"(?:on|dated|in)\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*|provided|gave|yielded|resulted|helped|"
    r"did\s+not|didn't|with\s+(?:\d|no\b|good|minimal|little|some|significant|temporary)|x\s*\d|times\s+\d)", re.I)
#: Cues that an injection is planned, requested or decided, not given.
_PLANNED = re.compile(
    r"\b(?:request(?:ed|s|ing)?|recommend\w*|propos\w*|plan(?:s|ned)?|schedul\w*|pursu\w*|suggest\w*|consider\w*|"
    r"candidate|authoriz\w*|certif\w*|approv\w*|denied|deny|non-?certif\w*|modif\w*|refer\w*|await\w*|pending|"
    r"RFA|sought|seek\w*|appeal\w*|repeat|another|additional|future|ordered|prescribed|trial\s+of|"
    r"undergo|receive|proceed\s+with|to\s+have|would|could|should|will|may|might)\b",
    re.I)
_NO_ESI = re.compile(
    r"\b(?:no|never|not|denies|without|nor)\s+(?:\w+\s+){0,3}?$", re.I)
_NOT_ABOUT_ESI = re.compile(r"\b(?:docu\w*|evidence|records?|reports?|indicat\w*|mention\w*|objective|relief|"
                            r"improvement|response|outcome|results?|benefit|functional|quantif\w*|percent\w*|"
                            r"duration|reduction|decrease|pain|medication|how|whether|if|clear|more|further)\b", re.I)


def _esi_given(s: Sentence, m: re.Match[str]) -> bool | None:
    """Whether the injection named at ``m`` was given (True), documented as never given (False), or neither."""
    before = s.text[max(0, m.start() - 50): m.start()]
    clause_start = max(before.rfind(";"), before.rfind(","), before.rfind("."))
    near = before[clause_start + 1:] if clause_start >= 0 else before
    neg = _NO_ESI.search(near)
    if neg is not None and not _NOT_ABOUT_ESI.search(neg.group(0)):
        return False
    after = s.text[m.end(): m.end() + 60]
    planned = _PLANNED.search(before[-30:]) or _PLANNED.search(after[:25])
    if _GIVEN_AFTER.search(after):
        return True
    if planned:
        return None
    wide = s.text[max(0, m.start() - 150): m.start()]
    wide = wide[wide.rfind(";") + 1:]   # the clause, through a list of the care given ("underwent A, B and ESIs")
    return True if _GIVEN_BEFORE.search(wide) or _CARE_LIST.search(s.text[:m.start()]) else None


#: A list of the care given: "Treatment to date has included physical therapy, medications and ESIs".
_CARE_LIST = re.compile(r"\b(?:treatments?|care|therapy|management|modalities)\b[^.;]{0,40}?\b(?:to\s+date|has\s+"
                        r"included|have\s+included|included|includes|include|consisted|history|has\s+consisted)\b"
                        r"|\bconservative\s+(?:care|treatment|management|measures)\b", re.I)
_RELIEF_PCT = re.compile(
    r"(\d{1,3})\s*(?:-|to)?\s*(?:\d{1,3}\s*)?(?:%|percent)\s+(?:\w+\s+){0,3}?(?:relief|improvement|reduction|decrease|"
    r"better|benefit|less\s+pain|pain\s+relief)"
    r"|(?:relief|improvement|reduction|decrease|benefit)\s+(?:of|by)\s+(?:about\s+|approximately\s+|over\s+)?"
    r"(\d{1,3})\s*(?:%|percent)"
    r"|(?:reduced|decreased|improved|relieved)\s+(?:\w+\s+){0,3}?(?:pain|symptoms)\s+by\s+(?:about\s+|approximately\s+)?"
    r"(\d{1,3})\s*(?:%|percent)"
    r"|(?:effective|helpful|beneficial)\s*\(?\s*(?:>\s*|greater\s+than\s+|over\s+|about\s+|approximately\s+)?"
    r"(\d{1,3})\s*(?:%|percent)", re.I)
_NO_RELIEF = re.compile(
    r"\b(?:no|without|not\s+any|zero)\s+(?:significant\s+|lasting\s+|appreciable\s+|noticeable\s+)?"
    r"(?:pain\s+)?(?:relief|benefit|improvement)\b|\b(?:did\s+not|didn't|failed\s+to)\s+(?:help|provide\s+(?:any\s+)?"
    r"(?:relief|benefit)|improve)\b|\b(?:not|in)effective\b|\bnot\s+(?:helpful|beneficial)\b", re.I)
_RELIEF_SPAN = re.compile(
    r"\b(?:for|lasting|lasted|which\s+lasted|that\s+lasted|x|over|through|during|duration\s+of)\s+" + _SPAN
    + r"|" + _SPAN + r"\s+(?:of\s+)?(?:relief|benefit|improvement)", re.I)
_MEDS_REDUCED = re.compile(
    r"\b(?:reduc\w+|decreas\w+|less|lower|taper\w*|cut\s+(?:back|down))\s+(?:\w+\s+){0,4}?(?:medications?|meds|"
    r"analgesics?|opioids?|narcotics?|Norco|hydrocodone|oxycodone|Percocet|tramadol|Ultram|gabapentin|Neurontin|"
    r"Lyrica|pills|NSAIDs?)\b"
    r"|\b(?:medications?|meds|analgesics?|opioids?|narcotics?)\s+(?:\w+\s+){0,3}?(?:use|intake|usage|consumption)?\s*"
    r"(?:was|were|has\s+been|had\s+been)?\s*(?:reduced|decreased|lowered|tapered|cut)\b"
    r"|\b(?:stop(?:ped)?\s+taking|discontinu\w+|wean\w*\s+off(?:\s+of)?|no\s+longer\s+(?:takes|taking|needs?|needed))\s+"
    r"(?:\w+\s+){0,2}?(?:medications?|meds|analgesics?|opioids?|narcotics?|Norco|hydrocodone|oxycodone|Percocet|"
    r"tramadol|Ultram|gabapentin|pills|NSAIDs?)\b"
    r"|\b(?:medications?|meds|opioids?)\s+(?:use|intake|usage|consumption)\s+by\s+(?:half|\d{1,3}\s*%|a\s+third)",
    re.I)
_PAST_YEAR = re.compile(r"\b(?:in|within|during|over)\s+the\s+(?:past|last|prior)\s+"
                        r"(?:12\s+months|year|twelve\s+months)"
                        r"|\bthis\s+year\b", re.I)
_ESI_COUNT = re.compile(
    r"\b" + _COUNT + r"\s+(?:prior\s+|previous\s+|lumbar\s+|cervical\s+|caudal\s+|transforaminal\s+|separate\s+)*"
    r"(?:epidural(?:\s+steroid)?\s+(?:injections|blocks|shots)|epidurals|(?:L|C|T|TF)?ESIs)\b"
    r"|\b(?:epidural(?:\s+steroid)?\s+(?:injections?|blocks?)|(?:L|C|T|TF)?ESIs?)\s*(?:x|times)\s*(\d{1,2})\b", re.I)


_WITH_MEDICATION = re.compile(r"\s*(?:\w+\s+){0,3}?(?:with|from|on)\s+(?:the\s+|his\s+|her\s+|current\s+)?"
                              r"(?:medications?|meds|opioids?|analgesics?|Norco|tramadol|Percocet|oxycodone|"
                              r"hydrocodone|gabapentin|NSAIDs?|physical\s+therapy|PT|therapy|chiropractic|acupuncture)\b",
                              re.I)


def _hedged(text: str, start: int, end: int, assessor: Assessor) -> bool:
    """Whether the mention at ``text[start:end]`` is hedged, by a cue outside a closed parenthesis ("injections (dates
    unknown) with reported 50% relief": the dates are unknown, not the relief)."""
    a = assessor(text, start, end)
    if not a.uncertain or not a.cue:
        return a.uncertain
    at = text.rfind(a.cue, 0, start)
    return not (at >= 0 and "(" in text[max(0, at - 40): at] and ")" in text[at: start])


def _relief(s: Sentence, assessor: Assessor, lo: int = 0, hi: int | None = None) -> list[Finding]:
    """Percent relief, its weeks and a medication reduction stated about the last injection in ``s.text[lo:hi]``."""
    out: list[Finding] = []
    hi = len(s.text) if hi is None else hi
    pct = _RELIEF_PCT.search(s.text, lo, hi)
    if pct is not None and _WITH_MEDICATION.match(s.text, pct.end()):
        pct = None   # "50% relief with his medications": the drugs' relief, not the injection's
    if pct is not None:
        value = int(next(g for g in pct.groups() if g))
        if value <= 100 and not _hedged(s.text, pct.start(), pct.end(), assessor):
            out.append(_finding("services.prior_esi_relief_percent", value, s))
    else:
        none = _NO_RELIEF.search(s.text, lo, hi)
        if none is not None and not assessor(s.text, none.start(), none.end()).uncertain:
            out.append(_finding("services.prior_esi_relief_percent", 0, s, cue=none.group(0)))
    span = _RELIEF_SPAN.search(s.text, lo, hi)
    if span is not None and (pct is not None or _RELIEF_WORD.search(s.text, lo, hi)):
        first = 1 if span.group(1) else 4
        weeks = _weeks(span, first)
        if weeks is not None:
            out.append(_finding("services.prior_esi_relief_weeks", weeks, s))
    meds = _MEDS_REDUCED.search(s.text, lo, hi)
    if meds is not None:
        a = assessor(s.text, meds.start(), meds.end())
        if not (a.uncertain or a.hypothetical):
            out.append(_finding("services.prior_esi_medication_reduced", not a.negated, s, cue=a.cue))
    return out


_RELIEF_WORD = re.compile(r"relie|benefit|improv|helped|better|effective", re.I)
#: Where a sentence also names other injections, what it says of the epidural one follows its name up to the next
#: entry: "facet joint injections (not effective), left thoracic epidural steroid injections (effective >50% for
#: greater than 6 weeks), physical therapy".
_ENTRY_END = re.compile(r"\)|;|,\s+(?=[a-z]+\s)(?![^,;()]*(?:relief|for|lasting))", re.I)


def _entry(s: Sentence, m: re.Match[str]) -> tuple[int, int]:
    """The span of ``s`` that speaks of the injection named at ``m``: the whole sentence, or, in a list naming other
    injections too, from the name to the end of its entry."""
    if not _OTHER_INJECTION.search(s.text):
        return 0, len(s.text)
    end = _ENTRY_END.search(s.text, m.end())
    return m.start(), end.end() if end else len(s.text)


_CAUDAL = re.compile(r"\bcaudal\b", re.I)


def _esi_regions(text: str) -> set[str]:
    """The spine regions an injection's words name ("lumbar", "C5-6", "caudal"); empty when none."""
    return set(parse_service(text).regions) | ({"low_back"} if _CAUDAL.search(text) else set())


@dataclass(frozen=True)
class Requested:
    """What the letter or note requests that its sentences may speak of without naming: the spine regions of the
    epidural injections requested, and whether a functional restoration program is requested ("the program")."""

    esi_regions: frozenset[str] = frozenset()
    program: bool = False


def requested(requests: list[dict[str, Any]]) -> Requested:
    """The :class:`Requested` of a letter's or note's requests."""
    services = [parse_service(str(r.get("text") or "")) for r in requests if r.get("kind") != "drug"]
    return Requested(frozenset(region for parsed in services if parsed.service == "epidural_steroid_injection"
                               for region in _esi_regions(parsed.text)),
                     any(parsed.service == "functional_restoration_program" for parsed in services))


def _in_region(s: Sentence, m: re.Match[str], regions: set[str]) -> bool:
    """Whether the injection named at ``m`` may be in the region of the requested injections: yes unless both name
    their regions and these differ (a cervical injection before a lumbar request is no earlier lumbar injection)."""
    if not regions:
        return True
    named = _esi_regions(s.text[max(0, m.start() - 30): m.end() + 25])
    return not named or bool(named & regions)


def _esi(s: Sentence, previous: Sentence | None, assessor: Assessor, regions: set[str]) -> list[Finding]:
    """The epidural injections given before in the region of the request (``regions``: of the requested injections)
    and their result, in ``s`` (or, for the result, ``s`` following a sentence that named a given injection)."""
    mentions = [m for m in _ESI.finditer(s.text) if _in_region(s, m, regions)]
    out: list[Finding] = []
    given = [g for m in mentions if (g := _esi_given(s, m)) is not None]
    if given:
        out.append(_finding("services.prior_esi", any(given), s))
    if any(given):
        for m in _ESI_COUNT.finditer(s.text):
            count = _count(m.group(1) or m.group(2))
            if count is None or not 1 <= count <= 30 or _PLANNED.search(s.text, max(0, m.start() - 25), m.start()):
                continue
            fact = ("services.esi_blocks_past_year" if _PAST_YEAR.search(s.text, m.end(), m.end() + 40)
                    else "services.prior_esi_count")
            out.append(_finding(fact, count, s))
            break
        first = next(m for m in mentions if _esi_given(s, m))
        return [*out, *_relief(s, assessor, *_entry(s, first))]
    if mentions or _ESI.search(s.text) or _OTHER_INJECTION.search(s.text) or previous is None:
        return out
    if not any(_esi_given(previous, m) for m in _ESI.finditer(previous.text) if _in_region(previous, m, regions)):
        return out
    if _REFERENCE.search(s.text) and re.search(r"relie|benefit|improv|helped|better|%|percent|reduc|decreas",
                                               s.text, re.I):
        return _relief(s, assessor)
    return out


# --- functional restoration programs ------------------------------------------------------------------------------
_FRP = (r"(?:functional\s+restoration(?:\s+program(?:me)?)?|FRP|"
        r"(?:multidisciplinary|interdisciplinary)\s+(?:chronic\s+)?"
        r"pain\s+(?:management\s+)?(?:program|rehabilitation)|chronic\s+pain\s+(?:management\s+)?program|HELP\s+program|"
        r"(?:the\s+)?program)")
_FRP_NAMED = re.compile(r"\b(?:functional\s+restoration|FRP|(?:multidisciplinary|interdisciplinary)\s+(?:chronic\s+)?"
                        r"pain|chronic\s+pain\s+(?:management\s+)?program|HELP\s+program)\b", re.I)
_FRP_EVALUATION = re.compile(
    rf"\b(?:{_FRP})\s+(?:initial\s+|multidisciplinary\s+|interdisciplinary\s+|comprehensive\s+)?"
    r"(?:evaluation|assessment|consultation|screening)\b"
    rf"|\b(?:evaluation|assessment|consultation|screening)\s+(?:\w+\s+){{0,2}}?(?:for|at|with)\s+(?:a\s+|an\s+|the\s+)?"
    rf"(?:{_FRP})"
    rf"|\b(?:evaluated|assessed|screened)\s+(?:\w+\s+){{0,2}}?(?:for|at|by)\s+(?:a\s+|an\s+|the\s+)?(?:{_FRP})"
    r"|\bbaseline\s+(?:functional\s+)?(?:testing|measures|assessment|evaluation)\b"
    r"|\b(?:adequate|thorough)\s+(?:and\s+thorough\s+)?evaluation\b", re.I)
_EVALUATION_DONE = re.compile(
    r"\b(?:underwent|undergone|had|has\s+had|completed|was\s+(?:evaluated|seen|assessed)|attended|performed|"
    r"(?:was|were|has\s+been|had\s+been)\s+(?:completed|performed|done|conducted)|dated|on\s+\d|included|"
    r"revealed|showed|demonstrated|indicated|noted|documented)\b", re.I)
_FUNCTION_LOSS = re.compile(
    r"\b(?:significant|severe|marked|substantial)\s+(?:loss\s+of\s+(?:the\s+)?(?:ability\s+to\s+function|function\w*)|"
    r"functional\s+(?:loss|limitations?|deficits?|impairments?|decline)|(?:limitations?|impairments?|decline)\s+in\s+"
    r"(?:\w+\s+)?(?:function\w*|ADL'?s|activities\s+of\s+daily\s+living))"
    r"|\b(?:loss\s+of\s+(?:the\s+)?ability\s+to\s+function\s+independently)"
    r"|\bunable\s+to\s+(?:function\s+independently|perform\s+(?:his\s+|her\s+|basic\s+|most\s+)?(?:ADL'?s|activities\s+of\s+"
    r"daily\s+living|household\s+(?:chores|activities)|self[\s-]care))"
    r"|\b(?:dependent\s+on\s+others|requires?\s+(?:\w+\s+)?(?:assistance|help)\s+(?:with|for)\s+(?:\w+\s+){0,2}?"
    r"(?:ADL'?s|activities\s+of\s+daily\s+living|self[\s-]care|household\s+chores|dressing|bathing))"
    r"|\b(?:needs?|needed|requires?|required)\s+(?:\w+\s+)?(?:assistance|help)\s+(?:from\s+(?:\w+\s+){1,2})?(?:to|with|for)\s+"
    r"(?:bathe|dress|shower|toilet|bathing|dressing|showering|toileting|self[\s-]care|ADL'?s|cook|cooking|walk|walking)\b",
    re.I)
_FUNCTION_KEPT = re.compile(
    r"\b(?:functions?|functioning)\s+independently\b|\bindependent\s+(?:with|in|for)\s+(?:all\s+)?(?:his\s+|her\s+)?"
    r"(?:ADL'?s|activities\s+of\s+daily\s+living|self[\s-]care)\b", re.I)
_MOTIVATED = re.compile(
    r"\b(?:highly\s+|very\s+|well\s+|strongly\s+|is\s+|appears\s+|remains\s+)?motivated\b(?!\s+by)|"
    r"\b(?:good|high|strong|excellent|great|adequate|sufficient)\s+motivation\b|"
    r"\bmotivation\s+(?:to|for)\s+(?:\w+\s+){0,2}?(?:change|improve\w*|return\w*|participat\w*|get\s+better|recover\w*|"
    r"the\s+program|program|treatment|work|function\w*)\b|"
    r"\bwilling(?:ness)?\s+to\s+(?:forgo|forego|give\s+up|participate|change|make\s+changes|return\s+to\s+work)\b|"
    r"\b(?:desire|wants|wishes|eager|committed)\s+to\s+(?:return\s+to\s+work|improve\s+(?:his\s+|her\s+)?function|change)\b",
    re.I)
_POOR_MOTIVATION = re.compile(r"\b(?:poor|low|lack\s+of|limited|little|questionable)\s+motivation\b|"
                              r"\bmotivation(?:al)?\s+(?:issues|problems|concerns|deficits?)\b|"
                              r"\bunmotivated\b|\bnot\s+motivated\b",
                              re.I)
_NEGATIVE_PREDICTORS = re.compile(r"\bnegative\s+predictors?(?:\s+of\s+(?:success|efficacy|outcome))?\b", re.I)
_NOT_ADDRESSED = re.compile(r"\b(?:were|was|have|has|had)\s+not\s+(?:been\s+)?(?:address|discuss|identif|consider|"
                            r"assess|evaluat|review)\w*", re.I)
_ADDRESSED = re.compile(r"\b(?:address\w*|discuss\w*|identified\s+and|considered|assessed|evaluated|reviewed|"
                        r"mitigat\w*|managed|resolved)\b", re.I)
_FRP_DAYS = re.compile(
    r"\b(?:completed|attended|had|has\s+had|participated\s+in|finished|underwent|after|of\s+the)\s+(?:the\s+)?"
    r"(?:first\s+|initial\s+)?(?:approximately\s+|about\s+|a\s+total\s+of\s+)?" + _COUNT
    + r"\s+(?:full[\s-]?)?(?:days?|sessions?|visits?)\s+(?:of\s+|in\s+)?(?:the\s+|a\s+|an\s+)?"
    r"(?:functional\s+restoration|FRP|(?:multidisciplinary|interdisciplinary)\s+(?:chronic\s+)?pain|"
    r"chronic\s+pain\s+(?:management\s+)?program|HELP)"
    r"|\b(?:completed|attended|had|has\s+had|participated\s+in|finished|underwent|after)\s+(?:the\s+)?(?:first\s+)?"
    r"(?:\d{1,2}|one|two|three|four)\s+weeks?\s+\(" + _COUNT + r"\s+(?:full[\s-]?)?(?:days?|sessions?)\)\s+"
    r"(?:of\s+|in\s+)(?:the\s+|a\s+)?"
    r"(?:functional\s+restoration|FRP|(?:multidisciplinary|interdisciplinary)\s+(?:chronic\s+)?pain|"
    r"chronic\s+pain\s+(?:management\s+)?program|HELP)", re.I)
#: "discharged from the HELP program after 20 days", "participated in the functional restoration program for 10 days".
_FRP_DAYS_AFTER = re.compile(
    r"\b(?:completed|attended|participated\s+in|finished|discharged\s+from|graduated\s+from)\s+(?:the\s+|a\s+)?"
    r"(?:functional\s+restoration|FRP|(?:multidisciplinary|interdisciplinary)\s+(?:chronic\s+)?pain|"
    r"chronic\s+pain\s+(?:management\s+)?program|HELP)(?:\s+\w+){0,2}?\s+(?:after|for|x)\s+(?:\d{1,2}\s+weeks?\s+\()?"
    + _COUNT + r"\s+(?:full[\s-]?)?(?:days?|sessions?)\b", re.I)
_FRP_GAINS = re.compile(
    r"\b(?:gains?|improve\w*|progress(?!\s+(?:notes?|reports?)))\s+(?:\w+\s+){0,5}?(?:with|from|in|during|through|"
    r"since\s+starting)\s+(?:the\s+)?"
    r"(?:functional\s+restoration|FRP|program|(?:multidisciplinary|interdisciplinary)\s+(?:chronic\s+)?pain)"
    r"|\b(?:functional\s+restoration|FRP|program)\s+(?:\w+\s+){0,3}?(?:has\s+been|was|is)\s+(?:helpful|beneficial|"
    r"effective)", re.I)
_EXHAUSTED = re.compile(
    r"\bexhausted\s+(?:all\s+)?(?:\w+\s+){0,2}?(?:conservative|treatment|treatments|options|care|measures|modalities)\b"
    r"|\bno\s+other\s+(?:\w+\s+){0,2}?(?:options?|alternatives?)\b|\babsence\s+of\s+other\s+options\b"
    r"|\b(?:all\s+)?(?:other\s+)?(?:conservative\s+)?(?:treatment\s+)?options\s+(?:have\s+been|had\s+been|were)\s+exhausted\b",
    re.I)
_SURGERY_DECLINED = re.compile(
    r"\b(?:declin\w+|refus\w+|does\s+not\s+(?:want|wish)|did\s+not\s+(?:want|wish)|not\s+interested\s+in|"
    r"wishes\s+to\s+avoid|opted\s+against)\s+(?:\w+\s+){0,3}?(?:surgery|surgical\s+\w+|operative\s+\w+)\b"
    r"|\b(?:surgery|surgical\s+intervention)\s+(?:is|was)\s+not\s+(?:an\s+option|planned|warranted)\b"
    r"|\bno\s+(?:surgery|surgical\s+intervention)\s+(?:is|was|has\s+been)\s+(?:planned|recommended|contemplated)\b",
    re.I)


#: An outcome joined to the care it followed: "completed 10 days of the program with improvement in function",
#: "6 sessions of CBT without benefit".
_WITH_OUTCOME = (r"(?:\s+[\w,()/-]+){0,6}?\s+(?:with|without|and\s+(?:reported|noted|demonstrated|showed|has\s+shown|"
                 r"made))\s+(?:\w+\s+){0,2}?(?:improvement|gains?|progress|benefit|(?:improved|increased)\s+(?:\w+\s+)?"
                 r"(?:function|pain|mobility|strength|tolerance|endurance|mood|range|activity))\b")
_NO_OUTCOME = re.compile(r"\bwithout\b|\bwith\s+(?:no|minimal|little|limited)\b", re.I)


def _outcome(s: Sentence, assessor: Assessor, fact: str, care: str) -> list[Finding]:
    """``fact`` from the care named by ``care`` followed by its outcome in the same clause: True with improvement,
    False without."""
    for m in re.finditer(care + _WITH_OUTCOME, s.text, re.I):
        a = assessor(s.text, m.start(), m.start() + 1)
        if a.uncertain or a.hypothetical or a.negated:
            continue
        return [_finding(fact, not _NO_OUTCOME.search(m.group(0)), s)]
    return []


def _first_of(s: Sentence, assessor: Assessor, fact: str, matches: Iterable[re.Match[str]],
              affirmed: bool = True) -> list[Finding]:
    """``fact`` from the first stated (neither hedged nor hypothetical) of ``matches``: ``affirmed``, or its
    opposite when negated."""
    for m in matches:
        a = assessor(s.text, m.start(), m.end())
        if a.uncertain or a.hypothetical:
            continue
        return [_finding(fact, affirmed != a.negated, s, cue=a.cue)]
    return []


#: What the program's notes or measures show: "Progress notes from the program document no objective functional
#: improvement", "After two weeks in the program, the patient's Oswestry score improved from 48% to 32%".
_PROGRAM_NOTES = re.compile(
    r"\bprogram\b[^.;]{0,30}?\b(?:document\w*|show\w*|report\w*|note\w*|indicat\w*|reveal\w*)\s+(?:(no|minimal|little)\s+)?"
    r"(?:\w+\s+){0,2}?(?:improvement|gains?|progress)"
    r"|\b(?:after|during|since|with)\s+(?:\w+\s+){0,3}?(?:in|of)\s+the\s+program\b[^.;]{0,80}?\b(?:improved|increased|"
    r"better)\b", re.I)


def _program_notes(s: Sentence, assessor: Assessor) -> list[Finding]:
    for m in _PROGRAM_NOTES.finditer(s.text):
        a = assessor(s.text, m.start(), m.start() + 1)
        if a.uncertain or a.hypothetical or a.negated:
            continue
        return [_finding("services.frp_improvement", m.group(1) is None, s)]
    return []


def _frp(s: Sentence, assessor: Assessor, requested_program: bool = False) -> list[Finding]:
    """The facts of a functional restoration program's criteria stated in ``s`` (``requested_program``: a program is
    requested, so that "the program" is one)."""
    out: list[Finding] = []
    named = requested_program or _FRP_NAMED.search(s.text) is not None
    evaluation = [m for m in _FRP_EVALUATION.finditer(s.text)
                  if named or not m.group(0).lower().endswith("program")]
    if evaluation:
        m = evaluation[0]
        a = assessor(s.text, m.start(), m.end())
        if a.negated and not a.hypothetical:
            out.append(_finding("services.frp_evaluation", False, s, cue=a.cue))
        elif a.affirmed and (_EVALUATION_DONE.search(s.text) and not _PLANNED.search(s.text, max(0, m.start() - 30),
                                                                                       m.start())):
            out.append(_finding("services.frp_evaluation", True, s, cue=a.cue))
    out += _first_of(s, assessor, "services.functional_loss_significant", _FUNCTION_LOSS.finditer(s.text))
    out += _first_of(s, assessor, "services.functional_loss_significant", _FUNCTION_KEPT.finditer(s.text), False)
    poor = list(_POOR_MOTIVATION.finditer(s.text))
    out += _first_of(s, assessor, "services.motivated_to_change", poor, False)
    if not poor:
        out += _first_of(s, assessor, "services.motivated_to_change", _MOTIVATED.finditer(s.text))
    for m in _NEGATIVE_PREDICTORS.finditer(s.text):
        window = s.text[max(0, m.start() - 60): m.end() + 150]
        if not _ADDRESSED.search(window):
            continue
        found = _first_of(s, assessor, "services.frp_negative_predictors_addressed", [m])
        if found and _NOT_ADDRESSED.search(s.text, m.end()):
            found = [_finding("services.frp_negative_predictors_addressed", False, s, cue="not addressed")]
        out += found
        break
    for m in [*_FRP_DAYS.finditer(s.text), *_FRP_DAYS_AFTER.finditer(s.text)]:
        days = _count(m.group(1) or m.group(2))
        a = assessor(s.text, m.start(), m.end())
        if days is not None and a.affirmed and not _PLANNED.search(s.text, max(0, m.start() - 25), m.start()):
            out.append(_finding("services.frp_days_completed", days, s))
            break
    gains = [m for m in _FRP_GAINS.finditer(s.text) if named or not m.group(0).lower().endswith("program")]
    program = _FRP_NAMED.pattern if not requested_program else r"(?:" + _FRP_NAMED.pattern + r"|\bprogram\b)"
    out += (_first_of(s, assessor, "services.frp_improvement", gains)
            or _outcome(s, assessor, "services.frp_improvement", program)
            or (_program_notes(s, assessor) if named else []))
    out += _first_of(s, assessor, "prior_treatment.other_treatments_failed", _EXHAUSTED.finditer(s.text))
    for m in _SURGERY_DECLINED.finditer(s.text):
        if not assessor(s.text, m.start(), m.end()).uncertain:
            out.append(_finding("services.surgery_considered", False, s, cue=m.group(0)))
            break
    return out


# --- psychotherapy ------------------------------------------------------------------------------------------------
_PSYCHOTHERAPY = (r"(?:cognitive[\s-]+behavio(?:u)?ral\s+(?:therapy|psychotherapy|treatment)|CBT|psychotherapy|"
                  r"psychological\s+(?:treatment|therapy|counsel(?:l)?ing)|counsel(?:l)?ing|psychiatric\s+treatment|"
                  r"pain\s+psychology|biofeedback)")
_PSY_VISITS = re.compile(
    r"\b(?:completed|attended|had|has\s+had|have\s+had|received|underwent|undergone|finished|participated\s+in|after|"
    r"with|prior|previous|previously|past|already|of\s+the|included|including)\s+(?:at\s+least\s+|approximately\s+|"
    r"about\s+|a\s+total\s+of\s+|an\s+initial\s+)?" + _COUNT + r"\s+(?:\(\d+\)\s+)?"
    r"(?:prior\s+|previous\s+|completed\s+|"
    r"individual\s+|group\s+)?(?:(?:sessions?|visits?|treatments?)\s+(?:of\s+)?(?:\w+\s+)?" + _PSYCHOTHERAPY + r"|"
    + _PSYCHOTHERAPY + r"\s+(?:sessions?|visits?|treatments?))"
    r"|\b" + _PSYCHOTHERAPY + r"\s+(?:sessions?\s+)?(?:x|times)\s*(\d{1,2})\b(?!\s*(?:per|a\s+week|weeks?))", re.I)
_PSY_GAINS = re.compile(
    r"\b(?:improv\w+|benefit\w*|gains?|progress|better|helped|helpful|beneficial)\s+(?:\w+\s+){0,5}?(?:with|from|in|"
    r"after|during|since)\s+(?:the\s+)?(?:\w+\s+){0,2}?" + _PSYCHOTHERAPY
    + r"|\b" + _PSYCHOTHERAPY + r"\s+(?:\w+\s+){0,3}?(?:has|have|had)?\s*(?:been\s+)?"
    r"(?:helped|helping|helpful|beneficial|"
    r"effective|improved)", re.I)


#: Visits in a list of the care completed: "She has completed 12 sessions of physical therapy and 6 sessions of
#: cognitive behavioral therapy."
_PSY_DONE = re.compile(r"\b(?:completed|attended|had|has\s+had|have\s+had|received|underwent|undergone|finished)\b",
                       re.I)
_PSY_LISTED = re.compile(r"(?:,|\band)\s+(?:at\s+least\s+|approximately\s+|about\s+)?" + _COUNT
                         + r"\s+(?:\(\d+\)\s+)?(?:sessions?|visits?)\s+of\s+(?:\w+\s+)?" + _PSYCHOTHERAPY, re.I)
_NO_PSYCHOTHERAPY = re.compile(r"\b(?:has|have|had)\s+(?:not|never)\s+(?:undergone|had|received|attended|tried|"
                               r"participated\s+in)\s+(?:any\s+)?" + _PSYCHOTHERAPY, re.I)
#: The result of psychotherapy given as its scores or its absence: "with decreased BDI and BAI scores", "reports no
#: change in her depression".
_PSY_SCORES_BETTER = re.compile(r"\b(?:decreased|improved|lower|reduced|reduction\s+in)\s+(?:\w+\s+){0,2}?"
                                r"(?:BDI|BAI|PHQ-?9|GAD-?7|Beck|depression|anxiety)\b", re.I)
_PSY_NO_CHANGE = re.compile(r"\bno\s+(?:significant\s+|real\s+)?(?:change|improvement|benefit|progress)\s+in\s+"
                            r"(?:his\s+|her\s+|their\s+|the\s+)?(?:depression|anxiety|mood|function\w*|symptoms)\b",
                            re.I)


def _psychotherapy(s: Sentence, assessor: Assessor) -> list[Finding]:
    out: list[Finding] = []
    done = _PSY_DONE.search(s.text)
    listed = list(_PSY_LISTED.finditer(s.text, done.end())) if done else []
    for m in [*_PSY_VISITS.finditer(s.text), *listed]:
        visits = _count(m.group(1) or m.group(2))
        a = assessor(s.text, m.start(), m.end())
        if visits is not None and visits <= 100 and not (a.negated or a.uncertain or a.hypothetical):
            out.append(_finding("services.psychotherapy_visits", visits, s, cue=a.cue))
            break
    none = _NO_PSYCHOTHERAPY.search(s.text)
    if not out and none is not None and not _GENERAL.search(s.text):
        out.append(_finding("services.psychotherapy_visits", 0, s, cue=none.group(0)))
    improvement = (_first_of(s, assessor, "services.psychotherapy_improvement", _PSY_GAINS.finditer(s.text))
                   or _outcome(s, assessor, "services.psychotherapy_improvement", r"\b" + _PSYCHOTHERAPY))
    if not improvement and re.search(r"\b" + _PSYCHOTHERAPY, s.text, re.I):
        for rx, value in ((_PSY_NO_CHANGE, False), (_PSY_SCORES_BETTER, True)):
            m = rx.search(s.text)
            if m is not None and not assessor(s.text, m.start(), m.end()).uncertain:
                improvement = [_finding("services.psychotherapy_improvement", value, s, cue=m.group(0))]
                break
    return [*out, *improvement]


# --- weeks of conservative care -------------------------------------------------------------------------------------
_CARE_KIND = (r"(?:conservative\s+(?:care|treatment|therapy|management|measures)|physical\s+therapy|physiotherapy|PT|"
              r"occupational\s+therapy|chiropractic(?:\s+(?:care|treatment|therapy|manipulation))?|acupuncture|"
              r"home\s+exercises?(?:\s+program)?|HEP|therapy|treatment|NSAIDs?|anti-?inflammator\w+|"
              r"medications?|rest|activity\s+modification|bracing)")
_SPAN_RX = re.compile(r"(?<![\w-])" + _SPAN, re.I)
#: The care a span of time belongs to: "6 weeks of physical therapy", "physical therapy for 3 months", "physical
#: therapy was started 2 weeks ago".
_OF_CARE = re.compile(r"\s+of\s+(?:\w+\s+){0,3}?" + _CARE_KIND + r"\b", re.I)
_CARE_FOR = re.compile(r"\b" + _CARE_KIND + r"\s+(?:\w+\s+){0,3}?(?:for|over)\s+(?:the\s+)?"
                       r"(?:past\s+|last\s+|prior\s+)?$", re.I)
_CARE_STARTED = re.compile(r"\b" + _CARE_KIND + r"\s+(?:was|were|had\s+been)\s+"
                           r"(?:started|begun|initiated|commenced)\s+$", re.I)
_CARE_PAREN = re.compile(r"\b" + _CARE_KIND + r"\s*\(\s*$", re.I)
_CLOSE = re.compile(r"\s*\)")
_AGO = re.compile(r"\s+ago\b", re.I)
#: A course prescribed: "2 times a week for 6 weeks", "x 6 weeks", "2x6".
_FREQUENCY = re.compile(r"\b(?:\d|one|two|three)\s*(?:x|times)\s*(?:a|per|/|each)?\s*(?:week|wk)"
                        r"|\bx\s*\d+\s*(?:weeks?|wks?)"
                        r"|\b\d\s*x\s*\d\b|\b(?:twice|once|three\s+times)\s+(?:a|per)\s+week|\bweekly\b", re.I)


#: Care the patient is told to go on with is care to come: "instructed to continue the home exercise program".
_INSTRUCTED = re.compile(r"\b(?:instruct\w*|advis\w*|told|encourag\w*|to\s+continue|continue\s+(?:the|with|his|her))\b",
                         re.I)


def _timed_care(text: str, span: re.Match[str]) -> tuple[int, int] | None:
    """Where the care that ``span`` times is named with it, as (start, end) of the whole phrase; None if no care."""
    after = _OF_CARE.match(text, span.end())
    if after is not None:
        return span.start(), after.end()
    lo = max(0, span.start() - 90)
    before = _CARE_FOR.search(text, lo, span.start())
    if before is not None:
        return before.start(), span.end()
    paren = _CARE_PAREN.search(text, lo, span.start())
    if paren is not None and _CLOSE.match(text, span.end()):   # "physical therapy (12 weeks)"
        return paren.start(), span.end() + 1
    started = _CARE_STARTED.search(text, lo, span.start())
    if started is not None and _AGO.match(text, span.end()):
        return started.start(), span.end()
    return None


def _care_weeks(s: Sentence, assessor: Assessor) -> list[Finding]:
    """``services.conservative_care_weeks``: how long the care given lasted ("after 6 weeks of physical therapy"),
    never a course prescribed ("2 times a week for 6 weeks"); the care so timed was given, with its kinds."""
    for span in _SPAN_RX.finditer(s.text):
        phrase = _timed_care(s.text, span)
        if phrase is None:
            continue
        start, end = phrase
        window = s.text[max(0, start - 40): end + 20]
        if _FREQUENCY.search(window) or _PLANNED.search(s.text, max(0, start - 40), end) or \
                _INSTRUCTED.search(s.text, max(0, start - 40), end):
            continue
        weeks = _weeks(span, 1)
        a = assessor(s.text, start, end)
        if not weeks or a.negated or a.uncertain or a.hypothetical:
            continue
        kinds = [kind for kind, rx in _CARE_KINDS if rx.search(s.text, start, end)]
        return [_finding("services.conservative_care_weeks", weeks, s, cue=a.cue),
                _finding("services.conservative_care", True, s),
                *(_finding("services.conservative_care_kinds", kind, s) for kind in kinds)]
    return []


#: Words without which a reader finds nothing in a sentence: most sentences are passed over for a few substring tests.
_ESI_WORDS = ("epidural", "esi", "nerve root", "snrb", "transforaminal", "interlaminar", "caudal")
_FRP_WORDS = ("restoration", "frp", "program", "baseline", "adequate", "thorough", "significant", "severe", "marked",
              "substantial", "loss of", "unable to", "dependent", "assistance", "help", "independen", "motivat",
              "willing", "desire", "wants", "wishes", "eager", "committed", "secondary gain", "predictor", "exhaust",
              "other option", "other alternative", "surg", "operative", "disciplinary", "evaluat", "assess", "screen")
_PSY_WORDS = ("psych", "cbt", "cognitive", "counsel", "biofeedback")
_SPAN_WORDS = ("day", "week", "wk", "month", "mo", "year", "yr")


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def program_findings(s: Sentence, previous: Sentence | None, assessor: Assessor,
                     context: Requested = Requested()) -> list[Finding]:
    """Every fact of the injection and program criteria in one factual sentence (``previous``: the factual sentence
    before it in the same section, whose injection the result in ``s`` may belong to; ``context``: what is requested,
    :func:`requested`)."""
    low = s.text.lower()
    if previous is not None and (previous.section != s.section or not _mentions(previous.text.lower(), _ESI_WORDS)):
        previous = None
    esi = previous is not None or _mentions(low, _ESI_WORDS)
    found = [*(_esi(s, previous, assessor, set(context.esi_regions)) if esi else ()),
             *(_frp(s, assessor, context.program) if _mentions(low, _FRP_WORDS) else ()),
             *(_psychotherapy(s, assessor) if _mentions(low, _PSY_WORDS) else ()),
             *(_care_weeks(s, assessor) if _mentions(low, _SPAN_WORDS) else ())]
    if found and _GENERAL.search(s.text):
        found = [f for f in found if f.value is False]   # only what the records are said to lack
    return found
