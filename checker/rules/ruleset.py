"""Load the YAML rule library, check it, and compile it once into a RuleSet.

A rule file holds one rule (top-level ``id``) or several under ``rules:``, and may define shared
criteria under ``criteria:`` that any rule reuses with ``- use: <id>``. Every problem found carries
the file, line and column it came from.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from checker import __version__
from checker.core.errors import InputError, Problem
from checker.core.limits import RULE_FILE_BYTES
from checker.core.resources import rules_dir
from checker.core.yaml_words import file_problem
from checker.core.yamlpos import Positions, load
from checker.facts.vocabulary import suggest, vocabulary
from checker.rules import cache
from checker.rules.compile import (
    DecisionFn,
    Facts,
    Test,
    compile_decision,
    compile_template,
    compile_test,
    template_paths,
)
from checker.rules.editions import Edition, Editions, editions_file, load_editions
from checker.rules.formulary import DrugList, formulary_files, load_drug_lists
from checker.rules.model import AllOf, Condition, Example, Node, Ref, fact_paths, parse_condition, parse_decision, refs
from checker.rules.operators import NEEDS_WORDS, OPERATORS, alternatives, fits

RULES_DIR = rules_dir()
__all__ = ["Criterion", "Rule", "RuleSet", "load_rules", "load_library", "rule_files"]
NOT_RULE_FILES = {"drugs.yaml", "editions.yaml", "services.yaml", "postsurgical.yaml", "service-codes.yaml"}
NOT_RULE_FOLDERS = {"examples", "formulary"}


@dataclass
class Criterion:
    """A compiled criterion: its test, applicability, citation and explanation templates."""

    id: str
    text: str
    citation: dict[str, str]
    test: Test
    when: Test | None
    paths: list[str]
    explain: dict[str, Callable[[Facts], str]]
    document: str | None
    file: str
    line: int | None
    test_condition: Condition = field(repr=False, default=AllOf(()))
    when_condition: Condition | None = field(repr=False, default=None)


@dataclass
class Rule:
    """A compiled rule for one drug class or drug, in force between two dates."""

    id: str
    title: str
    source: dict[str, str]
    applies_classes: frozenset[str]
    applies_drugs: frozenset[str]
    when: Test | None
    effective_from: date | None
    effective_to: date | None
    criteria: list[Criterion]
    decision: DecisionFn
    decision_ids: list[str]
    examples: list[Example]
    file: str
    line: int | None
    decision_tree: Node | None = field(repr=False, default=None)  # None for a silent topic
    when_condition: Condition | None = field(repr=False, default=None)
    description: str | None = None
    silent: dict[str, str] | None = None  # a topic the MTUS does not address: its reason, what reviewers use
    # "not_recommended": the MTUS does not recommend the treatment wherever the rule applies (upheld only)
    recommendation: str | None = None
    applies_services: frozenset[str] = frozenset()          # service types (rules/services.yaml keys)
    applies_service_groups: frozenset[str] = frozenset()    # service groups
    depends_on: Test | None = None          # an item relation: which other item of the case this one depends on
    depends_on_text: str | None = None      # that item, in words ("the surgery this service belongs to")
    # where the rule's own knowledge ends (a table that lacks the item's entry): elsewhere the item is not encoded
    encoded_for: Test | None = None
    encoded_for_text: Callable[[Facts], str] | None = None  # what the rule does not know there, filled per item

    def knows(self, facts: Facts) -> bool:
        """Whether the rule's knowledge covers the item (always, unless it declares ``encoded_for``)."""
        return self.encoded_for is None or self.encoded_for(facts) is True

    @property
    def conjunctive(self) -> bool:
        """Whether the decision is ``all`` of the criteria, in their order (as most MTUS rules are)."""
        return self.decision_tree == AllOf(tuple(Ref(c.id) for c in self.criteria))

    @property
    def edition(self) -> str | None:
        return self.source.get("edition")

    def applies(self, facts: Facts) -> bool:
        """Whether the rule is for the requested item's drug or class (service type or group), its guard (if
        any) true."""
        scoped = facts.get("request.drug") in self.applies_drugs or facts.get("request.drug_class") in \
            self.applies_classes or facts.get("request.service") in self.applies_services or \
            facts.get("request.service_group") in self.applies_service_groups
        return scoped and (self.when is None or self.when(facts) is True)

    def in_force(self, on: date | None) -> bool:
        """Whether the rule applies on a date (any date when ``on`` is unknown)."""
        if on is None:
            return True
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to)


