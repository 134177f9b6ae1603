/**
 * Kept plans (duckdb-planned.ts) answer exactly what the ordinary bound statement answers, for real
 * compiled plans whose SQL is the same text with different values (the case a plan kept by SQL
 * alone would get wrong), asked again and again in turns on the same connection.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { analysisQuery } from '../analysis/index.js';
import { personCellQuery } from '../analysis/person-cells.js';
import type { CirceExpression } from '../circe/types.js';
import { duckdbParameterTypes } from '../node/duckdb-parameter-types.js';
import type { Analysis, Plan } from '../plan/types.js';
import { compile, duckdbDialect, type CompiledQuery } from '../sql/index.js';
import { generateSite } from '../synth/index.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { PlannedStatements, planKey, variableForm } from './duckdb-planned.js';

let dir: string;
let db: DuckDbDatabase;
let reference: DuckDBConnection;
let referenceDb: DuckDBInstance;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fedomop-planned-'));
  const file = path.join(dir, 'site.duckdb');
  await generateSite({ out: file, seed: 11, persons: 1500, profile: 'regional' });
  // One idle connection: every query below goes through the same connection and its kept plans.
  db = await DuckDbDatabase.open(file, { idleConnections: 1 });
  referenceDb = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  reference = await referenceDb.connect();
});

after(async () => {
  reference.closeSync();
  referenceDb.closeSync();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A cohort whose SQL has integer, date and (through the age range) more integer parameters. */
function cohort(concept: number, minAge: number, from: string): CirceExpression {
  return {
    ConceptSets: [{ id: 0, name: 'c', expression: { items: [{ concept: { CONCEPT_ID: concept }, includeDescendants: true }] } }],
    PrimaryCriteria: {
      CriteriaList: [
        {
          ConditionOccurrence: {
            CodesetId: 0,
            Age: { Value: minAge, Op: 'gte' },
            OccurrenceStartDate: { Value: from, Op: 'gt' },
          },
        },
      ],
      ObservationWindow: { PriorDays: 0, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'First' },
    },
  } as CirceExpression;
}

const plan = (c: CirceExpression, analysis: Analysis): Plan => ({ version: 1, cohort: c, analysis });

// Frozen, as the site's compiled-plans cache hands them out.
const frozen = (q: CompiledQuery): CompiledQuery =>
  Object.freeze({
    ...q,
    parameters: Object.freeze([...q.parameters]),
    parameterTypes: Object.freeze([...q.parameterTypes]),
  }) as CompiledQuery;

const QUERIES: Array<[string, CompiledQuery]> = [];
for (const [concept, minAge, from] of [
  [443392, 40, '2005-01-01'],
  [443392, 60, '2005-01-01'],
  [443392, 40, '2015-06-30'],
  [4112853, 40, '2005-01-01'],
  [4163261, 0, '1990-01-01'],
] as const) {
  const c = cohort(concept, minAge, from);
  const name = `${concept} age≥${minAge} after ${from}`;
  QUERIES.push([`count ${name}`, frozen(compile(analysisQuery(plan(c, { kind: 'count' })), duckdbDialect))]);
  QUERIES.push([
    `crosstab ${name}`,
    frozen(compile(analysisQuery(plan(c, { kind: 'crosstab', by: ['gender', 'age_group'] })), duckdbDialect)),
  ]);
  QUERIES.push([`person cells ${name}`, frozen(compile(personCellQuery(plan(c, { kind: 'count' })), duckdbDialect))]);
}

const plain = (rows: Array<Record<string, unknown>>) =>
  JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Date ? v.toISOString() : v));

async function expected(q: CompiledQuery): Promise<string> {
  const r = await reference.runAndReadAll(q.sql, q.parameters as never, duckdbParameterTypes(q.parameterTypes));
  return plain(r.getRowObjectsJS());
}

test('the plans differ only in values: same SQL text, different answers', async () => {
  const counts = QUERIES.filter(([n]) => n.startsWith('count '));
  const texts = new Map<string, number>();
  for (const [, q] of counts) texts.set(q.sql, (texts.get(q.sql) ?? 0) + 1);
  assert.ok(Math.max(...texts.values()) >= 4, 'at least four counts share one SQL text');
  const answers = new Set(await Promise.all(counts.map(([, q]) => expected(q))));
  assert.ok(answers.size >= 4, `the values change the answer (${answers.size} distinct answers)`);
  assert.ok(
    QUERIES.some(([, q]) => q.parameterTypes.includes('date')),
    'a date parameter is among them',
  );
});

