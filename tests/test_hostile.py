"""Hostile and broken inputs (issue 13): one line naming the file, exit 2, no traceback, no hang, nothing lost.

The corpus is tests/fixtures/hostile/MANIFEST.tsv: each input with the line every command that reads it
prints. Large or special inputs (a PDF bomb, 20,224 pages, 50 MB, named pipes, a symlink loop) are made
on the fly in a temporary folder. Each command runs once over all the inputs it reads, with a good input
among them that must still be processed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEED_CASE, SEEDS_DIR, run_mtus
from hostile_inputs import big_case, big_text, pdf_bomb, pdf_bytes, pdf_many_pages

HOSTILE = FIXTURES / "hostile"
GOOD_LETTER = SEEDS_DIR / "000_98fed6c8c6e0f14b.txt"


def manifest() -> list[tuple[str, str]]:
    rows = []
    for line in (HOSTILE / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, expected = line.split("\t")
            rows.append((name, expected))
    return rows


def kind(name: str) -> str:
    name = name.removeprefix("gen:")
    if name.startswith("rule-"):
        return "rules"
    if name.endswith((".yaml", ".json")):
        return "case"
    if name.endswith((".txt", ".pdf")):
        return "letter"
    return "folder"


def make(name: str, folder: Path) -> Path:
    """The input ``name`` in ``folder``: copied from the corpus, or made there (``gen:``)."""
    if not name.startswith("gen:"):
        return Path(shutil.copy(HOSTILE / name, folder / name))
    name = name.removeprefix("gen:")
    path = folder / name
    if "fifo" in name:
        os.mkfifo(path)
    elif "dangling" in name:
        path.symlink_to(folder / "nowhere")
    elif name == "big.yaml":
        big_case(path, 30)
    elif name == "big.txt":
        big_text(path, 50)
    elif name == "bomb.pdf":
        pdf_bomb(path, 1024)
    elif name == "pages.pdf":
        pdf_many_pages(path, 20_224)
    elif name == "running-lines.pdf":
        path.write_bytes(pdf_bytes(3, b"BT /F1 12 Tf 72 720 Td (the same line on every page) Tj ET"))
    elif name == "loop":
        (path / "a").mkdir(parents=True)
        shutil.copy(GOOD_LETTER, path / "a" / "letter.txt")
        (path / "a" / "up").symlink_to("..")
    else:
        raise AssertionError(f"no generator for {name}")
    return path


def _expect_lines(done: subprocess.CompletedProcess, expected: dict[Path, str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stderr
    shown = done.stdout + done.stderr  # `rules validate` lists its problems on stdout
    for path, lines in expected.items():
        assert any(f"{path}{line}" in shown for line in lines.split(" || ")), f"{path}{lines}\nnot in:\n{shown}"


COMMANDS = ["check", "audit", "ingest", "rules validate", "check --rules"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_hostile_input_is_one_line_and_the_batch_goes_on(command, tmp_path):
    kinds = {"check": ("case",), "audit": ("case", "letter", "folder"), "ingest": ("letter",),
             "rules validate": ("rules",), "check --rules": ("rules",)}[command]
    folder = tmp_path / "rules" if kinds == ("rules",) else tmp_path
    folder.mkdir(exist_ok=True)
    inputs = {make(name, folder): expected for name, expected in manifest() if kind(name) in kinds}
    assert len(inputs) >= 5
    if command == "rules validate":
        done = run_mtus("rules", "validate", folder, timeout=120)
        _expect_lines(done, inputs)
        return
    if command == "check --rules":  # the rules do not load: the first problem, one line, nothing checked
        done = run_mtus("check", SEED_CASE, "--rules", folder, timeout=120)
        assert "Traceback" not in done.stderr and done.returncode == 2
        assert any(f"{p}{line}" in done.stderr for p, lines in inputs.items() for line in lines.split(" || ")), \
            done.stderr
        return
    good = SEED_CASE if command == "check" else GOOD_LETTER
    done = run_mtus(*command.split(), *inputs, good, "--format", "json", timeout=120)
    _expect_lines(done, inputs)
    document = json.loads(done.stdout)
    if command == "audit":  # the good letter (twice: alone, and inside the loop folder) still audited
        assert {i["case_id"] for i in document["items"]} == {"000_98fed6c8c6e0f14b", "letter"}
    else:
        assert [c["case_id"] for c in document["cases"]] == ["000_98fed6c8c6e0f14b"]


def test_an_empty_rules_folder_or_one_holding_only_a_folder_named_x_yaml_is_a_problem(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "odd" / "x.yaml").mkdir(parents=True)
    for folder in (tmp_path / "empty", tmp_path / "odd"):
        done = run_mtus("rules", "validate", folder)
        _expect_lines(done, {folder: ": no rule files (*.yaml) in this folder"})


def test_a_folder_named_x_yaml_among_rules_is_skipped(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "x.yaml").mkdir()
    done = run_mtus("rules", "validate", rules)
    assert done.returncode == 0 and "no problems" in done.stdout, done.stdout + done.stderr


def test_a_nul_for_a_space_in_an_outcome_line_keeps_every_item(tmp_path):
    letter = tmp_path / "nul.txt"
    letter.write_text(GOOD_LETTER.read_text().replace("FLEXERIL 7.5MG #60:  Upheld",
                                                      "FLEXERIL\x007.5MG #60:\x00Upheld"))
    done = run_mtus("ingest", letter, "--format", "json")
    assert done.returncode == 0, done.stderr
    requests = json.loads(done.stdout)["cases"][0]["requests"]
    assert [(r["text"], r["actual"]) for r in requests] == [("NORCO 10/325MG #180", "overturned"),
                                                              ("FLEXERIL 7.5MG #60", "upheld")]


def test_markdown_output_escapes_html_from_the_case_and_the_rules(tmp_path):
    case = tmp_path / "x.yaml"
    case.write_text('case_id: "<script>alert(1)</script>"\nreport_date: "2016-09-01"\n'
                    'requests:\n  - text: "Norco 10/325mg #120 <img src=x onerror=alert(2)>"\n')
    done = run_mtus("check", case, "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert "<script>" not in done.stdout and "<img" not in done.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in done.stdout
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (HOSTILE / "rule-calendar-date.yaml").read_text().replace('effective: {from: "2016-02-30"}\n', "")
    (rules / "r.yaml").write_text(text.replace("title: Fixture rule", 'title: "Relaxants <script>x()</script>"')
                                  .replace("text: Acute exacerbation", "text: Acute <b onclick=y()>flare</b>"))
    out = tmp_path / "docs"
    done = run_mtus("rules", "docs", rules, "-o", out)
    assert done.returncode == 0, done.stderr
    pages = "".join(p.read_text() for p in out.rglob("*.md"))
    assert "Relaxants &lt;script&gt;x()&lt;/script&gt;" in pages
    assert "<script>" not in pages and "<b onclick" not in pages


# ------------------------------------------------------------------------------------------------
# Outputs and the audit store
# ------------------------------------------------------------------------------------------------


def test_db_and_report_naming_the_same_file_or_an_input_are_refused_and_destroy_nothing(tmp_path):
    db = tmp_path / "runs.sqlite"
    first = run_mtus("audit", SEED_CASE, "--db", db, "-f", "json")
    assert first.returncode == 0 and "audit run 1 recorded" in first.stderr
    before = db.read_bytes()
    same = run_mtus("audit", SEED_CASE, "--db", db, "-o", db, "-f", "json")
    _expect_lines(same, {db: ": the report (-o) and the audit database (--db) are the same file"})
    link = tmp_path / "link.json"
    link.symlink_to(db)
    via_link = run_mtus("audit", SEED_CASE, "--db", db, "-o", link)
    _expect_lines(via_link, {db: ": the report (-o) and the audit database (--db) are the same file"})
    assert db.read_bytes() == before and "recorded" not in same.stderr + via_link.stderr
    inputs = tmp_path / "in"
    inputs.mkdir()
    case = Path(shutil.copy(SEED_CASE, inputs / "empty.yaml"))
    for target in (case, inputs / "empty.yaml"):
        done = run_mtus("audit", inputs, "--db", target)
        _expect_lines(done, {target: ": refusing to use an input file as the audit database"})
    assert case.read_text() == SEED_CASE.read_text()


def test_a_named_pipe_or_a_folder_as_db_is_refused_without_hanging(tmp_path):
    pipe = tmp_path / "runs.sqlite"
    os.mkfifo(pipe)
    for db in (pipe, tmp_path):
        done = run_mtus("audit", SEED_CASE, "--db", db, timeout=60)
        _expect_lines(done, {db: ": not a regular file, so not an audit database"})


def test_a_full_disk_during_db_is_one_error_the_report_is_complete_and_the_run_stays_unfinished(tmp_path):
    from checker.audit.run import run_audit
    from checker.audit.store import Store

    store = Store(tmp_path / "runs.sqlite")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 1}")  # SQLite's own "database or disk is full"
    result = run_audit([SEEDS_DIR], store=store)
    assert result.run_id is None
    assert [p.message for p in result.errors if "database or disk is full" in p.message], result.errors
    assert result.stats.summary()["items"] == len(list(result.items())) > 5  # the report lost nothing
    store.close()
    listing = run_mtus("audit", "runs", "--db", tmp_path / "runs.sqlite")
    assert "unfinished" in listing.stdout or listing.stdout.strip() == "", listing.stdout


def test_a_killed_audit_leaves_an_intact_store_whose_unfinished_run_diff_refuses(tmp_path):
    db = tmp_path / "runs.sqlite"
    assert run_mtus("audit", SEED_CASE, "--db", db).returncode == 0
    letters = sorted((ROOT / "cases" / "letters" / "pdf").glob("*.pdf"))
    process = subprocess.Popen([sys.executable, "-m", "checker", "audit", *letters, "--db", db, "-o",
                                tmp_path / "report.json", "-f", "json"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # killed once the second run is in the store, before it finishes
        with sqlite3.connect(db) as con:
            if con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT finished IS NULL FROM runs WHERE id = 2").fetchone()[0] == 1
    assert not (tmp_path / "report.json").exists() and not list(tmp_path.glob(".*.tmp"))
    listing = run_mtus("audit", "runs", "--db", db)
    assert "unfinished" in listing.stdout.splitlines()[1]
    diff = run_mtus("audit", "diff", "1", "2", "--db", db)
    _expect_lines(diff, {db: ": audit run 2 did not finish (interrupted, or its recording failed)"})


def test_two_letters_of_one_case_are_never_written_over_each_other(tmp_path):
    pdf = ROOT / "cases" / "letters" / "pdf" / "CM17-0010885.pdf"
    a, b = shutil.copy(pdf, tmp_path / "a.pdf"), shutil.copy(pdf, tmp_path / "b.pdf")
    out = tmp_path / "out"
    done = run_mtus("ingest", a, b, "-o", out, "--force")
    _expect_lines(done, {Path(b): ": same case number 'CM17-0010885' as "})
    assert [p.name for p in out.iterdir()] == ["CM17-0010885.yaml"]
