"""Parse a requested service as written in an IMR letter ("Physical therapy 2 times a week for 6 weeks, right knee").

The service catalog (``rules/services.yaml``, data) names the service types, the body parts and the
words of a course's phase; :func:`parse_service` reads from one item's text its type, body parts and
side, the number of visits or sessions (``PT 2x4``, ``8 sessions``, ``x6``, ``1 to 2 times per week for
4 weeks``), contrast, spinal levels, whether the course is an initial trial, an extension or
post-operative, and for a partly certified request the counts requested and authorized. It never
raises on any text; what it cannot read it leaves ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from checker.core import yamlpos
from checker.core.errors import InputError, Problem
from checker.core.resources import rules_dir

DEFAULT_PATH = rules_dir() / "services.yaml"

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "eighteen": 18, "twenty": 20, "twenty-four": 24, "once": 1, "twice": 2}
_N = r"(\d{1,3}|" + "|".join(sorted((w for w in _WORDS if w not in ("once", "twice")), key=len, reverse=True)) + r")"
_RANGE = rf"{_N}(?:\s*(?:-|to|or)\s*{_N})?"
_UNIT = r"(?:sessions?|visits?|treatments?|appointments?)"
_PER_WEEK = (rf"(?:{_RANGE}\s*(?:x|times)|(once|twice))\s*(?:a|per|/|each)?\s*(?:week|wk)(?:ly)?|"
             rf"{_RANGE}\s*(?:x|times)\s*weekly")
_FOR_WEEKS = rf"(?:for|over|x|times|,)?\s*(?:a\s+)?(?:period\s+of\s+)?{_RANGE}\s*(?:weeks?|wks?)\b"
_PARTIAL = re.compile(r"\boriginal\s+request\s*,", re.I)
_AUTHORIZED = re.compile(r"^\s*(?:the\s+claims\s+administrator\s+(?:authorized|certified|approved)\s+"
                         r"(.+?)(?:,\s*leaving|$)|"
                         r"(.+?)\s+(?:was|were)\s+(?:authorized|certified|approved|modified)\b)", re.I)
_ORIGINAL = re.compile(r"^(.+?)\s+was\s+the\s+original\s+request\b", re.I)
_SIDE = re.compile(r"\b(bilateral|both|left|right|b/l|rt|lt)\b", re.I)
_CONTRAST = re.compile(r"\b(without|w/o|with(?:out)?|w/)\s*(?:and\s+without\s+)?(?:IV\s+)?(?:gadolinium\s+)?"
                       r"contrast\b", re.I)
_LEVEL = re.compile(r"\b([CTL])\s?(\d{1,2})\s*[-/]\s*([CTLS])?\s?(\d)\b|\b(L5)\s*[-/]\s*(S1)\b", re.I)
_UNSPECIFIED = re.compile(r"\bunspecified\b|\bunknown\b|\bnot\s+specified\b", re.I)
_COMPONENTS = re.compile(r"\(\s*(?:CPT\s*(?:code\s*)?)?\d{5}\b|\bto\s+include\b", re.I)
_GUIDED_BY = r"(?:EMG|ultrasound|ultrasonic|sonographic|CT|MRI|fluoroscop\w*|x-?ray)"
_GUIDANCE = re.compile(rf"\b(?:with|under|using)\s+(?:\w+\s+){{0,2}}?{_GUIDED_BY}\s+guid\w*|"
                       rf"\b{_GUIDED_BY}[\s-]+(?:guided|compatible|conditional)\b", re.I)
_TAIL = re.compile(r"(?:\s+(?:is|are))?\s*:?\s*(?:\b(?:upheld|overturned))?\s*$", re.I)


@dataclass(frozen=True)
class ServiceType:
    """One service type of the catalog."""

    key: str
    group: str
    label: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class BodyPart:
    key: str
    region: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class FindingSite:
    """Where an examination finding lies by what it names (a muscle, a reflex, a root, a test)."""

    key: str
    regions: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class ServiceCatalog:
    """The service catalog: types in priority order, phases, body parts."""

    types: tuple[ServiceType, ...]
    groups: tuple[str, ...]
    phases: tuple[tuple[str, re.Pattern[str]], ...]
    body_parts: tuple[BodyPart, ...]
    regions: tuple[str, ...]
    finding_sites: tuple[FindingSite, ...] = ()

    def type_of(self, text: str) -> ServiceType | None:
        """The first type in catalog order whose wording occurs in ``text``."""
        return next((t for t in self.types if t.pattern.search(text)), None)

    def get(self, key: str) -> ServiceType | None:
        return next((t for t in self.types if t.key == key), None)


@dataclass(frozen=True)
class ParsedService:
    """A requested service, parsed. Unknown values are None."""

    text: str
    service: str | None = None          # catalog type key ("mri", "physical_therapy")
    group: str | None = None            # its group ("imaging", "physical_medicine")
    body_parts: tuple[str, ...] = ()    # catalog body-part keys, in text order
    regions: tuple[str, ...] = ()       # their MTUS body-part chapters
    side: str | None = None             # left | right | bilateral
    visits: int | None = None           # visits / sessions / units of this (remaining) request
    per_week: float | None = None       # highest stated frequency per week
    weeks: float | None = None          # stated duration in weeks
    days: int | None = None             # stated duration in days (inpatient stays, rentals)
    contrast: str | None = None         # with | without
    levels: tuple[str, ...] = ()        # spinal levels ("L4-L5", "L5-S1")
    phase: str | None = None            # initial | extension | post_operative
    unspecified_quantity: bool = False  # the request states no amount ("unspecified quantity")
    visits_original: int | None = None  # partly certified: the count first requested
    visits_authorized: int | None = None  # partly certified: the count the claims administrator authorized


def _num(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower()
    if word in _WORDS:
        return _WORDS[word]
    try:
        return int(word)
    except ValueError:
        return None


def _high(a: str | None, b: str | None) -> int | None:
    """The higher of a range ("1 to 2" -> 2), or the single number."""
    values = [v for v in (_num(a), _num(b)) if v is not None]
    return max(values) if values else None


def _focus(text: str) -> str:
    """The part of an item title that is the disputed request (the remaining portion of a partial certification)."""
    m = _PARTIAL.search(text)
    if m is not None:
        text = text[m.end():]
    return _TAIL.sub("", text.strip()).strip()


def _unguided(text: str) -> str:
    """The text without an imaging or EMG word that only guides or qualifies the procedure ("with EMG guidance",
    "MRI-compatible"), which must not be taken for the service itself."""
    return _GUIDANCE.sub(" ", text)


def _head(text: str) -> str:
    """The words that name the requested service: without the component list of a coded request ("(97110: ...;
    97124: Massage ...)", "to include: ...") whose parts (massage, manual therapy) are not the service requested."""
    return _unguided(_COMPONENTS.split(text, maxsplit=1)[0])