def _guarded(rules: list[Rule], facts: Facts) -> Rule | None:
    """The first rule whose guard holds, else the first without a guard."""
    plain = None
    for rule in rules:
        if rule.when is None:
            if plain is None:
                plain = rule
        elif rule.when(facts) is True:
            return rule
    return plain


class Selection(NamedTuple):
    """The rule chosen for an item, and why it is not in force on the item's date (None when it is)."""

    rule: Rule | None
    outside: str | None = None


@dataclass
class RuleSet:
    """Every compiled rule, indexed by drug, drug class, service type and service group, with the library's
    version and hash."""

    rules: list[Rule]
    version: str
    hash: str
    files: list[str]
    editions: Editions = field(default_factory=Editions)
    drug_lists: list[DrugList] = field(default_factory=list)  # versions of the MTUS Drug List, oldest first

    def __post_init__(self) -> None:
        self.by_drug: dict[str, list[Rule]] = {}
        self.by_class: dict[str, list[Rule]] = {}
        self.by_service: dict[str, list[Rule]] = {}
        self.by_service_group: dict[str, list[Rule]] = {}
        self.by_id: dict[str, Rule] = {}
        for rule in self.rules:
            self.by_id.setdefault(rule.id, rule)
            for service in rule.applies_services:
                self.by_service.setdefault(service, []).append(rule)
            for group in rule.applies_service_groups:
                self.by_service_group.setdefault(group, []).append(rule)
            for drug in rule.applies_drugs:
                self.by_drug.setdefault(drug, []).append(rule)
            for cls in rule.applies_classes:
                self.by_class.setdefault(cls, []).append(rule)

    @cached_property
    def encoded_editions(self) -> set[str]:
        """Ids of the registry's editions that some rule cites."""
        out = set()
        for rule in self.rules:
            edition = self.editions.find(rule.source.get("guideline"), rule.edition)
            if edition is not None:
                out.add(edition.id)
        return out

    def edition_of(self, rule: Rule) -> Edition | None:
        """The registry entry of the edition a rule cites."""
        return self.editions.find(rule.source.get("guideline"), rule.edition)

    def get(self, rule_id: str) -> Rule | None:
        """The rule with this id."""
        return self.by_id.get(rule_id)

    def select(self, facts: Facts, as_of: date | None = None) -> Selection:
        """The rule for a requested item: by drug before class (service type before service group), in force
        on the date, guard true.

        When no rule for the item is in force on the date, the nearest edition's rule is returned with
        ``outside`` saying why (``before`` the first edition, ``after`` the last, ``between`` two, or
        ``undated`` when the case has no date and several editions could apply): the caller reports it.
        """
        on = as_of or facts.get("report_date")
        if facts.get("request.kind") == "service":
            first = self.by_service.get(facts.get("request.service"))
            second = self.by_service_group.get(facts.get("request.service_group"))
        else:
            first = self.by_drug.get(facts.get("request.drug"))
            second = self.by_class.get(facts.get("request.drug_class"))
        groups = [g for g in (first, second) if g]
        for candidates in groups:
            rule = _guarded(candidates if on is None else [r for r in candidates if r.in_force(on)], facts)
            if rule is not None:
                undated = on is None and len({(r.effective_from, r.effective_to) for r in candidates}) > 1
                return Selection(rule, "undated" if undated else None)
        for candidates in groups:
            if on is None:
                continue
            if all(r.effective_from is not None and on < r.effective_from for r in candidates):
                outside = "before"
                start = min(r.effective_from or date.min for r in candidates)
            else:
                outside = "after" if all(r.effective_to is not None and r.effective_to < on for r in candidates) \
                    else "between"
                start = max((r.effective_from or date.min for r in candidates
                             if r.effective_to is not None and r.effective_to < on), default=date.min)
            # The nearest edition, all its rules (an edition may have several for a class, told apart by guards).
            rule = _guarded([r for r in candidates if (r.effective_from or date.min) == start], facts)
            if rule is not None:
                return Selection(rule, outside)
        return Selection(None, None)

    @property
    def provenance(self) -> dict[str, str]:
        return {"version": self.version, "hash": self.hash}


