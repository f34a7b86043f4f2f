"""Score extracted facts against hand-labelled facts: precision and recall per fact type.

Labels live in ``tests/fixtures/labelled_facts/<letter>.yaml`` (see the README there). A scored
fact absent from a label file is "not documented": predicting it counts as a false positive.
List facts (diagnosis categories, medications) are scored element by element.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker.core.dotted import get_dotted
from checker.ingest.letter import read_letter
from checker.ingest.sentences import letter_sentences

__all__ = ["SCORED_CASE_FACTS", "SCORED_REQUEST_FACTS", "SCORED_SERVICE_FACTS", "NOTE_CASE_FACTS", "NOTE_REQUEST_FACTS",
           "Counts",
           "load_labels", "facts_of", "score", "score_notes", "assertion_class", "score_assertions",
           "load_assertion_rows", "SentenceKinds"]

SCORED_CASE_FACTS: tuple[str, ...] = (
    "patient.age", "patient.sex", "injury.date", "report_date", "ur_date", "work_status",
    "pain.current", "pain.with_medication", "pain.without_medication",
    "monitoring.urine_drug_screen", "monitoring.cures_checked", "monitoring.pain_agreement",
    "monitoring.risk_screening", "clinical.acute_exacerbation", "clinical.muscle_spasm",
    "clinical.post_operative", "clinical.depression", "clinical.anxiety", "clinical.insomnia",
    "nsaid.current_use", "nsaid.dyspepsia", "gi_risk.peptic_ulcer_bleeding_perforation",
    "gi_risk.aspirin_corticosteroid_anticoagulant", "prior_treatment.first_line_failed",
    "prior_treatment.other_treatments_failed", "prior_treatment.neuropathic_first_line_failed",
    "function.specific_adl_gains", "diagnosis_categories", "medications",
)
SCORED_REQUEST_FACTS: tuple[str, ...] = (
    "continuing", "first_noted", "trial", "start_date_known", "pain_relief", "functional_improvement",
    "function_boilerplate_only", "short_term_plan", "weaning_plan", "long_term_use", "indication_documented",
)
#: The service facts scored on tests/fixtures/labelled_service_facts (the facts the service criteria read).
SCORED_SERVICE_FACTS: tuple[str, ...] = tuple(f"services.{name}" for name in (
    "red_flags", "neuro_deficit", "radicular_symptoms", "structural_findings", "conservative_care",
    "conservative_care_failed", "surgery_considered", "surgery_certified", "prior_imaging", "prior_electrodiagnostic",
    "home_exercise", "medication_reduced_or_not_tolerated", "physical_therapy_visits", "physical_therapy_improvement",
    "chiropractic_visits", "chiropractic_improvement", "acupuncture_visits", "acupuncture_improvement",
    # the Chronic Pain guideline's injection, program and psychotherapy criteria (checker.ingest.program_facts)
    "prior_esi", "prior_esi_relief_percent", "prior_esi_relief_weeks", "prior_esi_medication_reduced",
    "prior_esi_count", "esi_blocks_past_year", "frp_evaluation", "functional_loss_significant", "motivated_to_change",
    "frp_negative_predictors_addressed", "frp_days_completed", "frp_improvement", "psychotherapy_visits",
    "psychotherapy_improvement", "conservative_care_weeks"))
_SET_FACTS = {"diagnosis_categories", "medications"}
#: What the labelled synthetic notes (cases/notes/labels.yaml) are scored on: a note states more than a letter
NOTE_CASE_FACTS: tuple[str, ...] = (*SCORED_CASE_FACTS, "pain.least", "pain.average", "pain.assessment_complete",
                                    "function.instrument", "function.instrument_score", "function.instrument_date",
                                    "function.measured_improvement", "prior_treatment.nsaid_tried")
NOTE_REQUEST_FACTS: tuple[str, ...] = (*SCORED_REQUEST_FACTS, "kind", "drug", "prn", "adverse_effects_assessed",
                                       "side_effects_documented", "aberrant_behavior_assessed", "aberrant_behavior",
                                       "treatment_goals", "prn_frequency_documented")


@dataclass
class Counts:
    """True positives, false positives and false negatives of one fact type, with the misses listed."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors.extend(other.errors)


