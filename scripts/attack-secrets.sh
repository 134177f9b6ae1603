#!/usr/bin/env bash
# Runs the disclosure attacks (standard profile, test/integration/disclosure-attacks) under several
# site secrets and prints the pinned targets per attack per secret: the perturbation, and so what an
# attacker can derive, depends on the secret. Usage: scripts/attack-secrets.sh [secret-word ...]
# (default: five). Build first (npx tsc -p tsconfig.json && npx tsc -p tsconfig.test.json).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for s in "${@:-s1 s2 s3 s4 s5}"; do
  for word in $s; do
    out=$(FEDOMOP_ATTACK_SECRET="$word" node --test --test-concurrency=1 --test-name-pattern standard \
      lib-test/test/integration/disclosure-attacks.test.js 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -E '^# (standard profile|  [a-z]|after restart)' | sed 's/^# //'
    [ $rc -eq 0 ] || { status=1; printf '%s\n' "$out" | grep -E 'pinned|not ok' | head -20; }
  done
done
exit $status