def _frequency(text: str) -> tuple[float | None, float | None]:
    """(per week, weeks) from "2 times a week for 6 weeks", "2x4", "1 to 2 times per week for 3 weeks"."""
    per_week = weeks = None
    m = re.search(_PER_WEEK, text, re.I)
    if m:
        g = m.groups()
        per_week = _high(g[0], g[1]) or _num(g[2]) or _high(g[3], g[4])
        rest = text[m.end():]
        w = re.match(rf"\s*,?\s*{_FOR_WEEKS}", rest, re.I)
        if w:
            weeks = _high(w.group(1), w.group(2))
        else:
            w = re.search(rf"\b(?:for|over|x)\s*{_RANGE}\s*(?:weeks?|wks?)\b", text, re.I)
            if w:
                weeks = _high(w.group(1), w.group(2))
    else:
        m = re.search(r"\b(\d)\s*x\s*(\d{1,2})\b(?!\s*(?:mg|%))", text, re.I)    # "PT 2x4"
        if m:
            per_week, weeks = float(m.group(1)), float(m.group(2))
    return (float(per_week) if per_week else None), (float(weeks) if weeks else None)


def _visits(text: str, per_week: float | None, weeks: float | None) -> int | None:
    """The number of visits of one request text; explicit counts over frequency x duration."""
    m = re.search(rf"\(\s*{_N}\s*(?:{_UNIT})?\s*\)|\bseries\s+of\s+{_N}\b", text, re.I)  # "(12 sessions)", "(8)",
    if m:                                                                     # "a series of 3"
        return _num(m.group(1) or m.group(2))
    # "12 sessions", "two sessions ... and eight sessions"; not "4 units per session" (a unit of each session)
    counts = [_high(m.group(1), m.group(2)) for m in
              re.finditer(rf"\b{_RANGE}\s+((?:[\w/()-]+\s+){{0,4}}?){_UNIT}\b", text, re.I)
              if not re.search(r"\b(?:per|a|each)\s+$", m.group(3), re.I)
              and not re.match(r"(?:weeks?|wks?|days?|months?|hours?|hrs?)\b", m.group(3), re.I)]
    counts = [c for c in counts if c]
    if counts:
        return sum(counts)       # "two sessions for the back and eight sessions for the wrist"
    m = re.search(rf"\b(?:{_UNIT})\s*[:,]?\s*(?:x|times|#)?\s*{_N}\b(?!\s*(?:weeks?|days?|times|x\b))", text, re.I)
    if m:
        return _num(m.group(1))
    m = re.search(rf"\b{_N}\s*(?:x|times)\s*{_N}\b(?!\s*(?:weeks?|wks?|days?|hours?))", text, re.I)  # "1 times 8"
    if m and not re.search(_PER_WEEK, text, re.I):
        a, b = _num(m.group(1)), _num(m.group(2))
        if a and b:
            return a * b
    # "x6", "times 12"
    m = re.search(rf"(?:\bx|\btimes|#)\s*{_N}\b(?!\s*(?:weeks?|wks?|days?|hours?|months?))", text, re.I)
    if m and not (per_week and weeks):
        return _num(m.group(1))
    if per_week and weeks:
        return int(per_week * weeks)
    m = re.search(rf",\s*{_N}\s*$", text)                       # "NCV of the bilateral lower extremities, 2"
    if m:
        return _num(m.group(1))
    # "1 knee scooter"
    m = re.match(rf"\s*{_N}\s+(?!(?:to|or|and|weeks?|days?|hours?|months?|phase)\b)(?!{_N}\b)[a-z]", text, re.I)
    if m:
        return _num(m.group(1))
    return None


