"""The Python charts equal the TypeScript ones: both are checked against test/fixtures/charts/*.json
(src/charts/charts.spec.ts writes and checks the expected specs there)."""

import json
import math
from pathlib import Path

import pytest

from fedomop.charts import chart_for, format_p

FIXTURES = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "charts"


def _same(actual, expected, path="spec"):
    """Equal JSON, except that floats may differ in the last bits (exp() in V8 vs the C library)."""
    if isinstance(expected, float) or isinstance(actual, float):
        assert isinstance(actual, (int, float)) and not isinstance(actual, bool), path
        assert math.isclose(actual, expected, rel_tol=1e-14, abs_tol=0), f"{path}: {actual} != {expected}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), (
            f"{path}: keys {list(actual)} != {list(expected)}"
        )
        for key in expected:
            _same(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: length"
        for i, (a, e) in enumerate(zip(actual, expected)):
            _same(a, e, f"{path}[{i}]")
    else:
        assert type(actual) is type(expected) and actual == expected, f"{path}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_python_chart_equals_the_typescript_spec(name):
    fixture = json.loads((FIXTURES / name).read_text())
    _same(json.loads(json.dumps(chart_for(fixture["kind"], fixture["rows"], fixture["metadata"]))), fixture["spec"])


def test_p_values_read_as_javascript_prints_them():
    assert [format_p(p) for p in (0.0128, 0.5, 0.12345, 0.00005, 1.0, 0.000123)] == [
        "0.0128",
        "0.5",
        "0.123",
        "< 0.0001",
        "1",
        "0.000123",
    ]


def test_kinds_without_a_chart():
    assert chart_for("count", []) is None
