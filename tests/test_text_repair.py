"""The shortcut past ftfy is taken only for text ftfy would leave exactly as it is."""

from __future__ import annotations

import ftfy
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.ingest.text import PLAIN_TEXT, _repair

_ASCII = st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=127), max_size=80)


@settings(max_examples=400, deadline=None)
@given(_ASCII)
def test_plain_text_is_what_ftfy_leaves_unchanged(text: str) -> None:
    if PLAIN_TEXT.fullmatch(text):
        assert ftfy.fix_text(text, normalization="NFC") == text
        assert _repair(text) == text


def test_text_ftfy_would_change_is_still_repaired() -> None:
    for broken, fixed in [("Tom &amp; Jerry", "Tom & Jerry"), ("caf\u00c3\u00a9", "caf\u00e9"), ("a\r\nb", "a\nb")]:
        assert not PLAIN_TEXT.fullmatch(broken)
        assert _repair(broken) == fixed
