"""Large hostile inputs, made on the fly in a temporary folder (never committed): a PDF bomb, a PDF of
20,224 pages, a 50 MB text, a 30 MB case file. Used by tests/test_hostile.py and bench/fuzz_loaders.py."""

from __future__ import annotations

import zlib
from pathlib import Path


def pdf_bytes(pages: int, content: bytes, flate: bool = False) -> bytes:
    """A minimal valid PDF: ``pages`` pages sharing one content stream (Helvetica)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d%s >>\nstream\n" % (len(content), b" /Filter /FlateDecode" if flate else b"")
               + content + b"\nendstream"]
    first_page = len(objects) + 1
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents 4 0 R >>")
    objects += [page] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def zlib_of_spaces(megabytes: int) -> bytes:
    """A valid zlib stream of ``megabytes`` MiB of spaces, about 1 KB per MiB, made in well under a second
    per GiB (each MiB compressed once after a full flush, the identical blocks repeated)."""
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    return first + block * (megabytes - 1) + b"\x03\x00" + checksum.to_bytes(4, "big")


def pdf_bomb(path: Path, megabytes: int = 1024) -> Path:
    """A one-page PDF of about 1 MB whose content stream inflates to ``megabytes`` MiB."""
    path.write_bytes(pdf_bytes(1, zlib_of_spaces(megabytes), flate=True))
    return path


def pdf_many_pages(path: Path, pages: int = 20_224) -> Path:
    """A PDF of ``pages`` pages of one short line each."""
    path.write_bytes(pdf_bytes(pages, b"BT /F1 12 Tf 72 720 Td (IMR decision letter page) Tj ET"))
    return path


def big_text(path: Path, megabytes: int = 50) -> Path:
    """A text 'letter' of ``megabytes`` MB."""
    line = b"Decision rationale: the records do not document functional improvement.\n"
    with path.open("wb") as out:
        for _ in range(megabytes * (1 << 20) // len(line) + 1):
            out.write(line)
    return path


def big_case(path: Path, megabytes: int = 30) -> Path:
    """A case file of ``megabytes`` MB (a very long list of diagnoses)."""
    item = b'  - {text: "lumbar radiculopathy with chronic low back pain", categories: [low_back_pain]}\n'
    with path.open("wb") as out:
        out.write(b'case_id: "big"\nrequests:\n  - text: "Norco 10/325mg #120"\ndiagnoses:\n')
        for _ in range(megabytes * (1 << 20) // len(item) + 1):
            out.write(item)
    return path


#: Fragments that broke the YAML loaders before (aliases, tags, surrogates, control characters, huge
#: numbers, deep nesting, duplicate keys...), spliced into real files by :func:`mutate`.
TOKENS = ("&a ", "*a", "&a [*a, *a]", "<<: *a", "!!int ", "!!float ", "!!timestamp ", "!!binary ", "!!set ",
          "!!python/object:os.system ", "!!str ", '"\\ud800"', '"\\udfff x"', "\x00", "\x01", "\x7f", "\ufeff",
          ".nan", "-.inf", "1e999", "9" * 5000, "[" * 150, "]" * 150, "{" * 60, "- ", ": ", "? ", "'", '"', "\t",
          "~", "null", "true", "-1", "0x1F", "2016-02-30", "2016-13-01", "---\n", "...\n", "%YAML 1.1\n", "#",
          "|\n", ">-\n", "\n  ", "\n", "case_id: x\n", "requests: []\n", "id: x\n", "criteria: []\n",
          "test: {fact: request.weeks_of_use, at_most: .nan}", "use: x", "all: [", "decision: x\n")


def mutate(text: str, pick, rounds: int = 3) -> str:  # noqa: ANN001 - pick(n) -> an int in range(n)
    """``text`` mutated ``rounds`` times: a token spliced in, a span cut or repeated, a line deleted,
    duplicated, swapped or re-indented, a character flipped. ``pick`` chooses (random or Hypothesis)."""
    for _ in range(rounds):
        lines = text.split("\n")
        op = pick(8)
        i = pick(max(1, len(text)))
        if op == 0:
            text = text[:i] + TOKENS[pick(len(TOKENS))] + text[i:]
        elif op == 1:
            text = text[:i] + text[i + 1 + pick(40):]
        elif op == 2:
            text = text[:i] + text[i:i + 1 + pick(80)] * (2 + pick(4)) + text[i:]
        elif op == 3:
            k = pick(len(lines))
            text = "\n".join(lines[:k] + lines[k + 1:])
        elif op == 4:
            k = pick(len(lines))
            text = "\n".join(lines[:k + 1] + lines[k:])
        elif op == 5:
            a, b = pick(len(lines)), pick(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif op == 6:
            k = pick(len(lines))
            lines[k] = " " * pick(6) + lines[k].lstrip() if pick(2) else lines[k][pick(4):]
            text = "\n".join(lines)
        elif text:
            text = text[:i] + chr(pick(0x3000)) + text[i + 1:]
    return text


class LoaderTargets:
    """The two loaders as fuzz targets, in a scratch folder: each returns "ok" or "problem" (an InputError
    or a reported rule problem) and lets anything else (a crash) propagate."""

    def __init__(self, folder: Path):
        from checker.core.resources import rules_dir
        from checker.rules.ruleset import load_rules

        self.folder = folder
        self.ruleset = load_rules()[0]
        self.rules = folder / "rules"
        self.rules.mkdir(parents=True, exist_ok=True)
        for shared in (rules_dir() / "shared").glob("*.yaml"):  # what `use:` may name
            (self.rules / f"shared-{shared.name}").write_bytes(shared.read_bytes())

    def case(self, text: str) -> str:
        """Load a case file as an audit does (fast path, then the careful loader), evaluate and render it."""
        from checker.audit.collect import load_case_file
        from checker.core.errors import InputError
        from checker.engine.check import render
        from checker.engine.evaluate import evaluate

        path = self.folder / "case.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            cases = load_case_file(str(path))
        except InputError:
            return "problem"
        results = [(c.case_id, c.source, evaluate(c, self.ruleset)) for c in cases]
        for fmt in ("json", "markdown"):
            render(results, self.ruleset, fmt, []).encode("utf-8")
        return "ok"

    def rule(self, text: str) -> str:
        """Validate a rules folder holding this rule file (and the shared criteria), as `rules validate` does."""
        from checker.rules.lint import validate

        (self.rules / "fuzzed.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        return "problem" if validate(self.rules).problems else "ok"


def seed_files() -> tuple[list[str], list[str]]:
    """Real case files and rule files to mutate."""
    root = Path(__file__).resolve().parents[1]
    cases = sorted((root / "cases").glob("**/*.yaml"))
    rules = sorted(p for p in (root / "rules").glob("**/*.yaml") if p.name not in ("drugs.yaml", "editions.yaml"))
    return [p.read_text(encoding="utf-8") for p in cases], [p.read_text(encoding="utf-8") for p in rules]
