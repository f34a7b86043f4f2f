"""The MTUS Drug Formulary for one drug item: does it need authorization through prospective review at all?

8 CCR 9792.27.1-9792.27.23, for drugs dispensed on or after 2018-01-01 (9792.27.2, 9792.27.3). The answer
is ``{status, review_required, reason, section, policy, drug_list}``; every reason cites its section.
Sections and their wording were checked with the `search` tool (pages corpus); see rules/editions.yaml.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from checker.rules.compile import Facts
from checker.rules.formulary import DrugList, ListedDrug, list_in_force
from checker.rules.ruleset import RuleSet

START = date(2018, 1, 1)  # 8 CCR 9792.27.3(a): drugs dispensed on or after January 1, 2018
SPECIAL_FILL_DAYS = 7     # 9792.27.12(b)(1), (c): initial visit within 7 days; the day after the injury is day one
PERIOPERATIVE_DAYS = 4    # 9792.27.13(b): 4 days before to 4 days after surgery; the surgery day is day zero

EXEMPT = "8 CCR §9792.27.10"
LIST = "8 CCR §9792.27.10"
BRAND = "8 CCR §9792.27.7"
COMPOUNDED = "8 CCR §9792.27.9"
SPECIAL = "8 CCR §9792.27.12"
PERIOPERATIVE = "8 CCR §9792.27.13"


def formulary_start(rules: RuleSet) -> date:
    """When the formulary took effect: the registry's formulary edition, else 2018-01-01."""
    edition = next((e for e in rules.editions.editions if e.kind == "formulary"), None)
    return edition.start if edition else START


def _answer(status: str, review: bool, reason: str, section: str, drug_list: DrugList | None,
            policy: str | None = None) -> dict[str, Any]:
    return {"status": status, "review_required": review, "reason": reason, "section": section, "policy": policy,
            "drug_list": drug_list.describe() if drug_list else None}


def _brand_needs_review(facts: Facts) -> bool | None:
    """A brand name drug prescribed 'Dispense as Written' where a generic exists (9792.27.7); None: whether a
    generic exists is not documented. Without a documented 'Dispense as Written' a generic may be dispensed."""
    if facts.get("request.dispensing.dispense_as_written") is not True:
        return False
    return facts.get("request.dispensing.generic_available")


def _fill_blocker(facts: Facts, fill_days: int | None, days: int | None) -> str | None:
    """Why a fill's common conditions (supply limit, generic or substantiated brand) fail; None when they hold."""
    if fill_days is None:
        return "the list gives no supply limit for it"
    if days is None:
        return f"the supply is not stated (the limit is {fill_days} days)"
    if days > fill_days:
        return f"a {days}-day supply exceeds the {fill_days}-day limit"
    brand = _brand_needs_review(facts)
    if brand and facts.get("request.dispensing.brand_necessity_documented") is not True:
        return ("it is a brand name drug where a generic exists, and the physician has not documented the medical "
                "need for the brand")
    if brand is None:
        return "whether a brand name drug is prescribed where a generic exists is not documented"
    return None


def _special_fill(facts: Facts, drug: ListedDrug, on: date, days: int | None) -> str | None:
    """Why Special Fill does not apply (None: it does): 9792.27.12(b)."""
    injury = facts.get("injury.date")
    if injury is None:
        return "the date of injury is not documented"
    after = (on - injury).days
    if after < 0 or after > SPECIAL_FILL_DAYS:
        return f"it is prescribed {after} days after the injury, outside the {SPECIAL_FILL_DAYS}-day window"
    initial = facts.get("request.dispensing.initial_visit")
    if initial is not True:
        return ("it is not prescribed at the single initial treatment visit" if initial is False else
                "it is not documented that it is prescribed at the single initial treatment visit")
    return _fill_blocker(facts, drug.special_fill.days if drug.special_fill else None, days)


def _perioperative_fill(facts: Facts, drug: ListedDrug, on: date, days: int | None) -> str | None:
    """Why Perioperative Fill does not apply (None: it does): 9792.27.13."""
    surgery = facts.get("request.dispensing.surgery_date") or facts.get("clinical.surgery_date")
    if surgery is None:
        return "no surgery date is documented"
    day = (on - surgery).days
    if abs(day) > PERIOPERATIVE_DAYS:
        return (f"it is prescribed on day {day:+d} of the surgery, outside the perioperative period (day "
                f"-{PERIOPERATIVE_DAYS} to +{PERIOPERATIVE_DAYS}, the surgery day is day zero)")
    return _fill_blocker(facts, drug.perioperative_fill.days if drug.perioperative_fill else None, days)


