"""A case carried in a URL or a hidden form field (the web check stores nothing): zlib + base64url of its JSON."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

__all__ = ["encode_case", "decode_case"]


def encode_case(data: dict[str, Any], keep_evidence: bool = False) -> str:
    """A case as a URL-safe token; without its evidence unless ``keep_evidence``."""
    slim = data if keep_evidence else {k: v for k, v in data.items() if k != "evidence"}
    raw = json.dumps(slim, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def decode_case(token: str) -> dict[str, Any] | None:
    """The case of :func:`encode_case`, or None when the token is not one."""
    try:
        raw = zlib.decompressobj().decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), 1 << 22)
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
