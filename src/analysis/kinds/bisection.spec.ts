import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bisectQuantiles, fromOrderedKey, orderedKey, pooledCount } from './bisection.js';
import { answerProbes } from './summary/site.js';
import { mulberry32 } from '../../stats/random.spec-util.js';

test('ordered keys follow numeric order and map back exactly', () => {
  const xs = [-1e300, -5.5, -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 0.1, 0.30000000000000004, 1, 42, 1e300];
  for (let i = 1; i < xs.length; i++) assert.ok(orderedKey(xs[i - 1]) < orderedKey(xs[i]), `${xs[i - 1]} < ${xs[i]}`);
  for (const x of xs) assert.equal(fromOrderedKey(orderedKey(x)), x);
  assert.equal(orderedKey(-0), orderedKey(0));
});

test('pooled quantiles by bisection equal sorting all values (type 1), for integers, decimals and ties', async () => {
  const rand = mulberry32(7);
  for (const kind of ['ages', 'psa', 'ties'] as const) {
    const sites = [0, 1, 2].map(() =>
      Array.from({ length: 200 + Math.floor(rand() * 300) }, () =>
        kind === 'ages'
          ? Math.floor(18 + rand() * 80)
          : kind === 'psa'
            ? Math.round(rand() * 2000) / 100
            : [1, 2, 2, 3][Math.floor(rand() * 4)],
      ).sort((a, b) => a - b),
    );
    const all = sites.flat().sort((a, b) => a - b);
    const k = 5;
    const ps = [0.05, 0.25, 0.5, 0.75, 0.95];
    const probe = async (values: number[]) =>
      values.map((_, i) =>
        pooledCount(
          sites.map((s) => ({ n: s.length, count: answerProbes(Float64Array.from(s), [values[i]], k).counts[0] })),
          k,
        ),
      );
    const out = await bisectQuantiles(ps, all.length, k, probe);
    out.forEach((o, i) => {
      const target = Math.ceil(ps[i] * all.length - 1e-9);
      const truth = all[target - 1];
      const releasable = all.filter((x) => x < truth).length >= k && all.filter((x) => x > truth).length >= k;
      if (o.released) assert.equal(o.value, truth, `${kind} p${ps[i]}`);
      else assert.ok(!releasable || o.reason === 'undecidable', `${kind} p${ps[i]}: ${o.reason}`);
    });
    assert.ok(out.filter((o) => o.released).length >= (kind === 'ties' ? 1 : 3), kind);
  }
});

test('a site answers a probe only with k persons on each side', () => {
  const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(answerProbes(values, [0, 4, 5, 7, 8, 12], 5).counts, ['low', 'low', 5, 7, 'high', 'high']);
});
