"""Compare mtus-checker's compiled engine with GoRules ZEN, JsonLogic and plain Python on the same rules.

Usage: ``python bench/engines.py [--items N] [--seed S] [--repeat R] [--rules PATH] [--json] [--require-all]``

The rule library is read as it is when the bench runs (``load_rules``), and every rule's typed model
(``checker.rules.model``: shared ``use:`` criteria and named conditions resolved by the loader, written
out as plain data with ``as_data``) is translated automatically into:

* **jsonlogic**: one JsonLogic expression per rule (PyPI ``panzi-json-logic``, ``json_logic.jsonLogic``);
* **zen**: one JDM graph per rule (PyPI ``zen-engine``): input node -> expression node (one ZEN
  expression per criterion, then the decision over ``$.<criterion>``) -> output node, evaluated one
  item at a time with ``decision.evaluate(context)``; ``zen_batch`` is the same graphs through
  ``ZenEngine.evaluate_batch`` (reported under ``extra``);
* **python**: the floor.  Rules with a hand-written function below (``HAND_WRITTEN``) use it; any
  other rule gets *generated Python* (source generated from the YAML and exec'd), reported as such.

Three-valued logic in the translations: a criterion is encoded as a number, 0 = not met, 1 = not
documented, 2 = met, 3 = not applicable.  Then Kleene AND is ``min`` (3 is its neutral element, and
an ``all`` of only not-applicable criteria stays 3), Kleene NOT is ``(6 - x) % 4`` (2<->0, 1 and 3
unchanged) and Kleene OR is ``(max((x + 1) % 4 ...) + 3) % 4`` (the shift makes 3 the lowest value, so
it is neutral, and shifts back).  An item is predicted overturned when its decision is met or not
applicable (2 or 3), exactly as ``checker.engine.evaluate.evaluate_item`` does.

What each engine does per item:

* **mtus**: ``checker.engine.evaluate.evaluate_item(rule, facts)``: the full trace, every criterion's status,
  its citation, its explanation filled in with the facts, the facts it read, the criteria to document
  and those not met.  It reads the flat facts dict as ``mtus check`` builds it.
* **zen / jsonlogic**: the outcome only (ZEN also returns each criterion's number).  They read the
  same facts, converted *before timing* to the nested JSON they need (``{"request": {"drug": ...}}``,
  dates as day numbers): that conversion is not counted in their time.
* **python**: the outcome only, from the flat facts dict.

Items: for item i, a rule is drawn (every rule gets the same share), a drug from its ``applies_to``,
then every fact the rule reads is drawn documented-true, documented-false or absent (numbers around
the rule's thresholds, dates around ``within_days`` limits, values from the rule's operands and the
schema's enums), with a fixed seed.  All engines must agree on every item (exit 1 otherwise).

The last line printed is one JSON object:
``{"items": N, "agree": true, "engines": {"mtus": items_per_s, "zen": ..., "jsonlogic": ..., "python": ...}, ...}``
(``null`` for an engine that is not installed).  Figures are the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.core.status import NA  # noqa: E402
from checker.engine.evaluate import evaluate_item  # noqa: E402
from checker.facts.vocabulary import vocabulary  # noqa: E402
from checker.rules.model import as_data  # noqa: E402
from checker.rules.ruleset import Rule, RuleSet, load_rules  # noqa: E402

Facts = dict[str, Any]
NOT_MET, UNKNOWN, MET, NOT_APPLICABLE = 0, 1, 2, 3
ENGINES = ("mtus", "zen", "jsonlogic", "python")


# --------------------------------------------------------------------------------------------------
# The rules as plain data: criteria (id, test, when) with shared criteria resolved, and the decision.


@dataclass
class Spec:
    """One rule's decision logic, as plain data from the compiled rule's model."""

    rule: Rule
    criteria: list[tuple[str, dict, dict | None]]  # (id, test, when)
    decision: Any

    @property
    def fingerprint(self) -> str:
        """A hash of the logic, so a hand-written function notices when its rule changes."""
        text = json.dumps([self.criteria, self.decision], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def specs(ruleset: RuleSet) -> list[Spec]:
    """Every rule's logic, from the typed model the loader compiled (shared and named parts written out)."""
    out = []
    for rule in ruleset.rules:
        if rule.silent:  # a topic the MTUS does not address: no logic to translate
            continue
        criteria = [(c.id, as_data(c.test_condition), as_data(c.when_condition) if c.when_condition else None)
                    for c in rule.criteria]
        out.append(Spec(rule, criteria, as_data(rule.decision_tree)))
    return out


