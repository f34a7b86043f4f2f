"""`mtus formulary import`: read the DWC's MTUS Drug List as published (xlsx or csv) into a formulary file.

The DWC posts the list (8 CCR 9792.27.15) as an Excel workbook on its "MTUS Drug Formulary" page, with title
and legend rows above a header row. Columns are found by their headers, case- and space-insensitively
(footnote asterisks ignored): drug ingredient, exempt / non-exempt, reference in guidelines, special fill,
perioperative fill. A column that cannot be found is named, and nothing is written. The effective date is
read from the title rows ("EFFECTIVE DATE: October 1, 2018") unless given with ``--effective``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from checker.core.errors import InputError, Problem
from checker.core.extras import require_extra

# Each column: the headers it is published under (normalised: lower case, no spaces, no asterisks).
COLUMNS: dict[str, tuple[str, ...]] = {
    "drug ingredient": ("drugingredient", "drugingredients", "drugingredient(s)", "activeingredient"),
    "exempt / non-exempt": ("exempt/non-exempt", "exempt/nonexempt", "exemptstatus", "exempt/non-exemptstatus"),
    "reference in guidelines": ("referenceinguidelines", "referenceinacoemguidelines", "referenceinmtusguidelines",
                                "referenceinguideline"),
    "special fill": ("specialfill",),
    "perioperative fill": ("perioperativefill",),
}
_HEADER_SCAN = 40  # title and legend rows above the header row
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"


def normalise(header: object) -> str:
    """"Exempt / Non-Exempt*" -> "exempt/non-exempt"."""
    return re.sub(r"[\s*]+", "", str(header or "")).lower()


@dataclass
class Table:
    """A sheet or CSV file as rows of cell texts, with the file it came from."""

    file: str
    rows: list[list[str]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path) -> list[Table]:
    """The sheets of an .xlsx workbook, or the one table of a .csv file."""
    name = str(path)
    if not path.is_file():
        raise InputError(Problem(name, "no such file" if not path.exists() else "is a folder, not a file"))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                return [Table(name, [[_text(c) for c in row] for row in csv.reader(f)])]
        except UnicodeDecodeError as exc:
            raise InputError(Problem(name, f"not UTF-8 text (byte {exc.start})",
                                     hint="save the list as CSV UTF-8, or import the .xlsx")) from None
        except csv.Error as exc:
            raise InputError(Problem(name, f"not a readable CSV file: {exc}")) from None
    if suffix in (".xlsx", ".xlsm"):
        openpyxl = require_extra("openpyxl", name, "formulary", hint="or save the list as CSV")
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
            raise InputError(Problem(name, f"not a readable .xlsx workbook ({type(exc).__name__})")) from None
        try:
            return [Table(f"{name} [{sheet.title}]",
                          [[_text(c) for c in row] for row in sheet.iter_rows(values_only=True)])
                    for sheet in book.worksheets]
        finally:
            book.close()
    raise InputError(Problem(name, f"unknown list format '{path.suffix}'", hint="the DWC's .xlsx, or a .csv of it"))


def _header(table: Table) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and the column of each name it has, where at least two names match."""
    best: tuple[int, dict[str, int]] | None = None
    for i, row in enumerate(table.rows[:_HEADER_SCAN]):
        found = {}
        for col, cell in enumerate(row):
            key = normalise(cell)
            for name, headers in COLUMNS.items():
                if key in headers and name not in found:
                    found[name] = col
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (i, found)
    return best


def effective_date(rows: list[list[str]]) -> date | None:
    """"EFFECTIVE DATE: October 1, 2018", "Effective 10/01/2018" or "effective 2018-10-01" in the title rows."""
    for row in rows:
        text = " ".join(c for c in row if c)
        m = re.search(r"effective(?:\s+date)?\s*:?\s*(?:(" + _MONTHS + r")\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})/(\d{1,2})/"
                      r"(\d{4})|(\d{4})-(\d{2})-(\d{2}))", text, re.I)
        if not m:
            continue
        try:
            if m.group(1):
                return datetime.strptime(f"{m.group(1)} {m.group(2)} {m.group(3)}", "%B %d %Y").date()
            if m.group(4):
                return date(int(m.group(6)), int(m.group(4)), int(m.group(5)))
            return date(int(m.group(7)), int(m.group(8)), int(m.group(9)))
        except ValueError:
            continue
    return None


