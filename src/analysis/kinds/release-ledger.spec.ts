import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordKeys } from '../../disclosure/record-keys.js';
import type { FedomopError } from '../../errors.js';
import { MAX_ROUND_SETS, ReleaseLedger, THIS_ROUND } from './release-ledger.js';

const K = 5;
const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(6));
// (MAX_ROUND_SETS + 1) disjoint groups of k persons: sets that differ from each other by 2k persons
const words = keys.derive(new BigInt64Array((MAX_ROUND_SETS + 1) * K).map((_, i) => BigInt(i + 1)));
const group = (g: number) => Array.from({ length: K }, (_, i) => g * K + i);

test('a round records each distinct set once and at most MAX_ROUND_SETS of them (422 round-sets)', () => {
  const ledger = new ReleaseLedger(K, () => undefined, 'km-counts');
  for (let g = 0; g < MAX_ROUND_SETS; g++) assert.equal(ledger.check(ledger.setOf(words, group(g)), `bin ${g}`), undefined);
  assert.equal(ledger.sets.length, MAX_ROUND_SETS);
  // a repeat adds nothing, even at the bound
  assert.equal(ledger.check(ledger.setOf(words, group(7))), undefined);
  assert.equal(ledger.sets.length, MAX_ROUND_SETS);
  assert.throws(
    () => ledger.check(ledger.setOf(words, group(MAX_ROUND_SETS))),
    (e: FedomopError) => e.code === 'ERR_DISCLOSURE_REFUSED' && e.details.rule === 'round-sets',
  );
});

test('a set differing from one of the round by 1 … k−1 persons is a conflict within the round, not recorded', () => {
  const ledger = new ReleaseLedger(K, () => undefined, 'bins');
  ledger.check(ledger.setOf(words, [...group(0), ...group(1)]), 'a');
  const c = ledger.check(ledger.setOf(words, [...group(0), ...group(1).slice(2)]), 'b');
  assert.equal(c?.planHash, THIS_ROUND);
  assert.equal(c?.cell, 'bins a');
  assert.deepEqual(
    ledger.sets.map((s) => s.cell),
    ['bins a'],
  );
});
