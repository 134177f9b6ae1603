#!/usr/bin/env bash
# The multi-user test: a real JupyterHub (configurable-http-proxy, GenericOAuthenticator configured from
# deploy/jupyterhub/values.yaml) in front of the dev IdP, three synthetic sites and the fedomop hub, all
# started by `fedomop demo --jupyterhub`; Playwright in Debian's chromium signs users in at JupyterHub.
# Screenshots land in test-results/jupyterhub/. Arguments go to `playwright test` (e.g. -g mallory).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${FEDOMOP_SETUP_DONE:-0}" = 1 ] || scripts/setup.sh
started=$(date +%s)
status=0
(cd ui-tests && PATH="$PWD/../.venv/bin:$PATH" npx playwright test -c playwright.jupyterhub.config.js "$@") || status=$?
printf '\033[1m[test-jupyterhub]\033[0m took %s s (exit %s)\n' "$(($(date +%s) - started))" "$status"
exit $status
