"""Facts the service criteria read (``services.*``), from the factual sentences of a letter.

Red flags, objective neurological and structural findings, radiating symptoms, conservative care given and whether
it failed, surgery considered or certified, earlier imaging and electrodiagnostic studies, home exercise, and for
each therapy (physical, chiropractic, acupuncture) the visits completed and whether they brought functional
improvement. Every finding carries its sentence; negation and uncertainty come from the scoped-cue assessor
(``checker.ingest.context``): "no red flags" documents their absence, "possible radiculopathy" documents nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from checker.facts.services import default_service_catalog
from checker.ingest.findings import Assessor, Finding
from checker.ingest.findings import finding as _finding
from checker.ingest.sentences import Sentence
from checker.ingest.vocab import ANY_DATE, Concept, _p, date_of

__all__ = ["SERVICE_CONCEPTS", "CHRONIC_PAIN_SERVICE_CONCEPTS", "service_findings", "chronic_pain_service_findings"]

_THERAPY = (r"(?:physical\s+therapy|physiotherapy|PT|occupational\s+therapy|OT|"
            r"chiropractic(?:\s+(?:care|treatments?|therapy))?|chiro|manipulation|acupuncture)")
#: A limb or a part of one that radiating symptoms reach, and the side named before it.
_LIMB = (r"arms?|legs?|lower\s+extremit\w+|upper\s+extremit\w+|lower\s+limbs?|upper\s+limbs?|buttocks?|thighs?|calf|"
         r"calves|feet|foot|hands?|fingers?|toes?")
_SIDE = r"(?:(?:bilateral|left|right|both|the\s+(?:left|right))\s+)?(?:(?:upper|lower|anterior|posterior)\s+)?"
#: The name of a surgical procedure.
_SURGERY = (r"(?:surgery|surgical\s+(?:intervention|procedure|treatment|consult\w*)|arthroscop\w*|decompression|fusion|"
            r"reconstruction|arthroplasty|revision|ACDF|TKA|THA|hardware\s+removal|\w*(?:ectomy|otomy)|"
            r"(?:joint|knee|hip|shoulder)\s+replacement|(?:cuff|labral|"
            r"meniscal|meniscus|ligament|tendon|Bankart|SLAP)\s+repair|(?:carpal|cubital)\s+tunnel\s+release)")
#: A word between a request and the procedure it names, unless it says the procedure is already behind ("physical
#: therapy following the rotator cuff repair", "post-operative therapy after the fusion").
_NOT_AFTER = r"(?:(?!(?:after|following|post|status|s/p|therapy|sessions?|visits?)\b)[\w/-]+\s+)"
_NEURO_EXAM = (r"(?:neuro(?:logic(?:al)?)?\s+(?:exam(?:ination)?|findings)|sensation|sensory\s+exam(?:ination)?|"
               r"reflexes|motor\s+(?:strength|exam(?:ination)?)|strength)")

SERVICE_CONCEPTS: tuple[Concept, ...] = (
    Concept("red_flag_condition", _p(
        r"cauda\s+equina(?:\s+syndrome)?", r"saddle\s+an(?:a)?esthesia",
        r"(?:bowel|bladder)\s+(?:or\s+(?:bowel|bladder)\s+)?(?:incontinence|dysfunction)",
        r"progressive\s+(?:neurologic(?:al)?\s+)?(?:deficits?|weakness)"), ("services.red_flags",)),
    Concept("red_flags", _p(r"red[\s-]flags?(?:\s+(?:signs?|symptoms?|conditions?|findings?|issues?))?"),
            ("services.red_flags",), when_affirmed=None),
    Concept("neuro_deficit", _p(
        r"(?:decreased|diminished|reduced|absent|loss\s+of|altered|abnormal)\s+(?:light\s+touch\s+)?(?:sensation|sensory|"
        r"reflex(?:es)?|(?:motor\s+)?strength|deep\s+tendon\s+reflex(?:es)?|DTRs?)",
        r"hyp(?:o|er)(?:a)?esthesia", r"dermatom\w+\s+(?:deficits?|numbness|sensory\s+(?:loss|deficits?)|distribution)",
        r"(?:positive|\+)\s+(?:bilateral\s+|left\s+|right\s+)?(?:straight[\s-]leg[\s-]rais\w*|SLR|seated\s+SLR|"
        r"Spurling\w*|Tinel\w*|Phalen\w*|Hoffman\w*|Babinski)(?:\s+(?:test|sign|maneuver))?",
        r"straight[\s-]leg[\s-]rais\w*(?:\s+test)?\s+(?:was|is|were)\s+positive",
        r"(?:motor\s+)?(?:strength|weakness)\s+(?:was\s+|of\s+|rated\s+)?[0-4][+-]?\s*/\s*5",
        r"[0-4][+-]?\s*/\s*5\s+(?:motor\s+)?strength",
        r"(?:muscle\s+)?atrophy", r"(?<!progressive\s)neurolog\w*\s+deficits?", r"foot\s+drop",
        r"(?:decreased|diminished|reduced)\s+(?:\w+\s+){0,4}?(?:dermatom\w*\s+)?sensation",
        r"nerve\s+(?:impairment|compromise|deficits?|dysfunction)", r"neurolog\w*\s+dysfunction",
        # a named reflex lessened or lost: "diminished left patellar reflex", "Achilles reflex absent"
        r"(?:decreased|diminished|reduced|absent|hypoactive)\s+(?:[\w-]+\s+){0,3}?(?:reflex(?:es)?|jerks?)\b",
        r"(?:reflex(?:es)?|jerks?)\s+(?:(?:was|were|is|are)\s+)?(?:decreased|diminished|reduced|absent|hypoactive)",
        r"(?:Tinel\w*|Phalen\w*|Spurling\w*|Durkan\w*|ulnar\s+neuropathy\s+test|elbow\s+flexion\s+test)(?:'s)?"
        r"(?:\s+(?:test|sign|maneuver))?\s+(?:(?:was|were|is|are)\s+)?positive"), ("services.neuro_deficit",)),
    Concept("normal_neuro_exam", _p(
        rf"{_NEURO_EXAM}\s+(?:was\s+|were\s+|is\s+|are\s+)?(?:grossly\s+)?(?:normal|intact|symmetric(?:al)?|"
        r"within\s+normal\s+limits|unremarkable|non-?focal|5\s*/\s*5|5\s+out\s+of\s+5)",
        r"(?:normal|intact|full)\s+(?:motor\s+|muscle\s+|grip\s+)?(?:strength|sensation|reflexes)",
        r"negative\s+(?:bilateral\s+)?(?:straight[\s-]leg[\s-]rais\w*|SLR|Spurling\w*|Tinel\w*|Phalen\w*)"),
        ("services.neuro_deficit",), when_affirmed=False, when_negated=None),
    Concept("radicular_symptoms", _p(
        r"radiat\w+\s+(?:pain\s+)?(?:down|into|to)\s+(?:the\s+)?(?:bilateral\s+|left\s+|right\s+|both\s+)?"
        r"(?:arms?|legs?|lower\s+extremit\w+|upper\s+extremit\w+|buttocks?|thighs?|calf|calves|feet|foot|hands?|fingers?)",
        r"numbness(?:\s+and\s+tingling)?", r"tingling", r"paresthesias?", r"radicular\s+(?:pain|symptoms?|complaints?)",
        r"sciatica", r"radiculopathy\s+symptoms",
        # "radiating leg pain", "radiating low back pain into the left buttock", "pain going down his left leg",
        # "radiculopathy to the left calf", "a loss of feeling in his hands"
        rf"radiating\s+(?:{_LIMB})\s+pain",
        rf"radiat\w+\s+(?:[\w/-]+\s+){{1,4}}?(?:down|into|to)\s+(?:the\s+|his\s+|her\s+)?{_SIDE}(?:{_LIMB})",
        rf"(?:pain|symptoms)\s+(?:going|shooting|travel+ing|running|extending)\s+(?:down|into|to)\s+"
        rf"(?:the\s+|his\s+|her\s+)?{_SIDE}(?:{_LIMB})",
        rf"radiculopathy\s+(?:down|into|to)\s+(?:the\s+|his\s+|her\s+)?{_SIDE}(?:{_LIMB})",
        r"loss\s+of\s+(?:feeling|sensation)\s+in\s+(?:the\s+|his\s+|her\s+|both\s+)?(?:hands?|feet|foot|fingers?|toes?|legs?|"
        r"arms?)"), ("services.radicular_symptoms",)),
    Concept("structural_findings", _p(
        r"(?:positive|\+)\s+(?:\w+\s+)?(?:McMurray\w*|Apley\w*|Lachman\w*|(?:anterior|posterior)\s+drawer|Neer\w*|Hawkins\w*|"
        r"impingement|drop[\s-]arm|empty[\s-]can|Speed\w*|Yergason\w*|O'?Brien\w*|apprehension|Finkelstein\w*|"
        r"pivot[\s-]shift|(?:valgus|varus)\s+stress|Jobe\w*|Thompson\w*|Cozen\w*|Mill\w*)(?:\s+(?:test|sign|maneuver))?",
        r"(?:McMurray\w*|Apley\w*|Lachman\w*|Neer\w*|Hawkins\w*|impingement|Finkelstein\w*|drawer|pivot[\s-]shift)(?:'s)?"
        r"(?:\s+(?:test|sign|maneuver)s?)?\s+(?:(?:was|were|is|are)\s+)?positive",
        r"(?:joint\s+|ligament(?:ous)?\s+)?laxity",
        r"(?:mechanical\s+)?locking", r"giving\s+way", r"(?:joint\s+)?instability", r"joint\s+effusion"),
        ("services.structural_findings",)),
    Concept("care_helped", _p(
        rf"(?:improv\w+|better|benefit\w*|respond\w*\s+well)\s+(?:in\s+(?:\w+\s+){{1,3}}?)?(?:with|from|to)\s+"
        rf"(?:the\s+)?(?:conservative|treatment|care|{_THERAPY})",
        rf"(?:{_THERAPY}|therapy|treatment)\s+(?:was|is|has\s+been)\s+(?:\w+\s+)?(?:helping|helpful|beneficial)",
        rf"(?:{_THERAPY}|therapy|treatments?)\s+(?:helped|has\s+helped|have\s+helped)",
        r"(?:reportedly|gradually|significantly|slowly|steadily)\s+(?:improved|improving|better)",
        r"feeling\s+(?:about\s+|much\s+|somewhat\s+)?(?:\d+(?:\s*-\s*\d+)?\s*%\s+)?better",
        rf"(?:conservative\s+care|treatment|therapy|medications?|{_THERAPY})\s+(?:improve[sd]?|help(?:s|ed)?|relieve[sd]?|"
        r"reduce[sd]?|decrease[sd]?)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:pain|symptoms)",
        rf"(?:successful|effective)\s+(?:\w+\s+){{0,2}}?(?:injections?|treatments?|therapy|{_THERAPY})"),
        ("services.conservative_care_failed",), when_affirmed=False, when_negated=None),
    Concept("surgery_considered", _p(
        r"surgical\s+(?:candidate|consult(?:ation)?|referral|evaluation|options?|intervention|planning)",
        r"candidate\s+for\s+(?:\w+\s+){0,3}surgery", rf"candidate\s+for\s+(?:[\w-]+\s+){{0,3}}?{_SURGERY}",
        r"(?:recommend\w*|plann\w*|consider\w*|propos\w*|discuss\w*)\s+"
        r"(?:\w+\s+){0,4}(?:surgery|surgical\s+\w+|arthroscop\w*|decompression|fusion|repair|discectomy|laminectomy)",
        # "requested preauthorization for revision right L5/S1 foraminotomy", "now seeks a second left knee
        # arthroscopy", "he needed another surgery", "recommended a lumbar left hemilaminectomy" (a verb: "the request
        # for ... arthroscopy" names the disputed item, it does not report a surgeon's plan)
        rf"(?:requested|requesting|seeks?|seeking|recommended|recommends|needs?|needed|requires?|required)\s+"
        rf"{_NOT_AFTER}{{0,6}}?{_SURGERY}",
        # "injections to try and hold off Claimant undergoing a total knee replacement", "to help delay surgery"
        rf"(?:hold\s+off|delay|put\s+off|postpone)\s+(?:[\w-]+\s+){{0,3}}?{_SURGERY}",
        # "arranged for the worker to see a neurosurgeon": a consultation being set up
        r"to\s+(?:see|consult(?:\s+with)?)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:neurosurgeon|(?:orthop(?:a)?edic|spine|spinal|"
        r"hand)\s+surgeon)",
        r"(?:referr\w+|refer|sent)\b(?!\s+by\b)(?:[^.;]|(?<=Dr)\.){0,80}?\b(?:orthop(?:a)?edic|spine|spinal|neuro|hand)\s*"
        r"surgeon",
        r"(?:surgery|arthroscopy|decompression|fusion|repair)\s+(?:was|is|has\s+been)\s+(?:recommended|planned|scheduled|"
        r"requested|being\s+considered|considered)",
        r"referr\w+\s+(?:\w+\s+){0,2}(?:to|for)\s+(?:a\s+|an\s+)?(?:spine\s+|orthop(?:a)?edic\s+|neuro)?(?:surgeon|surgical)",
        r"would\s+consider\s+surgery",
        r"(?:planned|scheduled|contemplated)\s+(?:\w+\s+){0,2}?(?:invasive\s+procedure|surgery|surgical\s+procedure)"),
        ("services.surgery_considered",), hypothetical_counts=True),
    Concept("surgery_not_recommended", _p(
        rf"{_SURGERY}\s+(?:was|is|has|had|have)\s+not\s+(?:been\s+)?(?:recommended|planned|considered|offered|indicated|"
        r"proposed|requested)"), ("services.surgery_considered",), when_affirmed=False, when_negated=None),
    Concept("surgery_certified", _p(
        r"(?:surgery|procedure|arthroscopy|repair|decompression|fusion|arthroplasty|meniscectomy)\s+(?:was|has\s+been|had\s+been)\s+"
        r"(?:certified|authorized|approved|performed|completed)",
        r"(?:certified|authorized|approved)\s+(?:the\s+)?(?:\w+\s+){0,4}(?:surgery|arthroscopy|repair|decompression|fusion)"),
        ("services.surgery_certified",), when_negated=False),
    Concept("medication_not_tolerated", _p(
        r"(?:intoleran\w+|not\s+tolerat\w+|unable\s+to\s+tolerate|side\s+effects?)\s+(?:to|of|from|with)\s+"
        r"(?:\w+\s+){0,2}(?:medications?|NSAIDs?|opioids?|analgesics?)",
        r"(?:medications?|opioids?|analgesics?)\s+(?:were|was|is|are|have\s+been|has\s+been)\s+(?:being\s+)?(?:reduced|decreased|"
        r"tapered|weaned)",
        r"(?:reduc\w+|decreas\w+|taper\w+|wean\w+)\s+(?:\w+\s+){0,2}(?:medications?|opioids?|analgesics?|pain\s+medications?)",
        # "stopped her oral medication due to nausea and vomiting"
        r"(?:stopped|discontinued|d/c'?d|held)\s+(?:\w+\s+){0,3}?(?:medications?|NSAIDs?|opioids?|analgesics?)\s+"
        r"(?:due\s+to|because\s+of|secondary\s+to|for)\s+(?:\w+\s+){0,2}?(?:side\s+effects?|nausea|vomiting|GI\s+upset|"
        r"intoleran\w+|dizziness|sedation|drowsiness|constipation|gastritis|dyspepsia)"),
        ("services.medication_reduced_or_not_tolerated",)),
)

# Which therapy a mention names: physical/occupational therapy, chiropractic, acupuncture.
_THERAPY_KEYS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"acupuncture", re.I), "acupuncture"),
    (re.compile(r"chiro\w*|manipulation", re.I), "chiropractic"),
    (re.compile(r"physical\s+therapy|physiotherapy|\bPT\b|occupational\s+therapy|\bOT\b|therapy", re.I),
     "physical_therapy"),
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20,
          "twenty-four": 24, "thirty": 30}
_NUM = r"(\d{1,3}|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
_DONE = r"(?:completed|attended|had|has\s+had|have\s+had|received|underwent|undergone|finished|participated\s+in|" \
        r"tried|with|after|from|prior|previous|previously|past|already|of\s+the|included|includes|include|" \
        r"including|;|(?:approved|authorized|certified)(?:\s+(?:for|the\s+(?:patient|claimant)\s+(?:with|for)))?)"
_VISITS = (
    re.compile(rf"(?:\b|(?<=;)){_DONE}:?\s+(?:at\s+least\s+|approximately\s+|about\s+|over\s+|a\s+total\s+of\s+|"
               rf"an?\s+initial\s+)?#?{_NUM}"
               rf"\s+(?:\(\d+\)\s+)?(?:\w+\s+){{0,2}}?(?:sessions?|visits?|treatments?)\s+(?:of\s+)?(?:\w+\s+)?"
               rf"({_THERAPY})", re.I),
    re.compile(rf"(?:\b|(?<=;)){_DONE}:?\s+(?:at\s+least\s+|approximately\s+|about\s+|a\s+total\s+of\s+)?#?{_NUM}\s+"
               rf"(?:\(\d+\)\s+)?(?:prior\s+|previous\s+|completed\s+)?({_THERAPY})\s+(?:sessions?|visits?|treatments?|reports?)",
               re.I),
    re.compile(rf"#?{_NUM}\s+(?:prior|previous|completed|previously\s+(?:completed|authorized|certified))\s+"
               rf"(?:sessions?\s+of\s+|visits?\s+of\s+)?({_THERAPY})(?:\s+(?:sessions?|visits?|treatments?))?", re.I),
    re.compile(rf"\b({_THERAPY})\s+(?:\w+\s+){{0,3}}?(?:x|times)\s*{_NUM}\b(?!\s*(?:per|a\s+week|weeks?))", re.I),
    # "Six sessions of physical therapy had not proven particularly beneficial": sessions that have happened
    re.compile(rf"^(?:The\s+)?{_NUM}\s+(?:\(\d+\)\s+)?(?:prior\s+|previous\s+|completed\s+)?(?:sessions?|visits?|treatments?)"
               rf"\s+of\s+({_THERAPY})\s+(?:had|have|has|were|was|did)\b(?!\s+(?:been\s+)?(?:ordered|requested|"
               rf"recommended|authorized|approved|certified|denied|modified|prescribed|scheduled|planned))", re.I),
)
_BENEFIT = re.compile(
    rf"(?:(?:objective\s+)?functional\s+(?:improvement|gains?|benefit|response)|improved\s+function)\s+"
    rf"(?:\w+\s+){{0,4}}?(?:with|from|after|following|of|to)\s+(?:the\s+)?(?:\w+\s+){{0,2}}?({_THERAPY}|therapy)"
    rf"|({_THERAPY})\s+(?:\w+\s+){{0,2}}?(?:was|were|has\s+been|have\s+been)\s+(?:helpful|beneficial|effective)"
    rf"|({_THERAPY})\s+(?:helped|improved\s+(?:his|her|the\s+patient's|function)|provided\s+(?:\w+\s+)?(?:relief|benefit))"
    rf"|({_THERAPY})\s+(?:notes?|records?|reports?)\s+(?:show|shows|showed|document\w*|indicate\w*|reveal\w*)\s+"
    rf"(?:\w+\s+){{0,2}}?(?:improved|improvement|increased|gains?)",
    re.I)
_NO_BENEFIT = re.compile(
    rf"({_THERAPY})\s+(?:\w+\s+){{0,2}}?(?:(?:was|were|has\s+been|have\s+been)\s+[\"']?not|(?:had|has|have)\s+not\s+"
    rf"proven)\s+(?:particularly\s+|very\s+)?(?:helpful|beneficial|effective|helping)"
    rf"|({_THERAPY})\s+(?:did\s+not|didn't)\s+help"
    rf"|({_THERAPY})(?:\s+(?:treatments?|sessions?|visits?))?(?:\s+[\w(]+){{0,6}}?\s+\(?(?:without|with\s+no|no)\s+(?:any\s+)?"
    rf"(?:documented\s+|documentation\s+of\s+)?(?:\w+\s+){{0,4}}?(?:improvement|benefit)", re.I)
_IMAGING = re.compile(
    r"\b(MRI|magnetic\s+resonance\s+imaging|CT(?:\s+scan)?|x-?rays?|radiographs?|EMG|NCV|NCS|electrodiagnostic\s+stud\w+|"
    r"nerve\s+conduction\s+stud\w+)(?:\s*\([^)]{0,40}\))?\s*,?\s+(?:of\s+the\s+[\w\s-]{0,30}?\s*,?\s+)?"
    r"(?:(?:imaging|scan|study|studies)\s+)?(?:reportedly\s+|previously\s+|also\s+|reportedly\s+)?(?:dated\s+|from\s+|"
    r"on\s+|performed\s+on\s+|done\s+on\s+)?(?:[\d/-]{6,10}\s*,?\s*)?(revealed|showed|demonstrated|indicated|noted|"
    r"documented|was\s+(?:positive|negative|normal|unremarkable|consistent|revealing)|"
    r"were\s+(?:positive|negative|normal|unremarkable|revealing)|findings)", re.I)
_STUDIES = (r"MRIs?|MRI[’']s|magnetic\s+resonance\s+imaging|MR\s+arthrograms?|CT(?:\s+scans?)?|computed\s+tomography|"
            r"x-?rays?|radiographs?|EMG(?:/NC[VS])?|NCV|NCS|electrodiagnostic\s+stud\w+|nerve\s+conduction\s+stud\w+")
#: A study the patient had: "had his first and only MRI in March, 2004", "had another lumbar MRI", "underwent an EMG of
#: the upper extremities", "an MRI that was performed on June 8, 2009", "X-rays performed on the claimant's right
#: shoulder", "An MRI done 7/9/09 showed", "EMG/NCV testing in February of 2005, which was abnormal", "(MRI 12-19-08)".
_STUDY_DONE = (
    re.compile(rf"\b(?:had|has\s+had|have\s+had|underwent|undergone)\s+(?:[\w-]+\s+){{0,4}}?({_STUDIES})\b", re.I),
    re.compile(rf"\b({_STUDIES})\b(?:[^.;]|(?<=Dr)\.){{0,40}}?(?<!\bbe\s)(?<!\bis\s)(?<!\bare\s)\b(?:performed|done|"
               r"obtained|taken|completed|"
               r"undertaken)\b", re.I),
    re.compile(rf"\b({_STUDIES})\b(?:[^.;]|(?<=Dr)\.){{0,70}}?\b(?:revealed|showed|demonstrated|documented|reported|"
               r"(?:was|were)\s+(?:abnormal|normal|positive|negative|unremarkable|read|interpreted|consistent))\b",
               re.I),
    re.compile(rf"\(({_STUDIES})\s+(?:dated\s+)?[\d/.-]{{6,10}}\)", re.I),
    re.compile(rf"\b({_STUDIES})\s*\((?:dated\s+)?(?={ANY_DATE.pattern})", re.I),
    re.compile(rf"\b(?:after|following)\s+(?:the|his|her|an?)\s+(?:[\w-]+\s+){{0,2}}?({_STUDIES})\s*,", re.I),
)
#: A study said to have been done, or a repeat one (which implies the earlier study): the plan around it does not undo
#: it ("ordered an MRI that was performed on June 8, 2009", "recommended a repeat MRI of the cervical spine").
_STUDY_REPEAT = re.compile(rf"\b(?:repeat|another|follow[\s-]?up|updated)\s+(?:[\w-]+\s+){{0,2}}?({_STUDIES})\b"
                           rf"|\b({_STUDIES})\b(?:[^.;]|(?<=Dr)\.){{0,40}}?\b(?:was|were)\s+(?:performed|done|obtained|"
                           r"taken|completed|undertaken)\b", re.I)
#: A study still awaited: "stay off work until the MRI results were obtained".
_AWAITED = re.compile(r"\b(?:until|unless|once|so\s+that|in\s+order\s+to)\b", re.I)


def _awaited(text: str, start: int) -> bool:
    return _AWAITED.search(text, max(0, start - 40), start) is not None

#: A study with its date: "A report of an x-ray lumbar spine 2 or 3 views dated December 2, 2016", "MRI from 3/2/15".
_IMAGING_DATED = re.compile(
    r"\b(MRI|magnetic\s+resonance\s+imaging|CT(?:\s+scan)?|x-?rays?|radiographs?)\b[^.;]{0,50}?\b(?:dated|from|on|"
    r"performed\s+on|done\s+on|obtained\s+on|in)\s+(?=" + ANY_DATE.pattern + ")", re.I)
_IMAGING_DONE = re.compile(r"\b(?:x-?rays?|radiographs?|MRIs?|CT\s+scans?|CT\s+of|computed\s+tomography|"
                           r"(?:lumbar|cervical|thoracic|spine|knee|shoulder|wrist|hand|hip|ankle|foot|elbow)\s+CT|"
                           r"(?:diagnostic|medical)\s+imaging)\b", re.I)


def _num(word: str) -> int | None:
    word = word.lower()
    return _WORDS.get(word) or (int(word) if word.isdigit() else None)


def _therapy(text: str) -> str | None:
    return next((key for rx, key in _THERAPY_KEYS if rx.search(text)), None)


#: Visits of a therapy the sentence does not name ("Patient has already been approved for 6 prior sessions"): in an
#: item's rationale they are visits of the therapy that item requests.
_UNNAMED_VISITS = re.compile(
    rf"(?:(?:completed|attended|had|has\s+had|have\s+had|received|underwent|undergone|finished|participated\s+in)\s+"
    rf"(?:at\s+least\s+|approximately\s+|about\s+|a\s+total\s+of\s+)?#?{_NUM}\s+(?:\(\d+\)\s+)?(?:prior\s+|previous\s+)?"
    rf"|#?{_NUM}\s+(?:\(\d+\)\s+)?(?:prior|previous|completed|previously\s+(?:completed|authorized|certified|approved)))\s*"
    rf"(?:sessions?|visits?|treatments?)\b", re.I)
#: A count in a list of the care given: "Treatments to date include ..., at least six (6) acupuncture treatments, ...".
_LISTED_VISITS = re.compile(
    rf"(?:^|[,;]\s*|\band\s+)(?:at\s+least\s+|approximately\s+|about\s+|a\s+total\s+of\s+)?#?{_NUM}\s+(?:\(\d+\)\s+)?"
    rf"(?:prior\s+|previous\s+|completed\s+)?(?:({_THERAPY})\s+(?:sessions?|visits?|treatments?)|"
    rf"(?:sessions?|visits?|treatments?)\s+of\s+({_THERAPY}))", re.I)
_UNNAMED_NO_BENEFIT = re.compile(
    r"(?:sessions?|visits?|treatments?)\s+(?:\w+\s+){0,3}?\(?(?:without|with\s+no|no)\s+(?:any\s+)?"
    r"(?:documented\s+|documentation\s+of\s+)?(?:\w+\s+){0,4}?(?:improvement|benefit)", re.I)


def _item_therapy(s: Sentence, requests: list[dict[str, Any]] | None) -> str | None:
    """The therapy the item whose rationale holds ``s`` requests, if it is one."""
    if s.section != "rationale" or s.item is None or not requests or s.item >= len(requests):
        return None
    return _therapy(str(requests[s.item].get("text") or ""))


def _visit_counts(s: Sentence, assessor: Assessor, requests: list[dict[str, Any]] | None = None) -> list[Finding]:
    matches: list[tuple[re.Match[str], int | None, str | None]] = []
    for rx in _VISITS:
        for m in rx.finditer(s.text):
            count = _num(m.group(1) if m.group(1) and m.group(1)[0].isalnum() and not _therapy(m.group(1)) else
                         m.group(2))
            matches.append((m, count, _therapy(m.group(0))))
    care = _CARE_SENTENCE.search(s.text)
    if care:
        for m in _LISTED_VISITS.finditer(s.text, care.end()):
            matches.append((m, _num(m.group(1)), _therapy(m.group(2) or m.group(3))))
    item_therapy = _item_therapy(s, requests)
    if item_therapy and not _THERAPY_WORD.search(s.text):
        for m in _UNNAMED_VISITS.finditer(s.text):
            matches.append((m, _num(m.group(1) or m.group(2)), item_therapy))
    out: list[Finding] = []
    seen: set[str] = set()
    for m, count, therapy in matches:
        if count is None or therapy is None or therapy in seen or count > 200:
            continue
        a = assessor(s.text, m.start(), m.end())
        if a.negated or a.uncertain or a.hypothetical:
            continue
        seen.add(therapy)
        out.append(_finding(f"services.{therapy}_visits", count, s, cue=a.cue))
    return out


_THERAPY_WORD = re.compile(rf"(?<![\w-]){_THERAPY}(?![\w-])", re.I)


def _benefit(s: Sentence, assessor: Assessor, requests: list[dict[str, Any]] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for rx, affirmed in ((_NO_BENEFIT, False), (_BENEFIT, True)):
        for m in rx.finditer(s.text):
            therapy = _therapy(next(g for g in m.groups() if g))
            if therapy is None:
                continue
            a = assessor(s.text, m.start(), m.end())
            if a.uncertain or a.hypothetical:
                continue
            value = affirmed and not a.negated
            out.append(_finding(f"services.{therapy}_improvement", value, s, cue=a.cue))
    item_therapy = _item_therapy(s, requests)
    if not out and item_therapy and not _THERAPY_WORD.search(s.text):
        m = _UNNAMED_NO_BENEFIT.search(s.text)
        if m and assessor(s.text, m.start(), m.end()).affirmed:
            out.append(_finding(f"services.{item_therapy}_improvement", False, s))
    return out


_HOME_EXERCISE = _p(r"home\s+exercises?(?:\s+(?:program|programme|regimen))?", r"HEP",
                    r"home\s+(?:stretching|strengthening)(?:\s+program)?", r"self-?directed\s+home")
#: The reviewer asks why the patient could not do a home program, or says therapy should lead into one: neither says
#: whether the patient exercises at home ("no documentation as to why the patient cannot perform a home exercise
#: program").
_HOME_EXERCISE_ASKED = re.compile(r"\b(?:why|whether|cannot|can\s*not|unable\s+to|transition\w*\s+(?:to|into)|"
                                  r"(?:to|would|will|should)\s+(?:be\s+)?(?:continue|perform|do|transition))\b"
                                  r"[^.;]{0,40}$", re.I)


def _first_stated(s: Sentence, assessor: Assessor, fact: str, matches: Iterable[re.Match[str]]) -> list[Finding]:
    """``fact`` from the first of ``matches`` that is stated, neither hedged nor hypothetical: True, or False when
    negated."""
    for m in matches:
        a = assessor(s.text, m.start(), m.end())
        if a.uncertain or a.hypothetical:
            continue
        return [_finding(fact, not a.negated, s, cue=a.cue)]
    return []


def _home_exercise(s: Sentence, assessor: Assessor) -> list[Finding]:
    """A home exercise program done (True) or documented as not done (False)."""
    return _first_stated(s, assessor, "services.home_exercise",
                         (m for m in _HOME_EXERCISE.finditer(s.text)
                          if not _HOME_EXERCISE_ASKED.search(s.text, max(0, m.start() - 60), m.start())))


#: A significant change since the earlier study (new or worsening deficits), or the condition said to be unchanged.
_CHANGED = _p(
    r"worsen(?:ed|ing)\s+with\s+[\"']?new",
    r"new(?:ly)?\s+(?:onset\s+(?:of\s+)?)?(?:numbness|weakness|tingling|deficits?|"
    r"radicular\s+(?:pain|symptoms)|radiating\s+pain)",
    r"(?:progressive|progressing|worsening)\s+(?:neurolog\w*\s+)?(?:deficits?|weakness|numbness)",
    r"significant(?:ly)?\s+(?:change[sd]?|worse(?:ned)?)\s+in\s+(?:\w+\s+)?(?:symptoms|findings|examination)")
_UNCHANGED = re.compile(
    r"\b(?:pain|symptoms|condition|findings|examination|complaints?)\s+(?:\w+\s+){0,4}?(?:were|was|is|are|remain(?:s|ed)?)"
    r"\s+(?:noted\s+to\s+be\s+|essentially\s+|largely\s+)?unchanged\b|\bno\s+(?:recent\s+)?significant\s+change\s+in\s+"
    r"(?:\w+\s+)?(?:symptoms|findings)", re.I)


def _significant_change(s: Sentence, assessor: Assessor) -> list[Finding]:
    """``services.significant_change``: new or worsening deficits (True); "noted to be unchanged" (False)."""
    m = _CHANGED.search(s.text)
    if m:
        a = assessor(s.text, m.start(), m.end())
        if not (a.uncertain or a.hypothetical):
            return [_finding("services.significant_change", not a.negated, s, cue=a.cue)]
    if _UNCHANGED.search(s.text):
        return [_finding("services.significant_change", False, s)]
    return []


_CARE = (rf"(?:conservative|non-?operative|treatment|treatments|care|therapy|therapies|medications?|injections?|"
         rf"{_THERAPY}|home\s+exercises?)")
#: Conservative care given and failed: "failed conservative treatment", "continues to have pain despite physical
#: therapy, medications and home exercise", "no improvement after 12 sessions", "tried and failed", "lack of progress".
_CARE_FAILED = _p(
    rf"fail(?:ed|ure\s+of|ing)\s+(?!to\b)(?:all\s+|a\s+|an\s+|the\s+)?(?:\w+\s+){{0,2}}?{_CARE}",
    rf"despite\s+(?:\w+\s+){{0,3}}?{_CARE}",
    rf"(?:no|without|minimal|little|limited)\s+(?:significant\s+|lasting\s+|sustained\s+|documented\s+|objective\s+)*"
    rf"(?:improvement|relief|benefit|progress)\s+(?:with|from|after|following|despite)\s+(?:\w+\s+){{0,4}}?"
    rf"(?:{_CARE}|sessions?|visits?|treatments?)",
    r"(?:refractory|unresponsive)\s+to", r"did\s+not\s+(?:improve|respond)", r"not\s+responded\s+to",
    r"fail(?:ed|s)?\s+to\s+(?:improve|respond|progress)", r"failure\s+to\s+(?:improve|respond|progress)",
    rf"{_CARE}\s+(?:\w+\s+){{0,2}}(?:was|were|is|are|has\s+been|have\s+been)\s+[\"']?(?:not\s+helping|not\s+helpful|"
    r"of\s+no\s+help|ineffective|unsuccessful)",
    rf"{_CARE}\s+(?:\w+\s+){{0,2}}(?:had|has|have)\s+not\s+proven\s+(?:particularly\s+|very\s+)?(?:helpful|beneficial|"
    r"effective)",
    rf"tri(?:ed|aled)\s+and\s+failed\s+(?:a\s+|an\s+|the\s+)?(?:\w+\s+){{0,2}}?{_CARE}",
    r"(?:persistent|ongoing|continued)\s+(?:pain|symptoms)\s+(?:despite|after)",
    r"lack\s+of\s+(?:progress|improvement|response)", r"(?:remains?|remained|still|continues\s+to\s+be)\s+symptomatic",
    # what the care brought: "ESIs with minimal pain relief", "an injection that provided no relief", "therapy with only
    # marginal improvement", "medications and physical therapy have not relieved his pain", "failed to provide relief"
    rf"{_CARE}\b[^.;]{{0,60}}?\b(?:with|but|that|which)\s+(?:(?:provided|gave|brought|yielded|resulted\s+in|had)\s+)?"
    r"(?:no|little|minimal|limited|marginal|only\s+(?:minimal|temporary|transient|marginal|partial|short[\s-]term|"
    r"slight))\s+(?:\w+\s+){0,2}?(?:relief|benefit|improvement|response|progress)",
    rf"{_CARE}\s+(?:\w+\s+){{0,3}}?(?:did|do|does|has|have|had)\s+not\s+(?:help\w*|reliev\w*|improv\w*|alleviat\w*)",
    rf"{_CARE}\b[^.;]{{0,30}}?\b(?:which|that)\s+(?:did|has|have|had)\s+not\s+(?:really\s+)?(?:help\w*|reliev\w*|"
    r"improv\w*|alleviat\w*)",
    r"fail(?:ed|s)?\s+to\s+(?:provide|give|bring)\s+(?:any\s+|significant\s+|lasting\s+|sustained\s+)?(?:pain\s+)?"
    r"(?:relief|benefit|improvement)",
    # what the patient was left with: "has tried other conservative treatments and continues with low back pain",
    # "had exhausted all other treatments", "symptoms have worsened since completion of her therapy"
    rf"{_CARE}\b[^.;]{{0,60}}?\b(?:and|but)\s+(?:\w+\s+){{0,2}}?(?:continues?|continued|remains?|remained|still\s+has)\s+"
    r"(?:to\s+(?:have|experience|complain|report)\s+(?:\w+\s+){0,3}?(?:pain|symptoms)|to\s+be\s+symptomatic|symptomatic|"
    r"with\s+(?:\w+\s+){0,3}?(?:pain|symptoms))",
    r"exhausted\s+(?:all\s+)?(?:other\s+|available\s+)?(?:conservative\s+)?(?:treatments?|options|care|measures|therapies)",
    rf"(?:worsen\w*|worse)\s+(?:since|after|despite|following)\s+(?:\w+\s+){{0,4}}?{_CARE}")
#: Failure phrases that are not the mention being assessed are masked, so that "no" in "with no improvement and has
#: persistent pain despite conservative care" does not negate the second statement of failure.
_FAILURE_WORDS = re.compile(r"(?<![\w-])(?:no|without|minimal|little|limited)\s+(?:significant\s+|documented\s+|"
                            r"objective\s+)*(?:improvement|relief|benefit|progress)(?![\w-])", re.I)


def _care_failed(s: Sentence, assessor: Assessor) -> list[Finding]:
    """Conservative care given and failed (True), or documented as not failed (False: "has not trialed and failed")."""
    for m in _CARE_FAILED.finditer(s.text):
        before = _FAILURE_WORDS.sub(lambda w: "_" * len(w.group(0)), s.text[:m.start()])
        a = assessor(before + s.text[m.start():], m.start(), m.end())
        if a.uncertain or a.hypothetical:
            continue
        return [_finding("services.conservative_care_failed", not a.negated, s, cue=a.cue)]
    return []


_CARE_SENTENCE = re.compile(r"\b(?:(?:previously|already)\s+(?:received|underwent|completed|attended|tried)|"
                            r"(?:uses|using|wears|wearing|continues\s+to\s+(?:use|wear))\s+(?:a\s+|an\s+|the\s+)?"
                            r"(?:[\w-]+\s+){0,3}?(?:splint|brace|sling|TENS)|"
                            r"treatments?\b[^.;]{0,40}?\b(?:to\s+date|has\s+included|have\s+included|included|"
                            r"includes|include|history|consisted)|undergoing\s+(?:physical\s+therapy|chiropractic|"
                            r"acupuncture)|(?:has|had|have)\s+(?:been\s+)?(?:treated|tried|undergone|completed|"
                            r"received|attended|had)|conservative\s+(?:care|treatment|management)|(?:previous|prior)\s+"
                            r"(?:physical\s+therapy|chiropractic|acupuncture|treatment))", re.I)
_CARE_KINDS = (
    ("physical_therapy", re.compile(r"physical\s+therap(?:y|ist)|physiotherap(?:y|ist)|\bPT\b|occupational\s+therapy",
                                    re.I)),
    ("chiropractic", re.compile(r"chiropract\w*|manipulation", re.I)),
    ("acupuncture", re.compile(r"acupuncture", re.I)),
    ("medication", re.compile(r"medications?|NSAIDs?|analgesics?|opioids?", re.I)),
    ("home_exercise", re.compile(r"home\s+exercise|\bHEP\b", re.I)),
    ("injection", re.compile(r"injections?|\bESIs?\b|\bESI[’']s\b|epidural|nerve\s+(?:root\s+)?blocks?", re.I)),
    ("rest", re.compile(r"\brest\b", re.I)),
    ("bracing", re.compile(r"brac(?:e|ing)|splint\w*|\bsling\b", re.I)),
    ("activity_modification", re.compile(r"activity\s+modification|modified\s+(?:work|duty|activit\w+)", re.I)),
)


#: "The treatment plan included X-rays ... and a physical therapy request": what is planned is not care given.
_PLAN = re.compile(r"\b(?:plan|plans|planned|request(?:ed|s)?|recommend\w*)\b", re.I)


#: Care received, in the words of a clinical history: "Claimant received physical therapy, medications, and
#: injections", "was given a steroid injection", "Dr. L administered a sacroiliac injection", "attended 24 sessions".
_CARE_GIVEN = re.compile(r"\b(?:received|underwent|undergone|attended|completed|participated\s+in|(?:was|were)\s+"
                         r"(?:given|provided|treated\s+with|started\s+on|placed\s+on)|administered|"
                         r"sought\s+(?:\w+\s+)?treatment|(?:was|were)\s+seen\s+for\s+treatment|treated\s+by|"
                         r"had(?=\s+(?:\w+\s+)?(?:injections?|physical\s+therapy|chiropractic|acupuncture|medications?|"
                         r"ESIs?|epidurals?|steroid|cortisone|nerve\s+blocks?)\b)|had\s+(?:successful|"
                         r"several|multiple|some|\d+|a\s+(?:series|course|trial))|treated\s+(?:\w+\s+){0,2}?with)\b",
                         re.I)
#: Care named without its kind: "He has treated conservatively for years", "has tried other conservative treatments".
_CARE_GENERIC = re.compile(r"\b(?:treated\s+conservatively|conservative(?:ly)?\s+(?:care|treatments?|management|"
                           r"therapy|course|measures)|(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+"
                           r"(?:sessions?|visits?)\s+of\s+(?:care|treatment)|(?:physical\s+therapy|chiropractic(?:\s+care)?|"
                           r"acupuncture|injections?|medications?)\s+(?:was|were|had\s+been)\s+(?:\w+\s+)?(?:stopped|"
                           r"discontinued|completed|finished|tried|administered|performed|given))\b", re.I)


def _care_kinds(text: str) -> list[str]:
    return [kind for kind, rx in _CARE_KINDS if rx.search(text)]


def _conservative_care(s: Sentence, assessor: Assessor) -> list[Finding]:
    m = _CARE_SENTENCE.search(s.text)
    if m is None or _PLAN.search(m.group(0)):
        return _care_received(s, assessor)
    a = assessor(s.text, m.start(), m.end())
    if a.negated or a.uncertain or a.hypothetical:
        return []
    tail = s.text[m.start():]
    kinds = _care_kinds(tail)
    imaging = [_finding("services.prior_imaging", True, s)] if _IMAGING_DONE.search(tail) else []
    if not kinds and not _CARE_GENERIC.search(tail):
        return imaging or _care_received(s, assessor)
    return [_finding("services.conservative_care", True, s, cue=a.cue),
            *(_finding("services.conservative_care_kinds", kind, s) for kind in kinds), *imaging]


def _care_received(s: Sentence, assessor: Assessor) -> list[Finding]:
    """Care the patient received, named right after a verb of receiving it and not planned in between."""
    for m in _CARE_GIVEN.finditer(s.text):
        after = s.text[m.end(): m.end() + 80]
        kind = min((k.start() for _, rx in _CARE_KINDS if (k := rx.search(after))), default=None)
        if kind is None or _PLAN.search(after, 0, kind) or re.search(r"(?<!Dr)[.;]", after[:kind]):
            continue
        a = assessor(s.text, m.start(), m.end() + kind + 1)
        if a.negated or a.uncertain or a.hypothetical:
            continue
        return [_finding("services.conservative_care", True, s, cue=a.cue),
                *(_finding("services.conservative_care_kinds", k, s) for k in _care_kinds(s.text[m.start():]))]
    m = _CARE_GENERIC.search(s.text)
    if m and assessor(s.text, m.start(), m.end()).affirmed and not _PLAN.search(s.text, 0, m.start()):
        return [_finding("services.conservative_care", True, s)]
    return []


def _prior_imaging(s: Sentence, assessor: Assessor) -> list[Finding]:
    out: list[Finding] = []
    dated = [m for m in _IMAGING_DATED.finditer(s.text) if not _PLAN.search(s.text, max(0, m.start() - 40), m.end())]
    done = [m for rx in _STUDY_DONE for m in rx.finditer(s.text)
            if not _PLAN.search(s.text, m.start(), m.end()) and not _awaited(s.text, m.start())]
    repeat = [m for m in _STUDY_REPEAT.finditer(s.text) if not _awaited(s.text, m.start())]
    for m in [*_IMAGING.finditer(s.text), *dated, *done, *repeat]:
        group = 1 if m.group(1) else 2
        a = assessor(s.text, m.start(), m.end(group))
        if a.negated or a.uncertain or (a.hypothetical and m.re is not _STUDY_REPEAT):
            continue
        study = m.group(group).lower()
        if study.startswith(("emg", "ncv", "ncs", "electro", "nerve")):
            if not any(f.fact == "services.prior_electrodiagnostic" for f in out):
                out.append(_finding("services.prior_electrodiagnostic", True, s, cue=a.cue))
            continue
        if any(f.fact == "services.prior_imaging" for f in out):
            continue
        out.append(_finding("services.prior_imaging", True, s, cue=a.cue))
        when = ANY_DATE.search(s.text, m.start(), min(len(s.text), m.end() + (30 if m.re is _IMAGING_DATED else 5)))
        iso = date_of(when) if when else None
        if iso:
            out.append(_finding("services.prior_imaging_date", iso, s))
        findings = s.text[m.end():].strip(" :,.")
        if findings and m.re in (_IMAGING, _IMAGING_DATED, _STUDY_DONE[2]):  # the others end at the study's name
            out.append(_finding("services.prior_imaging_findings", findings[:200], s))
    return out


#: A general statement (a guideline paraphrase, a list of indications) documents no positive finding about the patient:
#: "any red flag symptoms or findings, including trauma, tumor ... warrant MRI".
_GENERAL = re.compile(r"\b(?:guidelines?|MTUS|ACOEM|ODG|warrant(?:s|ed)?|e\.g\.|"
                      r"indicated\s+(?:for|when|in|if)|(?:is|are)\s+(?:recommended|considered)|may\s+be|should\s+be)\b|"
                      r"^\s*\w+,\s*\d+\.?\s*$", re.I)


#: A remark about patients in general ("MRI is considered for patients with lumbago who have had ...", "Some patients
#: report this tingling ... as constant") states nothing about this patient, not even what the records lack.
_POPULATION = re.compile(r"\b(?:(?:for|in)\s+(?:patients|individuals|those|people)\s+(?:who|with)|"
                         r"(?:some|many|most|few|other)\s+(?:patients|individuals|people|cases))\b", re.I)


# --- facts of the Chronic Pain guideline's services (home health, urine drug testing) -----------------------------
#: Homebound ("confined to the home") and current opioid use as stated in the records ("was not utilizing opioids").
CHRONIC_PAIN_SERVICE_CONCEPTS: tuple[Concept, ...] = (
    Concept("homebound", _p(r"home[\s-]?bound", r"confined\s+to\s+(?:the\s+|his\s+|her\s+)?(?:home|house|bed)",
                            r"unable\s+to\s+leave\s+(?:the\s+|his\s+|her\s+)?(?:home|house)",
                            r"bed[\s-]?(?:bound|ridden)"), ("services.homebound",), history_counts=False),
    Concept("opioid_use", _p(r"(?:utiliz\w+|taking|using|takes|uses|prescribed)\s+(?:any\s+)?(?:opioids?|opiates?|"
                             r"narcotics?)(?:\s+(?:medications?|analgesics?))?",
                             r"(?:utiliz\w+|taking|using)\s+(?:any\s+)?(?:opioid|opiate|narcotic)\s+(?:medications?|analgesics?)"),
            ("services.opioid_use",)),
    Concept("home_health_deficits", _p(
        r"unable\s+to\s+(?:stand|walk|ambulate|bathe|shower|dress|transfer|toilet|cook|drive|perform\s+(?:his\s+|her\s+)?"
        r"(?:ADL'?s?|activities\s+of\s+daily\s+living|self[\s-]care))",
        r"(?:requires?|required|needs?|needed|dependent\s+on\s+others)\s+(?:\w+\s+){0,2}(?:assistance|help)\s+(?:with|for)\s+"
        r"(?:\w+\s+){0,2}(?:ADL'?s?|activities\s+of\s+daily\s+living|bathing|dressing|transfers?|toileting|ambulation|"
        r"mobility|self[\s-]care)",
        r"dependent\s+(?:for|with|in)\s+(?:\w+\s+){0,2}(?:ADL'?s?|activities\s+of\s+daily\s+living|self[\s-]care|transfers?)",
        r"impair\w*\s+(?:in\s+)?(?:mobility|self[\s-]care)"), ("services.home_health_deficits",), when_negated=None),
    Concept("psychological_symptoms", _p(
        r"fear[\s-]avoidance(?:\s+beliefs?)?",
        r"psycholog\w*\s+(?:symptoms?|factors?|distress|issues?|overlay|complaints?)",
        r"psychosocial\s+(?:factors?|issues?|stressors?|barriers?)", r"post[\s-]?traumatic\s+stress(?:\s+disorder)?",
        r"PTSD",
        r"emotional\s+(?:distress|stress)", r"catastrophi[sz]\w*"), ("services.psychological_symptoms",)),
    Concept("trigger_points", _p(
        r"trigger\s+points?\s+(?:\w+\s+){0,6}?(?:with|and|showing|demonstrating)\s+(?:a\s+|positive\s+)?(?:local\s+)?"
        r"twitch(?:\s+response)?", r"(?:local\s+)?twitch\s+response"), ("services.trigger_points",)),
    Concept("tens_trial_documented", _p(
        r"(?:one|1|30)[\s-](?:month|day)\s+(?:home\s+)?(?:TENS\s+)?(?:unit\s+)?trial(?:\s+(?:of|with)\s+(?:a\s+|the\s+)?TENS)?",
        r"TENS\s+(?:unit\s+)?trial", r"trial\s+(?:of|with)\s+(?:a\s+|the\s+)?TENS(?:\s+unit)?"),
            ("services.tens_trial_documented",)),
)
#: Imaging or electrodiagnostic studies that corroborate a radiculopathy: the study named, then what it showed.
_STUDY = re.compile(r"\b(?:MRI|CT|myelogram|EMG|NCV|NCS|electrodiagnostic|electromyograph\w*|nerve\s+conduction|"
                    r"imaging|radiographic\w*)\b", re.I)
_CORROBORATION = _p(r"(?:\w+\s+)?radiculopathy", r"nerve\s+root\s+(?:compression|impingement|encroachment|abutment|"
                    r"effacement|irritation)", r"(?:neural\s+)?foraminal\s+(?:stenosis|narrowing|encroachment)",
                    r"(?:compress\w*|imping\w*|abut\w*)\s+(?:on\s+|upon\s+)?(?:the\s+)?(?:exiting\s+|traversing\s+)?"
                    r"(?:[LCS]\d\s+)?nerve\s+roots?")


def _radiculopathy_corroborated(s: Sentence, assessor: Assessor) -> list[Finding]:
    study = _STUDY.search(s.text)
    if study is None:
        return []
    return _first_stated(s, assessor, "services.radiculopathy_corroborated", _CORROBORATION.finditer(s.text))


#: A definition or a guideline's condition ("To be homebound means ...", "for patients who are homebound") documents
#: nothing about the patient, not even an absence.
_DEFINITION = re.compile(r"\b(?:means|defined|definition|patients\s+who|those\s+who|individuals?\s+who|"
                         r"recommended|indicated|guidelines?|MTUS|ODG|such\s+as|for\s+chronic\s+pain\s+includes?)\b",
                         re.I)


def chronic_pain_service_findings(s: Sentence, assessor: Assessor, concepts: Any) -> list[Finding]:
    """The facts of the Chronic Pain guideline's services (homebound, functional deficits, opioid use, psychological
    symptoms, trigger points, a corroborated radiculopathy) in one factual sentence; none from a definition."""
    if _DEFINITION.search(s.text):
        return []
    return [*concepts(s, assessor, [], CHRONIC_PAIN_SERVICE_CONCEPTS), *_radiculopathy_corroborated(s, assessor)]


_DEFICIT = next(c for c in SERVICE_CONCEPTS if c.name == "neuro_deficit")
_STRUCTURAL = next(c for c in SERVICE_CONCEPTS if c.name == "structural_findings")
_OBJECTIVE_CONCEPTS = tuple(c for c in SERVICE_CONCEPTS if c is not _DEFICIT)
#: What the patient says ("The patient states she has decreased strength") is a symptom, not an examination finding.
_SUBJECTIVE = re.compile(r"\b(?:states?|stated|reports?|reported|reporting|complains?|complained|complaining|feels?|"
                         r"felt|describes?|described|endorses?|endorsed|notes?\s+(?:that\s+)?(?:she|he))\b[^.;]{0,60}$",
                         re.I)


def _objective_deficit(s: Sentence, assessor: Assessor) -> list[Finding]:
    """An objective neurological deficit on examination, not a weakness or numbness the patient reports."""
    return _first_stated(s, assessor, "services.neuro_deficit",
                         (m for m in _DEFICIT.pattern.finditer(s.text)
                          if not _SUBJECTIVE.search(s.text, max(0, m.start() - 80), m.start())))


_RULE_OUT = re.compile(r"(?<![\w-])(?:(?:to\s+)?rule\s+out|r/o)(?![\w-])", re.I)


def _rule_out_scoped(assessor: Assessor) -> Assessor:
    """The assessor, except that "rule out" governs the diagnosis after it, never the symptom before it: "numbness and
    weakness bilateral upper extremities rule out carpal tunnel syndrome" documents the numbness."""
    def assess(text: str, start: int, end: int) -> Any:
        a = assessor(text, start, end)
        cut = _RULE_OUT.search(text, end)
        if a.uncertain and cut and not _RULE_OUT.search(text, max(0, start - 90), start):
            return assessor(text[:cut.start()], start, end)
        return a
    return assess


