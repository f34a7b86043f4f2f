"""Ingest IMR decision letters: text extraction (:mod:`.text`) and structure parsing (:mod:`.letter`)."""

from checker.ingest.letter import Citation, Letter, LetterItem, parse_letter, read_letter
from checker.ingest.text import letter_text, normalise_text

__all__ = ["Citation", "Letter", "LetterItem", "letter_text", "normalise_text", "parse_letter", "read_letter"]
