/**
 * Backlogs give way across a host's sites (src/hub/scheduler.ts `setHost`): sites on one machine share
 * its cores, so while another caller's one-off call runs at one of them, a flood's calls at the others
 * are stopped (young ones) and held, and go on when the one-off call is done. Each test has its control:
 * the same calls with the sites on hosts of their own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SiteScheduler, hostOfUrl, type SchedulerOptions } from './scheduler.js';
import { stoppableJobs } from './scheduler.spec-util.js';

/** A scheduler of 2-slot sites (reserve 1) whose jobs log their starts and stops, and can be released by name. */
function harness(hosts: Record<string, string>, opts: SchedulerOptions = {}) {
  const s = new SiteScheduler(2, { reserve: 1, ...opts });
  for (const [site, host] of Object.entries(hosts)) s.setHost(site, host);
  return { s, ...stoppableJobs(s) };
}

/** The flood: three calls at each site, the first of each running. */
function flood(h: ReturnType<typeof harness>, sites: string[]) {
  for (let i = 1; i <= 3; i++) for (const site of sites) h.call(site, 'alice', `${site}${i}`);
}

test("a one-off call at one site of a host stops and holds a backlog's calls at the host's other sites until it is done", () => {
  const h = harness({ central: 'm1', north: 'm1', south: 'm2' });
  flood(h, ['central', 'north', 'south']);
  assert.deepEqual(h.log, ['central1', 'north1', 'south1']);
  h.call('central', 'bob', 'bob-c');
  assert.deepEqual(
    h.log.slice(3),
    ['bob-c', 'stop central1', 'stop north1'],
    "bob's call runs alone on machine m1; south, on another machine, is left alone",
  );
  assert.deepEqual(
    h.s.stats('north'),
    { running: 0, waiting: 3, capacity: 2, callers: { alice: 3 } },
    'north is held though free',
  );
  assert.equal(h.s.preemptions('north'), 1);
  h.release('south1');
  assert.deepEqual(h.log.slice(6), ['south2'], 'south goes on as before');
  h.release('bob-c');
  assert.deepEqual(h.log.slice(7).sort(), ['central1', 'north1'], 'both stopped calls run again, first in line');
});

test('control: sites on hosts of their own give way only where the one-off call runs (the rule before hosts)', () => {
  const h = harness({});
  flood(h, ['central', 'north']);
  h.call('central', 'bob', 'bob-c');
  assert.deepEqual(h.log.slice(2), ['bob-c', 'stop central1'], 'north keeps running');
  assert.equal(h.s.stats('north').running, 1);
});

test("a caller's own first calls are no one-off once it queues more: a flood does not hold itself", () => {
  const h = harness({ central: 'm1', north: 'm1' });
  // Alice's first query: one call at each site, each one-off when it starts.
  h.call('central', 'alice', 'c1');
  h.call('north', 'alice', 'n1');
  // Her second query makes both a backlog's; bob's one-off call at central then stops north's.
  h.call('central', 'alice', 'c2');
  h.call('north', 'alice', 'n2');
  h.call('north', 'alice', 'n3');
  assert.deepEqual(h.log, ['c1', 'n1']);
  h.release('n1');
  assert.deepEqual(h.log, ['c1', 'n1', 'n2'], "alice's call at central no longer holds her own backlog at north");
  h.call('central', 'bob', 'bob-c');
  assert.deepEqual(h.log.slice(3), ['bob-c', 'stop c1', 'stop n2']);
});

test("one-off calls hold a host's backlogs at most maxPassOver times in a row; then they start until one has", () => {
  const h = harness({ central: 'm1', north: 'm1' }, { maxPassOver: 2 });
  flood(h, ['north']);
  // Central takes one-off calls of several callers, overlapping, so one always runs there.
  h.call('central', 'u1', 'u1');
  assert.deepEqual(h.log, ['north1', 'u1', 'stop north1'], 'passed over once');
  h.call('central', 'u2', 'u2');
  h.release('u1');
  assert.deepEqual(h.log.slice(3), ['u2'], 'twice: north still held while u2 runs');
  h.call('central', 'u3', 'u3');
  assert.deepEqual(h.log.slice(4), ['u3'], 'u3 finds the hold off; north starts at its next turn');
  h.release('u2');
  assert.deepEqual(h.log.slice(5), ['north1'], 'north runs beside u3');
  h.release('u3');
  h.call('central', 'u4', 'u4');
  assert.deepEqual(h.log.slice(6), ['u4', 'stop north1'], 'a backlog call started: the count starts anew');
});

test('a call at another site of the host that has run longer than maxStopAgeMs is not stopped', () => {
  let now = 0;
  const h = harness({ central: 'm1', north: 'm1' }, { now: () => now });
  flood(h, ['north']);
  now = 2500;
  h.call('central', 'bob', 'bob-c');
  assert.deepEqual(h.log, ['north1', 'bob-c'], 'north1 has run 2.5 s: it keeps running');
  h.release('north1');
  assert.deepEqual(h.log.slice(2), [], "and north's next call waits for bob's");
  h.release('bob-c');
  assert.deepEqual(h.log.slice(2), ['north2']);
});

test("a site URL's host: loopback names are one machine, others their host name", () => {
  assert.equal(hostOfUrl('http://127.0.0.1:8101'), 'loopback');
  assert.equal(hostOfUrl('http://localhost:8102/x'), 'loopback');
  assert.equal(hostOfUrl('http://[::1]:8103'), 'loopback');
  assert.equal(hostOfUrl('https://Site-A.example.org:8443'), 'site-a.example.org');
  assert.equal(hostOfUrl('https://site-b.example.org'), 'site-b.example.org');
});
