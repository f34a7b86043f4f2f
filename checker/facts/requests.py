"""Parse a requested item as written in an IMR letter ("Retro Norco 10/325mg 1 Tab PO Q 6-8hours PRN #120").

``parse_request`` never raises on any text: what it cannot read it leaves ``None``. It tells drugs
from services, names the principal generic ingredient and its class (from ``rules/drugs.yaml``),
reads strength, quantity, days' supply, refills, the sig (frequency, PRN) and derives units and mg
per day, morphine milligram equivalents (MME) and acetaminophen per day.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from checker.facts.catalog import DrugCatalog, DrugMatch, default_catalog

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90,
}
_NUM_WORD = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
_COUNT_WORD = r"(?:\d+(?:\.\d+)?|" + "|".join(
    sorted((w for w in _WORD_NUMBERS if w not in ("a", "an")), key=len, reverse=True)) + r")"

class _Lazy:
    """A regex compiled on first use (``search``, ``match``...), so that importing the parser compiles nothing."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern, self._flags = pattern, flags

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        rx = re.compile(self._pattern, self._flags)
        for method in ("search", "match", "fullmatch", "finditer", "findall", "sub", "split"):
            setattr(self, method, getattr(rx, method))   # later calls go straight to the compiled pattern
        return getattr(rx, name)


# Words that make an item a service when they come before any drug name ("Twelve acupuncture visits
# with Capsaicin patch", "Urine drug screen for hydrocodone", "Consultation for pain medicine").
_SERVICE_RE = _Lazy(
    r"\b(?:acupuncture|therapy|therapies|therapist|physiotherapy|chiropract\w*|chiro|rehab\w*|"
    r"visits?|sessions?|consult\w*|evaluation|eval|exam|examination|re-?exam|referral|follow[\s-]?up|"
    r"office|screen(?:ing)?|test(?:ing|s)?|toxicology|urine|urinalysis|UDS|UDT|drug\s+screen|"
    r"MRI|MR|CT|x-?rays?|scan|imaging|ultrasound|EMG|NCV|NCS|EKG|ECG|electro\w*|"
    r"surgery|surgical|arthroscopy|injections?|block|epidural|ESI|facet|radiofrequency|"
    r"program|detox\w*|weaning|management|aide|nurse|nursing|home\s+health|transportation|"
    r"TENS|brace|sling|DME|hospital\w*|clearance|assist|psycholog\w*|"
    r"psychiatr\w*|counsel\w*|cognitive|CBT|biofeedback|massage|manipulation|traction|modalit\w*|"
    r"shockwave|ESWT|stimulation|gym|membership|pool|training)\b",
    re.IGNORECASE,
)

#: A device the drug is delivered by or that is implanted ("intrathecal morphine pump and catheter"): the request is
#: the device or its procedure, a service, wherever the drug's name stands.
_DEVICE_RE = _Lazy(r"\b(?:pumps?|catheters?|implant(?:s|ed|able|ation)?|stimulators?)\b", re.IGNORECASE)

_FORMS: list[tuple[str, str]] = [
    (r"patch(?:es)?", "patch"), (r"gel", "gel"), (r"cream(?:\s+base)?", "cream"),
    (r"ointment", "ointment"), (r"lotion", "lotion"), (r"(?:oral\s+)?suspension", "suspension"),
    (r"solution", "solution"), (r"spray", "spray"), (r"film", "film"), (r"powder", "powder"),
    (r"syrup|elixir|liquid", "solution"), (r"suppositor(?:y|ies)", "suppository"),
    (r"tablets?|tabs?", "tablet"), (r"capsules?|caps?", "capsule"),
    (r"injections?|inj|injectable", "injection"),
]
_FORM_RE = _Lazy(r"\b(?:" + "|".join(f"(?P<f{i}>{p})" for i, (p, _) in enumerate(_FORMS)) + r")\b",
                      re.IGNORECASE)
_TOPICAL_FORMS = {"patch", "gel", "cream", "ointment", "lotion"}

