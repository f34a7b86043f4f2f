"""Parse the structure of an IMR decision letter into a typed :class:`Letter`.

Input is normalised letter text (see :mod:`checker.ingest.text`: one paragraph per line).  The
parser tolerates text that is less tidy (blank lines, an outcome alone on the line after its
title, a citation wrapped over lines), and never raises anything but :class:`InputError`.

The outcome words (Upheld/Overturned) are read only as the outcome of the item whose title they
close; no other fact is inferred from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from checker.core.errors import InputError, Problem
from checker.ingest.text import letter_text

__all__ = ["Citation", "Letter", "LetterItem", "parse_letter", "read_letter", "parse_citations"]


@dataclass
class Citation:
    """One guideline a decision was based on, as the letter states it."""

    guideline: str
    edition: str | None
    sections: list[str]
    pages: str | None
    source: str  # "claims_administrator" | "maximus"
    text: str  # the raw "Decision based on ..." text
    outside_mtus: bool = False


@dataclass
class LetterItem:
    """One disputed item: its title, outcome, citations and the reviewer's rationale."""

    number: int
    title: str
    outcome: str  # "upheld" | "overturned"
    request_text: str
    partial: bool
    citations: list[Citation] = field(default_factory=list)
    rationale: str = ""
    rationale_offset: int = -1


@dataclass
class Letter:
    """An IMR final determination letter."""

    path: str
    text: str
    case_number: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    priority: str | None = None
    reviewer_license: str | None = None
    reviewer_specialty: str | None = None
    summary: str = ""
    summary_offset: int = -1
    items: list[LetterItem] = field(default_factory=list)
    era: str = "2016"


# ---------------------------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------------------------

_H_HOW = re.compile(r"^\s*HOW THE IMR FINAL DETERMINATION WAS MADE\s*$", re.M | re.I)
_H_SUMMARY = re.compile(r"^\s*CLINICAL CASE SUMMARY\s*$", re.M | re.I)
_H_ISSUES = re.compile(r"^\s*IMR ISSUES,? DECISIONS,? AND RATIONALES\s*$", re.M | re.I)
_SUMMARY_INTRO = re.compile(
    r"^\s*The expert reviewer developed the following clinical case summary[^\n]*?:[ \t]*\n?", re.M | re.I
)
_ITEMS_INTRO = re.compile(r"^\s*The Final Determination was based on decisions[^\n]*?:[ \t]*$", re.M | re.I)

_LABEL_CA = re.compile(r"^\s*Claims Administrator guideline\s*:", re.I)
_LABEL_MAX = re.compile(r"^\s*MAXIMUS guideline\s*:", re.I)
_LABEL_RATIONALE = re.compile(r"^\s*Decision rationale\s*:\s*", re.I)

_OUTCOME_AT_END = re.compile(r"^(?P<title>.*\S)\s*:\s*(?P<outcome>Upheld|Overturned)\s*\.?\s*$", re.I)
_OUTCOME_ALONE = re.compile(r"^\s*(?P<outcome>Upheld|Overturned)\s*\.?\s*$", re.I)

_DATE = r"(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{2,4})"
_HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("assigned", r"Date\s+Assigned"),
    ("injury", r"Date\s+of\s+Injury"),
    ("decision", r"Decision\s+Date"),
    ("ur_denial", r"UR\s+Denial\s+Date"),
    ("application_received", r"Application\s+Received"),
)
_CASE_NUMBER = re.compile(r"Case\s+Number\s*:\s*([A-Z0-9][A-Z0-9-]*[0-9])", re.I)
_PRIORITY = re.compile(r"Priority\s*:\s*([A-Za-z]+)", re.I)
_LICENSURE = re.compile(r"State\(s\)\s+of\s+Licensure\s*:\s*([^\n]+)", re.I)
_LICENSED_IN = re.compile(r"licensed to practice in\s+([A-Z][A-Za-z ,]*?)(?=\s*[.;\n]|\s+and\b)")
_CERTIFICATION = re.compile(r"Certification\(s\)\s*/\s*Specialty\s*:\s*([^\n]+)", re.I)
_BOARD_CERTIFIED = re.compile(
    r"Board\s+Certified\s+in\s+(.+?)(?=,?\s+(?:has|and\s+is|is|who|with)\b|[.;\n])", re.I
)

