/**
 * `fedomop check` and the site's start-up check, on real DuckDB files: a synthetic CDM (usable, every
 * criterion domain present), a copy without condition_era (usable, that domain listed as one it
 * cannot serve) and a damaged copy (no concept_ancestor, a measurement column dropped), which the
 * check calls unusable and the site refuses to serve.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli, startService } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import type { CdmReport } from '../../src/site/cdm-check.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-check-'));
let good: string;
let noEras: string;
let damaged: string;

/** A copy of `from` with `statements` run on it. */
async function alteredCopy(from: string, name: string, statements: string[]): Promise<string> {
  const file = path.join(dir, name);
  copyFileSync(from, file);
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  for (const sql of statements) await conn.run(sql);
  conn.closeSync();
  db.closeSync();
  return file;
}

before(async () => {
  good = await siteFile(THREE_SITES[2]);
  noEras = await alteredCopy(good, 'no-eras.duckdb', ['DROP TABLE condition_era']);
  damaged = await alteredCopy(good, 'damaged.duckdb', [
    'DROP TABLE concept_ancestor',
    'ALTER TABLE measurement DROP COLUMN unit_concept_id',
  ]);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function directCount(file: string, table: string): Promise<number> {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    const rows = (await conn.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS();
    return Number(rows[0].n);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

test('a synthetic CDM is usable with every criterion domain; the report counts its tables', async () => {
  const r = await runCli(['check', '--db', good, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as CdmReport;
  assert.equal(report.usable, true);
  assert.equal(report.cdmVersion, '5.4');
  const domain = (name: string) => report.domains.find((d) => d.domain === name)!;
  assert.equal(domain('ConditionOccurrence').usable, true);
  assert.equal(domain('ConditionOccurrence').rows, await directCount(good, 'condition_occurrence'));
  assert.equal(report.core.find((t) => t.table === 'person')!.rows, await directCount(good, 'person'));
  // fedomop synth writes every table a criterion can target, each with rows.
  assert.deepEqual(
    report.domains.filter((d) => !d.usable || !d.rows).map((d) => d.domain),
    [],
  );
  assert.equal(domain('DrugEra').rows, await directCount(good, 'drug_era'));
  // CDM 5.4 has no effective_drug_dose; circe's EffectiveDrugDose attribute still reads it.
  assert.ok(domain('DrugExposure').usable);
  assert.ok(domain('DrugExposure').unusableAttributes.includes('EffectiveDrugDose'));
  assert.deepEqual(
    report.problems.filter((p) => /criteria will fail/.test(p)),
    [],
  );

  const text = await runCli(['check', '--db', good]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /✓ ConditionOccurrence\s+condition_occurrence\s+[\d,]+ rows/);
  assert.match(text.stdout, /✓ ConditionEra\s+condition_era\s+[\d,]+ rows/);
  assert.match(text.stdout, /usable: yes/);

  const missing = await runCli(['check', '--db', noEras]);
  assert.equal(missing.code, 0, 'a missing domain table is not fatal');
  assert.match(missing.stdout, /✗ ConditionEra\s+condition_era\s+no table/);
  assert.match(missing.stdout, /usable: yes/);
});

test('a CDM without concept_ancestor is unusable: the check exits 1 and the site will not start', async () => {
  const r = await runCli(['check', '--db', damaged]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /✗ concept_ancestor\s+missing: concept sets with descendants/);
  assert.match(r.stdout, /! Measurement\s+measurement\s+[\d,]+ rows; lacks unit_concept_id: Unit, UnitCS will fail/);
  assert.match(r.stdout, /usable: no/);

  const site = await runCli(['site', '--db', damaged, '--id', 'damaged', '--port', '0', '--dev-insecure']);
  assert.equal(site.code, 2);
  assert.match(site.stderr, /the CDM lacks what every plan reads: required table concept_ancestor is missing/);
});

test('check: a missing --db is a usage error, a missing file a clear one', async () => {
  const none = await runCli(['check']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--db is required/);
  const gone = await runCli(['check', '--db', path.join(dir, 'nope.duckdb')]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /database file not found/);
});

test('a plan that needs a table or column the site’s CDM lacks is refused up front, naming it; others run', async () => {
  const site = await startService(['site', '--db', noEras, '--id', 'south', '--port', '0', '--dev-insecure']);
  const ask = async (criterion: Record<string, unknown>) => {
    const res = await fetch(`${site.url}/v1/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        version: 1,
        cohort: {
          ConceptSets: [{ id: 1, expression: { items: [{ concept: { CONCEPT_ID: 443392 }, includeDescendants: true }] } }],
          PrimaryCriteria: { CriteriaList: [criterion] },
        },
        analysis: { kind: 'count' },
      }),
    });
    return {
      status: res.status,
      body: (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null,
    };
  };
  try {
    const era = await ask({ ConditionEra: { CodesetId: 1 } });
    assert.equal(era.status, 400);
    assert.equal(era.body?.error?.code, 'ERR_PLAN_UNSUPPORTED');
    assert.match(
      era.body!.error!.message,
      /site south cannot run this plan on its CDM: ConditionEra criteria read the condition_era table/,
    );
    const dose = await ask({ DrugExposure: { EffectiveDrugDose: { Value: 1, Op: 'gt' } } });
    assert.equal(dose.status, 400);
    assert.match(dose.body!.error!.message, /DrugExposure\.EffectiveDrugDose reads a column of drug_exposure this CDM lacks/);
    const fine = await ask({ ConditionOccurrence: { CodesetId: 1 } });
    assert.equal(fine.status, 200);
  } finally {
    await site.stop();
  }
});
