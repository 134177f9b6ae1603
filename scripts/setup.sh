#!/usr/bin/env bash
# Installs and builds everything fedomop needs on a fresh machine of this kind (Debian, Node 20,
# Python 3.11, root). Idempotent: a second run only does what is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Debian packages the tests and the demo use; installed only when missing.
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu)
command -v pg_ctlcluster >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/postgres ] || need_apt+=(postgresql)
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
if [ ! -f .venv/.fedomop-deps ] || [ requirements-dev.txt -nt .venv/.fedomop-deps ]; then
  log "pip install -r requirements-dev.txt"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  touch .venv/.fedomop-deps
fi

# `fedomop` on PATH inside the venv, for scripts and tests that call the CLI by name.
cat > .venv/bin/fedomop <<SH
#!/bin/sh
exec node "$(pwd)/bin/fedomop.js" "\$@"
SH
chmod +x .venv/bin/fedomop

# The TypeScript notebook kernel ("TypeScript (fedomop)") for the venv's Jupyter.
scripts/install-kernel.sh --prefix .venv >/dev/null
log "ready"
