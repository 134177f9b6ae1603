"""The statistics calls from Python against real sites and a hub: hub.glm / hub.summary build the
plan, follow the hub's iteration events, and return a pandas frame that is the hub's answer to that
plan and carries the chart fedomop.charts builds from it (the TypeScript chart's twin, see
test_charts.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import fedomop
from fedomop.charts import VEGA_LITE_MIME, chart_for
from fedomop.stats import StatsFrame
from fedomop.tests.federation import BUILT, federation

SITES = {"south": (33, 3000, "small"), "north": (22, 4000, "regional")}
# Essential hypertension: a cohort large enough at both sites for the GLM's disclosure rules.
COHORT = {
    "ConceptSets": [
        {
            "id": 0,
            "name": "hypertension",
            "expression": {"items": [{"concept": {"CONCEPT_ID": 320128}, "includeDescendants": True}]},
        }
    ],
    "PrimaryCriteria": {
        "CriteriaList": [{"ConditionOccurrence": {"CodesetId": 0}}],
        "ObservationWindow": {"PriorDays": 0, "PostDays": 0},
        "PrimaryCriteriaLimit": {"Type": "First"},
    },
}
VARIABLES = {
    "age": {"type": "age_at_index"},
    "gender": {"type": "gender"},
    "death_2y": {"type": "death", "window": {"start": 0, "end": 730}},
}


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    if not BUILT:
        pytest.skip("needs node and the built CLI (scripts/setup.sh)")
    with federation(tmp_path_factory.mktemp("stats"), SITES) as fed:
        yield fed


def test_glm_from_python_is_the_hubs_answer_with_its_forest_plot(running):
    hub = fedomop.connect(running["hub"])
    seen: list[dict] = []
    fit = hub.glm(
        COHORT,
        VARIABLES,
        family="binomial",
        outcome="death_2y",
        covariates=["age", "gender"],
        progress=lambda site, info: seen.append(info),
    )
    assert isinstance(fit, StatsFrame) and isinstance(fit, pd.DataFrame)
    assert list(fit.columns[:3]) == ["site", "term", "estimate"]
    assert set(fit["site"]) == {"pooled"}, "GLM results are pooled only"
    assert {"age", "gender[MALE]"} <= set(fit["term"])
    assert any(i.get("iteration", {}).get("kind") == "glm" for i in seen), "the hub's IRLS rounds reached the progress"
    assert fit.meta["family"] == "binomial" and fit.meta["converged"] is True

    plan = {
        "version": 1,
        "cohort": COHORT,
        "analysis": {
            "kind": "glm",
            "variables": VARIABLES,
            "family": "binomial",
            "outcome": "death_2y",
            "covariates": ["age", "gender"],
        },
    }
    direct = hub.run(plan, progress=False)
    pd.testing.assert_frame_equal(pd.DataFrame(fit), direct.frame)

    assert fit.chart == chart_for("glm", direct.table.to_pylist(), direct.metadata)
    bundle = fit._repr_mimebundle_()
    assert bundle[VEGA_LITE_MIME] == fit.chart
    assert "<table" in bundle["text/html"]
    assert [v["term"] for v in fit.chart["data"]["values"]] == [t for t in fit["term"] if t != "(Intercept)"]
    # A frame derived from it is a plain DataFrame: the chart belongs to the whole result.
    assert type(fit[fit["term"] == "age"]) is pd.DataFrame


def test_summary_by_gender_per_site_and_pooled(running):
    hub = fedomop.connect(running["hub"])
    summary = hub.summary(COHORT, VARIABLES, of=["age"], by="gender", progress=False)
    assert set(summary["site"]) == {"south", "north", "pooled"}
    assert set(summary["level"]) == {"FEMALE", "MALE"}
    assert "min" not in summary.columns and "max" not in summary.columns
    groups = {v["site"] for v in summary.chart["data"]["values"]}
    assert groups == {f"{s} · {g}" for s in ("south", "north", "pooled") for g in ("FEMALE", "MALE")}


def test_a_glm_a_site_refuses_fails_as_a_whole_and_the_frame_says_why(running):
    """The prostate sample cohort is small at south: too few deaths within two years for its rules."""
    from fedomop.templates import SAMPLE_COHORT

    hub = fedomop.connect(running["hub"])
    cohort = fedomop.cohort_from_file(SAMPLE_COHORT)
    fit = hub.glm(cohort, VARIABLES, family="binomial", outcome="death_2y", covariates=["age"], progress=False)
    assert len(fit) == 0
    text = fit._repr_mimebundle_()["text/plain"]
    assert "the analysis failed: ERR_DISCLOSURE_REFUSED" in text, text
    assert any(f["site"] == "south" and f["code"] == "ERR_DISCLOSURE_REFUSED" for f in fit.failures)
