/**
 * Jest helpers for the lab's `{ ok: true, ... } | { ok: false, problems }` results: like node:assert's
 * `assert.ok`, they narrow the result for the lines after them, and a failure shows the problems
 * rather than "expected true".
 */
import { expect } from '@jest/globals';

export function expectOk<T extends { ok: boolean }>(result: T): asserts result is Extract<T, { ok: true }> {
  expect(result.ok ? 'ok' : (result as { problems?: unknown }).problems).toBe('ok');
}

export function expectNotOk<T extends { ok: boolean }>(result: T): asserts result is Extract<T, { ok: false }> {
  expect(result.ok).toBe(false);
}
