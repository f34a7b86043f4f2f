"""Every criterion cites the guideline and edition of the rule that applies it (issue 11, point 6).

A criterion shared between the 2009 and 2016 rules and re-cited where a 2016 rule uses it must print the 2016
edition, not "(2009)"; a guideline section must not be printed under the regulation's name.
"""

import pytest

from checker.engine.render import citation_text
from checker.rules.ruleset import load_rules

RULESET, _ = load_rules()
CITED = [(rule, c) for rule in RULESET.rules for c in rule.criteria]


@pytest.mark.parametrize(("rule", "criterion"), CITED, ids=[f"{r.id}::{c.id}" for r, c in CITED])
def test_a_criterion_cites_its_rules_edition(rule, criterion):
    cite = criterion.citation
    if cite.get("guideline") == rule.source.get("guideline"):
        assert cite.get("edition") == rule.edition, citation_text(cite)
    if cite.get("guideline", "").startswith("California Code of Regulations"):
        assert cite.get("section", "").startswith("§"), f"a guideline section under the regulation's name: " \
                                                        f"{citation_text(cite)}"


def test_a_2016_rule_reusing_a_2009_criterion_prints_2016():
    rule = RULESET.get("mtus.chronic-pain-2016.benzodiazepines")
    texts = [citation_text(c.citation) for c in rule.criteria]
    assert texts and all("(2016)" in t and "(2009)" not in t for t in texts), texts
