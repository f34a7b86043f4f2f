"""Optional dependencies (pip extras): imported when a command needs them, one clear line when they are missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from checker.core.errors import InputError, Problem


def require_extra(module: str, where: str, extra: str, hint: str | None = None) -> ModuleType:
    """Import ``module`` (e.g. ``pyarrow.parquet``), or raise a ``missing-extra`` problem at ``where`` naming the
    extra that installs it (``pip install 'mtus-checker[EXTRA]'``)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        name = module.split(".")[0]
        raise InputError(Problem(where, f"{name} is not installed: pip install 'mtus-checker[{extra}]'", hint=hint,
                                 code="missing-extra")) from None
