/**
 * The services as a hostile or careless client finds them (issue 11), against real processes on
 * loopback: a flood from one caller, a second caller during it, a paused site, a per-caller quota,
 * bodies that never finish, every framework-level refusal, health probes, and SIGTERM.
 * Nothing here asserts a duration: fairness is asserted as ordering, timeouts as "cut, with 408".
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startService, type Service } from '../harness/processes.js';
import { siteFile, THREE_SITES } from '../harness/sites.js';
import { rawRequest } from '../harness/raw-http.js';
import { COUNT, CROSSTAB } from '../harness/flood-plans.js';

// Short, so stalled bodies are cut quickly; not shorter: on a loaded machine the hub takes in the
// flood's 200 plans in one stretch, and at 1.5 s some of their bodies were cut before being read.
const REQUEST_TIMEOUT_MS = 4000;
const SITE_IDS = THREE_SITES.map((s) => s.id);
const sites: Record<string, Service> = {};
let hub: Service;
let counter: { url: string; hits: () => number; close: () => void };

/** A stand-in site that only counts how often the hub asks for its /v1/info. */
function startCounter(): Promise<typeof counter> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/v1/info') hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ site: 'counter', maxConcurrentQueries: 2 }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, hits: () => hits, close: () => server.close() });
    }),
  );
}

const hubArgs = (extra: string[] = []) => [
  'hub',
  '--port',
  '0',
  '--dev-insecure',
  '--request-timeout-ms',
  String(REQUEST_TIMEOUT_MS),
  ...SITE_IDS.flatMap((id) => ['--site', `${id}=${sites[id].url}`]),
  ...extra,
];

before(async () => {
  for (const spec of THREE_SITES) {
    const file = await siteFile(spec);
    sites[spec.id] = await startService([
      'site',
      '--db',
      file,
      '--id',
      spec.id,
      '--port',
      '0',
      '--dev-insecure',
      '--request-timeout-ms',
      String(REQUEST_TIMEOUT_MS),
    ]);
  }
  counter = await startCounter();
  hub = await startService(hubArgs(['--max-queries-per-caller', '400', '--site', `counter=${counter.url}`]));
});

after(async () => {
  await hub?.stop();
  counter?.close();
  await Promise.all(Object.values(sites).map((s) => (s.child.kill('SIGCONT'), s.stop('SIGKILL'))));
});

const bearer = (who: string) => ({ authorization: `Bearer ${who}` });

async function submit(base: string, who: string, plan: unknown = COUNT, sites = SITE_IDS) {
  const res = await fetch(`${base}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(who) },
    body: JSON.stringify({ plan, sites }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** Reads the whole results stream (it ends when the query does), then the final status. */
async function finish(base: string, id: string): Promise<any> {
  await (await fetch(`${base}/v1/queries/${id}/results`)).arrayBuffer();
  return (await fetch(`${base}/v1/queries/${id}`)).json();
}

async function status(base: string, id: string): Promise<any> {
  return (await fetch(`${base}/v1/queries/${id}`)).json();
}

/**
 * Declares a body of `bytes` and sends only its first KiB: the service refuses from Content-Length
 * before reading. (Sending all of it races the service's close: the refusal can be lost to a reset.)
 */
async function bigBody(url: string, bytes: number): Promise<{ status: number; body: any }> {
  const path = new URL(url).pathname;
  const a = await rawRequest(
    url,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`,
    ['x'.repeat(1024)],
  );
  return { status: a.status, body: JSON.parse(a.body) };
}