_ROUTE_WORDS: list[tuple[str, str]] = [
    (r"topical(?:ly)?|to\s+(?:the\s+)?affected\s+area|apply|applied", "topical"),
    (r"transdermal", "transdermal"),
    (r"PO|p\.o\.|oral(?:ly)?|by\s+mouth", "oral"),
    (r"sublingual(?:ly)?|SL", "sublingual"),
    (r"IM|IV|intramuscular(?:ly)?|intravenous(?:ly)?|injection|injectable|inj", "injection"),
]
_ROUTE_RE = [(_Lazy(rf"(?<![\w.])(?:{p})(?![\w])", re.IGNORECASE), r) for p, r in _ROUTE_WORDS]

_STRENGTH_UNITS = r"(?:mcg/h(?:r|our)?|mg/\d*\s*ml|mcg|µg|ug|mg|%)"
_NUM = r"\d+(?:\.\d+)?"
# One strength chunk: numbers joined by "/" or "-", each optionally with a unit ("10/325mg",
# "4%-27.5%-0.0325%", "7.5 mg", "25mcg/hr", "10mg/1ml").
_CHUNK_RE = _Lazy(
    rf"(?<![\d.#/,])({_NUM})\s*({_STRENGTH_UNITS})?((?:\s*[/-]\s*{_NUM}\s*(?:{_STRENGTH_UNITS})?)*)(?!\w|\.\d)",
    re.IGNORECASE,
)
_PART_RE = _Lazy(rf"({_NUM})\s*({_STRENGTH_UNITS})?", re.IGNORECASE)

_RETRO_RE = _Lazy(
    r"\bretro(?:spective(?:ly)?)?\b|\bDOS\b\s*:?\s*\d|\bdates?\s+of\s+service\b", re.IGNORECASE)
_PRN_RE = _Lazy(r"\bp\.?r\.?n\.?(?![a-z])|\bas\s+needed\b", re.IGNORECASE)
_SITE_RE = _Lazy(
    r"\b(?:to|into|in)\s+(?:the\s+)?(?:left|right|bilateral)?\s*(?:knee|shoulder|hip|elbow|wrist|ankle|joint|"
    r"spine|back|neck|bursa|tendon|foot|hand)|\b(?:intra-?articular|epidural|facet|trigger\s+points?|"
    r"joint|bursa|L\d|C\d|S1|SI)\b",
    re.IGNORECASE,
)
_COMPOUND_RE = _Lazy(r"\bcompound(?:ed|ing)?\b|\bcream\s+base\b", re.IGNORECASE)
_KIT_RE = _Lazy(r"\bkits?\b", re.IGNORECASE)
_ER_RE = _Lazy(r"\b(?:ER|XR|CR|SR|XL|LA|extended[\s-]+release|controlled[\s-]+release)\b")
_PARTIAL_RE = _Lazy(r"\boriginal\s+request\s*,", re.IGNORECASE)
# Units that hold many doses: "#1 box" of patches, "1 tube" of gel is a package count, not a dose count.
_PACKAGE_UNITS = r"box(?:es)?|tubes?|bottles?|jars?|kits?|containers?|cartons?|packages?|canisters?"
_PACKAGE_SINGULAR = {"boxes": "box"}
_TAIL_WORDS = ("upheld", "overturned")
_MAX_CHARS = 2000   # an item title is a line or two; longer text is read up to this length


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedRequest:
    """A requested item, parsed. Unknown values are None (refills: 0 when none stated)."""

    text: str
    kind: str
    drug: str | None = None
    ingredients: tuple[str, ...] = ()
    drug_class: str | None = None
    name: str | None = None
    route: str | None = None
    form: str | None = None
    strength_mg: float | None = None
    strengths_mg: dict[str, float] = field(default_factory=dict)
    strength_text: str | None = None
    quantity: int | None = None
    days_supply: int | None = None
    refills: int = 0
    retrospective: bool = False
    frequency_per_day: float | None = None
    prn: bool = False
    units_per_day: float | None = None
    daily_dose_mg: float | None = None
    mme_per_day: float | None = None
    apap_mg_per_day: float | None = None
    sedating: bool | None = None
    unknown_drug: bool = False
    # extensions
    strengths_pct: dict[str, float] = field(default_factory=dict)   # topical strengths ("1.3%")
    extended_release: bool = False                                   # ER/XR/CR products or words
    package_unit: str | None = None   # the quantity counts packages ("#1 box", "1 tube"), not doses
    # near misses of catalog names: (the word as written, the catalog name it is near); read_as_near_miss when
    # the drug was identified through one ("Norcoo" read as Norco), else they are only suggestions
    did_you_mean: tuple[tuple[str, str], ...] = ()
    read_as_near_miss: bool = False
    # a compounded product: a compounding kit ("Tabradol", "... oral suspension kit"), the words "compound(ed)"
    # or "cream base", or a topical of two or more active ingredients named together
    compounded: bool = False

    def days_covered(self) -> int | None:
        """Days the request covers: days_supply, else quantity / units_per_day when both are known.

        A quantity of packages ("#1 box" of patches, "1 tube" of gel) says nothing about how many days
        it lasts: only a stated days' supply gives the days then.
        """
        if self.days_supply is not None:
            return self.days_supply
        if self.quantity is not None and self.units_per_day and self.package_unit is None:
            return max(1, round(self.quantity / self.units_per_day))
        return None


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _num(word: str) -> float | None:
    word = word.lower()
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    try:
        value = float(word)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _int(value: float | None, limit: int = 1_000_000) -> int | None:
    if value is None or not math.isfinite(value) or value < 0 or value > limit:
        return None
    return int(round(value))


