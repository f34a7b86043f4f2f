"""Plain text from an IMR letter (.pdf or .txt), normalised to one paragraph per line.

The normalised text is what :mod:`checker.ingest.letter` parses and what its character offsets refer to:

* one paragraph per line, no blank lines, runs of spaces collapsed;
* the two-column header block of the 2016 PDFs rewritten as one ``Label: value`` line per field;
* wrapped lines joined, words hyphenated over a line break joined again (the hyphen is kept when the
  hyphenated spelling is the document's own, e.g. ``non-certified``);
* page breaks, ``Page N of M`` lines and header/footer lines repeated on every page removed;
* the double spacing of the 2013-2015 text letters (every line followed by an empty line) undone;
* mojibake repaired with ftfy.  One pattern ftfy cannot undo: ``Aâ¿²s`` (the apostrophe of "4 A's"
  mangled twice) comes out of ftfy as ``A⿲s``, an ideographic description character that never
  occurs in English prose; any character of that block (U+2FF0-U+2FFF) between two letters is read
  as an apostrophe.

PDFs are read with pypdfium2.  Paragraphs are found from the page geometry: the letters are set
with extra space between paragraphs, so a line gap clearly larger than the document's usual line
pitch starts a new paragraph; across a page break, a line is continued when the last line of the
page is full (the next word would not have fitted).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import ftfy

from checker.core.errors import InputError, Problem
from checker.core.files import read_bytes
from checker.core.limits import LETTER_FILE_BYTES, LETTER_TEXT_CHARS, PDF_PAGES
from checker.ingest.pdfguard import check_pdf_inflation

__all__ = ["letter_text", "normalise_text", "pdf_lines", "plain_text", "HEADER_LABELS"]

#: Header fields of the 2016 letters, in the order they are printed, as (label, pattern).
HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("Case Number", r"Case\s+Number"),
    ("Date Assigned", r"Date\s+Assigned"),
    ("Date of Injury", r"Date\s+of\s+Injury"),
    ("Decision Date", r"Decision\s+Date"),
    ("UR Denial Date", r"UR\s+Denial\s+Date"),
    ("Priority", r"Priority"),
    ("Application Received", r"Application\s+Received"),
)
_HEADER_RE = re.compile(r"\b(" + "|".join(p for _, p in HEADER_LABELS) + r")\s*:", re.I)
_FIRST_HEADING_RE = re.compile(r"HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION\s+WAS\s+MADE", re.I)
#: Labels and headings that always start a paragraph, even where the layout does not show it.
_PARAGRAPH_START_RE = re.compile(
    r"^(Claims Administrator guideline:|MAXIMUS guideline:|Decision rationale:|"
    r"HOW THE IMR FINAL DETERMINATION|CLINICAL CASE SUMMARY|IMR ISSUES, DECISIONS AND RATIONALES|"
    r"The Expert Reviewer has the following credentials|State\(s\) of Licensure:|"
    r"Certification\(s\)/Specialty:|"
    r"The Final Determination was based on)"
)
_PAGE_NUMBER_RE = re.compile(r"^\s*(Page\s+\d+(\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*/\s*\d+)\s*$", re.I)
_IDEOGRAPHIC_DESCRIPTION_RE = re.compile(r"(?<=[A-Za-z])[\u2ff0-\u2fff](?=[A-Za-z])")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SENTENCE_END = (".", ":", "?", "!", ";")
_PDF_HYPHEN = "\ufffe"  # pdfium's mark for a hyphen at the end of a line


def _fail(path: str | Path, message: str) -> InputError:
    return InputError(Problem(str(path), message))


# ---------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------


def letter_text(path: str | Path) -> str:
    """Return the normalised text of the letter at ``path`` (.pdf or text); InputError if unreadable."""
    p = Path(path)
    data = read_bytes(p, LETTER_FILE_BYTES, "letter")
    if not data.strip():
        raise _fail(path, "empty file")
    if data.lstrip()[:5] == b"%PDF-" or p.suffix.lower() == ".pdf":
        check_pdf_inflation(data, str(path))
        paragraphs = _pdf_paragraphs(data, path)
        text = _finish(paragraphs)
    else:
        raw = _decode(data)
        if len(raw) > LETTER_TEXT_CHARS.value:
            raise LETTER_TEXT_CHARS.exceeded(str(path), f"letter of {len(raw):,} characters is too long")
        text = normalise_text(raw)
    if not text.strip():
        raise _fail(path, "no text in file")
    return text


def normalise_text(raw: str) -> str:
    """Normalise letter text that came as plain text (see the module docstring for what is done)."""
    text = _repair(raw)
    pages = re.split(r"\f", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines_per_page = [page.split("\n") for page in pages]
    lines_per_page = _drop_running_lines(lines_per_page)
    lines: list[str] = []
    for i, page in enumerate(lines_per_page):
        if i:
            lines.append("\f")
        lines.extend(page)
    return _finish(_text_paragraphs(lines))


# ---------------------------------------------------------------------------------------------
# Text files
# ---------------------------------------------------------------------------------------------


def plain_text(data: bytes) -> str:
    """Decoded, repaired text of a text file, its lines kept as they are (for notes, whose lines are lists)."""
    return _repair(_decode(data)).replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


#: Text ftfy leaves as it is: printable ASCII, tabs and newlines, without ``&`` (HTML entities) or ``\r``.
PLAIN_TEXT = re.compile(r"[\t\n\x20-\x25\x27-\x7e]*")


def _repair(text: str) -> str:
    text = _CONTROL_RE.sub(" ", text)  # a NUL or other control character stands for a space (ftfy drops it)
    if PLAIN_TEXT.fullmatch(text):  # most of a letter: nothing for ftfy to fix (and it is the slow step)
        return text
    text = ftfy.fix_text(text, normalization="NFC")
    text = _IDEOGRAPHIC_DESCRIPTION_RE.sub("'", text)
    return text.replace("\u00a0", " ").replace("\u00ad", "")


def _is_double_spaced(lines: list[str]) -> bool:
    """True when (nearly) every text line is followed by an empty line, as in the seed letters."""
    text_lines = [i for i, line in enumerate(lines[:-1]) if line.strip()]
    if len(text_lines) < 4:
        return False
    followed = sum(1 for i in text_lines if lines[i + 1] == "")
    return followed >= 0.8 * len(text_lines)


def _text_paragraphs(lines: list[str]) -> list[str]:
    """Group plain-text lines into paragraphs."""
    # Blocks separated by paragraph breaks; each block a list of lines.
    blocks: list[list[str]] = []
    current: list[str] = []
    double = _is_double_spaced(lines)
    empty_run = 0

    def close() -> None:
        nonlocal current
        if current:
            blocks.append(current)
            current = []

    for line in lines:
        if line == "\f":
            close()
            blocks.append(["\f"])
            continue
        if not line.strip():
            if double and line == "":
                empty_run += 1
                if empty_run >= 3:  # a run of empty lines in a double-spaced text is a break
                    close()
                continue
            close()
            continue
        empty_run = 0
        if _PAGE_NUMBER_RE.match(line):
            continue
        current.append(line)
    close()

    width = _typical_width(blocks)
    paragraphs: list[str] = []
    pending_page_break = False
    for block in blocks:
        if block == ["\f"]:
            pending_page_break = True
            continue
        parts = _split_block(block, width)
        for k, part in enumerate(parts):
            if (
                k == 0
                and paragraphs
                and _continues(paragraphs[-1], part)
                and (pending_page_break or not paragraphs[-1].rstrip().endswith(_SENTENCE_END))
            ):
                paragraphs[-1] = _join(paragraphs[-1], part)
            else:
                paragraphs.append(part)
        pending_page_break = False
    return paragraphs


def _typical_width(blocks: list[list[str]]) -> int:
    lengths = sorted(len(line.rstrip()) for block in blocks for line in block if line != "\f")
    if not lengths:
        return 0
    return lengths[int(0.9 * (len(lengths) - 1))]


def _first_word(line: str) -> str:
    words = line.split()
    return words[0] if words else ""


def _split_block(block: list[str], width: int) -> list[str]:
    """Join the lines of one block, starting a new paragraph after a short line that ends a sentence."""
    paragraphs: list[str] = []
    current = ""
    previous_raw = ""
    for line in block:
        stripped = line.strip()
        if not current:
            current = stripped
            previous_raw = line
            continue
        previous_line_len = len(previous_raw.rstrip())
        short = previous_line_len + 1 + len(_first_word(stripped)) < 0.8 * width
        ends = current.rstrip().endswith(_SENTENCE_END) or stripped[:1].isupper()
        introduces = current.rstrip().endswith(":") and stripped[:1].isupper()
        if (
            _PARAGRAPH_START_RE.match(stripped)
            or introduces
            or (short and ends and not stripped[:1].islower())
        ):
            paragraphs.append(current)
            current = stripped
        else:
            current = _join(current, stripped)
        previous_raw = line
    if current:
        paragraphs.append(current)
    return paragraphs


def _continues(previous: str, following: str) -> bool:
    """A paragraph broken by a page break or a spurious gap: no sentence end, next starts lower case."""
    if _PARAGRAPH_START_RE.match(following):
        return False
    previous = previous.rstrip()
    if previous.endswith(","):
        return True
    return bool(following[:1].islower()) and not previous.endswith((".", "?", "!"))


def _join(left: str, right: str, hyphen: bool = False) -> str:
    """Join two pieces of one paragraph, undoing a hyphenation at the break."""
    left = left.rstrip()
    right = right.lstrip()
    if hyphen:
        return left + "\x00" + right  # resolved by _dehyphenate, which sees the whole document
    before_hyphen = left[-2:-1]  # "letter-" at the end; looked at without scanning the whole paragraph
    if left.endswith("-") and before_hyphen.isascii() and before_hyphen.isalpha() and right[:1].islower():
        return left[:-1] + "\x00" + right
    return f"{left} {right}"


def _dehyphenate(text: str) -> str:
    """Resolve hyphen marks: keep the hyphen when the document spells the word hyphenated elsewhere,
    or when the unhyphenated word does not occur in it; otherwise drop it."""
    if "\x00" not in text:
        return text
    words = Counter(w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text.replace("\x00", "")))

    def resolve(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        joined = (left + right).lower()
        hyphenated = f"{left}-{right}".lower()
        if words.get(joined) and not words.get(hyphenated):
            return left + right
        return f"{left}-{right}"

    text = re.sub(r"([A-Za-z]*)\x00([A-Za-z]*)", resolve, text)
    return text.replace("\x00", "-")


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop header/footer lines: the same first or last line (digits aside) on most pages."""
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    def edge(page: list[str], last: bool) -> int | None:
        idx = [i for i, line in enumerate(page) if line.strip()]
        if not idx:
            return None
        return idx[-1] if last else idx[0]

    for last in (False, True):
        counts = Counter()
        for page in pages:
            i = edge(page, last)
            if i is not None:
                counts[key(page[i])] += 1
        running = {k for k, n in counts.items() if n >= 2 and n >= 0.6 * len(pages)}
        if running:
            new_pages = []
            for page in pages:
                i = edge(page, last)
                if i is not None and key(page[i]) in running:
                    page = page[:i] + page[i + 1 :]
                new_pages.append(page)
            pages = new_pages
    return pages