# Partial certifications: "X was the original request. Y was authorized by the Claims
# Administrator. The remaining IMR eligible portion of the original request, Z is" and
# "X was the original request. The Claims Administrator authorized Y, leaving the original
# request IMR eligible. The original request, Z is".
_PARTIAL = re.compile(
    r"\bwas the original request\b.*?"
    r"(?:remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request|"
    r"The\s+original\s+request)\s*,\s*(?P<request>.+?)(?:\s+(?:is|are))?\s*$",
    re.I | re.S,
)

_SENTENCE_BOUNDARY = re.compile(r"(?<=[a-z0-9)%\]])[.!?]\s+(?=[A-Z])")
_ORIGINAL_REQUEST = re.compile(r"\bwas\s+the\s+original\s+request\b", re.I)
_DECISION_BASED_ON = re.compile(r"Decision\s+based\s+on\s+", re.I)
_NON_MTUS = re.compile(r"^Non-?\s*MTUS\s+Citation\s*:?\s*", re.I)
_OUTSIDE_MTUS = re.compile(
    r"outside\s+of\s+the\s+MTUS|did\s+not\s+base\s+their\s+decision\s+on\s+the\s+MTUS", re.I
)
_PAGES = re.compile(r"\bPages?\s*\(s\)\s*:?\s*(?P<pages>\d[\d\s,\-–]*\d|\d)", re.I)
_SECTIONS = re.compile(r"\bSections?\s*\(s\)\s*:\s*", re.I)
_EDITION = re.compile(r"\s*\b(?P<year>(?:19|20)\d\d)\b\s*[,.]?\s*$")
_ODG = re.compile(
    r"^(?P<name>(?:Official\s+Disability\s+Guidelines|ODG)(?:\s*\(ODG\))?)"
    r"(?:\s+Guidelines\b)?\s*[,:\-–]?\s*",
    re.I,
)
#: "MTUS A 2007, and B 2016, Section(s): ..." names two guidelines in one statement.
_AND_GUIDELINE = re.compile(r"(?<=\b(?:19|20)\d\d),?\s+and\s+(?=[A-Z][^,]*?\b(?:19|20)\d\d\b)")

#: Section titles of the MTUS that contain a comma; they are kept whole when splitting a list.
KNOWN_COMMA_SECTIONS: tuple[str, ...] = (
    "NSAIDs, GI symptoms & cardiovascular risk",
    "NSAIDs, hypertension and renal function",
    "NSAIDs, specific drug list & adverse effects",
    "Opioids, specific drug list",
    "Opioids, criteria for use",
    "Opioids, cancer pain vs. nonmalignant pain",
    "Opioids, long-term assessment",
    "Opioids, dosing",
    "Opioids, pain treatment agreement",
    "Opioids, screening for risk of addiction",
    "Opioids, steps to avoid misuse/addiction",
    "Opioids, differentiation: dependence & addiction",
    "TENS, chronic pain (transcutaneous electrical nerve stimulation)",
    "CRPS, diagnostic criteria",
    "CRPS, medications",
    "CRPS, sympathetic blocks",
    "CRPS, spinal cord stimulators",
)


#: The early layout of the letters (2013): "Notice of Independent Medical Review Determination", "INDEPENDENT MEDICAL
#: REVIEW DECISION AND RATIONALE", one "has determined the request for ..." sentence per item.
EARLY_LAYOUT = re.compile(r"^\s*INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE\b|Notice of Independent Medical "
                          r"Review Determination", re.M | re.I)


def _fail(path: str, message: str) -> InputError:
    return InputError(Problem(path, message))


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def read_letter(path: str | Path) -> Letter:
    """Read and parse the letter at ``path`` (.pdf or .txt); InputError if it cannot be read or parsed."""
    return parse_letter(letter_text(path), str(path))


