"""The fast schema check never accepts what the full validator rejects, and accepts the real case files."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import ROOT

from checker.core.schema_errors import fast_check, validator
from checker.core.yamlpos import load

CASE_FILES = sorted((ROOT / "cases").glob("**/*.yaml"))
_OTHER_VALUES = [None, True, False, 0, -3, 2.5, 1e9, "", "x", "2016-13-45", "2016-02-03", [], [1], {}, {"x": 1}]


def _documents() -> list[dict]:
    docs = []
    for path in CASE_FILES:
        data, _ = load(path)
        if isinstance(data, dict) and "cases" in data and "case_id" not in data:
            docs += [c for c in data["cases"] if isinstance(c, dict)]
        elif isinstance(data, dict) and "requests" in data:
            docs.append(data)
    return docs


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _paths(sub, (*prefix, i))
    return out


def _replace(doc: dict, path: tuple, new: object) -> dict:
    out = copy.deepcopy(doc)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return out


def test_the_schema_compiles_and_accepts_every_valid_case_file() -> None:
    check = fast_check("case")
    assert check is not None, "schemas/case.schema.json uses a keyword the fast check does not know"
    docs = _documents()
    assert len(docs) >= 20
    for doc in docs:
        assert not list(validator("case").iter_errors(doc))
        assert check(doc), json.dumps(doc)[:200]


@pytest.mark.parametrize("index", range(6))
def test_it_never_accepts_a_document_the_full_validator_rejects(index: int) -> None:
    """Every value of a real case replaced by values of other types, and unknown keys added at every level."""
    check, full = fast_check("case"), validator("case")
    doc = _documents()[index * 3]
    tried = rejected = accepted = 0
    for path in _paths(doc)[1:]:
        for new in _OTHER_VALUES:
            mutated = _replace(doc, path, new)
            errors = list(full.iter_errors(mutated))
            tried += 1
            if errors:
                rejected += 1
                assert not check(mutated), f"{'.'.join(map(str, path))} = {new!r} accepted: {errors[0].message}"
            else:
                accepted += check(mutated)
    for path in [p for p in _paths(doc) if not p or isinstance(_at(doc, p), dict)]:
        mutated = copy.deepcopy(doc)
        _at(mutated, path)["no_such_fact"] = 1
        if list(full.iter_errors(mutated)):
            assert not check(mutated)
    assert rejected > 10 and tried > rejected
    assert accepted == tried - rejected, "a valid variant was sent to the slow path (allowed, but not expected here)"


def _at(doc: object, path: tuple) -> object:
    for key in path:
        doc = doc[key]  # type: ignore[index]
    return doc

