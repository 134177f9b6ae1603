import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregatePersonRows, type PersonRows } from '../person-cells.js';
import { RecordKeys } from '../../disclosure/record-keys.js';
import type { Plan } from '../../plan/types.js';
import { bigintNumbers } from './cells-site.js';

const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(3));
const cohort = { ConceptSets: [], PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }] } } as unknown as Plan['cohort'];

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const summary = (rows: PersonRows, p: Plan) =>
  aggregatePersonRows(p, rows, keys, 5).map((c) => ({
    dims: c.dims,
    persons: c.acc.persons,
    events: c.acc.events,
    personKey: c.acc.personKey,
    eventKey: c.acc.eventKey,
    signature: [...c.acc.signature],
  }));

test('crosstab cells are the same from typed columns (as DuckDB gives them) and from row objects, for narrow and wide integer ranges', () => {
  const r = rng(11);
  for (const yearSpread of [12, 200_000]) {
    const n = 3000;
    const gender = Array.from({ length: n }, () => [null, 'FEMALE', 'MALE'][Math.floor(r() * 3)]);
    const years = Int32Array.from({ length: n }, () => 1990 + Math.floor(r() * yearSpread) - (yearSpread > 100 ? 100_000 : 0));
    const ids = Int32Array.from({ length: n }, (_, i) => 1 + Math.floor(i / 2));
    const counted = Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const events = Int32Array.from({ length: n }, () => 1 + Math.floor(r() * 3));
    const p: Plan = { version: 1, cohort, analysis: { kind: 'crosstab', by: ['gender', 'index_year'] } };
    const columns: PersonRows = { length: n, columns: { gender, index_year: years, person_id: ids, counted, events } };
    const objects = Array.from({ length: n }, (_, i) => ({
      gender: gender[i],
      index_year: years[i],
      person_id: ids[i],
      counted: counted[i],
      events: events[i],
    }));
    const fromColumns = summary(columns, p);
    assert.deepEqual(fromColumns, summary(objects, p), `year spread ${yearSpread}`);
    assert.ok(fromColumns.length > 3);
    assert.equal(
      fromColumns.reduce((s, c) => s + c.events, 0),
      events.reduce((s, e) => s + e, 0),
    );
  }
});

test('BIGINT columns become the numbers Number(value) gives, negatives and values past 2⁵³ included', () => {
  const values = BigInt64Array.from([
    0n,
    1n,
    -1n,
    2n ** 31n,
    -(2n ** 31n) - 5n,
    2n ** 32n + 7n,
    2n ** 53n + 1n,
    -(2n ** 62n) - 3n,
    2n ** 63n - 1n,
  ]);
  assert.deepEqual([...bigintNumbers(values)], [...values].map(Number));
});
