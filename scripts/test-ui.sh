#!/usr/bin/env bash
# The UI tests: Galata (Playwright) in Debian's chromium against a real JupyterLab with fedomop
# installed, the demo's three synthetic sites, a hub and a dead fourth site (ui-tests/). Installs
# what is missing first (idempotent), then runs `playwright test` with any arguments given, e.g.
#   scripts/test-ui.sh                       every UI test
#   scripts/test-ui.sh -g "dead site"        one of them
# Screenshots (light and dark theme) and, on failure, traces land in test-results/ui/; the HTML
# report in test-results/ui-report/.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
log() { printf '\033[1m[test-ui]\033[0m %s\n' "$*"; }

# Everything the UI tests need (chromium, JupyterLab with fedomop, the kernel, galata) comes from
# setup; scripts/test.sh has run it already and says so.
[ "${FEDOMOP_SETUP_DONE:-0}" = 1 ] || scripts/setup.sh

log "playwright test $*"
status=0
(cd ui-tests && PATH="$PWD/../.venv/bin:$PATH" npx playwright test "$@") || status=$?
log "UI tests took $(($(date +%s) - started)) s (exit $status)"
exit $status
