"""The MTUS editions: when each was in force, what superseded it, and which the rules encode.

The registry is ``editions.yaml`` in a rules folder (the bundled one when the folder has none). Rules
name their edition with ``source: {guideline, edition}``; a date that no encoded edition covers is
reported, never silently judged under another edition (see :func:`edition_warning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from checker.core.errors import InputError, Problem
from checker.core.resources import rules_dir
from checker.core.yamlpos import Positions, load

EDITIONS_FILE = "editions.yaml"
POLICIES = ("warn", "refuse")
_FIELDS = {"id", "guideline", "edition", "from", "to", "superseded_by", "note", "sources", "kind"}


@dataclass(frozen=True)
class Edition:
    """One edition of one MTUS guideline, in force from ``start`` to ``end`` (inclusive; None: open)."""

    id: str
    guideline: str
    edition: str
    start: date
    end: date | None
    superseded_by: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    kind: str = "guideline"
    line: int | None = None

    @property
    def title(self) -> str:
        """"MTUS Chronic Pain Medical Treatment Guidelines (2016)"."""
        return f"{self.guideline} ({self.edition})"

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def dates(self) -> dict[str, str | None]:
        """``{"from": "2016-07-28", "to": "2017-11-30"}`` (``to`` None while in force)."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat() if self.end else None}

    def span(self) -> str:
        """"2016-07-28 to 2017-11-30", or "from 2017-12-01"."""
        return f"{self.start} to {self.end}" if self.end else f"from {self.start}"


@dataclass
class Editions:
    """The registry: every edition listed, in file order, and the file it came from."""

    editions: list[Edition] = field(default_factory=list)
    file: str | None = None
    positions: Positions = field(default_factory=Positions)

    def find(self, guideline: str | None, edition: str | None) -> Edition | None:
        """The edition a rule's ``source`` names."""
        return next((e for e in self.editions if e.guideline == guideline and e.edition == edition), None)

    def in_force(self, on: date) -> list[Edition]:
        """The editions in force on a date (of every guideline)."""
        return [e for e in self.editions if e.in_force(on)]


def editions_file(rules_path: str | Path | None = None) -> Path:
    """The registry for a rules folder (or file): its own ``editions.yaml``, else the bundled one."""
    if rules_path is not None:
        root = Path(rules_path)
        own = (root if root.is_dir() else root.parent) / EDITIONS_FILE
        if own.is_file():
            return own
    return rules_dir() / EDITIONS_FILE


def _date(value: object, problems: list[Problem], file: str, pos: tuple[int, int] | None) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(file, f"'{value}' is not a date (YYYY-MM-DD)", *(pos or (None, None)),
                                code="edition-registry"))
        return None


def load_editions(rules_path: str | Path | None = None) -> tuple[Editions, list[Problem]]:
    """Read the registry for a rules folder; its problems (each with a line) beside what loaded."""
    path = editions_file(rules_path)
    if not path.is_file():
        return Editions(), []
    file = str(path)
    try:
        data, positions = load(path)
    except InputError as exc:
        return Editions(file=file), exc.problems
    problems: list[Problem] = []
    entries = data.get("editions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return Editions(file=file), [Problem(file, "an editions file holds a list under `editions:`", 1, 1,
                                                  code="edition-registry")]
    out = Editions(file=file, positions=positions)
    for i, raw in enumerate(entries):
        at = positions.find(("editions", i))
        if not isinstance(raw, dict) or not all(raw.get(k) for k in ("id", "guideline", "edition", "from")):
            problems.append(Problem(file, "an edition needs id, guideline, edition and from", *(at or (None, None)),
                                    code="edition-registry"))
            continue
        for key in sorted(set(raw) - _FIELDS):
            problems.append(Problem(file, f"unknown field '{key}' in edition '{raw['id']}'",
                                    *(positions.key(("editions", i, key)) or (None, None)),
                                    hint="known fields: " + ", ".join(sorted(_FIELDS)), code="edition-registry"))
        start = _date(raw["from"], problems, file, positions.find(("editions", i, "from")))
        end = _date(raw["to"], problems, file, positions.find(("editions", i, "to"))) if raw.get("to") else None
        if start is None:
            continue
        out.editions.append(Edition(str(raw["id"]), str(raw["guideline"]), str(raw["edition"]), start, end,
                                    raw.get("superseded_by"), raw.get("note"), tuple(raw.get("sources") or ()),
                                    raw.get("kind") or "guideline", at[0] if at else None))
    return out, problems + registry_problems(out)


def registry_problems(registry: Editions) -> list[Problem]:
    """Dates run forwards, ids are unique, editions of one guideline do not overlap, successors exist."""
    problems: list[Problem] = []

    def problem(message: str, line: int | None, hint: str | None = None) -> Problem:
        return Problem(registry.file or EDITIONS_FILE, message, line, hint=hint, code="edition-registry")

    seen: dict[str, Edition] = {}
    for e in registry.editions:
        if e.id in seen:
            problems.append(problem(f"duplicate edition id '{e.id}'", e.line,
                                    f"first listed at line {seen[e.id].line}"))
        seen.setdefault(e.id, e)
        if e.end is not None and e.end < e.start:
            problems.append(problem(f"edition '{e.id}' ends ({e.end}) before it starts ({e.start})", e.line))
        successor = next((x for x in registry.editions if x.id == e.superseded_by), None)
        if e.superseded_by and successor is None:
            problems.append(problem(f"edition '{e.id}' is superseded by unknown edition '{e.superseded_by}'", e.line))
        elif successor is not None and e.end != successor.start - timedelta(days=1):
            last = successor.start - timedelta(days=1)
            problems.append(problem(f"edition '{e.id}' is superseded by '{successor.id}' from {successor.start}, "
                                    f"so its last day is {last}, not {e.end or 'open'}", e.line, f'`to: "{last}"`'))
    for j, later in enumerate(registry.editions):
        for earlier in registry.editions[:j]:
            if earlier.guideline != later.guideline:
                continue
            if earlier.start <= (later.end or date.max) and later.start <= (earlier.end or date.max):
                problems.append(problem(f"edition '{later.id}' overlaps edition '{earlier.id}' of {later.guideline}",
                                        later.line, f"end '{earlier.id}' the day before {later.start} (`to:`)"))
    return problems


def not_encoded_in_force(registry: Editions, encoded: set[str], on: date) -> list[Edition]:
    """Guideline editions in force on a date that no rule encodes."""
    return [e for e in registry.in_force(on) if e.id not in encoded and e.kind == "guideline"]


def in_force_text(registry: Editions, encoded: set[str], on: date) -> str:
    """What was in force on a date, for a warning: "the MTUS in force then: X (from ..., not encoded)"."""
    missing = not_encoded_in_force(registry, encoded, on)
    if missing:
        return "the MTUS in force then: " + "; ".join(f"{e.title}, {e.span()}, not encoded" for e in missing)
    first = min((e.start for e in registry.editions), default=None)
    if first is not None and on < first:
        return f"it is before the first MTUS edition listed ({first})"
    return "no MTUS edition listed in the editions registry covers it"
