"""`mtus rules docs`: a guideline book generated from the rules, in HTML and Markdown.

An index groups the rules by guideline and edition; each rule has a page with its source, dates,
scope, criteria (test in words, citation, quote), decision as nested text and examples; a last page
lists the fact vocabulary. A reviewer can hold each page against the MTUS page it cites.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from checker.core import markdown as md
from checker.core.output import write_atomic
from checker.engine.render import PROVENANCE, citation_text
from checker.facts.vocabulary import vocabulary
from checker.rules.describe import Node, applies_to, condition_tree, decision_tree, effective, lines
from checker.rules.model import Example
from checker.rules.ruleset import Rule, RuleSet, display_path

e = html.escape

_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
a{color:#1a5fb4}code,pre{font:13px/1.4 ui-monospace,monospace;background:#f5f5f5}pre{padding:.6em;overflow:auto}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #e3e3e3;padding:.35em;vertical-align:top;
text-align:left}.meta{color:#666}.crit{border:1px solid #ddd;border-radius:6px;padding:.4em 1em;margin:1em 0}
blockquote{margin:.4em 0;padding:.2em .8em;border-left:4px solid #c9d6e8;color:#333;background:#f8fafd}
ul.tree{margin:.2em 0}.unused{color:#c62828}.upheld{color:#c62828}.overturned{color:#2e7d32}
@media print{body{margin:0}a{color:inherit}}"""


def _page(title: str, body: list[str], provenance: str) -> str:
    return "\n".join(["<!doctype html><html lang=en><head><meta charset=utf-8>",
                      f"<title>{e(title)}</title><style>{_CSS}</style></head><body>", *body,
                      f"<p class=meta>Generated from the rule library: {e(provenance)}.</p></body></html>", ""])


def _html_tree(node: Node) -> str:
    label = e(node.label)
    if not node.children:
        return f"<li>{label}</li>"
    return f"<li>{label}<ul class=tree>" + "".join(_html_tree(c) for c in node.children) + "</ul></li>"


def _tree_block(node: Node) -> str:
    return f"<ul class=tree>{_html_tree(node)}</ul>"


_md = md.text  # HTML-escaped, pipes escaped, one line


def _expected(example: Example) -> tuple[str, dict[str, str]]:
    outcome = example.predicted or (example.coverage or "(outcome not stated)").replace("_", " ")
    return outcome, {k: str(v) for k, v in example.criteria.items()}


def _facts_yaml(example: Example) -> str:
    data: dict[str, Any] = dict(example.facts)
    if set(example.request) != {"text"}:
        data["request"] = example.request
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).strip() if data else "(no facts)"


def _groups(ruleset: RuleSet) -> dict[str, list[Rule]]:
    groups: dict[str, list[Rule]] = {}
    for rule in sorted(ruleset.rules, key=lambda r: (r.source.get("guideline", ""), r.edition or "", r.id)):
        name = rule.source.get("guideline", "Other") + (f" ({rule.edition})" if rule.edition else "")
        groups.setdefault(name, []).append(rule)
    return groups


def _where(rule: Rule) -> str:
    parts = [rule.source.get("section"), ("pp. " if "-" in (p := rule.source.get("pages") or "") else "p. ") + p
             if rule.source.get("pages") else None]
    return ", ".join(x for x in parts if x)


_EDITIONS_INTRO = ("The editions of the MTUS and when each was in force. A date outside every encoded edition is "
                   "reported on every output (a warning, or not covered with `--edition-policy refuse`), never judged "
                   "silently under another edition.")


