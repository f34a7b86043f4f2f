"""The fixed split of letters into a tuning half and a check half, by a hash of the case number.

Rules and extractors are tuned on the tuning half only; the check half measures how predictions hold
on letters nobody tuned on.  The split depends on nothing but the case number, so it never moves.
"""

from __future__ import annotations

import hashlib
from typing import Literal

Half = Literal["tuning", "check"]


def half_of(case_number: str) -> Half:
    """``"tuning"`` or ``"check"`` for a letter's case number (e.g. ``CM16-0230651``)."""
    digest = hashlib.sha256(case_number.strip().upper().encode()).digest()
    return "tuning" if digest[-1] % 2 == 0 else "check"
