import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepFreeze, Recent } from './recent.js';

test('Recent keeps the most recently used entries: a use protects an entry, the least recently used goes first', () => {
  const r = new Recent<number>(2);
  r.set('a', 1);
  r.set('b', 2);
  assert.equal(r.get('a'), 1); // a is now the most recently used
  r.set('c', 3); // drops b
  assert.equal(r.get('b'), undefined);
  assert.equal(r.get('a'), 1);
  assert.equal(r.get('c'), 3);
  assert.equal(r.size, 2);
  assert.equal(r.set('a', 9), 9, 'set returns the value, and a key set again is replaced, not added');
  assert.equal(r.size, 2);
});

test('deepFreeze freezes nested objects and arrays', () => {
  const v = deepFreeze({ a: [{ b: 1 }], c: { d: 'x' } });
  assert.ok(Object.isFrozen(v) && Object.isFrozen(v.a) && Object.isFrozen(v.a[0]) && Object.isFrozen(v.c));
});

test('Recent with a byte bound drops the least recently used until the weights fit, keeping the newest', () => {
  const r = new Recent<string>(10, 100);
  r.set('a', 'A', 40);
  r.set('b', 'B', 40);
  assert.equal(r.get('a'), 'A'); // b is now the least recently used
  r.set('c', 'C', 40); // 120 > 100: b goes
  assert.equal(r.get('b'), undefined);
  assert.deepEqual([r.size, r.bytes], [2, 80]);
  r.set('a', 'A2', 10); // replaced: its old weight is taken off
  assert.deepEqual([r.size, r.bytes], [2, 50]);
  r.set('big', 'X', 500); // over the bound alone: kept (it was just asked for), everything else goes
  assert.deepEqual([r.size, r.bytes, r.get('big')], [1, 500, 'X']);
});