def parse_letter(text: str, path: str = "<text>") -> Letter:
    """Parse normalised letter text into a :class:`Letter`; InputError if it is not an IMR letter."""
    if not isinstance(text, str):
        raise _fail(path, "letter text is not a string")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _fail(path, "empty letter text")
    how, summary_h, issues_h = _H_HOW.search(text), _H_SUMMARY.search(text), _H_ISSUES.search(text)
    if not (how or issues_h or _find_line(text, _LABEL_RATIONALE) is not None):
        if EARLY_LAYOUT.search(text):
            raise _fail(path, "an IMR letter in the early layout ('INDEPENDENT MEDICAL REVIEW DECISION AND "
                              "RATIONALE', as in 2013 letters): not read yet; only the later layout ('IMR ISSUES, "
                              "DECISIONS AND RATIONALES') is")
        raise _fail(path, "not an IMR decision letter (no IMR headings or decision rationale found)")

    letter = Letter(path=path, text=text)
    first_heading = min((m.start() for m in (how, summary_h, issues_h) if m), default=0)
    header = text[:first_heading] if first_heading else text[:600]
    _parse_header(header, letter)

    reviewer_end = summary_h.start() if summary_h else (issues_h.start() if issues_h else len(text))
    reviewer_start = how.end() if how else 0
    if reviewer_start < reviewer_end:
        _parse_reviewer(text[reviewer_start:reviewer_end], letter)

    items_start = issues_h.end() if issues_h else 0
    if summary_h:
        start = summary_h.end()
        intro = _SUMMARY_INTRO.search(text, start)
        if intro and intro.start() <= start + 2:
            start = intro.end()
        end = issues_h.start() if issues_h and issues_h.start() >= start else len(text)
        if not issues_h:
            first_item = _first_item_line(text, start)
            end = first_item if first_item is not None else end
        start, end = _strip_span(text, start, end)
        letter.summary, letter.summary_offset = text[start:end], start
        items_start = max(items_start, end)

    letter.items = _parse_items(text, items_start)
    if not letter.items:
        raise _fail(path, "no disputed items with an outcome (Upheld/Overturned) found in the letter")
    unread = _untitled_blocks(text, items_start)
    if unread:  # never drop an item: its title would end up inside the previous item's rationale
        raise InputError(Problem(path, f"{len(unread)} disputed item(s) without a readable outcome "
                                       f"(Upheld/Overturned), first: '{_short(unread[0])}'; read "
                                       f"{len(letter.items)} item(s) with one", code="letter-item-unreadable"))
    letter.era = _era(letter)
    return letter


# ---------------------------------------------------------------------------------------------
# Header and reviewer
# ---------------------------------------------------------------------------------------------


def _iso(day: str) -> str | None:
    m = re.fullmatch(_DATE, day.strip())
    if not m:
        return None
    month, dom, year = (int(g) for g in m.groups())
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        return date(year, month, dom).isoformat()
    except ValueError:
        return None


def _parse_header(header: str, letter: Letter) -> None:
    flat = re.sub(r"\s+", " ", header)
    m = _CASE_NUMBER.search(flat)
    if m:
        letter.case_number = m.group(1).upper()
    for key, label in _HEADER_FIELDS:
        m = re.search(label + r"\s*:\s*" + _DATE, flat, re.I)
        if m:
            iso = _iso(m.group(0).split(":", 1)[1])
            if iso:
                letter.dates[key] = iso
    m = _PRIORITY.search(flat)
    if m and m.group(1).lower() not in {"application", "received"}:
        letter.priority = m.group(1)


def _parse_reviewer(section: str, letter: Letter) -> None:
    m = _LICENSURE.search(section)
    if m:
        letter.reviewer_license = _clean(m.group(1))
    else:
        m = _LICENSED_IN.search(section)
        if m:
            letter.reviewer_license = _clean(m.group(1))
    m = _CERTIFICATION.search(section) or _BOARD_CERTIFIED.search(section)
    if m:
        letter.reviewer_specialty = _clean(m.group(1)).rstrip(".,;") or None


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


# ---------------------------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------------------------


@dataclass
class _Line:
    start: int
    end: int
    text: str


def _lines(text: str, start: int = 0) -> list[_Line]:
    out: list[_Line] = []
    pos = start
    for raw in text[start:].split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _find_line(text: str, pattern: re.Pattern[str]) -> int | None:
    for line in _lines(text):
        if pattern.match(line.text):
            return line.start
    return None


def _is_label(line: str) -> bool:
    return bool(_LABEL_CA.match(line) or _LABEL_MAX.match(line) or _LABEL_RATIONALE.match(line))


def _title_at(lines: list[_Line], i: int) -> tuple[int, int, str, str] | None:
    """If an item title ends at line ``i`` (its outcome closing it), return
    (first line, offset of the title in the text, title, outcome)."""
    line = lines[i].text
    m = _OUTCOME_AT_END.match(line)
    j = i
    if m:
        raw, outcome = line[: m.end("title")], m.group("outcome").lower()
    else:
        m = _OUTCOME_ALONE.match(line)
        if not m:
            return None
        j = i - 1
        while j >= 0 and not lines[j].text.strip():
            j -= 1
        if j < 0 or not lines[j].text.rstrip().endswith(":"):
            return None
        raw, outcome = lines[j].text.rstrip()[:-1], m.group("outcome").lower()
    title = _title_start(raw.strip())
    if not title or (_is_label(lines[j].text) and title == raw.strip()):
        return None
    return j, lines[j].start + raw.rfind(title), title, outcome