def leaves(node: dict) -> list[tuple[str, str, Any]]:
    """Every (fact, operator, operand) a test reads."""
    if "all" in node or "any" in node:
        return [leaf for sub in node.get("all", node.get("any")) for leaf in leaves(sub)]
    if "not" in node:
        return leaves(node["not"])
    (op,) = [k for k in node if k != "fact"]
    return [(node["fact"], op, node[op])]


def spec_leaves(spec: Spec) -> list[tuple[str, str, Any]]:
    """Every leaf of every criterion test and applicability condition of a rule."""
    return [leaf for _, test, when in spec.criteria for leaf in leaves(test) + (leaves(when) if when else [])]


# --------------------------------------------------------------------------------------------------
# Synthetic items.


def class_drugs() -> dict[str, list[str]]:
    """Generic drugs by class, from the drug catalog."""
    from checker.facts.catalog import default_catalog

    out: dict[str, list[str]] = {}
    for name, ing in sorted(default_catalog().ingredients.items()):
        out.setdefault(ing.drug_class, []).append(name)
        if ing.topical_class:
            out.setdefault(ing.topical_class, []).append(name)
    return out


def _number(rng: random.Random, thresholds: list[float], integer: bool) -> float | int:
    if not thresholds:
        value: float = rng.choice([0, 1, 2, 5, 10, 30, 90, 200])
    else:
        limit = rng.choice(thresholds)
        value = limit + rng.choice([-1, -0.5, 0, 0, 0.5, 1]) * max(1.0, abs(limit) / 10)
    return round(value) if integer else round(float(value), 1)


def draw_value(rng: random.Random, path: str, ops: list[tuple[str, Any]], report: date | None) -> Any:
    """A documented value for a fact, near the rule's operands (booleans: true or false)."""
    fact = vocabulary()[path]
    if fact.type == "boolean":
        return rng.random() < 0.5
    if fact.numeric:
        limits = [float(v) for op, v in ops if op in ("at_least", "at_most")]
        limits += [float(x) for op, v in ops if op == "between" for x in v]
        return _number(rng, limits, fact.type == "integer")
    if fact.type == "date":
        days = [v for op, v in ops if op == "within_days"] or [30]
        back = rng.choice(days) + rng.choice([-2, -1, 0, 1, 2, 30])
        if rng.random() < 0.1:
            back = -rng.randint(1, 10)  # after the report date
        return (report or date(2015, 6, 1)) - timedelta(days=back)
    values = [v for op, v in ops if op in ("equals", "contains") for v in (v if isinstance(v, list) else [v])]
    values += [x for op, v in ops if op == "in" for x in v]
    if fact.type == "array":
        pool = sorted(set(values) | set(fact.item_enum or ()) | {"other"}, key=str)
        return rng.sample(pool, rng.randint(0, min(3, len(pool))))
    pool = sorted(set(values) | set(fact.enum or ()), key=str) or ["something"]
    return rng.choice(pool + ([] if fact.enum else ["something_else"]))


def make_items(rule_specs: list[Spec], n: int, seed: int) -> list[tuple[int, Facts]]:
    """N items (rule index, flat facts) drawn with a fixed seed; every rule gets the same share."""
    rng = random.Random(seed)
    by_class = class_drugs()
    plans = []
    for spec in rule_specs:
        ops: dict[str, list[tuple[str, Any]]] = {}
        for path, op, operand in spec_leaves(spec):
            ops.setdefault(path, []).append((op, operand))
        drugs = sorted(spec.rule.applies_drugs) or sorted(
            {d for c in spec.rule.applies_classes for d in by_class.get(c, [])}) or ["unknown"]
        named = [v for op, v in ops.get("request.drug", []) if op == "equals"]
        named += [x for op, v in ops.get("request.drug", []) if op == "in" for x in v]
        classes = sorted(spec.rule.applies_classes) or ["other"]
        plans.append((ops, drugs, sorted(set(named)), classes))
    items = []
    for i in range(n):
        index = i % len(rule_specs)
        ops, drugs, named, classes = plans[index]
        drug = rng.choice(named) if named and rng.random() < 0.3 else rng.choice(drugs)
        facts: Facts = {"request.kind": "drug", "request.drug": drug, "request.ingredients": [drug],
                        "request.drug_class": rng.choice(classes)}
        report = None if "report_date" in ops and rng.random() < 0.2 else \
            date(2014, 1, 1) + timedelta(days=rng.randint(0, 900))
        if report is not None:
            facts["report_date"] = report
        for path, path_ops in ops.items():
            if path in ("request.drug", "report_date"):
                continue
            if rng.random() < 1 / 3:
                facts.pop(path, None)  # not documented
                continue
            facts[path] = draw_value(rng, path, path_ops, report)
        items.append((index, facts))
    rng.shuffle(items)
    return items