#: A named examination test examines its own body part, wherever the sentence goes on to: "Finkelstein's positive
#: secondary to painful thumb" is a wrist finding, "positive straight leg raise" a low back one.
_TEST_REGIONS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(rx, re.I), regions) for rx, regions in (
        (r"Phalen|Tinel|Finkelstein|Durkan|carpal", ("forearm_wrist_hand",)),
        (r"ulnar\s+neuropathy|elbow\s+flexion|Cozen|Mill", ("elbow",)),
        (r"Spurling", ("neck_upper_back", "upper_extremity")),
        (r"Hoffman", ("neck_upper_back",)),
        (r"straight[\s-]leg|SLR", ("low_back", "lower_extremity")),
        (r"McMurray|Apley|Lachman|drawer|pivot[\s-]shift|menisc", ("knee",)),
        (r"Neer|Hawkins|impingement|drop[\s-]arm|empty[\s-]can|Speed|Yergason|O'?Brien|apprehension|Jobe",
         ("shoulder",)),
        (r"Thompson", ("ankle_foot",))))
#: A deficit of sensation, strength or reflexes in a limb is a sign of the spinal roots that supply it.
_ROOTS = {"upper_extremity": "neck_upper_back", "shoulder": "neck_upper_back", "elbow": "neck_upper_back",
          "forearm_wrist_hand": "neck_upper_back", "lower_extremity": "low_back", "hip_pelvis": "low_back",
          "knee": "low_back", "ankle_foot": "low_back"}


