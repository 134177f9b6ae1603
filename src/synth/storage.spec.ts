/**
 * Columns the generator leaves empty are virtual (always NULL) unless `writable` is set; readers
 * must not be able to tell, and a writable site must take inserts into any column.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createTableSql } from './ddl.js';
import { generateSite } from './index.js';
import { openSite, tempDir } from './synth.spec-util.js';

const dir = await tempDir();
const paths = { lean: join(dir.path, 'lean.duckdb'), writable: join(dir.path, 'writable.duckdb') };

before(async () => {
  await generateSite({ out: paths.lean, seed: 8, persons: 300, profile: 'regional', eventsPerPerson: 5 });
  await generateSite({ out: paths.writable, seed: 8, persons: 300, profile: 'regional', eventsPerPerson: 5, writable: true });
});
after(() => dir.remove());

const INSERT_WITH_PROVIDER = `INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id,
  condition_start_date, condition_type_concept_id, provider_id) VALUES (999999, 1, 320128, DATE '2020-01-01', 32817, 7)`;

async function tryInsert(path: string): Promise<string> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    await conn.run(INSERT_WITH_PROVIDER);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

test('both storage modes read the same: same columns, types, and rows', async () => {
  const describe = `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
    WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`;
  const sums = `SELECT (SELECT sum(hash(t)) FROM measurement t)::VARCHAR AS m, (SELECT sum(hash(t)) FROM visit_occurrence t)::VARCHAR AS v`;
  const lean = await openSite(paths.lean);
  const writable = await openSite(paths.writable);
  try {
    assert.deepEqual(await lean.rows(describe), await writable.rows(describe));
    assert.deepEqual(await lean.rows(sums), await writable.rows(sums));
    assert.equal(await lean.value('SELECT count(provider_id) FROM condition_occurrence'), 0);
  } finally {
    lean.close();
    writable.close();
  }
});

test('a writable site takes inserts into columns the generator left empty; a lean one refuses', async () => {
  assert.equal(await tryInsert(paths.writable), 'ok');
  assert.match(await tryInsert(paths.lean), /generated column|provider_id/i);
});

test('a NOT NULL column can never be made virtual', () => {
  assert.throws(() => createTableSql('measurement', { virtualColumns: new Set(['measurement_date']) }), /NOT NULL/);
  assert.match(
    createTableSql('measurement', { virtualColumns: new Set(['provider_id']) }),
    /provider_id integer GENERATED ALWAYS AS/,
  );
});
