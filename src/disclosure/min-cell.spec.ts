import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMinCellCount, type RawCell } from './min-cell.js';

const cell = (g: string, persons: number, events = persons): RawCell => ({ dims: { gender: g }, counts: { persons, events } });
const k5 = { minCellCount: 5 };

test('counts of 1..k-1 are released only as the interval [1, k-1]; 0 and >= k are exact', () => {
  const out = applyMinCellCount([cell('A', 0), cell('B', 3), cell('C', 5), cell('D', 4), cell('E', 120)], 's', k5);
  const persons = out.map((r) => r.measures.persons);
  assert.deepEqual(persons[0], { value: 0, lower: 0, upper: 0, suppressed: false });
  assert.deepEqual(persons[1], { value: null, lower: 1, upper: 4, suppressed: true });
  assert.deepEqual(persons[2], { value: 5, lower: 5, upper: 5, suppressed: false });
  assert.equal(persons[3].suppressed, true);
  assert.equal(persons[4].value, 120);
});

test('a single withheld cell drags the smallest other non-zero cell with it', () => {
  const out = applyMinCellCount([cell('A', 2), cell('B', 40), cell('C', 9), cell('D', 0)], 's', k5);
  const p = out.map((r) => r.measures.persons);
  assert.equal(p[0].suppressed, true);
  assert.equal(p[2].suppressed, true, 'the smallest other non-zero cell (9) is withheld too');
  assert.equal(p[2].value, null);
  // pair sum 11: the released interval is what the sum allows, [max(5, 11-4), 10] = [7, 10], and holds the truth
  assert.deepEqual([p[2].lower, p[2].upper], [7, 10]);
  assert.ok(p[2].lower <= 9 && 9 <= p[2].upper);
  assert.equal(p[1].value, 40);
  assert.equal(p[3].value, 0);
});

test('no recovery: total minus released exact cells never equals a withheld cell', () => {
  const raw = [cell('A', 3), cell('B', 17), cell('C', 6), cell('D', 250)];
  const total = raw.reduce((s, c) => s + c.counts.persons, 0);
  const out = applyMinCellCount(raw, 's', k5);
  const exactSum = out.reduce((s, r) => s + (r.measures.persons.value ?? 0), 0);
  const hidden = out.filter((r) => r.measures.persons.suppressed);
  assert.ok(hidden.length >= 2, 'at least two cells share the remainder');
  assert.equal(total - exactSum, 3 + 6);
});

test('measures are controlled independently', () => {
  const out = applyMinCellCount([cell('A', 3, 12), cell('B', 30, 3)], 's', k5);
  assert.equal(out[0].measures.persons.suppressed, true);
  assert.equal(out[0].measures.events.value, null, 'events of B (3) is withheld, so A (12) goes with it');
  assert.equal(out[1].measures.events.suppressed, true);
});

test('a one-row count result is suppressed only by the primary rule', () => {
  const [row] = applyMinCellCount([{ dims: {}, counts: { persons: 4, events: 9 } }], 'north', { minCellCount: 10 });
  assert.deepEqual(row.measures.persons, { value: null, lower: 1, upper: 9, suppressed: true });
  assert.equal(row.measures.events.suppressed, true);
  assert.equal(row.site, 'north');
});
