"""A note's sections (by their headings) and sentences, each with its span in the note text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from checker.ingest.sentences import Sentence, classify, factual_clauses, split_sentences

__all__ = ["PLAN_KINDS", "NoteSection", "NoteLine", "note_sections", "note_lines", "note_sentences"]

#: The section kinds requests are read from: a plan, or an assessment and plan written as one section.
PLAN_KINDS = frozenset({"plan", "assessment_plan"})


@dataclass(frozen=True)
class NoteSection:
    """A section of a note: its kind, its heading as written and the span of its body in the note text."""

    kind: str  # header | history | exam | diagnoses | medications | monitoring | plan | assessment_plan | work
    title: str
    start: int
    end: int


#: Section headings by kind (matched against the whole heading, case-insensitively).
_SECTION_KINDS: tuple[tuple[str, str], ...] = (
    ("assessment_plan", r"A\s*/\s*P"),
    ("plan", r"(?:treatment\s+)?plan(?:\s+of\s+(?:care|treatment))?|treatment\s+plan\s*/\s*requests?|"
             r"(?:treatment\s+)?recommendations?|recommended\s+treatments?|requests?|"
             r"requested\s+treatments?|treatment\s+requested|requests?\s+for\s+authori[sz]ations?|"
             r"services?\s*/\s*goods?\s+requested|procedures?\s+requested|medications?\s+requested|"
             r"(?:the\s+)?following\s+(?:is|are)\s+requested|authori[sz]ation\s+requested"),
    ("diagnoses", r"(?:work[\s-]related\s+)?(?:medical\s+)?diagnos[ie]s|diagnosis\s*/\s*ICD(?:[\s-]*10)?|assessment|"
                  r"impressions?"),
    ("medications", r"(?:current\s+)?medications?(?:\s+list)?|meds|current\s+meds"),
    ("monitoring", r"(?:opioid|medication|narcotic)\s+monitoring|monitoring|(?:the\s+)?(?:4|four)\s+A'?s"),
    ("work", r"work\s+status|disability\s+status|return\s+to\s+work|work\s+restrictions"),
    ("history", r"subjective(?:\s+complaints)?|chief\s+complaints?|history(?:\s+of\s+present\s+illness)?|HPI|"
                r"interval\s+history|history\s+of\s+injury|pain\s+assessment"),
    ("exam", r"objective(?:\s+findings)?|physical\s+exam(?:ination)?|exam(?:ination)?|vital\s+signs|"
             r"diagnostic\s+(?:studies|tests)"),
)
_KIND_RES = tuple((kind, re.compile(rf"(?:{pattern})", re.I)) for kind, pattern in _SECTION_KINDS)
# "TREATMENT PLAN:" (body may go on on the same line) or a heading alone on its line in capitals
_HEADING = re.compile(r"^[ \t]*(?:[IVX]+\.|\d+\.|[A-Z]\.)?[ \t]*([A-Za-z][A-Za-z0-9 /&'()\-]{1,60}?)[ \t]*(?::|$)",
                      re.M)
_ITEM_LEAD = re.compile(r"^[ \t]*(?:\(?\d{1,2}[.)]|[-*\u2022]|[a-z][.)])[ \t]+")


#: A form's mark on a field label: "Service/Good Requested (Required)", "CPT/HCPCS Code (If known)".
_FORM_MARK = re.compile(r"\s*\((?:required|if\s+known|optional)\)\s*$", re.I)
#: Where a heading joins two headings ("Assessment and Plan", "Discussion/Treatment Plan").
_HEADING_JOIN = re.compile(r"\s*(?:/|&|\+|,|\band\b)\s*", re.I)


def _one_kind(title: str) -> str | None:
    for kind, pattern in _KIND_RES:
        if pattern.fullmatch(title):
            return kind
    return None


def _section_kind(title: str) -> str | None:
    """The kind of a heading. A joined heading takes the kinds of its parts: with a plan part it is a plan (an
    assessment and plan when a part is an assessment or diagnosis), otherwise the kind of its first known part."""
    title = _FORM_MARK.sub("", title).strip()
    kind = _one_kind(title)
    if kind is not None:
        return kind
    kinds = [_one_kind(part) for part in _HEADING_JOIN.split(title) if part]
    if len(kinds) < 2:
        return None
    if "plan" in kinds or "assessment_plan" in kinds:
        return "assessment_plan" if "diagnoses" in kinds or "assessment_plan" in kinds else "plan"
    return next((k for k in kinds if k is not None), None)


def note_sections(text: str) -> list[NoteSection]:
    """The sections of a note in order; the text before the first heading is the ``header``."""
    heads: list[tuple[int, int, str, str]] = []
    for m in _HEADING.finditer(text):
        title = m.group(1)
        line_end = text.find("\n", m.start())
        line_end = len(text) if line_end < 0 else line_end
        colon = m.end() <= len(text) and text[m.end() - 1: m.end()] == ":"
        if not colon and not (title.isupper() and text[m.start():line_end].strip() == title.strip()):
            continue
        kind = _section_kind(title)
        if kind is not None:
            heads.append((m.start(), m.end(), kind, title.strip()))
    out: list[NoteSection] = []
    first = heads[0][0] if heads else len(text)
    out.append(NoteSection("header", "", 0, first))
    for i, (_start, body, kind, title) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        out.append(NoteSection(kind, title, body, end))
    return out


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteLine:
    """One line of a section body: the text after its list marker, and that text's span."""

    text: str
    start: int
    end: int
    section: NoteSection
    listed: bool  # the line starts with a list marker ("1.", "-", "a)")


