"""`mtus rules validate`: the loader's checks plus authoring checks that loading does not enforce.

Loading (``load_rules``) refuses rules it cannot compile or that would mean something else than
written. The checks here keep a library reviewable: every criterion cites the MTUS, every criterion
counts in the decision, no two rules compete for the same drug on the same dates, examples name
real criteria, and effective dates run forwards.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from checker.core.errors import Problem
from checker.core.schema_errors import schema_problems
from checker.core.yamlpos import Positions
from checker.rules.editions import EDITIONS_FILE, Editions
from checker.rules.model import parse_decision, refs
from checker.rules.ruleset import (
    Library,
    RuleSet,
    _Source,
    calendar_date,
    display_path,
    effective_window,
    load_library,
    merged_criterion,
    rule_entries,
)


@dataclass
class Validation:
    """The rule set that compiled and every problem found, in file order then line and column."""

    ruleset: RuleSet
    problems: list[Problem]


@dataclass
class _Entry:
    """One rule as written, with where it is."""

    raw: dict
    base: tuple
    src: _Source

    def at(self, *path: str | int, key: bool = False) -> tuple[int | None, int | None]:
        full = (*self.base, *path)
        pos = self.src.positions.key(full) if key else self.src.positions.find(full)
        return pos if pos else (None, None)

    def ok(self, *path: str | int) -> bool:
        """Whether this part of the rule passed the rule schema (a broken part was reported already)."""
        return self.src.ok(*self.base, *path)

    def problem(self, code: str, path: tuple, message: str, hint: str | None = None, key: bool = False) -> Problem:
        return Problem(self.src.file, message, *self.at(*path, key=key), hint, code)


def _criteria(entry: _Entry, shared: dict) -> list[tuple[int, dict]]:
    """The rule's criteria with shared ones merged in (unknown ``use:`` is the loader's problem)."""
    if not entry.ok("criteria"):
        return []
    merged = (merged_criterion(crit, shared) if entry.ok("criteria", i) else None
              for i, crit in enumerate(entry.raw.get("criteria", [])))
    return [(i, crit) for i, crit in enumerate(merged) if crit is not None]


def check_citations(entry: _Entry, shared: dict) -> list[Problem]:
    """Every criterion carries its own ``cite`` with the MTUS pages or section it encodes."""
    out = []
    for i, crit in _criteria(entry, shared):
        cite = crit.get("cite") or {}
        if not (cite.get("pages") or cite.get("section")):
            out.append(entry.problem("missing-citation",
                                     ("criteria", i), f"criterion '{crit.get('id')}' has no citation",
                                     'add `cite: {pages: "63", quote: "..."}` (or `section:`) with the MTUS '
                                     "page it encodes"))
    return out


def check_unused(entry: _Entry, shared: dict) -> list[Problem]:
    """Every criterion is named by the decision; otherwise it is shown but never counts."""
    if not entry.ok("decision") or "decision" not in entry.raw:
        return []
    used = set(refs(parse_decision(entry.raw["decision"])))
    out = []
    for i, crit in _criteria(entry, shared):
        if crit.get("id") and crit["id"] not in used:
            field = "use" if "use" in entry.raw["criteria"][i] else "id"
            out.append(entry.problem("unused-criterion",
                                     ("criteria", i, field), f"criterion '{crit['id']}' is not used by the decision",
                                     "add it to `decision:` or remove it"))
    return out


def check_examples(entry: _Entry, shared: dict) -> list[Problem]:
    """Examples expect statuses of criteria the rule defines."""
    ids = [c.get("id") for _, c in _criteria(entry, shared)]
    out = []
    for i, example in _examples(entry):
        for name in (example.get("expect") or {}).get("criteria") or {}:
            if name not in ids:
                near = difflib.get_close_matches(name, ids, n=1, cutoff=0.6)
                out.append(entry.problem("example-criterion", ("examples", i, "expect", "criteria", name),
                                         f"example '{example['name']}' expects criterion '{name}', "
                                         "which the rule does not define",
                                         f"did you mean '{near[0]}'?" if near else "defined: " + ", ".join(ids),
                                         key=True))
    return out


def _examples(entry: _Entry) -> list[tuple[int, dict]]:
    """The rule's examples that passed the rule schema, with their index."""
    if not entry.ok("examples"):
        return []
    return [(i, ex) for i, ex in enumerate(entry.raw.get("examples") or []) if entry.ok("examples", i)]


