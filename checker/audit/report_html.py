"""``mtus audit --format html``: one self-contained page (inline CSS, JS and SVG; no network).

Charts: the confusion matrix and agreement by drug class (inline SVG). The item table is
sortable (click a column header) and filterable (free text, and agreement).
"""

from __future__ import annotations

import html
from typing import IO, Any

from checker.audit.report_json import head
from checker.audit.run import AuditResult
from checker.audit.stats import COVERAGE_COLUMNS, COVERAGE_KEYS
from checker.engine.render import MARK, WORD

e = html.escape

_CSS = """.warning{border:2px solid #f9a825;background:#fff8e1;border-radius:6px;padding:.4em 1em;margin:1em 0}
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#666}.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;
padding:.5em 1em;min-width:9em}.card b{display:block;font-size:1.6em}.charts{display:flex;gap:2em;flex-wrap:wrap}
table{border-collapse:collapse;margin:.5em 0}td,th{border-bottom:1px solid #eee;padding:.25em .5em;text-align:left;
vertical-align:top}th{background:#f6f6f6}td.n{text-align:right}#items th{cursor:pointer;user-select:none}
#items th[aria-sort=ascending]::after{content:" ▲"}#items th[aria-sort=descending]::after{content:" ▼"}
tr.no td{background:#fff3f3}.controls{display:flex;gap:1em;align-items:center;margin:.5em 0}
.controls input{padding:.3em;width:22em}.met{color:#2e7d32}.not_met{color:#c62828}.not_documented{color:#b26a00}
.not_applicable{color:#888}.ev{color:#555;font-style:italic;margin-left:1.5em}.group{margin:.6em 0}
details{margin:.3em 0}summary{cursor:pointer}@media print{.controls{display:none}}"""

_JS = """(function(){
var table=document.getElementById('items'),body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var text=document.getElementById('filter'),agree=document.getElementById('agree-filter');
var shown=document.getElementById('shown');
var keys=rows.map(function(r){return r.textContent.toLowerCase();});
function apply(){var q=text.value.toLowerCase().trim(),a=agree.value,n=0;
 rows.forEach(function(r,i){var ok=(!q||keys[i].indexOf(q)>=0)&&(a==='all'||r.dataset.agree===a);
  r.style.display=ok?'':'none';if(ok)n++;});
 shown.textContent=n+' of '+rows.length+' items shown';}
text.addEventListener('input',apply);agree.addEventListener('change',apply);
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,col){th.addEventListener('click',function(){
 var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
 Array.prototype.forEach.call(table.tHead.rows[0].cells,function(h){h.removeAttribute('aria-sort');});
 th.setAttribute('aria-sort',dir>0?'ascending':'descending');
 var order=rows.map(function(r,i){return [r.cells[col].textContent,i];});
 order.sort(function(x,y){var a=x[0],b=y[0],na=parseFloat(a),nb=parseFloat(b),c;
  if(!isNaN(na)&&!isNaN(nb)&&String(na)===a.trim()&&String(nb)===b.trim())c=na-nb;else c=a.localeCompare(b);
  return c*dir||x[1]-y[1];});
 var ordered=order.map(function(o){return rows[o[1]];});
 keys=ordered.map(function(r){return r.textContent.toLowerCase();});
 rows=ordered;rows.forEach(function(r){body.appendChild(r);});});});
apply();})();"""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def confusion_svg(matrix: dict[str, dict[str, int]]) -> str:
    """A 2x2 heat map of actual (rows) by predicted (columns)."""
    total = max(1, max(n for row in matrix.values() for n in row.values()))
    cell, left, top = 110, 110, 40
    out = [f"<svg id=confusion-chart xmlns='http://www.w3.org/2000/svg' width='{left + 2 * cell + 10}' "
           f"height='{top + 2 * cell + 30}' role='img' aria-label='Confusion matrix'>",
           f"<text x='{left + cell}' y='16' text-anchor='middle' font-size='13'>predicted</text>"]
    outcomes = ("upheld", "overturned")
    for j, predicted in enumerate(outcomes):
        out.append(f"<text x='{left + j * cell + cell / 2}' y='{top - 6}' text-anchor='middle' "
                   f"font-size='12'>{predicted}</text>")
    for i, actual in enumerate(outcomes):
        y = top + i * cell
        out.append(f"<text x='{left - 8}' y='{y + cell / 2 + 4}' text-anchor='end' font-size='12'>{actual}</text>")
        for j, predicted in enumerate(outcomes):
            n = matrix[actual][predicted]
            shade = 0.12 + 0.78 * n / total
            color = "46,125,50" if actual == predicted else "198,40,40"
            out.append(f"<rect class=cell data-actual='{actual}' data-predicted='{predicted}' x='{left + j * cell}' "
                       f"y='{y}' width='{cell - 4}' height='{cell - 4}' fill='rgba({color},{shade:.2f})'/>"
                       f"<text x='{left + j * cell + cell / 2 - 2}' y='{y + cell / 2 + 6}' text-anchor='middle' "
                       f"font-size='20' font-weight='bold'>{n}</text>")
    out.append(f"<text x='12' y='{top + cell}' font-size='13' transform='rotate(-90 12 {top + cell})' "
               f"text-anchor='middle'>actual</text></svg>")
    return "".join(out)


