"""A rich progress bar on stderr (files done, rate, time left), or nothing when not wanted."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from checker.audit.collect import count_sources

#: Seconds between updates of the bar.
EVERY = 0.1


@contextmanager
def progress_bar(paths: Sequence[str | Path], enabled: bool) -> Iterator[Callable[[Any], None] | None]:
    """Yield a per-file callback that advances the bar (None when disabled)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    total = count_sources(paths)
    columns = (TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("files"), TaskProgressColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(),
               TextColumn("left"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("audit", total=total, rate="")
        done, shown = 0, 0.0

        def advance(_outcome: Any) -> None:
            nonlocal done, shown
            done += 1
            now = time.monotonic()
            if now - shown >= EVERY:  # rich costs ~25 us a call: more than a file's audit
                bar.advance(task, done)
                done, shown = 0, now
                speed = bar.tasks[0].speed
                bar.update(task, rate=f"{speed:.1f}/s" if speed else "")

        yield advance
        bar.advance(task, done)
