"""Vega-Lite v5 charts of statistics results, the same specs the TypeScript side builds (src/charts/):
test/fixtures/charts/*.json pin both to the same JSON (fedomop/tests/test_charts.py and
src/charts/charts.spec.ts). Rows are plain dicts (None for missing), metadata the Arrow schema's
string map. Keep a change here and in src/charts/ in step: the fixtures fail otherwise.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .js_numbers import js_number, to_precision

VEGA_LITE_MIME = "application/vnd.vegalite.v5+json"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
POOLED = "pooled"
# vega-embed reads usermeta.embedOptions: SVG, so marks and labels are page elements (src/charts/common.ts).
USERMETA = {"embedOptions": {"renderer": "svg"}}
ALL_STRATUM = "all"
KM_META = "fedomop.km"
GLM_META = "fedomop.glm"
QUANTILES = ("p05", "p25", "median", "p75", "p95")
# The summary's median tick: Vega's second category colour, readable on the blue bars, white and dark.
MEDIAN_COLOR = "#f58518"
RATIO_LABEL = {"binomial": "odds ratio", "poisson": "rate ratio"}

Row = dict[str, Any]


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _num(row: Row, key: str) -> Any:
    return row.get(key) if _is_number(row.get(key)) else None


def _withheld(row: Row, measure: str) -> bool:
    return row.get(f"{measure}_suppressed") is True or row.get(measure) is None


def _pooled_or_sites(rows: list[Row]) -> tuple[list[Row], bool]:
    pooled = [r for r in rows if r.get("site") == POOLED]
    return (pooled, True) if pooled else (list(rows), False)


def _meta_json(metadata: dict[str, str] | None, key: str) -> dict[str, Any]:
    raw = (metadata or {}).get(key)
    if raw is None:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        return {}


def _base(title: Any, width: int = 420) -> dict[str, Any]:
    return {"$schema": VEGA_LITE_SCHEMA, "title": title, "usermeta": USERMETA, "width": width}


def format_p(p: float) -> str:
    """3 significant digits as JavaScript's Number(p.toPrecision(3)).toString(); tiny ones "< 0.0001"."""
    if p < 1e-4:
        return "< 0.0001"
    return js_number(to_precision(p, 3))


OPEN_OPACITY = 0.45


def _label(v: float) -> str:
    """An edge in a label: 6 significant digits, as Number(v.toPrecision(6)) in TypeScript."""
    return js_number(to_precision(v, 6))


def drawn_bin(row: Row, rows: list[Row]) -> Row:
    """Where a bin is drawn: an open bin (-inf, e0) or (em, inf) borrows its closed neighbour's width."""
    lo, hi = row.get("bin_lower"), row.get("bin_upper")
    if _is_number(lo) and _is_number(hi):
        return {"x_lower": lo, "x_upper": hi, "open": None, "open_label": None}
    closed = [r for r in rows if _is_number(r.get("bin_lower")) and _is_number(r.get("bin_upper"))]

    def width(r: Row | None) -> float:
        return r["bin_upper"] - r["bin_lower"] if r is not None and r["bin_upper"] > r["bin_lower"] else 1

    if _is_number(hi):
        first = min(closed, key=lambda r: r["bin_lower"], default=None)
        return {"x_lower": hi - width(first), "x_upper": hi, "open": "below", "open_label": f"< {_label(hi)}"}
    if _is_number(lo):
        last = max(closed, key=lambda r: r["bin_upper"], default=None)
        return {"x_lower": lo, "x_upper": lo + width(last), "open": "above", "open_label": f"> {_label(lo)}"}
    return {"x_lower": None, "x_upper": None, "open": None, "open_label": None}