def _days(text: str) -> int | None:
    m = re.search(rf"\b{_RANGE}[\s-]*(day|week)s?\b(?!\s+a\s+week)", text, re.I)
    if m and not re.search(r"\bper\s*$|\btimes\s+a\s*$", text[: m.start()], re.I):
        n = _high(m.group(1), m.group(2))
        if n:
            return n * (7 if m.group(3).lower() == "week" else 1)
    return None


def _count_of(part: str | None) -> int | None:
    if not part:
        return None
    per_week, weeks = _frequency(part)
    return _visits(part, per_week, weeks)


def _side(text: str) -> str | None:
    sides = {m.group(1).lower() for m in _SIDE.finditer(text)}
    alias = {"both": "bilateral", "b/l": "bilateral", "rt": "right", "lt": "left"}
    sides = {alias.get(s, s) for s in sides}
    if "bilateral" in sides or {"left", "right"} <= sides:
        return "bilateral"
    if re.search(r"\bB[UL]E\b", text):
        return "bilateral"
    if re.search(r"\bR[UL]E\b", text):
        return "right"
    if re.search(r"\bL[UL]E\b", text):
        return "left"
    return next(iter(sides), None)


def _levels(text: str) -> tuple[str, ...]:
    out = []
    for m in _LEVEL.finditer(text):
        if m.group(5):
            out.append("L5-S1")
            continue
        region, top, low_region, low = m.group(1).upper(), m.group(2), (m.group(3) or m.group(1)).upper(), m.group(4)
        out.append(f"{region}{top}-{low_region}{low}")
    return tuple(dict.fromkeys(out))


def parse_service(text: str, catalog: ServiceCatalog | None = None) -> ParsedService:
    """Parse one requested service as written in a letter; never raises for any string.

    With the default catalog, parses are remembered per text (the same items recur across an archive).
    """
    if catalog is None and isinstance(text, str):
        return _parse_with_default_catalog(text)
    return _parse(text, catalog or default_service_catalog())


