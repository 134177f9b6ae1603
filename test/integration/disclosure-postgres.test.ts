/**
 * Perturbation is computed in the site process from person ids, so a DuckDB site and a PostgreSQL
 * site holding the same data (and the same site secret) release identical values, intervals and
 * decisions — the database engine must not change what a person's record key is.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { POSTGRES_AVAILABLE, copyDuckDbToPostgres, startPostgres, type PgServer } from '../harness/postgres.js';
import { RULES_EXAMPLE, cohort, execute, plan } from '../harness/attacks.js';
import { postJson } from '../harness/hub-api.js';
import type { Plan } from '../../src/plan/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-pg-disclosure-'));
let server: PgServer | undefined;
const sites: Record<'duck' | 'pg', Service | undefined> = { duck: undefined, pg: undefined };

before(async () => {
  if (!POSTGRES_AVAILABLE) return;
  const file = await siteFile(THREE_SITES[2]);
  server = startPostgres(55000 + (process.pid % 1000));
  await copyDuckDbToPostgres(file, server, 'cdm');
  const common = [
    '--port',
    '0',
    '--dev-insecure',
    '--disclosure-profile',
    'standard',
    '--secret-file',
    path.join(dir, 'shared.secret'),
  ];
  sites.duck = await startService(['site', '--db', file, '--id', 'duck', '--history-dir', path.join(dir, 'duck'), ...common]);
  sites.pg = await startService([
    'site',
    '--db',
    server.url('cdm'),
    '--id',
    'pg',
    '--history-dir',
    path.join(dir, 'pg'),
    ...common,
  ]);
});

after(async () => {
  await Promise.all(Object.values(sites).map((s) => s?.stop()));
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PLANS: Array<[string, Plan]> = [
  ['lung count', plan(cohort('lung'), { kind: 'count' })],
  ['breast crosstab age × year', plan(cohort('breast'), { kind: 'crosstab', by: ['age_group', 'index_year'] })],
  ['lung crosstab gender × age × year', plan(cohort('lung'), { kind: 'crosstab', by: ['gender', 'age_group', 'index_year'] })],
  ['prostate attrition with rules', plan(RULES_EXAMPLE.cohort, { kind: 'attrition' })],
  ['lung age ≥ 60 count', plan(cohort('lung', { Age: { Value: 60, Op: 'gte' } }), { kind: 'count' })],
  ['lung age ≥ 61 count', plan(cohort('lung', { Age: { Value: 61, Op: 'gte' } }), { kind: 'count' })],
];

test(
  'DuckDB and PostgreSQL sites with the same data and secret release identical perturbed answers',
  { skip: !POSTGRES_AVAILABLE && 'no PostgreSQL' },
  async () => {
    let perturbed = 0;
    for (const [name, p] of PLANS) {
      const preview = await Promise.all([
        postJson(`${sites.duck!.url}/v1/preview`, p),
        postJson(`${sites.pg!.url}/v1/preview`, p),
      ]);
      assert.deepEqual(preview[0].body.cells, preview[1].body.cells, `${name}: previews`);
      const [duck, pg] = await Promise.all([execute(sites.duck!.url, p), execute(sites.pg!.url, p)]);
      assert.equal(duck.status, 200, name);
      const strip = (rows: typeof duck.rows) => rows.map(({ site: _site, ...rest }) => rest);
      assert.deepEqual(strip(pg.rows), strip(duck.rows), `${name}: released rows`);
      perturbed += duck.rows.filter(
        (r) => r.persons !== null && (r.persons_upper as number) > (r.persons_lower as number),
      ).length;
    }
    assert.ok(perturbed >= 5, `perturbed cells compared: ${perturbed}`);
  },
);
