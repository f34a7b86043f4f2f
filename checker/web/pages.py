"""The pages of the local web check: a form generated from ``schemas/case.schema.json``, the result page (the
content of ``check --format html``), the RFA statement, and a pasted note read into the form.

Every field of the form is a fact of the case schema (read-only, derived facts left out), grouped as a
physician reads a chart: injury, diagnoses, medications, pain, function, monitoring, requests. A yes/no fact
has three answers: yes, no, or not documented. Nothing is stored: the case travels in the page itself.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from typing import Any

from checker.core.dotted import get_dotted
from checker.rules.ruleset import RuleSet
from checker.web.casetoken import decode_case, encode_case

__all__ = ["form_page", "check_page", "rfa_page", "extract_page", "error_page", "form_fields", "GROUPS"]

REQUEST_SLOTS = 3
#: Form groups: (id, title, schema top-level keys in it).
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("injury", "Injury and patient", ("report_date", "patient", "injury", "work_status", "ur_date")),
    ("diagnoses", "Diagnoses and clinical findings", ("diagnoses", "clinical")),
    ("medications", "Medications and prior treatment", ("medications", "nsaid", "gi_risk", "prior_treatment")),
    ("pain", "Pain", ("pain",)),
    ("function", "Function", ("function",)),
    ("monitoring", "Monitoring", ("monitoring",)),
)
_SKIP_REQUEST = frozenset({"text", "actual", "kind", "drug"})
_LIST_HELP = {
    "diagnoses": "One per line, as written; ICD-10-CM codes in brackets are read too: Lumbar radiculopathy (M54.16)",
    "medications": "One per line: the drug as written, then 'since YYYY-MM-DD' if known: Norco 10/325 since 2015-02-26",
    "monitoring.urine_drug_screens": "One per line: the date, then consistent or inconsistent: 2015-05-07 consistent",
}


@dataclass(frozen=True)
class Field:
    """One form field: the fact path, its label and description, and how it is entered."""

    path: str  # "pain.with_medication", or "request.pain_relief" for the request slots
    label: str
    help: str
    kind: str  # boolean | number | integer | date | enum | text | textlist | lines
    choices: tuple[str, ...] = ()


def _kind(spec: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    types = spec.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if "boolean" in types:
        return "boolean", ()
    if spec.get("enum"):
        return "enum", tuple(v for v in spec["enum"] if v is not None)
    if "integer" in types:
        return "integer", ()
    if "number" in types:
        return "number", ()
    if "array" in types:
        return "textlist", ()
    if spec.get("format") == "date" or (spec.get("pattern") or "").startswith("^\\d{4}"):
        return "date", ()
    return "text", ()


_QUALIFIED = frozenset({"injury", "patient", "nsaid", "gi_risk", "prior_treatment", "dispensing"})


def _label(path: str) -> str:
    """"Injury date", "With medication" (pain), "Cures checked" (monitoring)."""
    parts = path.split(".")
    words = parts[-1].replace("_", " ")
    if len(parts) > 1 and parts[-2] in _QUALIFIED:
        words = parts[-2].replace("_", " ") + " " + words
    return words[:1].upper() + words[1:]


def _fields_of(spec: dict[str, Any], prefix: str) -> list[Field]:
    out: list[Field] = []
    for key, sub in (spec.get("properties") or {}).items():
        path = f"{prefix}{key}"
        if sub.get("readOnly") or key in ("evidence", "notes", "case_id", "source", "requests"):
            continue
        if "properties" in sub:
            out += _fields_of(sub, path + ".")
            continue
        if path in _LIST_HELP:
            out.append(Field(path, _label(path), _LIST_HELP[path], "lines"))
            continue
        if sub.get("type") == "array" and (sub.get("items") or {}).get("type") == "object":
            continue
        kind, choices = _kind(sub)
        if kind == "date" and "date" not in key and "first_noted" not in key:
            kind = "text"
        out.append(Field(path, _label(path), sub.get("description", ""), kind, choices))
    return out


@cache
def form_fields() -> tuple[dict[str, list[Field]], list[Field]]:
    """(fields per group id, request fields) generated from the case schema."""
    from checker.core.resources import schemas_dir

    case_schema = json.loads((schemas_dir() / "case.schema.json").read_text(encoding="utf-8"))
    by_key: dict[str, list[Field]] = {}
    for field in _fields_of(case_schema, ""):
        by_key.setdefault(field.path.split(".")[0], []).append(field)
    groups = {gid: [f for key in keys for f in by_key.get(key, [])] for gid, _title, keys in GROUPS}
    request_spec = case_schema["properties"]["requests"]["items"]
    request_fields = [f for f in _fields_of(request_spec, "request.") if f.path.split(".")[1] not in _SKIP_REQUEST]
    return groups, request_fields


# ---------------------------------------------------------------------------------------------
# Case <-> form values
# ---------------------------------------------------------------------------------------------


def _shown(field: Field, value: Any) -> str:
    """A case value as the form shows it."""
    if value is None:
        return ""
    if field.kind == "boolean":
        return "true" if value is True else "false" if value is False else ""
    if field.path == "diagnoses":
        return "\n".join(d.get("text", "") for d in value if isinstance(d, dict))
    if field.path == "medications":
        return "\n".join(m.get("name", "") + (f" since {m['first_noted']}" if m.get("first_noted") else "")
                         for m in value if isinstance(m, dict))
    if field.path == "monitoring.urine_drug_screens":
        return "\n".join(f"{s.get('date') or ''} " + {True: "consistent", False: "inconsistent"}.get(
            s.get("consistent"), "") for s in value if isinstance(s, dict)).strip()
    if field.kind == "textlist":
        return ", ".join(str(v) for v in value)
    return str(value)


class FormError(ValueError):
    """A form value that cannot be read: the field's label and why."""


