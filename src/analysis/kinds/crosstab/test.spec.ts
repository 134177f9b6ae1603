import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResultRow } from '../../../arrow/result-schema.js';
import { crosstabTest, hasTableTest } from './test.js';

const v = (n: number | null) => ({ value: n, lower: n ?? 1, upper: n ?? 4, suppressed: n === null });
const row = (gender: string, year: number, n: number | null): ResultRow => ({
  site: 'pooled',
  dims: { gender, index_year: year },
  measures: { persons: v(n), events: v(n) },
});
const a = { kind: 'crosstab' as const, by: ['gender', 'index_year'], variables: { age: { type: 'age_at_index' as const } } };

test('a 2×2 pooled table gets Pearson chi-square (no continuity correction) and Fisher', () => {
  const t = JSON.parse(crosstabTest(a, [row('F', 2019, 10), row('F', 2020, 20), row('M', 2019, 30), row('M', 2020, 40)]));
  // N (ad − bc)² / (r1 r2 c1 c2) = 100 · 200² / (30 · 70 · 40 · 60)
  assert.ok(Math.abs(t.chiSquare.statistic - (100 * 200 ** 2) / (30 * 70 * 40 * 60)) < 1e-12);
  assert.equal(t.chiSquare.df, 1);
  assert.ok(t.fisher.p_value > 0 && t.fisher.p_value <= 1);
});

test('no test when a pooled cell is withheld, and none for the streaming form without variables', () => {
  const t = JSON.parse(crosstabTest(a, [row('F', 2019, null), row('F', 2020, 20), row('M', 2019, 30), row('M', 2020, 40)]));
  assert.equal(t.test, null);
  assert.equal(hasTableTest({ kind: 'crosstab', by: ['gender', 'index_year'] }), false);
  assert.equal(hasTableTest(a), true);
});
