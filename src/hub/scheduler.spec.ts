import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SiteScheduler } from './scheduler.js';
import { CallerQuota } from './caller.js';
import { FedomopError } from '../errors.js';
import { stoppableJobs } from './scheduler.spec-util.js';

/** Submits a job that records its start and keeps its release for the test to call. */
function job(
  s: SiteScheduler,
  site: string,
  caller: string,
  log: string[],
  releases: Map<string, () => void>,
  name: string,
  signal = new AbortController().signal,
) {
  return s.submit(site, caller, signal, (release) => {
    log.push(name);
    releases.set(name, release);
  });
}

test('no more calls open to a site than its capacity; the rest start as slots free', () => {
  const s = new SiteScheduler(2);
  const log: string[] = [];
  const rel = new Map<string, () => void>();
  assert.equal(job(s, 'north', 'a', log, rel, 'a1'), true);
  assert.equal(job(s, 'north', 'a', log, rel, 'a2'), true);
  assert.equal(job(s, 'north', 'a', log, rel, 'a3'), false, 'queued');
  assert.deepEqual(log, ['a1', 'a2']);
  assert.deepEqual(s.stats('north'), { running: 2, waiting: 1, capacity: 2, callers: { a: 1 } });
  rel.get('a1')!();
  rel.get('a1')!(); // a second release changes nothing
  assert.deepEqual(log, ['a1', 'a2', 'a3']);
  assert.equal(s.stats('north').running, 2);
  assert.equal(job(s, 'south', 'a', log, rel, 's1'), true, 'sites are independent');
});

test('waiting calls are served round-robin across callers: a burst does not starve a second caller', () => {
  const s = new SiteScheduler(1);
  const log: string[] = [];
  const rel = new Map<string, () => void>();
  job(s, 'north', 'flood', log, rel, 'f0');
  for (let i = 1; i <= 5; i++) job(s, 'north', 'flood', log, rel, `f${i}`);
  job(s, 'north', 'bob', log, rel, 'b1');
  job(s, 'north', 'carol', log, rel, 'c1');
  for (let i = 0; i < 7; i++) rel.get(log[log.length - 1])!();
  assert.deepEqual(log, ['f0', 'f1', 'b1', 'c1', 'f2', 'f3', 'f4', 'f5']);
});

test('an aborted waiting call leaves the queue and never starts; a larger capacity starts waiting calls at once', () => {
  const s = new SiteScheduler(1);
  const log: string[] = [];
  const rel = new Map<string, () => void>();
  job(s, 'north', 'a', log, rel, 'a1');
  const cancel = new AbortController();
  job(s, 'north', 'a', log, rel, 'a2', cancel.signal);
  job(s, 'north', 'b', log, rel, 'b1');
  job(s, 'north', 'b', log, rel, 'b2');
  cancel.abort();
  assert.equal(s.stats('north').waiting, 2);
  assert.equal(s.knowsCapacity('north'), false);
  s.setCapacity('north', 3);
  assert.equal(s.knowsCapacity('north'), true);
  assert.deepEqual(log, ['a1', 'b1', 'b2']);
});

test('the per-caller quota refuses one beyond the limit with ERR_RATE_LIMITED and gives slots back once', () => {
  const q = new CallerQuota(2);
  const r1 = q.acquire('a');
  q.acquire('a');
  assert.throws(
    () => q.acquire('a'),
    (err: unknown) => err instanceof FedomopError && err.code === 'ERR_RATE_LIMITED' && err.status === 429,
  );
  q.acquire('b');
  r1();
  r1();
  assert.equal(q.count('a'), 1);
  q.acquire('a');
  assert.equal(q.count('a'), 2);
});

test('with a reserve, one caller never takes a site whole: a second caller starts at once, without waiting for a slot', () => {
  const s = new SiteScheduler(4, { reserve: 1 });
  const log: string[] = [];
  const rel = new Map<string, () => void>();
  for (let i = 1; i <= 6; i++) job(s, 'north', 'flood', log, rel, `f${i}`);
  assert.deepEqual(log, ['f1', 'f2', 'f3'], 'the flood holds capacity less the reserve');
  assert.deepEqual(s.stats('north'), { running: 3, waiting: 3, capacity: 4, callers: { flood: 3 } });
  assert.equal(job(s, 'north', 'bob', log, rel, 'b1'), true, 'the second caller starts at once');
  assert.equal(job(s, 'north', 'bob', log, rel, 'b2'), false, 'the site is full');
  rel.get('f1')!();
  rel.get('f2')!();
  assert.deepEqual(
    log.slice(4),
    ['b2'],
    "bob's waiting call goes first; the flood's backlog waits while the site runs its share",
  );
  rel.get('b1')!();
  rel.get('b2')!();
  assert.deepEqual(log.slice(5), ['f4', 'f5'], 'the flood takes freed slots again up to its share');
  assert.deepEqual(s.stats('north'), { running: 3, waiting: 1, capacity: 4, callers: { flood: 1 } });
  const one = new SiteScheduler(1, { reserve: 1 });
  assert.equal(job(one, 'south', 'a', log, rel, 'o1'), true, 'a site of one slot still serves a lone caller');
});

