import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { STANDARD_POLICY } from '../disclosure/index.js';
import { KEY_WORDS, RecordKeys } from '../disclosure/record-keys.js';
import { releaseConceptCounts } from './concept-counts.js';
import { buildPublishedConcepts, countedColumnsOf } from './concept-releases.js';
import { DuckDbDatabase } from './duckdb-database.js';

const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(5));
const K = 5;
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** concept → persons with one record each (two for 1001's person 1, and 1001 once more as a source concept). */
const CONCEPTS: Record<number, number[]> = {
  1001: range(1, 20),
  1002: range(1, 18), // 1001 less two persons: released widened
  1003: range(1, 3), // below k: not a published set
  1004: range(30, 60),
};

test('the person-keyed pass: keys are sums of the persons’ record keys, near-equal concepts widened, a small one unpublished', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-concept-releases-'));
  const file = path.join(dir, 'cdm.duckdb');
  try {
    const writer = await DuckDBInstance.create(file);
    const conn = await writer.connect();
    await conn.run('CREATE TABLE person AS SELECT i AS person_id FROM range(1, 61) t(i)');
    const rows = Object.entries(CONCEPTS).flatMap(([c, ps]) => ps.map((p) => `(${p}, ${c}, 0)`));
    rows.push('(1, 1001, 0)', '(2, 0, 1001)'); // a second record of person 1; person 2 again, as a source concept
    await conn.run(
      `CREATE TABLE condition_occurrence AS SELECT * FROM (VALUES ${rows.join(', ')}) v(person_id, condition_concept_id, condition_source_concept_id)`,
    );
    conn.closeSync();
    writer.closeSync();

    const db = await DuckDbDatabase.open(file);
    try {
      const columns = await countedColumnsOf(db);
      assert.deepEqual(columns, [
        ['condition_occurrence', 'condition_concept_id'],
        ['condition_occurrence', 'condition_source_concept_id'],
      ]);
      const published = await buildPublishedConcepts(db, columns, keys, K);
      const t = published.truth(1001)!;
      const words = keys.derive(BigInt64Array.from(range(1, 20).map(BigInt)));
      let personKey = 0;
      let recordKey = 0;
      for (let i = 0; i < 20; i++) {
        personKey = (personKey + words[i * KEY_WORDS]) >>> 0;
        const records = i === 0 || i === 1 ? 2 : 1;
        recordKey = (recordKey + Math.imul(words[i * KEY_WORDS + 1], records)) >>> 0;
      }
      assert.deepEqual(t, { persons: 20, personKey, records: 22, recordKey, widened: false });
      assert.equal(published.truth(1002)!.widened, true);
      assert.equal(published.truth(1003)!.persons, 3);
      assert.equal(published.sets.count, 2, '1001 and 1004; 1002 widened, 1003 below k');
      assert.equal(releaseConceptCounts(published.truth(1002)!, STANDARD_POLICY).persons.value, null);
      assert.notEqual(releaseConceptCounts(published.truth(1001)!, STANDARD_POLICY).persons.value, null);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