def _followed_by_label(lines: list[_Line], i: int) -> bool:
    for line in lines[i + 1 :]:
        if line.text.strip():
            return _is_label(line.text)
    return False


def _first_item_line(text: str, start: int) -> int | None:
    lines = _lines(text, start)
    for i in range(len(lines)):
        found = _title_at(lines, i)
        if found and _followed_by_label(lines, i):
            return found[1]
    return None


def _parse_items(text: str, start: int) -> list[LetterItem]:
    lines = _lines(text, start)
    titles: list[tuple[int, int, int, str, str]] = []  # (first line, last line, offset, title, outcome)
    for i in range(len(lines)):
        found = _title_at(lines, i)
        if found and _followed_by_label(lines, i):
            first, offset, title, outcome = found
            if titles and first <= titles[-1][1]:
                continue
            titles.append((first, i, offset, title, outcome))
    items: list[LetterItem] = []
    for k, (_first, last, _offset, title, outcome) in enumerate(titles):
        if k + 1 < len(titles):
            body = lines[last + 1 : titles[k + 1][0] + 1]
            body_end = titles[k + 1][2]
        else:
            body, body_end = lines[last + 1 :], len(text)
        request, partial = _request_text(title)
        item = LetterItem(
            number=k + 1, title=title, outcome=outcome, request_text=request, partial=partial
        )
        _parse_body(text, body, item, body_end)
        items.append(item)
    return items


def _is_citation_label(line: str) -> bool:
    return bool(_LABEL_CA.match(line) or _LABEL_MAX.match(line))


def _untitled_blocks(text: str, start: int) -> list[str]:
    """The lines that stand where an item title should (just before an item's first guideline label) but
    carry no outcome the parser can read: ``Flexeril 10mg #60 - Upheld``, ``...: Uphled``, no outcome."""
    lines = [line for line in _lines(text, start) if line.text.strip()]
    out = []
    for k in range(1, len(lines)):
        if not _is_citation_label(lines[k].text) or _is_label(lines[k - 1].text):
            continue
        if _title_at(lines, k - 1) is None:
            out.append(lines[k - 1].text.strip())
    return out


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _title_start(title: str) -> str:
    """Drop text of the previous paragraph that untidy text may have joined to a title.

    A title is one sentence, except a partial certification, which starts with the sentence
    "X was the original request."
    """
    original = _ORIGINAL_REQUEST.search(title)
    limit = original.start() if original else len(title)
    boundaries = [m.end() for m in _SENTENCE_BOUNDARY.finditer(title, 0, limit)]
    return title[boundaries[-1] :] if boundaries else title


def _request_text(title: str) -> tuple[str, bool]:
    m = _PARTIAL.search(title)
    if not m:
        return title, False
    request = m.group("request").strip().rstrip(",:")
    return (request or title), True


def _parse_body(text: str, body: list[_Line], item: LetterItem, body_end: int) -> None:
    segments: list[tuple[str, int, int]] = []  # (kind, start offset, end offset)
    for line in body:
        if _LABEL_CA.match(line.text):
            segments.append(("claims_administrator", line.start, line.end))
        elif _LABEL_MAX.match(line.text):
            segments.append(("maximus", line.start, line.end))
        elif _LABEL_RATIONALE.match(line.text):
            segments.append(("rationale", line.start, line.end))
        elif segments:
            kind, s, _ = segments[-1]
            segments[-1] = (kind, s, line.end)
    for kind, s, e in segments:
        e = min(e, body_end)
        if e <= s:
            continue
        chunk = text[s:e]
        if kind == "rationale":
            if item.rationale_offset >= 0:
                continue
            m = _LABEL_RATIONALE.match(chunk)
            begin = s + (m.end() if m else 0)
            begin, end = _strip_span(text, begin, e)
            item.rationale, item.rationale_offset = text[begin:end], begin
        else:
            body_text = chunk.split(":", 1)[1] if ":" in chunk else chunk
            item.citations.extend(parse_citations(body_text, kind))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------------------------