def _source_lines(file: str) -> list[str]:
    try:
        return Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def check_request_comments(entry: _Entry) -> list[Problem]:
    """An unquoted example request ``Flexeril 7.5mg #60`` loses its quantity: YAML reads ``#60`` as a comment."""
    out = []
    lines = None
    for i, example in _examples(entry):
        request = example.get("request")
        path = ("examples", i, "request") if isinstance(request, str) else ("examples", i, "request", "text")
        text = request if isinstance(request, str) else (request or {}).get("text")
        if not isinstance(text, str) or "#" in text:
            continue
        line, col = entry.at(*path)
        lines = lines if lines is not None else _source_lines(entry.src.file)
        if line is None or col is None or line > len(lines):
            continue
        rest = lines[line - 1][col - 1:]
        if rest[:1] in ("'", '"') or not rest.startswith(text):
            continue
        comment = rest[len(text):].lstrip()
        if comment.startswith("#") and comment[1:2].isdigit():
            full = f"{text} {comment.split('}')[0].split(',')[0].strip()}"
            out.append(entry.problem("request-comment",
                                     path, f"example '{example['name']}' request is cut at '#': YAML reads "
                                     f"'{comment.split()[0]}' as a comment", f'quote it: "{full}"'))
    return out


def _example_positions(entry: _Entry, i: int) -> Positions:
    """Positions of an example's facts and request, re-rooted as in the case the example becomes."""
    facts, request = (*entry.base, "examples", i, "facts"), (*entry.base, "examples", i, "request")
    out = Positions()
    for old, new in ((facts, ()), (request, ("requests", 0))):
        n = len(old)
        for path, pos in entry.src.positions.items():
            if path[:n] == old:
                out[(*new, *path[n:])] = pos
            elif path[:1] == ("__key__",) and path[1:n + 1] == old:
                out[("__key__", *new, *path[n + 1:])] = pos
    out[()] = entry.at("examples", i)
    return out


def check_example_facts(entry: _Entry) -> list[Problem]:
    """Example facts and request are a valid case (otherwise the example cannot run)."""
    out = []
    for i, example in _examples(entry):
        request = example["request"]
        data = {**(example.get("facts") or {}), "case_id": example["name"],
                "requests": [{"text": request} if isinstance(request, str) else request]}
        for problem in schema_problems(data, "case", _example_positions(entry, i), entry.src.file):
            problem.message = f"example '{example['name']}': {problem.message.replace('requests.0', 'request')}"
            problem.code = "example-facts"
            out.append(problem)
    return out


def check_dates(entry: _Entry) -> list[Problem]:
    """An effective window runs forwards."""
    effective = (entry.raw.get("effective") or {}) if entry.ok("effective") else {}
    start, end = effective.get("from"), effective.get("to")
    if start and end and start > end:
        return [entry.problem("effective-dates",
                              ("effective", "to"), f"effective dates run backwards: from {start} to {end}",
                              "swap them, or fix the year")]
    return []


def _window(raw: dict, editions: Editions) -> tuple[str, str]:
    start, end = effective_window(raw, editions)
    return start.isoformat() if start else "0000-00-00", end.isoformat() if end else "9999-99-99"


def check_edition(entry: _Entry, editions: Editions) -> list[Problem]:
    """The edition a rule cites is in the editions registry, and the rule is in force only while it was."""
    source = (entry.raw.get("source") or {}) if entry.ok("source") else {}
    if not editions.editions or not source.get("edition") or not entry.ok("effective"):
        return []
    edition = editions.find(source.get("guideline"), source.get("edition"))
    if edition is None:
        same = [e.edition for e in editions.editions if e.guideline == source.get("guideline")]
        return [entry.problem("unknown-edition",
                              ("source", "edition"), f"edition '{source['edition']}' of '{source.get('guideline')}' "
                              f"is not in the editions registry ({display_path(editions.file or EDITIONS_FILE)})",
                              f"listed editions of it: {', '.join(same)}" if same else
                              "add it to editions.yaml with the dates it was in force, and the source of those dates")]
    effective = entry.raw.get("effective") or {}
    out, rule = [], entry.raw["id"]
    start, end = calendar_date(effective.get("from")), calendar_date(effective.get("to"))  # None: not a day
    if start and start < edition.start:
        out.append(entry.problem("edition-window",
                                 ("effective", "from"), f"rule '{rule}' is in force from {effective['from']}, "
                                 f"before its edition {edition.title} took effect on {edition.start}",
                                 f'use `from: "{edition.start}"`, or cite the edition in force then'))
    if end and edition.end is not None and end > edition.end:
        superseded = edition.end + timedelta(days=1)
        out.append(entry.problem("edition-window",
                                 ("effective", "to"), f"rule '{rule}' is in force until {effective['to']}, "
                                 f"after its edition {edition.title} was superseded on {superseded}",
                                 f'use `to: "{edition.end}"` (or leave `to` out: a rule ends with its edition)'))
    return out


