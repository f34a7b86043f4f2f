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
    r"(?:is|are|was|were)\s+(?:lacking|missing)", r"(?:is|are|was|were)\s+unremarkable",
)
_UNCERTAIN = _words(
    r"possible", r"possibly", r"probable", r"probably", r"may", r"might", r"suspected", r"suspect(?:s)?",
    r"questionable", r"question\s+of", r"rule\s+out", r"r/o",
    r"cannot\s+be\s+(?:determined|excluded)", r"unable\s+to\s+determine", r"appears?\s+to", r"seems?\s+to",
)
#: What the reviewer cannot tell from the records is neither present nor absent: "it is unclear if this is a
#: first-time request", "Current work status is unclear", "it is not known when the medication was first
#: initiated". These outrank the negation words they contain ("not").
_HEDGE = _words(
    r"(?:it\s+is\s+|it\s+was\s+)?(?:(?:also\s+)?unclear|not\s+(?:entirely\s+)?clear|not\s+known|unknown|uncertain)"
    r"(?:\s+(?:if|whether|as\s+to|of|when|how|what|why|exactly))*",
    r"likely",
)
_POST_HEDGE = _words(
    r"(?:is|are|was|were)\s+(?:(?:also\s+)?unclear|not\s+(?:entirely\s+)?clear|not\s+known|unknown|uncertain|likely)")
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
    r"other\s+than|since|because|due\s+to|as\s+(?:the\s+(?:patient|injured\s+worker|claimant)|he|she)|"
    r"in\s+addition|additionally|further(?:more)?|and\s+(?:the|"
    r"there|he|she|it|his|her|this|that)|with\s+(?:pain|complaints?))(?![\w-])|[;:]|,\s*(?=and\s|but\s|which\s|"
    r"who\s|however)",
    re.I,
)
#: Terminators that only coordinate ("A, and B"; "A and the B"): a missing-documentation cue carries across
#: them into a list ("fails to document A, B, and the CURES has been queried") or into a conjunct without
#: its own verb ("no indication of A, and B, to include C").
_COORDINATION = re.compile(r"(?<![\w-])and\s+(?:the|there|he|she|it|his|her|this|that)(?![\w-])|,\s*(?=and\s)", re.I)
_DOCUMENTATION_NEG = _words(
    r"no\s+(?:(?:objective|clear)\s+)?(?:evidence|documentation|indication|mention|record|report|notation)",
    r"lack(?:s|ed|ing)?\s+of", r"absence\s+of", r"insufficient",
    r"(?:fail(?:s|ed)?\s+to|did\s+not|does\s+not|do\s+not)\s+(?:document|show|demonstrate|indicate|provide|mention)",
)
_FINITE_VERB = _words(
    r"is", r"are", r"was", r"were", r"has", r"have", r"had", r"does", r"did", r"reports?", r"reported", r"states?",
    r"stated", r"complains?", r"complained", r"notes?", r"noted", r"shows?", r"showed", r"reveals?", r"revealed",
    r"underwent", r"takes", r"took",
)
#: "no indication the patient is on a high dose/multiple NSAID use": the negation bears on the qualifier,
#: not on the mention (the patient may well take an NSAID).
_QUALIFIER = _words(r"high[\s-]*dose", r"multiple", r"excessive")
#: How far (in characters) a pre-cue reaches forward, and a post-cue backward.
PRE_WINDOW = 90
POST_WINDOW = 60


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: "_" * len(m.group(0)), text)


def _scope_start(text: str, start: int, *, strong_only: bool = False) -> int:
    """Start of the clause that holds position ``start`` (``strong_only``: coordination does not end a clause)."""
    begin = 0
    for m in _TERMINATE.finditer(text, 0, start):
        if strong_only and _COORDINATION.match(text, m.start()):
            continue
        begin = m.end()
    return begin


def _carried(text: str, start: int) -> str | None:
    """A missing-documentation cue carried across coordination to the mention at ``start``, if any."""
    lo = max(_scope_start(text, start, strong_only=True), start - 250)
    joins = list(_COORDINATION.finditer(text, lo, start))
    if not joins:
        return None
    cue = None
    for m in _DOCUMENTATION_NEG.finditer(text, lo, joins[-1].start()):
        cue = m
    if cue is None:
        return None
    following = [j for j in joins if j.start() >= cue.end()]
    listed = "," in text[cue.end(): following[0].start()] if following else False
    if not listed and _FINITE_VERB.search(text, following[0].end() if following else cue.end(), start):
        return None
    return cue.group(0)


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
    hedge = _pre(_HEDGE, masked, lo, start) or _first(_POST_HEDGE, masked, end, hi)
    if hedge:
        return Assertion(uncertain=True, cue=hedge.strip())
    cue = _pre(_PRE_NEG, masked, lo, start)
    if cue is None:
        m = _POST_NEG.search(masked, end, hi)
        cue = m.group(0) if m else None
    if cue is None:
        cue = _carried(masked, start)
    if cue is not None:
        cue_at = masked.rfind(cue, 0, start)
        qualifier = _QUALIFIER.search(masked, cue_at + len(cue), start) if cue_at >= 0 else None
        if qualifier:
            return Assertion(uncertain=True, cue=f"{cue.strip()} ... {qualifier.group(0)}")
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
