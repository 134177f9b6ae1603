#!/usr/bin/env bash
# The demo: installs what is missing, builds, generates three synthetic sites (once), starts them
# and the hub on loopback, and prints where to go. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec node bin/fedomop.js demo "$@"
