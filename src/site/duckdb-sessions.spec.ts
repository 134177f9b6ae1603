/**
 * Which connection a query gets (src/site/duckdb-sessions.ts): the one keeping its plan, so that a
 * connection closed after an interrupt (the hub stopping a flood's call) takes only that query's plans
 * with it. Real DuckDB, in memory.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CompiledQuery } from '../sql/index.js';
import { planKey } from './duckdb-planned.js';
import { DuckDbSessions, type DuckDbSession } from './duckdb-sessions.js';

let instance: DuckDBInstance;

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
});

after(() => instance.closeSync());

const query = (sql: string, value: number): CompiledQuery =>
  Object.freeze<CompiledQuery>({ sql, parameters: [value], parameterTypes: ['integer'] });
const COUNT = query('SELECT COUNT(*) FROM range(100) t(i) WHERE i < $1', 10);
const CROSSTAB = query('SELECT i % 3 AS g, COUNT(*) FROM range(100) t(i) WHERE i > $1 GROUP BY 1', 5);
const want = (q: CompiledQuery) => ({ sql: q.sql, key: planKey(q) });

/** Runs `q` on `s` with its plan kept, as a query asked again is (duckdb-database.ts). */
async function keepPlanned(s: DuckDbSession, q: CompiledQuery): Promise<void> {
  await (await s.planned.statement(planKey(q)!, q)).run();
}

test('a query gets the idle connection that keeps its plan, not the most recently used one', async () => {
  const sessions = new DuckDbSessions(instance, 4);
  const a = await sessions.acquire(want(COUNT));
  const b = await sessions.acquire(want(CROSSTAB));
  assert.notEqual(a, b);
  await keepPlanned(a, COUNT);
  await keepPlanned(b, CROSSTAB);
  sessions.release(a, true);
  sessions.release(b, true); // b is now the most recently used
  const again = await sessions.acquire(want(COUNT));
  assert.equal(again, a, "the count's plan is on a");
  sessions.release(again, true);
  // A query whose SQL is prepared somewhere (not yet planned) goes there.
  const c = await sessions.acquire(want(COUNT));
  await c.prepared(query('SELECT $1::INTEGER + 1', 1).sql);
  sessions.release(c, true);
  sessions.release(await sessions.acquire(want(CROSSTAB)), true); // b the most recently used again
  assert.equal(await sessions.acquire(want(query('SELECT $1::INTEGER + 1', 2))), a);
  sessions.close();
});

test('control: without a query to place, the most recently used connection is handed out (the rule before)', async () => {
  const sessions = new DuckDbSessions(instance, 4);
  const a = await sessions.acquire();
  const b = await sessions.acquire();
  await keepPlanned(a, COUNT);
  sessions.release(a, true);
  sessions.release(b, true);
  assert.equal(await sessions.acquire(), b, 'b was used last, although the count is planned on a');
  sessions.close();
});

test("a query no connection knows opens a new one while fewer than maxIdle are open, so it does not take another query's", async () => {
  const sessions = new DuckDbSessions(instance, 2);
  const a = await sessions.acquire(want(COUNT));
  await keepPlanned(a, COUNT);
  sessions.release(a, true);
  // The flood's crosstab, never asked: a connection of its own. Were it given a, an interrupt of the
  // crosstab would close a, and the count would be planned afresh next time.
  const b = await sessions.acquire(want(CROSSTAB));
  assert.notEqual(b, a);
  sessions.release(b, false); // interrupted: closed
  const again = await sessions.acquire(want(COUNT));
  assert.equal(again, a, "the count's connection survived the crosstab's interrupt");
  assert.ok(again.planned.has(planKey(COUNT)!));
  sessions.release(again, true);
  // With maxIdle connections open, an unknown query takes the least recently used idle one.
  const c = await sessions.acquire(want(CROSSTAB));
  sessions.release(c, true);
  const other = query('SELECT $1::INTEGER * 2', 3);
  assert.equal(await sessions.acquire(want(other)), a, 'a (used before c) is the least recently used');
  sessions.close();
});
