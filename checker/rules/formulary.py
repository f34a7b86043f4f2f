"""MTUS Drug List files (``formulary/*.yaml`` in a rules folder): which drugs are exempt from prospective review.

A file is one version of the DWC's MTUS Drug List (8 CCR 9792.27.15) with its effective date, written by
``mtus formulary import`` from the list as published. Rows name drug ingredients as the DWC writes them
("Hydrocodone Bitartrate / Acetaminophen"); they are matched to the drug catalog's generic names here, so a
combination matches only the same set of ingredients (a combination not on the list is unlisted,
8 CCR 9792.27.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from checker.core.errors import InputError, Problem
from checker.core.yamlpos import load
from checker.facts.catalog import default_catalog

FOLDER = "formulary"
STATUSES = ("exempt", "non_exempt")
# Salt and form words the list may add to an ingredient that the catalog's generic names leave out.
_SALTS = {"hcl", "hydrochloride", "bitartrate", "sodium", "potassium", "sulfate", "sulphate", "maleate", "citrate",
          "besylate", "tartrate", "phosphate", "acetate", "succinate", "mesylate", "hydrobromide", "calcium",
          "magnesium", "er", "xr", "sr", "cr", "la"}


@dataclass(frozen=True)
class Fill:
    """A Special Fill or Perioperative Fill designation and its supply limit in days (None: not stated)."""

    days: int | None


@dataclass(frozen=True)
class ListedDrug:
    """One row of the MTUS Drug List."""

    ingredient: str                 # as published
    ingredients: frozenset[str]     # generic names, lower case
    status: str                     # exempt | non_exempt
    special_fill: Fill | None = None
    perioperative_fill: Fill | None = None
    reference: str | None = None
    line: int | None = None


@dataclass
class DrugList:
    """One version of the MTUS Drug List."""

    file: str
    effective: date
    version: str | None = None
    source: str | None = None
    synthetic: bool = False
    drugs: dict[frozenset[str], ListedDrug] = field(default_factory=dict)

    def find(self, ingredients: list[str]) -> ListedDrug | None:
        """The row for exactly these ingredients (a combination only as a combination)."""
        return self.drugs.get(frozenset(ingredients))

    def describe(self) -> dict[str, str | bool]:
        out: dict[str, str | bool] = {"version": self.version or "not stated", "effective": self.effective.isoformat(),
                                      "source": self.source or Path(self.file).name}
        if self.synthetic:
            out["synthetic"] = True
        return out


def generic_names(text: str) -> frozenset[str]:
    """"Hydrocodone Bitartrate / Acetaminophen" -> {"hydrocodone", "acetaminophen"} (via the drug catalog)."""
    catalog = default_catalog()
    out = set()
    for part in re.split(r"\s*(?:/|;|\+|,|\band\b|\bwith\b)\s*", text.strip(), flags=re.I):
        if not part:
            continue
        entry = catalog.lookup(part)
        if entry is None:
            words = [w for w in re.findall(r"[a-z0-9]+", part.lower()) if w not in _SALTS]
            entry = catalog.lookup(" ".join(words)) if words else None
            if entry is None:
                out.add(" ".join(words) or part.lower())
                continue
        out.update(entry.ingredients)
    return frozenset(out)


def _fill(raw: object, problems: list[Problem], file: str, pos: tuple[int, int] | None) -> Fill | None:
    if raw in (None, False):
        return None
    if raw is True:
        return Fill(None)
    if isinstance(raw, dict) and (raw.get("days") is None or isinstance(raw.get("days"), int)):
        return Fill(raw.get("days"))
    problems.append(Problem(file, f"a fill is `{{days: N}}` (or true when the list gives no limit), not {raw!r}",
                            *(pos or (None, None)), code="drug-list"))
    return None


def load_drug_list(path: str | Path) -> DrugList:
    """Read one formulary file; a malformed one is an InputError naming the file and line."""
    file = str(path)
    data, positions = load(path)
    head = data.get("formulary") if isinstance(data, dict) else None
    if not isinstance(head, dict) or not isinstance(data.get("drugs"), list):
        raise InputError(Problem(file, "a formulary file holds `formulary: {effective: ...}` and `drugs: [...]`", 1, 1,
                                 hint="write it with `mtus formulary import LIST -o FILE`", code="drug-list"))
    try:
        effective = date.fromisoformat(str(head.get("effective")))
    except ValueError:
        where = positions.find(("formulary", "effective")) or (None, None)
        raise InputError(Problem(file, f"effective date '{head.get('effective')}' is not a date (YYYY-MM-DD)",
                                 *where, code="drug-list")) from None
    out = DrugList(file, effective, head.get("version"), head.get("source"), bool(head.get("synthetic")))
    problems: list[Problem] = []
    for i, row in enumerate(data["drugs"]):
        at = positions.find(("drugs", i))
        if not isinstance(row, dict) or not row.get("ingredient") or row.get("status") not in STATUSES:
            problems.append(Problem(file, "a drug needs `ingredient` and `status` (exempt or non_exempt)",
                                    *(at or (None, None)), code="drug-list"))
            continue
        drug = ListedDrug(str(row["ingredient"]), generic_names(str(row["ingredient"])), row["status"],
                          _fill(row.get("special_fill"), problems, file, positions.find(("drugs", i, "special_fill"))),
                          _fill(row.get("perioperative_fill"), problems, file,
                                positions.find(("drugs", i, "perioperative_fill"))),
                          row.get("reference"), at[0] if at else None)
        first = out.drugs.get(drug.ingredients)
        if first is not None:
            problems.append(Problem(file, f"'{drug.ingredient}' is listed twice (as '{first.ingredient}' at line "
                                    f"{first.line})", *(at or (None, None)), code="drug-list"))
            continue
        out.drugs[drug.ingredients] = drug
    if problems:
        raise InputError(problems[0], problems[1:])
    return out


def formulary_files(rules_path: str | Path | None, default: Path) -> list[Path]:
    """The formulary files of a rules folder (``formulary/*.yaml``), sorted; none for a single rule file."""
    root = Path(rules_path) if rules_path else default
    folder = root / FOLDER
    return sorted(folder.glob("*.yaml")) if root.is_dir() and folder.is_dir() else []


def load_drug_lists(files: list[Path]) -> tuple[list[DrugList], list[Problem]]:
    """Every drug list, sorted by effective date; the problems of the files that would not load."""
    lists, problems = [], []
    for f in files:
        try:
            lists.append(load_drug_list(f))
        except InputError as exc:
            problems += exc.problems
    lists.sort(key=lambda d: d.effective)
    seen: dict[date, DrugList] = {}
    for d in lists:
        if d.effective in seen:
            problems.append(Problem(d.file, f"two MTUS Drug Lists take effect on {d.effective} (also "
                                    f"{seen[d.effective].file})", hint="keep one file per version of the list",
                                    code="drug-list"))
        seen[d.effective] = d
    return lists, problems


def list_in_force(lists: list[DrugList], on: date) -> DrugList | None:
    """The newest list that took effect on or before the date."""
    return next((d for d in reversed(lists) if d.effective <= on), None)