def _focus(text: str) -> str:
    """The part of the text that is the request (drops partial-certification preamble and outcome)."""
    m = _PARTIAL_RE.search(text)
    if m is not None:
        text = text[m.end():]
    text = text.strip()
    for word in _TAIL_WORDS:  # "...: Upheld"
        if text.lower().endswith(word):
            text = text[: -len(word)].rstrip()
    text = text.rstrip(": \t\n")
    if m is not None and text.lower().endswith(" is"):   # "The remaining ... portion ..., Z is:"
        text = text[:-3]
    return text.strip()


def _quantity(text: str) -> tuple[int | None, str | None]:
    """The quantity requested, and the package unit when it counts packages ("#1 box") not doses."""
    pats = [
        rf"#\s*({_NUM})",
        rf"\bqty\b\.?\s*[:#]?\s*#?\s*({_NUM})",
        rf"\bquantity\b\s*(?:of\s*)?[:#]?\s*({_NUM})",
        # a dose in a sig is not a quantity: "1 tab PO", "1 tab before the exam"
        rf"\b({_NUM})\s*(?:tablets?|tabs?|capsules?|caps?|patch(?:es)?|pills?|count)\b(?!\s*(?:po|by|orally|"
        r"every|q\b|daily|bid|tid|qid|twice|once|three|four|per|a\s+day|before|after|prior))",
        rf"\b({_NUM_WORD})\s*(?=(?:{_PACKAGE_UNITS})\b)",
        rf"\(\s*({_NUM})\s*\)",
        rf"\b(?:x|times)\s*({_NUM})\b(?!\s*(?:refills?|days?|weeks?|months?))",
    ]
    for p in pats:
        m = re.search(p, text, re.IGNORECASE)
        if m:
            q = _int(_num(m.group(1)))
            if q is not None:
                unit = re.match(rf"\s*({_PACKAGE_UNITS})\b", text[m.end():], re.IGNORECASE)
                return q, (_package_name(unit.group(1)) if unit else None)
    return None, None


def _package_name(word: str) -> str:
    word = word.lower()
    return _PACKAGE_SINGULAR.get(word, word[:-1] if word.endswith("s") else word)


