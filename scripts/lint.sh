#!/usr/bin/env bash
# Lint and format checks: ESLint + Prettier for TypeScript, ruff for Python. To fix formatting:
#   `npx prettier --write src test bench style` and `.venv/bin/ruff format fedomop test/kernel deploy/tests`.
set -euo pipefail
cd "$(dirname "$0")/.."
npx eslint src test bench
npx prettier --check src test bench style jest.config.cjs jest.env.cjs babel.config.cjs
# The lab's jest specs are outside tsconfig.json (they must not build into lib/): type-check them here.
npx tsc -p tsconfig.jest.json
.venv/bin/ruff format --check fedomop test/kernel ui-tests/jupyter_server_test_config.py deploy/tests
.venv/bin/ruff check fedomop test/kernel ui-tests/jupyter_server_test_config.py deploy/tests
echo "lint: 1 passed, 0 failed"
