"""Read JSON text with the json module exactly as the YAML loader reads it (about thirty times faster).

JSON is YAML, but libyaml reads a few JSON texts differently or not at all: a number with an exponent and no
point or no sign (``1e5`` and ``1.5e3`` are strings in YAML 1.1), ``\\u`` escapes of surrogates, characters
YAML does not print or reads as line breaks (DEL, C1 controls, U+2028), a key whose ``:`` comes on a later
line or far after it, a tab before the document, duplicate keys, numbers that are not finite, and the
loader's depth and size limits (:mod:`checker.core.limits`). :func:`loads_json` reads a text only when none
of these can occur; otherwise it returns :data:`DECLINED` and the caller parses the text as YAML.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from checker.core import limits

#: What :func:`loads_json` returns for a text it leaves to the YAML loader.
DECLINED: Any = object()


class _Declined(Exception):
    pass


# A JSON number YAML 1.1 also reads as a float: a point, and an exponent only with its sign.
_YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_COLON_ON_A_LATER_LINE = re.compile(r"[\r\n][ \t\r\n]*:")
_BLANKS_BEFORE_COLON = re.compile(r"[ \t]{100,}:")
# Characters libyaml refuses (outside YAML's printable set) or reads as line breaks (NEL, LS, PS), and BOM.
_NOT_PLAIN = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# libyaml reads a key as a key only when its ':' comes at most 1,024 characters after its start. In a shorter
# text that always holds; in a longer one, keys are held to 100 characters (602 written as \u escapes) and the
# blanks before a ':' to fewer than 100.
_SHORT_TEXT = 1024
_LONGEST_KEY = 100


def _float(literal: str) -> float:
    if _YAML_FLOAT.fullmatch(literal) is None:
        raise _Declined
    value = float(literal)
    if not math.isfinite(value):
        raise _Declined
    return value


def _constant(_name: str) -> Any:
    raise _Declined  # NaN, Infinity


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Declined  # a duplicate key, which the YAML loader refuses
    return out


def _mapping_short_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = _mapping(pairs)
    for key in out:
        if len(key) > _LONGEST_KEY:
            raise _Declined
    return out


_SHORT = json.JSONDecoder(object_pairs_hook=_mapping, parse_float=_float, parse_constant=_constant)
_LONG = json.JSONDecoder(object_pairs_hook=_mapping_short_keys, parse_float=_float, parse_constant=_constant)


def _differs(text: str) -> bool:
    """Whether libyaml might read the text otherwise than json (substring tests first: they are far cheaper)."""
    if text.lstrip(" \r\n")[:1] not in ("{", "["):  # a tab before the document; not a JSON collection
        return True
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        return True
    if ("\n" in text or "\r" in text) and _COLON_ON_A_LATER_LINE.search(text):
        return True
    if len(text) > _SHORT_TEXT and (" " * 100 in text or "\t" in text) and _BLANKS_BEFORE_COLON.search(text):
        return True
    return ("\x7f" in text) if text.isascii() else (_NOT_PLAIN.search(text) is not None)


def _depth_and_size(value: Any, depth: int, limit: int) -> int:
    """Values under ``value`` (itself, keys and values), as the YAML loader counts them; _Declined past ``limit``
    levels of collections."""
    if value.__class__ is dict:
        if depth > limit:
            raise _Declined
        return 1 + sum(1 + _depth_and_size(v, depth + 1, limit) for v in value.values())
    if value.__class__ is list:
        if depth > limit:
            raise _Declined
        return 1 + sum(_depth_and_size(v, depth + 1, limit) for v in value)
    return 1


def loads_json(text: str) -> Any:
    """The data the YAML loader would read from ``text``, or :data:`DECLINED` when it might read it otherwise
    (or not at all): then parse the text as YAML."""
    if _differs(text):
        return DECLINED
    try:
        data = (_SHORT if len(text) <= _SHORT_TEXT else _LONG).decode(text)
    except (_Declined, ValueError, RecursionError):
        return DECLINED
    depth, size = limits.YAML_DEPTH.value, limits.YAML_NODES.value
    if text.count("{") + text.count("[") > depth or len(text) > size:
        try:
            if _depth_and_size(data, 1, depth) > size:
                return DECLINED
        except (_Declined, RecursionError):
            return DECLINED
    return data
