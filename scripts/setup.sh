#!/usr/bin/env bash
# Installs and builds everything fedomop needs on a fresh machine of this kind (Debian, Node 20,
# Python 3.11, root). Idempotent: a second run only does what is missing or stale.
# FEDOMOP_SKIP_APT=1 skips the Debian packages (e.g. when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Debian packages: chromium + fonts for the UI tests (no browser downloads here), PostgreSQL for the
# PostgreSQL-dialect tests.
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ] && [ "${FEDOMOP_SKIP_APT:-0}" != 1 ]; then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

log "build (tsc)"
npx tsc -p tsconfig.json
npx tsc -p tsconfig.test.json

if [ ! -x .venv/bin/python ]; then
  log "python venv (.venv)"
  python3 -m venv .venv
fi
# .venv sits inside a package whose package.json says "type": "module"; without this marker Node
# would load the CommonJS yarn.js that JupyterLab ships inside .venv as an ES module.
[ -f .venv/package.json ] || printf '{"type": "commonjs"}\n' > .venv/package.json
if [ ! -f .venv/.fedomop-deps ] || [ requirements-dev.txt -nt .venv/.fedomop-deps ]; then
  log "pip install -r requirements-dev.txt"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  touch .venv/.fedomop-deps
fi

log "build the lab extension"
scripts/build-lab.sh >/dev/null
if ! .venv/bin/python -c 'import fedomop.server' 2>/dev/null; then
  log "pip install -e . (lab extension, server extension, fedomop command)"
  .venv/bin/pip install -q --disable-pip-version-check -e .
fi
# A symlink to fedomop/labextension, so what JupyterLab serves is always the latest build.
if [ "$(readlink .venv/share/jupyter/labextensions/fedomop 2>/dev/null)" != "$PWD/fedomop/labextension" ]; then
  PATH="$PWD/.venv/bin:$PATH" .venv/bin/jupyter labextension develop --overwrite . >/dev/null
fi

# The TypeScript notebook kernel ("TypeScript (fedomop)") for the venv's Jupyter.
scripts/install-kernel.sh --prefix "$PWD/.venv" >/dev/null

if [ ! -d ui-tests/node_modules ] || [ ui-tests/package-lock.json -nt ui-tests/node_modules/.package-lock.json ]; then
  log "npm ci (ui-tests: galata, @playwright/test pinned to Debian's chromium)"
  (cd ui-tests && npm ci --no-audit --no-fund --loglevel=error)
fi
log "ready"
