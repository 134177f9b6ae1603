#!/usr/bin/env bash
# Runs every test: unit specs beside the code, integration tests against real processes and
# databases, and the Deno-kernel tests. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

status=0
run() {
  printf '\n\033[1m== %s\033[0m\n' "$1"
  shift
  "$@" || status=1
}

run "unit" node --test --test-reporter=spec $(find lib -name '*.spec.js' | sort)
run "integration" node --test --test-concurrency=1 --test-reporter=spec $(find lib-test/test -name '*.test.js' | sort)
if [ -x test/kernel/run.sh ]; then run "deno kernel" test/kernel/run.sh; fi
exit $status