/** A case that hangs fails by its name instead of timing the whole test out. */
function named<T>(name: string, p: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: no answer within ${ms} ms`)), ms))),
  ]);
}

const siteCodes = (statuses: any[]) =>
  statuses.flatMap((s) => Object.values(s.sites as Record<string, any>).map((x) => x.error?.code)).filter(Boolean);

test(
  'a flood of 200 queries from one caller: no site is overrun, and a second caller is not queued behind it',
  { timeout: 300_000 },
  async (t) => {
    // The second caller alone first (after a warm-up): its quiet latency, reported beside the one during the flood.
    let quietMs = 0;
    for (let i = 0; i < 3; i++) {
      const quietStart = performance.now();
      await finish(hub.url, (await submit(hub.url, 'bob')).body.id);
      quietMs = performance.now() - quietStart;
    }

    const flood = await Promise.all(Array.from({ length: 200 }, () => submit(hub.url, 'alice', CROSSTAB)));
    assert.deepEqual([...new Set(flood.map((f) => f.status))], [202], 'every flood query accepted');
    const floodDone = Promise.all(flood.map((f) => finish(hub.url, f.body.id)));
    const bobStart = performance.now();
    const bob = await submit(hub.url, 'bob');
    assert.equal(bob.status, 202);
    const bobStatus = await finish(hub.url, bob.body.id);
    const bobMs = performance.now() - bobStart;
    // Not queued behind the flood at all: the hub keeps a slot of each site from any single caller.
    const bobEvents = await (await fetch(`${hub.url}/v1/queries/${bob.body.id}/events`)).text();
    assert.doesNotMatch(bobEvents, /"state":"queued"/, 'the second caller never waited for a site slot');
    const floodStatuses = await floodDone;

    const all = [...floodStatuses, bobStatus];
    for (const s of all) assert.ok(s.sites, `a status: ${JSON.stringify(s)}`);
    assert.deepEqual(
      siteCodes(all).filter((c) => c === 'ERR_RATE_LIMITED'),
      [],
      'no site answered ERR_RATE_LIMITED: the hub never sent more than a site runs at once',
    );
    assert.deepEqual(siteCodes(all), [], 'every site answered every query');
    for (const s of all) assert.equal(s.state, 'done');
    // Fairness as ordering: the second caller's query waited for at most a slot at each site, so of
    // the flood queries still pending when the hub took it in, nearly all finished after it.
    const pending = floodStatuses.filter((s) => s.finishedAt > bobStatus.createdAt);
    const finishedAfterBob = pending.filter((s) => s.finishedAt > bobStatus.finishedAt).length;
    // Not the latency ratio: here the second caller shares this process with the flood's 200
    // pollers and asks at the flood's very start. bench/flood.ts measures the ratio, its caller in a
    // process of its own; this line is for the log only.
    t.diagnostic(
      `second caller (sharing the test process with the flood's pollers; the ratio is bench/flood.ts's to measure): ` +
        `quiet ${quietMs.toFixed(1)} ms, during the flood ${bobMs.toFixed(1)} ms (×${(bobMs / quietMs).toFixed(2)}); ` +
        `${pending.length} flood queries pending when the hub took it in, ${finishedAfterBob} of them finished after it`,
    );
    assert.ok(pending.length >= 50, `the flood was over too soon to test anything (${pending.length} pending)`);
    assert.ok(
      finishedAfterBob >= 0.8 * pending.length,
      `only ${finishedAfterBob} of ${pending.length} pending flood queries finished after the second caller's`,
    );
  },
);

