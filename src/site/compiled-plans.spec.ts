import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compiledPlan, compiledPlanCount } from './compiled-plans.js';
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
