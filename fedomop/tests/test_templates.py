"""Shared notebook templates: the server extension lists them and creates notebooks from them (the
cohort cell loading the chosen file, nothing overwritten), and every shipped template, created that
way, runs to the end in its own kernel (Python, or TypeScript in Deno) against real sites and a hub,
with the numbers the Python client gets for the same plans."""

from __future__ import annotations

import json
import math
import os

import nbformat
import pytest
from nbclient import NotebookClient

import fedomop
from fedomop.templates import SAMPLE_COHORT, SHIPPED_TEMPLATES, instantiate, list_templates
from fedomop.tests.federation import BUILT, federation

SHIPPED = {t["id"]: t for t in list_templates(SHIPPED_TEMPLATES)}
SITES = {"south": (33, 3000, "small"), "north": (22, 4000, "regional")}

# Appended to each executed notebook: what it computed, as JSON on one line.
CHECK = {
    ("characterisation", "python"): (
        'import json as _j\nprint("FEDOMOP-CHECK " + _j.dumps({"size": _j.loads(size.frame.to_json(orient="records")),'
        ' "demographics": _j.loads(demographics.frame.to_json(orient="records")),'
        ' "prior": _j.loads(prior.to_json(orient="records"))}))'
    ),
    ("characterisation", "typescript"): (
        'Deno.writeTextFileSync("fedomop-check.json", JSON.stringify({ size: size.toRows(), demographics: demographics.toRows(), prior }));'
    ),
    ("entries-by-year", "python"): (
        'import json as _j\nprint("FEDOMOP-CHECK " + _j.dumps({"by_year": _j.loads(by_year.frame.to_json(orient="records"))}))'
    ),
    (
        "entries-by-year",
        "typescript",
    ): 'Deno.writeTextFileSync("fedomop-check.json", JSON.stringify({ by_year: byYear.toRows() }));',
    ("km-by-gender", "python"): (
        'import json as _j\nprint("FEDOMOP-CHECK " + _j.dumps({"rows": _j.loads(km.to_json(orient="records")),'
        ' "variables": variables}))'
    ),
    (
        "km-by-gender",
        "typescript",
    ): 'Deno.writeTextFileSync("fedomop-check.json", JSON.stringify({ rows: km.toRows(), variables }));',
    ("logistic-regression", "python"): (
        'import json as _j\nprint("FEDOMOP-CHECK " + _j.dumps({"rows": _j.loads(fit.to_json(orient="records")),'
        ' "variables": variables}))'
    ),
    ("logistic-regression", "typescript"): (
        'Deno.writeTextFileSync("fedomop-check.json", JSON.stringify({ rows: fit.toRows(), variables }));'
    ),
}
# The statistics templates' analyses (their variables come back in the check), for the direct comparison.
STATS = {
    "km-by-gender": {"kind": "km", "time": "survival", "strata": "gender", "binDays": 30},
    "logistic-regression": {
        "kind": "glm",
        "family": "binomial",
        "outcome": "death_2y",
        "covariates": ["age", "diabetes"],
        "onRefusal": "continue",
    },
}


def test_the_shipped_templates_cover_both_languages():
    assert set(SHIPPED) == {f"{stem}-{lang}" for stem, lang in CHECK}
    for t in SHIPPED.values():
        assert t["title"] and t["description"], t["id"]
        assert t["kernel"] == ("python3" if t["language"] == "python" else "fedomop-deno"), t["id"]


def test_instantiate_rewrites_only_the_cohort_cell_and_clears_outputs():
    template = json.loads((SHIPPED_TEMPLATES / "entries-by-year-python.ipynb").read_text())
    template["cells"][-1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "old"}]
    made = instantiate(template, "python", "../cohorts/lung.cohort.json")
    tagged = [c for c in made["cells"] if "fedomop-cohort" in c.get("metadata", {}).get("tags", [])]
    assert [c["source"] for c in tagged] == [
        'import fedomop\n\ncohort = fedomop.cohort_from_file("../cohorts/lung.cohort.json")'
    ]
    untouched = [(a["source"], a["cell_type"]) for a, b in zip(template["cells"], made["cells"]) if a is not b]
    assert len(untouched) == len(template["cells"])
    assert sum(a["source"] != b["source"] for a, b in zip(template["cells"], made["cells"])) == 1
    assert all(c.get("outputs", []) == [] for c in made["cells"])
    assert "fedomop" not in made["metadata"]


