"""A rich progress bar on stderr (files done, rate, time left), or nothing when not wanted."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from checker.audit.collect import count_sources


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

        def advance(_outcome: Any) -> None:
            bar.advance(task)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:.1f}/s" if speed else "")

        yield advance