def coverage(rule_specs: list[Spec], items: list[tuple[int, Facts]]) -> list[str]:
    """Facts a rule reads that never took one of their states (true/false/absent) in the items."""
    seen: dict[tuple[int, str], set[str]] = {}
    for index, facts in items:
        for path, _, _ in spec_leaves(rule_specs[index]):
            value = facts.get(path)
            state = "absent" if value is None else str(value).lower() if isinstance(value, bool) else "value"
            seen.setdefault((index, path), set()).add(state)
    missing = []
    for (index, path), states in sorted(seen.items()):
        fact = vocabulary()[path]
        want = {"true", "false", "absent"} if fact.type == "boolean" else {"value", "absent"}
        if path == "request.drug":
            want = {"value"}
        if want - states:
            missing.append(f"{rule_specs[index].rule.id}: {path} never {', '.join(sorted(want - states))}")
    return missing


def nested(facts: Facts) -> dict:
    """The flat facts as the nested JSON that ZEN and JsonLogic read; dates become day numbers."""
    out: dict = {}
    for path, value in facts.items():
        node = out
        *parents, leaf = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value.toordinal() if isinstance(value, date) else value
    return out


# --------------------------------------------------------------------------------------------------
# JsonLogic translation.


def _jl_var(path: str) -> dict:
    return {"var": path}


def _jl_known(path: str, test: Any) -> dict:
    """Not documented (1) when the fact is absent, else met (2) when ``test`` holds, else not met (0)."""
    return {"if": [{"===": [_jl_var(path), None]}, UNKNOWN, test, MET, NOT_MET]}


def jl_test(node: dict) -> Any:
    """A criterion test as a JsonLogic expression worth 0, 1 or 2."""
    if "all" in node:
        return {"min": [jl_test(n) for n in node["all"]]}
    if "any" in node:
        return {"max": [jl_test(n) for n in node["any"]]}
    if "not" in node:
        return {"-": [MET, jl_test(node["not"])]}
    path = node["fact"]
    (op,) = [k for k in node if k != "fact"]
    value, var = node[op], _jl_var(path)
    if op == "documented":
        absent = {"in": [var, [None, []]]}
        return {"if": [absent, NOT_MET if value else MET, MET if value else NOT_MET]}
    if op in ("is", "equals"):
        return _jl_known(path, {"===": [var, value]})
    if op == "in":
        return _jl_known(path, {"in": [var, value]})
    if op == "at_least":
        return _jl_known(path, {">=": [var, value]})
    if op == "at_most":
        return _jl_known(path, {"<=": [var, value]})
    if op == "between":
        return _jl_known(path, {"<=": [value[0], var, value[1]]})
    if op == "within_days":
        report = _jl_var("report_date")
        days = {"-": [report, var]}
        missing = {"or": [{"===": [var, None]}, {"===": [report, None]}]}
        return {"if": [missing, UNKNOWN, {"<=": [0, days, value]}, MET, NOT_MET]}
    if op == "contains":
        wanted = value if isinstance(value, list) else [value]
        return _jl_known(path, {"some": [var, {"in": [{"var": ""}, wanted]}]})
    raise ValueError(f"unknown operator {op}")


def jl_decision(node: Any, criteria: dict[str, Any]) -> Any:
    """A decision as a JsonLogic expression worth 0-3, with the criteria inlined."""
    if isinstance(node, str):
        return criteria[node]
    if "not" in node:
        return {"%": [{"-": [6, jl_decision(node["not"], criteria)]}, 4]}
    if "all" in node:
        return {"min": [jl_decision(n, criteria) for n in node["all"]]}
    shifted = [{"%": [{"+": [jl_decision(n, criteria), 1]}, 4]} for n in node["any"]]
    return {"%": [{"+": [{"max": shifted}, 3]}, 4]}


