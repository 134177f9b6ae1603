import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleasedValue, ResultRow } from '../arrow/result-schema.js';
import { compareDims, poolRows } from './pool.js';

const exact = (n: number): ReleasedValue => ({ value: n, lower: n, upper: n, suppressed: false });
const hidden = (lower: number, upper: number): ReleasedValue => ({ value: null, lower, upper, suppressed: true });
const row = (site: string, dims: ResultRow['dims'], persons: ReleasedValue, events: ReleasedValue = persons): ResultRow => ({
  site,
  dims,
  measures: { persons, events },
});

test('count: exact values add up exactly and the row is labelled pooled', () => {
  const pooled = poolRows({ kind: 'count' }, [row('north', {}, exact(120), exact(300)), row('south', {}, exact(45), exact(51))]);
  assert.deepEqual(pooled, [row('pooled', {}, exact(165), exact(351))]);
});

test('a suppressed part makes the pooled value an interval that still holds the truth', () => {
  const pooled = poolRows({ kind: 'count' }, [
    row('north', {}, exact(120), exact(300)),
    row('south', {}, hidden(1, 4), exact(7)),
  ]);
  assert.deepEqual(pooled[0].measures.persons, { value: null, lower: 121, upper: 124, suppressed: true });
  // The other measure of the same row is unaffected.
  assert.deepEqual(pooled[0].measures.events, exact(307));
});

test('two suppressed parts add their bounds', () => {
  const pooled = poolRows({ kind: 'count' }, [row('a', {}, hidden(1, 4)), row('b', {}, hidden(1, 4)), row('c', {}, exact(10))]);
  assert.deepEqual(pooled[0].measures.persons, { value: null, lower: 12, upper: 18, suppressed: true });
});

test('crosstab: cells are matched on every dimension, and a cell missing at one site counts as 0 there', () => {
  const analysis = { kind: 'crosstab' as const, by: ['gender' as const, 'index_year' as const] };
  const pooled = poolRows(analysis, [
    row('north', { gender: 'FEMALE', index_year: 2019 }, exact(10)),
    row('north', { gender: 'MALE', index_year: 2019 }, exact(20)),
    row('south', { gender: 'FEMALE', index_year: 2019 }, exact(5)),
    row('south', { gender: 'FEMALE', index_year: 2020 }, exact(8)),
  ]);
  assert.deepEqual(
    pooled.map((r) => [r.dims.gender, r.dims.index_year, r.measures.persons.value]),
    [
      ['FEMALE', 2019, 15],
      ['FEMALE', 2020, 8],
      ['MALE', 2019, 20],
    ],
  );
  assert.ok(pooled.every((r) => r.site === 'pooled'));
});

test('a number and the same digits as text are different cells', () => {
  const analysis = { kind: 'crosstab' as const, by: ['index_year' as const] };
  const pooled = poolRows(analysis, [row('a', { index_year: 2019 }, exact(1)), row('b', { index_year: '2019' }, exact(2))]);
  assert.deepEqual(
    pooled.map((r) => [r.dims.index_year, r.measures.persons.value]),
    [
      [2019, 1],
      ['2019', 2],
    ],
  );
});

test('null is its own cell, and a missing dimension is the same cell as null', () => {
  const analysis = { kind: 'crosstab' as const, by: ['age_group' as const] };
  const pooled = poolRows(analysis, [
    row('a', { age_group: '40-49' }, exact(1)),
    row('b', { age_group: null }, exact(2)),
    row('c', {}, exact(3)),
  ]);
  assert.deepEqual(
    pooled.map((r) => [r.dims.age_group, r.measures.persons.value]),
    [
      ['40-49', 1],
      [null, 5],
    ],
  );
});

test('row order is sorted by dimension values, whatever the arrival order', () => {
  const analysis = { kind: 'crosstab' as const, by: ['gender' as const, 'age_group' as const] };
  const rows = [
    row('a', { gender: 'MALE', age_group: '40-49' }, exact(1)),
    row('a', { gender: 'FEMALE', age_group: null }, exact(1)),
    row('b', { gender: 'FEMALE', age_group: '50-59' }, exact(1)),
    row('b', { gender: 'FEMALE', age_group: '40-49' }, exact(1)),
    row('c', { gender: null, age_group: '40-49' }, exact(1)),
  ];
  const expected = [
    ['FEMALE', '40-49'],
    ['FEMALE', '50-59'],
    ['FEMALE', null],
    ['MALE', '40-49'],
    [null, '40-49'],
  ];
  const forward = poolRows(analysis, rows).map((r) => [r.dims.gender, r.dims.age_group]);
  const backward = poolRows(analysis, [...rows].reverse()).map((r) => [r.dims.gender, r.dims.age_group]);
  assert.deepEqual(forward, expected);
  assert.deepEqual(backward, expected);
});

test('index years sort numerically, not as text', () => {
  assert.ok(compareDims([999], [2019]) < 0);
  assert.ok(compareDims([2020], [2019]) > 0);
  assert.equal(compareDims(['a', 1], ['a', 1]), 0);
});

test('no answering site pools to no rows, and the inputs are not modified', () => {
  assert.deepEqual(poolRows({ kind: 'count' }, []), []);
  const input = row('north', {}, exact(3));
  const copy = structuredClone(input);
  poolRows({ kind: 'count' }, [input, row('south', {}, exact(4))]);
  assert.deepEqual(input, copy);
});
