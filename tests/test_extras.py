"""A missing optional dependency is one problem naming the extra that installs it, never an ImportError."""

import pytest

from checker.core.errors import InputError
from checker.core.extras import require_extra


def test_a_missing_extra_names_the_pip_extra():
    with pytest.raises(InputError) as caught:
        require_extra("no_such_module_for_mtus.sub", "--format parquet", "parquet", hint="or use --format csv")
    problem = caught.value.problems[0]
    assert (problem.code, str(problem)) == (
        "missing-extra", "--format parquet: no_such_module_for_mtus is not installed: pip install "
                         "'mtus-checker[parquet]' (hint: or use --format csv)")


def test_an_installed_extra_is_the_module():
    assert require_extra("json", "x", "none").__name__ == "json"