def jsonlogic_rule(spec: Spec) -> dict:
    """The whole rule as one JsonLogic expression: true when predicted overturned."""
    criteria = {}
    for cid, test, when in spec.criteria:
        expr = jl_test(test)
        if when is not None:
            expr = {"if": [{"===": [jl_test(when), NOT_MET]}, NOT_APPLICABLE, expr]}
        criteria[cid] = expr
    return {">=": [jl_decision(spec.decision, criteria), MET]}


# --------------------------------------------------------------------------------------------------
# ZEN translation: one expression node per rule.


def _zen_path(path: str) -> str:
    return path


def _zen_known(path: str, test: str) -> str:
    return f"({_zen_path(path)} == null ? {UNKNOWN} : ({test} ? {MET} : {NOT_MET}))"


def zen_test(node: dict) -> str:
    """A criterion test as a ZEN expression worth 0, 1 or 2."""
    if "all" in node:
        return f"min([{', '.join(zen_test(n) for n in node['all'])}])"
    if "any" in node:
        return f"max([{', '.join(zen_test(n) for n in node['any'])}])"
    if "not" in node:
        return f"({MET} - {zen_test(node['not'])})"
    path = node["fact"]
    (op,) = [k for k in node if k != "fact"]
    value, var = node[op], _zen_path(path)
    lit = json.dumps(value)
    if op == "documented":
        absent = f"({var} == null or (type({var}) == 'array' and len({var}) == 0))"
        return f"({absent} ? {NOT_MET if value else MET} : {MET if value else NOT_MET})"
    if op in ("is", "equals"):
        return _zen_known(path, f"{var} == {lit}")
    if op == "in":
        return _zen_known(path, f"{var} in {lit}")
    if op == "at_least":
        return _zen_known(path, f"{var} >= {lit}")
    if op == "at_most":
        return _zen_known(path, f"{var} <= {lit}")
    if op == "between":
        return _zen_known(path, f"({var} >= {json.dumps(value[0])} and {var} <= {json.dumps(value[1])})")
    if op == "within_days":
        days = f"(report_date - {var})"
        return (f"(({var} == null or report_date == null) ? {UNKNOWN} : "
                f"(({days} >= 0 and {days} <= {lit}) ? {MET} : {NOT_MET}))")
    if op == "contains":
        wanted = json.dumps(value if isinstance(value, list) else [value])
        return _zen_known(path, f"some({var}, # in {wanted})")
    raise ValueError(f"unknown operator {op}")


def zen_decision(node: Any, keys: dict[str, str]) -> str:
    """A decision as a ZEN expression worth 0-3 over the criterion outputs ``$.<key>``."""
    if isinstance(node, str):
        return f"$.{keys[node]}"
    if "not" in node:
        return f"((6 - {zen_decision(node['not'], keys)}) % 4)"
    if "all" in node:
        return f"min([{', '.join(zen_decision(n, keys) for n in node['all'])}])"
    shifted = ", ".join(f"(({zen_decision(n, keys)} + 1) % 4)" for n in node["any"])
    return f"((max([{shifted}]) + 3) % 4)"


def zen_graph(spec: Spec) -> dict:
    """The rule as a JDM graph: input -> expression node (criteria, decision, outcome) -> output."""
    keys = {cid: f"c{i}" for i, (cid, _, _) in enumerate(spec.criteria)}
    expressions = []
    for cid, test, when in spec.criteria:
        expr = zen_test(test)
        if when is not None:
            expr = f"({zen_test(when)} == {NOT_MET} ? {NOT_APPLICABLE} : {expr})"
        expressions.append({"id": keys[cid], "key": keys[cid], "value": expr})
    expressions.append({"id": "decision", "key": "decision", "value": zen_decision(spec.decision, keys)})
    expressions.append({"id": "overturned", "key": "overturned", "value": f"$.decision >= {MET}"})
    where = {"x": 0, "y": 0}
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "input", "type": "inputNode", "name": "facts", "position": where},
            {"id": "rule", "type": "expressionNode", "name": spec.rule.id, "position": where,
             "content": {"expressions": expressions}},
            {"id": "output", "type": "outputNode", "name": "outcome", "position": where},
        ],
        "edges": [
            {"id": "e1", "sourceId": "input", "targetId": "rule", "type": "edge"},
            {"id": "e2", "sourceId": "rule", "targetId": "output", "type": "edge"},
        ],
    }


# --------------------------------------------------------------------------------------------------
# Python floor: hand-written functions, and generated Python for the other rules.


# The hand-written floor: what a programmer would write for one rule, reading the flat facts dict.  A criterion
# allows "overturned" when it is met or does not apply; a fact that is absent (None) never meets a test.