@lru_cache(maxsize=16384)
def _parse_with_default_catalog(text: str) -> ParsedService:
    return _parse(text, default_service_catalog())


def _parse(text: str, cat: ServiceCatalog) -> ParsedService:
    original = text if isinstance(text, str) else str(text)
    full = original.replace("\u00a0", " ")[:2000]
    body = _focus(full)
    kind = next((t for t in (cat.type_of(_head(body)), cat.type_of(_unguided(body)), cat.type_of(_unguided(full)))
                 if t), None)
    parts, regions = [], []
    hits = sorted((m.start(), bp) for bp in cat.body_parts for m in [bp.pattern.search(body)] if m)
    for _, bp in hits:
        if bp.key not in parts:
            parts.append(bp.key)
            if bp.region not in regions:
                regions.append(bp.region)
    per_week, weeks = _frequency(body)
    visits = _visits(body, per_week, weeks)
    phase = next((name for name, rx in cat.phases if rx.search(full if name == "post_operative" else body)), None)
    original_count = authorized = None
    if _PARTIAL.search(full):
        for sentence in re.split(r"(?<=[a-z0-9)])\.\s+", full):
            m = _ORIGINAL.search(sentence)
            if m and original_count is None:
                original_count = _count_of(m.group(1))
                continue
            m = _AUTHORIZED.search(sentence)
            if m and authorized is None and not _PARTIAL.search(sentence):
                authorized = _count_of(m.group(1) or m.group(2))
    contrast = None
    m = _CONTRAST.search(body)
    if m:
        contrast = "without" if m.group(1).lower() in ("without", "w/o") else "with"
    return ParsedService(
        text=original, service=kind.key if kind else None, group=kind.group if kind else None,
        body_parts=tuple(parts), regions=tuple(regions), side=_side(body), visits=visits, per_week=per_week,
        weeks=weeks, days=_days(body), contrast=contrast, levels=_levels(body), phase=phase,
        unspecified_quantity=bool(_UNSPECIFIED.search(body)) and visits is None,
        visits_original=original_count, visits_authorized=authorized,
    )


# --------------------------------------------------------------------------------------------
# Loading the catalog
# --------------------------------------------------------------------------------------------

def _compile(patterns: list[str], where: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w])", re.I)


def _build(data: dict, path: str) -> ServiceCatalog:
    problems: list[Problem] = []
    groups = tuple(data.get("groups") or ())
    regions = tuple(data.get("regions") or ())
    types = []
    for key, entry in (data.get("types") or {}).items():
        if entry.get("group") not in groups:
            problems.append(Problem(path, f"service type '{key}': unknown group {entry.get('group')!r}",
                                    hint="one of " + ", ".join(groups)))
            continue
        try:
            types.append(ServiceType(key, entry["group"], entry.get("label", key), _compile(entry["patterns"], key)))
        except (re.error, KeyError, TypeError) as exc:
            problems.append(Problem(path, f"service type '{key}': bad patterns ({exc})"))
    parts = []
    for key, entry in (data.get("body_parts") or {}).items():
        if entry.get("region") not in regions:
            problems.append(Problem(path, f"body part '{key}': unknown region {entry.get('region')!r}"))
            continue
        try:
            parts.append(BodyPart(key, entry["region"], _compile(entry["patterns"], key)))
        except (re.error, KeyError, TypeError) as exc:
            problems.append(Problem(path, f"body part '{key}': bad patterns ({exc})"))
    sites = _finding_sites(data.get("finding_sites") or {}, regions, path, problems)
    phases = []
    for name, patterns in (data.get("phases") or {}).items():
        try:
            phases.append((name, _compile(patterns, name)))
        except (re.error, TypeError) as exc:
            problems.append(Problem(path, f"phase '{name}': bad patterns ({exc})"))
    if problems:
        raise InputError(problems[0], problems[1:])
    return ServiceCatalog(tuple(types), groups, tuple(phases), tuple(parts), regions, sites)


