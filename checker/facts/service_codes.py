"""CPT and HCPCS codes of requested services, as words the service catalog reads (``rules/service-codes.yaml``).

An EHR order that names its service by a code alone is read through this table; a code not in it is not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from checker.core import yamlpos
from checker.core.errors import InputError, Problem
from checker.core.resources import rules_dir

__all__ = ["ServiceCode", "ServiceCodes", "load_service_codes", "default_service_codes"]

DEFAULT_PATH = rules_dir() / "service-codes.yaml"
_CODE = re.compile(r"[0-9]{4}[0-9A-Z]|[A-V][0-9]{4}")


@dataclass(frozen=True)
class ServiceCode:
    """One code: its system (cpt or hcpcs), the words it reads as, and the service type and body parts expected."""

    code: str
    system: str
    words: str
    service: str
    body_parts: tuple[str, ...]


@dataclass(frozen=True)
class ServiceCodes:
    """The code table, and the coding systems (FHIR system URIs) of CPT and HCPCS."""

    codes: dict[str, ServiceCode]
    systems: dict[str, str]  # system URI -> cpt | hcpcs

    def words(self, system: str | None, code: str | None) -> str | None:
        """The request words of a coding, with its code ("MRI of the lumbar spine without contrast (CPT 72148)");
        None for a system or code not in the table."""
        kind = self.systems.get(system or "")
        entry = self.codes.get((code or "").strip().upper()) if kind else None
        if entry is None or entry.system != kind:
            return None
        return f"{entry.words} ({kind.upper()} {entry.code})"


def _build(data: Any, file: str) -> ServiceCodes:
    if not (isinstance(data, dict) and isinstance(data.get("codes"), dict) and isinstance(data.get("systems"), dict)):
        raise InputError(Problem(file, "the service code table needs 'systems' and 'codes'", 1, 1))
    systems = {str(uri): kind for kind, uris in data["systems"].items() for uri in uris or []}
    codes = {}
    for code, entry in data["codes"].items():
        code = str(code)
        if not (_CODE.fullmatch(code) and isinstance(entry, dict) and entry.get("words") and entry.get("service")):
            raise InputError(Problem(file, f"code {code!r}: needs a CPT or HCPCS code with 'words' and 'service'",
                                     1, 1))
        system = "cpt" if code[0].isdigit() else "hcpcs"
        codes[code] = ServiceCode(code, system, str(entry["words"]), str(entry["service"]),
                                  tuple(entry.get("body_parts") or ()))
    return ServiceCodes(codes, systems)


def load_service_codes(path: str | Path | None = None) -> ServiceCodes:
    """Load the code table (default ``rules/service-codes.yaml``); InputError naming the file if broken."""
    file = Path(path) if path is not None else DEFAULT_PATH
    data, _ = yamlpos.load(file, what="service code table")  # a missing or unreadable file is an InputError there
    return _build(data, str(file))


@lru_cache(maxsize=1)
def default_service_codes() -> ServiceCodes:
    """The bundled code table (loaded once)."""
    return load_service_codes()