def _short_course(f: Facts) -> bool:
    """Not long-term use, and both the weeks used so far and the weeks with this request at most 3."""
    weeks, total = f.get("request.weeks_of_use"), f.get("request.weeks_total")
    return f.get("request.long_term_use") is not True and weeks is not None and weeks <= 3 and \
        total is not None and total <= 3


def _prior_use_benefit(f: Facts) -> bool:
    """Shared criterion: not applicable to a first prescription, else function and pain relief from prior use."""
    if f.get("request.continuing") is False:
        return True
    percent = f.get("request.pain_relief_percent")
    return f.get("request.functional_improvement") is True and (
        f.get("request.pain_relief") is True or (percent is not None and percent >= 30))


def _muscle_relaxant_common(f: Facts) -> bool:
    """The criteria both editions share (the sedating-drug course is the short course, already required)."""
    if not _short_course(f):
        return False
    days = f.get("request.days_requested")
    if f.get("request.short_term_plan") is not True and (days is None or days > 21):
        return False
    if f.get("prior_treatment.nsaid_tried") is not True and f.get("prior_treatment.first_line_failed") is not True:
        return False
    drug = f.get("request.drug")
    if drug is None or drug == "carisoprodol":
        return False
    if drug == "baclofen":  # antispasticity indication
        categories = f.get("diagnosis_categories")
        if f.get("clinical.spasticity") is not True and (categories is None or "spasticity" not in categories):
            return False
    return _prior_use_benefit(f)


def muscle_relaxants_2009(f: Facts) -> bool:
    """mtus.chronic-pain.muscle-relaxants (CPMTG 2009)."""
    return f.get("clinical.acute_exacerbation") is True and _muscle_relaxant_common(f)


def muscle_relaxants_2016(f: Facts) -> bool:
    """mtus.chronic-pain-2016.muscle-relaxants."""
    acute = f.get("clinical.acute_exacerbation") is True or f.get("injury.phase") == "acute"
    return acute and f.get("clinical.muscle_spasm") is True and _muscle_relaxant_common(f)


def opioids_2009(f: Facts) -> bool:
    """mtus.chronic-pain.opioids (CPMTG 2009, on-going management)."""
    relief, function = f.get("request.pain_relief") is True, f.get("request.functional_improvement") is True
    boilerplate = f.get("request.function_boilerplate_only") is True
    if f.get("request.aberrant_behavior") is True or f.get("monitoring.uds_consistent") is False:
        return False
    categories = f.get("diagnosis_categories")
    if categories and "low_back_pain" in categories:  # chronic back pain: long-term use needs a reason
        total = f.get("request.weeks_total")
        if not ((total is not None and total <= 16) or f.get("pain.continual_injury_nociceptive") is True
                or f.get("function.measured_improvement") is True):
            return False
    dose, drug = f.get("request.daily_dose_mg"), f.get("request.drug")
    if dose is not None and drug in ("hydrocodone", None) and dose > 60:
        return False
    mme, apap = f.get("request.mme_per_day"), f.get("request.apap_mg_per_day")
    if (mme is not None and mme > 120) or (apap is not None and apap > 4000):
        return False
    if f.get("working") is True:  # returned to work
        return True
    if f.get("request.weaning_plan") is True and not (function and relief):
        return True
    percent = f.get("request.pain_relief_percent")
    if not (relief or (percent is not None and percent >= 30)) or not function or boilerplate:
        return False
    if not relief or f.get("request.adverse_effects_assessed") is not True or \
            f.get("request.aberrant_behavior_assessed") is not True:
        return False  # the 4 A's
    if f.get("pain.assessment_complete") is not True or f.get("request.treatment_goals") is not True:
        return False
    measured, report = f.get("function.instrument_date"), f.get("report_date")
    if f.get("function.measured_improvement") is not True and not (
            measured is not None and report is not None and 0 <= (report - measured).days <= 183):
        return False
    if f.get("monitoring.urine_drug_screen") is not True and f.get("monitoring.pain_agreement") is not True and \
            f.get("monitoring.cures_checked") is not True:
        return False
    return f.get("request.prn") is not True or f.get("request.prn_frequency_documented") is True


# rule id -> (fingerprint of the logic it was written for, function).  A stale one is not used.
HAND_WRITTEN: dict[str, tuple[str, Callable[[Facts], bool]]] = {
    "mtus.chronic-pain.muscle-relaxants": ("6a04a018fd88", muscle_relaxants_2009),
    "mtus.chronic-pain-2016.muscle-relaxants": ("6238ff536c6f", muscle_relaxants_2016),
    "mtus.chronic-pain.opioids": ("53f9f2997c1d", opioids_2009),
}


