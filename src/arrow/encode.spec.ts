import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromIPC } from 'apache-arrow';
import { batchFromRows, rowsFromBatch, streamBytes } from './encode.js';
import { META, resultSchema, type ResultRow } from './result-schema.js';

const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
const hidden = { value: null, lower: 1, upper: 4, suppressed: true };

test('crosstab rows survive an IPC round trip with intervals and metadata intact', () => {
  const schema = resultSchema({ kind: 'crosstab', by: ['gender', 'index_year'] }, { [META.site]: 'north' });
  const rows: ResultRow[] = [
    { site: 'north', dims: { gender: 'FEMALE', index_year: 2019 }, measures: { persons: exact(12), events: exact(30) } },
    { site: 'north', dims: { gender: 'MALE', index_year: 2020 }, measures: { persons: hidden, events: exact(7) } },
  ];
  const bytes = streamBytes(schema, [batchFromRows(schema, rows)]);
  const table = tableFromIPC(bytes);
  assert.equal(table.schema.metadata.get(META.site), 'north');
  assert.deepEqual(
    table.schema.fields.map((f) => f.name),
    [
      'site',
      'gender',
      'index_year',
      'persons',
      'persons_lower',
      'persons_upper',
      'persons_suppressed',
      'events',
      'events_lower',
      'events_upper',
      'events_suppressed',
    ],
  );
  assert.deepEqual(rowsFromBatch(table), rows);
});

test('count schema has no dimension columns', () => {
  const schema = resultSchema({ kind: 'count' });
  assert.equal(schema.fields[1].name, 'persons');
});

test('empty batches and all-null dimension columns encode and decode', () => {
  const schema = resultSchema({ kind: 'crosstab', by: ['index_year', 'gender'] });
  const empty = tableFromIPC(streamBytes(schema, [batchFromRows(schema, [])]));
  assert.equal(empty.numRows, 0);
  const rows: ResultRow[] = Array.from({ length: 19 }, (_, i) => ({
    site: 's',
    dims: { index_year: i % 3 === 0 ? null : 2000 + i, gender: i % 2 ? 'MALE' : null },
    measures: { persons: i % 5 === 0 ? hidden : exact(i * 1000003), events: exact(2 ** 40 + i) },
  }));
  assert.deepEqual(rowsFromBatch(tableFromIPC(streamBytes(schema, [batchFromRows(schema, rows)]))), rows);
});

test('text columns keep non-ASCII, empty and null values through the IPC round trip', () => {
  const schema = resultSchema({ kind: 'attrition' });
  const names = ['Alter ≥ 50 (Müller)', '', null, '肺癌', 'plain'];
  const rows: ResultRow[] = names.map((rule_name, i) => ({
    site: 'süd',
    dims: { rule_index: i, rule_name },
    measures: { persons: exact(i), events: exact(i) },
  }));
  assert.deepEqual(rowsFromBatch(tableFromIPC(streamBytes(schema, [batchFromRows(schema, rows)]))), rows);
});