def parse_citations(statement: str, source: str) -> list[Citation]:
    """Parse the text after "Claims Administrator guideline:" or "MAXIMUS guideline:" into citations."""
    statement = _clean(statement)
    parts = _DECISION_BASED_ON.split(statement)
    preamble, chunks = parts[0], parts[1:]
    outside_all = bool(_OUTSIDE_MTUS.search(preamble))
    citations: list[Citation] = []
    for chunk in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if not _NON_MTUS.match(chunk):
            *alone, last = _AND_GUIDELINE.split(chunk)
            for single in alone:
                named = single if single.upper().startswith("MTUS") else "MTUS " + single
                citations.append(_citation(named, source, outside_all, raw="Decision based on " + chunk))
            chunk_mtus = last if not alone or last.upper().startswith("MTUS") else "MTUS " + last
            citations.append(_citation(chunk_mtus, source, outside_all, raw="Decision based on " + chunk))
        else:
            citations.append(_citation(chunk, source, outside_all))
    return citations


def _citation(chunk: str, source: str, outside_all: bool, raw: str | None = None) -> Citation:
    raw = raw or "Decision based on " + chunk
    body = chunk.rstrip(" .")
    m = _NON_MTUS.match(body)
    if m or outside_all and not body.upper().startswith("MTUS"):
        body = body[m.end() :] if m else body
        return _non_mtus(body, source, raw)
    pages = None
    pm = _PAGES.search(body)
    if pm:
        pages = _pages(pm.group("pages"))
        body = (body[: pm.start()] + " " + body[pm.end() :]).strip(" ,.;")
    sections: list[str] = []
    sm = _SECTIONS.search(body)
    if sm:
        sections = _split_sections(body[sm.end() :])
        head = body[: sm.start()].strip(" ,.;")
    else:
        head = body
    edition = None
    em = _EDITION.search(head)
    if em:
        edition = em.group("year")
        head = head[: em.start()].strip(" ,.;")
        guideline = head
    else:
        gm = re.match(r"(?P<name>MTUS\s+.*?Guidelines)\b\s*(?P<rest>.*)$", head, re.I)
        if gm:
            guideline = gm.group("name")
            if gm.group("rest").strip() and not sections:
                sections = _split_sections(gm.group("rest"))
        else:
            guideline = head
    return Citation(
        guideline=_clean(guideline) or "MTUS",
        edition=edition,
        sections=sections,
        pages=pages,
        source=source,
        text=raw,
        outside_mtus=False,
    )


def _non_mtus(body: str, source: str, raw: str) -> Citation:
    edition = None
    m = _ODG.match(body)
    if m:
        guideline = re.sub(r"\s+", " ", m.group("name"))
        rest = body[m.end() :]
    else:
        head, _, rest = body.partition(",")
        guideline = head
    ym = re.match(r"\s*((?:19|20)\d\d)\b\s*,?\s*", rest)
    if ym:
        edition, rest = ym.group(1), rest[ym.end() :]
    return Citation(
        guideline=_clean(guideline),
        edition=edition,
        sections=_split_sections(rest),
        pages=None,
        source=source,
        text=raw,
        outside_mtus=True,
    )


def _pages(pages: str) -> str:
    parts = [p.strip() for p in re.split(r"\s*,\s*", pages.replace("–", "-")) if p.strip()]
    return ", ".join(re.sub(r"\s*-\s*", "-", p) for p in parts)


def _split_sections(value: str) -> list[str]:
    """Split a list of section titles on commas and semicolons outside parentheses."""
    value = _clean(value).strip(" .;,")
    if not value:
        return []
    placeholders: dict[str, str] = {}
    for k, known in enumerate(KNOWN_COMMA_SECTIONS):
        pattern = re.compile(re.escape(known).replace(r"\ ", r"\s+"), re.I)
        for m in pattern.finditer(value):
            key = f"\x01{k}\x01"
            placeholders[key] = m.group(0)
        value = pattern.sub(f"\x01{k}\x01", value)
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    merged: list[str] = []
    for part in (p.strip() for p in parts):
        joined_by_and = bool(re.match(r"and\s+", part))
        part = re.sub(r"^and\s+", "", part)
        if not part:
            continue
        # "Opioids, criteria for use": a lower-case fragment after a one-word title continues it.
        if merged and part[:1].islower() and not joined_by_and and len(merged[-1].split()) == 1:
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    out = []
    for part in merged:
        for key, original in placeholders.items():
            part = part.replace(key, original)
        part = re.sub(r"^and\s+", "", part.strip(" .")).strip()
        if part:
            out.append(part)
    return out


def _era(letter: Letter) -> str:
    editions = [
        c.edition for item in letter.items for c in item.citations if not c.outside_mtus and c.edition
    ]
    if any(e >= "2016" for e in editions):
        return "2016"
    decided = letter.dates.get("decision")
    return "2016" if decided and decided >= "2016-07-28" else "2009"
