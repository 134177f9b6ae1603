"""The folder a researcher starts in: ``python -m fedomop.workspace DIR`` fills ``DIR`` with a welcome
notebook, the sample ``prostate.cohort.json`` and every shared template made into a notebook under
``examples/`` — as a JupyterHub user's home would look. ``fedomop demo`` opens JupyterLab there. Files
that exist already are left alone, so a researcher's edits survive the next start."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

from .templates import SAMPLE_COHORT, SHIPPED_TEMPLATES, instantiate, list_templates

WELCOME = """# Welcome to fedomop

Three synthetic hospitals (**central**, **north**, **south**) hold OMOP CDM databases; nothing but
disclosure-controlled aggregates ever leaves them. Ask them through the fedomop hub:

- **Federated Query** in the launcher: pick concepts or paste an ATLAS cohort definition, choose sites,
  run a count, a crosstab or an attrition report; "Open in notebook" turns it into a cell.
- **fedomop templates** in the launcher (or File → New from Template): ready-made analyses in Python or
  TypeScript, filled in with the cohort you choose. `examples/` holds each one made for the sample cohort.
- `prostate.cohort.json` is a cohort definition as ATLAS exports it: open it, edit it, load it with
  `fedomop.cohort_from_file(...)` (Python) or `cohortFromFile(...)` (TypeScript).

The cell below asks every site how many persons the sample cohort has."""


def _write(path: Path, text: str) -> None:
    if not path.exists():
        path.write_text(text, encoding="utf-8")


def prepare_workspace(directory: Path) -> list[Path]:
    """Writes what is missing; returns the files it wrote."""
    directory.mkdir(parents=True, exist_ok=True)
    before = {p for p in directory.rglob("*") if p.is_file()}
    _write(directory / "prostate.cohort.json", SAMPLE_COHORT.read_text(encoding="utf-8"))
    welcome = nbformat.v4.new_notebook()
    welcome.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    welcome.cells = [
        nbformat.v4.new_markdown_cell(WELCOME),
        nbformat.v4.new_code_cell(
            "import fedomop\n\n"
            'cohort = fedomop.cohort_from_file("prostate.cohort.json")\n'
            'fedomop.connect().run({"version": 1, "cohort": cohort, "analysis": {"kind": "count"}})'
        ),
    ]
    _write(directory / "welcome.ipynb", nbformat.writes(welcome))
    examples = directory / "examples"
    examples.mkdir(exist_ok=True)
    for template in list_templates(SHIPPED_TEMPLATES):
        source = json.loads((SHIPPED_TEMPLATES / f"{template['id']}.ipynb").read_text(encoding="utf-8"))
        notebook = instantiate(source, template["language"], "../prostate.cohort.json")
        _write(examples / f"{template['id']}.ipynb", json.dumps(notebook, indent=1) + "\n")
    return sorted({p for p in directory.rglob("*") if p.is_file()} - before)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m fedomop.workspace DIR")
    for written in prepare_workspace(Path(sys.argv[1])):
        print(f"wrote {written}")
