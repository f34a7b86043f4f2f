"""Where the data the checker ships with lives: the rule library (with the drug catalog) and the schemas.

A wheel carries them inside the package (``checker/_data/rules``, ``checker/_data/schemas``: the build copies
the top-level ``rules/`` and ``schemas/`` folders there, see ``setup.py``); a source checkout or an editable
install reads the top-level folders themselves.  Both are found with ``importlib.resources``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """The shipped folder ``name`` (``rules`` or ``schemas``) as a real path."""
    package = Path(str(files("checker")))
    bundled = package / "_data" / name
    if bundled.is_dir():
        return bundled
    return package.parent / name


def rules_dir() -> Path:
    """The bundled rule library (also holds the drug catalog, ``drugs.yaml``)."""
    return data_dir("rules")


def schemas_dir() -> Path:
    """The bundled JSON Schemas (case, rule, result)."""
    return data_dir("schemas")
