import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FairWork } from './fair-work.js';

const drained = (w: FairWork) =>
  new Promise<void>((resolve) => {
    const check = () => (w.stats().waiting === 0 ? resolve() : setImmediate(check));
    check();
  });

test("tasks run round-robin across callers: a second caller's task does not wait for a flood's backlog", async () => {
  const w = new FairWork(1000);
  const log: string[] = [];
  for (let i = 0; i < 5; i++) w.run('flood', () => log.push(`f${i}`));
  w.run('bob', () => log.push('b0'));
  w.run('bob', () => log.push('b1'));
  assert.deepEqual(log, [], 'nothing runs in the caller of run()');
  assert.deepEqual(w.stats(), { waiting: 7, callers: 2 });
  await drained(w);
  assert.deepEqual(log, ['f0', 'b0', 'f1', 'b1', 'f2', 'f3', 'f4']);
});

test('the event loop is given back between slices, and a task that throws stops no other', async (t) => {
  const w = new FairWork(0);
  const log: string[] = [];
  const stderr = t.mock.method(process.stderr, 'write', () => true);
  w.run('a', () => log.push('t0'));
  w.run('a', () => {
    throw new Error('broken task');
  });
  w.run('a', () => log.push('t2'));
  setImmediate(() => log.push('io'));
  await drained(w);
  assert.deepEqual(log, ['t0', 'io', 't2'], 'other work ran between slices');
  assert.match(String(stderr.mock.calls[0].arguments[0]), /broken task/);
});
