import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromRows, streamBytes } from '../arrow/encode.js';
import { resultSchema, type ResultRow } from '../arrow/result-schema.js';
import type { Analysis } from '../plan/types.js';
import { answerBytes } from './answer-bytes.js';

const cell = (value: number | null, lower = value ?? 0, upper = value ?? 4, suppressed = value === null) => ({
  value,
  lower,
  upper,
  suppressed,
});
const row = (gender: string, persons: number | null): ResultRow => ({
  site: 'north',
  dims: { gender },
  measures: { persons: cell(persons), events: cell(persons === null ? null : persons * 3) },
});
const analysis: Analysis = { kind: 'crosstab', by: ['gender'] } as Analysis;
const meta = (planHash: string) => ({ 'fedomop.plan_hash': planHash, 'fedomop.site': 'north' });
const fresh = (a: Analysis, m: Record<string, string>, rows: ResultRow[]) => {
  const schema = resultSchema(a, m);
  return streamBytes(schema, [batchFromRows(schema, rows)]);
};

test('each answer’s bytes are exactly what encoding gives, asked once or again, in any order', () => {
  const cases: Array<[Analysis, Record<string, string>, ResultRow[]]> = [
    [analysis, meta('a'), [row('FEMALE', 12), row('MALE', 7)]],
    [analysis, meta('a'), [row('FEMALE', 12), row('MALE', 8)]],
    [analysis, meta('a'), [row('FEMALE', 12), row('MALE', null)]],
    [analysis, meta('b'), [row('FEMALE', 12), row('MALE', 7)]],
    [{ kind: 'count' } as Analysis, meta('a'), [{ site: 'north', dims: {}, measures: { persons: cell(5), events: cell(9) } }]],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [i, [a, m, rows]] of cases.entries()) {
      assert.deepEqual(Buffer.from(answerBytes(a, m, rows)), Buffer.from(fresh(a, m, rows)), `case ${i}, round ${round}`);
    }
  }
});
