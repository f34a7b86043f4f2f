"""Ingest a batch of letters: one case per letter, rendered as YAML or JSON, to stdout or a folder.

A letter that cannot be read (no text layer, encrypted, truncated, not an IMR letter) is reported as
one problem naming the file; the other letters are still ingested.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker.core.errors import InputError, Problem
from checker.core.output import write_atomic
from checker.ingest.case import letter_case

__all__ = ["IngestResult", "ingest_letters", "render_cases"]


@dataclass
class IngestResult:
    """What a batch produced: the cases, the text for stdout (when no folder), and the problems."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Dumper(yaml.SafeDumper):
    """Block-style YAML that keeps key order, wraps nothing and writes no anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _yaml(case: dict[str, Any]) -> str:
    return yaml.dump(case, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)


def render_cases(cases: list[dict[str, Any]], fmt: str) -> str:
    """``{"cases": [...]}`` as JSON, or a YAML stream with one document per case."""
    if fmt == "json":
        return json.dumps({"cases": cases}, indent=2, ensure_ascii=False) + "\n"
    return "".join("---\n" + _yaml(case) for case in cases)


def _file_name(case_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in case_id) or "case"


def ingest_letters(letters: list[Path], fmt: str = "yaml", out_dir: Path | None = None,
                   force: bool = False) -> IngestResult:
    """Ingest every letter; problems are collected, never raised."""
    result = IngestResult()
    written: dict[Path, Path] = {}  # output file -> the letter written there in this batch
    for path in letters:
        try:
            case = letter_case(path).data
        except InputError as exc:
            result.problems.extend(exc.problems[:1])
            continue
        except Exception as exc:  # a letter that breaks an extractor must not stop the batch
            result.problems.append(Problem(str(path), f"could not ingest the letter: {type(exc).__name__}: {exc}"))
            continue
        result.cases.append(case)
        if out_dir is not None:
            target = out_dir / f"{_file_name(case['case_id'])}.{fmt}"
            if target in written:  # --force replaces older files, never a case of this same batch
                result.problems.append(Problem(str(path), f"same case number '{case['case_id']}' as "
                                               f"{written[target]}: {target} not written over",
                                               hint="ingest letters of one case into separate folders",
                                               code="output-collision"))
                continue
            text = json.dumps(case, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else _yaml(case)
            try:
                write_atomic(target, text, inputs=letters, force=force)
            except InputError as exc:
                result.problems.extend(exc.problems[:1])
                continue
            result.written.append(target)
            written[target] = path
    if out_dir is None:
        result.stdout = render_cases(result.cases, fmt) if result.cases else ""
    return result