test(
  'a paused site: calls beyond its capacity wait as queued (status and SSE), a queued one cancels cleanly, the per-caller quota answers 429 with Retry-After',
  { timeout: 120_000 },
  async () => {
    const small = await startService(hubArgs(['--max-queries-per-caller', '6']));
    const south = sites.south;
    south.child.kill('SIGSTOP');
    try {
      const six = await Promise.all(Array.from({ length: 6 }, () => submit(small.url, 'carol', COUNT, ['south'])));
      assert.deepEqual(
        six.map((s) => s.status),
        [202, 202, 202, 202, 202, 202],
      );
      const states = async () =>
        (await Promise.all(six.map((s) => status(small.url, s.body.id)))).map((s) => s.sites.south.state);
      const now = await states();
      // The site runs 4 at once; the hub keeps one of them from any single caller (the reserve).
      assert.equal(now.filter((s) => s === 'running').length, 3, `one caller gets 3 of the site's 4 slots: ${now}`);
      assert.equal(now.filter((s) => s === 'queued').length, 3, `the rest wait in the hub: ${now}`);
      const queuedId = six[now.indexOf('queued')].body.id;

      // The progress stream says so too.
      const events = await fetch(`${small.url}/v1/queries/${queuedId}/events`);
      const reader = events.body!.getReader();
      let text = '';
      while (!text.includes('"state":"queued"')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();

      const seventh = await submit(small.url, 'carol', COUNT, ['south']);
      assert.equal(seventh.status, 429);
      assert.equal(seventh.body.error.code, 'ERR_RATE_LIMITED');
      assert.match(seventh.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal((await submit(small.url, 'dave', COUNT, ['central'])).status, 202, 'the quota is per caller');
      // The reserved slot: another caller's query to the full site is sent at once, not queued behind carol's.
      const daveSouth = await submit(small.url, 'dave', COUNT, ['south']);
      assert.equal((await status(small.url, daveSouth.body.id)).sites.south.state, 'running', 'dave takes the reserved slot');

      const cancelled = (await (await fetch(`${small.url}/v1/queries/${queuedId}`, { method: 'DELETE' })).json()) as any;
      assert.equal(cancelled.state, 'cancelled');
      assert.equal(cancelled.sites.south.state, 'cancelled');

      south.child.kill('SIGCONT');
      const rest = await Promise.all(six.filter((s) => s.body.id !== queuedId).map((s) => finish(small.url, s.body.id)));
      for (const s of rest) assert.equal(s.sites.south.state, 'done', JSON.stringify(s.sites.south));
      assert.equal((await finish(small.url, daveSouth.body.id)).sites.south.state, 'done');
    } finally {
      south.child.kill('SIGCONT');
      await small.stop();
    }
  },
);

test(
  'bodies that never finish are cut with 408 in the error shape, at the site and the hub, and both keep serving',
  { timeout: 60_000 },
  async (t) => {
    const started = performance.now();
    const stalled = (url: string, path: string) =>
      rawRequest(
        url,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        ['5\r\n{"pla\r\n'],
      );
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () => stalled(sites.north.url, '/v1/execute')),
      ...Array.from({ length: 10 }, () => stalled(hub.url, '/v1/queries')),
    ]);
    const elapsed = performance.now() - started;
    t.diagnostic(`20 stalled bodies all cut after ${elapsed.toFixed(0)} ms (request timeout ${REQUEST_TIMEOUT_MS} ms)`);
    assert.ok(elapsed >= REQUEST_TIMEOUT_MS, 'not before the timeout');
    for (const a of answers) {
      assert.ok(a.closed);
      assert.equal(a.status, 408);
      assert.equal(JSON.parse(a.body).error.code, 'ERR_REQUEST_TIMEOUT');
    }
    assert.equal((await fetch(`${hub.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${sites.north.url}/healthz`)).status, 200);
  },
);

