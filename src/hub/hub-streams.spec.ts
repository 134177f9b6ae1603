/** The hub over real HTTP: cancellation, replay of results and events, the site registry, shutdown. */
import { test } from 'node:test';
import http from 'node:http';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { RecordBatchReader } from 'apache-arrow';
import {
  COUNT_PLAN,
  PLAN,
  finalStatus,
  getJson,
  hubFor,
  openStream,
  parseSse,
  postQuery,
  readEvents,
  readResults,
  resultBytes,
  type SseEvent,
} from './hub-client.spec-util.js';
import type { QueryStatus } from './query.js';
import type { SiteHealth } from './registry.js';
import { INFO, answers, exact, hangs, refusedUrl, startStandInSite } from './stand-in-site.spec-util.js';

/** A broken hub must fail a test, not hang the suite. */
const LIMIT = { timeout: 15_000 };

const count = (n: number) => [{ dims: {}, measures: { persons: exact(n), events: exact(n) } }];

test(
  'DELETE aborts the sites still running; the results stream ends after the batches received, without a pooled batch',
  LIMIT,
  async (t) => {
    const north = await startStandInSite('north', answers(count(3)));
    const south = await startStandInSite('south', hangs);
    const hub = await hubFor(t, [north, south]);
    const { json } = await postQuery(hub, { plan: COUNT_PLAN });
    let deleted: Promise<{ status: number; json: QueryStatus }> | undefined;
    const { batches } = await readResults(hub, json.id, (b) => {
      // Cancel from inside the stream, once north's batch is in: south is certainly still running.
      if (b.site === 'north') deleted = getJson<QueryStatus>(`${hub.url}/v1/queries/${json.id}`, { method: 'DELETE' });
    });
    assert.deepEqual(
      batches.map((b) => b.site),
      ['north'],
      'no pooled batch after a cancel',
    );
    const { status, json: after } = await deleted!;
    assert.equal(status, 200);
    assert.equal(after.state, 'cancelled');
    assert.equal(after.sites.north.state, 'done');
    assert.equal(after.sites.south.state, 'cancelled');
    assert.equal(after.sites.south.error?.code, 'ERR_QUERY_CANCELLED');
    // The stand-in sees its request closed: on a real site that interrupts the SQL.
    await south.executeAborted;
    const { events } = await readEvents(hub, json.id);
    assert.deepEqual(
      events.map((e) => e.event),
      ['site', 'site', 'site', 'site', 'done'],
    );
    assert.equal((events.at(-1)!.data as QueryStatus).state, 'cancelled');
  },
);

test('DELETE of a finished query changes nothing', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers(count(3)));
  const hub = await hubFor(t, [north]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const before = await finalStatus(hub, json.id);
  const { json: after } = await getJson<QueryStatus>(`${hub.url}/v1/queries/${json.id}`, { method: 'DELETE' });
  assert.deepEqual(after, before);
  assert.equal(after.state, 'done');
});

test('events: a late subscriber is replayed exactly what a live one saw, and Last-Event-ID resumes', LIMIT, async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const north = await startStandInSite('north', answers(count(7)));
  const south = await startStandInSite('south', async (ctx) => {
    await gate;
    answers(count(5))(ctx);
  });
  const hub = await hubFor(t, [north, south]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const live = await openStream(`${hub.url}/v1/queries/${json.id}/events`);
  // South is held until the live subscriber is connected and north has finished.
  await readResults(hub, json.id, (b) => {
    if (b.site === 'north') release();
  });
  const { events } = parseSse((await live.body).toString('utf8'));
  const late = await readEvents(hub, json.id);
  assert.deepEqual(late.events, events);
  const summary = events.map((e) => {
    const data = e.data as { site?: string; state?: string };
    return [e.id, e.event, data.site, data.state].filter(Boolean).join(' ');
  });
  assert.deepEqual(summary, [
    '1 site north running',
    '2 site south running',
    '3 site north done',
    '4 site south done',
    '5 pooled',
    '6 done done',
  ]);
  assert.deepEqual(events[4].data, { rows: 1 });
  const done = events[5].data as QueryStatus;
  assert.equal(done.id, json.id);
  assert.equal(done.sites.south.rows, 1);
  const north3 = events[2].data as { elapsedMs: number; rows: number };
  assert.equal(north3.rows, 1);
  assert.equal(typeof north3.elapsedMs, 'number');
  const resumed = await readEvents(hub, json.id, { 'last-event-id': '4' });
  assert.deepEqual(
    resumed.events.map((e: SseEvent) => e.id),
    ['5', '6'],
  );
});

