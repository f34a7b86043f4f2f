"""Assertion status of a mention in a sentence: negated, uncertain, hypothetical or historical.

A NegEx/ConText-style scoped-cue algorithm tuned to IMR letters: a cue governs the mentions that
follow it (pre-cues) or precede it (post-cues) within its clause; a terminator ("but", "however",
";" ...) closes the scope. Pseudo-cues ("no change", "not only", "without difficulty") are masked
first so that they trigger nothing. The cue lists are the reviewers' own phrasings of missing
documentation ("There is no evidence of", "was not provided", "a lack of ... noted").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Assertion", "assess"]


@dataclass(frozen=True)
class Assertion:
    """How a mention is asserted; ``cue`` is the cue that decided it, if any."""

    negated: bool = False
    uncertain: bool = False
    hypothetical: bool = False
    historical: bool = False
    cue: str | None = None

    @property
    def affirmed(self) -> bool:
        return not (self.negated or self.uncertain or self.hypothetical)


def _words(*cues: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(cues) + r")(?![\w-])", re.I)


_PSEUDO = _words(
    r"no\s+(?:significant\s+)?(?:change|changes|increase|decrease|improvement\s+in\s+pain\s+without)",
    r"not\s+only", r"no\s+further", r"without\s+(?:difficulty|problems?|complications?)",
    r"not\s+(?:been\s+)?(?:effective|helpful|beneficial|tolerated|able)", r"no\s+longer",
    r"not\s+responded", r"fail(?:ed|s)?\s+to\s+(?:improve|respond|relieve)", r"no\s+relief", r"not\s+relieved",
    r"negative\s+(?:straight|slr|spurling)",
)
_PRE_NEG = _words(
    r"no", r"not", r"nor", r"none", r"never", r"without", r"denie[sd]", r"deny(?:ing)?", r"negative\s+for",
    r"free\s+of", r"absence\s+of", r"absent", r"lack(?:s|ed|ing)?(?:\s+of)?", r"(?:there\s+(?:is|was|are|were)\s+)?"
    r"no\s+(?:evidence|documentation|indication|mention|record|report|notation|objective\s+evidence|"
    r"clear\s+(?:evidence|documentation|indication))(?:\s+(?:of|that|to\s+suggest|noted|provided))?",
    r"fail(?:s|ed)?\s+to\s+(?:document|show|demonstrate|indicate|provide|mention|note|identify|describe|reveal)",
    r"did\s+not\s+(?:document|show|demonstrate|indicate|provide|mention|note|identify|describe|reveal|include)",
    r"does\s+not\s+(?:document|show|demonstrate|indicate|provide|mention|note|identify|describe|reveal|include)",
    r"do\s+not\s+(?:document|show|demonstrate|indicate|provide|mention|note|identify|describe|reveal|include)",
    r"insufficient(?:\s+(?:evidence|documentation))?(?:\s+of)?", r"unable\s+to\s+(?:find|locate|identify)",
    r"ruled\s+out", r"no\s+longer", r"nothing", r"neither",
)
_POST_NEG = _words(
    r"(?:is|are|was|were|has|have|had)\s+(?:also\s+)?(?:not|never)\s+(?:been\s+)?(?:provided|documented|noted|submitted|"
    r"checked|completed|conducted|reviewed|consulted|done|ordered|signed|"
    r"included|found|mentioned|performed|done|reported|available|given|evident|present|identified|described|"
    r"seen|completed|obtained|indicated|recorded|addressed|specified|discussed|established|stated|quantified|"
    r"objectively\s+documented|clearly\s+documented)",
    r"(?:is|are|was|were)\s+negative", r"(?:is|are|was|were)\s+absent", r"not\s+(?:documented|provided|noted)",
    r"(?:is|are|was|were)\s+(?:lacking|missing|unclear|not\s+clear)", r"(?:is|are|was|were)\s+unremarkable",
)
_UNCERTAIN = _words(
    r"possible", r"possibly", r"probable", r"probably", r"may", r"might", r"suspected", r"suspect(?:s)?",
    r"questionable", r"question\s+of", r"rule\s+out", r"r/o", r"unclear\s+(?:if|whether)", r"unknown",
    r"cannot\s+be\s+(?:determined|excluded)", r"unable\s+to\s+determine", r"appears?\s+to", r"seems?\s+to",
)
_HYPOTHETICAL = _words(
    r"if", r"should", r"would", r"could", r"recommended\s+(?:to|that)", r"will", r"plan(?:s|ned)?\s+(?:to|for)",
    r"consider(?:ed|ing)?", r"pending", r"in\s+case\s+of",
    r"(?:to\s+)?be\s+(?:performed|done|obtained|completed|checked)",
    r"recommend(?:s|ed)?", r"treatment\s+plan",
    r"request(?:ed|s)?\s+(?:for|a|an)", r"ordered", r"to\s+rule\s+out", r"to\s+confirm",
)
#: after the mention: "a urine drug screen (should) be performed prior to opioid trial"
_POST_HYPOTHETICAL = _words(
    r"(?:should|must|to|would|will)?\s*be\s+(?:performed|done|obtained|completed|checked|consulted|considered|ordered)"
)
_HISTORICAL = _words(r"history\s+of", r"previous(?:ly)?", r"prior", r"past", r"formerly", r"hx\s+of", r"h/o")
_TERMINATE = re.compile(
    r"(?<![\w-])(?:but|however|although|though|except|apart\s+from|aside\s+from|whereas|which|who|while|yet|"
    r"other\s+than|since|because|due\s+to|in\s+addition|additionally|further(?:more)?|and\s+(?:the|"
    r"there|he|she|it|his|her|this|that)|with\s+(?:pain|complaints?))(?![\w-])|[;:]|,\s*(?=and\s|but\s|which\s|"
    r"who\s|however)",
    re.I,
)
#: How far (in characters) a pre-cue reaches forward, and a post-cue backward.
PRE_WINDOW = 90
POST_WINDOW = 60


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: "_" * len(m.group(0)), text)


def _scope_start(text: str, start: int) -> int:
    """Start of the clause that holds position ``start``."""
    begin = 0
    for m in _TERMINATE.finditer(text, 0, start):
        begin = m.end()
    return begin


def _scope_end(text: str, end: int) -> int:
    m = _TERMINATE.search(text, end)
    return m.start() if m else len(text)


def _pre(pattern: re.Pattern[str], text: str, lo: int, start: int) -> str | None:
    best = None
    for m in pattern.finditer(text, lo, start):
        if m.end() <= start:
            best = m
    return best.group(0) if best else None


def assess(sentence: str, start: int, end: int, *, window: int = PRE_WINDOW) -> Assertion:
    """Assertion status of the mention at ``sentence[start:end]``."""
    start = max(0, min(start, len(sentence)))
    end = max(start, min(end, len(sentence)))
    masked = _mask(sentence, _PSEUDO)
    # the mention itself must not cue itself ("no urine drug screen" mention starts after "no")
    lo = max(_scope_start(masked, start), start - window)
    hi = min(_scope_end(masked, end), end + POST_WINDOW)
    cue = _pre(_PRE_NEG, masked, lo, start)
    if cue is None:
        m = _POST_NEG.search(masked, end, hi)
        cue = m.group(0) if m else None
    if cue is not None:
        return Assertion(negated=True, cue=cue.strip())
    unc = _pre(_UNCERTAIN, masked, lo, start) or _first(_UNCERTAIN, masked, end, hi)
    if unc:
        return Assertion(uncertain=True, cue=unc.strip())
    hyp = _pre(_HYPOTHETICAL, masked, lo, start) or _first(_POST_HYPOTHETICAL, masked, end, hi)
    if hyp:
        return Assertion(hypothetical=True, cue=hyp.strip())
    hist = _pre(_HISTORICAL, masked, lo, start)
    return Assertion(historical=bool(hist), cue=hist.strip() if hist else None)


def _first(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> str | None:
    m = pattern.search(text, lo, hi)
    return m.group(0) if m else None