def edition_rows(ruleset: RuleSet) -> list[tuple[str, str, str, str, str]]:
    """Each listed edition: (title, in force, superseded by, encoded, sources), encoded ones saying how many rules."""
    counts: dict[str, int] = {}
    for rule in ruleset.rules:
        edition = ruleset.edition_of(rule)
        if edition is not None:
            counts[edition.id] = counts.get(edition.id, 0) + 1
    titles = {e.id: e.title for e in ruleset.editions.editions}
    rows = []
    for edition in ruleset.editions.editions:
        n = counts.get(edition.id, 0)
        encoded = f"encoded: {n} rule{'s' if n != 1 else ''}" if n else "not encoded"
        if edition.kind == "formulary":
            lists = [f"{d.version or 'version not stated'}, effective {d.effective}"
                     + (" (SYNTHETIC test list)" if d.synthetic else "") for d in ruleset.drug_lists]
            encoded = ("MTUS Drug Lists loaded: " + "; ".join(lists)) if lists else \
                "rules encoded (8 CCR 9792.27.7-.13); no MTUS Drug List loaded (`mtus formulary import`)"
        rows.append((edition.title, edition.span(), titles.get(edition.superseded_by or "", "–"), encoded,
                     "; ".join(edition.sources)))
    return rows


def index_html(ruleset: RuleSet, provenance: str) -> str:
    body = ["<h1>MTUS rule library: guideline book</h1>",
            f"<p class=meta>{len(ruleset.rules)} rules. Each rule page lists its criteria with the MTUS page and "
            "quote they encode. <a href='facts.html'>Fact vocabulary</a>.</p>"]
    if ruleset.editions.editions:
        body += ["<h2 id=editions>MTUS editions</h2>", f"<p>{e(_EDITIONS_INTRO)}</p>",
                 "<table><tr><th>Edition</th><th>In force</th><th>Superseded by</th><th>Rules</th><th>Sources of the "
                 "dates</th></tr>"]
        body += [f"<tr><td>{e(t)}</td><td>{e(d)}</td><td>{e(by)}</td><td>{e(enc)}</td><td class=meta>{e(src)}</td></tr>"
                 for t, d, by, enc, src in edition_rows(ruleset)]
        body.append("</table>")
    for group, rules in _groups(ruleset).items():
        body += [f"<h2>{e(group)}</h2>", "<table><tr><th>Rule</th><th>Section, pages</th><th>Applies to</th>"
                 "<th>In force</th></tr>"]
        for r in rules:
            body.append(f"<tr><td><a href='rules/{e(r.id)}.html'>{e(r.title)}</a><br><code>{e(r.id)}</code></td>"
                        f"<td>{e(_where(r))}</td><td>{e(applies_to(r))}</td><td>{e(effective(r))}</td></tr>")
        body.append("</table>")
    return _page("MTUS rule library", body, provenance)


def index_md(ruleset: RuleSet, provenance: str) -> str:
    out = ["# MTUS rule library: guideline book", "",
           f"{len(ruleset.rules)} rules. Each rule page lists its criteria with the MTUS page and quote they encode. "
           "See also the [fact vocabulary](facts.md).", ""]
    if ruleset.editions.editions:
        out += ["## MTUS editions", "", _EDITIONS_INTRO, "",
                "| Edition | In force | Superseded by | Rules | Sources of the dates |", "|---|---|---|---|---|"]
        out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in edition_rows(ruleset)]
        out.append("")
    for group, rules in _groups(ruleset).items():
        out += [f"## {_md(group)}", "", "| Rule | Section, pages | Applies to | In force |", "|---|---|---|---|"]
        out += [f"| [{_md(r.title)}](rules/{r.id}.md) {md.code(r.id)} | {_md(_where(r))} | {_md(applies_to(r))} | "
                f"{_md(effective(r))} |" for r in rules]
        out.append("")
    out.append(f"_Generated from the rule library: {provenance}._")
    return "\n".join(out) + "\n"