def agreement_svg(rows: dict[str, dict[str, Any]]) -> str:
    """Horizontal bars: agreement per drug class (classes with compared items)."""
    rows = {k: v for k, v in rows.items() if v["compared"]}
    bar, left, width = 22, 150, 300
    out = [f"<svg id=class-chart xmlns='http://www.w3.org/2000/svg' width='{left + width + 90}' "
           f"height='{max(1, len(rows)) * bar + 30}' role='img' aria-label='Agreement by drug class'>"]
    for i, (key, c) in enumerate(rows.items()):
        y = 20 + i * bar
        w = width * (c["agreement"] or 0)
        out.append(f"<text x='{left - 6}' y='{y + 14}' text-anchor='end' font-size='12'>{e(key)}</text>"
                   f"<rect class=bar data-key='{e(key)}' x='{left}' y='{y + 2}' width='{w:.1f}' height='{bar - 6}' "
                   f"fill='#1565c0'/><text x='{left + w + 4}' y='{y + 14}' font-size='12'>"
                   f"{_pct(c['agreement'])} (n={c['compared']})</text>")
    if not rows:
        out.append("<text x='10' y='20' font-size='12'>no compared items</text>")
    out.append(f"<line x1='{left}' y1='14' x2='{left}' y2='{max(1, len(rows)) * bar + 20}' stroke='#999'/></svg>")
    return "".join(out)