def _describe_window(start: str, end: str) -> str:
    if start.startswith("0000") and end.startswith("9999"):
        return "at all dates"
    if start.startswith("0000"):
        return f"until {end}"
    if end.startswith("9999"):
        return f"from {start} on"
    return f"from {start} to {end}"


def check_overlaps(entries: list[_Entry], editions: Editions) -> list[Problem]:
    """No two rules apply to the same drug (or class) on the same dates without a ``when`` telling them apart.

    Rules for a drug take precedence over rules for its class, so drugs and classes are compared apart.
    A rule with ``applies_to.when`` is chosen only when its guard holds, so it is distinguished from a rule
    without one; two rules with the same guard are not.
    """
    out = []
    for j, later in enumerate(entries):
        for earlier in entries[:j]:
            a, b = earlier.raw["applies_to"], later.raw["applies_to"]
            if a.get("when") != b.get("when"):
                continue
            shared = [(kind, name) for kind in ("drug", "drug_class")
                      for name in sorted(_names(a.get(kind)) & _names(b.get(kind)))]
            (a_from, a_to), (b_from, b_to) = _window(earlier.raw, editions), _window(later.raw, editions)
            if not shared or a_from > b_to or b_from > a_to:
                continue
            kind, name = shared[0]
            window = _describe_window(max(a_from, b_from), min(a_to, b_to))
            line = earlier.at()[0]
            at = f"line {line}" if earlier.src is later.src else f"{earlier.src.file}:{line}"
            out.append(later.problem("overlapping-rules",
                                     ("applies_to",), f"rule '{later.raw['id']}' overlaps rule '{earlier.raw['id']}': "
                                     f"both apply to {kind} '{name}' {window}",
                                     f"'{earlier.raw['id']}' is at {at}; make the `effective` "
                                     "dates not overlap, or give one an `applies_to.when`", key=True))
    return out


def _names(value: str | list[str] | None) -> set[str]:
    if value is None:
        return set()
    return {value} if isinstance(value, str) else set(value)


def check_unused_conditions(library: Library) -> list[Problem]:
    """Every named condition is used by some test (or by another condition that is)."""
    named = library.conditions
    used: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("condition"), str):
                used.add(node["condition"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for src in library.sources:
        visit({k: v for k, v in src.data.items() if k != "conditions"})
    for name in list(used):  # conditions used by used conditions
        stack = [name]
        while stack:
            node = named.get(stack.pop())
            before = set(used)
            visit(node[0] if node else None)
            stack += sorted(used - before)
    return [Problem(src.file, f"condition '{name}' is not used by any test", *(src.positions.key(("conditions", name))
                    or (None, None)), "use it as `{condition: " + name + "}`, or remove it", "unused-condition")
            for name, (_, src) in named.items() if name not in used]


def lint(library: Library) -> list[Problem]:
    """The authoring checks over every parsed rule file."""
    entries = [_Entry(raw, base, src) for src in library.sources for base, raw in rule_entries(src.data)
               if src.ok(*base)]
    out: list[Problem] = []
    for entry in entries:
        out += check_citations(entry, library.shared)
        out += check_unused(entry, library.shared)
        out += check_examples(entry, library.shared)
        out += check_dates(entry)
        out += check_edition(entry, library.ruleset.editions)
        out += check_request_comments(entry)
        out += check_example_facts(entry)
    comparable = [e for e in entries if e.ok("applies_to") and e.ok("effective") and e.ok("source")]
    return out + check_overlaps(comparable, library.ruleset.editions) + check_unused_conditions(library)


def validate(path: str | Path | None = None) -> Validation:
    """Load and lint the rules under ``path``; every problem, sorted by file, line and column."""
    library = load_library(path)
    problems = library.problems + lint(library)
    order = {f: i for i, f in enumerate(library.ruleset.files)}
    unique = {(p.file, p.line, p.column, p.message): p for p in problems}
    ordered = sorted(unique.values(), key=lambda p: (order.get(p.file, len(order)), p.file, p.line or 0,
                                                     p.column or 0))
    return Validation(library.ruleset, ordered)