test('results: a late reader gets the same bytes as an early one', LIMIT, async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const north = await startStandInSite(
    'north',
    answers([{ dims: { gender: 'FEMALE', index_year: 2020 }, measures: { persons: exact(9), events: exact(11) } }]),
  );
  const south = await startStandInSite('south', async (ctx) => {
    await gate;
    answers([{ dims: { gender: 'MALE', index_year: 2021 }, measures: { persons: exact(6), events: exact(6) } }])(ctx);
  });
  const hub = await hubFor(t, [north, south]);
  const { json } = await postQuery(hub, { plan: PLAN });
  const early = await openStream(`${hub.url}/v1/queries/${json.id}/results`);
  await readResults(hub, json.id, (b) => {
    if (b.site === 'north') release();
  });
  const late = await resultBytes(hub, json.id);
  assert.ok(late.length > 0);
  assert.deepEqual(await early.body, late);
});

test('GET /v1/sites lists each site with its health and only the documented info fields', LIMIT, async (t) => {
  const north = await startStandInSite('north', hangs);
  const hub = await hubFor(t, [north, { id: 'south', url: await refusedUrl() }]);
  const { status, json } = await getJson<{ sites: SiteHealth[] }>(`${hub.url}/v1/sites`, {
    headers: { authorization: 'Bearer t0ken' },
  });
  assert.equal(status, 200);
  const { internalDsn: _hidden, ...documented } = INFO('north');
  assert.deepEqual(json.sites[0], { id: 'north', url: north.url, status: 'up', info: documented });
  assert.equal(json.sites[1].id, 'south');
  assert.equal(json.sites[1].status, 'down');
  assert.deepEqual(json.sites[1].error, {
    code: 'ERR_SITE_UNREACHABLE',
    message: 'site south did not answer: connection refused',
  });
  assert.equal(north.seen[0].headers.authorization, 'Bearer t0ken');
  // Asked again at once by the same caller: answered from the cache, the site is not probed twice.
  await getJson(`${hub.url}/v1/sites`, { headers: { authorization: 'Bearer t0ken' } });
  assert.equal(north.seen.filter((r) => r.path === '/v1/info').length, 1);
});

test("health is cached per caller: one user's answer from a site is never shown to another", LIMIT, async (t) => {
  const north = await startStandInSite('north', hangs, { infoAuthorization: 'Bearer alice' });
  const hub = await hubFor(t, [north]);
  const asked = (authorization?: string) =>
    getJson<{ sites: SiteHealth[] }>(`${hub.url}/v1/sites`, authorization ? { headers: { authorization } } : {});
  const alice = (await asked('Bearer alice')).json.sites[0];
  assert.equal(alice.status, 'up');
  assert.equal(alice.info?.name, 'north stand-in');
  // Within the cache time, a caller the site refuses gets the site's refusal, not Alice's info.
  const mallory = (await asked('Bearer mallory')).json.sites[0];
  assert.equal(mallory.info, undefined);
  assert.equal(mallory.error?.code, 'ERR_TOKEN_INVALID');
  const anonymous = (await asked()).json.sites[0];
  assert.equal(anonymous.info, undefined);
  // Each caller's answer is still cached for that caller.
  assert.equal((await asked('Bearer alice')).json.sites[0].info?.name, 'north stand-in');
  assert.equal((await asked('Bearer mallory')).json.sites[0].error?.code, 'ERR_TOKEN_INVALID');
  assert.deepEqual(
    north.seen.filter((r) => r.path === '/v1/info').map((r) => r.headers.authorization),
    ['Bearer alice', 'Bearer mallory', undefined],
  );
});

test('health is asked again once the cache has expired', LIMIT, async (t) => {
  const north = await startStandInSite('north', hangs);
  const hub = await hubFor(t, [north], { healthCacheMs: 0 });
  await getJson(`${hub.url}/v1/sites`);
  await getJson(`${hub.url}/v1/sites`);
  assert.equal(north.seen.filter((r) => r.path === '/v1/info').length, 2);
});