def _days_supply(text: str) -> int | None:
    m = re.search(rf"\bday(?:s'?|'s)?\s+supply\s*[:=]?\s*({_NUM})", text, re.IGNORECASE)
    if m:
        return _int(_num(m.group(1)), 3650)
    m = re.search(rf"\b({_COUNT_WORD})[\s-]*(day|week|month)s?['’]?\s*(?:supply|coverage|course)", text,
                  re.IGNORECASE)
    if not m:
        m = re.search(rf"(?:\bfor\s+|\bx\s*|\bover\s+|\bsupply\s+of\s+|^\s*|[,;(]\s*|#\s*{_NUM}\s*/\s*|(?<=\s))"
                      rf"({_COUNT_WORD})[\s-]*"
                      r"(day|week|month)s?\b(?!\s*(?:ago|prior|before|after|post))", text, re.IGNORECASE)
        if m and re.search(r"\b(?:every|q)\s*$", text[: m.start(1)], re.IGNORECASE):
            m = None
    if m:
        n = _num(m.group(1))
        mult = {"day": 1, "week": 7, "month": 30}[m.group(2).lower()]
        return _int(n * mult if n is not None else None, 3650)
    return None


def _refills(text: str) -> int:
    pats = [
        rf"\b({_NUM_WORD})\s*(?:additional\s+)?refills?\b",
        rf"\bx\s*({_NUM})\s*refills?\b",
        rf"\brefills?\s*[:x#]?\s*x?\s*({_NUM})\b",
        rf"\bRF\s*[:x#]?\s*x?\s*({_NUM})\b",
    ]
    if re.search(r"\bno\s+refills?\b", text, re.IGNORECASE):
        return 0
    for p in pats:
        m = re.search(p, text, re.IGNORECASE)
        if m:
            n = _int(_num(m.group(1)), 99)
            if n is not None:
                return n
    return 0


def _frequency(text: str) -> float | None:
    t = text
    m = re.search(rf"\b(?:q|every)\s*({_COUNT_WORD})\s*(?:-|to)?\s*({_COUNT_WORD})?\s*(?:hours?|hrs?|h)\b", t,
                  re.IGNORECASE)
    if not m:
        m = re.search(rf"\bq\s*({_NUM})\s*(?:-\s*({_NUM}))?\s*h\b|\bq({_NUM})h\b", t, re.IGNORECASE)
    if m:
        nums = [_num(g) for g in m.groups() if g]
        hours = min(n for n in nums if n is not None) if nums else None
        if hours and hours > 0:
            return round(24.0 / hours, 4)
    if re.search(r"\b12\s*hours?\s+on\b", t, re.IGNORECASE):
        return 1.0
    # "N times a day", "N times per day", "N times daily", "Nx/day", "N x daily", "twice weekly"
    m = re.search(rf"\b({_NUM_WORD})\s*(?:x|times)\s*(?:(?:a|per|/|each)\s*(day|week)\b|(daily|weekly)\b)", t,
                  re.IGNORECASE)
    if m:
        n = _num(m.group(1))
        if n is not None:
            return n if (m.group(2) or m.group(3)).lower() in ("day", "daily") else round(n / 7.0, 4)
    table = [
        (r"\bq\.?i\.?d\.?(?![a-z])", 4.0),
        (r"\bt\.?i\.?d\.?(?![a-z])", 3.0),
        (r"\bb\.?i\.?d\.?(?![a-z])|\btwice\s+(?:a\s+|per\s+|each\s+)?(?:day|daily)\b", 2.0),
        (r"\bq\.?d\.?(?![a-z])|\bdaily\b|\bonce\s+(?:a\s+)?(?:day|daily)\b|\bq\.?\s?(?:hs|am|pm)\b|\bh\.?s\.?(?![a-z])|"
         r"\bat\s+bedtime\b|\bnightly\b|\bevery\s+(?:day|night|morning|evening)\b|\bper\s+day\b", 1.0),
        (r"\bevery\s+other\s+day\b|\bq\.?o\.?d\.?(?![a-z])", 0.5),
    ]
    found = [f for p, f in table if re.search(p, t, re.IGNORECASE)]
    if found:
        if 0.5 in found and len(found) > 1 and re.search(r"\bevery\s+other\s+day\b", t, re.IGNORECASE):
            return 0.5
        return max(found)
    return None