def rule_html(rule: Rule, provenance: str) -> str:
    body = ["<p><a href='../index.html'>← All rules</a></p>", f"<h1>{e(rule.title)}</h1>",
            f"<p><code>{e(rule.id)}</code> · <span class=meta>{e(display_path(rule.file))}:{rule.line}</span></p>",
            "<table>",
            f"<tr><th>Source</th><td>{e(citation_text(rule.source))}</td></tr>",
            f"<tr><th>Edition</th><td>{e(rule.edition or 'not stated')}</td></tr>",
            f"<tr><th>In force</th><td>{e(effective(rule))}</td></tr>",
            f"<tr><th>Applies to</th><td>{e(applies_to(rule))}</td></tr></table>"]
    if rule.description:
        body.append(f"<p>{e(rule.description)}</p>")
    body.append(f"<h2>Criteria ({len(rule.criteria)})</h2>")
    for c in rule.criteria:
        unused = "" if c.id in rule.decision_ids else " <span class=unused>(not used by the decision)</span>"
        body += [f"<section class=crit id='{e(c.id)}'><h3>{e(c.text)}</h3>",
                 f"<p><code>{e(c.id)}</code>{unused}</p>",
                 f"<p><strong>Cites:</strong> {e(citation_text(c.citation))}"
                 + (f" <span class=meta>(quote checked: {e(c.citation['provenance'])})</span>"
                    if c.citation.get("provenance") else "") + "</p>"]
        if c.citation.get("quote"):
            body.append(f"<blockquote>{e(c.citation['quote'])}</blockquote>")
        if c.when_condition is not None:
            body.append("<p><strong>Applies when:</strong></p>" + _tree_block(condition_tree(c.when_condition)))
        body.append("<p><strong>Met when:</strong></p>" + _tree_block(condition_tree(c.test_condition)))
        if c.document:
            body.append(f"<p><strong>To document:</strong> {e(c.document)}</p>")
        body.append("</section>")
    if rule.silent:
        body += ["<h2>MTUS silent</h2>", f"<p>{e(rule.silent['reason'])}</p>",
                 f"<p><strong>Reviewers then use:</strong> {e(rule.silent['reviewers_use'])}</p>"]
    else:
        texts = {c.id: c.text for c in rule.criteria}
        body += ["<h2>Decision</h2><p>Medically necessary (overturned) when:</p>",
                 _tree_block(decision_tree(rule.decision_tree, texts)),
                 "<p class=meta>Otherwise upheld; a criterion not documented counts against the request.</p>"]
    body.append(f"<h2>Examples ({len(rule.examples)})</h2>")
    for ex in rule.examples:
        outcome, statuses = _expected(ex)
        body += [f"<h3>{e(ex.name)}</h3>", f"<p>Request: <code>{e(ex.request_text)}</code> → expected "
                 f"<strong class={e(outcome)}>{e(outcome)}</strong></p>", f"<pre>{e(_facts_yaml(ex))}</pre>"]
        if statuses:
            body.append("<ul>" + "".join(f"<li><a href='#{e(k)}'>{e(k)}</a>: {e(v.replace('_', ' '))}</li>"
                                         for k, v in statuses.items()) + "</ul>")
    return _page(f"{rule.title} ({rule.id})", body, provenance)


def rule_md(rule: Rule, provenance: str) -> str:
    out = ["[← All rules](../index.md)", "", f"# {_md(rule.title)}", "",
           f"{md.code(rule.id)} ({_md(display_path(rule.file))}:{rule.line})", "",
           f"- **Source:** {_md(citation_text(rule.source))}", f"- **Edition:** {_md(rule.edition or 'not stated')}",
           f"- **In force:** {_md(effective(rule))}", f"- **Applies to:** {_md(applies_to(rule))}", ""]
    if rule.description:
        out += [_md(rule.description), ""]
    out += [f"## Criteria ({len(rule.criteria)})", ""]
    for c in rule.criteria:
        out += [f"### {_md(c.text)}", "", md.code(c.id) + ("" if c.id in rule.decision_ids
                                                          else " (not used by the decision)"), "",
                f"**Cites:** {_md(citation_text(c.citation))}", ""]
        if c.citation.get("quote"):
            note = PROVENANCE.get(c.citation.get("provenance", ""))
            out += [f"> {_md(c.citation['quote'])}", ""] + ([f"*(Quote: {_md(note)}.)*", ""] if note else [])
        if c.when_condition is not None:
            out += ["**Applies when:**", "", *_md_lines(condition_tree(c.when_condition)), ""]
        out += ["**Met when:**", "", *_md_lines(condition_tree(c.test_condition)), ""]
        if c.document:
            out += [f"**To document:** {_md(c.document)}", ""]
    if rule.silent:
        out += ["## MTUS silent", "", _md(rule.silent["reason"]), "",
                f"**Reviewers then use:** {_md(rule.silent['reviewers_use'])}", ""]
    else:
        texts = {c.id: c.text for c in rule.criteria}
        out += ["## Decision", "", "Medically necessary (overturned) when:", "",
                *_md_lines(decision_tree(rule.decision_tree, texts)), "",
                "Otherwise upheld; a criterion not documented counts against the request.", ""]
    out += [f"## Examples ({len(rule.examples)})", ""]
    for ex in rule.examples:
        outcome, statuses = _expected(ex)
        out += [f"### {_md(ex.name)}", "", f"Request: {md.code(ex.request_text)} → expected **{_md(outcome)}**", "",
                *md.fence(_facts_yaml(ex), "yaml"), ""]
        out += [f"- {_md(k)}: {_md(v.replace('_', ' '))}" for k, v in statuses.items()]
        if statuses:
            out.append("")
    out.append(f"_Generated from the rule library: {_md(provenance)}._")
    return "\n".join(out) + "\n"


