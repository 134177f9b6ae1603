import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromRows, streamBytes } from '../arrow/encode.js';
import { resultSchema, type ResultRow } from '../arrow/result-schema.js';
import { ResultEncoder } from './result-encoder.js';

const cell = (value: number) => ({ value, lower: value, upper: value, suppressed: false });
const rows = (persons: number): ResultRow[] => [
  { site: 'pooled', dims: { gender: 'FEMALE' }, measures: { persons: cell(persons), events: cell(persons + 1) } },
];
const analysis = { kind: 'crosstab', by: ['gender'] } as never;

test('a stream of kept batch messages is byte for byte the stream a fresh writer makes', () => {
  for (let round = 0; round < 2; round++) {
    for (const [plan, persons] of [
      ['a', 5],
      ['b', 5],
      ['a', 6],
    ] as const) {
      const schema = resultSchema(analysis, { 'fedomop.plan_hash': plan });
      const encoder = new ResultEncoder(schema);
      const got = Buffer.concat([encoder.header, encoder.encode(rows(persons)), encoder.end()]);
      const want = Buffer.from(streamBytes(schema, [batchFromRows(schema, rows(persons))]));
      assert.ok(got.equals(want), `plan ${plan}, persons ${persons}, round ${round}`);
    }
  }
});
