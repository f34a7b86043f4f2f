"""Refuse a PDF that would inflate past the limit before pdfium decodes it (a "zip bomb" in a stream).

Every Flate stream is inflated once, streaming and thrown away, to count its decoded size (a stream
compressed twice over is inflated through each layer). Encrypted streams cannot be counted this way
and are left to the page and text limits.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain

from checker.core.limits import PDF_INFLATED_BYTES

_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16
_LAYERS = 3


def _looks_zlib(head: bytes) -> bool:
    return len(head) >= 2 and head[0] & 0x0F == 8 and ((head[0] << 8) | head[1]) % 31 == 0


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The inflated bytes of a zlib stream, piece by piece; stops quietly where the data stops being zlib."""
    decoder = zlib.decompressobj()
    for chunk in chunks:
        pending = chunk
        while pending and not decoder.eof:
            try:
                out = decoder.decompress(pending, _CHUNK)
            except zlib.error:
                return
            if out:
                yield out
            pending = decoder.unconsumed_tail
        if decoder.eof:
            return


def _innermost(chunks: Iterable[bytes], depth: int = 1) -> Iterator[bytes]:
    """Inflate, and inflate again while the output is itself zlib (up to three layers)."""
    out = _inflate(chunks)
    first = next(out, b"")
    stream = chain([first], out)
    if depth < _LAYERS and _looks_zlib(first[:2]):
        return _innermost(stream, depth + 1)
    return stream


def check_pdf_inflation(data: bytes, path: str) -> None:
    """InputError if the PDF's Flate streams, decoded, exceed :data:`PDF_INFLATED_BYTES` in all."""
    limit, used = PDF_INFLATED_BYTES.value, 0
    for match in _STREAM.finditer(data):
        start = match.end()
        if not _looks_zlib(data[start:start + 2]):
            continue
        for piece in _innermost(data[k:k + _CHUNK] for k in range(start, len(data), _CHUNK)):
            used += len(piece)
            if used > limit:
                raise PDF_INFLATED_BYTES.exceeded(path, "PDF streams inflate to too many bytes (a PDF bomb?)")
