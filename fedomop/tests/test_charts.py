"""The Python charts equal the TypeScript ones: both are checked against test/fixtures/charts/*.json
(src/charts/charts.spec.ts writes and checks the expected specs there)."""

import json
import math
from pathlib import Path

import pytest

from fedomop.charts import _label, chart_for, format_p, histogram_chart
from fedomop.js_numbers import js_number

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
    # An exact binary tie (survival 13/16): toPrecision takes the larger digits, Python's format the even.
    assert format_p(0.8125) == "0.813"


def test_kinds_without_a_chart():
    assert chart_for("count", []) is None


def test_open_histogram_bins_are_drawn_as_wide_as_their_neighbour():
    rows = json.loads((FIXTURES / "histogram-open.json").read_text())["rows"]
    values = histogram_chart(rows)["data"]["values"]
    assert all(isinstance(v["x_lower"], (int, float)) and isinstance(v["x_upper"], (int, float)) for v in values)
    below = next(v for v in values if v["bin_lower"] is None)
    assert (below["x_lower"], below["x_upper"], below["open"], below["open_label"]) == (40, 50, "below", "< 50")
    above = next(v for v in values if v["bin_upper"] is None)
    assert (above["x_lower"], above["open"], above["open_label"], above["withheld"]) == (
        90.00000000000001,
        "above",
        "> 90",
        True,
    )
    lone = [
        {"site": "pooled", "variable": "x", "bin_lower": None, "bin_upper": 2.5, "persons": 7},
        {"site": "pooled", "variable": "x", "bin_lower": 2.5, "bin_upper": None, "persons": 9},
    ]
    drawn = [(v["x_lower"], v["x_upper"], v["open_label"]) for v in histogram_chart(lone)["data"]["values"]]
    assert drawn == [(1.5, 2.5, "< 2.5"), (2.5, 3.5, "> 2.5")]


def test_edge_labels_read_as_javascript_prints_them():
    assert [_label(v) for v in (50.0, 90.00000000000001, 63.60000000000001, 0.00005, 1234567.0, -2.5)] == [
        "50",
        "90",
        "63.6",
        "0.00005",
        "1234570",
        "-2.5",
    ]
    # 65/128 is a tie at six digits: JavaScript writes 0.507813, round-half-even 0.507812.
    assert _label(0.5078125) == "0.507813" and _label(-0.5078125) == "-0.507813"
    # String(v) in JavaScript: exponent form below 1e-6 and from 1e21.
    assert [js_number(v) for v in (1e21, 1.5e-7, 2.5e-6, 1e22)] == ["1e+21", "1.5e-7", "0.0000025", "1e+22"]