def _md_lines(tree: Node) -> list[str]:
    """A condition or decision tree as a Markdown list, its labels escaped."""
    return [line[: len(line) - len(line.lstrip())] + "- " + _md(line.lstrip()[2:]) for line in lines(tree)]


def _fact_rows() -> list[tuple[str, str, str]]:
    rows = []
    for fact in vocabulary().values():
        kind = fact.type + (f": {', '.join(fact.enum)}" if fact.enum else "") + (
            f" of: {', '.join(fact.item_enum)}" if fact.item_enum else "") + (" (derived)" if fact.derived else "")
        rows.append((fact.path, kind, fact.description))
    return rows


def facts_html(provenance: str) -> str:
    body = ["<p><a href='index.html'>← All rules</a></p><h1>Fact vocabulary</h1>",
            "<p class=meta>Every fact a rule may test, from schemas/case.schema.json. Facts about the requested "
            "item are read as <code>request.&lt;name&gt;</code>; derived facts are computed, not written.</p>",
            "<table><tr><th>Fact</th><th>Type</th><th>Description</th></tr>"]
    body += [f"<tr><td><code>{e(p)}</code></td><td>{e(t)}</td><td>{e(d)}</td></tr>" for p, t, d in _fact_rows()]
    body.append("</table>")
    return _page("Fact vocabulary", body, provenance)


def facts_md(provenance: str) -> str:
    out = ["[← All rules](index.md)", "", "# Fact vocabulary", "",
           "Every fact a rule may test, from `schemas/case.schema.json`. Facts about the requested item are read "
           "as `request.<name>`; derived facts are computed, not written.", "",
           "| Fact | Type | Description |", "|---|---|---|"]
    out += [f"| `{p}` | {_md(t)} | {_md(d)} |" for p, t, d in _fact_rows()]
    out += ["", f"_Generated from the rule library: {provenance}._"]
    return "\n".join(out) + "\n"


def pages(ruleset: RuleSet) -> dict[str, str]:
    """Every page of the book, keyed by its path relative to the output folder."""
    prov = f"rules {ruleset.version} #{ruleset.hash}"
    out = {"index.html": index_html(ruleset, prov), "index.md": index_md(ruleset, prov),
           "facts.html": facts_html(prov), "facts.md": facts_md(prov)}
    render: dict[str, Callable[[Rule, str], str]] = {"html": rule_html, "md": rule_md}
    for rule in ruleset.rules:
        for ext, fn in render.items():
            out[f"rules/{rule.id}.{ext}"] = fn(rule, prov)
    return out


def write_docs(ruleset: RuleSet, folder: str | Path) -> list[Path]:
    """Write the book under ``folder``, each file atomically and never over a rule file."""
    root = Path(folder)
    written = []
    for name, text in pages(ruleset).items():
        target = root / name
        write_atomic(target, text, inputs=ruleset.files)
        written.append(target)
    return written