def _read(field: Field, raw: str) -> Any:
    """A form value as the case holds it (None: not documented)."""
    from checker.ingest.vocab import diagnosis_categories

    raw = raw.strip()
    if not raw:
        return None
    if field.kind == "boolean":
        return {"true": True, "false": False}.get(raw)
    if field.kind in ("number", "integer"):
        try:
            number = float(raw)
        except ValueError:
            raise FormError(f"{field.label}: '{raw}' is not a number") from None
        return int(number) if field.kind == "integer" or number.is_integer() else number
    if field.kind == "enum":
        if raw not in field.choices:
            raise FormError(f"{field.label}: '{raw}' is not one of {', '.join(field.choices)}")
        return raw
    if field.kind == "textlist":
        return [v.strip() for v in raw.split(",") if v.strip()]
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if field.path == "diagnoses":
        from checker.ingest.icd10 import ICD10_CODE, icd10_categories

        out = []
        for line in lines:
            cats = [c for c in diagnosis_categories(line) if c != "other"]
            for code in ICD10_CODE.findall(line):
                cats += [c for c in icd10_categories(code) if c not in cats]
            out.append({"text": line, "categories": cats or ["other"]})
        return out
    if field.path == "medications":
        return [_medication(line) for line in lines]
    if field.path == "monitoring.urine_drug_screens":
        return [_screen(field, line) for line in lines]
    return raw


def _medication(line: str) -> dict[str, Any]:
    import re

    from checker.facts.catalog import default_catalog

    since = re.search(r"\bsince\s+(\d{4}-\d{2}-\d{2})", line)
    name = line[: since.start()].strip() if since else line
    match = next(iter(default_catalog().find(name)), None)
    med: dict[str, Any] = {"name": name, "drug": match.entry.principal if match else None}
    if since:
        med["first_noted"] = since.group(1)
    return med


def _screen(field: Field, line: str) -> dict[str, Any]:
    import re

    m = re.match(r"(\d{4}-\d{2}-\d{2})\s*(.*)$", line)
    if not m:
        raise FormError(f"{field.label}: '{line}' does not start with a date (YYYY-MM-DD)")
    entry: dict[str, Any] = {"date": m.group(1)}
    if re.search(r"\binconsistent|not\s+consistent", m.group(2), re.I):
        entry["consistent"] = False
    elif re.search(r"\bconsistent", m.group(2), re.I):
        entry["consistent"] = True
    return entry


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[leaf] = value


