"""An on-disk cache of parsed, schema-checked rule files, so ``mtus check`` does not re-parse the library.

An entry holds a rule file's data and positions, written only once the file has passed the rule
schema.  Its key is a SHA-256 of the file's bytes and of everything that could change the result:
the Python version (marshal format), the checker's and PyYAML's versions and the bytes of the parsing
and validating code and of the rule schema (not jsonschema's version: the schema is plain draft
2020-12).  So a hit returns exactly what parsing would, and any change misses.  Entries live in
``$XDG_CACHE_HOME/mtus-checker`` (default ``~/.cache/mtus-checker``); set ``MTUS_CACHE=0`` to turn
the cache off.  A missing, unreadable or corrupt entry is a miss, and a cache directory that cannot
be written is silently skipped: the cache never changes a result.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from checker import __version__
from checker.core.resources import schemas_dir

_PACKAGE = Path(__file__).resolve().parent.parent
# The files whose bytes decide what parsing and checking a rule file gives.
_CODE = ("rules/cache.py", "core/yamlpos.py", "core/schema_errors.py", "rules/errors.py")
_FORMAT = 1


def cache_dir() -> Path:
    """Where entries are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mtus-checker"


def enabled() -> bool:
    """False when ``MTUS_CACHE=0`` (or ``off``/``false``)."""
    return os.environ.get("MTUS_CACHE", "1").lower() not in ("0", "off", "false", "no")


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    import yaml  # already loaded by the rules and the drug catalog: its version costs nothing

    versions = f"{_FORMAT}\0{__version__}\0{sys.version_info[:2]}\0{yaml.__version__}\0{yaml.__with_libyaml__}"
    digest = hashlib.sha256(versions.encode())
    for name in _CODE:
        try:
            digest.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    digest.update((schemas_dir() / "rule.schema.json").read_bytes())
    return digest.digest()


def _entry(kind: str, content: bytes) -> Path:
    key = hashlib.sha256(_code_digest() + kind.encode() + b"\0" + content).hexdigest()
    return cache_dir() / kind / f"{key}.marshal"


def get(kind: str, content: bytes) -> Any | None:
    """The value stored for ``content`` under ``kind``, or None (a miss, whatever the reason)."""
    if not enabled():
        return None
    try:
        return marshal.loads(_entry(kind, content).read_bytes())
    except Exception:  # missing, unreadable, truncated or corrupt: recompute
        return None


def put(kind: str, content: bytes, value: Any) -> None:
    """Store ``value`` (plain data: dict, list, tuple, str, numbers...) for ``content``; errors are ignored."""
    if not enabled():
        return
    try:
        path = _entry(kind, content)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(value))
            os.replace(tmp, path)  # atomic: readers see the old entry or the whole new one
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass


def checked_rule_file(path: Path) -> tuple[bytes | None, tuple[Any, Any] | None]:
    """A rule file's bytes, and its (data, positions) if stored after it last passed the rule schema."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a named pipe would block: let the loader refuse it
            return None, None
        content = path.read_bytes()
    except OSError:
        return None, None
    found = get("rules", content)
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], dict)):
        return content, None
    from checker.core.yamlpos import Positions

    return content, (found[0], Positions(found[1]))


def store_checked_rule_file(path: Path, content: bytes | None, data: Any, positions: dict) -> None:
    """Remember a rule file that passed the rule schema, unless it changed since ``content`` was read."""
    try:
        if content is None or path.read_bytes() != content:
            return
    except OSError:
        return
    put("rules", content, (data, dict(positions)))
