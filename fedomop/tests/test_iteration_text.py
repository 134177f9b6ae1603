"""The progress line names a GLM's null-model rounds as such (as src/client/iteration.ts does)."""

from fedomop.client import _iteration_text


def test_glm_model_and_null_model_iterations_are_told_apart() -> None:
    full = {"round": 3, "kind": "glm", "model": "full", "iteration": 3, "modelIterations": 3, "nullIterations": 0}
    assert _iteration_text(full) == "glm iteration 3"
    null = {"round": 8, "kind": "glm", "model": "null", "iteration": 2, "modelIterations": 6, "deviance": 512.345678912}
    assert _iteration_text(null) == "glm null model iteration 2 (model: 6 iterations) · deviance 512.34568"
    assert _iteration_text({"round": 4, "kind": "quantile"}) == "quantile iteration 4"
