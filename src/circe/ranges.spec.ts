import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col } from '../sql/build.js';
import { numericRange } from './ranges.js';

/** The parameter types a range binds, in order. */
function boundTypes(expr: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    if ((n as { kind?: string }).kind === 'param') out.push((n as { type: string }).type);
    for (const v of Object.values(n)) walk(v);
  };
  walk(expr);
  return out;
}

test('a range over a whole-number column binds integers, and doubles once a bound has a fraction (found by the plan fuzzer)', () => {
  const days = col('v.length');
  assert.deepEqual(boundTypes(numericRange(days, { Value: 3, Op: 'gte' }, 'p', 'integer')), ['integer']);
  assert.deepEqual(boundTypes(numericRange(days, { Value: 2.5e-11, Op: 'gte' }, 'p', 'integer')), ['double']);
  assert.deepEqual(boundTypes(numericRange(days, { Value: 1, Extent: 2.5, Op: 'bt' }, 'p', 'integer')), ['double', 'double']);
  assert.deepEqual(boundTypes(numericRange(days, { Value: 1.5, Op: 'lt' }, 'p')), ['double']);
});
