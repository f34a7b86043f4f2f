"""Dotted fact paths (``pain.with_medication``) into nested case data."""

from __future__ import annotations

from typing import Any


def get_dotted(data: dict[str, Any], path: str) -> Any:
    """The value at ``path`` in nested mappings, or None where any step is missing or not a mapping."""
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node
