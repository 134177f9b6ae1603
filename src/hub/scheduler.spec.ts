import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SiteScheduler } from './scheduler.js';
import { CallerQuota } from './caller.js';
import { FedomopError } from '../errors.js';

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
  assert.deepEqual(log.slice(4), ['f4', 'b2'], 'freed slots go round-robin');
  rel.get('b1')!();
  rel.get('b2')!();
  assert.deepEqual(log.slice(6), ['f5'], 'a freed slot goes back to the flood only up to its share');
  assert.deepEqual(s.stats('north'), { running: 3, waiting: 1, capacity: 4, callers: { flood: 1 } });
  const one = new SiteScheduler(1, { reserve: 1 });
  assert.equal(job(one, 'south', 'a', log, rel, 'o1'), true, 'a site of one slot still serves a lone caller');
});
