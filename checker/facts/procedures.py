"""Surgical procedures named in a request, and their postsurgical physical medicine course.

The data is ``rules/postsurgical.yaml``: each procedure's wordings and, where it could be checked, the general
course of postsurgical physical medicine of the Postsurgical Treatment Guidelines (8 CCR 9792.24.3). A surgery
request names its procedures (``request.procedures``); a post-operative therapy request takes those of the surgery
it belongs to (``request.related_procedures``, set by the engine from the related item) and gets the course of
the first of them that has one (``request.postsurgical_*``). The initial course is one half of the general course.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from checker.core import yamlpos
from checker.core.errors import InputError, Problem
from checker.core.resources import rules_dir

DEFAULT_PATH = rules_dir() / "postsurgical.yaml"


@dataclass(frozen=True)
class Procedure:
    """One surgical procedure of the table, with its general postsurgical course when one was checked."""

    key: str
    label: str
    pattern: re.Pattern[str]
    course_visits: int | None = None
    course_source: str | None = None


@dataclass(frozen=True)
class ProcedureTable:
    """The procedures in table order, and the wordings of a referral for surgical consultation."""

    procedures: tuple[Procedure, ...]
    surgical_referral: re.Pattern[str]


def _pattern(patterns: Any, what: str, file: str) -> re.Pattern[str]:
    if not isinstance(patterns, list) or not patterns:
        raise InputError(Problem(file, f"{what} needs a list of patterns", 1, 1))
    try:
        return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.I)
    except re.error as exc:
        raise InputError(Problem(file, f"{what}: bad pattern: {exc}", 1, 1)) from None


def _build(data: Any, file: str) -> ProcedureTable:
    table = data.get("procedures") if isinstance(data, dict) else None
    if not isinstance(table, dict) or not table:
        raise InputError(Problem(file, "the procedure table must map 'procedures' to procedures", 1, 1))
    out = []
    for key, entry in table.items():
        pattern = _pattern(entry.get("patterns") if isinstance(entry, dict) else None, f"procedure '{key}'", file)
        course = entry.get("course") or {}
        visits = course.get("visits")
        if visits is not None and (not isinstance(visits, int) or visits <= 0 or not course.get("source")):
            raise InputError(Problem(file, f"procedure '{key}': a course needs a positive count of visits and a source",
                                     1, 1))
        out.append(Procedure(key, str(entry.get("label") or key), pattern, visits, course.get("source")))
    return ProcedureTable(tuple(out), _pattern(data.get("surgical_referral"), "surgical_referral", file))


def load_procedures(path: str | Path | None = None) -> ProcedureTable:
    """Load the procedure table (default ``rules/postsurgical.yaml``); InputError naming the file if broken."""
    file = Path(path) if path is not None else DEFAULT_PATH
    data, _ = yamlpos.load(file, what="procedure table")  # a missing or unreadable file is an InputError there
    return _build(data, str(file))


@lru_cache(maxsize=1)
def default_procedures() -> ProcedureTable:
    return load_procedures()


def procedures_of(text: str, table: ProcedureTable | None = None) -> list[str]:
    """The keys of the procedures a request's text names, in table order."""
    return [p.key for p in (table or default_procedures()).procedures if p.pattern.search(text or "")]


def is_surgical_referral(text: str, table: ProcedureTable | None = None) -> bool:
    """Whether a consultation's text names a surgeon or a surgical evaluation ("spine surgery evaluation")."""
    return bool((table or default_procedures()).surgical_referral.search(text or ""))


def postsurgical_course(facts: dict[str, Any], table: ProcedureTable | None = None) -> None:
    """Set the postsurgical course facts of a post-operative request from the procedures of its surgery.

    ``request.postsurgical_procedure`` is the surgery's first procedure with a checked course (else its first
    procedure); ``request.postsurgical_visits`` that course's visits and ``request.postsurgical_initial_visits``
    one half of them (the initial course of therapy); ``request.within_initial_course`` and
    ``request.within_general_course`` whether the visits requested (with those of the request already authorized)
    stay within each.
    """
    keys = facts.get("request.related_procedures") or facts.get("request.procedures") or []
    if not keys:
        return
    by_key = {p.key: p for p in (table or default_procedures()).procedures}
    known = [by_key[k] for k in keys if k in by_key]
    with_course = [p for p in known if p.course_visits is not None]
    chosen = (with_course or known or [None])[0]
    if chosen is None:
        return
    facts["request.postsurgical_procedure"] = chosen.key
    if chosen.course_visits is None:
        return
    general, initial = chosen.course_visits, chosen.course_visits // 2
    facts["request.postsurgical_visits"] = general
    facts["request.postsurgical_initial_visits"] = initial
    visits = facts.get("request.visits")
    if visits is not None:
        requested = (facts.get("request.visits_authorized") or 0) + visits
        facts["request.within_initial_course"] = requested <= initial
        facts["request.within_general_course"] = requested <= general
