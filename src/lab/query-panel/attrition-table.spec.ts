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

describe('attrition-table', () => {
  it('one row per step in rule order, named; a column per site that answered, pooled last', () => {
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
    expect(table.columns.map((c) => [c.key, c.label])).toStrictEqual([
      ['north', 'north'],
      ['south', 'south'],
      ['pooled', 'Pooled'],
    ]);
    expect(table.steps.map((s) => [s.index, s.name])).toStrictEqual(NAMES.map((n, i) => [i, n]));
    expect(table.steps[2].cells.north.persons.text).toBe('200');
    expect(table.steps[2].cells.pooled.events.text).toBe('220');
    // step 0 is the base, not a share of itself
    expect(table.steps[0].cells.north.persons.percent).toBe(null);
    expect(table.steps[1].cells.north.persons.percent).toBe('75%');
    expect(table.steps[2].cells.south.persons.percent).toBe('25%');
    expect(table.steps[1].cells.pooled.persons.percent).toBe('70.8%');
  });

  it('withheld values show as their interval, and no share is claimed from an interval', () => {
    const rows = [
      step('south', 0, NAMES[0], exact(120), exact(150)),
      step('south', 1, NAMES[1], hidden(116, 119), exact(146)),
      step('south', 2, NAMES[2], hidden(1, 4), exact(0)),
    ];
    const table = attritionTable([{ site: 'south', rows }], null);
    const cell = (i: number) => table.steps[i].cells.south;
    expect(cell(1).persons.text).toBe('116–119');
    expect(cell(1).persons.suppressed).toBe(true);
    expect(cell(1).persons.title ?? '').toMatch(/between 116 and 119/);
    expect(cell(1).persons.percent).toBe(null);
    expect(cell(2).persons.text).toBe('1–4');
    expect(cell(1).events.percent).toBe('97.3%');
    expect(cell(2).events.percent).toBe('0%');
    // A withheld step 0 leaves every share of that measure unknown.
    const baseHidden = attritionTable(
      [{ site: 'x', rows: [step('x', 0, NAMES[0], hidden(1, 4)), step('x', 1, NAMES[1], exact(0))] }],
      null,
    );
    expect(baseHidden.steps[1].cells.x.persons.percent).toBe(null);
  });

  it('a step a site did not return stays empty for it; names come from whoever has them', () => {
    const table = attritionTable(
      [
        { site: 'a', rows: [step('a', 0, NAMES[0], exact(10))] },
        { site: 'b', rows: [step('b', 0, '', exact(9)), step('b', 1, NAMES[1], exact(5))] },
      ],
      null,
    );
    expect(table.steps.map((s) => s.name)).toStrictEqual(NAMES.slice(0, 2));
    expect(table.steps[1].cells.a).toBe(undefined);
    expect(table.steps[1].cells.b.persons.percent).toBe('55.6%');
  });

  it('without inclusion rules there is step 0 only; with nothing in yet, no steps', () => {
    const only = attritionTable(
      [{ site: 'a', rows: [step('a', 0, NAMES[0], exact(42))] }],
      [step('pooled', 0, NAMES[0], exact(42))],
    );
    expect(only.steps.map((s) => s.name)).toStrictEqual(['qualifying events']);
    expect(attritionTable([{ site: 'a', rows: null }], null)).toStrictEqual({ columns: [], steps: [] });
  });

  it('shares round to one decimal without turning a loss into 100% or a remainder into 0%', () => {
    expect(percentOf(exact(1), exact(3))).toBe('33.3%');
    expect(percentOf(exact(3), exact(3))).toBe('100%');
    expect(percentOf(exact(9999), exact(10000))).toBe('>99.9%');
    expect(percentOf(exact(1), exact(10000))).toBe('<0.1%');
    // no share of nothing
    expect(percentOf(exact(0), exact(0))).toBe(null);
    expect(percentOf(undefined, exact(3))).toBe(null);
  });
});
