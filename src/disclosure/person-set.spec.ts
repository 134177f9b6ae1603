import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellAccumulator, mayDifferByAtMost, occupancy, symmetricDifference } from './person-set.js';
import { RecordKeys } from './record-keys.js';
import { mulberry32 } from '../stats/random.spec-util.js';

const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(7));

function setOf(ids: number[], k = 5): CellAccumulator {
  const words = keys.derive(BigInt64Array.from(ids.map(BigInt)));
  const acc = new CellAccumulator(k);
  ids.forEach((_, i) => acc.add(words, i, true, 1));
  return acc;
}

test('the signature gives |A Δ B| exactly for differences up to k-1, in either direction, at any set size', () => {
  const r = mulberry32(1);
  let trials = 0;
  let misses = 0;
  for (const size of [5, 50, 1000, 20000]) {
    for (let t = 0; t < 500; t++) {
      const base = Array.from({ length: size }, (_, i) => i * 3 + 1);
      const removed = Math.floor(r() * 3);
      const added = Math.floor(r() * 3);
      const a = base.slice(removed);
      const b = [...base, ...Array.from({ length: added }, (_, i) => -1 - i - t)];
      if (size > 1000 && t > 40) break; // big sets: fewer trials, same structure
      const d = symmetricDifference(setOf(a).signature, setOf(b).signature, 4);
      trials++;
      if (d !== removed + added) misses++;
    }
  }
  assert.equal(misses, 0, `${misses} of ${trials} small differences not recovered`);
});

test('sets that differ by k or more read as a large difference, never as a small one', () => {
  const a = setOf(Array.from({ length: 300 }, (_, i) => i));
  for (const extra of [5, 6, 40, 300]) {
    const b = setOf(Array.from({ length: 300 + extra }, (_, i) => i));
    assert.equal(symmetricDifference(a.signature, b.signature, 4), Infinity, `difference ${extra}`);
  }
  const unrelated = setOf(Array.from({ length: 300 }, (_, i) => 10_000 + i));
  assert.equal(symmetricDifference(a.signature, unrelated.signature, 4), Infinity);
});

test('cell keys add up per person regardless of order, and events weigh each person by their events', () => {
  const ids = BigInt64Array.from([5n, 9n, 12n]);
  const w = keys.derive(ids);
  const x = new CellAccumulator(5);
  const y = new CellAccumulator(5);
  [0, 1, 2].forEach((i) => x.add(w, i, true, 2));
  [2, 0, 1].forEach((i) => y.add(w, i, true, 2));
  assert.equal(x.personKey, y.personKey);
  assert.equal(x.eventKey, y.eventKey);
  assert.equal(x.events, 6);
  assert.equal(x.personKey, (w[0] + w[4] + w[8]) % 2 ** 32);
});

test('the occupancy test never turns away a pair that differs by 1..k-1 persons, and turns away most unrelated small sets', () => {
  const r = mulberry32(3);
  let turnedAway = 0;
  let unrelated = 0;
  for (const size of [5, 12, 40, 500]) {
    for (let t = 0; t < 300; t++) {
      const base = Array.from({ length: size }, (_, i) => 1_000_000 * (t + 1) + i * 7);
      const drop = 1 + Math.floor(r() * 4);
      const near = base.slice(drop).concat(r() < 0.5 ? [] : [5]);
      const a = setOf(base).signature;
      const b = setOf(near).signature;
      assert.ok(mayDifferByAtMost(occupancy(a), occupancy(b), 4 + 1), `size ${size}: a near pair was turned away`);
      if (size <= 12) {
        unrelated++;
        const c = setOf(base.map((x) => x + 3)).signature;
        if (!mayDifferByAtMost(occupancy(a), occupancy(c), 4)) turnedAway++;
      }
    }
  }
  assert.ok(turnedAway > unrelated / 2, `unrelated small sets turned away: ${turnedAway} of ${unrelated}`);
});

test('signatures and keys are those the stored histories hold (pinned from the implementation before the slot rewrite)', async () => {
  // Signatures live on disk in every user's release history and the published-concept cache: a
  // change in how a person's cells are chosen would make every stored set incomparable, silently
  // switching the differencing defence off. Values written by the previous implementation.
  const { createHash } = await import('node:crypto');
  const { encodeSignature } = await import('./person-set.js');
  const pinned = RecordKeys.fromSecret(new Uint8Array(32).map((_, i) => i * 7 + 1));
  const got = [5, 10, 11].map((k) => {
    const n = 3000;
    const w = pinned.derive(BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 13 - 400)));
    const acc = new CellAccumulator(k);
    for (let i = 0; i < n; i++) acc.add(w, i, i % 3 !== 0, i % 4);
    const sig = createHash('sha256').update(encodeSignature(acc.signature)).digest('hex').slice(0, 16);
    return `${k}:${acc.persons}:${acc.personKey}:${acc.events}:${acc.eventKey}:${sig}`;
  });
  assert.deepEqual(got, [
    '5:2000:3129229855:4500:1210710298:7a9875826baf1bb8', // 16 slots per third: the mask path
    '10:2000:3129229855:4500:1210710298:b2ca86202174ac8d', // 18: the two-step modulo
    '11:2000:3129229855:4500:1210710298:1064e3a47210ac9a', // 20
  ]);
});