def _finding_regions(text: str, start: int, end: int, neurological: bool) -> list[str]:
    """The body-part chapters an examination finding at ``text[start:end]`` belongs to: its test's, else those named in
    its clause, with, for a neurological deficit, the sites of the muscles, reflexes, roots and tests the clause names
    (the catalog's ``finding_sites``) and, in a limb, the spine region whose roots supply it; "unspecified" when the
    clause names none."""
    mention = text[start:end]
    for rx, regions in _TEST_REGIONS:
        if rx.search(mention):
            return list(regions)
    lo = max(text.rfind(";", 0, start), text.rfind(":", 0, start)) + 1
    hi = min((i for i in (text.find(";", end), text.find(".", end)) if i >= 0), default=len(text))
    clause = text[lo:hi]
    catalog = default_service_catalog()
    named = [bp.region for bp in catalog.body_parts if bp.pattern.search(clause)]
    if neurological:
        named += [r for site in catalog.finding_sites if site.pattern.search(clause) for r in site.regions]
        named += [_ROOTS[r] for r in named if r in _ROOTS]
    return list(dict.fromkeys(named)) or ["unspecified"]


def _region_findings(s: Sentence, found: list[Finding]) -> list[Finding]:
    """``services.objective_finding_regions`` for every objective examination finding documented in ``s``."""
    out: list[Finding] = []
    for fact, concept in (("services.neuro_deficit", _DEFICIT), ("services.structural_findings", _STRUCTURAL)):
        if not any(f.fact == fact and f.value is True for f in found):
            continue
        for m in concept.pattern.finditer(s.text):
            out.extend(_finding("services.objective_finding_regions", region, s)
                       for region in _finding_regions(s.text, m.start(), m.end(), concept is _DEFICIT))
    return out