def load_labels(folder: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """(letter path relative to the shared folder, labels) for every label file, sorted by name."""
    out = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.append((data["letter"], data))
    return out


def facts_of(case: dict[str, Any], case_facts: tuple[str, ...] = SCORED_CASE_FACTS,
             request_facts: tuple[str, ...] = SCORED_REQUEST_FACTS) -> dict[tuple[str, int | None], Any]:
    """The scored facts of a case document, keyed by (fact, request index or None)."""
    out: dict[tuple[str, int | None], Any] = {}
    for fact in case_facts:
        if fact == "diagnosis_categories":
            cats = {c for d in case.get("diagnoses") or [] for c in d.get("categories") or [] if c != "other"}
            value: Any = cats or None
        elif fact == "medications":
            value = {m.get("drug") for m in case.get("medications") or [] if m.get("drug")} or None
        else:
            value = get_dotted(case, fact)
        if value is not None:
            out[(fact, None)] = value
    for index, request in enumerate(case.get("requests") or []):
        for fact in request_facts:
            if request.get(fact) is not None:
                out[(fact, index)] = request[fact]
    return out


def label_facts(labels: dict[str, Any], case_facts: tuple[str, ...] = SCORED_CASE_FACTS,
                request_facts: tuple[str, ...] = SCORED_REQUEST_FACTS) -> dict[tuple[str, int | None], Any]:
    """The labelled facts in the same shape as :func:`facts_of`."""
    out: dict[tuple[str, int | None], Any] = {}
    for fact, value in (labels.get("case") or {}).items():
        if fact not in case_facts:
            raise ValueError(f"unscored fact in labels: {fact}")
        out[(fact, None)] = set(value) if fact in _SET_FACTS else value
    for index, facts in (labels.get("requests") or {}).items():
        for fact, value in (facts or {}).items():
            if fact not in request_facts:
                raise ValueError(f"unscored request fact in labels: {fact}")
            out[(fact, int(index))] = value
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return not isinstance(b, bool) and abs(a - b) < 1e-9
    return str(a) == str(b) if not isinstance(a, bool) else a is b


def score(pairs: Iterable[tuple[str, dict[str, Any], dict[str, Any]]], case_facts: tuple[str, ...] = SCORED_CASE_FACTS,
          request_facts: tuple[str, ...] = SCORED_REQUEST_FACTS) -> dict[str, Counts]:
    """Counts per fact type ("request.<fact>" for request facts) over (name, labels, case) triples."""
    counts: dict[str, Counts] = {}
    for name, labels, case in pairs:
        gold, pred = label_facts(labels, case_facts, request_facts), facts_of(case, case_facts, request_facts)
        for key in set(gold) | set(pred):
            fact, index = key
            kind = fact if index is None else f"request.{fact}"
            c = counts.setdefault(kind, Counts())
            g, p = gold.get(key), pred.get(key)
            where = f"{name}{'' if index is None else f'[{index}]'}"
            if fact in _SET_FACTS and index is None:
                g, p = g or set(), p or set()
                c.tp += len(g & p)
                c.fp += len(p - g)
                c.fn += len(g - p)
                if g != p:
                    c.errors.append(f"{where}: {kind} missing {sorted(g - p)} extra {sorted(p - g)}")
            elif g is not None and p is not None and _same(g, p):
                c.tp += 1
            else:
                if p is not None:
                    c.fp += 1
                if g is not None:
                    c.fn += 1
                c.errors.append(f"{where}: {kind} labelled {g!r} extracted {p!r}")
    return counts


def totals(counts: dict[str, Counts]) -> Counts:
    """Micro-averaged counts over every fact type."""
    total = Counts()
    for c in counts.values():
        total.add(c)
    return total


def score_notes(folder: str | Path, held_out: bool | None = None) -> dict[str, Counts]:
    """Score the note extractor on the labelled notes of ``folder`` (its ``labels.yaml``); ``held_out`` True or
    False keeps only the notes marked held out (written after the reader) or only the others."""
    from checker.ingest.note import note_to_case, read_note

    labels = yaml.safe_load((Path(folder) / "labels.yaml").read_text(encoding="utf-8")) or {}
    pairs = []
    for name, label in labels.items():
        if held_out is not None and bool(label.get("held_out")) != held_out:
            continue
        path = Path(folder) / name
        pairs.append((name, label, note_to_case(read_note(path), str(path))))
    return score(pairs, NOTE_CASE_FACTS, NOTE_REQUEST_FACTS)


def assertion_class(assertion: Any) -> str:
    """``negated``, ``uncertain`` (uncertain or hypothetical: neither present nor absent) or ``affirmed``."""
    if assertion.negated:
        return "negated"
    return "uncertain" if assertion.uncertain or assertion.hypothetical else "affirmed"


def score_assertions(rows: Iterable[dict[str, str]], assessor: Any,
                     sentence_kind: Any = None) -> dict[str, Counts]:
    """Per category, how many labelled mentions the assessor classes right (``tp``) or wrong (``fn``, with the
    miss listed). Rows of category ``guideline`` hold no target: ``sentence_kind(row)`` says whether facts are
    read from the sentence (``factual``) or not (``general``)."""
    counts: dict[str, Counts] = {}
    for row in rows:
        c = counts.setdefault(row["category"], Counts())
        if row["category"] == "guideline":
            if sentence_kind is None:
                continue
            got = sentence_kind(row)
        else:
            start = row["sentence"].index(row["target"])
            got = assertion_class(assessor(row["sentence"], start, start + len(row["target"])))
        if got == row["expected"]:
            c.tp += 1
        else:
            c.fn += 1
            c.errors.append(f"{row['letter']}: {row['target'] or row['sentence'][:60]!r} labelled {row['expected']} "
                            f"got {got}")
    return counts


def load_assertion_rows(path: str | Path) -> list[dict[str, str]]:
    """The hand-labelled sentences: category, letter, expected, target, sentence."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


class SentenceKinds:
    """Whether facts are read from a labelled sentence of a letter (``factual``) or not (``general``);
    ``letter_path`` maps a row's letter (case number or seed stem) to its file."""

    def __init__(self, letter_path: Any):
        self.letter_path = letter_path
        self._sentences: dict[str, list[Any]] = {}

    def __call__(self, row: dict[str, str]) -> str:
        if row["letter"] not in self._sentences:
            self._sentences[row["letter"]] = letter_sentences(read_letter(self.letter_path(row["letter"])))
        head = " ".join(row["sentence"].split())[:60]
        hits = [s for s in self._sentences[row["letter"]]
                if s.clause is None and " ".join(s.text.split()).startswith(head)]
        if not hits:
            return "not found"
        return "factual" if hits[0].factual else "general"
