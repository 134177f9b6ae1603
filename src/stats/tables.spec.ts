import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { relErr } from './random.spec-util.js';
import { chiSquareSf } from './special.js';
import { chiSquareTest, fisherExact2x2 } from './tables.js';

test('chi-square on a 2×2 equals n(ad − bc)² / (r₁r₂c₁c₂); Yates as R applies it', () => {
  const t = [
    [12, 5],
    [7, 9],
  ];
  const [[a, b], [c, d]] = t;
  const n = a + b + c + d;
  const x2 = (n * (a * d - b * c) ** 2) / ((a + b) * (c + d) * (a + c) * (b + d));
  const r = chiSquareTest(t);
  assert.ok(relErr(r.statistic, x2) < 1e-13);
  assert.equal(r.df, 1);
  assert.ok(relErr(r.p_value, chiSquareSf(x2, 1)) < 1e-15);
  const yates = (n * Math.max(0, Math.abs(a * d - b * c) - n / 2) ** 2) / ((a + b) * (c + d) * (a + c) * (b + d));
  assert.ok(relErr(chiSquareTest(t, { correct: true }).statistic, yates) < 1e-13);
});

test('chi-square on an r×c table: df, statistic, and empty rows dropped', () => {
  const t = [
    [10, 20, 30],
    [0, 0, 0],
    [15, 5, 25],
  ];
  const r = chiSquareTest(t);
  assert.equal(r.df, 2);
  const rows = [60, 45];
  const cols = [25, 25, 55];
  let x2 = 0;
  [t[0], t[2]].forEach((row, i) =>
    row.forEach((o, j) => (x2 += (o - (rows[i] * cols[j]) / 105) ** 2 / ((rows[i] * cols[j]) / 105))),
  );
  assert.ok(relErr(r.statistic, x2) < 1e-13);
  assert.throws(
    () => chiSquareTest([[1, 2]]),
    (e: unknown) => e instanceof FedomopError && e.code === 'ERR_BAD_REQUEST',
  );
});

test("Fisher's exact test: the tea-tasting table (p = 17/35) and a direct hypergeometric sum", () => {
  assert.ok(
    relErr(
      fisherExact2x2([
        [3, 1],
        [1, 3],
      ]).p_value,
      17 / 35,
    ) < 1e-12,
  );
  // direct: enumerate with exact binomial coefficients as BigInt
  const choose = (n: number, k: number): bigint => {
    let r = 1n;
    for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
    return r;
  };
  const t = [
    [2, 9],
    [11, 3],
  ];
  const [r1, r2, c1] = [11, 14, 13];
  const denom = choose(25, c1);
  const probs: bigint[] = [];
  for (let x = Math.max(0, c1 - r2); x <= Math.min(r1, c1); x++) probs.push(choose(r1, x) * choose(r2, c1 - x));
  const obs = choose(r1, 2) * choose(r2, c1 - 2);
  const num = probs.filter((p) => p <= obs).reduce((a, b) => a + b, 0n);
  assert.ok(relErr(fisherExact2x2(t).p_value, Number(num) / Number(denom)) < 1e-12);
});
