/**
 * Analysis variables on a real PostgreSQL: the same synthetic site as a DuckDB file and loaded
 * into PostgreSQL (Debian's server, started here); the compiled variables, in each dialect, must
 * give every person the same values in both databases.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { POSTGRES_AVAILABLE, copyDuckDbToPostgres, startPostgres, type PgServer } from '../harness/postgres.js';
import { compileVariables, completeCasesQuery, variableValuesQuery } from '../../src/analysis/variables/index.js';
import { COHORT, VARIABLES } from '../../src/analysis/variables/fixtures.spec-util.js';
import { compile, duckdbDialect, postgresDialect } from '../../src/sql/index.js';

const SPEC = THREE_SITES[2];
let server: PgServer | undefined;
let file: string;

before(async () => {
  file = await siteFile(SPEC);
  if (!POSTGRES_AVAILABLE) return;
  server = startPostgres(55000 + (process.pid % 1000));
  await copyDuckDbToPostgres(file, server, 'cdm');
});

after(() => server?.stop());

type Row = Record<string, unknown>;
// Both drivers' types to plain JSON values: BIGINT/bigint strings and BigInts to numbers.
const normal = (r: Row): Row =>
  Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || (k === 'person_id' && typeof v === 'string') ? Number(v) : v]),
  );

test(
  'every variable of every person is the same in PostgreSQL and DuckDB',
  { skip: !POSTGRES_AVAILABLE && 'PostgreSQL not installed' },
  async () => {
    const compiled = compileVariables(COHORT, VARIABLES);
    const duck = await (await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' })).connect();
    const client = new pg.Client({ connectionString: server!.url('cdm') });
    await client.connect();
    try {
      for (const query of [variableValuesQuery(compiled), completeCasesQuery(compiled)]) {
        const d = compile(query, duckdbDialect);
        const p = compile(query, postgresDialect);
        const duckRows = (await duck.runAndReadAll(d.sql, d.parameters as never)).getRowObjectsJS().map(normal);
        const pgRows = (await client.query(p.sql, p.parameters)).rows.map(normal);
        assert.ok(duckRows.length > 0);
        assert.equal(pgRows.length, duckRows.length);
        pgRows.forEach((row, i) => {
          for (const [key, value] of Object.entries(duckRows[i])) {
            const other = row[key];
            if (value === null || other === null) {
              assert.equal(other, value, `${key} row ${i}`);
            } else if (typeof value === 'number' && !Number.isInteger(value)) {
              assert.ok(Math.abs(Number(other) - value) <= 1e-12 * Math.abs(value), `${key} row ${i}: ${other} vs ${value}`);
            } else if (value instanceof Date || other instanceof Date) {
              assert.equal(
                new Date(other as string).toISOString().slice(0, 10),
                new Date(value as string).toISOString().slice(0, 10),
              );
            } else assert.equal(Number.isNaN(Number(value)) ? other : Number(other), value, `${key} row ${i}`);
          }
        });
        console.log(`# ${duckRows.length} rows agree`);
      }
    } finally {
      duck.closeSync();
      await client.end();
    }
  },
);
