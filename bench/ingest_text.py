"""Compare PDF text extractors on the shared IMR letters: speed and text quality.

Usage: ``python bench/ingest_text.py [LETTERS_DIR]`` (default ``cases/letters/pdf``).

Engines: pypdfium2 raw text, pypdfium2 through ``checker.ingest.letter_text`` (normalised),
``pdftotext`` (poppler, plain and ``-layout``) and ``pypdf``; engines that are not installed are
skipped.  Quality, per engine, over every disputed item in ``outcomes.tsv``:

* ``titles``: the item's title line ("...: Upheld"/"...: Overturned", the outcome possibly alone on
  the next line) is found, in letter order, with the right outcome;
* ``parsed``: ``checker.ingest.parse_letter`` on the engine's text gives every item and outcome
  (only meaningful for the normalised pipeline; for raw engines text is normalised first with
  ``normalise_text``, the plain-text path);
* ``header``: the case number appears as ``Case Number: <stem>``;
* ``hyphen``: lines broken at a hyphen are rejoined (no stray U+FFFE marks).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.core.errors import InputError  # noqa: E402
from checker.ingest import letter_text, normalise_text, parse_letter  # noqa: E402

TITLE_RE = re.compile(r":\s*(Upheld|Overturned)\s*$|^\s*(Upheld|Overturned)\s*$", re.M)


def pdfium_raw(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def pdftotext(path: Path, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pypdf_text(path: Path) -> str:
    import pypdf

    reader = pypdf.PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def engines() -> dict[str, Callable[[Path], str]]:
    found: dict[str, Callable[[Path], str]] = {}
    try:
        import pypdfium2  # noqa: F401

        found["pypdfium2 (raw)"] = pdfium_raw
        found["pypdfium2 + letter_text"] = letter_text
    except ImportError:
        pass
    if shutil.which("pdftotext"):
        found["pdftotext"] = pdftotext
        found["pdftotext -layout"] = lambda p: pdftotext(p, layout=True)
    try:
        import pypdf  # noqa: F401

        found["pypdf"] = pypdf_text
    except ImportError:
        pass
    return found


def main() -> None:
    letters = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "cases" / "letters" / "pdf"
    expected: dict[str, list[str]] = defaultdict(list)
    with open(letters / "outcomes.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            expected[row["letter"]].append(row["outcome"])
    pdfs = sorted(letters.glob("*.pdf"))
    n_items = sum(len(v) for v in expected.values())
    print(f"{len(pdfs)} letters, {n_items} items\n")
    print(f"{'engine':26} {'letters/s':>9} {'titles':>8} {'parsed':>8} {'header':>7} {'hyphen':>7}")
    for name, extract in engines().items():
        texts = {}
        elapsed = float("inf")
        for _ in range(2):  # best of two runs, to damp noise from other processes
            start = time.perf_counter()
            for pdf in pdfs:
                texts[pdf.stem] = extract(pdf)
            elapsed = min(elapsed, time.perf_counter() - start)
        titles = parsed = header = hyphen = 0
        for stem, text in texts.items():
            want = expected[stem]
            got = [(m.group(1) or m.group(2)).lower() for m in TITLE_RE.finditer(text)]
            titles += len(want) if got == want else 0
            normalised = text if name.endswith("letter_text") else normalise_text(text)
            try:
                items = [i.outcome for i in parse_letter(normalised, stem).items]
            except InputError:
                items = []
            parsed += len(want) if items == want else 0
            header += bool(re.search(rf"Case Number:\s*{re.escape(stem)}", text))
            hyphen += "\ufffe" not in text
        print(
            f"{name:26} {len(pdfs) / elapsed:9.1f} {titles:4}/{n_items} {parsed:4}/{n_items}"
            f" {header:3}/{len(pdfs)} {hyphen:3}/{len(pdfs)}"
        )


if __name__ == "__main__":
    main()