def _py_known(path: str, test: str) -> str:
    return f"({UNKNOWN} if (v := g({path!r})) is None else {MET} if {test} else {NOT_MET})"


def py_test(node: dict) -> str:
    """A criterion test as a Python expression worth 0, 1 or 2 (``g`` is ``facts.get``)."""
    if "all" in node:
        parts = [py_test(n) for n in node["all"]]
        return f"min({', '.join(parts)})" if len(parts) > 1 else parts[0]
    if "any" in node:
        parts = [py_test(n) for n in node["any"]]
        return f"max({', '.join(parts)})" if len(parts) > 1 else parts[0]
    if "not" in node:
        return f"({MET} - {py_test(node['not'])})"
    path = node["fact"]
    (op,) = [k for k in node if k != "fact"]
    value = node[op]
    if op == "documented":
        return f"({MET if value else NOT_MET} if g({path!r}) not in (None, []) else {NOT_MET if value else MET})"
    if op in ("is", "equals"):
        return _py_known(path, f"v == {value!r}")
    if op == "in":
        return _py_known(path, f"v in {tuple(value)!r}")
    if op == "at_least":
        return _py_known(path, f"v >= {value!r}")
    if op == "at_most":
        return _py_known(path, f"v <= {value!r}")
    if op == "between":
        return _py_known(path, f"{value[0]!r} <= v <= {value[1]!r}")
    if op == "within_days":
        return (f"({UNKNOWN} if not isinstance(v := g({path!r}), date) or not isinstance(r := g('report_date'), date)"
                f" else {MET} if 0 <= (r - v).days <= {value!r} else {NOT_MET})")
    if op == "contains":
        wanted = frozenset(value if isinstance(value, list) else [value])
        return _py_known(path, f"not {wanted!r}.isdisjoint(v)")
    raise ValueError(f"unknown operator {op}")


def py_decision(node: Any, names: dict[str, str]) -> str:
    """A decision as a Python expression worth 0-3 over the criterion variables."""
    if isinstance(node, str):
        return names[node]
    if "not" in node:
        return f"((6 - {py_decision(node['not'], names)}) % 4)"
    if "all" in node:
        parts = [py_decision(n, names) for n in node["all"]]
        return f"min({', '.join(parts)})" if len(parts) > 1 else parts[0]
    if len(node["any"]) == 1:
        return py_decision(node["any"][0], names)
    shifted = ", ".join(f"(({py_decision(n, names)} + 1) % 4)" for n in node["any"])
    return f"((max({shifted}) + 3) % 4)"


def python_source(spec: Spec) -> str:
    """Generated Python for a rule: ``def rule(facts) -> bool`` (True when predicted overturned)."""
    names = {cid: f"c{i}" for i, (cid, _, _) in enumerate(spec.criteria)}
    lines = ["def rule(facts):", "    g = facts.get"]
    for cid, test, when in spec.criteria:
        expr = py_test(test)
        if when is not None:
            expr = f"({NOT_APPLICABLE} if {py_test(when)} == {NOT_MET} else {expr})"
        lines.append(f"    {names[cid]} = {expr}")
    lines.append(f"    return {py_decision(spec.decision, names)} >= {MET}")
    return "\n".join(lines) + "\n"


def python_rule(spec: Spec) -> tuple[Callable[[Facts], bool], str]:
    """The floor for a rule: its hand-written function if current, else generated Python."""
    hand = HAND_WRITTEN.get(spec.rule.id)
    if hand is not None and hand[0] == spec.fingerprint:
        return hand[1], "hand-written"
    namespace: dict[str, Any] = {"date": date}
    exec(compile(python_source(spec), f"<generated {spec.rule.id}>", "exec"), namespace)  # noqa: S102
    return namespace["rule"], "generated" if hand is None else "generated (hand-written one is stale)"


# --------------------------------------------------------------------------------------------------
# Engines and timing.


@dataclass
class Engine:
    """An engine ready to run: ``run(items)`` returns one predicted-overturned boolean per item."""

    name: str
    run: Callable[[], list[bool]]
    note: str = ""
    results: list[bool] = field(default_factory=list)


