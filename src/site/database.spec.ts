import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryError, toNumber } from './database.js';

test('a database failure is ERR_QUERY_FAILED with an incident id, never the database text, unless the query was aborted', () => {
  const failed = queryError(new Error('Binder Error: column x not found'));
  assert.equal(failed.code, 'ERR_QUERY_FAILED');
  assert.doesNotMatch(failed.message, /column x/);
  assert.match(String(failed.details.incident), /^[0-9a-f]{12}$/);
  assert.match(failed.message, new RegExp(`incident ${failed.details.incident}`));
  const abort = new AbortController();
  abort.abort();
  assert.equal(queryError(new Error('INTERRUPT'), abort.signal).code, 'ERR_QUERY_CANCELLED');
});

test('counts from either driver become numbers', () => {
  assert.equal(toNumber(12n), 12);
  assert.equal(toNumber('40'), 40);
  assert.equal(toNumber(null), 0);
  assert.throws(() => toNumber({}));
});