# ---------------------------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------------------------


@dataclass
class PdfLine:
    """One printed line of a PDF page, with its geometry (PDF points, origin bottom left)."""

    page: int
    text: str
    left: float
    right: float
    baseline: float
    first_word_width: float
    bold_start: bool
    bold_end: bool
    hyphen: bool = False  # the line ends with a hyphen at a line break
    chars: list[int] = field(default_factory=list, repr=False)


def pdf_lines(data: bytes, path: str | Path = "<pdf>") -> list[PdfLine]:
    """Printed lines of a PDF, in reading order, read with pypdfium2; InputError if unreadable."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise _fail(path, "encrypted PDF (needs a password)") from None
        raise _fail(path, f"unreadable or damaged PDF ({message.rstrip('.')})") from None
    lines: list[PdfLine] = []
    chars = 0
    try:
        if len(document) > PDF_PAGES.value:
            raise PDF_PAGES.exceeded(str(path), f"PDF of {len(document):,} pages is too long for a letter")
        for page_index in range(len(document)):
            page = document[page_index]
            textpage = page.get_textpage()
            count = textpage.count_chars()
            if count <= 0:
                continue
            chars += count
            if chars > LETTER_TEXT_CHARS.value:
                raise LETTER_TEXT_CHARS.exceeded(str(path), "PDF text is too long for a letter")
            text = textpage.get_text_range(0, count)
            if len(text) != count:  # surrogate pairs etc.: fall back to per-char reading
                text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(count))
            lines.extend(_page_lines(page_index, text, textpage, raw))
    except pdfium.PdfiumError as exc:
        raise _fail(path, f"unreadable or damaged PDF ({str(exc).rstrip('.')})") from None
    finally:
        document.close()
    return lines


_LINE_END_RE = re.compile("[\r\n" + _PDF_HYPHEN + "]")
_WORD_RE = re.compile(r"\S+")  # \s is exactly str.isspace() (both Py_UNICODE_ISSPACE)


def _page_lines(page_index: int, text: str, textpage, raw) -> list[PdfLine]:  # noqa: ANN001
    """The page's lines: text split at CR, LF and pdfium's line-end hyphen, blank lines dropped."""
    lines: list[PdfLine] = []
    charbox = _charbox_reader(textpage, raw)
    start = 0
    for end_match in (*_LINE_END_RE.finditer(text), None):
        end = end_match.start() if end_match else len(text)
        runs = [m.span() for m in _WORD_RE.finditer(text, start, end)]
        if runs:
            lines.append(_pdf_line(page_index, text, start, end, runs, textpage, raw, charbox,
                                   hyphen=end_match is not None and end_match.group() == _PDF_HYPHEN))
        start = end + 1
    return lines


def _charbox_reader(textpage, raw):  # noqa: ANN001, ANN202
    """``textpage.get_charbox`` (tight box: left, bottom, right, top) with its four doubles made once per page."""
    import ctypes

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    get_box = raw.FPDFText_GetCharBox
    handle = textpage.raw

    def charbox(index: int) -> tuple[float, float, float, float]:
        if not get_box(handle, index, left, right, bottom, top):  # pdfium's order: left, right, bottom, top
            textpage.get_charbox(index)  # raises pypdfium2's own error
        return left.value, bottom.value, right.value, top.value

    return charbox


def _pdf_line(page_index: int, text: str, start: int, end: int, runs: list[tuple[int, int]],  # noqa: ANN001
              textpage, raw, charbox, hyphen: bool) -> PdfLine:  # noqa: ANN001
    """One printed line from its non-space runs (character indices on the page)."""
    chars = [i for run_start, run_end in runs for i in range(run_start, run_end)]
    first_word_end = runs[0][1] - runs[0][0]
    # A few boxes per line are enough: first and last character, end of the first word,
    # and three samples for the baseline (robust to one super- or subscript).
    wanted = {0, first_word_end - 1, len(chars) - 1, len(chars) // 2, len(chars) // 4}
    boxes = {k: charbox(chars[k]) for k in wanted}
    weight_first = raw.FPDFText_GetFontWeight(textpage.raw, chars[0])
    weight_last = raw.FPDFText_GetFontWeight(textpage.raw, chars[-1])
    return PdfLine(
        page=page_index,
        text=text[start:end],
        left=boxes[0][0],
        right=max(b[2] for b in boxes.values()),
        baseline=statistics.median(b[1] for b in boxes.values()),
        first_word_width=boxes[first_word_end - 1][2] - boxes[0][0],
        bold_start=weight_first >= 600,
        bold_end=weight_last >= 600,
        hyphen=hyphen,
        chars=chars,
    )


def _pdf_paragraphs(data: bytes, path: str | Path) -> list[str]:
    lines = pdf_lines(data, path)
    if not lines:
        raise _fail(path, "PDF has no text layer (scanned or image-only?)")
    lines = _drop_running_pdf_lines(lines)
    if not lines:  # every line repeated on every page: nothing but headers and footers
        raise _fail(path, "PDF has no text besides running headers and footers")
    gaps = [
        a.baseline - b.baseline
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and 0 < a.baseline - b.baseline < 60
    ]
    pitch = statistics.median(gaps) if gaps else 14.0
    right_margin = max(line.right for line in lines)
    paragraphs: list[str] = []
    previous: PdfLine | None = None
    for line in lines:
        text = _repair(re.sub(r"\s+", " ", line.text)).strip()
        if _PAGE_NUMBER_RE.match(text):
            continue
        if previous is None:
            paragraphs.append(text)
            previous = line
            continue
        if previous.page == line.page:
            gap = previous.baseline - line.baseline
            new_paragraph = gap > 1.45 * pitch or gap < -0.5 * pitch
            if abs(gap) < 0.3 * pitch:  # same baseline: a second column; keep it apart
                new_paragraph = True
        else:
            full = previous.right + 0.3 * pitch + line.first_word_width > right_margin - 2
            new_paragraph = not full or (line.bold_start and not previous.bold_end)
        if _PARAGRAPH_START_RE.match(text):
            new_paragraph = True
        if new_paragraph and not previous.hyphen:
            paragraphs.append(text)
        else:
            paragraphs[-1] = _join(paragraphs[-1], text, hyphen=previous.hyphen)
        previous = line
    return paragraphs


def _drop_running_pdf_lines(lines: list[PdfLine]) -> list[PdfLine]:
    pages: dict[int, list[PdfLine]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    as_text = [[line.text for line in page] for page in pages.values()]
    kept = _drop_running_lines(as_text)
    result: list[PdfLine] = []
    for page_lines, kept_text in zip(pages.values(), kept, strict=True):
        if len(kept_text) == len(page_lines):
            result.extend(page_lines)
            continue
        remaining = list(kept_text)
        for line in page_lines:
            if remaining and line.text == remaining[0]:
                result.append(line)
                remaining.pop(0)
    return result


# ---------------------------------------------------------------------------------------------
# Shared finishing: header block, whitespace
# ---------------------------------------------------------------------------------------------


def _finish(paragraphs: list[str]) -> str:
    text = "\n".join(re.sub(r"[ \t]+", " ", p).strip() for p in paragraphs if p.strip())
    text = _dehyphenate(text)
    return _normalise_header(text)


def _normalise_header(text: str) -> str:
    """Rewrite the header block before the first heading as one ``Label: value`` line per field."""
    m = _FIRST_HEADING_RE.search(text)
    if not m:
        return text
    head, rest = text[: m.start()], text[m.start() :]
    flat = re.sub(r"\s+", " ", head).strip()
    if not flat:
        return rest
    found = list(_HEADER_RE.finditer(flat))
    if not found:
        return head.strip() + "\n" + rest
    out: list[str] = []
    if found[0].start() > 0:
        out.append(flat[: found[0].start()].strip())
    for k, f in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(flat)
        value = flat[f.end() : end].strip()
        label = next(name for name, pattern in HEADER_LABELS if re.fullmatch(pattern, f.group(1), re.I))
        if label == "Priority":
            value = re.sub(r"\s*\bApplication\s*$", "", value)
        out.append(f"{label}: {value}".rstrip())
    return "\n".join(line for line in out if line) + "\n" + rest