test(
  'concept search is relayed to the first healthy site with the query string and Authorization header; counts are asked of every site',
  LIMIT,
  async (t) => {
    const south = await startStandInSite('south', hangs);
    const east = await startStandInSite('east', hangs);
    const hub = await hubFor(t, [{ id: 'north', url: await refusedUrl() }, south, east]);
    const { status, json } = await getJson<{ concepts: Array<Record<string, unknown>> }>(
      `${hub.url}/v1/concepts/search?q=prostate%20cancer&domain=Condition&limit=5`,
      {
        headers: { authorization: 'Bearer abc' },
      },
    );
    assert.equal(status, 200);
    assert.deepEqual(json.concepts, [
      {
        conceptId: 4112853,
        name: 'asked south for /v1/concepts/search?q=prostate%20cancer&domain=Condition&limit=5',
        domain: 'Condition',
        vocabulary: 'SNOMED',
        standard: true,
        code: '372064008',
        // The stand-in sites have no counts route (404): no counts, and each is named in `sites`.
        counts: {},
      },
    ]);
    const relayed = south.seen.find((r) => r.path.startsWith('/v1/concepts/search'));
    assert.equal(relayed?.headers.authorization, 'Bearer abc');
    assert.equal(east.seen.filter((r) => r.path.startsWith('/v1/concepts/search')).length, 0);
    assert.equal(east.seen.filter((r) => r.path === '/v1/concepts/counts').length, 1);
  },
);

test('concept search with no site up is ERR_SITE_UNREACHABLE', LIMIT, async (t) => {
  const hub = await hubFor(t, [{ id: 'north', url: await refusedUrl() }]);
  const { status, json } = await getJson<{ error: { code: string } }>(`${hub.url}/v1/concepts/search?q=x`);
  assert.equal(status, 502);
  assert.equal(json.error.code, 'ERR_SITE_UNREACHABLE');
});

test('closing the hub aborts running site calls and ends open streams', LIMIT, async (t) => {
  const south = await startStandInSite('south', hangs);
  t.after(() => south.close());
  const { startHub } = await import('./server.js');
  const hub = await startHub({ port: 0, sites: [{ id: 'south', url: south.url }] });
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const events = await openStream(`${hub.url}/v1/queries/${json.id}/events`);
  const results = await openStream(`${hub.url}/v1/queries/${json.id}/results`);
  await hub.close();
  await south.executeAborted;
  const done = parseSse((await events.body).toString('utf8')).events.at(-1)!;
  assert.equal(done.event, 'done');
  assert.equal((done.data as QueryStatus).state, 'cancelled');
  assert.match((done.data as QueryStatus).sites.south.error!.message, /shutting down/);
  // A complete, empty Arrow stream: the schema, no batch, end-of-stream.
  const reader = RecordBatchReader.from(await results.body).open();
  assert.equal(reader.schema.fields[0].name, 'site');
  assert.equal(
    reader.readAll().reduce((n, b) => n + b.numRows, 0),
    0,
  );
});

test('GET /healthz answers ok', LIMIT, async (t) => {
  const hub = await hubFor(t, [{ id: 'north', url: await refusedUrl() }]);
  assert.deepEqual(await getJson(`${hub.url}/healthz`), { status: 200, json: { status: 'ok' } });
});

test('while a site runs, the status says so and the event stream sends heartbeat comments', LIMIT, async (t) => {
  const south = await startStandInSite('south', hangs);
  const hub = await hubFor(t, [south], { heartbeatMs: 20 });
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const { json: status } = await getJson<QueryStatus>(`${hub.url}/v1/queries/${json.id}`);
  assert.equal(status.state, 'running');
  assert.equal(status.sites.south.state, 'running');
  assert.equal(typeof status.sites.south.startedAt, 'string');
  assert.equal(status.finishedAt, undefined);
  const res = await new Promise<http.IncomingMessage>((resolve) => http.get(`${hub.url}/v1/queries/${json.id}/events`, resolve));
  let text = '';
  await new Promise<void>((resolve) =>
    res.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      if (parseSse(text).comments.length >= 2) resolve();
    }),
  );
  assert.deepEqual(parseSse(text).comments.slice(0, 2), ['heartbeat', 'heartbeat']);
  const ended = once(res, 'end');
  await getJson(`${hub.url}/v1/queries/${json.id}`, { method: 'DELETE' });
  await ended;
  assert.equal(parseSse(text).events.at(-1)?.event, 'done');
});
