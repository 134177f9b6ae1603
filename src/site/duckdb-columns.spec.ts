import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, JSDuckDBValueConverter, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { columnArrays } from './duckdb-columns.js';

/** The values one by one, through the converter `query` uses: what the typed read must equal. */
function byValue(result: DuckDBMaterializedResult): Record<string, unknown[]> {
  const names = result.deduplicatedColumnNames();
  const out: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let c = 0; c < result.chunkCount; c++)
    for (const row of result.getChunk(c).convertRows(JSDuckDBValueConverter)) names.forEach((n, i) => out[n].push(row[i]));
  return out;
}

async function read(sql: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const result = await conn.run(sql);
    // Two reads of one materialized result: the chunks stay as they are.
    return { columns: columnArrays(result), expected: byValue(result), rows: result.rowCount };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

test('integer columns without NULLs come out as typed arrays with the same values, across chunks', async () => {
  // 5,000 rows: three of DuckDB's 2,048-row chunks, the last one partial.
  const { columns, expected, rows } = await read(
    `SELECT i::BIGINT * 1000003 - 7 AS person_id, (i % 9)::INTEGER AS counted, count_star() OVER () AS n,
            'x' || (i % 3) AS label, i / 3.0 AS ratio, DATE '2020-01-01' + i::INTEGER AS day
       FROM range(5000) t(i) ORDER BY i`,
  );
  assert.equal(rows, 5000);
  assert.ok(columns.columns.person_id instanceof BigInt64Array, 'BIGINT without NULLs → BigInt64Array');
  assert.ok(columns.columns.counted instanceof Int32Array, 'INTEGER without NULLs → Int32Array');
  assert.ok(Array.isArray(columns.columns.label), 'VARCHAR read value by value');
  for (const [name, values] of Object.entries(expected)) {
    assert.deepEqual(Array.from(columns.columns[name]), values, name);
  }
  assert.equal(columns.length, 5000);
});

test('an integer column holding a NULL (in any chunk) is read value by value, NULLs kept', async () => {
  const { columns, expected } = await read(
    `SELECT CASE WHEN i = 4500 THEN NULL ELSE i::BIGINT END AS person_id,
            CASE WHEN i % 1000 = 1 THEN NULL ELSE i::INTEGER END AS counted
       FROM range(5000) t(i) ORDER BY i`,
  );
  assert.ok(Array.isArray(columns.columns.person_id));
  assert.ok(Array.isArray(columns.columns.counted));
  assert.equal(columns.columns.person_id[4500], null);
  assert.equal(columns.columns.counted[1], null);
  assert.deepEqual(columns.columns.person_id, expected.person_id);
  assert.deepEqual(columns.columns.counted, expected.counted);
});

test('an empty result has empty columns of every kind', async () => {
  const { columns } = await read(`SELECT i::BIGINT AS person_id, 'a' AS label FROM range(0) t(i)`);
  assert.equal(columns.length, 0);
  assert.equal(columns.columns.person_id.length, 0);
  assert.equal(columns.columns.label.length, 0);
});

test('VARCHAR values read through the shared short-string table equal the value-by-value read: short, long, multi-byte, NULL', async () => {
  const { columns, expected } = await read(
    `SELECT CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN 'FEMALE' WHEN 2 THEN '60-69' WHEN 3 THEN 'Müller-Lüdenscheid'
                       WHEN 4 THEN 'é' || (i % 5) WHEN 5 THEN '' ELSE 'twelve bytes' END AS label,
            'x' || i AS unique_label,
            repeat('long value ', 1 + i % 3) AS long_label
       FROM range(5000) t(i) ORDER BY i`,
  );
  for (const name of ['label', 'unique_label', 'long_label']) {
    assert.deepEqual(Array.from(columns.columns[name]), expected[name], name);
  }
  assert.equal(columns.columns.label[0], null);
  assert.equal(columns.columns.label[3], 'Müller-Lüdenscheid');
});