test('framework-level refusals are in the documented error shape with their own codes', { timeout: 60_000 }, async () => {
  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });
  const post = (url: string, type: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': type }, body }).then(json);
  const plan = JSON.stringify(COUNT);
  const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string]> = [
    ['site text/plain', () => post(`${sites.north.url}/v1/execute`, 'text/plain', plan), 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    [
      'hub text/plain',
      () => post(`${hub.url}/v1/queries`, 'text/plain', JSON.stringify({ plan: COUNT })),
      415,
      'ERR_UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'site form',
      () => post(`${sites.north.url}/v1/execute`, 'application/x-www-form-urlencoded', 'a=b'),
      415,
      'ERR_UNSUPPORTED_MEDIA_TYPE',
    ],
    ['hub 101-character id', () => fetch(`${hub.url}/v1/queries/${'a'.repeat(101)}`).then(json), 414, 'ERR_URI_TOO_LONG'],
    [
      'site 101-character concept id',
      () => fetch(`${sites.north.url}/v1/concepts/${'1'.repeat(101)}`).then(json),
      414,
      'ERR_URI_TOO_LONG',
    ],
    ['hub bad percent-encoding', () => fetch(`${hub.url}/v1/queries/%zz`).then(json), 400, 'ERR_BAD_REQUEST'],
    ['hub broken JSON', () => post(`${hub.url}/v1/queries`, 'application/json', '{"plan": '), 400, 'ERR_PLAN_INVALID'],
    [
      'site broken JSON',
      () => post(`${sites.north.url}/v1/execute`, 'application/json', '{"version": '),
      400,
      'ERR_PLAN_INVALID',
    ],
    ['hub 17 MiB body', () => bigBody(`${hub.url}/v1/queries`, 17 << 20), 413, 'ERR_BODY_TOO_LARGE'],
    ['site 17 MiB body', () => bigBody(`${sites.north.url}/v1/execute`, 17 << 20), 413, 'ERR_BODY_TOO_LARGE'],
  ];
  for (const [name, answer, code, errCode] of cases) {
    const { status, body } = await named(name, answer());
    assert.equal(status, code, `${name}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, errCode, name);
    assert.equal(typeof body.error.message, 'string', name);
  }
  for (const url of [hub.url, sites.north.url]) {
    const overflow = await named(
      '431',
      rawRequest(url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`),
    );
    assert.equal(overflow.status, 431);
    assert.equal(JSON.parse(overflow.body).error.code, 'ERR_HEADERS_TOO_LARGE');
    const garbage = await named('garbage', rawRequest(url, 'NOT HTTP AT ALL\r\n\r\n'));
    assert.equal(garbage.status, 400);
    assert.equal(JSON.parse(garbage.body).error.code, 'ERR_BAD_REQUEST');
  }
});

test('300 concurrent GET /v1/sites from one caller make one health probe per site', { timeout: 60_000 }, async () => {
  const before = counter.hits();
  const answers = await Promise.all(
    Array.from({ length: 300 }, () => fetch(`${hub.url}/v1/sites`, { headers: bearer('erin') }).then((r) => r.json())),
  );
  assert.equal(counter.hits() - before, 1);
  for (const a of answers as any[]) assert.equal(a.sites.find((s: any) => s.id === 'counter').info.maxConcurrentQueries, 2);
});

test(
  'SIGTERM drains: new queries get 503, a query still running at the deadline is cancelled and audited, and the hub restarts on its port',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fedomop-drain-'));
    const log = path.join(dir, 'hub-audit.jsonl');
    const draining = await startService(hubArgs(['--drain-ms', '3000', '--audit-log', log]));
    const south = sites.south;
    south.child.kill('SIGSTOP');
    try {
      const q = await submit(draining.url, 'frank', COUNT, ['south']);
      assert.equal(q.status, 202);
      const exited = draining.stop('SIGTERM');
      let refused: Awaited<ReturnType<typeof submit>> | undefined;
      for (let i = 0; i < 100 && refused?.status !== 503; i++) {
        refused = await submit(draining.url, 'frank', COUNT, ['central']);
      }
      assert.equal(refused?.status, 503);
      assert.equal(refused?.body.error.code, 'ERR_SHUTTING_DOWN');
      assert.equal(await exited, 0);
      const lines = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const entry = lines.find((l) => l.id === q.body.id);
      assert.ok(entry, 'the drained query has its audit line');
      assert.equal(entry.state, 'cancelled');
      assert.equal(entry.sites.south.code, 'ERR_QUERY_CANCELLED');
      const port = new URL(draining.url).port;
      const again = await startService(hubArgs().map((a) => (a === '0' ? port : a)));
      assert.equal(new URL(again.url).port, port);
      assert.equal((await fetch(`${again.url}/healthz`)).status, 200);
      await again.stop();
    } finally {
      south.child.kill('SIGCONT');
    }
  },
);
