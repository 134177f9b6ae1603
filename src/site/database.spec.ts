import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryError, toNumber } from './database.js';

test('a database failure is ERR_QUERY_FAILED naming the cause, unless the query was aborted', () => {
  const failed = queryError(new Error('Binder Error: column x not found'));
  assert.equal(failed.code, 'ERR_QUERY_FAILED');
  assert.match(failed.message, /column x not found/);
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
