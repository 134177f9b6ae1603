"""``fedomop`` on the Python side: runs the Node CLI (bin/fedomop.js) with the same arguments.

The services are TypeScript; this entry point only lets a virtual environment that installed the
Python package run ``fedomop synth``, ``fedomop demo``, ... by name. The Node CLI is looked up in:
  1. FEDOMOP_NODE_CLI (path to fedomop.js),
  2. the source tree this package lives in (editable install: <repo>/bin/fedomop.js),
  3. the source tree the wheel was built from (recorded at build time in _node_cli.json).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def find_node_cli() -> Path | None:
    explicit = os.environ.get("FEDOMOP_NODE_CLI")
    if explicit:
        return Path(explicit)
    candidates = [HERE.parent / "bin" / "fedomop.js"]
    recorded = HERE / "_node_cli.json"
    if recorded.is_file():
        try:
            candidates.append(Path(json.loads(recorded.read_text())["repo"]) / "bin" / "fedomop.js")
        except (OSError, ValueError, KeyError):
            pass
    return next((c for c in candidates if c.is_file()), None)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    node = os.environ.get("FEDOMOP_NODE") or shutil.which("node")
    if not node:
        sys.stderr.write("fedomop: Node.js (>= 20) is needed on PATH to run the fedomop services.\n")
        return 127
    cli = find_node_cli()
    if cli is None:
        sys.stderr.write(
            "fedomop: cannot find the Node CLI (bin/fedomop.js). Set FEDOMOP_NODE_CLI to its path, "
            "or install this package from a fedomop checkout (pip install -e .).\n"
        )
        return 127
    # exec, so signals (Ctrl-C in `fedomop demo`) reach Node directly and its exit code is ours.
    os.execv(node, [node, str(cli), *args])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
