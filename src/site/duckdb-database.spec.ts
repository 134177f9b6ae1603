import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { FedomopError } from '../errors.js';
import type { CompiledQuery } from '../sql/index.js';
import { DuckDbDatabase } from './duckdb-database.js';

let dir: string;
let db: DuckDbDatabase;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fedomop-duckdb-'));
  const file = path.join(dir, 'site.duckdb');
  const writer = await DuckDBInstance.create(file);
  const conn = await writer.connect();
  await conn.run('CREATE TABLE person AS SELECT i AS person_id, i % 2 AS gender FROM range(1, 11) t(i)');
  conn.closeSync();
  writer.closeSync();
  db = await DuckDbDatabase.open(file, { idleConnections: 2 });
});

after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const countGender = (gender: number): CompiledQuery => ({
  sql: 'SELECT COUNT(*) AS n FROM person WHERE gender = $1',
  parameters: [gender],
  parameterTypes: ['integer'],
});

test('the same SQL text with new values answers for the new values (the prepared statement is rebound)', async () => {
  for (const [gender, n] of [
    [0, 5n],
    [1, 5n],
    [2, 0n],
    [1, 5n],
  ] as const) {
    assert.deepEqual(await db.query(countGender(gender)), [{ n }], `gender ${gender}`);
  }
});

test('concurrent queries each get a connection of their own and their own values', async () => {
  const answers = await Promise.all([0, 1, 2, 0, 1, 2].map((g) => db.query(countGender(g))));
  assert.deepEqual(
    answers.map((rows) => rows[0].n),
    [5n, 5n, 0n, 5n, 5n, 0n],
  );
});

test('an aborted query is cancelled, and the next query on the pool still answers', async () => {
  const abort = new AbortController();
  const slow = db.query(
    {
      sql: 'SELECT COUNT(*) AS n FROM range(100000000000) t(i) WHERE i % 7 = $1',
      parameters: [3],
      parameterTypes: ['bigint'],
    },
    abort.signal,
  );
  setTimeout(() => abort.abort(), 50);
  await assert.rejects(slow, (err: FedomopError) => err.code === 'ERR_QUERY_CANCELLED');
  for (let i = 0; i < 3; i++) assert.deepEqual(await db.query(countGender(1)), [{ n: 5n }]);
});

test('a failing query is ERR_QUERY_FAILED and does not spoil the connection for later ones', async () => {
  await assert.rejects(
    db.query({ sql: 'SELECT no_such_column FROM person', parameters: [], parameterTypes: [] }),
    (err: FedomopError) =>
      err.code === 'ERR_QUERY_FAILED' &&
      !/no_such_column/.test(err.message) &&
      /no_such_column/.test(String((err.cause as Error).message)) &&
      typeof err.details.incident === 'string',
  );
  assert.deepEqual(await db.query(countGender(0)), [{ n: 5n }]);
});

test('many distinct SQL texts evict old statements and still answer correctly', async () => {
  for (let k = 0; k < 80; k++) {
    const rows = await db.query({
      sql: `SELECT COUNT(*) + ${k} AS n FROM person WHERE gender = $1`,
      parameters: [0],
      parameterTypes: ['integer'],
    });
    assert.deepEqual(rows, [{ n: BigInt(5 + k) }]);
  }
  assert.deepEqual(await db.query(countGender(1)), [{ n: 5n }]);
});

test('answers longer than one DuckDB chunk arrive whole, with the same values the reader API gives', async () => {
  const rows = await db.query({
    sql: "SELECT i AS k, i::INTEGER AS small, CAST(i AS VARCHAR) AS label, DATE '2020-01-01' + i::INTEGER AS day FROM range($1) t(i)",
    parameters: [5000],
    parameterTypes: ['bigint'],
  });
  assert.equal(rows.length, 5000);
  assert.deepEqual(rows[0], { k: 0n, small: 0, label: '0', day: new Date(Date.UTC(2020, 0, 1)) });
  assert.deepEqual(rows[4999], { k: 4999n, small: 4999, label: '4999', day: new Date(Date.UTC(2033, 8, 8)) });
});

test('a CDM smaller than one row group runs on one thread unless the operator set threads', async () => {
  const setting = { sql: "SELECT current_setting('threads') AS t", parameters: [], parameterTypes: [] };
  assert.deepEqual(await db.query(setting), [{ t: 1n }]);
  const configured = await DuckDbDatabase.open(path.join(dir, 'site.duckdb'), { threads: 2 });
  try {
    assert.deepEqual(await configured.query(setting), [{ t: 2n }]);
  } finally {
    await configured.close();
  }
});

test('a site reads nothing but its CDM file and cannot change its settings', async () => {
  const plain = (sql: string): CompiledQuery => ({ sql, parameters: [], parameterTypes: [] });
  // The database's own words stay in the site's log; they travel only as the error's cause.
  const because = (re: RegExp) => (err: Error) => re.test(String((err.cause as Error)?.message));
  await assert.rejects(db.query(plain("SELECT * FROM read_csv('/etc/passwd')")), because(/external access|disabled|Permission/i));
  await assert.rejects(
    db.query(plain("ATTACH '/tmp/elsewhere.duckdb' AS other")),
    because(/external access|disabled|Permission|read-only/i),
  );
  await assert.rejects(db.query(plain('SET threads = 2')), because(/lock|configuration/i));
  const [row] = await db.query(plain('SELECT count(*) AS n FROM person'));
  assert.equal(Number(row.n), 10, 'the CDM itself still reads');
});

test('a file renamed over the served one: queries running finish on the old file, the next ones read the new', async () => {
  const file = path.join(dir, 'replaced.duckdb');
  const write = async (target: string, persons: number) => {
    const writer = await DuckDBInstance.create(target);
    const conn = await writer.connect();
    await conn.run(`CREATE TABLE person AS SELECT i AS person_id FROM range(${persons}) t(i)`);
    conn.closeSync();
    writer.closeSync();
  };
  await write(file, 10);
  const served = await DuckDbDatabase.open(file);
  try {
    const count: CompiledQuery = {
      sql: 'SELECT COUNT(*) AS n FROM person, range($1) r(k)',
      parameters: [1],
      parameterTypes: ['bigint'],
    };
    assert.equal(await served.refresh(), false, 'nothing replaced yet');
    // A query long enough to still run while the file is swapped.
    const running = served.query({ ...count, parameters: [20_000_000] });
    await write(`${file}.new`, 3);
    renameSync(`${file}.new`, file);
    assert.equal(await served.refresh(), true);
    assert.equal(served.generation, 2);
    assert.deepEqual(await served.query(count), [{ n: 3n }]);
    assert.deepEqual(await running, [{ n: 200_000_000n }], 'the running query finished on the old file');
    assert.equal(await served.refresh(), false, 'the new file is the served one now');
    assert.deepEqual(await served.query(count), [{ n: 3n }]);
  } finally {
    await served.close();
  }
});
