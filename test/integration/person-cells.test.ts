/**
 * The person-level queries that perturbing sites run (src/analysis/person-cells.ts) give, once
 * aggregated in the site process, exactly the cells of the aggregate queries the exact profile runs:
 * persons and events per cell, for count, crosstab and attrition, on a real synthetic DuckDB site.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { aggregatePersonRows, personCellQuery } from '../../src/analysis/person-cells.js';
import { RecordKeys } from '../../src/disclosure/record-keys.js';
import { DuckDbDatabase } from '../../src/site/duckdb-database.js';
import { compile, duckdbDialect } from '../../src/sql/index.js';
import { duckdbParameterTypes } from '../../src/node/duckdb-parameter-types.js';
import type { Plan } from '../../src/plan/types.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { RULES_EXAMPLE, closeTruth, cohort, plan, truth } from '../harness/attacks.js';

after(closeTruth);

const PLANS: Array<[string, Plan]> = [
  ['count', plan(cohort('breast'), { kind: 'count' })],
  ['crosstab 3-D', plan(cohort('lung'), { kind: 'crosstab', by: ['gender', 'age_group', 'index_year'] })],
  [
    'crosstab of all events',
    plan(
      {
        ...cohort('prostate'),
        PrimaryCriteria: {
          CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
          ObservationWindow: { PriorDays: 0, PostDays: 0 },
          PrimaryCriteriaLimit: { Type: 'All' },
        },
        QualifiedLimit: { Type: 'All' },
        ExpressionLimit: { Type: 'All' },
      } as Plan['cohort'],
      { kind: 'crosstab', by: ['index_year'] },
    ),
  ],
  ['attrition with rules', plan(RULES_EXAMPLE.cohort, { kind: 'attrition' })],
  ['attrition without rules', plan(cohort('lung'), { kind: 'attrition' })],
];

test('person-level cells aggregate to the aggregate query’s cells', async () => {
  const file = await siteFile(THREE_SITES[1]);
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(5));
  try {
    for (const [name, p] of PLANS) {
      const c = compile(personCellQuery(p), duckdbDialect);
      const prepared = await conn.prepare(c.sql);
      prepared.bind(c.parameters as never, duckdbParameterTypes(c.parameterTypes));
      const rows = (await prepared.runAndReadAll()).getRowObjects() as Array<Record<string, unknown>>;
      const cells = aggregatePersonRows(p, rows, keys, 5);
      const expected = await truth(file, p);
      const dims = p.analysis.kind === 'crosstab' ? p.analysis.by : p.analysis.kind === 'attrition' ? ['rule_index'] : [];
      const got = cells.map((cell) => ({
        ...Object.fromEntries(dims.map((d) => [d, cell.dims[d as keyof typeof cell.dims]])),
        persons: cell.acc.persons,
        events: cell.acc.events,
      }));
      const want = expected.map((r) => ({
        ...Object.fromEntries(dims.map((d) => [d, r[d]])),
        persons: r.persons,
        events: r.events,
      }));
      assert.deepEqual(got, want, name);
      assert.ok(
        want.some((w) => (w.persons as number) > 0),
        `${name} has persons`,
      );
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});

test('the site reads person-level results column by column: same cells, keys and signatures as row by row', async () => {
  const file = await siteFile(THREE_SITES[1]);
  const db = await DuckDbDatabase.open(file);
  const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(5));
  try {
    for (const [name, p] of PLANS) {
      const c = compile(personCellQuery(p), duckdbDialect);
      const fingerprint = (cells: ReturnType<typeof aggregatePersonRows>) =>
        cells.map(({ dims, acc }) => ({
          dims,
          persons: acc.persons,
          events: acc.events,
          pk: acc.personKey,
          ek: acc.eventKey,
          sig: [...acc.signature],
        }));
      const byRows = fingerprint(aggregatePersonRows(p, await db.query(c), keys, 5));
      const byColumns = fingerprint(aggregatePersonRows(p, await db.queryColumns(c), keys, 5));
      assert.deepEqual(byColumns, byRows, name);
      assert.ok(byRows.length > 0, `${name} has cells`);
    }
  } finally {
    await db.close();
  }
});
