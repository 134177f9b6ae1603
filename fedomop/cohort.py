"""``fedomop.cohort_from_file("prostate.cohort.json")``: the Circe expression a ``.cohort.json`` file
holds, to use as a plan's ``cohort``. The file is what ATLAS exports — either the expression itself
or a cohort definition around it (``{"name": ..., "expression": {...}}``; older WebAPI versions put
the expression in as a JSON string). The same reading as the TypeScript kernel's ``cohortFromFile``
and ``fedomop cohort generate --expression``. Validation happens at the hub and at each site.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import FedomopError


def _parse(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as err:
        where = f"{source}:{err.lineno}:{err.colno}" if hasattr(err, "lineno") else source
        raise FedomopError("ERR_PLAN_INVALID", f"{where}: JSON syntax error: {err.msg}") from err


def cohort_from_file(path: str | Path) -> dict[str, Any]:
    """The Circe expression in ``path`` (relative paths are the notebook's working directory)."""
    path = Path(path)
    try:
        # utf-8-sig: editors on Windows save JSON with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise FedomopError("ERR_BAD_REQUEST", f"cannot read cohort {path}: file not found") from err
    except IsADirectoryError as err:
        raise FedomopError("ERR_BAD_REQUEST", f"cannot read cohort {path}: is a directory") from err
    value = _parse(text, str(path))
    if isinstance(value, dict) and "PrimaryCriteria" not in value and "expression" in value:
        inner = value["expression"]
        value = _parse(inner, f"{path} (.expression)") if isinstance(inner, str) else inner
    if not isinstance(value, dict):
        raise FedomopError("ERR_PLAN_INVALID", f"{path} does not hold a cohort expression (a JSON object)")
    return value
