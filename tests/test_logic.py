"""Three-valued (Kleene) logic, exhaustively: every operator with a fact that is true, false and absent."""

from datetime import date
from itertools import product

import pytest

from checker.rules.compile import (
    NA,
    compile_decision,
    compile_template,
    compile_test,
    kleene_all,
    kleene_any,
    kleene_not,
)

T, F, U = True, False, None
REPORT = date(2016, 12, 1)

# operator, operand, a value that satisfies it, a value that does not
OPERATORS = [
    ("is", True, True, False),
    ("is", False, False, True),
    ("equals", "modified_duty", "modified_duty", "retired"),
    ("in", ["full_duty", "modified_duty"], "full_duty", "temporarily_totally_disabled"),
    ("at_least", 30, 30, 29.9),
    ("at_most", 3, 3, 3.1),
    ("between", [4, 12], 12, 12.5),
    ("within_days", 180, date(2016, 6, 4), date(2016, 6, 3)),
    ("contains", "osteoarthritis", ["low_back_pain", "osteoarthritis"], ["low_back_pain"]),
    ("contains", ["osteoarthritis", "tendinitis"], ["tendinitis"], ["sprain_strain"]),
]


@pytest.mark.parametrize(("op", "operand", "good", "bad"), OPERATORS, ids=[f"{o[0]}-{o[1]}" for o in OPERATORS])
def test_operator_true_false_absent(op, operand, good, bad):
    test = compile_test({"fact": "x.y", op: operand})
    assert test({"x.y": good, "report_date": REPORT}) is True
    assert test({"x.y": bad, "report_date": REPORT}) is False
    assert test({"report_date": REPORT}) is None, "an absent fact is not documented, never met or not met"
    assert test({"x.y": None, "report_date": REPORT}) is None


def test_within_days_needs_the_report_date_and_a_past_date():
    test = compile_test({"fact": "d", "within_days": 30})
    assert test({"d": date(2016, 11, 20)}) is None
    assert test({"d": date(2016, 12, 5), "report_date": REPORT}) is False


@pytest.mark.parametrize("want", [True, False])
def test_documented_is_two_valued(want):
    test = compile_test({"fact": "x", "documented": want})
    assert test({"x": False}) is want, "a fact documented as false is documented"
    assert test({"x": 0}) is want
    assert test({}) is (not want)
    assert test({"x": []}) is (not want), "an empty list documents nothing"


KLEENE_AND = {(T, T): T, (T, F): F, (T, U): U, (F, F): F, (F, U): F, (U, U): U}
KLEENE_OR = {(T, T): T, (T, F): T, (T, U): T, (F, F): F, (F, U): U, (U, U): U}


@pytest.mark.parametrize(("a", "b"), list(product([T, F, U], repeat=2)))
def test_all_any_truth_tables(a, b):
    key = (a, b) if (a, b) in KLEENE_AND else (b, a)
    assert kleene_all([a, b]) is KLEENE_AND[key]
    assert kleene_any([a, b]) is KLEENE_OR[key]
    facts = {k: v for k, v in (("a", a), ("b", b)) if v is not None}
    both = [{"fact": "a", "is": True}, {"fact": "b", "is": True}]
    assert compile_test({"all": both})(facts) is KLEENE_AND[key]
    assert compile_test({"any": both})(facts) is KLEENE_OR[key]


@pytest.mark.parametrize(("value", "expected"), [(T, F), (F, T), (U, U)])
def test_not(value, expected):
    assert kleene_not(value) is expected
    facts = {} if value is None else {"a": value}
    assert compile_test({"not": {"fact": "a", "is": True}})(facts) is expected


def test_nested_tests_keep_unknowns():
    test = compile_test({"all": [{"fact": "a", "is": True}, {"not": {"any": [{"fact": "b", "is": True},
                                                                            {"fact": "c", "at_least": 5}]}}]})
    assert test({"a": True, "b": False, "c": 1}) is True
    assert test({"a": True, "b": False}) is None
    assert test({"a": True, "c": 9}) is False
    assert test({"b": True}) is False


@pytest.mark.parametrize(("a", "b"), list(product([T, F, U, NA], repeat=2)))
def test_decision_treats_not_applicable_as_neutral(a, b):
    values = {"a": a, "b": b}
    both_all, both_any = compile_decision({"all": ["a", "b"]}), compile_decision({"any": ["a", "b"]})
    applicable = [v for v in (a, b) if v is not NA]
    if not applicable:
        assert both_all(values) is NA and both_any(values) is NA
    else:
        assert both_all(values) is kleene_all(applicable)
        assert both_any(values) is kleene_any(applicable)
    assert compile_decision({"not": "a"})(values) is (NA if a is NA else kleene_not(a))


def test_templates_fill_values_and_say_not_documented():
    fill = compile_template("used for at least {request.weeks_of_use} weeks since {request.first_noted}; {x}")
    text = fill({"request.weeks_of_use": 16.0, "request.first_noted": date(2015, 2, 26), "x": True})
    assert text == "used for at least 16 weeks since 02/26/2015; yes"
    assert fill({}) == "used for at least not documented weeks since not documented; not documented"


def test_template_optional_parts_drop_when_a_fact_they_name_is_not_documented():
    fill = compile_template("Relief is documented[ (pain {a} without, {b} with medication)]; since {c}.")
    assert fill({"a": 10, "b": 7.5, "c": date(2015, 2, 26)}) == \
        "Relief is documented (pain 10 without, 7.5 with medication); since 02/26/2015."
    assert fill({"a": 10}) == "Relief is documented; since not documented."
