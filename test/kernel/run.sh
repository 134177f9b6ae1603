#!/bin/sh
# Runs the kernel library's Deno tests with the repo's own Deno binary and deno.json (which maps the
# bare specifier "fedomop" to lib/kernel/index.js and resolves apache-arrow/danfojs from node_modules,
# so no network is needed). Needs the TypeScript build in lib/ (npm run build).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DENO="$ROOT/node_modules/deno/bin.cjs"
[ -x "$ROOT/node_modules/.bin/deno" ] && DENO="$ROOT/node_modules/.bin/deno"
if [ ! -f "$ROOT/lib/kernel/index.js" ]; then
  echo "lib/kernel/index.js is missing: run 'npm run build' first" >&2
  exit 1
fi
export DENO_NO_UPDATE_CHECKS=1
cd "$ROOT"
exec "$DENO" test --allow-all --config "$ROOT/deno.json" "$ROOT/test/kernel/" "$@"
