"""Pick the report writer for a format."""

from __future__ import annotations

from typing import IO

from checker.audit.run import AuditResult

FORMATS = ("text", "json", "csv", "html", "parquet")


def write_report(result: AuditResult, fmt: str, out: IO[str], color: bool = False) -> None:
    """Write ``result`` to ``out`` as text, json, csv, html or parquet (binary, through ``out.buffer``)."""
    if fmt == "json":
        from checker.audit.report_json import write_json

        write_json(result, out)
    elif fmt == "csv":
        from checker.audit.report_csv import write_csv

        write_csv(result, out)
    elif fmt == "html":
        from checker.audit.report_html import write_html

        write_html(result, out)
    elif fmt == "parquet":
        from checker.audit.report_parquet import write_parquet

        out.flush()
        write_parquet(result, out.buffer)  # type: ignore[attr-defined] - a file opened by open_output
    elif fmt == "text":
        from checker.audit.report_text import write_text

        write_text(result, out, color=color)
    else:
        raise ValueError(f"unknown audit format {fmt!r}; expected one of {', '.join(FORMATS)}")
