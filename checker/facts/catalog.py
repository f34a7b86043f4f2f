"""The drug catalog (``rules/drugs.yaml``): loaded once, names matched with lazily compiled regexes.

The catalog maps brand names, generic names, aliases and misspellings to generic ingredients, a
drug class, MME conversion factors and a sedating flag. ``DrugCatalog.find`` locates every name in a
free-text request (word-boundary on letters, case-insensitive, tolerant of spacing and punctuation,
longest name first), ``DrugCatalog.lookup`` resolves one name.

Loading is fast (the C YAML loader, no positions); only when the file is broken is it re-read with
:mod:`checker.core.yamlpos` so that the error names ``rules/drugs.yaml:LINE:COL``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from checker.core import yamlpos
from checker.core.errors import InputError, Problem
from checker.core.resources import rules_dir

DEFAULT_PATH = rules_dir() / "drugs.yaml"

DRUG_CLASSES: tuple[str, ...] = (
    "opioid", "muscle_relaxant", "benzodiazepine", "antiepileptic", "nsaid", "topical_nsaid", "ppi",
    "h2_blocker", "topical_lidocaine", "topical_analgesic", "compounded_topical", "antidepressant",
    "antiemetic", "sedative_hypnotic", "other",
)
ROUTES: tuple[str, ...] = ("oral", "topical", "transdermal", "injection", "sublingual")

_INGREDIENT_KEYS = {"class", "topical_class", "route", "mme_factor", "mme_table", "mme_per_mcg_h",
                    "sedating", "partner", "aliases"}
_PRODUCT_KEYS = {"ingredients", "strength_order", "class", "route", "form", "release", "kit", "aliases"}


@dataclass(frozen=True)
class Ingredient:
    """A generic active ingredient."""

    name: str
    drug_class: str
    topical_class: str | None = None
    route: str = "oral"
    mme_factor: float | None = None
    mme_table: tuple[tuple[float | None, float], ...] = ()
    mme_per_mcg_h: float | None = None
    sedating: bool = False
    partner: bool = False

    @property
    def is_opioid(self) -> bool:
        """True for an opioid."""
        return self.drug_class == "opioid"

    def mme_factor_for(self, daily_mg: float | None) -> float | None:
        """MME factor, picking a dose-dependent one (methadone) from the daily dose in mg."""
        if self.mme_table:
            if daily_mg is None:
                return None
            for up_to, factor in self.mme_table:
                if up_to is None or daily_mg <= up_to:
                    return factor
            return self.mme_table[-1][1]
        return self.mme_factor


@dataclass(frozen=True)
class DrugEntry:
    """What a name resolves to: a product (brand) or a single generic ingredient."""

    key: str                                 # catalog key ("Norco", "hydrocodone")
    kind: str                                # "product" or "ingredient"
    ingredients: tuple[str, ...]             # generic names, principal first
    strength_order: tuple[str, ...]          # order of strengths as written on the label
    drug_class: str | None = None            # explicit class (products only), else derived
    route: str | None = None
    form: str | None = None
    extended_release: bool = False
    kit: bool = False                        # a compounding kit sold under a brand (Tabradol, Synapryn...)

    @property
    def principal(self) -> str:
        """The principal active ingredient (lower-case generic)."""
        return self.ingredients[0]


@dataclass(frozen=True)
class DrugMatch:
    """One catalog name found in a text, with its span."""

    start: int
    end: int
    text: str
    entry: DrugEntry


_PLURAL_FORMS = {"patch": "(?:es)?", "gel": "s?", "tab": "s?", "tablet": "s?", "capsule": "s?"}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of two strings (an adjacent transposition counts 1), or ``limit + 1``
    as soon as it must exceed ``limit``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def normalize_name(name: str) -> str:
    """Lower case, punctuation and spacing collapsed to single spaces ("Norco-10" -> "norco 10")."""
    return " ".join(re.findall(r"[a-z0-9#]+", name.lower()))


def _name_pattern(name: str) -> str:
    parts = [re.escape(p) for p in re.findall(r"[a-z0-9#]+", name.lower())]
    if parts and parts[-1] in _PLURAL_FORMS:      # "Terocin patches", "Flector patches"
        parts[-1] += _PLURAL_FORMS[parts[-1]]
    return r"[\s\-_./]*".join(parts)


def _full_pattern(names: list[str]) -> str:
    """One alternation of ``names`` (in order), bounded by non-letters: the reference matcher."""
    body = "|".join(_name_pattern(n) for n in names)
    return rf"(?<![a-z])(?:{body})(?![a-z])"


@dataclass
class DrugCatalog:
    """The loaded catalog: ingredients, products, and a name matcher compiled on first use.

    Matching is one alternation of every name, longest first, split by the name's first character: a
    small scanner finds where a name may start (a catalog initial not preceded by a letter) and the
    alternation of the names with that initial, compiled the first time it is needed, is tried there.
    At any position only names starting with that character can match, in the same relative order, so
    the matches are exactly those of the single alternation, without compiling it whole (about 10 ms
    per process for some 300 names) when a run only meets a few initials.
    """

    ingredients: dict[str, Ingredient]
    entries: dict[str, DrugEntry]            # normalized name -> entry
    path: str = "<catalog>"
    _names: dict[str, list[str]] = field(default_factory=dict, repr=False)     # initial -> names, longest first
    _buckets: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)
    _initials: dict[str, str | None] = field(default_factory=dict, repr=False)  # text char -> initial
    _scanner: re.Pattern[str] | None = field(default=None, repr=False)
    _by_initial: dict[str, list[str]] | None = field(default=None, repr=False)  # initial -> names (near misses)
    _near: dict[str, list[tuple[str, int]]] = field(default_factory=dict, repr=False)  # memo of near()

    def __post_init__(self) -> None:
        for name in sorted(self.entries, key=lambda n: (-len(n), n)):
            self._names.setdefault(name[0], []).append(name)

    def near(self, word: str) -> list[tuple[str, int]]:
        """Catalog names within a small edit distance of ``word`` (a misspelling), nearest first:
        [(name, distance)]. Only names with the same initial and a similar length are compared; the allowed
        distance is 1 for words of up to 7 letters and 2 for longer ones (transpositions count 1)."""
        word = normalize_name(word)
        if len(word) < 4 or not word[0].isalpha():
            return []
        cached = self._near.get(word)
        if cached is not None:
            return cached
        if len(self._near) > 65536:   # words seen are few in practice; never let the memo grow without bound
            self._near.clear()
        limit = 1 if len(word) <= 7 else 2
        if self._by_initial is None:
            self._by_initial = {}
            for name in self.entries:
                self._by_initial.setdefault(name[0], []).append(name)
        letters = set(word)
        found = []
        for name in self._by_initial.get(word[0], ()):
            # cheap bounds first: length, and letters of one missing from the other (each costs an edit)
            if abs(len(name) - len(word)) <= limit and len(letters - set(name)) <= limit and \
                    (d := edit_distance(word, name, limit)) <= limit:
                found.append((name, d))
        self._near[word] = found = sorted(found, key=lambda nd: (nd[1], nd[0]))
        return found

    def lookup(self, name: str) -> DrugEntry | None:
        """The entry for a brand, generic, alias or misspelling (any case or spacing), or None."""
        return self.entries.get(normalize_name(name))

    def ingredient(self, name: str) -> Ingredient | None:
        """The generic ingredient record for a lower-case generic name, or None."""
        return self.ingredients.get(name)

    def _initial(self, char: str) -> str | None:
        """The catalog initial a text character matches case-insensitively (as the regex engine folds)."""
        if char not in self._initials:
            low = char.lower()
            if low in self._names:
                self._initials[char] = low
            else:   # a character that folds to an initial without being its lower case (Kelvin sign "K")
                self._initials[char] = next((c for c in self._names if re.fullmatch(re.escape(c), char,
                                                                                    re.IGNORECASE)), None)
        return self._initials[char]

    def _bucket(self, initial: str) -> re.Pattern[str]:
        rx = self._buckets.get(initial)
        if rx is None:
            rx = self._buckets[initial] = re.compile(_full_pattern(self._names[initial]), re.IGNORECASE)
        return rx

    def find(self, text: str) -> list[DrugMatch]:
        """Every catalog name in ``text``, left to right, longest name at each position."""
        if self._scanner is None:
            initials = "".join(re.escape(c) for c in sorted(self._names))
            self._scanner = re.compile(rf"(?<![a-z])[{initials}]" if initials else r"(?!)", re.IGNORECASE)
        out = []
        pos = 0
        search = self._scanner.search
        while (start := search(text, pos)) is not None:
            p = start.start()
            initial = self._initial(text[p])
            m = self._bucket(initial).match(text, p) if initial is not None else None
            if m is None:
                pos = p + 1
                continue
            pos = m.end()
            entry = self.entries.get(normalize_name(m.group(0)))
            if entry is None:   # a plural form: "Terocin patches" -> "terocin patch"
                entry = self.entries.get(re.sub(r"(?:es|s)$", "", normalize_name(m.group(0))))
            if entry is not None:
                out.append(DrugMatch(m.start(), m.end(), m.group(0), entry))
        return out


class _Problems:
    def __init__(self, path: str, positions: yamlpos.Positions | None):
        self.path = path
        self.positions = positions
        self.items: list[Problem] = []

    def add(self, where: tuple[Any, ...], message: str, key: bool = False, hint: str | None = None) -> None:
        pos = None
        if self.positions is not None:
            pos = self.positions.key(where) if key else self.positions.find(where)
        self.items.append(Problem(self.path, message, pos[0] if pos else None, pos[1] if pos else None,
                                  hint))


def _build(data: Any, path: str, positions: yamlpos.Positions | None) -> tuple[DrugCatalog, list[Problem]]:
    probs = _Problems(path, positions)
    if not isinstance(data, dict):
        probs.add((), "the drug catalog must be a mapping with 'ingredients' and 'products'")
        return DrugCatalog({}, {}, path), probs.items
    classes = data.get("classes", list(DRUG_CLASSES))
    if classes != list(DRUG_CLASSES):
        probs.add(("classes",), "'classes' must list exactly the drug-class vocabulary: "
                  + ", ".join(DRUG_CLASSES))
    unknown_top = set(data) - {"classes", "ingredients", "products"}
    for k in sorted(unknown_top, key=str):
        probs.add((k,), f"unknown top-level key '{k}'", key=True)

    ingredients: dict[str, Ingredient] = {}
    entries: dict[str, DrugEntry] = {}
    owners: dict[str, str] = {}

    def add_name(name: Any, entry: DrugEntry, where: tuple[Any, ...], key: bool = False) -> None:
        if not isinstance(name, str) or not normalize_name(name):
            probs.add(where, f"a drug name must be a non-empty string, not {name!r}", key=key)
            return
        norm = normalize_name(name)
        if norm in entries and entries[norm] != entry:
            probs.add(where, f"name '{name}' is already used by '{owners[norm]}'", key=key)
            return
        entries[norm] = entry
        owners[norm] = entry.key

    def mapping_with_fields(spec: Any, where: tuple[Any, ...], what: str, needs: str, known: set[str]) -> bool:
        """Whether an entry is a mapping; each field it has that is not ``known`` is a problem."""
        if not isinstance(spec, dict):
            probs.add(where, f"{what} must be a mapping with {needs}")
            return False
        for k in sorted(set(spec) - known, key=str):
            probs.add((*where, k), f"unknown field '{k}' for {what}", key=True,
                      hint="fields: " + ", ".join(sorted(known)))
        return True

    raw_ingredients = data.get("ingredients")
    if not isinstance(raw_ingredients, dict):
        probs.add(("ingredients",), "'ingredients' must be a mapping of generic name -> fields")
        raw_ingredients = {}
    for gname, spec in raw_ingredients.items():
        where = ("ingredients", gname)
        if gname != gname.lower().strip():
            probs.add(where, f"generic name '{gname}' must be lower case", key=True)
        if not mapping_with_fields(spec, where, f"ingredient '{gname}'", "at least 'class'", _INGREDIENT_KEYS):
            continue
        cls = spec.get("class")
        if cls not in DRUG_CLASSES:
            probs.add((*where, "class") if "class" in spec else where,
                      f"unknown drug class {cls!r} for '{gname}'", hint="one of " + ", ".join(DRUG_CLASSES))
            continue
        tcls = spec.get("topical_class")
        if tcls is not None and tcls not in DRUG_CLASSES:
            probs.add((*where, "topical_class"), f"unknown drug class {tcls!r}")
        route = spec.get("route", "oral")
        if route not in ROUTES:
            probs.add((*where, "route"), f"unknown route {route!r}", hint="one of " + ", ".join(ROUTES))
        for num_key in ("mme_factor", "mme_per_mcg_h"):
            v = spec.get(num_key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0):
                probs.add((*where, num_key), f"'{num_key}' must be a positive number")
        table: list[tuple[float | None, float]] = []
        for i, row in enumerate(spec.get("mme_table") or []):
            if not isinstance(row, dict) or not isinstance(row.get("factor"), (int, float)):
                probs.add((*where, "mme_table", i), "an mme_table row needs {up_to: mg/day or null, factor: n}")
                continue
            table.append((row.get("up_to"), float(row["factor"])))
        for flag in ("sedating", "partner"):
            if flag in spec and not isinstance(spec[flag], bool):
                probs.add((*where, flag), f"'{flag}' must be true or false")
        ing = Ingredient(gname, cls, tcls, route if route in ROUTES else "oral",
                         float(spec["mme_factor"]) if isinstance(spec.get("mme_factor"), (int, float)) else None,
                         tuple(table),
                         float(spec["mme_per_mcg_h"]) if isinstance(spec.get("mme_per_mcg_h"), (int, float))
                         else None,
                         spec.get("sedating") is True, spec.get("partner") is True)
        ingredients[gname] = ing
        entry = DrugEntry(gname, "ingredient", (gname,), (gname,))
        add_name(gname, entry, where, key=True)
        for i, alias in enumerate(spec.get("aliases") or []):
            add_name(alias, entry, (*where, "aliases", i))

    raw_products = data.get("products") or {}
    if not isinstance(raw_products, dict):
        probs.add(("products",), "'products' must be a mapping of product name -> fields")
        raw_products = {}
    for pname, spec in raw_products.items():
        where = ("products", pname)
        if not mapping_with_fields(spec, where, f"product '{pname}'", "'ingredients'", _PRODUCT_KEYS):
            continue
        ings = spec.get("ingredients")
        if not isinstance(ings, list) or not ings:
            probs.add((*where, "ingredients") if "ingredients" in spec else where,
                      f"product '{pname}' needs a non-empty 'ingredients' list")
            continue
        bad = False
        for i, g in enumerate(ings):
            if g not in ingredients:
                probs.add((*where, "ingredients", i), f"unknown ingredient {g!r} in product '{pname}'",
                          hint="add it under 'ingredients' first")
                bad = True
        order = spec.get("strength_order") or ings
        if sorted(map(str, order)) != sorted(map(str, ings)):
            probs.add((*where, "strength_order"), "'strength_order' must list the same ingredients")
            bad = True
        cls = spec.get("class")
        if cls is not None and cls not in DRUG_CLASSES:
            probs.add((*where, "class"), f"unknown drug class {cls!r}", hint="one of " + ", ".join(DRUG_CLASSES))
            bad = True
        route = spec.get("route")
        if route is not None and route not in ROUTES:
            probs.add((*where, "route"), f"unknown route {route!r}", hint="one of " + ", ".join(ROUTES))
            bad = True
        release = spec.get("release")
        if release not in (None, "extended"):
            probs.add((*where, "release"), "'release' must be 'extended' when given")
        if bad:
            continue
        if "kit" in spec and not isinstance(spec["kit"], bool):
            probs.add((*where, "kit"), "'kit' must be true or false")
        entry = DrugEntry(str(pname), "product", tuple(ings), tuple(order), cls, route, spec.get("form"),
                          release == "extended", spec.get("kit") is True)
        add_name(str(pname), entry, where, key=True)
        for i, alias in enumerate(spec.get("aliases") or []):
            add_name(alias, entry, (*where, "aliases", i))

    return DrugCatalog(ingredients, entries, path), probs.items


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_catalog(path: str | Path | None = None) -> DrugCatalog:
    """Load and check a drug catalog (default ``<repo>/rules/drugs.yaml``); InputError if broken."""
    p = Path(path) if path is not None else DEFAULT_PATH
    name = _display_path(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(name, "no such file (the drug catalog)")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(name, f"cannot read the drug catalog: {exc}")) from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        yamlpos.loads(text, name)  # raises an InputError with file:line:col
        raise
    catalog, problems = _build(data, name, None)
    if problems:
        data, positions = yamlpos.loads(text, name)
        _, problems = _build(data, name, positions)
        raise InputError(problems[0], problems[1:])
    return catalog


@lru_cache(maxsize=1)
def default_catalog() -> DrugCatalog:
    """The catalog at the default path, loaded once per process."""
    return load_catalog()
