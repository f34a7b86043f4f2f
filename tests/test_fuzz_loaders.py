"""Hypothesis fuzzing of the case loader and the rule loader (bounded to a few seconds; the long run of
5,000+ inputs per loader is bench/fuzz_loaders.py): a mutated real file is loaded, or refused with an
InputError / reported problems, never anything else."""

from __future__ import annotations

import pytest
from hostile_inputs import LoaderTargets, mutate, seed_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CASES, RULES = seed_files()


@pytest.fixture(scope="module")
def targets(tmp_path_factory) -> LoaderTargets:
    return LoaderTargets(tmp_path_factory.mktemp("fuzz"))


def _mutated(data: st.DataObject, seeds: list[str]) -> str:
    def pick(n: int) -> int:
        return data.draw(st.integers(0, max(0, n - 1)))

    return mutate(seeds[pick(len(seeds))], pick, rounds=1 + pick(4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzz_case_loader_loads_or_refuses_in_one_line(targets: LoaderTargets, data: st.DataObject) -> None:
    assert targets.case(_mutated(data, CASES)) in ("ok", "problem")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzz_rule_loader_validates_or_reports_problems(targets: LoaderTargets, data: st.DataObject) -> None:
    assert targets.rule(_mutated(data, RULES)) in ("ok", "problem")


@pytest.mark.parametrize("token", ["&a [*a, *a]", '"\\ud800"', "!!int ", "!!timestamp ", "9" * 5000, "[" * 150,
                                   ".nan", "\x00", "2016-02-30", "<<: *a"], ids=lambda t: repr(t[:12]))
def test_each_hostile_fragment_in_every_seed_position_kind(targets: LoaderTargets, token: str) -> None:
    """Every hostile fragment spliced after each top-level key of a real case and a real rule file."""
    for seed, target in ((CASES[0], targets.case), (RULES[0], targets.rule)):
        lines = seed.split("\n")
        for k, line in enumerate(lines):
            if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
                text = "\n".join([*lines[:k], line.split(":")[0] + ": " + token, *lines[k + 1:]])
                assert target(text) in ("ok", "problem")