def histogram_chart(rows: list[Row], show: str | None = None) -> dict[str, Any]:
    if show == "sites":
        chosen, pooled = [r for r in rows if r.get("site") != POOLED], False
    else:
        chosen, pooled = _pooled_or_sites(rows)
    fields = ("site", "variable", "bin_lower", "bin_upper", "persons", "persons_lower", "persons_upper")
    values = [
        {**{f: r.get(f) for f in fields}, "withheld": _withheld(r, "persons"), **drawn_bin(r, chosen)} for r in chosen
    ]
    variable = str(chosen[0].get("variable") or "") if chosen else ""
    x = {"field": "x_lower", "type": "quantitative", "title": variable, "bin": {"binned": True}}
    mid = {"calculate": "(datum.x_lower + datum.x_upper) / 2", "as": "x_mid"}
    layers = [
        {
            "mark": {"type": "bar", "tooltip": True},
            "transform": [{"filter": "datum.withheld === false"}],
            "encoding": {
                "x": x,
                "x2": {"field": "x_upper"},
                "y": {"field": "persons", "type": "quantitative", "title": "persons"},
                "opacity": {"condition": {"test": "datum.open !== null", "value": OPEN_OPACITY}, "value": 1},
            },
        },
        {
            "mark": {"type": "rule", "strokeDash": [3, 2], "tooltip": True},
            "transform": [{"filter": "datum.withheld === true"}, mid],
            "encoding": {
                "x": {"field": "x_mid", "type": "quantitative"},
                "y": {"field": "persons_lower", "type": "quantitative"},
                "y2": {"field": "persons_upper"},
            },
        },
        {
            "mark": {"type": "text", "dy": -6, "baseline": "bottom", "style": "guide-label"},
            "transform": [
                {"filter": "datum.open !== null"},
                mid,
                {"calculate": "datum.withheld ? datum.persons_upper : datum.persons", "as": "top"},
            ],
            "encoding": {
                "x": {"field": "x_mid", "type": "quantitative"},
                "y": {"field": "top", "type": "quantitative"},
                "text": {"field": "open_label"},
            },
        },
    ]
    title = f"{variable}: persons per bin{' (pooled)' if pooled else ''}"
    if pooled:
        return {**_base(title), "data": {"values": values}, "layer": layers}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "usermeta": USERMETA,
        "data": {"values": values},
        "facet": {"row": {"field": "site", "type": "nominal", "title": "site"}},
        "spec": {"width": 420, "height": 120, "layer": layers},
    }


def km_chart(rows: list[Row], metadata: dict[str, str] | None = None) -> dict[str, Any]:
    meta = _meta_json(metadata, KM_META)
    points: list[Row] = []
    started: set[str] = set()
    for r in _pooled_or_sites(rows)[0]:
        if not _is_number(r.get("time")) or not _is_number(r.get("survival")):
            continue
        stratum = ALL_STRATUM if r.get("stratum") is None else str(r["stratum"])
        if stratum not in started:
            started.add(stratum)
            if r["time"] > 0:
                points.append(
                    {
                        "stratum": stratum,
                        "time": 0,
                        "survival": 1,
                        "ci_lower": 1,
                        "ci_upper": 1,
                        "n_at_risk": None,
                        "n_events": None,
                    }
                )
        points.append(
            {
                "stratum": stratum,
                "time": r["time"],
                "survival": r["survival"],
                "ci_lower": _num(r, "ci_lower"),
                "ci_upper": _num(r, "ci_upper"),
                "n_at_risk": _num(r, "n_at_risk"),
                "n_events": _num(r, "n_events"),
            }
        )
    medians = [
        {"stratum": ALL_STRATUM if s == "" else s, "median": m["median"], "half": 0.5}
        for s, m in (meta.get("median") or {}).items()
        if _is_number(m.get("median"))
    ]
    color = {
        "field": "stratum",
        "type": "nominal",
        "title": "stratum",
        "legend": {"symbolType": "stroke", "symbolOpacity": 1, "symbolStrokeWidth": 2},
    }
    x = {"field": "time", "type": "quantitative", "title": "days since index"}
    layer: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.2},
            "encoding": {
                "x": x,
                "y": {"field": "ci_lower", "type": "quantitative"},
                "y2": {"field": "ci_upper"},
                "color": color,
            },
        },
        {
            "mark": {"type": "line", "interpolate": "step-after", "tooltip": True},
            "encoding": {
                "x": x,
                "y": {"field": "survival", "type": "quantitative", "title": "survival", "scale": {"domain": [0, 1]}},
                "color": color,
            },
        },
    ]
    if medians:
        layer.append(
            {
                "data": {"values": medians},
                "mark": {"type": "rule", "strokeDash": [4, 3], "tooltip": True},
                "encoding": {
                    "x": {"field": "median", "type": "quantitative"},
                    "y": {"field": "half", "type": "quantitative"},
                    "y2": {"datum": 0},
                    "color": color,
                },
            }
        )
    logrank = meta.get("logrank")
    text = "Kaplan–Meier survival (pooled)"
    title: Any = text
    if logrank and _is_number(logrank.get("p_value")):
        title = {"text": text, "subtitle": f"log-rank p = {format_p(logrank['p_value'])} (df {logrank['df']})"}
    return {**_base(title), "height": 260, "data": {"values": points}, "layer": layer}


def is_intercept(term: Any) -> bool:
    return isinstance(term, str) and re.fullmatch(r"\(?intercept\)?", term, re.IGNORECASE) is not None