def case_from_form(form: dict[str, list[str]]) -> dict[str, Any]:
    """The case document of a submitted form; FormError naming the first field that cannot be read."""
    groups, request_fields = form_fields()
    data: dict[str, Any] = {"case_id": (form.get("case_id") or ["web-check"])[0].strip() or "web-check",
                            "source": "web check"}
    for fields in groups.values():
        for field in fields:
            value = _read(field, (form.get(field.path) or [""])[0])
            if value is not None:
                _put(data, field.path, value)
    data["requests"] = []
    for slot in range(REQUEST_SLOTS):
        text = (form.get(f"requests.{slot}.text") or [""])[0].strip()
        if not text:
            continue
        request: dict[str, Any] = {"text": text}
        for field in request_fields:
            value = _read(field, (form.get(f"requests.{slot}.{field.path.removeprefix('request.')}") or [""])[0])
            if value is not None:
                _put(request, field.path.removeprefix("request."), value)
        data["requests"].append(request)
    if not data["requests"]:
        raise FormError("Requests: name at least one requested item (a drug or a service)")
    evidence = (form.get("evidence") or [""])[0]
    if evidence:
        kept = decode_case(evidence) or {}
        if kept.get("evidence"):
            data["evidence"] = kept["evidence"]
    return data


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_CSS = """
.wrap{display:grid;grid-template-columns:1fr;gap:1em}fieldset{border:1px solid #ccc;border-radius:6px;margin:0 0 1em}
legend{font-weight:bold;padding:0 .3em}.f{display:grid;grid-template-columns:16em 1fr;gap:.2em .8em;margin:.25em 0;
align-items:start}.f label{font-weight:600}.f small{grid-column:2;color:#666}input,select,textarea{font:inherit;
padding:.2em;border:1px solid #bbb;border-radius:4px}textarea{width:100%;min-height:3.5em}input[type=text]{width:100%}
.from-note{background:#fff3c4;border-color:#d4a400}.said{grid-column:2;color:#7a5b00;font-size:.85em;font-style:italic}
mark{background:#fff3c4}.note{white-space:pre-wrap;border:1px solid #ddd;padding:.6em;border-radius:6px;
max-height:24em;overflow:auto;font-size:.9em}.err{border:2px solid #c62828;background:#fdecea;padding:.5em 1em;
border-radius:6px}.bar button{font:inherit;padding:.4em 1em;margin-right:.5em}
.slot{border-top:1px dashed #ccc;padding-top:.4em;margin-top:.4em}
@media print{form,.bar,.noprint{display:none!important}body{max-width:none}}"""


def _page(title: str, body: str) -> str:
    from checker.engine.render import REPORT_CSS

    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width'><title>{html.escape(title)}</title><style>{REPORT_CSS}{_CSS}</style>"
            f"</head><body>{body}</body></html>\n")


def _said(path: str, evidence: dict[str, str]) -> str:
    sentence = evidence.get(path)
    return f"<div class=said>From the note: “{html.escape(sentence)}”</div>" if sentence else ""


def _input(field: Field, name: str, value: str, evidence: dict[str, str], key: str) -> str:
    e = html.escape
    cls = " class=from-note" if key in evidence else ""
    if field.kind in ("boolean", "enum"):
        options = [("", "not documented")] + ([("true", "yes"), ("false", "no")] if field.kind == "boolean"
                                              else [(c, c.replace("_", " ")) for c in field.choices])
        opts = "".join(f"<option value='{e(v)}'{' selected' if v == value else ''}>{e(t)}</option>"
                       for v, t in options)
        control = f"<select id='{e(name)}' name='{e(name)}'{cls}>{opts}</select>"
    elif field.kind == "lines":
        control = f"<textarea id='{e(name)}' name='{e(name)}'{cls}>{e(value)}</textarea>"
    else:
        kind = {"number": "number", "integer": "number", "date": "date"}.get(field.kind, "text")
        step = " step=any" if field.kind == "number" else ""
        control = f"<input type={kind}{step} id='{e(name)}' name='{e(name)}' value='{e(value)}'{cls}>"
    return (f"<div class=f><label for='{e(name)}' title='{e(field.help)}'>{e(field.label)}</label>{control}"
            f"{_said(key, evidence)}</div>")


