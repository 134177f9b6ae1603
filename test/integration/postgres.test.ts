/**
 * The PostgreSQL dialect for real: the same synthetic site loaded into a real PostgreSQL server
 * (Debian's, started by the test) and kept as a DuckDB file, each served by `fedomop site`, one hub in
 * front. Every plan must release exactly the same rows from both databases.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { devHubArgs, runCli, startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { plainRows, runThroughHub } from '../harness/hub-api.js';
import { POSTGRES_AVAILABLE, copyDuckDbToPostgres, startPostgres, type PgServer } from '../harness/postgres.js';
import { PostgresDatabase } from '../../src/site/postgres-database.js';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SPEC = THREE_SITES[2];
let server: PgServer;
const services: Service[] = [];
let hub: Service;
// A PostgreSQL site keeps its history and secret in fedomop-site-<id>.disclosure under its working
// directory unless told otherwise: here a temporary one, not the checkout (a run once left a secret
// there that a later commit picked up).
const historyDir = mkdtempSync(path.join(tmpdir(), 'fedomop-pg-site-'));

before(async () => {
  if (!POSTGRES_AVAILABLE) return;
  const file = await siteFile(SPEC);
  server = startPostgres(54000 + (process.pid % 1000));
  await copyDuckDbToPostgres(file, server, 'cdm');
  services.push(await startService(['site', '--db', file, '--id', 'duck', '--port', '0', '--dev-insecure']));
  services.push(
    await startService([
      'site',
      '--db',
      server.url('cdm'),
      '--id',
      'pg',
      '--port',
      '0',
      '--dev-insecure',
      '--history-dir',
      historyDir,
    ]),
  );
  hub = await startService(devHubArgs({ duck: services[0].url, pg: services[1].url }));
});

after(async () => {
  await hub?.stop();
  await Promise.all(services.map((s) => s.stop()));
  server?.stop();
  rmSync(historyDir, { recursive: true, force: true });
});

const item = (id: number, descendants = true) => ({ concept: { CONCEPT_ID: id }, includeDescendants: descendants });
const cohort = (sets: unknown[], criteria: unknown[], extra: Record<string, unknown> = {}) => ({
  ConceptSets: sets,
  PrimaryCriteria: { CriteriaList: criteria, ...extra },
});

const PLANS: Array<[string, unknown]> = [
  [
    'prostate count, First',
    {
      version: 1,
      cohort: cohort([{ id: 0, expression: { items: [item(4163261)] } }], [{ ConditionOccurrence: { CodesetId: 0 } }]),
      analysis: { kind: 'count' },
    },
  ],
  [
    'malignancy, 365 days prior, all events, gender x age group',
    {
      version: 1,
      cohort: {
        ...cohort([{ id: 1, expression: { items: [item(443392)] } }], [{ ConditionOccurrence: { CodesetId: 1 } }], {
          ObservationWindow: { PriorDays: 365, PostDays: 0 },
          PrimaryCriteriaLimit: { Type: 'All' },
        }),
        ExpressionLimit: { Type: 'All' },
      },
      analysis: { kind: 'crosstab', by: ['gender', 'age_group'] },
    },
  ],
  [
    'PSA > 4 or abiraterone, women excluded, by index year, latest event',
    {
      version: 1,
      cohort: {
        ...cohort(
          [
            { id: 7, expression: { items: [item(3013603, false)] } },
            { id: 8, expression: { items: [item(40239056)] } },
          ],
          [
            { Measurement: { CodesetId: 7, ValueAsNumber: { Value: 4, Op: 'gt' }, Gender: [{ CONCEPT_ID: 8507 }] } },
            { DrugExposure: { CodesetId: 8, OccurrenceStartDate: { Value: '2010-01-01', Op: 'bt', Extent: '2022-12-31' } } },
          ],
          { PrimaryCriteriaLimit: { Type: 'All' } },
        ),
        ExpressionLimit: { Type: 'Last' },
      },
      analysis: { kind: 'crosstab', by: ['index_year'] },
    },
  ],
  [
    'lung cancer, first ever, age 40-80, gender x age x year',
    {
      version: 1,
      cohort: cohort(
        [{ id: 2, expression: { items: [item(443388)] } }],
        [{ ConditionOccurrence: { CodesetId: 2, First: true, Age: { Value: 40, Op: 'bt', Extent: 80 } } }],
      ),
      analysis: { kind: 'crosstab', by: ['gender', 'age_group', 'index_year'] },
    },
  ],
  [
    'all prostate diagnoses, attrition over a drug-window rule and an ANY group (at most one earlier PSA, or aged 70+)',
    {
      version: 1,
      cohort: {
        ...cohort(
          [
            { id: 0, expression: { items: [item(4163261)] } },
            { id: 1, expression: { items: [item(40239056), item(42900250)] } },
            { id: 2, expression: { items: [item(3013603, false)] } },
          ],
          [{ ConditionOccurrence: { CodesetId: 0 } }],
          { PrimaryCriteriaLimit: { Type: 'All' } },
        ),
        ExpressionLimit: { Type: 'All' },
        InclusionRules: [
          {
            name: 'antiandrogen within a year',
            expression: {
              Type: 'ALL',
              CriteriaList: [
                {
                  Criteria: { DrugExposure: { CodesetId: 1 } },
                  StartWindow: { Start: { Days: 0, Coeff: 1 }, End: { Days: 365, Coeff: 1 } },
                  Occurrence: { Type: 2, Count: 1 },
                },
              ],
            },
          },
          {
            name: 'at most one PSA before, or aged 70+',
            expression: {
              Type: 'ANY',
              CriteriaList: [
                {
                  Criteria: { Measurement: { CodesetId: 2 } },
                  StartWindow: { Start: { Coeff: -1 }, End: { Days: 1, Coeff: -1 } },
                  Occurrence: { Type: 1, Count: 1 },
                },
              ],
              DemographicCriteriaList: [{ Age: { Value: 70, Op: 'gte' } }],
            },
          },
        ],
        EndStrategy: { DateOffset: { DateField: 'StartDate', Offset: 180 } },
        CollapseSettings: { CollapseType: 'ERA', EraPad: 30 },
      },
      analysis: { kind: 'attrition' },
    },
  ],
];

for (const [name, plan] of PLANS) {
  test(
    `PostgreSQL and DuckDB release the same rows: ${name}`,
    { skip: !POSTGRES_AVAILABLE && 'PostgreSQL is not installed' },
    async () => {
      const { table, status } = await runThroughHub(hub.url, plan);
      assert.equal(status.sites.pg.state, 'done', JSON.stringify(status.sites.pg));
      assert.equal(status.sites.duck.state, 'done', JSON.stringify(status.sites.duck));
      const rows = plainRows(table);
      const of = (site: string) =>
        rows
          .filter((r) => r.site === site)
          .map(({ site: _site, ...rest }) => JSON.stringify(rest))
          .sort();
      assert.ok(of('duck').length > 0);
      assert.deepEqual(of('pg'), of('duck'));
    },
  );
}

test(
  'a PostgreSQL site cannot write, even if a statement tried to: every connection is read-only',
  { skip: !POSTGRES_AVAILABLE && 'PostgreSQL is not installed' },
  async () => {
    const db = await PostgresDatabase.open(server.url('cdm'));
    try {
      const [row] = await db.query({ sql: 'SELECT count(*) AS n FROM person', parameters: [], parameterTypes: [] });
      assert.ok(Number(row.n) > 0, 'reads work');
      // The database's own words stay at the site (the error's cause, logged under an incident id).
      const readOnly = (err: Error) => /read-only transaction/.test(String((err.cause as Error | undefined)?.message));
      await assert.rejects(
        db.query({ sql: 'CREATE TABLE fedomop_should_not_exist (a integer)', parameters: [], parameterTypes: [] }),
        readOnly,
      );
      await assert.rejects(db.query({ sql: 'DELETE FROM person', parameters: [], parameterTypes: [] }), readOnly);
      const [still] = await db.query({ sql: 'SELECT count(*) AS n FROM person', parameters: [], parameterTypes: [] });
      assert.equal(Number(still.n), Number(row.n));
    } finally {
      await db.close();
    }
  },
);

const raw = (sql: string) => ({ sql, parameters: [], parameterTypes: [] });

test(
  "the server enforces the site's query limit itself: statement_timeout past the site's own, and a connection check",
  { skip: !POSTGRES_AVAILABLE && 'PostgreSQL is not installed' },
  async () => {
    const db = await PostgresDatabase.open(server.url('cdm'), { queryTimeoutMs: 60_000 });
    try {
      const [row] = await db.query(
        raw(
          "SELECT current_setting('statement_timeout') AS timeout, current_setting('client_connection_check_interval') AS check_interval",
        ),
      );
      // 60 s of the site's own plus a 5 s margin; PostgreSQL reports whole units.
      assert.equal(row.timeout, '65s');
      assert.equal(row.check_interval, '1s');
    } finally {
      await db.close();
    }
  },
);

test(
  'a site process killed mid-query leaves nothing running in the database',
  { skip: !POSTGRES_AVAILABLE && 'PostgreSQL is not installed' },
  async () => {
    // The site's own code in a child process, running a statement that would take a minute.
    const marker = `fedomop_orphan_${process.pid}_${Date.now()}`;
    const moduleUrl = new URL('../../src/site/postgres-database.js', import.meta.url).href;
    const script = `
      const { PostgresDatabase } = await import(${JSON.stringify(moduleUrl)});
      const db = await PostgresDatabase.open(${JSON.stringify(server.url('cdm'))}, { queryTimeoutMs: 120000 });
      await db.query({ sql: "SELECT pg_sleep(60) AS ${marker}", parameters: [], parameterTypes: [] });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const watcher = new pg.Client({ connectionString: server.url('cdm') });
    await watcher.connect();
    const running = async () =>
      Number(
        (
          await watcher.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()",
            [marker],
          )
        ).rows[0].n,
      );
    try {
      const started = Date.now();
      while ((await running()) === 0) {
        assert.ok(Date.now() - started < 15_000, `the child never started its query: ${stderr}`);
        await sleep(50);
      }
      child.kill('SIGKILL');
      const killedAt = Date.now();
      while ((await running()) > 0) {
        assert.ok(Date.now() - killedAt < 10_000, 'the orphaned statement was still running 10 s after its site died');
        await sleep(100);
      }
      // The check runs every second; allow scheduling slack, but far less than the 60 s statement.
      assert.ok(Date.now() - killedAt < 5_000, `stopped ${Date.now() - killedAt} ms after the kill`);
    } finally {
      child.kill('SIGKILL');
      await watcher.end();
    }
  },
);

test(
  'fedomop check reads a PostgreSQL CDM as it reads the same CDM in DuckDB: tables, columns, counts',
  { skip: !POSTGRES_AVAILABLE && 'PostgreSQL is not installed' },
  async () => {
    const fromPg = await runCli(['check', '--db', server.url('cdm'), '--json']);
    const fromDuck = await runCli(['check', '--db', await siteFile(SPEC), '--json']);
    assert.equal(fromPg.code, 0, fromPg.stderr);
    assert.equal(fromDuck.code, 0, fromDuck.stderr);
    const pg = JSON.parse(fromPg.stdout) as { usable: boolean; domains: unknown[]; core: unknown[] };
    const duck = JSON.parse(fromDuck.stdout) as typeof pg;
    assert.equal(pg.usable, true);
    assert.deepEqual(pg.domains, duck.domains);
    assert.deepEqual(pg.core, duck.core);
  },
);
