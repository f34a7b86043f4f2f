"""Render evaluations: terminal (rich), JSON (the design's contract), Markdown and HTML reports."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from checker.core import markdown as md
from checker.core.status import STATUSES, Status
from checker.engine.evaluate import CriterionResult, ItemResult, case_warnings
from checker.facts.evidence import Evidence
from checker.rules.ruleset import RuleSet

MARK = {Status.MET: "✓", Status.NOT_MET: "✗", Status.NOT_DOCUMENTED: "?", Status.NOT_APPLICABLE: "–"}
WORD = {s: s.words for s in STATUSES}
STYLE = {Status.MET: "green", Status.NOT_MET: "red", Status.NOT_DOCUMENTED: "yellow", Status.NOT_APPLICABLE: "dim"}
VERDICT = {"upheld": "UPHELD: not medically necessary as documented",
           "overturned": "OVERTURNED: medically necessary per the MTUS criteria",
           "mtus_silent": "MTUS SILENT: the MTUS does not address this item (no prediction)",
           "not_encoded": "NOT ENCODED: no rule covers this item yet (no prediction)",
           "unrecognised": "UNRECOGNISED: the item could not be read (no prediction)",
           None: "NOT COVERED"}


def verdict(item: ItemResult) -> str:
    """The headline of an item: its prediction, or why there is none."""
    return VERDICT[item.predicted or item.coverage]


def silent_citation(item: ItemResult) -> str:
    """Where one would expect the MTUS to address a silent item ("" for other items)."""
    return "Looked for in: " + citation_text(item.silent["citation"]) if item.silent else ""

CaseResults = tuple[str, str | None, list[ItemResult]]
Evidences = list[Evidence] | None  # one per case of the results, in order


def criterion_evidence(evidence: Evidence | None, c: CriterionResult, item: ItemResult) -> list[str]:
    """The case's own sentences behind the facts a criterion read."""
    return evidence.sentences(list(c.facts), item.index) if evidence is not None else []


def evidence_of(evidences: Evidences, i: int) -> Evidence | None:
    return evidences[i] if evidences and i < len(evidences) else None


def fact_value(value: Any) -> str:
    """A fact value in a line of text."""
    if isinstance(value, dict):
        return value.get("text") or value.get("name") or ", ".join(f"{k} {v}" for k, v in value.items())
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def fact_lines(evidence: Evidence | None) -> list[tuple[str, str, str]]:
    """(fact, value, sentence) for every extracted fact, request facts as ``requests[i].name``."""
    out = []
    for entry in evidence.entries if evidence is not None else []:
        fact = entry["fact"]
        if entry.get("request") is not None:
            fact = f"requests[{entry['request']}].{fact.removeprefix('request.')}"
        out.append((fact, fact_value(entry.get("value")), entry.get("sentence") or ""))
    return out


def citation_text(c: dict[str, str]) -> str:
    """"MTUS Chronic Pain Medical Treatment Guidelines (2009), Opioids, p. 78"."""
    parts = [c.get("guideline", "")]
    if c.get("edition"):
        parts[0] += f" ({c['edition']})"
    if c.get("section"):
        parts.append(c["section"])
    if c.get("pages"):
        pages = c["pages"]
        parts.append(("pp. " if "-" in pages or "," in pages else "p. ") + pages)
    return ", ".join(p for p in parts if p)


PROVENANCE = {"PUB": "checked against a published text of the MTUS", "SEED": "as quoted in an IMR decision",
              "LETTERS": "as quoted in IMR decisions", "RECALL": "recalled wording, not found in a published source",
              "REVIEWER": "an IMR reviewer's own words applying the guideline, not the guideline's"}


def quote_text(c: dict[str, str]) -> str:
    """The quote with how far it has been checked, or "" when the criterion has none."""
    if not c.get("quote"):
        return ""
    note = PROVENANCE.get(c.get("provenance", ""))
    return f'"{c["quote"]}"' + (f" ({note})" if note else "")