_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {"string": str, "number": (int, float), "integer": int,
                                                     "boolean": bool}


def _a(kind: str) -> str:
    """"a boolean", "an integer": a JSON type with its article."""
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def _as_set(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    return frozenset([value] if isinstance(value, str) else value)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def calendar_date(text: Any) -> date | None:
    """The date an ISO ``YYYY-MM-DD`` text names, or None when it names no day (``2016-02-30``)."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


class _Checker:
    """Semantic checks shared by loading and ``mtus rules validate``."""

    def __init__(self, file: str, positions: Positions, conditions: dict | None = None):
        self.file, self.positions, self.problems = file, positions, []
        self.facts = vocabulary()
        self.conditions = conditions if conditions is not None else {}

    def add(self, code: str, path: tuple, message: str, hint: str | None = None, key: bool = False) -> None:
        pos = self.positions.key(path) if key else self.positions.find(path)
        line, col = pos if pos else (None, None)
        self.problems.append(Problem(self.file, message, line, col, hint, code))

    def test(self, node: dict, path: tuple) -> None:
        for key in ("all", "any"):
            for i, sub in enumerate(node.get(key, [])):
                self.test(sub, (*path, key, i))
        if "not" in node:
            self.test(node["not"], (*path, "not"))
        if "condition" in node and node["condition"] not in self.conditions:
            near = difflib.get_close_matches(node["condition"], sorted(self.conditions), n=1, cutoff=0.6)
            self.add("unknown-condition", (*path, "condition"), f"unknown condition '{node['condition']}'",
                     f"did you mean '{near[0]}'?" if near else
                     "named conditions are defined under `conditions:` in a file of shared criteria")
        if "fact" not in node:
            return
        name = node["fact"]
        fact = self.facts.get(name)
        if fact is None:
            hint = suggest(name)
            self.add("unknown-fact", (*path, "fact"), f"unknown fact '{name}'", f"did you mean '{hint}'?" if hint else
                     "see `mtus rules facts` or schemas/case.schema.json for the fact vocabulary")
            return
        (op,) = [k for k in node if k != "fact"] or [None]
        kind = _a(fact.type)
        operator = OPERATORS.get(op)
        if operator is not None and not fits(operator, fact.type, fact.numeric):
            self.add("operator-type",
                     (*path, op), f"operator '{op}' needs {NEEDS_WORDS[operator.needs]}, but '{name}' is {kind}",
                     alternatives(operator, fact.type, fact.numeric), key=True)
        elif op in ("equals", "in") and fact.enum:
            self.values(node[op], (*path, op), name, fact.enum)
        elif op == "contains" and fact.item_enum:
            self.values(node[op], (*path, op), name, fact.item_enum)
        elif op in ("equals", "in") and fact.type in _PYTHON_TYPES:
            self.operands(node[op], (*path, op), name, fact.type)

    def operands(self, operand: Any, path: tuple, name: str, fact_type: str) -> None:
        """Each value compared with a text, number or true/false fact has that type (5 never equals "5")."""
        items = list(enumerate(operand)) if isinstance(operand, list) else [(None, operand)]
        for i, value in items:
            if isinstance(value, _PYTHON_TYPES[fact_type]) and not (fact_type != "boolean" and isinstance(value, bool)):
                continue
            self.add("operand-type",
                     path if i is None else (*path, i), f"{value!r} can never equal '{name}', which is {_a(fact_type)}",
                     'put it in quotes: "' + str(value) + '"' if fact_type == "string" else
                     "use 'is: true' or 'is: false'" if fact_type == "boolean" else "write a number, without quotes")

    def values(self, operand: Any, path: tuple, name: str, allowed: tuple) -> None:
        """Each value compared with an enumerated fact is one of its values (pointing at the value itself)."""
        items = list(enumerate(operand)) if isinstance(operand, list) else [(None, operand)]
        for i, value in items:
            if value in allowed:
                continue
            near = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.6)
            self.add("enum-value", path if i is None else (*path, i), f"'{value}' is not a value of '{name}'",
                     f"did you mean '{near[0]}'?" if near else "one of: " + ", ".join(allowed))

    def template(self, text: str, path: tuple) -> None:
        for name in template_paths(text):
            if name not in self.facts:
                hint = suggest(name)
                self.add("unknown-template-field", path, f"explanation names unknown fact '{{{name}}}'",
                         f"did you mean '{{{hint}}}'?" if hint else None)


@dataclass
class _Source:
    file: str
    data: dict
    positions: Positions
    broken: frozenset[tuple] = frozenset()  # parts with schema problems: reported, not checked further

    def ok(self, *path: str | int) -> bool:
        """Whether the part at ``path`` (and every part holding it) passed the rule schema."""
        return not any(path[:n] in self.broken for n in range(len(path) + 1))


def rule_files(path: str | Path | None = None) -> list[Path]:
    """The rule files under a folder (or the one file given), sorted; the drug catalog is not a rule file."""
    root = Path(path) if path else RULES_DIR
    if not root.exists():
        raise InputError(Problem(str(root), "no such file or folder", code="no-such-file"))
    if not root.is_dir():  # a file (or a named pipe, which the loader then refuses)
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if p.name not in NOT_RULE_FILES
                  and not NOT_RULE_FOLDERS.intersection(p.relative_to(root).parts) and not p.is_dir())


def display_path(file: str | Path) -> str:
    """A file name as the user would type it: relative to the working folder when inside it."""
    path = Path(file)
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read(files: list[Path]) -> tuple[list[_Source], list[Problem]]:
    sources, problems = [], []
    for f in files:
        content, checked = cache.checked_rule_file(f)  # parsed and schema-checked before: same bytes
        if checked is not None:
            sources.append(_Source(str(f), *checked))
            continue
        try:
            data, positions = load(f, RULE_FILE_BYTES, "rule file")
        except InputError as exc:
            problems.extend(_yaml_hint(p, f) for p in exc.problems)
            continue
        if not isinstance(data, dict):
            problems.append(Problem(str(f), "a rule file must be a mapping (id: ..., or rules: [...])", 1, 1,
                                    code="not-a-mapping"))
            continue
        from checker.rules.errors import rule_schema_problems  # jsonschema: only when a file is not cached

        found, broken = rule_schema_problems(data, positions, str(f))
        problems.extend(found)
        if () in broken:
            continue
        sources.append(_Source(str(f), data, positions, frozenset(broken)))
        if not found:
            cache.store_checked_rule_file(f, content, data, positions)
    return sources, problems


_OPENED = {"while parsing a flow sequence": "the list '[' opened",
           "while parsing a flow mapping": "the mapping '{' opened",
           "while scanning a quoted scalar": "the quote opened"}


def _yaml_hint(problem: Problem, file: Path) -> Problem:
    """Where the unclosed bracket or quote behind a YAML syntax error began (PyYAML knows, the message drops it)."""
    problem = file_problem(problem, file)
    if not problem.message.startswith("invalid YAML") or problem.hint:
        return problem
    try:
        for _ in yaml.parse(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader):  # syntax only: no values
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark
        if mark is not None and exc.context in _OPENED:
            problem.hint = f"{_OPENED[exc.context]} at line {mark.line + 1}, column {mark.column + 1} is not closed"
    except Exception:  # noqa: BLE001 - only a hint: the problem itself is already reported
        pass
    return problem


def _merge_citation(rule_source: dict, crit: dict) -> dict[str, str]:
    base = crit.get("source") or rule_source
    base = base if isinstance(base, dict) else {}  # a broken source is reported by the schema check already
    cite = {k: v for k, v in base.items() if k in ("guideline", "edition", "section", "pages")}
    cite.update(crit.get("cite") or {})
    return cite


def _compile_criterion(raw: dict, rule_source: dict, file: str, line: int | None, named: _Named) -> Criterion:
    explain = {s: compile_template(t) for s, t in (raw.get("explain") or {}).items()}
    test = parse_condition(raw["test"], named)
    when = parse_condition(raw["when"], named) if raw.get("when") else None
    paths = list(dict.fromkeys(fact_paths(test) + fact_paths(when)))
    return Criterion(raw["id"], raw["text"], _merge_citation(rule_source, raw), compile_test(test),
                     compile_test(when) if when is not None else None, paths, explain, raw.get("document"),
                     file, line, test, when)


class _Named:
    """The library's named shared conditions (``conditions:``), parsed on first use, cycles refused."""

    def __init__(self) -> None:
        self.defined: dict[str, tuple[dict, _Source]] = {}
        self.parsed: dict[str, Node] = {}
        self.resolving: list[str] = []
        self.cyclic: set[str] = set()  # reported once; then read as an empty condition, not followed again
        self.broken_shared: set[str] = set()  # shared criteria with schema problems

    def __call__(self, name: str) -> Node:
        if name in self.parsed:
            return self.parsed[name]
        if name in self.cyclic:
            return AllOf(())
        if name in self.resolving:
            raise _ConditionCycle([*self.resolving[self.resolving.index(name):], name])
        self.resolving.append(name)
        try:
            node = self.parsed[name] = parse_condition(self.defined[name][0], self)
        finally:
            self.resolving.pop()
        return node

    def uses(self, node: Any) -> list[str]:
        """The names a test refers to directly."""
        if not isinstance(node, dict):
            return []
        if "condition" in node:
            return [node["condition"]]
        subs = node.get("all") or node.get("any") or ([node["not"]] if "not" in node else [])
        return [name for sub in subs for name in self.uses(sub)]


class _ConditionCycle(Exception):
    def __init__(self, chain: list[str]):
        super().__init__(" -> ".join(chain))
        self.chain = chain


@dataclass
class Library:
    """A loaded rule library: the compiled RuleSet, the problems found, and the parsed files behind them."""

    ruleset: RuleSet
    problems: list[Problem]
    sources: list[_Source]
    shared: dict[str, tuple[dict, _Source, tuple]]
    conditions: dict[str, tuple[dict, _Source]] = field(default_factory=dict)


def _collect_shared(sources: list[_Source], named: _Named) -> tuple[dict, list[Problem]]:
    """Shared criteria and named conditions of every collection file; duplicates are problems."""
    shared: dict[str, tuple[dict, _Source, tuple]] = {}
    problems: list[Problem] = []
    for src in sources:
        if "id" in src.data:
            continue
        check = _Checker(src.file, src.positions)
        for i, crit in enumerate(src.data.get("criteria", [])):
            if "id" not in crit or not src.ok("criteria", i):
                if isinstance(crit, dict) and isinstance(crit.get("id"), str):
                    named.broken_shared.add(crit["id"])  # a `use:` of it is not "unknown"
                continue
            if crit["id"] in shared:  # the first definition stays the one `use:` means
                _, first, first_path = shared[crit["id"]]
                check.add("duplicate-shared-criterion",
                          ("criteria", i, "id"), f"duplicate shared criterion id '{crit['id']}'",
                          f"first defined at {_at(first, (*first_path, 'id'), src)}")
                continue
            shared[crit["id"]] = (crit, src, ("criteria", i))
        for name, node in (src.data.get("conditions") or {}).items():
            if not src.ok("conditions", name):
                named.cyclic.add(name)  # known, reported by the schema: read as empty, not checked again
                named.defined.setdefault(name, ({"all": []}, src))
                continue
            if name in named.defined:
                first = named.defined[name][1]
                check.add("duplicate-condition", ("conditions", name), f"duplicate condition '{name}'",
                          f"first defined at {_at(first, ('conditions', name), src, key=True)}", key=True)
                continue
            named.defined[name] = (node, src)
        problems.extend(check.problems)
    return shared, problems


def _at(first: _Source, path: tuple, src: _Source, key: bool = False) -> str:
    """``line 12`` in the same file, else ``FILE:12``: where something was first defined."""
    line = ((first.positions.key(path) if key else first.positions.find(path)) or ("?",))[0]
    return f"line {line}" if first is src else f"{first.file}:{line}"


def _check_conditions(named: _Named) -> list[Problem]:
    """Each named condition's test is sound and no condition uses itself, directly or through others."""
    problems = []
    for name, (node, src) in named.defined.items():
        if name in named.cyclic:
            continue
        check = _Checker(src.file, src.positions, named.defined)
        check.test(node, ("conditions", name))
        if not check.problems:
            try:
                named(name)
            except _ConditionCycle as cycle:
                check.add("condition-cycle", ("conditions", name), f"condition '{name}' uses itself: {cycle}",
                          "a condition may use others, but never one that leads back to it", key=True)
                named.cyclic.add(name)
        problems.extend(check.problems)
    return problems


def load_library(path: str | Path | None = None) -> Library:
    """Read, check and compile every rule file under ``path``, keeping the parsed files for linting."""
    files = rule_files(path)
    sources, problems = _read(files)
    editions, edition_problems = load_editions(path)
    problems.extend(edition_problems)
    if not files:  # an empty folder would otherwise validate, then cover nothing
        problems.append(Problem(str(path), "no rule files (*.yaml) in this folder", code="no-rule-files"))
    named = _Named()
    shared, found = _collect_shared(sources, named)
    problems += found + _check_conditions(named)
    rules: list[Rule] = []
    seen_ids: dict[str, tuple[str, int | str]] = {}
    for src in sources:
        check = _Checker(src.file, src.positions, named.defined)
        for crit, csrc, cpath in shared.values():
            if csrc is src and "test" in crit:
                check.test(crit["test"], (*cpath, "test"))
        for base, raw in rule_entries(src.data):
            if not src.ok(*base) or not isinstance(raw.get("id"), str):
                continue
            if raw["id"] in seen_ids:
                first_file, first_line = seen_ids[raw["id"]]
                at = f"line {first_line}" if first_file == src.file else f"{first_file}:{first_line}"
                check.add("duplicate-rule-id",
                          (*base, "id"), f"duplicate rule id '{raw['id']}'", f"first defined at {at}")
            else:
                seen_ids[raw["id"]] = (src.file, (src.positions.find((*base, "id")) or ("?",))[0])
            rule = _compile_rule(raw, base, src, shared, check, named, editions)
            if rule is not None and not src.broken:  # a file with schema problems gives no rules
                rules.append(rule)
        problems.extend(check.problems)
    digest = hashlib.sha256()
    for src in sources:  # the files that were read (a pipe or an unreadable file is a problem, not read twice)
        digest.update(Path(src.file).name.encode() + b"\0" + Path(src.file).read_bytes())
    catalog = RULES_DIR / "drugs.yaml"  # the drug catalog picks the rule for each request: part of the provenance
    if catalog.is_file():
        digest.update(b"drugs.yaml\0" + catalog.read_bytes())
    procedures = RULES_DIR / "postsurgical.yaml"  # the postsurgical courses the post-operative therapy rule reads
    if procedures.is_file():
        digest.update(b"postsurgical.yaml\0" + procedures.read_bytes())
    registry = editions_file(path)  # the editions decide which dates the rules cover: part of the provenance
    if registry.is_file():
        digest.update(b"editions.yaml\0" + registry.read_bytes())
    lists = formulary_files(path, RULES_DIR)  # the MTUS Drug Lists decide prospective review: provenance too
    for f in lists:
        digest.update(b"formulary/" + f.name.encode() + b"\0" + f.read_bytes())
    drug_lists, list_problems = load_drug_lists(lists)
    problems.extend(list_problems)
    ruleset = RuleSet(rules, __version__, digest.hexdigest()[:12], [str(f) for f in files], editions, drug_lists)
    return Library(ruleset, problems, sources, shared, named.defined)


def rule_entries(data: dict) -> list[tuple[tuple, dict]]:
    """The rules of a parsed file with their paths: the file itself, or each item of ``rules:``."""
    if "id" in data:
        return [((), data)]
    return [(("rules", i), r) for i, r in enumerate(data.get("rules", []))]


def load_rules(path: str | Path | None = None, strict: bool = True) -> tuple[RuleSet, list[Problem]]:
    """Load, check and compile every rule under ``path`` (default: the bundled ``rules/``).

    With ``strict`` any problem raises InputError; otherwise the problems are returned beside the
    rules that compiled.
    """
    library = load_library(path)
    if strict and library.problems:
        raise InputError(library.problems[0], library.problems[1:])
    return library.ruleset, library.problems


def effective_window(raw: dict, editions: Editions) -> tuple[date | None, date | None]:
    """A rule's ``effective`` dates; a bound it leaves out is its edition's (a rule ends with its edition)."""
    effective = raw.get("effective") or {}
    edition = editions.find((raw.get("source") or {}).get("guideline"), (raw.get("source") or {}).get("edition"))
    start = calendar_date(effective.get("from")) or (edition.start if edition else None)
    end = calendar_date(effective.get("to")) or (edition.end if edition else None)
    return start, end


def _compile_rule(raw: dict, base: tuple, src: _Source, shared: dict, check: _Checker,
                  named: _Named, editions: Editions) -> Rule | None:
    before = len(check.problems)
    criteria: list[Criterion] = []
    ids: set[str] = set()
    unknown_use = False
    for i, crit in enumerate((raw.get("criteria") or []) if src.ok(*base, "criteria") else []):
        cpath = (*base, "criteria", i)
        if not src.ok(*cpath) or (isinstance(crit, dict) and crit.get("use") in named.broken_shared):
            name = (crit.get("id") or crit.get("use")) if isinstance(crit, dict) else None
            if isinstance(name, str):
                ids.add(name)
            else:
                unknown_use = True  # its id is missing: no "undefined criterion" cascade
            continue
        merged = merged_criterion(crit, shared)
        if merged is None:
            unknown_use = True
            hint = next(iter(sorted(shared, key=lambda s: -_similar(s, crit["use"]))), None)
            check.add("unknown-shared-criterion", (*cpath, "use"), f"unknown shared criterion '{crit['use']}'",
                      f"did you mean '{hint}'?" if hint else "shared criteria live in a file with only `criteria:`")
            continue
        crit = merged
        checked = len(check.problems)
        if crit["id"] in ids:
            check.add("duplicate-criterion-id",
                      (*cpath, "id"), f"duplicate criterion id '{crit['id']}' in rule '{raw['id']}'")
        ids.add(crit["id"])
        missing = [key for key in ("text", "test") if key not in crit]
        if missing:  # a shared criterion may leave them to the rules that use it; this one did not give them
            check.add("schema-missing-field", cpath,
                      f"criterion '{crit['id']}' has no {' and no '.join(repr(k) for k in missing)}",
                      "give it here, or in the shared criterion it uses")
            continue
        check.test(crit["test"], (*cpath, "test"))
        if crit.get("when"):
            check.test(crit["when"], (*cpath, "when"))
        for status, text in (crit.get("explain") or {}).items():
            check.template(text, (*cpath, "explain", status))
        if len(check.problems) > checked:
            continue
        line = (src.positions.find(cpath) or (None,))[0]
        criteria.append(_compile_criterion(crit, raw["source"], src.file, line, named))
    if not unknown_use and src.ok(*base, "decision"):  # an unknown `use:` already explains the missing id
        for name, where in _decision_refs(raw.get("decision") or {}, (*base, "decision")):
            if name not in ids:
                near = difflib.get_close_matches(name, sorted(ids), n=1, cutoff=0.6)
                check.add("undefined-criterion", where, f"decision names undefined criterion '{name}'",
                          f"did you mean '{near[0]}'?" if near else "defined: " + ", ".join(sorted(ids)))
    if src.ok(*base, "applies_to") and raw["applies_to"].get("when"):
        check.test(raw["applies_to"]["when"], (*base, "applies_to", "when"))
    relation = raw.get("depends_on")
    if relation:
        check.test(relation["item"], (*base, "depends_on", "item"))
    known = raw.get("encoded_for")
    if known:
        check.test(known["test"], (*base, "encoded_for", "test"))
        check.template(known["reason"], (*base, "encoded_for", "reason"))
    for end, text in (raw.get("effective") or {}).items():
        if _ISO_DAY.fullmatch(str(text)) and calendar_date(text) is None:  # the schema's pattern lets 2016-02-30 by
            check.add("schema-bad-date", (*base, "effective", end),
                      f"effective.{end}: '{text}' is not a day of the calendar")
    if len(check.problems) > before or src.broken:
        return None
    applies = raw["applies_to"]
    when = parse_condition(applies["when"], named) if applies.get("when") else None
    decision = parse_decision(raw["decision"]) if "decision" in raw else None
    examples = [Example.from_data(x, (src.positions.find((*base, "examples", i)) or (None,))[0])
                for i, x in enumerate(raw.get("examples") or [])]
    return Rule(raw["id"], raw["title"], raw["source"], _as_set(applies.get("drug_class")),
                _as_set(applies.get("drug")), compile_test(when) if when is not None else None,
                *effective_window(raw, editions), criteria,
                compile_decision(decision) if decision is not None else _no_decision,
                refs(decision) if decision is not None else [], examples,
                src.file, (src.positions.find(base) or (None,))[0], decision, when, raw.get("description"),
                raw.get("silent"), raw.get("recommendation"), _as_set(applies.get("service")),
                _as_set(applies.get("service_group")),
                compile_test(parse_condition(relation["item"], named)) if relation else None,
                relation["text"] if relation else None,
                compile_test(parse_condition(known["test"], named)) if known else None,
                compile_template(known["reason"]) if known else None)


def _no_decision(values: dict) -> None:
    """The decision of a silent topic: the MTUS decides nothing."""
    return None


def merged_criterion(crit: dict, shared: dict) -> dict | None:
    """A rule's criterion as written, or the shared one it reuses with ``use:`` with its own fields over it
    (None for an unknown ``use:``); a ``cite`` given where it is used replaces the shared ``source`` too."""
    if "use" not in crit:
        return crit
    if crit["use"] not in shared:
        return None
    merged = {**shared[crit["use"]][0], **{k: v for k, v in crit.items() if k != "use"}}
    if "cite" in crit and "source" not in crit:
        # the rule cites its own words for the criterion: they are from the rule's guideline and edition, not
        # from the shared definition's (a 2016 rule must not print "(2009)", nor a guideline section the
        # regulation's name)
        merged.pop("source", None)
    return merged


def _decision_refs(node: Any, path: tuple) -> list[tuple[str, tuple]]:
    """Every criterion id a decision names, with the path of that name (for its exact position)."""
    if isinstance(node, str):
        return [(node, path)]
    out = []
    for key in ("all", "any"):
        for i, sub in enumerate(node.get(key, [])):
            out += _decision_refs(sub, (*path, key, i))
    if "not" in node:
        out += _decision_refs(node["not"], (*path, "not"))
    return out


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()