def formulary(facts: Facts, rules: RuleSet, on: date, days: int | None) -> tuple[dict[str, Any] | None, str | None]:
    """The formulary answer for a drug item dispensed on ``on`` (``days``: the supply of one fill), and a
    warning when it cannot be given (no MTUS Drug List in force on that date is loaded)."""
    on = facts.get("request.dispensing.date") or on
    compounded = facts.get("request.dispensing.compounded")
    if compounded is None:  # a marketed combination product (Terocin) is not compounded: it is unlisted or listed
        compounded = facts.get("request.drug_class") == "compounded_topical"
    drug_list = list_in_force(rules.drug_lists, on)
    if compounded:
        return _answer("compounded", True, "A compounded drug must be authorized through prospective review before "
                       f"it is dispensed, with the medical need documented ({COMPOUNDED}).", COMPOUNDED, None), None
    if drug_list is None:
        return None, (f"The MTUS Drug Formulary applies to drugs dispensed from {formulary_start(rules)}, but no MTUS "
                      f"Drug List in force on {on} is loaded (rules/formulary/): whether drug items need prospective "
                      "review is not given. Import the DWC's list with `mtus formulary import LIST -o "
                      "rules/formulary/FILE.yaml`.")
    ingredients = facts.get("request.ingredients") or []
    listed = drug_list.find(ingredients)
    if listed is None:
        return _answer("unlisted", True, f"{' / '.join(ingredients) or 'This drug'} is not on the MTUS Drug List "
                       "(a combination not listed as such is unlisted even when its ingredients are): an unlisted "
                       f"drug requires authorization through prospective review ({LIST}).", LIST, drug_list), None
    if listed.status == "exempt":
        brand = _brand_needs_review(facts)
        if brand:
            documented = facts.get("request.dispensing.brand_necessity_documented") is True
            return _answer("exempt", True, f"{listed.ingredient} is Exempt, but a brand name drug is prescribed "
                           "'Dispense as Written' where a generic exists: the physician must document the medical "
                           "need for the brand and obtain authorization through prospective review before it is "
                           f"dispensed ({BRAND}); the need is {'documented' if documented else 'not documented'}.",
                           BRAND, drug_list), None
        unknown = " (whether a brand is prescribed where a generic exists is not documented; if so, §9792.27.7 " \
                  "requires prospective review)" if brand is None else ""
        return _answer("exempt", False, f"{listed.ingredient} is Exempt on the MTUS Drug List: no prospective review "
                       "when prescribed in accordance with the MTUS Treatment Guidelines "
                       f"({EXEMPT}){unknown}.", EXEMPT, drug_list), None
    why_not = []
    if listed.special_fill:
        blocker = _special_fill(facts, listed, on, days)
        if blocker is None:
            return _answer("non_exempt", False, f"{listed.ingredient} is Non-Exempt but a Special Fill drug, "
                           "prescribed at the initial visit within 7 days of the injury and within its supply limit: "
                           f"no prospective review when prescribed per the MTUS ({SPECIAL}).", SPECIAL, drug_list,
                           "special_fill"), None
        why_not.append(f"Special Fill does not apply: {blocker} ({SPECIAL})")
    if listed.perioperative_fill:
        blocker = _perioperative_fill(facts, listed, on, days)
        if blocker is None:
            return _answer("non_exempt", False, f"{listed.ingredient} is Non-Exempt but a Perioperative Fill drug, "
                           "prescribed in the perioperative period (4 days before to 4 days after surgery) within its "
                           f"supply limit: no prospective review when prescribed per the MTUS ({PERIOPERATIVE}).",
                           PERIOPERATIVE, drug_list, "perioperative_fill"), None
        why_not.append(f"Perioperative Fill does not apply: {blocker} ({PERIOPERATIVE})")
    return _answer("non_exempt", True, f"{listed.ingredient} is Non-Exempt on the MTUS Drug List: it requires "
                   f"authorization through prospective review ({LIST})" + ("; " + "; ".join(why_not) if why_not
                                                                          else "") + ".", LIST, drug_list), None
