import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compiledPlan, compiledPlanBytes, compiledPlanCount, compiledWeight } from './compiled-plans.js';
import type { CompiledQuery } from '../sql/index.js';

const sql = (n: number): CompiledQuery => ({ sql: `SELECT $1 + ${n}`, parameters: [n], parameterTypes: ['integer'] });

test('a plan is compiled once per hash and query kind; the entry is frozen', () => {
  let compiles = 0;
  const make = () => (compiles++, sql(1));
  const first = compiledPlan('duckdb:aggregate', 'hash-a', make);
  const again = compiledPlan('duckdb:aggregate', 'hash-a', make);
  assert.equal(compiles, 1);
  assert.equal(again, first);
  assert.deepEqual(first, sql(1));
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.parameters));
  // The same plan's person-level query, or another dialect's, is another entry.
  compiledPlan('duckdb:persons', 'hash-a', make);
  compiledPlan('postgres:aggregate', 'hash-a', make);
  assert.equal(compiles, 3);
});

test('the least recently used plan is dropped beyond the bound', () => {
  let compiles = 0;
  const make = (n: number) => () => (compiles++, sql(n));
  compiledPlan('bound', 'keep', make(0));
  for (let i = 0; i < 300; i++) {
    compiledPlan('bound', `p${i}`, make(i));
    compiledPlan('bound', 'keep', make(0)); // used all along: never the least recent
  }
  assert.ok(compiledPlanCount() <= 256, `${compiledPlanCount()} kept`);
  const before = compiles;
  compiledPlan('bound', 'keep', make(0));
  assert.equal(compiles, before, 'a plan in use stays');
  compiledPlan('bound', 'p0', make(0));
  assert.equal(compiles, before + 1, 'an old one was dropped and is compiled again');
});

test('kept plans are bounded by weight too: large compiled plans push out the least recently used', () => {
  // ~1 MiB of SQL each: 40 of them would be ~80 MiB by count alone.
  const large = (n: number): CompiledQuery => ({
    sql: `SELECT ${n} /* ${'x'.repeat(512 * 1024)} */`,
    parameters: [n],
    parameterTypes: ['integer'],
  });
  for (let i = 0; i < 40; i++) compiledPlan('weight', `large-${i}`, () => large(i));
  assert.ok(compiledPlanBytes() <= 16 * 1024 * 1024, `${compiledPlanBytes()} bytes kept`);
  assert.ok(compiledPlanBytes() >= 8 * 1024 * 1024, 'the bound is used, not emptied');
  let compiles = 0;
  compiledPlan('weight', 'large-39', () => (compiles++, large(39)));
  assert.equal(compiles, 0, 'the newest large plan is kept');
  assert.ok(compiledWeight(large(1)) > 1024 * 1024 && compiledWeight(sql(1)) < 100);
});
