import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { poolMoments, siteMoments } from './moments.js';
import { SUMMARY_PROBABILITIES, pooledQuantiles, quantileTarget } from './quantile.js';
import { normal, relErr, rng } from './random.spec-util.js';

/** Three sites' values; the oracle sums each site's #{x ≤ v}, as the hub would. */
function federation(sites: number[][]) {
  const probes: number[] = [];
  return {
    probes,
    countAtMost: async (v: number) => {
      probes.push(v);
      return sites.reduce((s, values) => s + values.filter((x) => x <= v).length, 0);
    },
  };
}

/** Hyndman–Fan type 1 by sorting everything in one place. */
function sortedType1(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length - 1e-9) - 1];
}

test('quantileTarget is ⌈p·n⌉ even where p·n lands a hair off an integer', () => {
  assert.equal(quantileTarget(0.07, 100), 7); // 0.07 * 100 = 7.000000000000001
  assert.equal(quantileTarget(0.5, 7), 4);
  assert.equal(quantileTarget(0.05, 10), 1);
});

for (const [label, resolution, draw] of [
  ['integer days', 1, (u: () => number, z: () => number) => Math.max(0, Math.round(400 + 250 * z()))],
  ['PSA at 0.1 ng/mL', 0.1, (u: () => number, z: () => number) => Math.round(Math.exp(1.5 + z()) * 10) / 10],
  ['age in years with ties', 1, (u: () => number) => 40 + Math.floor(u() * 45)],
] as const) {
  test(`bisection over pooled counts equals sorting all rows (${label})`, async () => {
    let released = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const u = rng(seed * 31 + resolution * 7);
      const z = normal(u);
      const sites = [80 + seed, 150, 60 + 3 * seed].map((size) => Array.from({ length: size }, () => draw(u, z)));
      const all = sites.flat();
      const fed = federation(sites);
      const results = await pooledQuantiles(SUMMARY_PROBABILITIES, {
        lower: 0,
        upper: 2000,
        resolution,
        n: all.length,
        k: 5,
        countAtMost: fed.countAtMost,
      });
      results.forEach((r, i) => {
        const p = SUMMARY_PROBABILITIES[i];
        const expected = sortedType1(all, p);
        const below = all.filter((x) => x < expected).length;
        const above = all.filter((x) => x > expected).length;
        if (r.released) assert.equal(r.value, expected, `seed ${seed} p=${p}`);
        else assert.ok(below < 5 || above < 5, `seed ${seed} p=${p} refused without cause`);
        if (below >= 5 && above >= 5) assert.ok(r.released, `seed ${seed} p=${p} withheld`);
        released += r.released ? 1 : 0;
      });
      // Probes are memoised; 5 quantiles on a grid of 20 000 points need far fewer than 5 × 16 + 1.
      assert.ok(new Set(fed.probes).size === fed.probes.length);
      assert.ok(fed.probes.length <= 5 * Math.ceil(Math.log2(2000 / resolution + 2)) + 2);
    }
    assert.ok(released >= 80, `${released} of 100 released`); // the rest sit on a tied minimum (day 0)
  });
}

test('released quantiles always have ≥ k persons strictly below and above; min and max never come out', async () => {
  const u = rng(5);
  const sites = [Array.from({ length: 9 }, () => Math.floor(u() * 100)), Array.from({ length: 14 }, () => Math.floor(u() * 100))];
  const all = sites.flat().sort((a, b) => a - b);
  const k = 5;
  const ps = Array.from({ length: 999 }, (_, i) => (i + 1) / 1000);
  const results = await pooledQuantiles(ps, { lower: 0, upper: 100, resolution: 1, n: all.length, k, ...federation(sites) });
  let released = 0;
  for (const r of results) {
    if (!r.released) continue;
    released++;
    assert.ok(all.filter((x) => x < r.value).length >= k);
    assert.ok(all.filter((x) => x > r.value).length >= k);
    assert.notEqual(r.value, all[0]);
    assert.notEqual(r.value, all[all.length - 1]);
  }
  assert.ok(released > 0 && released < ps.length);
  // An analyst who pushes p toward 0 or 1 learns only that it was refused.
  const [low, high] = await pooledQuantiles([0.001, 0.999], {
    lower: 0,
    upper: 100,
    resolution: 1,
    n: all.length,
    k,
    ...federation(sites),
  });
  assert.deepEqual(low, { p: 0.001, released: false, reason: 'too-few-below' });
  assert.deepEqual(high, { p: 0.999, released: false, reason: 'too-few-above' });
});

test('bad bounds and probabilities fail with ERR_BAD_REQUEST', async () => {
  const fed = federation([[1, 2, 3, 50]]);
  const base = { lower: 0, upper: 10, resolution: 1, n: 4, k: 1, countAtMost: fed.countAtMost };
  const bad = (e: unknown) => e instanceof FedomopError && e.code === 'ERR_BAD_REQUEST';
  await assert.rejects(pooledQuantiles([0.5], base), bad); // 50 lies above the upper bound
  await assert.rejects(pooledQuantiles([0.5], { ...base, lower: 2, upper: 100 }), bad); // 1 lies below the lower bound
  await assert.rejects(pooledQuantiles([0], { ...base, upper: 100 }), bad);
  await assert.rejects(pooledQuantiles([1.5], { ...base, upper: 100 }), bad);
});

test('pooled mean and sample sd from sums equal a two-pass computation on all rows (1e-12)', () => {
  const u = rng(11);
  const z = normal(u);
  const sites = [120, 300, 45].map((size) => Array.from({ length: size }, () => 68 + 9 * z()));
  const all = sites.flat();
  const pooled = poolMoments(sites.map(siteMoments));
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const sd = Math.sqrt(all.reduce((a, x) => a + (x - mean) ** 2, 0) / (all.length - 1));
  assert.equal(pooled.n, all.length);
  assert.ok(relErr(pooled.mean, mean) < 1e-12);
  assert.ok(relErr(pooled.sd, sd) < 1e-12);
  assert.ok(Number.isNaN(poolMoments([siteMoments([3])]).sd));
});