_LABEL_START = re.compile(r"^[ \t]*[A-Z][A-Za-z0-9 /()'&-]{0,40}:")


@cache
def _wrap_width(text: str) -> int:
    """The width a wrapped note (a PDF, a hard-wrapped text file) fills: the longest lines' typical length."""
    lengths = sorted(len(line.rstrip()) for line in text.split("\n") if line.strip())
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0


def note_lines(text: str, section: NoteSection) -> list[NoteLine]:
    """The paragraphs of a section body, list markers cut off: a line that fills the note's width continues on
    the next (a wrapped line), unless the next starts a list item or a "Label:"; the line breaks inside a
    paragraph read as spaces (same length, so spans stay those of the note)."""
    width = _wrap_width(text)
    rows: list[tuple[int, int, bool]] = []  # (start, end, listed)
    pos = section.start
    previous_full = False
    for raw in text[section.start: section.end].split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        lead = _ITEM_LEAD.match(raw)
        if not raw.strip():
            previous_full = False
            continue
        if rows and previous_full and not lead and not _LABEL_START.match(raw):
            rows[-1] = (rows[-1][0], end, rows[-1][2])
        else:
            rows.append((start + (lead.end() if lead else 0), end, bool(lead)))
        previous_full = width >= 40 and len(raw.rstrip()) >= 0.75 * width
    out: list[NoteLine] = []
    for a, b, listed in rows:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(NoteLine(text[a:b].replace("\n", " "), a, b, section, listed))
    return out


def _sentences_of(line: NoteLine) -> list[Sentence]:
    out: list[Sentence] = []
    for sentence, s, e in split_sentences(line.text, line.start):
        verdict, guideline, boiler = classify(sentence)
        out.append(Sentence(sentence, s, e, "summary", None, verdict, guideline, boiler))
        if verdict or guideline:
            for clause, lo, hi, kind in factual_clauses(sentence):
                if kind != "ur_reason":
                    out.append(Sentence(clause, s + lo, s + hi, "summary", None, clause=kind))
    return out


def note_sentences(text: str, sections: list[NoteSection] | None = None) -> list[tuple[Sentence, NoteSection]]:
    """Every sentence of the note with its section, in note order."""
    out: list[tuple[Sentence, NoteSection]] = []
    for section in sections if sections is not None else note_sections(text):
        for line in note_lines(text, section):
            out.extend((s, section) for s in _sentences_of(line))
    return out
