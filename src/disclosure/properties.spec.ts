/**
 * Properties of the cell key method over random cohorts on small random sites (fast-check, fixed
 * seeds): consistency across phrasings and sessions, nothing released in 1..k-1, honest intervals,
 * and the noise of ≥ 10,000 cells distributed as the published ptable says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { aggregatePersonRows } from '../analysis/person-cells.js';
import type { Plan } from '../plan/types.js';
import { CellAccumulator } from './person-set.js';
import { perturbCount } from './perturb.js';
import { STANDARD_POLICY, STRICT_POLICY, type DisclosurePolicy } from './policy.js';
import { ptableFor } from './ptable.js';
import { RecordKeys } from './record-keys.js';

const SEED = 20261206;
const secret = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
const cohort = { ConceptSets: [], PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }] } } as unknown as Plan['cohort'];
const plan = (analysis: Plan['analysis']): Plan => ({ version: 1, cohort, analysis });

/** A random small site: persons with ids and per-person event counts. */
const site = fc.uniqueArray(fc.record({ id: fc.bigInt({ min: 1n, max: 2n ** 40n }), events: fc.integer({ min: 1, max: 6 }) }), {
  selector: (p) => p.id,
  minLength: 0,
  maxLength: 120,
});

function personsValue(p: Plan, rows: Array<Record<string, unknown>>, keys: RecordKeys, policy: DisclosurePolicy) {
  const [cell] = aggregatePersonRows(p, rows, keys, policy.minCellCount);
  return perturbCount({ trueValue: cell.acc.persons, cellKey: cell.acc.personKey }, policy);
}

test('same persons → same released value, across phrasings (count, attrition step, row order, events split) and sessions', () => {
  fc.assert(
    fc.property(site, fc.integer({ min: 0, max: 1000 }), (persons, shuffleSeed) => {
      for (const policy of [STANDARD_POLICY, STRICT_POLICY]) {
        const countRows = persons.map((p) => ({ person_id: p.id, events: p.events }));
        // The same cohort asked as attrition (step 0) with rows in another order, in a new session.
        const order = persons
          .map((_, i) => i)
          .sort((a, b) => ((a * 7919 + shuffleSeed) % 101) - ((b * 7919 + shuffleSeed) % 101));
        const attritionRows = order.map((i) => ({
          best: 1,
          person_id: String(persons[i].id),
          mask: 0,
          events: persons[i].events,
        }));
        const a = personsValue(plan({ kind: 'count' }), countRows, RecordKeys.fromSecret(secret), policy);
        const b = personsValue(plan({ kind: 'attrition' }), attritionRows, RecordKeys.fromSecret(secret), policy);
        assert.deepEqual(a, b);
        // A crosstab whose cells each hold one person's events split over two rows: the persons
        // margin rebuilt from the cells' persons is the same set, so the same value.
        const crossRows = persons.flatMap((p) => [
          { gender: 'X', person_id: p.id, counted: 1, events: 1 },
          ...(p.events > 1 ? [{ gender: 'Y', person_id: p.id, counted: 0, events: p.events - 1 }] : []),
        ]);
        const cells = aggregatePersonRows(
          plan({ kind: 'crosstab', by: ['gender'] }),
          crossRows,
          RecordKeys.fromSecret(secret),
          policy.minCellCount,
        );
        const x = cells.find((c) => c.dims.gender === 'X');
        if (x) assert.deepEqual(perturbCount({ trueValue: x.acc.persons, cellKey: x.acc.personKey }, policy), a);
      }
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('no released value is in 1..k-1, and every interval holds the true value', () => {
  const policies = fc.oneof(
    fc.constant(STANDARD_POLICY),
    fc.constant(STRICT_POLICY),
    fc
      .record({
        k: fc.integer({ min: 3, max: 20 }),
        D: fc.integer({ min: 1, max: 6 }),
        share: fc.double({ min: 0.05, max: 1, noNaN: true }),
      })
      .map(({ k, D, share }): DisclosurePolicy => ({ minCellCount: k, maxNoise: D, noiseVariance: (share * D * (D + 1)) / 3 })),
  );
  fc.assert(
    fc.property(policies, fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (policy, n, key) => {
      const r = perturbCount({ trueValue: n, cellKey: key }, policy);
      const k = policy.minCellCount;
      if (r.value !== null) assert.ok(r.value === 0 || r.value >= k, `released ${r.value} with k = ${k}`);
      assert.ok(r.lower <= n && n <= r.upper, `[${r.lower}, ${r.upper}] holds ${n}`);
      assert.ok(r.upper > r.lower || r.value === 0, 'an interval of width 0 only for an exact zero');
      if (r.value !== null) assert.ok(Math.abs(r.value - n) <= (policy.maxNoise ?? 0));
    }),
    { seed: SEED, numRuns: 20_000 },
  );
});

test('noise over 12,000 random cells follows the ptable (χ²) with mean 0 and variance V', () => {
  for (const policy of [STANDARD_POLICY, STRICT_POLICY]) {
    const k = policy.minCellCount;
    const D = policy.maxNoise!;
    const V = policy.noiseVariance!;
    const keys = RecordKeys.fromSecret(secret);
    const sets = fc.sample(fc.uniqueArray(fc.bigInt({ min: 1n, max: 2n ** 50n }), { minLength: k + D, maxLength: 80 }), {
      seed: SEED + k,
      numRuns: 12_000,
    });
    const observed = new Array<number>(2 * D + 1).fill(0);
    const noises: number[] = [];
    for (const ids of sets) {
      const w = keys.derive(BigInt64Array.from(ids));
      const acc = new CellAccumulator(k);
      ids.forEach((_, i) => acc.add(w, i, true, 1));
      const d = perturbCount({ trueValue: acc.persons, cellKey: acc.personKey }, policy).value! - acc.persons;
      observed[d + D]++;
      noises.push(d);
    }
    const expected = ptableFor({ k, D, V })
      .row(k + D)
      .probabilities.map((p) => p * sets.length);
    const chi2 = observed.reduce((s, o, i) => s + (o - expected[i]) ** 2 / expected[i], 0);
    // Critical values of χ² at p = 0.001 for 2D degrees of freedom (D = 2: 4 df, D = 4: 8 df).
    const critical = { 4: 18.467, 8: 26.124 }[2 * D]!;
    const mean = noises.reduce((a, b) => a + b, 0) / noises.length;
    const variance = noises.reduce((a, b) => a + (b - mean) ** 2, 0) / (noises.length - 1);
    console.log(
      `ptable k=${k} D=${D} V=${V}: ${sets.length} cells, χ² = ${chi2.toFixed(2)} (critical ${critical}), mean ${mean.toFixed(4)}, variance ${variance.toFixed(4)}`,
    );
    assert.ok(chi2 < critical, `χ² ${chi2} ≥ ${critical}: observed ${observed}, expected ${expected.map((e) => e.toFixed(0))}`);
    assert.ok(Math.abs(mean) < 5 * Math.sqrt(V / noises.length), `mean ${mean}`);
    assert.ok(Math.abs(variance - V) < 0.05 * V + 5 * Math.sqrt((2 * V * V) / noises.length), `variance ${variance} vs ${V}`);
  }
});
