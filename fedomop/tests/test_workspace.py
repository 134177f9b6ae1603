"""The demo's workspace: a welcome notebook, the sample cohort and each template made into a notebook
for it; a second run keeps what the researcher changed."""

import json

import nbformat

from fedomop.templates import SAMPLE_COHORT, SHIPPED_TEMPLATES, list_templates
from fedomop.workspace import prepare_workspace


def test_the_workspace_holds_welcome_sample_and_examples_and_keeps_edits(tmp_path):
    written = prepare_workspace(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    examples = {f"examples/{t['id']}.ipynb" for t in list_templates(SHIPPED_TEMPLATES)}
    assert names == {"welcome.ipynb", "prostate.cohort.json"} | examples
    assert (tmp_path / "prostate.cohort.json").read_text() == SAMPLE_COHORT.read_text()
    for name in examples | {"welcome.ipynb"}:
        notebook = nbformat.read(tmp_path / name, as_version=4)
        nbformat.validate(notebook)
        source = "".join(c.source for c in notebook.cells)
        assert "prostate.cohort.json" in source, name
    example = json.loads((tmp_path / "examples" / "characterisation-python.ipynb").read_text())
    assert any('cohort_from_file("../prostate.cohort.json")' in "".join(c["source"]) for c in example["cells"])

    (tmp_path / "welcome.ipynb").write_text("edited")
    assert prepare_workspace(tmp_path) == []
    assert (tmp_path / "welcome.ipynb").read_text() == "edited"