test("a backlog does not start beside another caller's one-off call: on a 2-slot site the flood waits until bob's count is done", () => {
  const s = new SiteScheduler(2, { reserve: 1 });
  const log: string[] = [];
  const rel = new Map<string, () => void>();
  for (let i = 1; i <= 5; i++) job(s, 'north', 'flood', log, rel, `f${i}`);
  assert.deepEqual(log, ['f1'], 'alone, the flood holds its share (capacity less the reserve)');
  assert.equal(job(s, 'north', 'bob', log, rel, 'b1'), true, 'bob starts at once in the reserved slot');
  rel.get('f1')!();
  assert.deepEqual(log, ['f1', 'b1'], "the flood's next call waits while bob's runs");
  assert.deepEqual(s.stats('north'), { running: 1, waiting: 4, capacity: 2, callers: { flood: 4 } });
  rel.get('b1')!();
  assert.deepEqual(log, ['f1', 'b1', 'f2'], 'and starts when it is done');
  // Two callers with one query each are no backlog: they share the site as before.
  const t = new SiteScheduler(2, { reserve: 1 });
  const log2: string[] = [];
  job(t, 'north', 'a', log2, rel, 'a1');
  job(t, 'north', 'a', log2, rel, 'a2');
  job(t, 'north', 'b', log2, rel, 'b1');
  assert.deepEqual(log2, ['a1', 'b1'], "a's last waiting call is no backlog once b's has started");
  rel.get('a1')!();
  assert.deepEqual(log2, ['a1', 'b1', 'a2'], "a's single waiting call starts beside b's");
});

test('a backlog is passed over at most maxPassOver times in a row by one-off calls, then starts as before', () => {
  const s = new SiteScheduler(2, { reserve: 1, maxPassOver: 2 });
  const log: string[] = [];
  const rel = new Map<string, () => void>();
  for (let i = 1; i <= 4; i++) job(s, 'north', 'flood', log, rel, `f${i}`);
  // A steady stream of one-off callers, always one of them running and the next one waiting.
  job(s, 'north', 'u1', log, rel, 'u1');
  for (let i = 2; i <= 5; i++) job(s, 'north', `u${i}`, log, rel, `u${i}`);
  rel.get('f1')!(); // u2 goes first: passed over once
  rel.get('u1')!(); // u3: twice
  rel.get('u2')!(); // the flood's turn despite u3 running
  rel.get('u3')!(); // u4 (round-robin after the flood)
  assert.deepEqual(log, ['f1', 'u1', 'u2', 'u3', 'f2', 'u4']);
});

test("a one-off call stops a backlog's running call (the youngest first), which runs again after it, first in its caller's line", () => {
  const s = new SiteScheduler(2, { reserve: 1 });
  const { log, release, call } = stoppableJobs(s);
  const stoppable = (caller: string, name: string) => call('north', caller, name);
  for (let i = 1; i <= 3; i++) stoppable('flood', `f${i}`);
  assert.deepEqual(log, ['f1']);
  stoppable('bob', 'b1');
  assert.deepEqual(log, ['f1', 'b1', 'stop f1'], "bob's count runs alone");
  assert.deepEqual(s.stats('north'), { running: 1, waiting: 3, capacity: 2, callers: { flood: 3 } });
  assert.equal(s.preemptions('north'), 1);
  release('b1');
  assert.deepEqual(log.slice(3), ['f1'], 'the stopped call is the first to run again');
  // A caller's last call is no backlog: it is not stopped for another one-off call.
  release('f1');
  release('f2');
  assert.deepEqual(log.slice(4), ['f2', 'f3']);
  stoppable('carol', 'c1');
  assert.deepEqual(log.slice(6), ['c1'], "f3 has nothing behind it and keeps running beside carol's call");
  // A call that says it is over already is left alone.
  const t = new SiteScheduler(2, { reserve: 1 });
  const log2: string[] = [];
  for (let i = 1; i <= 2; i++)
    t.submit('south', 'flood', new AbortController().signal, (_release, slot) => {
      log2.push(`f${i}`);
      slot.preemptible(() => false);
    });
  t.submit('south', 'bob', new AbortController().signal, () => log2.push('b1'));
  assert.deepEqual(log2, ['f1', 'b1']);
  assert.equal(t.stats('south').running, 2);
  assert.equal(t.preemptions('south'), 0);
});

test('a cancelled call stopped for a one-off call is not queued again', () => {
  const s = new SiteScheduler(2, { reserve: 1 });
  const log: string[] = [];
  const cancel = new AbortController();
  let releaseF1 = () => {};
  s.submit('north', 'flood', cancel.signal, (release, slot) => {
    log.push('f1');
    releaseF1 = release;
    slot.preemptible(() => true);
  });
  s.submit('north', 'flood', new AbortController().signal, () => log.push('f2'));
  s.submit('north', 'flood', new AbortController().signal, () => log.push('f3'));
  s.submit('north', 'bob', new AbortController().signal, () => log.push('b1'));
  assert.deepEqual(log, ['f1', 'b1']);
  cancel.abort();
  releaseF1();
  assert.deepEqual(s.stats('north'), { running: 1, waiting: 2, capacity: 2, callers: { flood: 2 } });
});

test('a call that has run longer than maxStopAgeMs is not stopped: a stop wastes little, a long call is not restarted', () => {
  let now = 0;
  const s = new SiteScheduler(2, { reserve: 1, maxStopAgeMs: 2000, now: () => now });
  const log: string[] = [];
  for (let i = 1; i <= 3; i++)
    s.submit('north', 'flood', new AbortController().signal, (_release, slot) => {
      log.push(`f${i}`);
      slot.preemptible(() => {
        log.push(`stop f${i}`);
        return true;
      });
    });
  now = 2500;
  s.submit('north', 'bob', new AbortController().signal, () => log.push('b1'));
  assert.deepEqual(log, ['f1', 'b1'], 'f1 has run 2.5 s: it keeps running beside bob');
  assert.equal(s.preemptions('north'), 0);
});