def _units_per_dose(text: str) -> float | None:
    unit = r"(?:tabs?|tablets?|caps?|capsules?|pills?|patch(?:es)?|puffs?|sprays?)"
    m = re.search(rf"\b(?:take\s+)?({_NUM_WORD})\s*(?:(?:-|to)\s*({_NUM_WORD})\s*)?{unit}\b"
                  rf"(?=\s*(?:po|p\.o\.|by\s+mouth|orally|every|q\b|q\d|daily|bid|tid|qid|qhs|hs|twice|once|"
                  rf"three|four|at|per|a\s+day|prn|as|,|\d+\s*(?:x|times)))",
                  text, re.IGNORECASE)
    if not m:
        m = re.search(rf"\b(?:take\s+)?({_NUM_WORD})\s*(?:(?:-|to)\s*({_NUM_WORD})\s*)?"
                      r"(?=by\s+mouth|po\b|orally)", text, re.IGNORECASE)
    if m:
        nums = [_num(g) for g in m.groups() if g]
        vals = [n for n in nums if n is not None and 0 < n <= 10]
        if vals:
            return max(vals)
    return None


@dataclass
class _Strength:
    start: int
    end: int
    text: str
    values: list[tuple[float, str | None]]   # (number, unit)


def _strengths(text: str, matches: list[DrugMatch]) -> list[_Strength]:
    """Strength chunks: with a unit, or a bare "10/325" right after a drug name."""
    out = []
    ends = [m.end for m in matches]
    for m in _CHUNK_RE.finditer(text):
        parts = [(float(n), (u or None)) for n, u in _PART_RE.findall(m.group(0))]
        if not parts or len(parts) > 6:
            continue
        has_unit = any(u for _, u in parts)
        before = text[max(0, m.start() - 12): m.start()]
        if re.search(r"(?:DOS|date|dated|on|order)\s*:?\s*$", before, re.IGNORECASE):
            continue
        if not has_unit:
            near = any(0 <= m.start() - e <= 3 for e in ends)
            if not (near and "/" in m.group(0) and len(parts) <= 3):
                continue
        out.append(_Strength(m.start(), m.end(), m.group(0).strip(), parts))
    return out


def _assign_strengths(text: str, matches: list[DrugMatch], chunks: list[_Strength], principal: str | None
                      ) -> tuple[dict[str, float], dict[str, float], float | None, _Strength | None]:
    """Map strength chunks to ingredients: by the nearest preceding drug name (or name group)."""
    mg: dict[str, float] = {}
    pct: dict[str, float] = {}
    mcg_h: float | None = None
    first: _Strength | None = None
    for ch in chunks:
        prev = [m for m in matches if m.end <= ch.start and ch.start - m.end <= 40]
        if not prev:
            continue  # a strength before any drug name cannot be attributed
        else:
            last = prev[-1]
            # a group of names joined by "/", "-", "+", "and", "with" ("Hydrocodone/APAP 10/325")
            group = [last]
            for m in reversed(prev[:-1]):
                gap = text[m.end: group[0].start]
                if re.fullmatch(r"\s*(?:[/+&-]|and|with|w/)\s*|\s*", gap, re.IGNORECASE):
                    group.insert(0, m)
                else:
                    break
            order: tuple[str, ...]
            if len(group) == 1:
                order = last.entry.strength_order
            else:
                seq: list[str] = []
                for g in group:
                    for ing in g.entry.strength_order:
                        if ing not in seq:
                            seq.append(ing)
                order = tuple(seq)
            if len(ch.values) == 1:
                order = (group[0].entry.principal,)
        if not order:
            continue
        if first is None:
            first = ch
        units = [u for _, u in ch.values if u]
        default_unit = units[-1] if units else "mg"
        for i, (value, unit) in enumerate(ch.values[: len(order)]):
            u = (unit or default_unit).lower()
            ing = order[i]
            if "/h" in u:
                mcg_h = value
                mg.setdefault(ing, value / 1000.0)
            elif u == "%":
                pct.setdefault(ing, value)
            elif u in ("mcg", "µg", "ug"):
                mg.setdefault(ing, value / 1000.0)
            elif u.startswith("mg/"):
                per = re.search(r"(\d+(?:\.\d+)?)", u[3:])
                mg.setdefault(ing, value / (float(per.group(1)) if per and float(per.group(1)) else 1.0))
            elif u == "mg" and i + 1 < len(ch.values) and (ch.values[i + 1][1] or "").lower() == "ml" \
                    and len(order) == 1:
                mg.setdefault(ing, value / ch.values[i + 1][0] if ch.values[i + 1][0] else value)
                break
            else:
                mg.setdefault(ing, value)
    return mg, pct, mcg_h, first