def mtus_engine(rule_specs: list[Spec], items: list[tuple[int, Facts]]) -> Engine:
    rules = [s.rule for s in rule_specs]
    work = [(rules[i], f) for i, f in items]

    def run() -> list[bool]:
        return [evaluate_item(rule, facts)[0] == "overturned" for rule, facts in work]
    return Engine("mtus", run, "evaluate_item: full trace with explanations")


def mtus_outcome_engine(rule_specs: list[Spec], items: list[tuple[int, Facts]]) -> Engine:
    """mtus-checker's compiled tests and decision without the trace (for scale, not a competitor)."""
    rules = [[(c.id, c.test, c.when) for c in s.rule.criteria] for s in rule_specs]
    work = [(rules[i], rule_specs[i].rule.decision, f) for i, f in items]

    def run() -> list[bool]:
        out = []
        for criteria, decision, facts in work:
            decided = decision({cid: NA if when is not None and when(facts) is False else test(facts)
                                for cid, test, when in criteria})
            out.append(decided is True or decided is NA)
        return out
    return Engine("mtus_outcome", run, "compiled criteria tests + decision, no trace")


def python_engine(rule_specs: list[Spec], items: list[tuple[int, Facts]]) -> Engine:
    made = [python_rule(s) for s in rule_specs]
    work = [(made[i][0], f) for i, f in items]
    kinds = sorted({kind for _, kind in made})
    hand = [s.rule.id for s, (_, kind) in zip(rule_specs, made, strict=True) if kind == "hand-written"]

    def run() -> list[bool]:
        return [fn(facts) for fn, facts in work]
    return Engine("python", run, f"{', '.join(kinds)}; hand-written: {', '.join(hand) or 'none'}")


def jsonlogic_engine(rule_specs: list[Spec], items: list[tuple[int, Facts]]) -> Engine:
    from json_logic import jsonLogic

    logic = [jsonlogic_rule(s) for s in rule_specs]
    work = [(logic[i], nested(f)) for i, f in items]

    def run() -> list[bool]:
        return [jsonLogic(rule, data) is True for rule, data in work]
    return Engine("jsonlogic", run, "panzi-json-logic jsonLogic(rule, data), outcome only")


def zen_engine(rule_specs: list[Spec], items: list[tuple[int, Facts]]) -> Engine:
    import zen

    engine = zen.ZenEngine()
    decisions = [engine.create_decision(json.dumps(zen_graph(s))) for s in rule_specs]
    work = [(decisions[i], nested(f)) for i, f in items]

    def run() -> list[bool]:
        return [decision.evaluate(context)["result"]["overturned"] is True for decision, context in work]
    return Engine("zen", run, "zen-engine decision.evaluate(context) per item, JDM graph with one expression node")


def zen_batch_engine(rule_specs: list[Spec], items: list[tuple[int, Facts]]) -> Engine:
    import zen

    graphs = {s.rule.id: json.dumps(zen_graph(s)) for s in rule_specs}
    engine = zen.ZenEngine({"loader": lambda key: graphs[key]})
    requests = [{"key": rule_specs[i].rule.id, "context": nested(f)} for i, f in items]

    def run() -> list[bool]:
        out = engine.evaluate_batch(requests)
        return [r["success"] and r["data"]["result"]["overturned"] is True for r in out]
    return Engine("zen_batch", run, "zen-engine ZenEngine.evaluate_batch over all items")


def time_engines(engines: list[Engine], n: int, repeat: int, budget: float) -> dict[str, float]:
    """Median items per second of each engine over ``repeat`` rounds.

    The engines take turns, one run each per round, so a change in the machine's load (other processes)
    falls on all of them alike.  An engine whose runs have used ``budget`` seconds sits out the remaining
    rounds (it always runs at least once).  Each engine keeps its first run's predictions.
    """
    rates: dict[str, list[float]] = {e.name: [] for e in engines}
    spent = dict.fromkeys(rates, 0.0)
    for _ in range(repeat):
        for engine in engines:
            if rates[engine.name] and spent[engine.name] >= budget:
                continue
            start = time.perf_counter()
            results = engine.run()
            elapsed = time.perf_counter() - start
            spent[engine.name] += elapsed
            rates[engine.name].append(n / elapsed)
            if len(rates[engine.name]) == 1:
                engine.results = results
    return {name: statistics.median(r) for name, r in rates.items()}


