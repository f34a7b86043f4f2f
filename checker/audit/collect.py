"""Audit inputs: walk files and folders lazily, and load each one into cases (with letter metadata).

Paths are yielded one at a time in the order given, a folder's files sorted by name, so memory
does not grow with the number of inputs. Loading a file never raises: a bad file becomes a
:class:`Loaded` with its problem, and the audit goes on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.core.errors import InputError, Problem
from checker.core.limits import CASE_FILE_BYTES
from checker.core.yamlpos import loads_plain, read_text
from checker.facts.cases import Case, case_from_data, load_cases

LETTER_SUFFIXES = frozenset({".pdf", ".txt"})
CASE_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
_LETTERS, _CASES = ".pdf, .txt", ".yaml, .yml, .json"


@dataclass(frozen=True)
class Source:
    """One input file: a ``letter``, a ``case`` file, or ``bad`` (with the reason)."""

    path: str
    kind: str
    reason: str | None = None
    code: str = "bad-input"


@dataclass
class Loaded:
    """What one input file holds: its cases, letter metadata per case, or the problem that stopped it."""

    source: Source
    cases: list[Case] = field(default_factory=list)
    specialty: str | None = None
    sections: list[list[str]] = field(default_factory=list)  # per request, letters only
    problem: Problem | None = None


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return "letter" if suffix in LETTER_SUFFIXES else "case" if suffix in CASE_SUFFIXES else None


def _walk(folder: str, above: frozenset[tuple[int, int]] = frozenset()) -> Iterator[Source]:
    """Files under a folder, depth first, names sorted; hidden entries and other suffixes skipped.

    A folder is read once on each path: a symbolic link back to a folder above it (a loop) is reported,
    not followed."""
    try:
        info = os.stat(folder)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Source(folder, "bad", f"cannot read folder: {exc.strerror}")
        return
    here = (info.st_dev, info.st_ino)
    if here in above:
        yield Source(folder, "bad", "symbolic link loop (leads back to a folder above it); not followed",
                     "symlink-loop")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield Source(entry.path, "bad", f"cannot read: {exc.strerror}")
            continue
        if is_dir:
            yield from _walk(entry.path, above | {here})
        else:
            kind = _kind(Path(entry.name))
            if kind is not None:
                yield Source(entry.path, kind)


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Source]:
    """Every input file under ``paths``, lazily, in input order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for source in _walk(str(path)):
                found = True
                yield source
            if not found:
                yield Source(str(path), "bad", f"no letters ({_LETTERS}) or case files ({_CASES}) in this folder")
        elif not path.exists():
            yield Source(str(path), "bad", "no such file or folder", "no-such-file")
        else:
            kind = _kind(path)
            if kind is None:
                yield Source(str(path), "bad", f"not a letter ({_LETTERS}) or a case file ({_CASES})")
            else:
                yield Source(str(path), kind)


def is_source_under(path: Path, folders: Iterable[str | Path]) -> bool:
    """Whether the (resolved) ``path`` is an existing file the audit reads in one of ``folders`` (walking
    them as :func:`iter_sources` does: letter and case suffixes, no hidden entries)."""
    if _kind(path) is None or not path.is_file():
        return False
    roots = [root for root in (Path(f).resolve() for f in folders) if root.is_dir()]
    return any(path.is_relative_to(root) and not any(part.startswith(".") for part in path.relative_to(root).parts)
               for root in roots)


def count_sources(paths: Iterable[str | Path]) -> int:
    """How many input files ``paths`` hold (a second cheap walk, for the progress bar)."""
    return sum(1 for _ in iter_sources(paths))


def _fast_cases(path: str) -> list[Case]:
    """Parse without positions and validate; any problem raises."""
    data: Any = loads_plain(read_text(path, CASE_FILE_BYTES, "case file"), path)
    if isinstance(data, dict) and "cases" in data and "case_id" not in data:
        return [case_from_data(c, path, written=True) for c in data["cases"]]
    return [case_from_data(data, path, written=True)]


def load_case_file(path: str) -> list[Case]:
    """Load a case file quickly; on any problem, reload with positions so the error names line and column."""
    try:
        return _fast_cases(path)
    except Exception:  # noqa: BLE001 - the careful loader below gives the precise error
        return load_cases(path)


_SECTION_NOISE = re.compile(r"^(pg?s?\.?|pages?)\s*\d|^\d+(st|nd|rd|th) ed|^accessed |^summary$|^[\d\s,-]+$"
                            r"|^chronic pain medical treatment( guidelines?)?( \d{4})?$", re.I)
_SECTION_PREFIX = re.compile(r"^section\(?s?\)?\s*:\s*", re.I)


def clean_sections(sections: Iterable[str]) -> list[str]:
    """A letter's cited section names, without prefixes, page references and other noise."""
    out: list[str] = []
    for raw in sections:
        text = _SECTION_PREFIX.sub("", raw).strip(" .;,")
        if text and not _SECTION_NOISE.search(text) and text not in out:
            out.append(text)
    return out


def letter_metadata(letter: Any) -> tuple[str | None, list[list[str]]]:
    """Reviewer specialty and, per disputed item, the sections MAXIMUS cited."""
    sections = [clean_sections(s for c in item.citations if c.source == "maximus" for s in c.sections)
                for item in letter.items]
    return letter.reviewer_specialty, sections


def load_letter(path: str) -> tuple[list[Case], str | None, list[list[str]]]:
    """A letter as a case (:mod:`checker.ingest.case`), its reviewer's specialty and its cited sections.

    The letter is read once and turned into a case with ``letter_to_case_data``.
    """
    try:
        from checker.ingest.case import letter_to_case_data
    except ImportError:
        raise InputError(Problem(path, "cannot read letters: checker.ingest.case is missing")) from None
    from checker.ingest.letter import read_letter

    letter = read_letter(path)
    case = case_from_data(letter_to_case_data(letter), path)
    specialty, sections = letter_metadata(letter)
    return [case], specialty, sections


def load_source(source: Source) -> Loaded:
    """Load one input; never raises (bugs in a reader become the file's problem, and the batch goes on)."""
    if source.kind == "bad":
        return Loaded(source, problem=Problem(source.path, source.reason or "bad input", code=source.code))
    try:
        if source.kind == "letter":
            cases, specialty, sections = load_letter(source.path)
            return Loaded(source, cases, specialty, sections)
        return Loaded(source, load_case_file(source.path))
    except InputError as exc:
        return Loaded(source, problem=exc.problem)
    except Exception as exc:  # noqa: BLE001 - report and go on
        message = f"internal error while reading: {type(exc).__name__}: {exc}"
        return Loaded(source, problem=Problem(source.path, message))
