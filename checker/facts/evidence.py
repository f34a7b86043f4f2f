"""A case's ``evidence`` entries (the sentence behind each extracted fact), looked up by fact path."""

from __future__ import annotations

from typing import Any

__all__ = ["Evidence", "DERIVED_FROM"]

#: Derived facts (checker.facts.derived) and the documented facts they are computed from.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "monitoring.uds_consistent": ("monitoring.urine_drug_screens",),
    "monitoring.last_uds_date": ("monitoring.urine_drug_screens",),
    "monitoring.uds_past_year": ("monitoring.urine_drug_screens", "report_date"),
    "working": ("work_status",),
    "pain.relief_with_medication_percent": ("pain.without_medication", "pain.with_medication"),
    "diagnosis_categories": ("diagnoses",),
    "injury.phase": ("injury.date", "report_date"),
    "injury.weeks_since": ("injury.date", "report_date"),
    "gi_risk.age_over_65": ("patient.age",),
    "clinical.weeks_since_surgery": ("clinical.surgery_date",),
    "request.objective_findings_elsewhere": ("services.objective_finding_regions",),
    "services.weeks_symptomatic_after_care": ("injury.date", "report_date", "services.conservative_care",
                                              "pain.current", "services.radicular_symptoms"),
    "request.weeks_of_use": ("request.first_noted", "medications"),
    "request.weeks_total": ("request.first_noted", "medications"),
}


class Evidence:
    """A case's ``evidence`` entries indexed by fact path, to quote the letter's own sentences."""

    def __init__(self, entries: list[dict[str, Any]] | None):
        self.by_fact: dict[str, list[dict[str, Any]]] = {}
        self.entries: list[dict[str, Any]] = list(entries or [])
        for entry in self.entries:
            if entry.get("sentence"):
                self.by_fact.setdefault(entry["fact"], []).append(entry)

    def sentences(self, paths: list[str], index: int) -> list[str]:
        """The sentences behind the facts at ``paths`` for request ``index`` (request facts by index)."""
        out: list[str] = []
        for path in [p for read in paths for p in (read, *DERIVED_FROM.get(read, ()))]:
            names = [path]
            if path.startswith("request."):
                name = path[len("request."):]
                names += [f"requests.{index}.{name}", f"requests[{index}].{name}", f"requests.{name}", name]
            for fact in names:
                for entry in self.by_fact.get(fact, ()):
                    if path.startswith("request.") and entry.get("request") not in (None, index):
                        continue
                    if entry["sentence"] not in out:
                        out.append(entry["sentence"])
        return out
