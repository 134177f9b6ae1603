#!/usr/bin/env bash
# Builds the JupyterLab extension into fedomop/labextension (what `pip install .` ships):
#   1. tsc for src/lab and what it imports (src/client, src/plan, src/arrow, src/errors.ts) only, so a
#      type error elsewhere in the tree does not block the lab build;
#   2. @jupyter/builder (rspack, module federation) against JupyterLab's core package metadata.
# Usage: scripts/build-lab.sh [--development]
set -euo pipefail
cd "$(dirname "$0")/.."

mode=()
if [ "${1:-}" = "--development" ]; then mode=(--development --source-map); fi

npx tsc -p src/lab/tsconfig.json

# The core metadata @jupyter/builder resolves against: the installed JupyterLab's when there is one
# (exact versions), else the snapshot npm ships with the builder (@jupyterlab/core-meta).
core=""
for py in "${FEDOMOP_PYTHON:-}" .venv/bin/python python3; do
  [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 || continue
  core=$("$py" - <<'PY' 2>/dev/null || true
import pathlib, jupyterlab
p = pathlib.Path(jupyterlab.__file__).parent / "staging" / "package.json"
print(p if p.is_file() else "")
PY
)
  [ -n "$core" ] && break
done
[ -n "$core" ] || core=node_modules/@jupyterlab/core-meta/core.package.json

node node_modules/@jupyter/builder/lib/build-labextension.js --core-package-file "$core" "${mode[@]}" .

# The sign-in popup's callback page (fedomop/server_auth.py) loads oidc-client-ts's browser build on
# its own, without the lab bundle: ship that file beside it.
cp node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js fedomop/static/oidc-client-ts.min.js

# Lets the Python `fedomop` command find this tree's Node CLI even from a regular (non-editable) install.
printf '{"repo": "%s"}\n' "$PWD" > fedomop/_node_cli.json
