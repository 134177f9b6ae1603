import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleasedValue, ResultRow } from '../../arrow/result-schema.js';
import { attritionTable, percentOf } from './attrition-table.js';

const exact = (n: number): ReleasedValue => ({ value: n, lower: n, upper: n, suppressed: false });
const hidden = (lower: number, upper: number): ReleasedValue => ({ value: null, lower, upper, suppressed: true });
const step = (site: string, index: number, name: string, persons: ReleasedValue, events = persons): ResultRow => ({
  site,
  dims: { rule_index: index, rule_name: name },
  measures: { persons, events },
});
const NAMES = ['qualifying events', 'PSA around diagnosis', 'aged 60 or more'];

test('one row per step in rule order, named; a column per site that answered, pooled last', () => {
  const north = [2, 0, 1].map((i) => step('north', i, NAMES[i], exact([400, 300, 200][i])));
  const south = [0, 1, 2].map((i) => step('south', i, NAMES[i], exact([80, 40, 20][i])));
  const pooled = [0, 1, 2].map((i) => step('pooled', i, NAMES[i], exact([480, 340, 220][i])));
  const table = attritionTable(
    [
      { site: 'north', rows: north },
      { site: 'east', rows: null },
      { site: 'south', rows: south },
    ],
    pooled,
  );
  assert.deepEqual(
    table.columns.map((c) => [c.key, c.label]),
    [
      ['north', 'north'],
      ['south', 'south'],
      ['pooled', 'Pooled'],
    ],
  );
  assert.deepEqual(
    table.steps.map((s) => [s.index, s.name]),
    NAMES.map((n, i) => [i, n]),
  );
  assert.equal(table.steps[2].cells.north.persons.text, '200');
  assert.equal(table.steps[2].cells.pooled.events.text, '220');
  assert.equal(table.steps[0].cells.north.persons.percent, null, 'step 0 is the base, not a share of itself');
  assert.equal(table.steps[1].cells.north.persons.percent, '75%');
  assert.equal(table.steps[2].cells.south.persons.percent, '25%');
  assert.equal(table.steps[1].cells.pooled.persons.percent, '70.8%');
});

test('withheld values show as their interval, and no share is claimed from an interval', () => {
  const rows = [
    step('south', 0, NAMES[0], exact(120), exact(150)),
    step('south', 1, NAMES[1], hidden(116, 119), exact(146)),
    step('south', 2, NAMES[2], hidden(1, 4), exact(0)),
  ];
  const table = attritionTable([{ site: 'south', rows }], null);
  const cell = (i: number) => table.steps[i].cells.south;
  assert.equal(cell(1).persons.text, '116–119');
  assert.equal(cell(1).persons.suppressed, true);
  assert.match(cell(1).persons.title ?? '', /between 116 and 119/);
  assert.equal(cell(1).persons.percent, null);
  assert.equal(cell(2).persons.text, '1–4');
  assert.equal(cell(1).events.percent, '97.3%');
  assert.equal(cell(2).events.percent, '0%');
  // A withheld step 0 leaves every share of that measure unknown.
  const baseHidden = attritionTable(
    [{ site: 'x', rows: [step('x', 0, NAMES[0], hidden(1, 4)), step('x', 1, NAMES[1], exact(0))] }],
    null,
  );
  assert.equal(baseHidden.steps[1].cells.x.persons.percent, null);
});

test('a step a site did not return stays empty for it; names come from whoever has them', () => {
  const table = attritionTable(
    [
      { site: 'a', rows: [step('a', 0, NAMES[0], exact(10))] },
      { site: 'b', rows: [step('b', 0, '', exact(9)), step('b', 1, NAMES[1], exact(5))] },
    ],
    null,
  );
  assert.deepEqual(
    table.steps.map((s) => s.name),
    NAMES.slice(0, 2),
  );
  assert.equal(table.steps[1].cells.a, undefined);
  assert.equal(table.steps[1].cells.b.persons.percent, '55.6%');
});

test('without inclusion rules there is step 0 only; with nothing in yet, no steps', () => {
  const only = attritionTable(
    [{ site: 'a', rows: [step('a', 0, NAMES[0], exact(42))] }],
    [step('pooled', 0, NAMES[0], exact(42))],
  );
  assert.deepEqual(
    only.steps.map((s) => s.name),
    ['qualifying events'],
  );
  assert.deepEqual(attritionTable([{ site: 'a', rows: null }], null), { columns: [], steps: [] });
});

test('shares round to one decimal without turning a loss into 100% or a remainder into 0%', () => {
  assert.equal(percentOf(exact(1), exact(3)), '33.3%');
  assert.equal(percentOf(exact(3), exact(3)), '100%');
  assert.equal(percentOf(exact(9999), exact(10000)), '>99.9%');
  assert.equal(percentOf(exact(1), exact(10000)), '<0.1%');
  assert.equal(percentOf(exact(0), exact(0)), null, 'no share of nothing');
  assert.equal(percentOf(undefined, exact(3)), null);
});