def to_document(results: Iterable[CaseResults], ruleset: RuleSet, errors: list[str] | None = None,
                evidences: Evidences = None) -> dict[str, Any]:
    """The ``mtus check --format json`` document; with ``evidences``, each criterion carries the sentences
    behind it (``evidence``) and each case the facts extracted from its source (``evidence``)."""
    cases = []
    for i, (case_id, source, items) in enumerate(results):
        evidence = evidence_of(evidences, i)
        case: dict[str, Any] = {"case_id": case_id, "source": source, "warnings": case_warnings(items), "items": []}
        for item in items:
            entry = item.to_dict()
            for c, out in zip(item.criteria, entry["criteria"], strict=True):
                sentences = criterion_evidence(evidence, c, item)
                if sentences:
                    out["evidence"] = sentences
            case["items"].append(entry)
        if evidence is not None and evidence.entries:
            case["evidence"] = evidence.entries
        cases.append(case)
    doc: dict[str, Any] = {"ruleset": ruleset.provenance, "cases": cases}
    if errors:
        doc["errors"] = errors
    return doc


def edition_text(item: ItemResult) -> str:
    """"Edition 2016, in force 2016-07-28 to 2017-11-30 (judged on 2017-03-01)"; "" without a rule."""
    if not item.rule:
        return f"Judged on {item.date}" if item.date else ""
    dates = item.edition_dates or {}
    span = (f"{dates.get('from')} to {dates['to']}" if dates.get("to") else f"from {dates.get('from')}") \
        if dates.get("from") else "dates not stated"
    return f"Edition {item.edition or 'not stated'}, in force {span}" + (f" (judged on {item.date})" if item.date
                                                                            else " (no date given)")


def formulary_text(item: ItemResult) -> str:
    """"MTUS Drug Formulary: non-exempt, no prospective review (special fill). <reason>"; "" without one."""
    f = item.formulary
    if not f:
        return ""
    review = "prospective review required" if f["review_required"] else "no prospective review"
    policy = f" ({f['policy'].replace('_', ' ')})" if f.get("policy") else ""
    return f"MTUS Drug Formulary: {f['status'].replace('_', '-')}, {review}{policy}. {f['reason']}"