async def test_the_server_lists_templates_and_creates_notebooks_without_overwriting(jp_fetch, jp_root_dir):
    listed = json.loads((await jp_fetch("fedomop", "templates")).body)["templates"]
    assert {t["id"] for t in listed} == set(SHIPPED)

    (jp_root_dir / "study").mkdir()
    post = lambda body: jp_fetch("fedomop", "templates", method="POST", body=json.dumps(body), raise_error=False)
    first = json.loads((await post({"template": "characterisation-python", "directory": "study"})).body)
    second = json.loads((await post({"template": "characterisation-python", "directory": "study"})).body)
    assert (first["path"], second["path"]) == ("study/characterisation.ipynb", "study/characterisation-1.ipynb")
    assert first["cohortPath"] == "study/prostate.cohort.json" and first["kernel"] == "python3"
    assert (jp_root_dir / "study" / "prostate.cohort.json").read_text() == SAMPLE_COHORT.read_text()

    sent = {"PrimaryCriteria": {"CriteriaList": []}, "ConceptSets": []}
    made = json.loads(
        (await post({"template": "entries-by-year-typescript", "directory": "study", "cohort": sent})).body
    )
    assert made["cohortPath"] == "study/entries-by-year.cohort.json"
    assert json.loads((jp_root_dir / made["cohortPath"]).read_text()) == sent
    notebook = json.loads((jp_root_dir / made["path"]).read_text())
    assert 'await cohortFromFile("entries-by-year.cohort.json")' in "".join(
        "".join(c["source"]) for c in notebook["cells"]
    )

    (jp_root_dir / "cohorts").mkdir()
    (jp_root_dir / "cohorts" / "lung.cohort.json").write_text("{}")
    named = json.loads(
        (
            await post(
                {"template": "entries-by-year-python", "directory": "study", "cohortPath": "cohorts/lung.cohort.json"}
            )
        ).body
    )
    notebook = json.loads((jp_root_dir / named["path"]).read_text())
    assert 'cohort_from_file("../cohorts/lung.cohort.json")' in "".join("".join(c["source"]) for c in notebook["cells"])

    unknown = await post({"template": "../../etc/passwd", "directory": "study"})
    assert unknown.code == 404 and json.loads(unknown.body)["error"]["code"] == "ERR_NOT_FOUND"
    missing = await post({"template": "entries-by-year-python", "directory": "study", "cohortPath": "nope.cohort.json"})
    assert missing.code == 404


def _rows(rows: list[dict], columns: tuple[str, ...]) -> list[tuple]:
    return sorted((tuple(r.get(c) for c in columns) for r in rows), key=repr)


