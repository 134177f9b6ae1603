"""Shared notebook templates: listed for the launcher, copied into a researcher's folder on request.

``GET  {base_url}fedomop/templates``  the templates in the operator's templates directory
                                      (``c.Fedomop.templates_dir`` / env ``FEDOMOP_TEMPLATES_DIR``;
                                      default: the ones fedomop ships), read-only to everyone.
``POST {base_url}fedomop/templates``  ``{"template", "directory", "cohortPath"? | "cohort"?}``: a new
                                      notebook from the template in ``directory`` whose cohort cell
                                      loads the chosen ``.cohort.json`` — an existing file, the cohort
                                      sent (written beside the notebook), or the sample cohort.

A template is a notebook with ``metadata.fedomop.template = {title, description}``; its kernel is its
own ``kernelspec``. The cell tagged ``fedomop-cohort`` is rewritten to load the chosen file. Files are
written through Jupyter's contents manager, so its root and permissions hold.
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async
from tornado import web

COHORT_TAG = "fedomop-cohort"
SHIPPED_TEMPLATES = Path(__file__).parent / "templates"
SAMPLE_COHORT = Path(__file__).parent / "samples" / "prostate.cohort.json"
TEMPLATE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def list_templates(directory: Path) -> list[dict[str, Any]]:
    """Every template in ``directory``, by id (its file name without ``.ipynb``); broken files are skipped."""
    templates = []
    for path in sorted(directory.glob("*.ipynb")):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        meta = notebook.get("metadata", {})
        info = meta.get("fedomop", {}).get("template")
        if not isinstance(info, dict) or not TEMPLATE_ID.match(path.stem):
            continue
        kernel = meta.get("kernelspec", {})
        templates.append(
            {
                "id": path.stem,
                "title": str(info.get("title") or path.stem),
                "description": str(info.get("description") or ""),
                "kernel": kernel.get("name", ""),
                "kernelDisplayName": kernel.get("display_name", ""),
                "language": meta.get("language_info", {}).get("name", kernel.get("language", "")),
            }
        )
    return templates


def cohort_cell_source(language: str, cohort_path: str) -> str:
    """What the tagged cell becomes: load the cohort file, in the notebook's language."""
    if language == "python":
        return f"import fedomop\n\ncohort = fedomop.cohort_from_file({json.dumps(cohort_path)})"
    return f'import {{ cohortFromFile }} from "fedomop";\n\nconst cohort = await cohortFromFile({json.dumps(cohort_path)});'


def instantiate(template: dict[str, Any], language: str, cohort_path: str) -> dict[str, Any]:
    """A copy of the template notebook whose cohort cell loads ``cohort_path``, outputs cleared."""
    notebook = copy.deepcopy(template)
    notebook.get("metadata", {}).pop("fedomop", None)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        if COHORT_TAG in cell.get("metadata", {}).get("tags", []):
            cell["source"] = cohort_cell_source(language, cohort_path)
    return notebook


class TemplatesHandler(APIHandler):
    def initialize(self, templates_dir: str) -> None:
        self.templates_dir = Path(templates_dir)

    def _fail(self, status: int, code: str, message: str) -> None:
        self.set_status(status)
        self.finish({"error": {"code": code, "message": message}})

    @web.authenticated
    def get(self) -> None:
        self.finish({"templates": list_templates(self.templates_dir)})

    @web.authenticated
    async def post(self) -> None:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            return self._fail(
                400, "ERR_BAD_REQUEST", "send a JSON object: {template, directory, cohortPath? | cohort?}"
            )
        if not isinstance(body, dict):
            return self._fail(
                400, "ERR_BAD_REQUEST", "send a JSON object: {template, directory, cohortPath? | cohort?}"
            )
        known = {t["id"]: t for t in list_templates(self.templates_dir)}
        template_id = body.get("template")
        if template_id not in known:
            return self._fail(404, "ERR_NOT_FOUND", f"no template {json.dumps(template_id)}; there are {sorted(known)}")
        directory = str(body.get("directory") or "").strip("/")
        cm = self.contents_manager
        if directory and not await ensure_async(cm.dir_exists(directory)):
            return self._fail(404, "ERR_NOT_FOUND", f"no folder {json.dumps(directory)}")
        info = known[template_id]
        stem = re.sub(r"-(python|typescript)$", "", template_id)
        notebook_path = await self._unused(directory, stem, ".ipynb")
        cohort_path = await self._cohort_file(directory, notebook_path, body)
        if cohort_path is None:
            return
        template = json.loads((self.templates_dir / f"{template_id}.ipynb").read_text(encoding="utf-8"))
        relative = posixpath.relpath(cohort_path, directory or ".")
        notebook = instantiate(template, info["language"], relative)
        await ensure_async(cm.save({"type": "notebook", "format": "json", "content": notebook}, notebook_path))
        self.set_status(201)
        self.finish({"path": notebook_path, "cohortPath": cohort_path, "kernel": info["kernel"]})

    async def _unused(self, directory: str, stem: str, suffix: str) -> str:
        """``directory/stem.suffix``, or ``stem-1``, ``stem-2``, … when taken: nothing is overwritten."""
        for n in range(1000):
            name = f"{stem}{'' if n == 0 else f'-{n}'}{suffix}"
            path = posixpath.join(directory, name) if directory else name
            if not await ensure_async(self.contents_manager.exists(path)):
                return path
        raise web.HTTPError(409, "no free file name")

    async def _cohort_file(self, directory: str, notebook_path: str, body: dict[str, Any]) -> str | None:
        """The cohort file the notebook will load: the one named, the cohort sent, or the sample."""
        cm = self.contents_manager
        named = body.get("cohortPath")
        if named:
            named = str(named).strip("/")
            if not await ensure_async(cm.file_exists(named)):
                self._fail(404, "ERR_NOT_FOUND", f"no cohort file {json.dumps(named)}")
                return None
            return named
        cohort = body.get("cohort")
        if cohort is not None and not isinstance(cohort, dict):
            self._fail(400, "ERR_BAD_REQUEST", "cohort must be a Circe expression (a JSON object)")
            return None
        text = json.dumps(cohort, indent=2) if cohort is not None else SAMPLE_COHORT.read_text(encoding="utf-8")
        stem = posixpath.splitext(posixpath.basename(notebook_path))[0] if cohort is not None else "prostate"
        path = await self._unused(directory, stem, ".cohort.json")
        await ensure_async(cm.save({"type": "file", "format": "text", "content": text}, path))
        return path