def service_findings(s: Sentence, assessor: Assessor, concepts: Any,
                     requests: list[dict[str, Any]] | None = None) -> list[Finding]:
    """Every ``services.*`` fact in one factual sentence (``concepts`` reads the boolean concepts; ``requests``, the
    letter's items, name the therapy of an item whose rationale counts "6 prior sessions" without naming it)."""
    scoped = _rule_out_scoped(assessor)
    found = [*concepts(s, scoped, [], _OBJECTIVE_CONCEPTS),
             *_objective_deficit(s, scoped), *_visit_counts(s, assessor, requests),
             *_benefit(s, assessor, requests),
             *_conservative_care(s, assessor), *_prior_imaging(s, assessor), *_care_failed(s, assessor),
             *_home_exercise(s, assessor), *_significant_change(s, assessor),
             *chronic_pain_service_findings(s, assessor, concepts)]
    if _POPULATION.search(s.text):  # about patients in general: nothing about this one
        return []
    if _GENERAL.search(s.text):  # only what the records are said to lack; no care given is read from a general remark
        return [f for f in found if f.value is False]
    return [*found, *_care_given_by_its_outcome(s, found), *_region_findings(s, found)]


_OUTCOME = re.compile(r"services\.(physical_therapy|chiropractic|acupuncture)_(?:visits|improvement)$")


def _care_given_by_its_outcome(s: Sentence, found: list[Finding]) -> list[Finding]:
    """Therapy visits counted or judged ("Six sessions of physical therapy had not proven particularly beneficial"), or
    care said to have failed, document that conservative care was given."""
    kinds = [m.group(1) for f in found if (m := _OUTCOME.match(f.fact))]
    failed = any(f.fact == "services.conservative_care_failed" and f.value is True for f in found)
    if not (kinds or failed) or any(f.fact == "services.conservative_care" for f in found):
        return []
    return [_finding("services.conservative_care", True, s),
            *(_finding("services.conservative_care_kinds", kind, s) for kind in dict.fromkeys(kinds))]
