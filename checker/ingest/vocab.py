"""Vocabulary of the fact extractor: mention patterns, what an affirmed or negated mention means,
diagnosis categories and date parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["BOOLEAN_CONCEPTS", "Concept", "DATE_RE", "diagnosis_categories", "iso_date"]

DATE_RE = r"(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{4}|\d{2})\b"


MONTH_DATE_RE = (r"(January|February|March|April|May|June|July|August|September|October|November|December|"
                 r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+(\d{1,2}),?\s+(\d{4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
ANY_DATE = re.compile(DATE_RE + "|" + MONTH_DATE_RE, re.I)


def date_of(m: re.Match[str]) -> str | None:
    """ISO date of an :data:`ANY_DATE` match."""
    g = m.groups()
    if g[0] is not None:
        return iso_date(f"{g[0]}/{g[1]}/{g[2]}")
    try:
        return date(int(g[5]), _MONTHS.index(g[3][:3].lower()) + 1, int(g[4])).isoformat()
    except ValueError:
        return None


def iso_date(text: str) -> str | None:
    """'11/10/2016', '03-07-01' -> ISO date, or None."""
    m = re.fullmatch(r"\s*" + DATE_RE + r"\s*", text or "")
    if not m:
        return None
    month, day, year = (int(g) for g in m.groups())
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class Concept:
    """A mention pattern and the value of each fact it sets when affirmed or negated (None: nothing)."""

    name: str
    pattern: re.Pattern[str]
    facts: tuple[str, ...]
    when_affirmed: bool | None = True
    when_negated: bool | None = False
    history_counts: bool = True  # "history of X" still documents X
    rationale_only: bool = False
    hypothetical_counts: bool = False  # a plan documents the fact ("surgery was recommended": surgery considered)


def _p(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.I)


UDS = _p(
    r"urine\s+(?:drug\s+)?(?:screen(?:ing)?s?|tests?|testing|toxicology(?:\s+screens?)?|toxicology)",
    r"urine\s+drug\s+(?:screen(?:ing)?s?|tests?|testing)",
    r"UDS",
    r"UDT",
    r"random\s+drug\s+(?:testing|tests?|screens?)",
    r"drug\s+(?:screen(?:ing)?s?|testing|tests?)",
    r"toxicology\s+(?:screens?|reports?|testing)",
)

#: "tried and failed", "trial and failure of", "trying and failing", "failed", "refractory to" ...
TRIED_FAILED = (
    r"(?:(?:tri(?:ed|aled|alled)|trying|trialing|trialling)\s+and\s+(?:failed|failing)|(?:trials?|trails?)\s+and\s+"
    r"failure\s+(?:of|with)|failed\s+(?:trials?\s+(?:of|with)\s+)?|failure\s+(?:of|with)|"
    r"(?:refractory|unresponsive|not\s+responsive)\s+to|tri(?:ed|aled))"
    r"(?:\s+(?:a|an|the|all|available|methods\s+of|proper|adequate|recent|multiple|other|more|classic|alternative,?|"
    r"prior|previous|liquid|forms?\s+of|course\s+of|trials?\s+of|oral)){0,5}\s+"
)
FIRST_LINE = (
    r"(?:first[\s-]*line(?:\s+(?:oral\s+)?(?:medications?|treatments?|therap(?:y|ies)|agents?|drugs?|analgesics?))?|"
    r"non-?\s*opi(?:oid|ate)\s+(?:analgesic\s+)?(?:analgesics?|medications?|pain\s+medications?|options?|treatments?)|"
    r"(?:oral\s+)?NSAIDs?|acetaminophen|tylenol|non-?\s*steroidal)"
)
OTHER_TREATMENTS = (
    r"(?:conservative\s+(?:care|treatments?|therap(?:y|ies)|management|measures|course\s+of\s+care|modalities|options?)|"
    r"(?:other\s+)?treatments?(?:\s+(?:methods?|modalities|options?))?|physical\s+therapy|"
    r"(?:other\s+)?(?:pain\s+management\s+)?(?:treatments?|modalities|therapies))"
)

BOOLEAN_CONCEPTS: tuple[Concept, ...] = (
    Concept("uds", UDS, ("monitoring.urine_drug_screen",)),
    Concept(
        "cures",
        _p(
            r"CURES(?:\s+reports?)?",
            r"PDMP",
            r"prescription\s+(?:drug\s+)?monitoring\s+(?:program|database)",
            r"state\s+prescription\s+(?:drug\s+)?(?:database|monitoring)",
        ),
        ("monitoring.cures_checked",),
    ),
    Concept(
        "agreement",
        _p(
            r"(?:pain|opioid|narcotic|medication|opiate)\s+(?:treatment\s+)?(?:contracts?|agreements?)",
            r"treatment\s+agreements?",
            r"signed\s+(?:opioid\s+)?(?:agreement|contract)",
            r"contracting(?:/compliance)?\s+plans?",
        ),
        ("monitoring.pain_agreement",),
    ),
    Concept(
        "risk_screening",
        _p(
            r"screen(?:ing|ed)?\s+for\s+(?:the\s+)?risk\s+of\s+(?:addiction|abuse|misuse|adverse)",
            r"risk\s+(?:of\s+addiction\s+)?screening",
            r"opioid\s+risk\s+tool",
            r"ORT",
            r"SOAPP",
            r"addiction\s+risk\s+(?:assessment|screening)",
            r"risk\s+assessment",
            r"(?:review|assessment|evaluation|screening)\s+(?:of|for)\s+(?:the\s+)?risks?\s+(?:of|for)\s+(?:misuse|"
            r"abuse|addiction|aberrant)",
        ),
        ("monitoring.risk_screening",),
    ),
    Concept(
        "flare",
        _p(r"acute\s+(?:exacerbation|flare(?:[\s-]*ups?)?)", r"flare(?:[\s-]*ups?)?", r"exacerbations?"),
        ("clinical.acute_exacerbation",),
        history_counts=False,
    ),
    Concept(
        "spasm", _p(r"(?:muscle|muscular|paraspinal|paravertebral)?\s*spasms?", r"spasming"), ("clinical.muscle_spasm",)
    ),
    Concept(
        "spasticity", _p(r"spasticity", r"multiple\s+sclerosis", r"spinal\s+cord\s+injury"), ("clinical.spasticity",)
    ),
    Concept("new_injury", _p(r"new\s+(?:injury|injuries|trauma)"), ("clinical.new_injury",), history_counts=False),
    Concept(
        "neuro_deficit",
        _p(r"progressive\s+neurologic(?:al)?\s+(?:deficits?|findings?|loss)"),
        ("clinical.progressive_neurological_deficit",),
    ),
    Concept(
        "post_op",
        _p(
            r"post-?\s*operative(?:ly)?",
            r"post-?\s*op",
            r"postsurgical",
            r"post-?\s*surgical\s+pain",
            r"(?:after|following)\s+(?:the\s+|his\s+|her\s+)?(?:recent\s+)?surgery",
        ),
        ("clinical.post_operative",),
        history_counts=False,
    ),
    Concept(
        "severe_acute_injury",
        _p(
            r"(?:rib|vertebral|vertebra|compression|pelvic|pelvis|femur|femoral|skull|spinal|spine|acute|multiple|several|"
            r"comminuted|displaced|open)\s+(?:\w+\s+)?fractures?",
            r"crush(?:ing)?\s+injur(?:y|ies)",
            r"(?:severe|major|extensive)\s+(?:burns?|trauma)",
        ),
        ("clinical.severe_acute_injury",),
        when_negated=None,
        history_counts=False,
    ),
    Concept("depression", _p(r"depress(?:ion|ive|ed)"), ("clinical.depression",)),
    Concept("anxiety", _p(r"anxiety", r"anxious", r"panic\s+(?:attacks?|disorder)"), ("clinical.anxiety",)),
    Concept(
        "insomnia",
        _p(
            r"insomnia",
            r"sleep\s+(?:disturbances?|disorders?|difficult(?:y|ies)|problems?|issues?)",
            r"difficulty\s+(?:with\s+)?sleep(?:ing)?",
            r"trouble\s+sleeping",
            r"poor\s+sleep",
            r"(?:unable|inability)\s+to\s+sleep",
        ),
        ("clinical.insomnia",),
    ),
    Concept("nausea", _p(r"nausea", r"nauseated", r"vomiting", r"emesis"), ("clinical.nausea",)),
    Concept("hypertension", _p(r"hypertension", r"high\s+blood\s+pressure", r"HTN"), ("clinical.hypertension",)),
    Concept(
        "renal",
        _p(r"renal\s+(?:disease|insufficiency|failure|impairment)", r"kidney\s+disease", r"CKD"),
        ("clinical.renal_disease",),
    ),
    Concept(
        "cardio",
        _p(
            r"cardiovascular\s+(?:disease|risk|events?|history)",
            r"coronary\s+artery\s+disease",
            r"myocardial\s+infarction",
            r"heart\s+(?:disease|attack|failure)",
        ),
        ("clinical.cardiovascular_disease",),
    ),
    Concept(
        "dyspepsia",
        _p(
            r"dyspepsia",
            r"(?:GI|gastrointestinal)\s+(?:upset|symptoms?|complaints?|issues?|problems?|"
            r"distress|side\s+effects?|discomfort)",
            r"gastritis",
            r"heartburn",
            r"acid\s+reflux",
            r"GERD",
            r"gastro-?esophageal\s+reflux",
            r"stomach\s+(?:upset|pain|irritation|problems?)",
            r"upset\s+stomach",
            r"abdominal\s+(?:pain|discomfort)",
            r"epigastric\s+pain",
            r"(?:complaints?|symptoms?|history)\s+of\s+(?:GI|gastrointestinal)\s+(?:events?|issues?|disturbances?)",
            r"(?:GI|gastrointestinal)\s+(?:disturbances?|irritation)",
        ),
        ("nsaid.dyspepsia",),
    ),
    Concept(
        "ulcer",
        _p(
            r"peptic\s+ulcers?(?:\s+disease)?",
            r"(?:GI|gastrointestinal)\s+(?:bleed(?:ing|s)?|hemorrhage|"
            r"perforation)",
            r"(?:gastric|duodenal|stomach)\s+ulcers?",
            r"ulcers?",
            r"perforation",
            r"bleeding\s+ulcers?",
        ),
        ("gi_risk.peptic_ulcer_bleeding_perforation",),
    ),
    Concept(
        "aspirin",
        _p(
            r"aspirin",
            r"ASA",
            r"(?:cortico)?steroids?(?!\s+injections?)",
            r"prednisone",
            r"anticoagula(?:nts?|tion)",
            r"warfarin",
            r"coumadin",
            r"blood\s+thinners?",
            r"eliquis",
            r"xarelto",
            r"plavix",
            r"clopidogrel",
        ),
        ("gi_risk.aspirin_corticosteroid_anticoagulant",),
    ),
    Concept(
        "gi_risk_any",
        _p(
            r"(?:risk\s+factors?|risks?)\s+(?:for|of)\s+(?:a\s+|developing\s+(?:a\s+)?)?"
            r"(?:GI|gastrointestinal)\s+(?:events?|complications?|bleeding|issues?)",
            r"(?:GI|gastrointestinal)\s+risk(?:\s+factors?)?",
            r"at\s+(?:increased\s+)?risk\s+for\s+"
            r"(?:GI|gastrointestinal)",
        ),
        (
            "gi_risk.peptic_ulcer_bleeding_perforation",
            "gi_risk.aspirin_corticosteroid_anticoagulant",
            "gi_risk.high_dose_multiple_nsaid",
        ),
        when_affirmed=None,
    ),
    Concept(
        "first_line",
        _p(
            r"(?:tri(?:ed|aled)|trialed|failed)\s+(?:and\s+failed\s+)?(?:a\s+)?(?:trial\s+of\s+)?"
            r"(?:first[\s-]*line|non-?\s*opioid|oral\s+NSAIDs?|NSAIDs?|acetaminophen|tylenol|"
            r"non-?\s*steroidal)",
            r"(?:failure|failed\s+trials?|trial\s+and\s+failure)\s+of\s+(?:first[\s-]*line|non-?\s*opioid|"
            r"NSAIDs?|acetaminophen)",
            r"first[\s-]*line\s+(?:medications?|treatments?|therap(?:y|ies)|"
            r"agents?|drugs?|analgesics?)\s+(?:have\s+|has\s+)?failed",
            TRIED_FAILED + FIRST_LINE,
            r"failed\s+conservative\s+(?:care|treatments?|therapy|management)(?:\s+options?)?\s+(?:to\s+include|including|"
            r"such\s+as|of)\s+[^.;]{0,60}?\b(?:NSAIDs?|acetaminophen|anti-?inflammator\w+)",
            r"(?:other\s+)?non-?\s*opi(?:oid|ate)\s+(?:medications?|analgesics?)\s+(?:have\s+|has\s+)?fail(?:ed|s)?"
            r"(?:\s+to\s+provide\s+relief)?",
            # coordinated: "failure of other conservative modalities or first-line medications"
            TRIED_FAILED + r"(?:[\w-]+\s+){0,4}(?:or|and)\s+" + FIRST_LINE,
            # "first-line medications or treatment were attempted"
            FIRST_LINE + r"(?:\s+(?:or|and)\s+[\w-]+)?\s+(?:were|was|have\s+been|had\s+been)\s+"
            r"(?:attempted|tried|trialed)",
        ),
        ("prior_treatment.first_line_failed",),
    ),
    Concept(
        "neuro_first_line",
        _p(
            r"(?:tri(?:ed|aled)|failed|failure\s+of|trial\s+of)\s+(?:and\s+failed\s+)?"
            r"(?:a\s+)?(?:first[\s-]*line\s+)?(?:neuropathic\s+(?:pain\s+)?medications?|"
            r"antidepressants?|anti-?depressants?|anticonvulsants?|anti-?epilepsy\s+drugs?|"
            r"AEDs?|tricyclics?|SNRIs?|gabapentin|lyrica|pregabalin)",
            r"first[\s-]*line\s+(?:therapy|treatment|medications?)\s+(?:for\s+neuropathic\s+pain|"
            r"\(?(?:antidepressants?|anticonvulsants?|tri-?cyclic|AED))",
        ),
        ("prior_treatment.neuropathic_first_line_failed",),
    ),
    Concept(
        "conservative",
        _p(
            r"(?:tri(?:ed|aled)|failed)\s+(?:and\s+failed\s+)?(?:a\s+)?(?:proper\s+|adequate\s+|"
            r"recent\s+)?(?:course\s+of\s+)?(?:conservative\s+(?:care|treatments?|therapy|management|"
            r"measures)|physical\s+therapy|other\s+treatments?)",
            r"failed\s+conservative",
            r"(?:refractory|unresponsive)\s+to\s+(?:conservative|"
            r"other\s+treatments?)",
            TRIED_FAILED + OTHER_TREATMENTS,
        ),
        ("prior_treatment.other_treatments_failed",),
    ),
    Concept(
        "multidisciplinary",
        _p(
            r"multidisciplinary",
            r"cognitive\s+behaviou?ral\s+therapy",
            r"CBT",
            r"functional\s+restoration",
            r"graded\s+exercise",
        ),
        ("prior_treatment.multidisciplinary_care",),
        when_affirmed=None,
    ),
    Concept(
        "dependency",
        _p(
            r"(?:decreased|reduced|reduction\s+(?:in|of))\s+(?:the\s+)?(?:dependency|reliance|"
            r"(?:pharmacological|medication)\s+(?:dosing|use|intake|usage)|medical\s+utilization|"
            r"use\s+of\s+(?:medications?|opioids?))"
        ),
        ("function.dependency_reduced",),
    ),
    Concept(
        "instrument",
        _p(
            r"(?:numerical|functional|function)\s+(?:rating\s+)?scales?",
            r"validated\s+instruments?",
            r"Oswestry",
            r"ODI",
            r"pain\s+disability\s+index",
            r"PDI",
            r"BPI",
            r"brief\s+pain\s+inventory",
        ),
        ("function.measured_improvement",),
        when_affirmed=None,
    ),
    Concept(
        "short_term",
        _p(
            r"short[\s-]*(?:term|course)\s*(?:use|course|treatment|therapy|trial|basis|duration)?",
            r"(?:intention|plan|intent)\s+to\s+treat\s+over\s+a\s+short\s+course",
            r"limited\s+course",
        ),
        ("request.short_term_plan",),
        when_affirmed=None,
        rationale_only=False,
    ),
    Concept(
        "weaning",
        _p(
            r"wean(?:ing)?\s+(?:plan|schedule|process|attempt)",
            r"taper(?:ing)?\s+(?:plan|schedule)",
            r"(?:plan|attempt)\s+(?:to|for)\s+(?:wean|taper)(?:ing)?",
            r"being\s+(?:weaned|tapered)",
            r"weaning",
            r"tapering",
        ),
        ("request.weaning_plan",),
    ),
    Concept(
        "goals",
        _p(r"treatment\s+goals?", r"goals?\s+of\s+(?:treatment|therapy)", r"functional\s+goals?"),
        ("request.treatment_goals",),
    ),
    Concept(
        "prn_freq",
        _p(
            r"(?:frequency|how\s+often|number\s+of\s+times)\s+(?:of\s+)?(?:use|usage|(?:the\s+)?"
            r"breakthrough|dosing|(?:the\s+)?medication|the\s+patient\s+(?:takes|uses|used|took))"
        ),
        ("request.prn_frequency_documented",),
    ),
    Concept(
        "indication",
        _p(
            r"(?:rationale|reason|indication|medical\s+indication|clinical\s+indication)s?\s+"
            r"(?:for|to\s+support|of)\s+(?:prescribing|the\s+(?:use|prescription|continued\s+use)|"
            r"this\s+medication|continued|its\s+use|the\s+(?:medication|request|requested))",
            r"(?:reason|rationale)\s+for\s+(?:prescribing|the\s+medication)",
        ),
        ("request.indication_documented",),
        when_affirmed=None,
    ),
    Concept(
        "oral_unsuitable",
        _p(
            r"(?:intoleran(?:ce|t)|unable\s+to\s+tolerate|cannot\s+tolerate|could\s+not\s+tolerate|"
            r"contraindicat\w+)\s+(?:to\s+|of\s+|for\s+)?(?:oral|PO)\s+(?:medications?|NSAIDs?|"
            r"analgesics?|agents?|drugs?|pain\s+medications?)",
            r"(?:oral|PO)\s+(?:medications?|NSAIDs?|analgesics?)\s+(?:were|are|was|is)\s+"
            r"(?:not\s+tolerated|contraindicated)",
        ),
        ("request.oral_route_unsuitable",),
    ),
    Concept(
        "failed_alternatives",
        _p(
            r"(?:tri(?:ed|aled)|failed)\s+(?:and\s+failed\s+)?(?:other|alternative|"
            r"previous|prior)\s+(?:muscle\s+relaxants?|medications?|agents?|treatments?|"
            r"options?)",
            r"failure\s+of\s+(?:other|alternative)\s+\w+",
        ),
        ("request.failed_alternatives",),
    ),
    Concept(
        "adverse_doc",
        _p(
            r"(?:documentation|evidence|discussion|assessment|monitoring)\s+(?:of|regarding)\s+"
            r"(?:any\s+)?(?:adverse|side)\s+(?:effects?|events?)"
        ),
        ("request.adverse_effects_assessed",),
    ),
    Concept(
        "aberrant_doc",
        _p(
            r"(?:documentation|evidence|discussion|assessment|monitoring)\s+(?:of|regarding|for)\s+"
            r"(?:any\s+)?aberrant\s+(?:drug[\s-]*(?:taking|related|seeking)\s+)?behaviou?rs?"
        ),
        ("request.aberrant_behavior_assessed",),
    ),
)


# ---------------------------------------------------------------------------------------------
# Diagnosis categories
# ---------------------------------------------------------------------------------------------

_CATEGORY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("low_back_pain", r"lumb|low(?:er)?\s+back|lumbago|\bL[1-5]\b|sacroil|\bSI\s+joint|sacral|coccy"),
        ("neck_pain", r"cervic|\bneck\b|\bC[2-7]\b"),
        ("thoracic_pain", r"thoracic|mid[\s-]*back|upper\s+back|dorsal\s+spine|\bT\d{1,2}\b"),
        ("radiculopathy", r"radicul|sciatica|radiating|neuritis|nerve\s+root"),
        ("neuropathic_pain", r"neuropath|neuralgia|neuritis|carpal\s+tunnel|cubital\s+tunnel|tarsal\s+tunnel"),
        ("osteoarthritis", r"osteoarthr|\barthritis|degenerative\s+joint|\bDJD\b|arthrosis|\bOA\b|chondromalacia"),
        ("tendinitis", r"tendin|tendon|tenosynov|epicondyl|\bde\s+quervain|trigger\s+finger"),
        ("sprain_strain", r"sprain|strain"),
        ("fracture", r"fractur"),
        ("crps", r"\bCRPS\b|complex\s+regional|reflex\s+sympathetic|\bRSD\b|causalgia"),
        ("fibromyalgia", r"fibromyalg"),
        ("myofascial_pain", r"myofasc|myalgia|myositis|trigger\s+points?|muscle\s+spasm"),
        ("headache", r"headache|migraine|cephalg"),
        ("spasticity", r"spastic"),
        ("depression", r"depress"),
        ("anxiety", r"anxiety|panic"),
        ("insomnia", r"insomnia|sleep"),
        ("gi_disorder", r"gastr|\bGERD\b|reflux|ulcer|dyspeps|esophag|bowel|constipation|\bhernias?\b"),
        ("cancer_pain", r"cancer|malignan|carcinoma|tumou?r|metasta"),
        (
            "post_surgical",
            r"status\s+post|\bs/p\b|post-?\s*(?:op|surg|laminectomy|fusion)|failed\s+back|"
            r"post-?laminectomy|arthroplasty|replacement",
        ),
        (
            "shoulder",
            r"shoulder|rotator\s+cuff|impingement|glenohumeral|acromio|labr(?:al|um)\s+tear|adhesive\s+capsul",
        ),
        ("knee", r"\bknee|patell|menisc|\bACL\b|\bMCL\b"),
        ("hip", r"\bhips?\b|femoroacetabular|trochanter"),
        ("hand_wrist", r"\bhands?\b|wrist|carpal|finger|thumb|de\s+quervain|metacarpal"),
        ("elbow", r"elbow|epicondyl|olecranon|cubital"),
        ("ankle_foot", r"ankle|\bfoot\b|\bfeet\b|plantar|heel|\btoes?\b|achilles|metatars|calcane"),
    )
)


def diagnosis_categories(text: str) -> list[str]:
    """Categories of a diagnosis as written (``other`` when none applies)."""
    found = [name for name, pattern in _CATEGORY_PATTERNS if pattern.search(text)]
    return found or ["other"]


def has_category(text: str) -> bool:
    """Does the text name any known category?"""
    return any(pattern.search(text) for _, pattern in _CATEGORY_PATTERNS)
