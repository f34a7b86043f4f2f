"""Facts the surgery criteria read (``services.imaging_lesion``, ``services.electrodiagnostic_abnormal``,
``services.dislocation``), from the factual sentences of a letter.

A study sentence documents a lesion when an imaging study (MRI, CT, arthrogram, X-ray) "revealed", "showed" or
"demonstrated" a tear, a herniation or a compression; a report of wear only (degenerative change, a disc bulge) or a
normal study ("the MRI was unremarkable", "no tear") documents its absence; an electrodiagnostic study documents the
nerve lesion the same way. A hedged finding ("possible partial tear") documents nothing. In a general statement (a
guideline paraphrase) only absences count, as for the other service facts.
"""

from __future__ import annotations

import re
from typing import Any

from checker.ingest.findings import Assessor, Finding
from checker.ingest.findings import finding as _finding
from checker.ingest.sentences import Sentence
from checker.ingest.service_facts import _GENERAL
from checker.ingest.vocab import Concept, _p

__all__ = ["SURGERY_CONCEPTS", "surgery_findings"]

_REPORTED_RX = re.compile(r"(?:revealed|reveals|revealing|reveal|showed|shows|demonstrated|demonstrates|noted|"
                          r"documented|indicated|confirmed|"
                          r"was\s+(?:significant|positive|consistent|remarkable)\s+(?:for|with)|consistent\s+with|"
                          r"positive\s+for|evidence\s+of|findings\s+of|with)", re.I)
_WEAR = re.compile(r"\b(?:degenerat\w+|(?:disc|disk)\s+bulg\w*|bulging|spondylosis|osteophyt\w*|arthriti\w*|"
                   r"arthropathy)\b", re.I)
_IMAGING_STUDY = re.compile(r"\b(?:MRI|MR\s+arthrogram|magnetic\s+resonance(?:\s+imaging)?|CT(?:\s+scan)?|"
                            r"computed\s+tomography|arthrogram|x-?rays?|radiographs?|ultrasound)\b", re.I)
_LESION = re.compile(
    r"\b(?:(?:full|partial)[\s-]thickness\s+)?(?:tear(?:s|ing)?|torn|rupture[sd]?|herniat\w+|extru\w+|protru\w+|"
    r"stenosis|(?:nerve\s+root|thecal\s+sac|cord|foraminal)\s+(?:compression|impingement|"
    r"narrowing|effacement)|compress\w+|fractures?|dislocat\w+|Bankart\s+lesion|Hill[\s-]Sachs|SLAP\s+lesion|"
    r"labral\s+(?:tear|lesion|detachment)|spondylolisthesis)\b", re.I)
_IMAGING_NORMAL = re.compile(
    r"\b(?:MRI|CT(?:\s+scan)?|x-?rays?|radiographs?|imaging)\b[^.;]{0,60}?\b(?:(?:was|were|is|are)|"
    r"(?:revealed|showed|demonstrated)\s+(?:an?\s+)?)\s*(?:normal|unremarkable|negative|within\s+normal\s+limits)\b",
    re.I)
_EDX_STUDY = re.compile(r"\b(?:EMG|NCV|NCS|electromyograph\w*|nerve\s+conduction(?:\s+(?:velocity|stud(?:y|ies)|"
                        r"tests?))?|electrodiagnostic(?:\s+stud(?:y|ies))?)\b", re.I)
_EDX_LESION = re.compile(r"\b(?:radiculopathy|carpal\s+tunnel(?:\s+syndrome)?|(?:median|ulnar|peroneal)\s+"
                         r"(?:neuropathy|nerve\s+entrapment)|neuropathy|denervation|entrapment|abnormal)\b", re.I)
_EDX_NORMAL = re.compile(
    r"\b(?:EMG|NCV|NCS|nerve\s+conduction\s+stud\w+|electrodiagnostic\s+stud\w+)\b[^.;]{0,60}?\b(?:was|were|is|are)\s+"
    r"(?:normal|unremarkable|negative|within\s+normal\s+limits)\b", re.I)

SURGERY_CONCEPTS: tuple[Concept, ...] = (
    # "No other dislocation event" does not undo the first: a denial documents nothing.
    Concept("dislocation", _p(r"dislocat(?:ion|ions|ed)", r"recurrent\s+subluxations?"), ("services.dislocation",),
            when_negated=None),
)


def _study_finding(s: Sentence, assessor: Assessor, study: re.Pattern[str], lesion: re.Pattern[str],
                   normal: re.Pattern[str], fact: str, wear: re.Pattern[str] | None = None) -> list[Finding]:
    """``fact`` from a study sentence: True when the study reports the lesion, False when it is reported normal
    (or reports only ``wear``, findings that are no lesion)."""
    m = study.search(s.text)
    if m is None:
        return []
    n = normal.search(s.text)
    if n is not None:
        a = assessor(s.text, n.start(), n.end())
        if not (a.negated or a.uncertain or a.hypothetical):
            return [_finding(fact, False, s, cue=a.cue)]
    reported = _REPORTED_RX.search(s.text, m.end())
    if reported is None:
        return []
    if wear is not None and not lesion.search(s.text, reported.start()):
        # A report of wear only ("revealed multilevel degenerative changes", "a 2-mm disc bulge"): no surgical lesion.
        worn = wear.search(s.text, reported.start())
        if worn is not None:
            a = assessor(s.text, worn.start(), worn.end())
            if not (a.negated or a.uncertain or a.hypothetical):
                return [_finding(fact, False, s, cue=a.cue)]
        return []
    for found in lesion.finditer(s.text, reported.start()):
        # Findings come as lists ("meniscal tearing, effusion, possible partial tear"): a hedge or a negation
        # speaks for its own list entry only.
        start = max(s.text.rfind(",", 0, found.start()), s.text.rfind(";", 0, found.start()), reported.start() - 1) + 1
        ends = [i for i in (s.text.find(",", found.end()), s.text.find(";", found.end())) if i >= 0]
        entry = s.text[start:min(ends) if ends else len(s.text)]
        a = assessor(entry, found.start() - start, found.end() - start)
        if a.uncertain or a.hypothetical:
            continue
        if not a.negated:   # "no imaging or electrodiagnostic evidence of radiculopathy": the study is what is denied
            denied = assessor(s.text, m.start(), m.end())
            if denied.negated:
                return [_finding(fact, False, s, cue=denied.cue)]
        return [_finding(fact, not a.negated, s, cue=a.cue)]
    return []


def surgery_findings(s: Sentence, assessor: Assessor, concepts: Any) -> list[Finding]:
    """Every surgery fact in one factual sentence (``concepts`` reads the boolean concepts)."""
    found = [*concepts(s, assessor, [], SURGERY_CONCEPTS),
             *_study_finding(s, assessor, _IMAGING_STUDY, _LESION, _IMAGING_NORMAL, "services.imaging_lesion", _WEAR),
             *_study_finding(s, assessor, _EDX_STUDY, _EDX_LESION, _EDX_NORMAL, "services.electrodiagnostic_abnormal")]
    if _GENERAL.search(s.text):
        found = [f for f in found if f.value is False]
    return found
