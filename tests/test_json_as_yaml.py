"""JSON read by the json module gives exactly what the YAML loader gives, or is left to the YAML loader.

Case files are read with :func:`checker.core.yamlpos.loads_plain`, which tries the json module first. Every
text here is read both ways: the fast reading must equal libyaml's (value and type, all the way down), and a
text libyaml refuses or reads otherwise must be declined.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_mtus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core import yamlpos
from checker.core.errors import InputError
from checker.core.json_as_yaml import DECLINED, loads_json


def _yaml(text: str) -> object:
    """What the YAML path of loads_plain reads (or the error it raises)."""
    loader = yamlpos._FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        yamlpos.check_nodes(node)
        return loader.construct_document(node)
    except Exception:  # noqa: BLE001
        return InputError
    finally:
        loader.dispose()


def _same(a: object, b: object) -> bool:
    """Equal with the same types at every level (1 == 1.0 == True is not good enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


def _check(text: str) -> bool:
    """Whether the fast reading took the text (asserting it agrees with libyaml when it did)."""
    fast = loads_json(text)
    if fast is DECLINED:
        return False
    expected = _yaml(text)
    assert expected is not InputError, f"read a text the YAML loader refuses: {text[:200]!r}"
    assert _same(fast, expected), f"{text[:200]!r}: json read {fast!r}, YAML {expected!r}"
    return True


# Texts on which the two readers part; each must be declined (or read the same, where libyaml agrees).
_PARTING = [
    '{"a": 1e5}', '{"a": 1.5e3}', '{"a": 1E+5}', '{"a": 1.5E-300}', '{"a": 1.0e+999}', '{"a": NaN}',
    '{"a": -Infinity}', '{"a": 1, "a": 2}', '{"a": "\\ud83d\\ude00"}', '{"a": "\\udfff"}', '{"a"\n: 1}',
    '{"a"\r\n  : 1}', '\t{"a": 1}', '{"a": "\x7f"}', '{"a": "\x85"}', '{"a": "a \u2028 b"}', '{"a": "\u2029"}',
    '{"a": "x\ufeffy"}', '\ufeff{"a": 1}', '{"' + "k" * 1100 + '": 1}', '{"a"' + " " * 1100 + ': 1}',
    '{"' + "\u20ac" * 1023 + '": 1}', "[" * 101 + "]" * 101, "[" * 3000 + "]" * 3000, '{"a": 1} x',
    '"just a string"', "17", "", "   ", '{"a": "' + "\\u0041" * 200 + '": 1}',
    '{"a": 1, "b": [' + ", ".join(['{"' + "x" * 200 + '": 1}'] * 6) + "]}",
]


@pytest.mark.parametrize("text", _PARTING)
def test_texts_the_two_readers_part_on_are_left_to_yaml(text: str) -> None:
    _check(text)


def test_the_bundled_case_files_and_the_synthetic_archive_are_read_fast_and_the_same() -> None:
    texts = [json.dumps(yamlpos.load(p)[0], indent=indent) for p in sorted((ROOT / "cases").glob("**/*.yaml"))
             for indent in (None, 2)]
    sys.path.insert(0, str(ROOT / "bench"))
    from audit_scale import synthetic_case  # noqa: PLC0415

    rng = random.Random(7)
    texts += [json.dumps(synthetic_case(rng, n)) for n in range(200)]
    assert all(_check(t) for t in texts)


_KEYS = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(["a", "b", "case_id", "<<", ""])
_SCALARS = (st.none() | st.booleans() | st.integers(-10**30, 10**30)
            | st.floats(allow_nan=True, allow_infinity=True) | st.text(st.characters(codec="utf-8"), max_size=20)
            | st.sampled_from(["2016-01-02", "true", "null", "1e5", "0x1F", "~", "- a", "a: b", "#c", "\\"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
                       max_leaves=20)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_VALUES, st.sampled_from([None, 0, 2, "\t"]), st.booleans(), st.sampled_from([(",", ":"), (", ", ": ")]))
def test_any_json_text_is_read_as_yaml_reads_it(value: object, indent: object, ascii_only: bool,
                                                separators: tuple[str, str]) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only, separators=separators, allow_nan=True)
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list('{}[]":,. \t\r\n-+eE0123456789abtrufnl\\u\x85\u2028\x7f')), max_size=40))
def test_any_text_near_json_is_read_as_yaml_reads_it(text: str) -> None:
    _check(text)


def test_loads_plain_reads_json_fast_and_yaml_as_before(tmp_path: Path) -> None:
    assert yamlpos.loads_plain('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    assert yamlpos.loads_plain('{"a": 1e5}') == {"a": "1e5"}  # YAML 1.1's reading, as before
    assert yamlpos.loads_plain("a: 1\nb: [x]\n") == {"a": 1, "b": ["x"]}
    with pytest.raises(InputError, match="duplicate key"):
        yamlpos.loads_plain('{"a": 1, "a": 2}')


def test_an_audit_of_case_files_reads_the_same_from_json_as_from_yaml(tmp_path: Path) -> None:
    """The same 150 synthetic cases (and the bundled hand-encoded ones) audited as .json (the json module) and as
    .yaml (libyaml): every item of the two reports is the same, apart from the file name."""
    sys.path.insert(0, str(ROOT / "bench"))
    from audit_scale import synthetic_case  # noqa: PLC0415

    rng = random.Random(11)
    cases = [synthetic_case(rng, n) for n in range(150)]
    cases += [yamlpos.load(p)[0] for p in sorted((ROOT / "cases" / "letters").glob("*.yaml"))]
    for suffix in ("json", "yaml"):
        folder = tmp_path / suffix
        folder.mkdir()
        for n, case in enumerate(cases):
            text = json.dumps(case, indent=2) if suffix == "json" else yaml.safe_dump(case, sort_keys=False)
            (folder / f"case-{n:04d}.{suffix}").write_text(text, encoding="utf-8")
    items = {}
    for suffix in ("json", "yaml"):
        done = run_mtus("audit", tmp_path / suffix, "-f", "json", "-o", tmp_path / f"{suffix}-report.json")
        assert done.returncode == 0, done.stderr
        report = json.loads((tmp_path / f"{suffix}-report.json").read_text(encoding="utf-8"))
        items[suffix] = [{**item, "source": Path(item["source"]).stem} for item in report["items"]]
    assert len(items["json"]) > 300
    assert items["json"] == items["yaml"]