def _finding_sites(data: dict, regions: tuple[str, ...], path: str, problems: list[Problem]) -> tuple[FindingSite, ...]:
    """The catalog's ``finding_sites``: each a list of regions and the wordings that place a finding there."""
    sites = []
    for key, entry in data.items():
        unknown = [r for r in entry.get("regions") or () if r not in regions] if isinstance(entry, dict) else []
        if not isinstance(entry, dict) or not entry.get("regions") or unknown:
            problems.append(Problem(path, f"finding site '{key}': unknown regions {unknown or None!r}"))
            continue
        try:
            sites.append(FindingSite(key, tuple(entry["regions"]), _compile(entry["patterns"], key)))
        except (re.error, KeyError, TypeError) as exc:
            problems.append(Problem(path, f"finding site '{key}': bad patterns ({exc})"))
    return tuple(sites)


def load_service_catalog(path: str | Path | None = None) -> ServiceCatalog:
    """Load and check a service catalog (default ``rules/services.yaml``); InputError naming the file if broken."""
    file = Path(path) if path else DEFAULT_PATH
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise InputError(Problem(str(file), f"cannot read the service catalog: {exc.strerror or exc}")) from None
    except yaml.YAMLError:
        yamlpos.load(file)   # raises InputError with the line and column
        raise
    if not isinstance(data, dict):
        raise InputError(Problem(str(file), "the service catalog must be a mapping (groups, types, body_parts)", 1, 1))
    return _build(data, str(file))


@lru_cache(maxsize=1)
def default_service_catalog() -> ServiceCatalog:
    """The bundled service catalog, loaded once."""
    return load_service_catalog()


_HOURS = r"(\d{1,3}(?:\.\d)?)\s*(?:-\s*\d{1,3}\s*)?(?:hours?|hrs?)"
_PER = r"\s*(?:a|per|/|each)\s*"


def hours_per_week(text: str) -> float | None:
    """Hours of care a week a home health request asks for: "20 hours per week", or "6 hours per day, 5 times
    (days) a week" = 30; None when the text does not say (hours a day with no days a week are not guessed)."""
    text = text[:2000]   # as parse_service reads it
    week = re.search(rf"\b{_HOURS}{_PER}(?:week|wk)\b", text, re.I)
    if week:
        return float(week.group(1))
    day = re.search(rf"\b{_HOURS}{_PER}day\b", text, re.I)
    days = re.search(rf"\b{_RANGE}\s*(?:x|times|days?){_PER}(?:week|wk)\b", text, re.I)
    if day and days:
        per_week = _high(days.group(1), days.group(2))
        return float(day.group(1)) * per_week if per_week else None
    return None


def program_days(parsed: ParsedService) -> int | None:
    """Full-day sessions a functional restoration program request asks for: its sessions ("10 sessions"), or its
    days ("x 10 days"); a span in weeks ("for 2 weeks") is not turned into days."""
    if parsed.visits is not None:
        return parsed.visits
    m = re.search(rf"\b{_RANGE}\s*(?:full[\s-]?)?days?\b(?!\s*(?:a|per|/)\s*week)", parsed.text[:2000], re.I)
    if m:
        return _high(m.group(1), m.group(2))
    per_week = re.search(rf"\b{_RANGE}\s*(?:x|times|days?){_PER}(?:week|wk)\b", parsed.text[:2000], re.I)
    weeks = program_weeks(parsed)
    if per_week and weeks:   # "5 days a week for 2 weeks": the days are stated, 10
        days = _high(per_week.group(1), per_week.group(2))
        return int(days * weeks) if days and float(days * weeks).is_integer() else None
    return None


def program_hours(parsed: ParsedService) -> float | None:
    """Hours of a functional restoration program a request asks for in all ("x 80 hours", "160 hours"); None for
    hours a day or a week, or when no hours are stated."""
    m = re.search(rf"\b{_HOURS}\b(?!{_PER}(?:day|week|wk)\b)", parsed.text[:2000], re.I)
    return float(m.group(1)) if m else None


def program_weeks(parsed: ParsedService) -> float | None:
    """Weeks of a functional restoration program a request asks for ("x 2 weeks", "for 4 weeks"); None when not
    stated. The weeks are not turned into full-day sessions (a program may run part days)."""
    m = re.search(rf"\b{_RANGE}\s*(?:weeks?|wks?)\b(?!{_PER})", parsed.text[:2000], re.I)
    weeks = _high(m.group(1), m.group(2)) if m else None
    return float(weeks) if weeks else None
