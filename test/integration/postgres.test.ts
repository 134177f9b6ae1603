/**
 * The PostgreSQL dialect for real: the same synthetic site loaded into a real PostgreSQL server
 * (Debian's, started by the test) and kept as a DuckDB file, each served by `fedomop site`, one hub in
 * front. Every plan must release exactly the same rows from both databases.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { plainRows, runThroughHub } from '../harness/hub-api.js';
import { POSTGRES_AVAILABLE, copyDuckDbToPostgres, startPostgres, type PgServer } from '../harness/postgres.js';
import { PostgresDatabase } from '../../src/site/postgres-database.js';

const SPEC = THREE_SITES[2];
let server: PgServer;
const services: Service[] = [];
let hub: Service;

before(async () => {
  if (!POSTGRES_AVAILABLE) return;
  const file = await siteFile(SPEC);
  server = startPostgres(54000 + (process.pid % 1000));
  await copyDuckDbToPostgres(file, server, 'cdm');
  services.push(await startService(['site', '--db', file, '--id', 'duck', '--port', '0', '--dev-insecure']));
  services.push(await startService(['site', '--db', server.url('cdm'), '--id', 'pg', '--port', '0', '--dev-insecure']));
  hub = await startService([
    'hub',
    '--port',
    '0',
    '--dev-insecure',
    '--site',
    `duck=${services[0].url}`,
    '--site',
    `pg=${services[1].url}`,
  ]);
});

after(async () => {
  await hub?.stop();
  await Promise.all(services.map((s) => s.stop()));
  server?.stop();
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
      await assert.rejects(
        db.query({ sql: 'CREATE TABLE fedomop_should_not_exist (a integer)', parameters: [], parameterTypes: [] }),
        (err: Error) => /read-only transaction/.test(err.message),
      );
      await assert.rejects(db.query({ sql: 'DELETE FROM person', parameters: [], parameterTypes: [] }), (err: Error) =>
        /read-only transaction/.test(err.message),
      );
      const [still] = await db.query({ sql: 'SELECT count(*) AS n FROM person', parameters: [], parameterTypes: [] });
      assert.equal(Number(still.n), Number(row.n));
    } finally {
      await db.close();
    }
  },
);
