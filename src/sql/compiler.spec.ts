import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { and, asc, between, bin, col, countStar, dateAdd, eq, inList, int, param, sel, select, table, yearOf } from './build.js';
import { compile } from './compiler.js';
import { duckdbDialect, postgresDialect } from './dialect.js';

const query = select({
  select: [sel(col('p.gender_concept_id'), 'g'), sel(countStar(), 'n')],
  from: table('person', 'p'),
  where: and(
    inList(col('p.gender_concept_id'), [int(8507), int(8532)]),
    between(yearOf(dateAdd(param('2020-01-31', 'date'), int(1))), int(2000), int(2030)),
    bin('like', col('p.note'), param("50%_o'k", 'text')),
  ),
  groupBy: [col('p.gender_concept_id')],
  orderBy: [asc(col('p.gender_concept_id'))],
  limit: 10,
});

test('DuckDB SQL is pinned exactly, values only as parameters', () => {
  const c = compile(query, duckdbDialect);
  assert.equal(
    c.sql,
    [
      'SELECT "p"."gender_concept_id" AS "g", COUNT(*) AS "n"',
      'FROM "person" "p"',
      `WHERE ((("p"."gender_concept_id" IN ($1, $2)) AND (CAST(EXTRACT(YEAR FROM ((CAST($3 AS DATE)) + CAST($4 AS INTEGER))) AS INTEGER) BETWEEN $5 AND $6)) AND ("p"."note" LIKE $7 ESCAPE '\\'))`,
      'GROUP BY "p"."gender_concept_id"',
      'ORDER BY "p"."gender_concept_id" ASC',
      'LIMIT 10',
    ].join('\n'),
  );
  assert.deepEqual(c.parameters, [8507, 8532, '2020-01-31', 1, 2000, 2030, "50%_o'k"]);
  assert.deepEqual(c.parameterTypes, ['integer', 'integer', 'date', 'integer', 'integer', 'integer', 'text']);
});

test('PostgreSQL SQL is pinned exactly, with typed placeholders', () => {
  const c = compile(query, postgresDialect);
  assert.equal(
    c.sql.split('\n')[2],
    `WHERE ((("p"."gender_concept_id" IN ($1::integer, $2::integer)) AND (CAST(EXTRACT(YEAR FROM (($3::date) + CAST($4::integer AS INTEGER))) AS INTEGER) BETWEEN $5::integer AND $6::integer)) AND ("p"."note" LIKE $7::text ESCAPE '\\'))`,
  );
});

test('identifiers are quoted even if a caller slips a quote into one', () => {
  const c = compile(select({ select: [col('x"; DROP TABLE person; --')], from: table('t') }), duckdbDialect);
  assert.equal(c.sql, 'SELECT "x""; DROP TABLE person; --"\nFROM "t"');
});

test('the pinned DuckDB query runs and binds its parameters', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE person (gender_concept_id INTEGER, note VARCHAR)`);
  await conn.run(
    `INSERT INTO person VALUES (8507, '50%_o''k'), (8507, '50abc_o''k'), (8507, 'x50_o''k'), (8532, '50x_o''k'), (0, '50%_o''k')`,
  );
  const c = compile(query, duckdbDialect);
  const rows = (await conn.runAndReadAll(c.sql, c.parameters as never)).getRowObjectsJS();
  // the LIKE pattern's % and _ are wildcards here (the caller did not escape them): 8532's '50x_o'k' matches too
  assert.deepEqual(
    rows.map((r) => [Number(r.g), Number(r.n)]),
    [
      [8507, 2],
      [8532, 1],
    ],
  );
  conn.closeSync();
});

test('eq builds a binary node and never evaluates', () => {
  const e = eq(col('a'), int(1));
  assert.equal(e.kind, 'binary');
  assert.ok(Object.isFrozen(e));
});
