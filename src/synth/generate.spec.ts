import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CDM_TABLES, generateSite, type SynthReport } from './index.js';
import { openSite, tempDir } from './synth.spec-util.js';

/** Order-independent fingerprint of each table's full contents. */
async function fingerprints(path: string): Promise<Record<string, string>> {
  const site = await openSite(path);
  try {
    const out: Record<string, string> = {};
    for (const table of CDM_TABLES) {
      out[table] = String(await site.value(`SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM ${table} t`));
    }
    return out;
  } finally {
    site.close();
  }
}

const dir = await tempDir();
const paths = { a: join(dir.path, 'a.duckdb'), b: join(dir.path, 'b.duckdb'), c: join(dir.path, 'c.duckdb') };
let report: SynthReport;

before(async () => {
  report = await generateSite({ out: paths.a, seed: 11, persons: 2000, profile: 'regional' });
  await generateSite({ out: paths.b, seed: 11, persons: 2000, profile: 'regional' });
  await generateSite({ out: paths.c, seed: 12, persons: 2000, profile: 'regional' });
});
after(() => dir.remove());

test('the same seed gives identical contents in every table', async () => {
  const [a, b] = [await fingerprints(paths.a), await fingerprints(paths.b)];
  for (const table of CDM_TABLES) assert.equal(a[table], b[table], `table ${table} differs between two seed-11 runs`);
});

test('a different seed gives different clinical data', async () => {
  const [a, c] = [await fingerprints(paths.a), await fingerprints(paths.c)];
  for (const table of [
    'person',
    'observation_period',
    'condition_occurrence',
    'drug_exposure',
    'measurement',
    'observation',
    'condition_era',
    'drug_era',
  ]) {
    assert.notEqual(a[table], c[table], `table ${table} is the same for seeds 11 and 12`);
  }
});

test('the report counts what the file holds, about 20 events per person per clinical table', async () => {
  const site = await openSite(paths.a);
  try {
    for (const table of CDM_TABLES) {
      assert.equal(report.rowCounts[table], await site.value(`SELECT count(*) FROM ${table}`), `row count of ${table}`);
    }
  } finally {
    site.close();
  }
  assert.equal(report.persons, 2000);
  assert.equal(report.rowCounts.person, 2000);
  for (const table of ['visit_occurrence', 'condition_occurrence', 'drug_exposure', 'procedure_occurrence', 'measurement']) {
    const perPerson = report.rowCounts[table] / 2000;
    assert.ok(perPerson > 17 && perPerson < 23, `${table}: ${perPerson} rows per person`);
  }
  assert.equal(report.rowCounts.cohort, 0);
  assert.ok(report.elapsedMs > 0);
});

test('an existing file and its WAL are replaced', async () => {
  const out = join(dir.path, 'reused.duckdb');
  await writeFile(out, 'not a database');
  await writeFile(`${out}.wal`, 'stale wal');
  const r = await generateSite({ out, seed: 1, persons: 50, profile: 'small', eventsPerPerson: 3 });
  assert.equal(r.rowCounts.person, 50);
  await assert.rejects(access(`${out}.wal`), 'the stale WAL should be gone after a clean close');
});

test('bad options are refused before anything is written', async () => {
  const out = join(dir.path, 'never.duckdb');
  await assert.rejects(
    generateSite({ out, seed: 1, persons: 10, profile: 'huge' as never }),
    (e: Error & { code?: string }) => e.code === 'ERR_BAD_REQUEST' && /profile/.test(e.message),
  );
  await assert.rejects(generateSite({ out, seed: -1, persons: 10, profile: 'small' }), /seed/);
  await assert.rejects(generateSite({ out, seed: 1, persons: 0, profile: 'small' }), /persons/);
  await assert.rejects(generateSite({ out, seed: 1, persons: 10, profile: 'small', eventsPerPerson: 0 }), /eventsPerPerson/);
  await assert.rejects(access(out));
});
