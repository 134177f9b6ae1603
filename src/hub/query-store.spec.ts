import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { Query } from './query.js';
import { QueryStore } from './query-store.js';

const query = (id: string) => new Query(id, 'hash', { kind: 'count' }, ['north']);
const finish = (q: Query) => {
  q.startSite('north');
  q.settleSite('north', { rows: [], provenance: {} });
  assert.equal(q.state, 'done');
};
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof FedomopError);
    return err.code;
  }
  return 'no error';
};

test('at the limit, the query that finished first makes room; running ones are kept', () => {
  const store = new QueryStore(3, 60_000);
  const [a, b, c] = [query('a'), query('b'), query('c')];
  for (const q of [a, b, c]) store.add(q);
  finish(c);
  finish(a);
  store.add(query('d'));
  assert.equal(
    codeOf(() => store.get('c')),
    'ERR_NOT_FOUND',
    'c finished first, so it goes first',
  );
  assert.equal(store.get('a'), a);
  assert.equal(store.get('b'), b, 'b is running and must survive');
  store.add(query('e'));
  assert.equal(
    codeOf(() => store.get('a')),
    'ERR_NOT_FOUND',
  );
  assert.equal(store.size, 3);
});

test('when every held query is running, a new one is refused with ERR_RATE_LIMITED', () => {
  const store = new QueryStore(2, 60_000);
  store.add(query('a'));
  store.add(query('b'));
  assert.equal(
    codeOf(() => store.add(query('c'))),
    'ERR_RATE_LIMITED',
  );
  assert.equal(
    codeOf(() => store.get('c')),
    'ERR_NOT_FOUND',
  );
});

test('finished queries expire after the TTL; running ones never do', () => {
  let now = 1_000_000;
  const store = new QueryStore(100, 5_000, () => now);
  const [a, b] = [query('a'), query('b')];
  store.add(a);
  store.add(b);
  a.cancel();
  a.finishedAtMs = now; // the store's clock, not the wall clock
  now += 5_000;
  assert.equal(store.get('a'), a, 'still within the TTL');
  now += 1;
  assert.equal(
    codeOf(() => store.get('a')),
    'ERR_NOT_FOUND',
  );
  now += 10_000_000;
  assert.equal(store.get('b'), b);
});

test('cancelAll cancels running queries and leaves finished ones alone', () => {
  const store = new QueryStore(10, 60_000);
  const [a, b] = [query('a'), query('b')];
  store.add(a);
  store.add(b);
  finish(a);
  store.cancelAll('the hub is shutting down');
  assert.equal(a.state, 'done');
  assert.equal(b.state, 'cancelled');
  assert.equal(b.status().sites.north.error?.message, 'the hub is shutting down');
});

test('finished queries are dropped, oldest first, when they hold more bytes than the bound; running ones never', () => {
  // Ids of one length, so every query weighs about the same (elapsed times vary by a digit or two).
  const probe = query('p');
  finish(probe);
  const each = probe.bytes;
  assert.ok(each > 0, 'a finished query weighs its results and events');
  const bound = Math.floor(each * 2.5);
  const store = new QueryStore(100, 60_000, Date.now, bound);
  const [a, b, c, running] = [query('a'), query('b'), query('c'), query('r')];
  for (const q of [a, b, c, running]) store.add(q);
  finish(a);
  finish(b);
  assert.equal(store.bytes, a.bytes + b.bytes);
  finish(c);
  assert.equal(
    codeOf(() => store.get('a')),
    'ERR_NOT_FOUND',
    'the first finished made room',
  );
  assert.equal(store.get('b'), b);
  assert.equal(store.get('c'), c);
  assert.equal(store.get('r'), running);
  assert.equal(store.bytes, b.bytes + c.bytes);
  assert.ok(store.bytes <= bound);
});
