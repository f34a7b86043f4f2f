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

__all__ = ["Sentence", "split_sentences", "letter_sentences"]

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
    boilerplate: bool = False  # the fixed 2016 opioid-tapering paragraph

    @property
    def factual(self) -> bool:
        """May facts be read from this sentence?"""
        return not (self.verdict or self.boilerplate or self.guideline)


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


def _section(text: str, offset: int, section: str, item: int | None) -> list[Sentence]:
    out = []
    for sentence, s, e in split_sentences(text, offset):
        verdict, guideline, boiler = classify(sentence)
        # a sentence that opens inside a quotation quotes the guideline
        quoted = section == "rationale" and (text[: s - offset].count('"') % 2 == 1 or sentence.startswith('"'))
        out.append(Sentence(sentence, s, e, section, item, verdict, guideline or quoted, boiler))
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
