"""YAML syntax errors in words: which line is out of line with which, instead of PyYAML's parser states.

``expected <block end>, but found '<block mapping start>'`` tells a clinician nothing; "line 4 is indented
2 spaces, but the lines it could belong to are indented 4 (line 3) and 0 (line 2)" does.  Applied to a
:class:`~checker.core.errors.Problem` that :mod:`checker.core.yamlpos` raised, with the file's text.
"""

from __future__ import annotations

import re

from checker.core.errors import Problem

_PREFIX = "invalid YAML: "
_BLOCK = re.compile(r"expected <block end>, but found '(?:<block mapping start>|<block sequence start>|\?|-)'")
_KEY_WITH_VALUE = re.compile(r"^\s*(?:- )?[^\s:#][^:#]*:\s+[^\s#]")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _significant(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _spaces(n: int) -> str:
    return f"{n} space{'s' if n != 1 else ''}"


def _enclosing(lines: list[str], row: int) -> list[tuple[int, int, str]]:
    """The lines above ``row`` (0-based) that open the blocks around it: (line number, indent, text),
    nearest first, each indented less than the one before."""
    out: list[tuple[int, int, str]] = []
    limit = None
    for i in range(row - 1, -1, -1):
        if not _significant(lines[i]):
            continue
        indent = _indent(lines[i])
        if limit is None or indent < limit:
            out.append((i + 1, indent, lines[i].strip()))
            limit = indent
            if indent == 0:
                break
    return out


def in_words(problem: Problem, text: str | None) -> Problem:
    """The problem with an indentation error explained in words (and its code); other problems unchanged
    but for the ``yaml-syntax`` code."""
    if not problem.message.startswith(_PREFIX):
        return problem
    if problem.code == "bad-input":
        problem.code = "yaml-syntax"
    detail = problem.message[len(_PREFIX):]
    lines = text.splitlines() if text is not None else []
    row = (problem.line or 0) - 1
    if not 0 <= row < len(lines):
        return problem
    line = lines[row]
    if "'\\t'" in detail and "\t" in line[:_indent(line) + 1]:
        problem.message = f"{_PREFIX}line {row + 1} is indented with a tab; YAML indents with spaces only"
        problem.hint, problem.code, problem.column = "replace the tab with spaces", "yaml-indent", 1
        return problem
    indent = _indent(line)
    above = _enclosing(lines, row)
    mapping_values = detail.startswith("mapping values are not allowed here")
    if (mapping_values or _BLOCK.fullmatch(detail)) and above and indent > above[0][1] \
            and _KEY_WITH_VALUE.match(lines[above[0][0] - 1]):
        number, parent_indent, parent = above[0]
        problem.message = (f"{_PREFIX}line {row + 1} is indented more than line {number} ('{parent}'), "
                           "which already has its value")
        problem.hint = (f"indent it {_spaces(parent_indent)} like line {number}, or write line {number} "
                        "as a key ending in ':' with this under it")
        problem.code, problem.column = "yaml-indent", indent + 1
        return problem
    if mapping_values:
        problem.message = f"{_PREFIX}line {row + 1} has a second ': ' inside a value"
        problem.hint = "put the value in quotes"
        return problem
    if _BLOCK.fullmatch(detail) and above:
        same = next((a for a in above if a[1] == indent), None)
        if same is not None and same[2].startswith("- ") and not line.lstrip().startswith("- "):
            number = same[0]
            problem.message = (f"{_PREFIX}line {row + 1} is indented {_spaces(indent)} like the list item on "
                               f"line {number}, but it is not a list item")
            deeper = [a for a in above if a[1] > indent]
            problem.hint = (f"to add it to that item, indent it {_spaces(deeper[-1][1])} like line {deeper[-1][0]}"
                            if deeper else "start it with '- ' to make it a new item") + \
                "; to make it a new key, indent it like the key that holds the list"
        else:
            levels = " and ".join(f"{a[1]} (line {a[0]})" for a in above[:3])
            problem.message = (f"{_PREFIX}line {row + 1} is indented {_spaces(indent)}, but the lines it could "
                               f"belong to are indented {levels}")
            problem.hint = "YAML reads structure from indentation: line it up with the key or list item it belongs to"
        problem.code, problem.column = "yaml-indent", indent + 1
    return problem


def file_problem(problem: Problem, path: object) -> Problem:
    """:func:`in_words` for a problem in the file at ``path`` (read again only when the problem is YAML's)."""
    if not problem.message.startswith(_PREFIX):
        return problem
    try:
        with open(str(path), encoding="utf-8", errors="replace") as f:
            text = f.read(4_000_000)
    except OSError:
        text = None
    return in_words(problem, text)
