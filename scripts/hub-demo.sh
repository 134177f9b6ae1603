#!/usr/bin/env bash
# The multi-user demo: the dev IdP, three synthetic sites and the fedomop hub, behind a real JupyterHub
# (configurable-http-proxy, GenericOAuthenticator configured from deploy/jupyterhub/values.yaml).
# Installs what is missing, then prints the JupyterHub URL and the demo users; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec node bin/fedomop.js demo --jupyterhub "$@"
