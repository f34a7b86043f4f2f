"""Load YAML (or JSON) keeping the line and column of every value.

Dates stay ISO strings (no implicit timestamp conversion) so that files validate against JSON
Schema exactly as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from checker.core.errors import InputError, Problem

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


def _construct(node: yaml.Node, loader: _Loader, path: Path_, pos: Positions) -> Any:
    pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (dict, list)):
                raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a scalar",
                                                        key_node.start_mark)
            key = str(key) if not isinstance(key, str) else key
            pos[("__key__", *path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _construct(value_node, loader, (*path, key), pos)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, loader, (*path, i), pos) for i, child in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def loads(text: str, filename: str = "<string>") -> tuple[Any, Positions]:
    """Parse YAML (JSON is YAML) text into plain data and the positions of its values."""
    try:
        return _loads(text, filename, _FastLoader)
    except InputError:
        if _FastLoader is _Loader:
            raise
        return _loads(text, filename, _Loader)  # raises again, with PyYAML's message


def _loads(text: str, filename: str, loader_class: type[_Loader]) -> tuple[Any, Positions]:
    pos = Positions()
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = None if node is None else _construct(node, loader, (), pos)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(Problem(filename, f"invalid YAML: {message}",
                                 mark.line + 1 if mark else None,
                                 mark.column + 1 if mark else None)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(filename, f"invalid YAML: {exc}")) from None
    return data, pos


def load(path: str | Path) -> tuple[Any, Positions]:
    """Read and parse a YAML or JSON file; a missing or unreadable file is an InputError."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(name, "no such file")) from None
    except IsADirectoryError:
        raise InputError(Problem(name, "is a folder, not a file")) from None
    except UnicodeDecodeError as exc:
        raise InputError(Problem(name, f"not UTF-8 text (byte {exc.start})")) from None
    except OSError as exc:
        raise InputError(Problem(name, f"cannot read: {exc.strerror}")) from None
    return loads(text, name)
