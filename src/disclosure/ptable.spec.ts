import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPTable, noiseFor } from './ptable.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

for (const [k, D, V] of [
  [5, 2, 1],
  [10, 4, 3],
  [3, 1, 0.5],
]) {
  test(`ptable k=${k} D=${D} V=${V}: rows are distributions with mean 0, bounded noise, never below k`, () => {
    const t = buildPTable({ k, D, V });
    for (let n = k; n <= k + D + 3; n++) {
      const row = t.row(n);
      const ds = row.probabilities.map((_, i) => row.minNoise + i);
      assert.ok(Math.abs(sum(row.probabilities) - 1) < 1e-12);
      assert.ok(Math.abs(sum(ds.map((d, i) => d * row.probabilities[i]))) < 1e-9, `mean 0 for n=${n}`);
      assert.ok(
        ds.every((d) => Math.abs(d) <= D && n + d >= k),
        `support for n=${n}`,
      );
      const variance = sum(ds.map((d, i) => d * d * row.probabilities[i]));
      if (n >= k + D) assert.ok(Math.abs(variance - V) < 1e-9, `variance ${variance} for n=${n}`);
      else assert.ok(variance <= V + 1e-9);
      assert.equal(row.thresholds.at(-1), 2 ** 32);
    }
  });
}

test('noiseFor reads the row by cell key: the lowest keys get the lowest noise, the highest the highest', () => {
  const t = buildPTable({ k: 5, D: 2, V: 1 });
  assert.equal(noiseFor(t, 100, 0), -2);
  assert.equal(noiseFor(t, 100, 2 ** 32 - 1), 2);
  assert.equal(noiseFor(t, 0, 12345), 0);
  assert.equal(noiseFor(t, 5, 2 ** 32 - 1), 0, 'n = k cannot move down, and mean 0 keeps it still');
  assert.throws(() => t.row(3), /withheld/);
});

test('impossible parameters are refused', () => {
  assert.throws(() => buildPTable({ k: 5, D: 2, V: 3 }), /exceeds/);
  assert.throws(() => buildPTable({ k: 5, D: 2, V: 0 }), /> 0/);
  assert.throws(() => buildPTable({ k: 1, D: 2, V: 1 }), /k must/);
});
