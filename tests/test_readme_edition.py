"""The README's worked example of adding an edition runs as written, in a scratch copy of the rules and cases.

Its ``console`` blocks are run line by line (``$ `` commands, ``mtus`` being ``python -m checker``); each
output line shown must appear in what the command printed (``...`` stands for text left out). Its
``yaml`` blocks are written to (or, for "append to", appended to) the file their first comment names.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from conftest import ROOT

SECTION = "### Adding an edition: a worked example"


def steps() -> list[tuple[str, str, list[str]]]:
    """("run", command, expected lines) and ("write" | "append", path, lines), in README order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = readme[readme.index(SECTION):]
    text = text[:text.index("\n## ")]
    out: list[tuple[str, str, list[str]]] = []
    for lang, body in re.findall(r"```(console|yaml)\n(.*?)```", text, re.S):
        lines = body.rstrip("\n").split("\n")
        if lang == "yaml":
            head = lines[0].removeprefix("# ")
            mode, path = ("append", head.removeprefix("append to ")) if head.startswith("append to ") else \
                ("write", head)
            out.append((mode, path, lines[1:]))
            continue
        for line in lines:
            if line.startswith("$ "):
                out.append(("run", line[2:], []))
            elif line.strip():
                out[-1][2].append(line)
    return out


def shown(expected: str, printed: str) -> bool:
    """Each part of ``expected`` between ``...`` appears in ``printed``, in order (spacing ignored)."""
    printed = " ".join(printed.split())
    at = 0
    for part in (" ".join(p.split()) for p in expected.split("...")):
        if not part:
            continue
        at = printed.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def test_the_worked_example_runs_as_written(tmp_path):
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "cases" / "letters").mkdir(parents=True)
    for case in (ROOT / "cases" / "letters").glob("*.yaml"):
        shutil.copy(case, tmp_path / "cases" / "letters")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MTUS_CACHE": "0"}
    ran = 0
    for kind, what, lines in steps():
        if kind != "run":
            with (tmp_path / what).open("a" if kind == "append" else "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            continue
        command = re.sub(r"^mtus ", f"{sys.executable} -m checker ", what)
        run = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        printed = run.stdout + run.stderr
        assert "Traceback" not in printed, (what, printed)
        for line in lines:
            assert shown(line, printed), f"$ {what}\nexpected: {line}\nprinted: {printed}"
        ran += 1
    assert ran >= 9