def _same_rows_within_digits(left: list[dict], right: list[dict], columns: tuple[str, ...]) -> None:
    """Rows match, floats to a relative 1e-8.

    pandas writes JSON floats to 10 significant digits and JavaScript to 17. Rounding both to 9 digits
    is not enough: a value such as 0.85294117647 becomes 0.8529411765 in pandas' JSON and then
    0.852941177, against 0.852941176 from JavaScript's digits (double rounding at a boundary, which the
    sites' per-run perturbation makes a matter of chance). A relative tolerance has no such boundary.
    """

    def identity(row: dict) -> tuple:
        # Sort both sides alike: numbers to 6 digits (JavaScript may give 1 where pandas gives 1.0).
        def part(value: object) -> tuple:
            if value is None:
                return (0, "")
            if isinstance(value, (int, float)):
                return (2, float(f"{float(value):.6g}"))
            return (1, str(value))

        return tuple(part(row.get(c)) for c in columns)

    assert len(left) == len(right), f"{len(left)} rows against {len(right)}"
    for a, b in zip(sorted(left, key=identity), sorted(right, key=identity), strict=True):
        for column in columns:
            x, y = a.get(column), b.get(column)
            if isinstance(x, float) or isinstance(y, float):
                assert isinstance(x, (int, float)) and isinstance(y, (int, float)), (column, x, y)
                assert math.isclose(x, y, rel_tol=1e-8, abs_tol=1e-12), (identity(a), column, x, y)
            else:
                assert x == y, (identity(a), column, x, y)


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    if not BUILT:
        pytest.skip("needs node and the built CLI (scripts/setup.sh)")
    with federation(tmp_path_factory.mktemp("templates"), SITES) as fed:
        yield fed


@pytest.mark.parametrize("template", sorted(SHIPPED))
def test_each_template_runs_to_the_end_with_the_clients_numbers(template, running, tmp_path, monkeypatch):
    monkeypatch.setenv("FEDOMOP_HUB_URL", running["hub"])
    monkeypatch.delenv("FEDOMOP_TOKEN", raising=False)
    info = SHIPPED[template]
    (tmp_path / "prostate.cohort.json").write_text(SAMPLE_COHORT.read_text())
    made = instantiate(
        json.loads((SHIPPED_TEMPLATES / f"{template}.ipynb").read_text()), info["language"], "prostate.cohort.json"
    )
    notebook = nbformat.reads(json.dumps(made), as_version=4)
    stem = template.rsplit("-", 1)[0]
    notebook.cells.append(nbformat.v4.new_code_cell(CHECK[(stem, info["language"])]))
    NotebookClient(
        notebook, timeout=600, kernel_name=info["kernel"], resources={"metadata": {"path": str(tmp_path)}}
    ).execute()

    # Deno sends console output to the notebook asynchronously and may do so after the cell's idle
    # status, so TypeScript checks write a file; Python prints.
    written = tmp_path / "fedomop-check.json"
    if written.exists():
        check = json.loads(written.read_text())
    else:
        printed = [o["text"] for o in notebook.cells[-1].outputs if o.get("output_type") == "stream"]
        check = json.loads("".join(printed).split("FEDOMOP-CHECK ", 1)[1])
    hub = fedomop.connect(running["hub"])
    cohort = fedomop.cohort_from_file(tmp_path / "prostate.cohort.json")
    measures = ("persons", "persons_lower", "persons_upper", "events", "events_lower", "events_upper")

    def direct(analysis: dict) -> list[dict]:
        frame = hub.run({"version": 1, "cohort": cohort, "analysis": analysis}, progress=False).frame
        return json.loads(frame.to_json(orient="records"))

    if stem == "characterisation":
        assert _rows(check["size"], ("site", *measures)) == _rows(direct({"kind": "count"}), ("site", *measures))
        cols = ("site", "gender", "age_group", *measures)
        assert _rows(check["demographics"], cols) == _rows(
            direct({"kind": "crosstab", "by": ["gender", "age_group"]}), cols
        )
        concepts = {r["concept"] for r in check["prior"]}
        assert len(concepts) == 11 and {r["site"] for r in check["prior"]} == {"south", "north", "pooled"}
    elif stem in STATS:
        answer = direct({**STATS[stem], "variables": check["variables"]})
        assert answer, "the sites answered the template's analysis"
        cols = tuple(answer[0])
        _same_rows_within_digits(check["rows"], answer, cols)
    else:
        cols = ("site", "index_year", *measures)
        assert _rows(check["by_year"], cols) == _rows(direct({"kind": "crosstab", "by": ["index_year"]}), cols)
        assert {r["site"] for r in check["by_year"]} == {"south", "north", "pooled"}
    assert os.environ["FEDOMOP_HUB_URL"] == running["hub"]
