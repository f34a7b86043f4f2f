"""Debian's chromium for the browser tests, driven by Playwright (which never downloads a browser here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
#: Headless, and none of chromium's own connections (this machine's network is closed).
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser() -> None:
    """Skip the calling test module without chromium or Playwright, except in CI, where both are required."""
    if os.environ.get("CI", "").lower() == "true":
        return
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium); required in CI", allow_module_level=True)
    pytest.importorskip("playwright", reason="playwright is not installed (pip install -e '.[test]')")
