import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConcurrency, QueryLimiter } from './limiter.js';
import { FedomopError } from '../errors.js';

/** A task that logs its start and finishes when the test says so. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a freed slot goes to the next caller in turn, not to the caller with the longest backlog', async () => {
  const limiter = new QueryLimiter(1, 10);
  const log: string[] = [];
  const a = [1, 2, 3, 4].map((i) => gate(log, `a${i}`));
  const b = gate(log, 'b1');
  const runs = a.map((g) => limiter.run(g.task, 'alice'));
  await tick();
  runs.push(limiter.run(b.task, 'bob'));
  await tick();
  assert.deepEqual(log, ['a1']);
  assert.deepEqual(limiter.stats().waiting, { alice: 3, bob: 1 });
  a[0].finish();
  await tick();
  // alice's three waiting plans were queued before bob's, yet bob is next.
  assert.deepEqual(log, ['a1', 'b1']);
  b.finish();
  await tick();
  assert.deepEqual(log, ['a1', 'b1', 'a2']);
  for (const g of a.slice(1)) {
    g.finish();
    await tick();
  }
  assert.deepEqual(await Promise.all(runs), ['a1', 'a2', 'a3', 'a4', 'b1']);
  assert.deepEqual(limiter.stats(), { running: 0, waiting: {} });
});

test('no more run at once than the limit; a full queue is refused with ERR_RATE_LIMITED', async () => {
  const limiter = new QueryLimiter(2, 1);
  const log: string[] = [];
  const gates = [1, 2, 3].map((i) => gate(log, `q${i}`));
  const runs = gates.map((g) => limiter.run(g.task, null));
  await tick();
  assert.deepEqual(log, ['q1', 'q2']);
  await assert.rejects(
    limiter.run(async () => 'q4', 'someone'),
    (err: unknown) => err instanceof FedomopError && err.code === 'ERR_RATE_LIMITED',
  );
  gates[0].finish();
  await tick();
  assert.deepEqual(log, ['q1', 'q2', 'q3']);
  gates[1].finish();
  gates[2].finish();
  await Promise.all(runs);
  assert.equal(limiter.stats().running, 0);
});

test('a task that fails still frees its slot for the next caller', async () => {
  const limiter = new QueryLimiter(1, 4);
  const first = limiter.run(async () => {
    await tick();
    throw new Error('boom');
  }, 'alice');
  const second = limiter.run(async () => 'ran', 'bob');
  await assert.rejects(first, /boom/);
  assert.equal(await second, 'ran');
});

test('default concurrency: one plan per core, at least 2 and at most 4', () => {
  assert.equal(defaultConcurrency(1), 2);
  assert.equal(defaultConcurrency(2), 2);
  assert.equal(defaultConcurrency(3), 3);
  assert.equal(defaultConcurrency(16), 4);
});