def _route_and_form(text: str, entry_route: str | None, entry_form: str | None, default_route: str | None,
                    has_pct: bool) -> tuple[str | None, str | None]:
    form = None
    fm = _FORM_RE.search(text)
    if fm:
        for i, (_, name) in enumerate(_FORMS):
            if fm.group(f"f{i}"):
                form = name
                break
    route = None
    for rx, r in _ROUTE_RE:
        if rx.search(text):
            route = r
            break
    if route is None and form is not None:
        if form in _TOPICAL_FORMS or form == "solution" and has_pct:
            route = "transdermal" if default_route == "transdermal" and form == "patch" else "topical"
        elif form == "injection":
            route = "injection"
        elif form in ("tablet", "capsule", "suspension"):
            route = "oral"
    if route is None and has_pct:
        route = "topical"
    if route is None:
        route = entry_route or default_route
    if route == "topical" and default_route == "transdermal" and (form or entry_form) == "patch":
        route = "transdermal"
    # a product's usual form holds only when the route agrees ("Voltaren" tablet vs "Voltaren gel")
    if form is None and entry_form is not None and not (route == "topical" and entry_form in ("tablet", "capsule")):
        form = entry_form
    return route, form


# Words of a request that are never drug names (sig, form, route, request wording): not tried as near misses.
_NOT_NAMES = frozenset("""
retro retrospective request requested prescription prescribed refill refills additional continued continue
tablet tablets caps capsule capsules cream creams ointment lotion patch patches solution suspension oral
topical apply daily twice three times every hours with without take needed dose doses supply month months
weeks days unknown quantity unspecified compound compounded extended release sodium generic brand medication
""".split())  # noqa: SIM905 (a list literal of 60 words reads worse)
_WORD_RE = _Lazy(r"[A-Za-z]{4,}")
_MED_MARKERS_RE = _Lazy(
    r"#\s*\d|\b(?:qty|po|prn|bid|tid|qid|qhs|q\d+h?|sig|refills?|by\s+mouth|kit)\b", re.IGNORECASE)


def _near_misses(body: str, cat: DrugCatalog, matches: list[DrugMatch]
                 ) -> tuple[list[DrugMatch], list[tuple[str, str]]]:
    """Words of the request's name (before its first number) that are no catalog name but near one.

    A word of 5 letters or more at distance 1 from the names of one catalog entry (2 from 10 letters on) is read
    as that entry ("Norcoo" as Norco, "Hydrocodne" as hydrocodone); any other near miss is only suggested.
    Returns (the matches read, every (word, catalog name) suggested)."""
    digit = re.search(r"\d", body)
    zone = body[: digit.start()] if digit else body
    read, suggested = [], []
    for w in _WORD_RE.finditer(zone):
        word = w.group(0)
        if word.lower() in _NOT_NAMES or any(m.start < w.end() and w.start() < m.end for m in matches):
            continue
        near = cat.near(word) if len(word) >= 5 else []
        if not near:
            continue
        best = near[0][1]
        entries = {cat.entries[name] for name, d in near if d == best}
        display = [cat.entries[name].key for name, d in near if d == best]
        suggested += [(word, name) for name in dict.fromkeys(display)]
        if len(entries) == 1 and 0 < best <= (2 if len(word) >= 10 else 1):
            read.append(DrugMatch(w.start(), w.end(), word, entries.pop()))
    return read, suggested