def _breakdown(name: str, rows: dict[str, dict[str, Any]]) -> str:
    label = name.replace("_", " ")
    out = [f"<h3>By {e(label)}</h3><table class=breakdown id='by-{e(name)}'><tr><th>{e(label)}</th><th>items</th>"
           "<th>compared</th><th>agreement</th><th>kappa</th><th>U→U</th><th>U→O</th><th>O→U</th><th>O→O</th></tr>"]
    for key, c in rows.items():
        m = c["confusion"]
        out.append(f"<tr><td>{e(key)}</td><td class=n>{c['items']}</td><td class=n>{c['compared']}</td>"
                   f"<td class=n>{_pct(c['agreement'])}</td><td class=n>{_num(c['kappa'])}</td>"
                   f"<td class=n>{m['upheld']['upheld']}</td><td class=n>{m['upheld']['overturned']}</td>"
                   f"<td class=n>{m['overturned']['upheld']}</td><td class=n>{m['overturned']['overturned']}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _inconsistencies(groups: list[dict[str, Any]]) -> str:
    out = [f"<h2>Inconsistencies ({len(groups)})</h2><p class=meta>Items with the same rule and the same criteria "
           "statuses, decided differently by reviewers.</p>"]
    for g in groups:
        profile = ", ".join(f"<span class={p['status']}>{MARK[p['status']]} {e(p['id'])}</span>" for p in g["profile"])
        out.append(f"<div class=group><b>{e(g['rule'])}</b> (predicted {e(str(g['predicted']))}): "
                   f"{g['counts']['upheld']} upheld, {g['counts']['overturned']} overturned<br>{profile}")
        for outcome in ("upheld", "overturned"):
            names = "; ".join(f"{e(i['case_id'])} #{i['index'] + 1} {e(i['request'])}" for i in g["items"][outcome])
            out.append(f"<div class=meta>{outcome}: {names}</div>")
        out.append("</div>")
    return "".join(out)


def _disagreement(d: dict[str, Any]) -> str:
    out = [f"<details><summary>{e(d['case_id'])} #{d['index'] + 1} {e(d['request'])}: predicted "
           f"{e(d['predicted'])}, actual {e(d['actual'])}</summary><div class=meta>{e(str(d['rule']))}</div><ul>"]
    for c in d["deciding"]:
        out.append(f"<li><span class={c['status']}>{MARK[c['status']]} {WORD[c['status']]}</span>: {e(c['text'])}"
                   f"<div class=meta>{e(c['explanation'])}</div>")
        out += [f"<div class=ev>“{e(s)}”</div>" for s in c["evidence"]]
        out.append("</li>")
    out.append("</ul></details>")
    return "".join(out)


def _item_row(item: dict[str, Any]) -> str:
    agree = {True: "yes", False: "no", None: "na"}[item.get("agree")]
    deciding = ", ".join(item.get("deciding") or [])
    cells = [item["case_id"], str(item["index"] + 1), item["request"], item.get("drug") or item.get("service") or "",
             item.get("drug_class") or item.get("service_group") or "", item.get("rule") or "",
             item.get("predicted") or "not covered", item.get("actual") or "",
             {"yes": "agree", "no": "DISAGREE", "na": ""}[agree], deciding]
    return f"<tr class={agree} data-agree={agree}>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>\n"


def write_html(result: AuditResult, out: IO[str]) -> None:
    """Write the page, streaming the item table from the spool."""
    doc = head(result)
    summary, over = doc["summary"], doc["summary"]["overturned"]
    out.write("<!doctype html><html lang=en><head><meta charset=utf-8><title>MTUS audit</title>"
              f"<style>{_CSS}</style></head><body><h1>MTUS audit</h1>")
    run = f", run {result.run_id}" if result.run_id is not None else ""
    out.write(f"<p class=meta>Rules {e(result.provenance['version'])} #{e(result.provenance['hash'])}{run}; "
              f"{result.inputs} files, {summary['cases']} cases; {e(result.started)} to {e(result.finished)}; "
              f"inputs: {e(', '.join(result.paths))}</p>")
    if result.warnings:
        out.write("<div class=warning role=alert><strong>MTUS edition warning</strong><ul>" + "".join(
            f"<li>{n} item{'s' if n != 1 else ''}: {e(w)}</li>" for w, n in result.warnings.items()) + "</ul></div>")
    cards = [("items", summary["items"]), ("compared", summary["compared"]), ("agreement", _pct(summary["agreement"])),
             ("kappa", _num(summary["kappa"])), ("overturned caught", f"{over['caught']}/{over['actual']}"),
             ("MTUS silent", summary.get("mtus_silent", 0)),
             ("not covered", summary["not_covered"]), ("bad inputs", len(result.errors))]
    out.write("<div class=cards id=summary>" + "".join(
        f"<div class=card><b>{e(str(v))}</b>{e(k)}</div>" for k, v in cards) + "</div>")
    out.write("<h2>Charts</h2><div class=charts><figure><figcaption>Confusion matrix (actual × predicted)"
              f"</figcaption>{confusion_svg(summary['confusion'])}</figure><figure><figcaption>Agreement by drug "
              f"class or service</figcaption>{agreement_svg(doc['breakdowns']['drug_class'])}</figure></div>")
    out.write("<h2>Breakdowns</h2>" + "".join(_breakdown(n, rows) for n, rows in doc["breakdowns"].items()))
    rows = "".join(f"<tr><td>{e(k)}</td>" + "".join(f"<td class=n>{c[key]}</td>" for key in COVERAGE_KEYS) + "</tr>"
                   for k, c in doc["coverage"]["by_kind"].items())
    out.write("<h2>Coverage</h2><table id=coverage><tr>" + "".join(f"<th>{e(h)}</th>" for h in COVERAGE_COLUMNS)
              + f"</tr>{rows}</table>")
    out.write(_inconsistencies(doc["inconsistencies"]))
    out.write("<h2>Disagreements</h2><div id=disagreements>")
    for d in result.disagreements():
        out.write(_disagreement(d))
    out.write("</div>")
    if result.errors:
        out.write(f"<h2>Bad inputs ({len(result.errors)})</h2><ul id=errors>"
                  + "".join(f"<li>{e(str(p))}</li>" for p in result.errors) + "</ul>")
    out.write("<h2>Items</h2><div class=controls><input id=filter type=search placeholder='Filter items…' "
              "aria-label='Filter items'><select id=agree-filter aria-label='Agreement'><option value=all>all items"
              "</option><option value=no>disagreements</option><option value=yes>agreements</option><option value=na>"
              "not compared</option></select><span id=shown></span></div><table id=items><thead><tr><th>case</th>"
              "<th>#</th><th>request</th><th>drug or service</th><th>class or group</th><th>rule</th><th>predicted</th>"
              "<th>actual</th><th>agreement</th><th>deciding criteria</th></tr></thead><tbody>\n")
    for item in result.items():
        out.write(_item_row(item))
    out.write(f"</tbody></table><script>{_JS}</script></body></html>\n")
