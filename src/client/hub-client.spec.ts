/**
 * HubClient against a stand-in hub over real HTTP (src/kernel/testing/stand-in-hub.ts). The real hub
 * is built separately; end-to-end tests with it live in test/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import type { ResultRow } from '../arrow/result-schema.js';
import type { Plan } from '../plan/types.js';
import { startStandInHub, type StandInHubOptions } from '../kernel/testing/stand-in-hub.js';
import { HubClient } from './hub-client.js';
import type { HubEvent, ProgressSnapshot } from './types.js';

const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
const hidden = { value: null, lower: 1, upper: 4, suppressed: true };
const countRow = (site: string, persons: ResultRow['measures']['persons'], events = exact(40)): ResultRow => ({
  site,
  dims: {},
  measures: { persons, events },
});

const plan: Plan = {
  version: 1,
  cohort: { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } },
  analysis: { kind: 'count' },
};

const threeSites: StandInHubOptions = {
  analysis: { kind: 'count' },
  sites: [
    { id: 'north', rows: [countRow('north', exact(12))] },
    { id: 'south', rows: [countRow('south', hidden, exact(9))] },
    { id: 'east', rows: [countRow('east', exact(30))] },
  ],
  pooled: [countRow('pooled', { value: null, lower: 43, upper: 46, suppressed: true }, exact(89))],
};

async function withHub(opts: StandInHubOptions, body: (hub: Awaited<ReturnType<typeof startStandInHub>>) => Promise<void>) {
  const hub = await startStandInHub(opts);
  try {
    await body(hub);
  } finally {
    await hub.close();
  }
}

test('results: each site batch is yielded as the hub writes it, before the next one exists', async () => {
  await withHub({ ...threeSites, manual: true }, async (hub) => {
    const client = new HubClient({ baseUrl: hub.url });
    const { id } = await client.submit(plan);
    const it = client.results(id)[Symbol.asyncIterator]();
    const seen: Array<{ site: string; logWhenYielded: string[] }> = [];
    const next = async () => {
      const r = await it.next();
      if (!r.done) seen.push({ site: r.value.site, logWhenYielded: [...hub.log] });
      return r;
    };

    const first = next();
    hub.release(); // north finishes
    assert.equal((await first).value?.site, 'north');
    assert.deepEqual(seen[0].logWhenYielded, ['batch north'], 'north was yielded while south was still unwritten');

    const second = next();
    hub.release(); // south finishes
    const south = (await second).value!;
    assert.equal(south.site, 'south');
    assert.deepEqual(south.rows[0].measures.persons, hidden);
    assert.deepEqual(seen[1].logWhenYielded, ['batch north', 'batch south']);

    const third = next();
    hub.release();
    assert.equal((await third).value?.site, 'east');
    const fourth = next();
    hub.release();
    const pooled = (await fourth).value!;
    assert.equal(pooled.site, 'pooled');
    assert.equal(pooled.batch.numRows, 1);
    const end = next();
    hub.release();
    assert.equal((await end).done, true);
  });
});

test('run: collects sites then pooled, reports progress, lists failures, sends the token', async () => {
  const opts: StandInHubOptions = {
    ...threeSites,
    token: 'tok-123',
    sites: [
      threeSites.sites[0],
      { id: 'south', error: { code: 'ERR_DISCLOSURE_REFUSED', message: 'difference trap: |N - n| < 5' } },
      threeSites.sites[2],
    ],
  };
  await withHub(opts, async (hub) => {
    const client = new HubClient({ baseUrl: hub.url, token: 'tok-123' });
    const snapshots: ProgressSnapshot[] = [];
    const events: HubEvent[] = [];
    const result = await client.run(plan, {
      onProgress: (s, e) => {
        snapshots.push(s);
        if (e) events.push(e);
      },
    });

    assert.equal(result.queryId, 'q1');
    assert.equal(result.planHash, 'standin-hash');
    assert.equal(result.status.state, 'done');
    assert.deepEqual(Object.keys(result.perSite), ['north', 'east']);
    assert.equal(result.pooled.length, 1);
    assert.deepEqual(result.failures, [
      { site: 'south', code: 'ERR_DISCLOSURE_REFUSED', message: 'difference trap: |N - n| < 5' },
    ]);
    assert.deepEqual(
      result.table.getChild('site')!.toArray(),
      ['north', 'east', 'pooled'],
      'table holds every site batch, then pooled',
    );
    const rows = result.toRows();
    assert.equal(rows[0].persons, 12);
    assert.equal(typeof rows[0].persons_upper, 'number', 'Int64 comes out as number, not BigInt');
    assert.equal(rows[2].persons, null);
    assert.equal(rows[2].persons_lower, 43);
    assert.equal(rows[2].persons_suppressed, true);

    assert.deepEqual(
      Object.values(snapshots[0].sites).map((s) => s.state),
      ['queued', 'queued', 'queued'],
    );
    const last = snapshots.at(-1)!;
    assert.equal(last.done, true);
    assert.equal(last.sites.south.state, 'failed');
    assert.equal(last.sites.north.state, 'done');
    assert.ok(events.some((e) => e.type === 'site' && e.site === 'south' && e.state === 'failed'));

    assert.ok(hub.requests.length >= 4);
    for (const r of hub.requests) assert.equal(r.authorization, 'Bearer tok-123', `${r.method} ${r.path}`);
  });
});

test('events: parses the SSE stream over HTTP (heartbeat, CRLF) and ends after done', async () => {
  await withHub({ ...threeSites, delayMs: 2 }, async (hub) => {
    const client = new HubClient({ baseUrl: hub.url });
    const { id } = await client.submit(plan);
    const got: HubEvent[] = [];
    for await (const e of client.events(id)) got.push(e);
    const siteStates = got.filter((e) => e.type === 'site').map((e) => (e.type === 'site' ? `${e.site}:${e.state}` : ''));
    assert.deepEqual(siteStates, ['north:running', 'south:running', 'east:running', 'north:done', 'south:done', 'east:done']);
    assert.deepEqual(got.at(-2), { type: 'pooled', rows: 1 });
    const done = got.at(-1)!;
    assert.equal(done.type, 'done');
    if (done.type === 'done') assert.equal(done.status.state, 'done');
  });
});

test('errors: a relayed site error keeps its code, status and site', async () => {
  const submitError = {
    status: 422,
    body: { error: { code: 'ERR_DISCLOSURE_REFUSED', message: 'cell below 5', site: 'north' } },
  };
  await withHub({ ...threeSites, submitError }, async (hub) => {
    const client = new HubClient({ baseUrl: hub.url });
    await assert.rejects(client.submit(plan), (err: unknown) => {
      assert.ok(err instanceof FedomopError);
      assert.equal(err.code, 'ERR_DISCLOSURE_REFUSED');
      assert.equal(err.status, 422);
      assert.equal(err.details.site, 'north');
      assert.equal(err.message, 'cell below 5');
      return true;
    });
  });
});

test('errors: missing token, unknown site, unknown query, non-JSON body, unreachable hub', async () => {
  await withHub({ ...threeSites, token: 'secret' }, async (hub) => {
    const anonymous = new HubClient({ baseUrl: hub.url });
    await assert.rejects(anonymous.sites(), { code: 'ERR_TOKEN_MISSING', status: 401 });
    const client = new HubClient({ baseUrl: hub.url + '/', token: async () => 'secret' });
    await assert.rejects(client.submit(plan, { sites: ['nowhere'] }), { code: 'ERR_SITE_UNKNOWN' });
    await assert.rejects(client.status('q999'), { code: 'ERR_NOT_FOUND', status: 404 });
  });
  const proxy = new HubClient({
    baseUrl: 'http://hub.invalid',
    fetch: async () => new Response('<html>Bad Gateway</html>', { status: 502 }),
  });
  await assert.rejects(proxy.sites(), (err: unknown) => {
    assert.ok(err instanceof FedomopError);
    assert.equal(err.code, 'ERR_SITE_BAD_RESPONSE');
    assert.equal(err.details.httpStatus, 502);
    return true;
  });
  const closed = await startStandInHub(threeSites);
  await closed.close();
  await assert.rejects(new HubClient({ baseUrl: closed.url }).sites(), { code: 'ERR_SITE_UNREACHABLE' });
});

test('token: a function is asked before every request', async () => {
  await withHub({ ...threeSites, token: 'fresh' }, async (hub) => {
    let asked = 0;
    const client = new HubClient({ baseUrl: hub.url, token: async () => (asked++, 'fresh') });
    await client.sites();
    await client.searchConcepts('prostate', { domain: 'Condition', limit: 5 });
    assert.equal(asked, 2);
    assert.match(hub.requests[1].path, /^\/v1\/concepts\/search\?q=prostate&domain=Condition&limit=5$/);
  });
});

test('results: an empty site batch is named by its Arrow metadata', async () => {
  const opts: StandInHubOptions = {
    analysis: { kind: 'crosstab', by: ['gender'] },
    sites: [
      { id: 'north', rows: [{ site: 'north', dims: { gender: 'MALE' }, measures: { persons: exact(8), events: exact(9) } }] },
      { id: 'west', rows: [] },
    ],
    pooled: [{ site: 'pooled', dims: { gender: 'MALE' }, measures: { persons: exact(8), events: exact(9) } }],
    batchSiteMetadata: true,
    delayMs: 1,
  };
  await withHub(opts, async (hub) => {
    const result = await new HubClient({ baseUrl: hub.url }).run({ ...plan, analysis: opts.analysis });
    assert.deepEqual(result.perSite, { north: opts.sites[0].rows, west: [] });
    assert.deepEqual(result.toRows()[0], {
      site: 'north',
      gender: 'MALE',
      persons: 8,
      persons_lower: 8,
      persons_upper: 8,
      persons_suppressed: false,
      events: 9,
      events_lower: 9,
      events_upper: 9,
      events_suppressed: false,
    });
  });
});

test('run: aborting cancels the query at the hub and rejects with ERR_QUERY_CANCELLED', async () => {
  await withHub({ ...threeSites, manual: true }, async (hub) => {
    const client = new HubClient({ baseUrl: hub.url });
    const controller = new AbortController();
    const running = client.run(plan, {
      signal: controller.signal,
      onProgress: (s) => {
        if (s.sites.north?.state === 'done') controller.abort();
      },
    });
    hub.release(); // north answers, which triggers the abort
    await assert.rejects(running, { code: 'ERR_QUERY_CANCELLED' });
    assert.ok(hub.requests.some((r) => r.method === 'DELETE' && r.path === '/v1/queries/q1'));
  });
});

test('results: a connection dropped mid-stream rejects instead of ending with partial results', async () => {
  const hub = await startStandInHub({ ...threeSites, manual: true });
  const client = new HubClient({ baseUrl: hub.url });
  const { id } = await client.submit(plan);
  hub.release();
  const it = client.results(id)[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.site, 'north');
  await hub.close();
  await assert.rejects(it.next(), { code: 'ERR_SITE_UNREACHABLE' });
});
