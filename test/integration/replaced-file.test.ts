/**
 * A data steward refreshes a site's CDM by renaming a new DuckDB file over the old one while the site
 * runs. The site must answer from the new file from the next plan on — exactly as a site started
 * fresh on that file does — and a broken replacement must leave it answering from what it had.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { plainRows } from '../harness/hub-api.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-replace-'));
const served = path.join(dir, 'cdm.duckdb');
const services: Service[] = [];
let site: Service;
let southFile: string;
let northFile: string;

before(async () => {
  southFile = await siteFile(THREE_SITES[2]);
  northFile = await siteFile(THREE_SITES[1]);
  copyFileSync(southFile, served);
  site = await startService(['site', '--db', served, '--id', 'refreshed', '--port', '0', '--dev-insecure']);
  services.push(site);
});

after(async () => {
  await Promise.all(services.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const PLAN = {
  version: 1,
  cohort: {
    ConceptSets: [{ id: 1, expression: { items: [{ concept: { CONCEPT_ID: 443392 }, includeDescendants: true }] } }],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 1 } }], PrimaryCriteriaLimit: { Type: 'All' } },
    QualifiedLimit: { Type: 'All' },
    ExpressionLimit: { Type: 'All' },
  },
  analysis: { kind: 'crosstab', by: ['gender', 'age_group'] },
};

async function released(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(PLAN),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return plainRows(tableFromIPC(new Uint8Array(await res.arrayBuffer())))
    .map(({ site: _site, ...rest }) => JSON.stringify(rest))
    .sort();
}

/** What a site started fresh on `file` releases for the plan. */
async function freshAnswer(file: string): Promise<string[]> {
  const copy = path.join(dir, `reference-${path.basename(file)}`);
  copyFileSync(file, copy);
  const fresh = await startService(['site', '--db', copy, '--id', 'reference', '--port', '0', '--dev-insecure']);
  try {
    return await released(fresh.url);
  } finally {
    await fresh.stop();
  }
}

test('a CDM file renamed over the served one is answered from at the next plan; a broken one is not', async () => {
  const south = await freshAnswer(southFile);
  const north = await freshAnswer(northFile);
  assert.notDeepEqual(south, north, 'the two files must give different answers for the test to mean anything');
  assert.deepEqual(await released(site.url), south);

  // The steward's refresh: a new file written beside the old, renamed over it.
  copyFileSync(northFile, `${served}.new`);
  renameSync(`${served}.new`, served);
  assert.deepEqual(await released(site.url), north);
  assert.deepEqual(await released(site.url), north, 'and stays on it');

  // A broken replacement: the site goes on answering from the file it has, and says why on stderr.
  writeFileSync(`${served}.new`, 'not a database');
  renameSync(`${served}.new`, served);
  assert.deepEqual(await released(site.url), north);
  assert.match(site.output(), /was replaced but cannot be opened, still serving the previous file/);

  // Put right, it is picked up again.
  copyFileSync(southFile, `${served}.new`);
  renameSync(`${served}.new`, served);
  assert.deepEqual(await released(site.url), south);
  const info = (await (await fetch(`${site.url}/v1/info`)).json()) as { site: string; cdmVersion: string };
  assert.equal(info.site, 'refreshed');
  assert.match(info.cdmVersion, /^5\.4/);
});