def print_text(console: Any, results: Iterable[CaseResults], ruleset: RuleSet, evidences: Evidences = None) -> None:
    """Rich panels: one per item, prediction first, then cited criteria (with the case's own sentences),
    then what to document; before them, the facts extracted from the case's source with their sentences."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    for i, (case_id, source, items) in enumerate(results):
        evidence = evidence_of(evidences, i)
        console.rule(f"[bold]{case_id}[/bold]" + (f"  [dim]{source}[/dim]" if source else ""))
        warnings = case_warnings(items)
        if warnings:
            console.print(Panel(Text("\n".join(f"⚠ {w}" for w in warnings)), title="[bold]MTUS edition[/bold]",
                                title_align="left", border_style="bold yellow"))
        facts = fact_lines(evidence)
        if facts:
            console.print(Text("Facts read from the source (correct them in the case file: mtus extract):",
                               style="bold"))
            for fact, value, sentence in facts:
                line = Text("  ")
                line.append(fact, style="bold")
                line.append(f" = {value}  ")
                line.append(f"“{sentence}”", style="dim")
                console.print(line)
        for item in items:
            body = Table.grid(padding=(0, 1))
            body.add_column(width=2)
            body.add_column(ratio=1)
            headline = Text(verdict(item), style="bold " + {"upheld": "red", "overturned": "green"}.get(
                item.predicted or "", "yellow"))
            if item.actual:
                headline.append(f"   (actual: {item.actual})", style="dim")
            body.add_row("", headline)
            if item.rule:
                body.add_row("", Text(f"Rule {item.rule}: {item.rule_title}", style="dim"))
            if edition_text(item):  # yellow when the date is outside every encoded edition (the banner says why)
                body.add_row(Text("⚠", style="yellow") if item.warnings else "",
                             Text(edition_text(item), style="yellow" if item.warnings else "dim"))
            if item.spelling:
                body.add_row("", Text(item.spelling, style="yellow"))
            if item.note:
                body.add_row("", Text(item.note, style="yellow"))
            if item.silent:
                body.add_row("", Text(silent_citation(item), style="cyan"))
            if item.formulary:
                body.add_row(Text("℞", style="bold"), Text(formulary_text(item), style="bold magenta"
                                                          if item.formulary["review_required"] else "magenta"))
            for c in item.criteria:
                line = Text()
                line.append(f"{c.text}", style="bold")
                line.append(f"  [{WORD[c.status]}]", style=STYLE[c.status])
                line.append(f"\n{c.explanation}")
                line.append(f"\n{citation_text(c.citation)}", style="cyan")
                if c.citation.get("quote"):
                    line.append(": " + quote_text(c.citation), style="dim")
                for sentence in criterion_evidence(evidence, c, item):
                    line.append(f"\n  “{sentence}”", style="italic")
                body.add_row(Text(MARK[c.status], style=STYLE[c.status]), line)
            if item.to_document:
                body.add_row("", Text("To document:", style="bold yellow"))
                for d in item.to_document:
                    body.add_row("", Text(f"• {d}"))
            what = item.drug or "no drug"
            if item.drug_class:
                what += f", {item.drug_class.replace('_', ' ')}"
            console.print(Panel(body, title=f"[bold]{item.request}[/bold]  [dim]({what})[/dim]", title_align="left",
                                border_style={"upheld": "red", "overturned": "green"}.get(item.predicted or "",
                                                                                          "yellow")))
    console.print(f"[dim]rules {ruleset.version} #{ruleset.hash}[/dim]")


def to_markdown(results: Iterable[CaseResults], ruleset: RuleSet, evidences: Evidences = None) -> str:
    """A one-page Markdown report a physician can attach (no raw HTML from the case gets through)."""
    out = ["# MTUS compliance check", ""]
    for i, (case_id, source, items) in enumerate(results):
        evidence = evidence_of(evidences, i)
        out += [f"## Case {_md(case_id)}", ""]
        if source:
            out += [f"Source: {md.code(source)}", ""]
        warnings = case_warnings(items)
        if warnings:
            out += ["> **MTUS edition warning**", ">"] + [f"> - {_md(w)}" for w in warnings] + [""]
        facts = fact_lines(evidence)
        if facts:
            out += ["**Facts read from the source:**", "", "| Fact | Value | Sentence |", "|---|---|---|"]
            out += [f"| {_md(f)} | {_md(v)} | {_md(t)} |" for f, v, t in facts] + [""]
        for item in items:
            out += [f"### {_md(item.request)}", "",
                    f"**Prediction: {verdict(item)}**"
                    + (f" (actual: {_md(item.actual)})" if item.actual else ""), ""]
            meta = f"Drug: {_md(item.drug or 'none')}" + (f" ({_md(item.drug_class)})" if item.drug_class else "")
            if item.rule:
                meta += f". Rule: {md.code(item.rule)}, {_md(item.rule_title)}"
            if edition_text(item):
                meta += f". {_md(edition_text(item))}"
            out += [meta + ".", ""]
            if item.spelling:
                out += [f"> {_md(item.spelling)}", ""]
            if item.note:
                out += [f"> {_md(item.note)}", ""]
            if item.formulary:
                out += ["**MTUS Drug Formulary:** " + _md(formulary_text(item).removeprefix("MTUS Drug Formulary: ")),
                        ""]
            if item.silent:
                out += [f"> {_md(silent_citation(item))}", ""]
            if item.criteria:
                out += ["| | Criterion | Status | Why | MTUS |", "|---|---|---|---|---|"]
                for c in item.criteria:
                    cite = citation_text(c.citation)
                    if c.citation.get("quote"):
                        cite += ": " + quote_text(c.citation)
                    why = c.explanation + "".join(f" “{t}”" for t in criterion_evidence(evidence, c, item))
                    cells = [MARK[c.status], _md(c.text), WORD[c.status], _md(why), _md(cite)]
                    out.append("| " + " | ".join(cells) + " |")
                out.append("")
            if item.to_document:
                out += ["**To document:**", ""] + [f"- {_md(d)}" for d in item.to_document] + [""]
    out.append(f"_Rules {_md(ruleset.version)}, content hash {ruleset.hash}._")
    return "\n".join(out) + "\n"


_md = md.text  # HTML-escaped, pipes escaped, one line


_CSS = """body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em}
.item{border:1px solid #ddd;border-left:6px solid #999;border-radius:6px;padding:.6em 1em;margin:1em 0;
break-inside:avoid}
.upheld{border-left-color:#c62828}.overturned{border-left-color:#2e7d32}.none{border-left-color:#f9a825}
.verdict{font-weight:bold}.upheld .verdict{color:#c62828}.overturned .verdict{color:#2e7d32}
table{border-collapse:collapse;width:100%}
td,th{border-top:1px solid #eee;padding:.3em;vertical-align:top;text-align:left}
.met{color:#2e7d32}.not_met{color:#c62828}.not_documented{color:#b26a00}.not_applicable{color:#888}
.cite{color:#555;font-size:.9em}.meta{color:#666}.ev{font-style:italic;color:#444;margin-top:.2em}
details.facts{margin:.5em 0}@media print{body{margin:0}details.facts{display:block}}
.warning{border:2px solid #f9a825;background:#fff8e1;border-radius:6px;padding:.4em 1em;margin:1em 0}"""
REPORT_CSS = _CSS  # the report's style, shared by the web check's pages



def to_html(results: Iterable[CaseResults], ruleset: RuleSet, evidences: Evidences = None) -> str:
    """A self-contained, printable HTML page."""
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>MTUS compliance check</title>"
            f"<style>{_CSS}</style></head><body><h1>MTUS compliance check</h1>\n"
            + html_body(results, ruleset, evidences) + "</body></html>\n")


def html_body(results: Iterable[CaseResults], ruleset: RuleSet, evidences: Evidences = None) -> str:
    """The report's content as an HTML fragment (the page of ``to_html`` and the web check's result page)."""
    e = html.escape
    out = []
    for i, (case_id, source, items) in enumerate(results):
        evidence = evidence_of(evidences, i)
        out.append(f"<h2>Case {e(case_id)}</h2>")
        if source:
            out.append(f"<p class=meta>Source: {e(source)}</p>")
        warnings = case_warnings(items)
        if warnings:
            out.append("<div class=warning role=alert><strong>MTUS edition warning</strong><ul>"
                       + "".join(f"<li>{e(w)}</li>" for w in warnings) + "</ul></div>")
        facts = fact_lines(evidence)
        if facts:
            out.append("<details class=facts><summary>Facts read from the source</summary><table>"
                       "<tr><th>Fact</th><th>Value</th><th>Sentence</th></tr>")
            out += [f"<tr><td>{e(f)}</td><td>{e(v)}</td><td class=ev>{e(t)}</td></tr>" for f, v, t in facts]
            out.append("</table></details>")
        for item in items:
            out.append(f"<section class='item {item.predicted or 'none'}'><h3>{e(item.request)}</h3>")
            out.append(f"<p class=verdict>{e(verdict(item))}</p>")
            meta = f"Drug: {item.drug or 'none'}" + (f" ({item.drug_class})" if item.drug_class else "")
            if item.rule:
                meta += f" · Rule {item.rule}: {item.rule_title}"
            if edition_text(item):
                meta += f" · {edition_text(item)}"
            if item.actual:
                meta += f" · Actual: {item.actual}"
            out.append(f"<p class=meta>{e(meta)}</p>")
            for line in (item.spelling, item.note):
                if line:
                    out.append(f"<p><em>{e(line)}</em></p>")
            if item.formulary:
                out.append(f"<p class=formulary><strong>{e(formulary_text(item))}</strong></p>")
            if item.silent:
                out.append(f"<p class=cite>{e(silent_citation(item))}</p>")
            if item.criteria:
                out.append("<table><tr><th></th><th>Criterion</th><th>Status</th><th>Why</th></tr>")
                for c in item.criteria:
                    quote = f": {e(quote_text(c.citation))}" if c.citation.get("quote") else ""
                    said = "".join(f"<div class=ev>“{e(t)}”</div>" for t in criterion_evidence(evidence, c, item))
                    out.append(f"<tr><td class={c.status}>{MARK[c.status]}</td><td>{e(c.text)}"
                               f"<div class=cite>{e(citation_text(c.citation))}{quote}</div></td>"
                               f"<td class={c.status}>{WORD[c.status]}</td><td>{e(c.explanation)}{said}</td></tr>")
                out.append("</table>")
            if item.to_document:
                out.append("<p><strong>To document:</strong></p><ul>")
                out += [f"<li>{e(d)}</li>" for d in item.to_document]
                out.append("</ul>")
            out.append("</section>")
    out.append(f"<p class=meta>Rules {e(ruleset.version)}, content hash {e(ruleset.hash)}.</p>")
    return "\n".join(out) + "\n"