def _version(rows: list[list[str]]) -> str | None:
    for row in rows:
        m = re.search(r"MTUS Drug List\s*(v\.?\s*\d+(?:\.\d+)*)", " ".join(row), re.I)
        if m:
            return m.group(1).replace(" ", "")
    return None


def _status(cell: str) -> str | None:
    key = re.sub(r"[^a-z]", "", cell.lower())
    return {"exempt": "exempt", "nonexempt": "non_exempt"}.get(key)


def _fill(cell: str) -> dict[str, int | None] | None:
    """"4-day supply", "Special Fill (4 days)", "Yes" -> {days: 4 / None}; "", "No", "N/A" -> None."""
    key = cell.strip().lower()
    if key in ("", "no", "n", "n/a", "na", "none", "-", "–", "not applicable"):
        return None
    m = re.search(r"(\d+)\s*-?\s*days?", key)
    return {"days": int(m.group(1)) if m else None}


def import_drug_list(path: Path, effective: date | None = None) -> tuple[str, int]:
    """The formulary file's YAML text for a published MTUS Drug List, and how many drugs it lists."""
    tables = read_table(path)
    found = [(t, h) for t in tables if (h := _header(t)) is not None]
    if not found:
        raise InputError(Problem(str(path), "no header row naming the MTUS Drug List's columns in the first "
                                 f"{_HEADER_SCAN} rows", hint="expected columns: " + ", ".join(COLUMNS),
                                 code="drug-list-column"))
    table, (row_index, columns) = max(found, key=lambda f: len(f[1][1]))
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        headers = ", ".join(repr(c) for c in table.rows[row_index] if c)
        raise InputError(Problem(table.file, f"no column '{missing[0]}'" + "".join(f", no column '{m}'"
                                                                                   for m in missing[1:]), row_index + 1,
                                 hint=f"the header row has: {headers}", code="drug-list-column"))
    title_rows = table.rows[:row_index]
    when = effective or effective_date(title_rows)
    if when is None:
        raise InputError(Problem(str(path), "no effective date found above the header row",
                                 hint="give it: --effective YYYY-MM-DD (the date on the DWC's order for this list)",
                                 code="drug-list-column"))
    synthetic = any("synthetic" in c.lower() for row in title_rows for c in row) or "synthetic" in path.name.lower()
    drugs, problems = [], []
    for n, row in enumerate(table.rows[row_index + 1:], start=row_index + 2):
        cells = {name: (row[col] if col < len(row) else "") for name, col in columns.items()}
        if not any(cells.values()):
            continue
        if not cells["drug ingredient"]:
            problems.append(Problem(table.file, "a row without a drug ingredient", n, code="drug-list-row"))
            continue
        status = _status(cells["exempt / non-exempt"])
        if status is None:
            problems.append(Problem(table.file, f"'{cells['exempt / non-exempt']}' is not Exempt or Non-Exempt "
                                    f"({cells['drug ingredient']})", n, code="drug-list-row"))
            continue
        entry: dict[str, Any] = {"ingredient": cells["drug ingredient"], "status": status}
        for key, name in (("special_fill", "special fill"), ("perioperative_fill", "perioperative fill")):
            fill = _fill(cells[name])
            if fill is not None:
                entry[key] = fill
        if cells["reference in guidelines"]:
            entry["reference"] = cells["reference in guidelines"]
        drugs.append(entry)
    if problems:
        raise InputError(problems[0], problems[1:])
    if not drugs:
        raise InputError(Problem(table.file, "the list has a header row but no drugs", row_index + 1,
                                 code="drug-list-row"))
    head: dict[str, Any] = {"list": "MTUS Drug List (8 CCR 9792.27.15)", "version": _version(title_rows),
                            "effective": when.isoformat(), "source": path.name}
    if synthetic:
        head["synthetic"] = True
    text = (f"# MTUS Drug List imported by `mtus formulary import` from {path.name}: data, not code.\n"
            "# Re-import a new version of the list into its own file; each version applies from its effective date.\n"
            + yaml.safe_dump({"formulary": head, "drugs": drugs}, sort_keys=False, allow_unicode=True, width=120))
    return text, len(drugs)
