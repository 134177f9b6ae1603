/**
 * `fedomop check` and the site's start-up check, on real DuckDB files: a synthetic CDM (usable, with
 * the domains it has no table for listed) and a damaged copy (no concept_ancestor, a measurement
 * column dropped), which the check calls unusable and the site refuses to serve.
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
let damaged: string;

before(async () => {
  good = await siteFile(THREE_SITES[2]);
  damaged = path.join(dir, 'damaged.duckdb');
  copyFileSync(good, damaged);
  const db = await DuckDBInstance.create(damaged);
  const conn = await db.connect();
  await conn.run('DROP TABLE concept_ancestor');
  await conn.run('ALTER TABLE measurement DROP COLUMN unit_concept_id');
  conn.closeSync();
  db.closeSync();
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

test('a synthetic CDM is usable; the report counts its tables and names the domains it cannot serve', async () => {
  const r = await runCli(['check', '--db', good, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as CdmReport;
  assert.equal(report.usable, true);
  assert.equal(report.cdmVersion, '5.4');
  const domain = (name: string) => report.domains.find((d) => d.domain === name)!;
  assert.equal(domain('ConditionOccurrence').usable, true);
  assert.equal(domain('ConditionOccurrence').rows, await directCount(good, 'condition_occurrence'));
  assert.equal(report.core.find((t) => t.table === 'person')!.rows, await directCount(good, 'person'));
  assert.equal(domain('ConditionEra').present, false);
  assert.equal(domain('ConditionEra').usable, false);
  // CDM 5.4 has no effective_drug_dose; circe's EffectiveDrugDose attribute still reads it.
  assert.ok(domain('DrugExposure').usable);
  assert.ok(domain('DrugExposure').unusableAttributes.includes('EffectiveDrugDose'));

  const text = await runCli(['check', '--db', good]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /✓ ConditionOccurrence\s+condition_occurrence\s+[\d,]+ rows/);
  assert.match(text.stdout, /✗ ConditionEra\s+condition_era\s+no table/);
  assert.match(text.stdout, /usable: yes/);
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
  const site = await startService(['site', '--db', good, '--id', 'south', '--port', '0', '--dev-insecure']);
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