def glm_chart(rows: list[Row], metadata: dict[str, str] | None = None) -> dict[str, Any]:
    meta = _meta_json(metadata, GLM_META)
    family = meta.get("family") or "gaussian"
    ratio = family in RATIO_LABEL

    def tx(v: Any) -> float | None:
        return (math.exp(v) if ratio else v) if _is_number(v) else None

    values = [
        {
            "term": str(r["term"]),
            "estimate": tx(r["estimate"]),
            "ci_lower": tx(r.get("ci_lower")),
            "ci_upper": tx(r.get("ci_upper")),
            "p_value": r.get("p_value") if _is_number(r.get("p_value")) else None,
        }
        for r in _pooled_or_sites(rows)[0]
        if not is_intercept(r.get("term")) and _is_number(r.get("estimate"))
    ]
    label = RATIO_LABEL.get(family, "coefficient")
    x_scale = {"type": "log"} if ratio else {"zero": False}
    x = {"field": "estimate", "type": "quantitative", "title": f"{label} (95 % CI)", "scale": x_scale}
    y = {"field": "term", "type": "nominal", "title": None, "sort": [v["term"] for v in values]}
    details = [
        f"n = {meta['n']}" if "n" in meta else "",
        f"{meta['iterations']} iterations" if "iterations" in meta else "",
        "NOT converged" if meta.get("converged") is False else "",
    ]
    return {
        **_base({"text": f"GLM ({family}): {label}s", "subtitle": " · ".join(d for d in details if d)}),
        "height": {"step": 28},
        "data": {"values": values},
        "layer": [
            {
                # Its own one-row data: on the terms' rows the reference would be drawn once per term.
                "data": {"values": [{}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "gray"},
                "encoding": {"x": {"datum": 1 if ratio else 0}},
            },
            {
                "mark": {"type": "rule"},
                "encoding": {
                    "y": y,
                    "x": {"field": "ci_lower", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "ci_upper"},
                },
            },
            {"mark": {"type": "point", "filled": True, "size": 60, "tooltip": True}, "encoding": {"y": y, "x": x}},
        ],
    }


def summary_chart(rows: list[Row]) -> dict[str, Any]:
    numeric = [r for r in rows if _is_number(r.get("mean")) or _is_number(r.get("median"))]
    if not numeric:
        return _levels_chart(rows)
    values = []
    for r in numeric:
        group = str(r["site"]) if r.get("level") is None else f"{r['site']} · {r['level']}"
        out: Row = {
            "variable": str(r["variable"]),
            "site": group,
            "n": r["n"] if _is_number(r.get("n")) else None,
        }
        for q in QUANTILES:
            out[q] = r[q] if _is_number(r.get(q)) else None
        values.append(out)
    sites = list(dict.fromkeys(v["site"] for v in values))
    y = {"field": "site", "type": "nominal", "title": None, "sort": sites}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": "Summary: p05 · p25 · median · p75 · p95",
        "usermeta": USERMETA,
        "data": {"values": values},
        "facet": {
            "row": {
                "field": "variable",
                "type": "nominal",
                "title": None,
                "header": {"labelAngle": 0, "labelAlign": "left"},
            }
        },
        "resolve": {"scale": {"x": "independent"}},
        "spec": {
            "width": 420,
            "layer": [
                {
                    "mark": {"type": "rule"},
                    "encoding": {
                        "y": y,
                        "x": {"field": "p05", "type": "quantitative", "title": None},
                        "x2": {"field": "p95"},
                    },
                },
                {
                    "mark": {"type": "bar", "size": 12, "tooltip": True},
                    "encoding": {"y": y, "x": {"field": "p25", "type": "quantitative"}, "x2": {"field": "p75"}},
                },
                {
                    "mark": {"type": "tick", "color": MEDIAN_COLOR, "thickness": 2, "size": 14},
                    "encoding": {"y": y, "x": {"field": "median", "type": "quantitative"}},
                },
            ],
        },
    }


def _levels_chart(rows: list[Row]) -> dict[str, Any]:
    values = [
        {"variable": str(r["variable"]), "level": str(r["level"]), "site": str(r["site"]), "n": r["n"]}
        for r in rows
        if r.get("level") is not None and _is_number(r.get("n")) and not _is_number(r.get("mean"))
    ]
    return {
        **_base("Summary: persons per level"),
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "site", "type": "nominal", "title": None},
            "x": {"field": "n", "type": "quantitative", "title": "persons", "stack": "normalize"},
            "color": {"field": "level", "type": "nominal"},
            "row": {"field": "variable", "type": "nominal", "title": None},
        },
    }


CHARTS = {
    "summary": lambda rows, metadata: summary_chart(rows),
    "histogram": lambda rows, metadata: histogram_chart(rows),
    "glm": glm_chart,
    "km": km_chart,
}


def chart_for(kind: str, rows: list[Row], metadata: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The default chart of a result by analysis kind; None for kinds without one (count, attrition)."""
    chart = CHARTS.get(kind)
    return chart(rows, metadata) if chart else None