def _evidence_by_field(data: dict[str, Any]) -> dict[str, str]:
    """The first sentence behind each form field, keyed as the form names them."""
    out: dict[str, str] = {}
    for entry in data.get("evidence") or []:
        if not entry.get("sentence"):
            continue
        fact = entry["fact"]
        if entry.get("request") is not None:
            fact = f"requests.{entry['request']}.{fact.removeprefix('request.')}"
        out.setdefault(fact, entry["sentence"])
    return out


def _form(data: dict[str, Any], error: str | None = None) -> str:
    e = html.escape
    groups, request_fields = form_fields()
    evidence = _evidence_by_field(data)
    out = ["<form method=post action='/check' id=case-form>"]
    if error:
        out.append(f"<p class=err role=alert>{e(error)}</p>")
    out.append(f"<input type=hidden name=case_id value='{e(str(data.get('case_id') or 'web-check'))}'>")
    if data.get("evidence"):
        out.append(f"<input type=hidden name=evidence value='{encode_case(data, keep_evidence=True)}'>")
    for gid, title, _keys in GROUPS:
        out.append(f"<fieldset id='group-{gid}'><legend>{e(title)}</legend>")
        for field in groups[gid]:
            out.append(_input(field, field.path, _shown(field, get_dotted(data, field.path)), evidence, field.path))
        out.append("</fieldset>")
    out.append("<fieldset id='group-requests'><legend>Requests</legend>")
    requests = data.get("requests") or []
    for slot in range(max(REQUEST_SLOTS, len(requests))):
        request = requests[slot] if slot < len(requests) else {}
        name = f"requests.{slot}.text"
        out.append(f"<div class=slot><div class=f><label for='{name}'>Requested item {slot + 1}</label>"
                   f"<input type=text id='{name}' name='{name}' value='{e(str(request.get('text') or ''))}'"
                   f"{' class=from-note' if request.get('text') and data.get('evidence') else ''} "
                   f"placeholder='Norco 10/325mg #120 for 30 days'></div>")
        out.append(f"<details{' open' if request else ''}><summary>Documentation about item {slot + 1}</summary>")
        for field in request_fields:
            key = f"requests.{slot}.{field.path.removeprefix('request.')}"
            out.append(_input(field, key, _shown(field, get_dotted(request, field.path.removeprefix("request."))),
                              evidence, key))
        out.append("</details></div>")
    out.append("</fieldset><p class=bar><button type=submit id=check-button>Check against the MTUS</button></p>"
               "</form>")
    return "\n".join(out)


def _note_box(text: str = "") -> str:
    return ("<form method=post action='/extract' id=note-form class=noprint><fieldset><legend>Paste a note</legend>"
            "<p>A PR-2 progress report, an RFA with its report, or a dictated note: its facts fill the form below, "
            "each with the sentence it came from. Check them before you submit.</p>"
            f"<textarea name=note id=note rows=8>{html.escape(text)}</textarea>"
            "<p class=bar><button type=submit id=extract-button>Read the note into the form</button></p>"
            "</fieldset></form>")


_INTRO = ("<h1>MTUS check</h1><p class=meta>Will this request hold at Independent Medical Review, and what must be "
          "documented so that it does? Runs on this machine; nothing is stored or sent anywhere.</p>")


def form_page(token: str | None = None, data: dict[str, Any] | None = None, error: str | None = None,
              note: str = "") -> str:
    """The form, empty or pre-filled (from ``data`` or a case ``token``)."""
    if data is None:
        data = (decode_case(token) if token else None) or {}
    return _page("MTUS check", _INTRO + _note_box(note) + _form(data, error))


def _evaluate(data: dict[str, Any], ruleset: RuleSet) -> tuple[Any, list[Any]]:
    from checker.engine.check import CheckReport, check_case
    from checker.facts.cases import case_from_data
    from checker.facts.evidence import Evidence

    case = case_from_data(data, "web check")
    report = CheckReport("")
    check_case(case, ruleset, None, report)
    return report, [Evidence(c.data.get("evidence")) for c in report.cases]