test('queries asked again in turns on one connection answer as the bound statement does', async () => {
  const truth = new Map<string, string>();
  for (const [name, q] of QUERIES) truth.set(name, await expected(q));
  // Three rounds in a shifting order: the first asks each query once (ordinary path), later ones run
  // the kept plans, with other values' plans kept beside them.
  for (let round = 0; round < 3; round++) {
    const order = QUERIES.map((_, i) => QUERIES[(i * 7 + round) % QUERIES.length]);
    for (const [name, q] of order) {
      const rows = name.startsWith('person cells') ? await db.queryColumns(q) : await db.query(q);
      const got = 'columns' in rows ? columnsToRows(rows) : plain(rows);
      assert.equal(got, truth.get(name), `${name}, round ${round + 1}`);
    }
  }
});

function columnsToRows(c: { length: number; columns: Record<string, ArrayLike<unknown>> }): string {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < c.length; i++) out.push(Object.fromEntries(Object.entries(c.columns).map(([k, v]) => [k, v[i]])));
  return plain(out);
}

test('a kept plan is used: the second asking runs without re-planning (no parameters left to bind)', async () => {
  const conn = await referenceDb.connect();
  const planned = new PlannedStatements(conn, 2);
  try {
    const [, q] = QUERIES[0];
    const statement = await planned.statement(planKey(q)!, q);
    assert.equal(statement.parameterCount, 0);
    assert.equal(plain((await statement.runAndReadAll()).getRowObjectsJS()), await expected(q));
    // Evicting (capacity 2) resets the evicted plan's variables and leaves the others answering.
    for (const [, other] of QUERIES.slice(1, 4)) await planned.statement(planKey(other)!, other);
    assert.equal(planned.size, 2);
    const vars = await conn.runAndReadAll("SELECT count(*) AS n FROM duckdb_variables() WHERE name LIKE 'fedomop_plan%'");
    assert.equal(Number(vars.getRowObjectsJS()[0].n), 2 * QUERIES[0][1].parameters.length, 'only the kept plans’ variables');
    const [, last] = QUERIES[3];
    assert.equal(
      plain((await (await planned.statement(planKey(last)!, last)).runAndReadAll()).getRowObjectsJS()),
      await expected(last),
    );
  } finally {
    planned.close();
    conn.closeSync();
  }
});

test('planKey tells values and types apart and leaves out what it cannot keep', () => {
  const q = (parameters: CompiledQuery['parameters'], types: CompiledQuery['parameterTypes']): CompiledQuery => ({
    sql: 'SELECT $1',
    parameters,
    parameterTypes: types,
  });
  assert.notEqual(planKey(q([1], ['integer'])), planKey(q(['1'], ['text'])));
  assert.notEqual(planKey(q([1], ['integer'])), planKey(q([1], ['bigint'])));
  assert.notEqual(planKey(q([1], ['integer'])), planKey(q([2], ['integer'])));
  assert.equal(planKey(q([null], ['integer'])), null, 'a NULL value takes the ordinary path');
  assert.equal(planKey(q([], [])), null, 'nothing to fold: DuckDB keeps such plans itself');
});

test('variableForm replaces placeholders, never text inside quotes', () => {
  const { sql, indexes } = variableForm(
    `SELECT $1, '$2 isn''t $3', "col$4""$5", CAST($12 AS DATE) FROM t WHERE a = $2`,
    (n) => `v${n}`,
  );
  assert.equal(
    sql,
    `SELECT getvariable('v1'), '$2 isn''t $3', "col$4""$5", CAST(getvariable('v12') AS DATE) FROM t WHERE a = getvariable('v2')`,
  );
  assert.deepEqual(
    [...indexes].sort((a, b) => a - b),
    [1, 2, 12],
  );
  assert.throws(() => variableForm(`SELECT 'open`, String), /unterminated/);
});
