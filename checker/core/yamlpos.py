"""Load YAML (or JSON) keeping the line and column of every value.

Dates stay ISO strings (no implicit timestamp conversion) so that files validate against JSON
Schema exactly as written.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from checker.core import limits
from checker.core.errors import InputError, Problem
from checker.core.files import read_bytes
from checker.core.json_as_yaml import DECLINED, loads_json

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates load as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):  # type: ignore[misc]
    """The same loader on libyaml's parser (about ten times faster) when PyYAML was built with it.

    Its nodes carry the same marks; its error messages differ, so a file it rejects is parsed again
    with ``_Loader`` to report the error in the usual words.
    """


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


class Positions(dict):
    """Maps a path of keys and indexes to the (line, column) of that value, both 1-based."""

    def find(self, path: Path_) -> tuple[int, int] | None:
        """Position of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self and path:
            path = path[:-1]
        return self.get(path)

    def key(self, path: Path_) -> tuple[int, int] | None:
        """Position of the key of ``path`` (its last element) where it is a mapping key."""
        return self.get(("__key__", *path)) or self.find(path)


_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(yaml.MarkedYAMLError):
    """A value the loader refuses, with the problem code to report."""

    def __init__(self, message: str, mark: Any, code: str):
        super().__init__(None, None, message, mark)
        self.code = code


def _error(message: str, mark: Any, code: str = "yaml-bad-value") -> yaml.MarkedYAMLError:
    return _Refused(message, mark, code)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def check_nodes(root: yaml.Node) -> None:
    """Refuse what would blow up construction or silently lose data, before anything is built: an alias that
    contains itself, more values than the node limit once aliases are expanded (an alias bomb of 300 bytes
    expands to millions), nesting deeper than the depth limit, duplicate keys (the last would silently win),
    lone surrogates (``"\\ud800"``: not text, no output can print it) and ``.nan``/``.inf``.

    Each distinct node is visited once (aliases share theirs), so the check is linear in the file."""
    max_depth, max_nodes = limits.YAML_DEPTH.value, limits.YAML_NODES.value
    if isinstance(root, yaml.ScalarNode):
        _check_node(root)
        return
    size: dict[int, int] = {}  # values under a collection once expanded, itself included (a scalar is 1)
    height: dict[int, int] = {}
    open_nodes: set[int] = set()  # the collection being checked and those above it
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            size[key] = 1 + sum(size.get(id(c), 1) for c in children)
            height[key] = 1 + max((height.get(id(c), 1) for c in children), default=0)
            open_nodes.discard(key)
            if size[key] > max_nodes:
                raise _LimitError(limits.YAML_NODES, f"holds more than {max_nodes:,} values once its aliases are "
                                  "expanded", node.start_mark)
            continue
        if key in size:  # an alias of a collection already checked
            if depth + height[key] - 1 > max_depth:
                raise _LimitError(limits.YAML_DEPTH, f"nested more than {max_depth} levels deep", node.start_mark)
            continue
        if key in open_nodes:
            raise _error("an alias refers to a value that contains it (an endless value)", node.start_mark,
                         "yaml-alias-cycle")
        if depth > max_depth:
            raise _LimitError(limits.YAML_DEPTH, f"nested more than {max_depth} levels deep", node.start_mark)
        _check_node(node)
        open_nodes.add(key)
        stack.append((node, depth, True))
        for child in reversed(children):
            if isinstance(child, yaml.ScalarNode):
                _check_node(child)
            else:
                stack.append((child, depth + 1, False))


def _check_node(node: yaml.Node) -> None:
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                first = keys.setdefault(key_node.value, key_node)
                if first is not key_node:
                    raise _error(f"duplicate key '{key_node.value}' (first at line {first.start_mark.line + 1}); "
                                 "only one can hold", key_node.start_mark, "yaml-duplicate-key")
    elif isinstance(node, yaml.ScalarNode):
        if _SURROGATE.search(node.value):
            raise _error("invalid character (a lone UTF-16 surrogate such as \\ud800)", node.start_mark)
        if node.tag == _FLOAT and not _finite(node.value):
            raise _error(f"'{node.value}' is not a usable number (not finite)", node.start_mark)


_FLOAT = "tag:yaml.org,2002:float"


def _finite(text: str) -> bool:
    """Whether a YAML float is a finite number (.nan, .inf and 1e999 are not; forms float() cannot read pass)."""
    try:
        return math.isfinite(float(text.replace("_", "")))
    except ValueError:
        return not text.lower().lstrip("+-").startswith((".nan", ".inf"))