def check_page(form: dict[str, list[str]], ruleset: RuleSet) -> tuple[int, str]:
    """The result page of a submitted form (the content of ``check --format html``), or the form with its error."""
    from checker.core.errors import InputError
    from checker.engine.render import html_body

    try:
        data = case_from_form(form)
        report, evidences = _evaluate(data, ruleset)
    except FormError as exc:
        return HTTPStatus.BAD_REQUEST, form_page(data=_partial(form), error=str(exc))
    except InputError as exc:
        return HTTPStatus.BAD_REQUEST, form_page(data=_partial(form), error=str(exc.problem))
    token = encode_case(data, keep_evidence=True)
    bar = ("<div class=bar><form method=post action='/rfa' style=display:inline>"
           f"<input type=hidden name=case value='{token}'><button type=submit id=rfa-button>Write the RFA "
           "statement</button></form><a href='/?case=" + encode_case(data) + "'>Edit the facts</a></div>")
    problems = "".join(f"<p class=err>{html.escape(str(p))}</p>" for p in report.problems)
    body = "<h1>MTUS compliance check</h1>" + bar + problems + html_body(report.results, ruleset, evidences)
    return HTTPStatus.OK, _page("MTUS compliance check", body)


def _partial(form: dict[str, list[str]]) -> dict[str, Any]:
    """What the physician typed, kept to show the form again after an error."""
    groups, request_fields = form_fields()
    data: dict[str, Any] = {}
    for fields in groups.values():
        for field in fields:
            try:
                value = _read(field, (form.get(field.path) or [""])[0])
            except FormError:
                value = None
            if value is not None:
                _put(data, field.path, value)
    data["requests"] = [{"text": t} for slot in range(REQUEST_SLOTS)
                        if (t := (form.get(f"requests.{slot}.text") or [""])[0].strip())]
    return data


def rfa_page(form: dict[str, list[str]], ruleset: RuleSet) -> tuple[int, str]:
    """The RFA statement (``check --format rfa``) of a checked case, as a printable page."""
    from checker.engine.rfa import to_rfa

    data = decode_case((form.get("case") or [""])[0])
    if not data:
        return HTTPStatus.BAD_REQUEST, error_page(HTTPStatus.BAD_REQUEST, "no case to write the statement for")
    report, evidences = _evaluate(data, ruleset)
    text = to_rfa(report.results, ruleset, evidences)
    body = ("<h1>Request for Authorization: statement of medical necessity</h1>"
            f"<pre style='white-space:pre-wrap;font:inherit' id=rfa>{html.escape(text)}</pre>")
    return HTTPStatus.OK, _page("RFA statement", body)


def _highlighted(text: str, evidence: list[dict[str, Any]]) -> str:
    """The note with the sentence of every extracted fact marked (its facts in the title)."""
    spans: dict[tuple[int, int], list[str]] = {}
    for entry in evidence:
        span = entry.get("span")
        if span and 0 <= span[0] < span[1] <= len(text):
            spans.setdefault((span[0], span[1]), []).append(entry["fact"])
    out, pos = [], 0
    for (start, end), facts in sorted(spans.items()):
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark title='{html.escape(', '.join(facts))}'>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def extract_page(form: dict[str, list[str]], ruleset: RuleSet) -> tuple[int, str]:
    """A pasted note read into the form: the fields pre-filled, the note with its evidence highlighted."""
    del ruleset
    from checker.ingest.note import note_to_case

    text = (form.get("note") or [""])[0].replace("\r\n", "\n").replace("\r", "\n")  # browsers send CRLF
    if not text.strip():
        return HTTPStatus.BAD_REQUEST, form_page(error="Paste a note first.")
    data = note_to_case(text, "pasted note")
    data["case_id"] = "pasted-note"
    found = len(data.get("evidence") or [])
    summary = (f"<p class=meta id=note-summary>{found} facts read from the note and "
               f"{len(data.get('requests') or [])} requested items; highlighted below and in the form.</p>")
    note = f"<div class=note id=note-text>{_highlighted(text, data.get('evidence') or [])}</div>"
    error = None if data.get("requests") else "No requested item found in the note: name it under Requests."
    return HTTPStatus.OK, _page("MTUS check", _INTRO + summary + note + _note_box(text) + _form(data, error))


def error_page(status: int, message: str) -> str:
    """A plain error page."""
    return _page("MTUS check", f"<h1>{int(status)}</h1><p class=err>{html.escape(message)}</p><p><a href='/'>Back to "
                 "the form</a></p>")