def _is_partner(cat: DrugCatalog, name: str) -> bool:
    info = cat.ingredient(name)
    return bool(info and info.partner)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

def parse_request(text: str, catalog: DrugCatalog | None = None) -> ParsedRequest:
    """Parse one requested item as written in a letter; never raises for any string.

    With the default catalog, parses are remembered per text (the same items recur across an archive).
    """
    if catalog is None and isinstance(text, str):
        return _parse_with_default_catalog(text)
    return _parse(text, catalog or default_catalog())


@lru_cache(maxsize=16384)
def _parse_with_default_catalog(text: str) -> ParsedRequest:
    return _parse(text, default_catalog())


def _parse(text: str, cat: DrugCatalog) -> ParsedRequest:
    original = text if isinstance(text, str) else str(text)
    body = _focus(original.replace("\u00a0", " ").replace("\ufffe", "-").replace("\u2010", "-"))
    body = body[:_MAX_CHARS]

    matches = cat.find(body)
    service_hit = _SERVICE_RE.search(body)
    chunks_any = _strengths(body, matches)
    looks_like_med = bool(chunks_any) or bool(
        re.search(r"\b(?:tabs?|tablets?|capsules?|caps|cream|gel|ointment|lotion|suspension|patch(?:es)?|"
                  r"mg|mcg)\b", body, re.IGNORECASE))

    retro = bool(_RETRO_RE.search(body))
    if service_hit is not None and (not matches or service_hit.start() < matches[0].start) or \
            _DEVICE_RE.search(body):
        return ParsedRequest(text=original, kind="service", retrospective=retro)
    read, did_you_mean = _near_misses(body, cat, matches)
    if read:
        matches = sorted(matches + read, key=lambda m: m.start)
        chunks_any = _strengths(body, matches)
    if not matches:
        if looks_like_med or did_you_mean or _MED_MARKERS_RE.search(body):
            # drug-like but no catalog name: an unrecognised drug (with suggestions), never a service
            return ParsedRequest(text=original, kind="drug", retrospective=retro, unknown_drug=True,
                                 quantity=_quantity(body)[0], days_supply=_days_supply(body),
                                 refills=_refills(body), prn=bool(_PRN_RE.search(body)),
                                 strength_text=chunks_any[0].text if chunks_any else None,
                                 did_you_mean=tuple(did_you_mean))
        return ParsedRequest(text=original, kind="service", retrospective=retro)

    # ingredients: union over the names found, principal first; combination partners last
    first = matches[0]
    ingredients: list[str] = []
    for m in matches:
        for ing in m.entry.ingredients:
            if ing not in ingredients:
                ingredients.append(ing)
    if first.entry.kind == "ingredient" and len(ingredients) > 1:
        partners = [i for i in ingredients if _is_partner(cat, i)]
        if len(partners) < len(ingredients):
            ingredients = [i for i in ingredients if i not in partners] + partners
    principal = ingredients[0]
    pinfo = cat.ingredient(principal)

    chunks = _strengths(body, matches)
    strengths_mg, strengths_pct, mcg_h, first_chunk = _assign_strengths(body, matches, chunks, principal)

    product = next((m.entry for m in matches if m.entry.kind == "product"), None)
    default_route = pinfo.route if pinfo else "oral"
    route, form = _route_and_form(body, product.route if product else None, product.form if product else None,
                                  default_route, bool(strengths_pct))
    if route == "injection" and _SITE_RE.search(body):
        # an injection into a joint, a trigger point or the spine is a procedure ("Depo-Medrol injection
        # to the knee"), not a prescription
        return ParsedRequest(text=original, kind="service", retrospective=retro)

    # class: explicit product class, compounded, topical class, else the ingredient class
    actives = [i for i in ingredients if not _is_partner(cat, i)]
    distinct_named = {m.entry.key for m in matches}
    drug_class: str | None
    compounded_topical = route == "topical" and (bool(_COMPOUND_RE.search(body))
                                                 or (len(actives) >= 2 and len(distinct_named) >= 2))
    compounded = compounded_topical or bool(_COMPOUND_RE.search(body)) or bool(_KIT_RE.search(body)) \
        or any(m.entry.kit for m in matches)
    if product is not None and product.drug_class and product is first.entry:
        drug_class = product.drug_class
    elif compounded_topical:
        drug_class = "compounded_topical"
    elif product is not None and product.drug_class:
        drug_class = product.drug_class
    elif route == "topical" and pinfo is not None:
        drug_class = pinfo.topical_class or "compounded_topical"
    else:
        drug_class = pinfo.drug_class if pinfo else None

    masked = body
    for m in matches:   # "Tylenol #3" is a name, not a quantity
        masked = masked[: m.start] + " " * (m.end - m.start) + masked[m.end:]
    quantity, package_unit = _quantity(masked)
    days = _days_supply(body)
    freq = _frequency(body)
    dose_units = _units_per_dose(body)
    units_per_day: float | None = None
    if freq is not None:
        units_per_day = freq * (dose_units or 1.0)
    elif quantity and days and package_unit is None:   # "#120 for 30 days": 4 a day; "1 box for 30 days": ?
        units_per_day = quantity / days
    strength_mg = strengths_mg.get(principal)

    topical = route == "topical"
    daily_dose = None
    if units_per_day is not None and strength_mg is not None and not topical and mcg_h is None:
        daily_dose = round(units_per_day * strength_mg, 4)

    mme = None
    if pinfo is not None and pinfo.is_opioid:
        if mcg_h is not None and pinfo.mme_per_mcg_h:
            mme = round(mcg_h * pinfo.mme_per_mcg_h, 4)
        elif units_per_day is not None:
            total = 0.0
            known = False
            for ing in ingredients:
                info = cat.ingredient(ing)
                if info is None or not info.is_opioid or ing not in strengths_mg:
                    continue
                daily = units_per_day * strengths_mg[ing]
                factor = info.mme_factor_for(daily)
                if factor is not None:
                    total += daily * factor
                    known = True
            mme = round(total, 4) if known else None
    apap = None
    if "acetaminophen" in strengths_mg and units_per_day is not None and not topical:
        apap = round(units_per_day * strengths_mg["acetaminophen"], 4)

    sedating = not topical and any(info.sedating for info in map(cat.ingredient, ingredients) if info)

    return ParsedRequest(
        text=original, kind="drug", drug=principal, ingredients=tuple(ingredients), drug_class=drug_class,
        name=first.text, route=route, form=form, strength_mg=strength_mg, strengths_mg=strengths_mg,
        strength_text=first_chunk.text if first_chunk else None, quantity=quantity, days_supply=days,
        refills=_refills(body), retrospective=retro, frequency_per_day=freq,
        prn=bool(_PRN_RE.search(body)), units_per_day=round(units_per_day, 4) if units_per_day else units_per_day,
        daily_dose_mg=daily_dose, mme_per_day=mme, apap_mg_per_day=apap, sedating=sedating,
        unknown_drug=False, strengths_pct=strengths_pct,
        extended_release=any(m.entry.extended_release for m in matches) or bool(_ER_RE.search(body)),
        package_unit=package_unit, did_you_mean=tuple(did_you_mean), read_as_near_miss=bool(read),
        compounded=compounded,
    )


def service_words(text: str) -> bool:
    """Does the text name a service (therapy, imaging, injection, visit, DME...)?"""
    return _SERVICE_RE.search(text) is not None