class _LimitError(yaml.MarkedYAMLError):
    """A YAML document past one of the limits in :mod:`checker.core.limits`."""

    def __init__(self, limit: limits.Limit, what: str, mark: Any):
        super().__init__(None, None, what, mark)
        self.limit = limit


def _scalar(node: yaml.Node, loader: _Loader) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        raise
    except Exception as exc:  # noqa: BLE001 - `!!int "x"`, `!!timestamp "x"`, an integer of 5,000 digits...
        shown = node.value if len(node.value) <= 20 else f"{node.value[:12]}... ({len(node.value):,} characters)"
        reason = f" ({str(exc).split(';')[0].split(':')[0]})" if isinstance(exc, ValueError) else ""
        raise _error(f"cannot read '{shown}' as {node.tag.rsplit(':', 1)[-1]}{reason}", node.start_mark) from None


def _construct(node: yaml.Node, loader: _Loader, path: Path_, pos: Positions) -> Any:
    pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key_node, yaml.ScalarNode) or isinstance(key, (dict, list)):
                raise _error("a mapping key must be a scalar", key_node.start_mark, "yaml-syntax")
            key = str(key) if not isinstance(key, str) else key
            pos[("__key__", *path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _construct(value_node, loader, (*path, key), pos)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, loader, (*path, i), pos) for i, child in enumerate(node.value)]
    return _scalar(node, loader)


class _SyntaxError(InputError):
    """A file the parser itself rejected (the only kind worth parsing again for PyYAML's wording)."""


def loads(text: str, filename: str = "<string>") -> tuple[Any, Positions]:
    """Parse YAML (JSON is YAML) text into plain data and the positions of its values."""
    try:
        return _loads(text, filename, _FastLoader)
    except _SyntaxError as fast:
        if _FastLoader is _Loader:
            raise InputError(fast.problem) from None
        try:
            _loads(text, filename, _Loader)  # raises again, with PyYAML's message
        except InputError as exc:
            raise InputError(exc.problem) from None
        except RecursionError:  # nesting too deep for the pure-Python parser: keep libyaml's words
            pass
        raise InputError(fast.problem) from None


def loads_plain(text: str, filename: str = "<string>") -> Any:
    """Parse like :func:`loads`, without positions (faster); the same checks, errors without wording care.

    JSON text is read by the json module where that reads it the same (:mod:`checker.core.json_as_yaml`)."""
    data = loads_json(text)
    if data is not DECLINED:
        return data
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_nodes(node)
        return loader.construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise InputError(Problem(filename, f"invalid YAML: {exc}")) from None
    finally:
        loader.dispose()


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _loads(text: str, filename: str, loader_class: type[_Loader]) -> tuple[Any, Positions]:
    pos = Positions()
    parsed = False
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            parsed = True
            if node is not None:
                check_nodes(node)
            data = None if node is None else _construct(node, loader, (), pos)
        finally:
            loader.dispose()
    except _LimitError as exc:
        mark = exc.problem_mark
        raise exc.limit.exceeded(filename, f"YAML {exc.problem}", mark.line + 1, mark.column + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "invalid YAML").strip()
        error = _SyntaxError if not parsed else InputError
        raise error(Problem(filename, f"invalid YAML: {message}",
                            mark.line + 1 if mark else None,
                            mark.column + 1 if mark else None,
                            code=getattr(exc, "code", "yaml-syntax"))) from None
    except yaml.reader.ReaderError as exc:  # a control character: where it is, not "position N"
        line, column = _position(text, exc.position) if loader_class is _Loader else (None, None)
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise _SyntaxError(Problem(filename, f"invalid YAML: control character {what} is not allowed",
                                   line, column, code="yaml-syntax")) from None
    except yaml.YAMLError as exc:
        raise _SyntaxError(Problem(filename, f"invalid YAML: {exc}", code="yaml-syntax")) from None
    return data, pos


def read_text(path: str | Path, limit: limits.Limit, what: str = "file") -> str:
    """A regular file's UTF-8 text, at most ``limit`` bytes (see :func:`checker.core.files.read_bytes`)."""
    data = read_bytes(path, limit, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(path), f"not UTF-8 text (byte {exc.start})")) from None


def load(path: str | Path, limit: limits.Limit = limits.CASE_FILE_BYTES, what: str = "case file",
         ) -> tuple[Any, Positions]:
    """Read and parse a YAML or JSON file; a missing, unreadable or oversized file is an InputError."""
    return loads(read_text(path, limit, what), str(path))