def hand_written_only(rule_specs: list[Spec], items: list[tuple[int, Facts]], repeat: int,
                      budget: float) -> dict[str, Any] | None:
    """mtus against the hand-written functions alone, on the items of the rules that have a current one."""
    current = [s for s in rule_specs if python_rule(s)[1] == "hand-written"]
    if not current:
        return None
    index = {id(s): k for k, s in enumerate(current)}
    subset = [(index[id(rule_specs[i])], f) for i, f in items if id(rule_specs[i]) in index]
    rates = time_engines([mtus_engine(current, subset), python_engine(current, subset)], len(subset), repeat, budget)
    return {"rules": [s.rule.id for s in current], "items": len(subset), "mtus": round(rates["mtus"]),
            "python": round(rates["python"]), "python_vs_mtus": round(rates["python"] / rates["mtus"], 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="rounds (one run of each engine per round); "
                        "the median is reported")
    parser.add_argument("--budget", type=float, default=4.0,
                        help="seconds an engine may spend before it sits out the remaining rounds")
    parser.add_argument("--rules", type=Path, default=None, help="rules folder (default: the bundled rules/)")
    parser.add_argument("--json", action="store_true", help="print only the JSON line (notes go to stderr)")
    parser.add_argument("--require-all", action="store_true", help="fail if an engine is not installed")
    args = parser.parse_args(argv)
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print

    ruleset, problems = load_rules(args.rules, strict=False)
    for problem in problems:
        say(f"note: rule library problem (that rule is left out): {problem}")
    rule_specs = specs(ruleset)
    if not rule_specs:
        say("no rules found")
        return 2
    items = make_items(rule_specs, args.items, args.seed)
    for gap in coverage(rule_specs, items):
        say(f"note: coverage: {gap}")

    builders: list[tuple[str, Callable[..., Engine]]] = [
        ("mtus", mtus_engine), ("python", python_engine), ("jsonlogic", jsonlogic_engine), ("zen", zen_engine),
        ("zen_batch", zen_batch_engine), ("mtus_outcome", mtus_outcome_engine)]
    rates: dict[str, float | None] = {}
    done: list[Engine] = []
    for name, build in builders:
        try:
            done.append(build(rule_specs, items))
        except ImportError as exc:
            if args.require_all:
                say(f"error: {name} is not installed ({exc.name}); pip install zen-engine panzi-json-logic")
                return 2
            say(f"note: {name} skipped: {exc.name} is not installed")
            rates[name] = None
    rates.update(time_engines(done, len(items), args.repeat, args.budget))
    for engine in done:
        say(f"{engine.name:10s} {rates[engine.name]:>12,.0f} items/s   ({engine.note})")

    reference = done[0].results
    disagree = [(e.name, k) for e in done[1:] for k, (a, b) in enumerate(zip(reference, e.results, strict=True))
                if a != b]
    for name, k in disagree[:10]:
        index, facts = items[k]
        say(f"DISAGREE {name} vs mtus on item {k} ({rule_specs[index].rule.id}): "
            f"mtus={reference[k]} {name}={not reference[k]} facts={facts}")
    mtus = rates["mtus"] or 0.0
    ratios = {k: round(v, 2) for k, v in {
        "mtus_vs_jsonlogic": mtus / rates["jsonlogic"] if rates.get("jsonlogic") else None,
        "mtus_vs_zen": mtus / rates["zen"] if rates.get("zen") else None,
        "python_vs_mtus": rates["python"] / mtus if rates.get("python") and mtus else None}.items() if v}
    targets = {"mtus_at_least_jsonlogic": ratios.get("mtus_vs_jsonlogic", 0) >= 1,
               "mtus_at_least_10x_zen": ratios.get("mtus_vs_zen", 0) >= 10,
               "mtus_within_5x_python": 0 < ratios.get("python_vs_mtus", 99) <= 5}
    extra: dict[str, Any] = {name: round(rate) for name, rate in rates.items() if name not in ENGINES and rate}
    extra["hand_written"] = hand_written_only(rule_specs, items, args.repeat, args.budget)
    overturned = sum(reference)
    say(f"{len(rule_specs)} rules, {len(items)} items, {overturned} predicted overturned; ratios {ratios}; "
        f"hand-written rules only: {extra['hand_written']}")
    summary = {"items": len(items), "agree": not disagree,
               "engines": {k: (round(rates[k]) if rates.get(k) else None) for k in ENGINES},
               "ratios": ratios, "targets": targets, "extra": extra, "rules": len(rule_specs),
               "overturned": overturned, "repeat": args.repeat}
    print(json.dumps(summary))
    return 0 if not disagree else 1


if __name__ == "__main__":
    sys.exit(main())
