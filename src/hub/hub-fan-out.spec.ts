/** The hub over real HTTP against stand-in sites: fan-out, failure handling, validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { META } from '../arrow/result-schema.js';
import { COUNT_PLAN, PLAN, finalStatus, getJson, hubFor, postQuery, readResults } from './hub-client.spec-util.js';
import {
  after,
  answers,
  diesMidAnswer,
  exact,
  garbage,
  hangs,
  hidden,
  jsonError,
  refusedUrl,
  startStandInSite,
  type Execute,
} from './stand-in-site.spec-util.js';

/** A broken hub must fail a test, not hang the suite. */
const LIMIT = { timeout: 15_000 };

const F19 = { gender: 'FEMALE', index_year: 2019 };
const M19 = { gender: 'MALE', index_year: 2019 };
const F20 = { gender: 'FEMALE', index_year: 2020 };
const cell = (
  dims: Record<string, string | number>,
  persons: ReturnType<typeof exact> | ReturnType<typeof hidden>,
  events = persons,
) => ({
  dims,
  measures: { persons, events },
});

test("a slow site does not hold back a fast site's batch: each arrives when its site finishes", LIMIT, async (t) => {
  let releaseSouth!: (by: string) => void;
  const southGate = new Promise<string>((resolve) => (releaseSouth = resolve));
  const north = await startStandInSite('north', answers([cell(F19, exact(10))]));
  // South answers only once the test has seen north's batch in the results stream; a hub that waited
  // for all sites before streaming would never deliver it, and the fallback below would release south.
  const south = await startStandInSite('south', after(southGate, answers([cell(F19, exact(5))])));
  const fallback = setTimeout(() => releaseSouth('fallback timer'), 5000);
  t.after(() => clearTimeout(fallback));
  const hub = await hubFor(t, [north, south]);
  const { status, json } = await postQuery(hub, { plan: PLAN });
  assert.equal(status, 202);
  const order: string[] = [];
  let releasedBy = '';
  const { batches } = await readResults(hub, json.id, (b) => {
    order.push(b.site ?? '(empty)');
    if (b.site === 'north') {
      releasedBy = 'north batch';
      releaseSouth('north batch');
    }
  });
  assert.equal(await southGate, 'north batch', "south was released by the fallback timer: north's batch was held back");
  assert.equal(releasedBy, 'north batch');
  assert.deepEqual(order, ['north', 'south', 'pooled']);
  assert.deepEqual(batches[2].rows[0].measures.persons, exact(15));
});

test('results: schema metadata names the plan and sites, per-site batches re-encoded, pooled intervals', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell(F19, exact(10)), cell(M19, hidden(1, 4), exact(6))]));
  const south = await startStandInSite('south', answers([cell(F19, exact(5)), cell(F20, exact(8))]));
  const hub = await hubFor(t, [north, south]);
  const { json } = await postQuery(hub, { plan: PLAN });
  assert.match(json.planHash, /^[0-9a-f]{64}$/);
  assert.deepEqual(json.sites, ['north', 'south']);
  const { schema, batches, contentType } = await readResults(hub, json.id);
  assert.equal(contentType, 'application/vnd.apache.arrow.stream');
  assert.equal(schema.metadata.get(META.planHash), json.planHash);
  assert.deepEqual(JSON.parse(schema.metadata.get(META.sites)!), ['north', 'south']);
  assert.deepEqual(JSON.parse(schema.metadata.get(META.analysis)!), PLAN.analysis);
  assert.deepEqual(schema.fields.map((f) => f.name).slice(0, 3), ['site', 'gender', 'index_year']);
  assert.deepEqual(batches.map((b) => b.site).sort(), ['north', 'pooled', 'south']);
  assert.equal(batches.at(-1)!.site, 'pooled', 'the pooled batch comes last');
  const southBatch = batches.find((b) => b.site === 'south')!;
  assert.deepEqual(southBatch.rows, [
    { site: 'south', ...cell(F19, exact(5)) },
    { site: 'south', ...cell(F20, exact(8)) },
  ]);
  assert.deepEqual(batches.at(-1)!.rows, [
    { site: 'pooled', ...cell(F19, exact(15)) },
    { site: 'pooled', ...cell(F20, exact(8)) },
    { site: 'pooled', dims: M19, measures: { persons: hidden(1, 4), events: exact(6) } },
  ]);
  const status = await finalStatus(hub, json.id);
  assert.equal(status.state, 'done');
  assert.equal(status.sites.north.rows, 2);
  assert.deepEqual(status.sites.north.provenance, { site: 'north', cdmVersion: '5.4', vocabularyVersion: 'v5.0 TEST' });
});

test('a refused connection fails that site with ERR_SITE_UNREACHABLE; the others still answer', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(42))]));
  const hub = await hubFor(t, [north, { id: 'south', url: await refusedUrl() }]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const { batches } = await readResults(hub, json.id);
  assert.deepEqual(
    batches.map((b) => b.site),
    ['north', 'pooled'],
  );
  assert.deepEqual(batches[1].rows[0].measures.persons, exact(42));
  const status = await finalStatus(hub, json.id);
  assert.equal(status.state, 'done');
  assert.equal(status.sites.north.state, 'done');
  assert.equal(status.sites.south.state, 'failed');
  assert.deepEqual(status.sites.south.error, {
    code: 'ERR_SITE_UNREACHABLE',
    message: 'site south did not answer: connection refused',
    site: 'south',
  });
});

test('a site that does not answer in time is marked timeout, and its request is closed', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(7))]));
  const south = await startStandInSite('south', hangs);
  const hub = await hubFor(t, [north, south]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN, timeoutMs: 150 });
  const status = await finalStatus(hub, json.id);
  assert.equal(status.sites.north.state, 'done');
  assert.equal(status.sites.south.state, 'timeout');
  assert.equal(status.sites.south.error?.code, 'ERR_SITE_TIMEOUT');
  assert.match(status.sites.south.error!.message, /site south did not answer within 150 ms/);
  await south.executeAborted;
});

test("a site's per-site timeout from the config applies when the query sets none", LIMIT, async (t) => {
  const south = await startStandInSite('south', hangs);
  const hub = await hubFor(t, [], { sites: [{ id: 'south', url: south.url, timeoutMs: 100 }], siteTimeoutMs: 60_000 });
  t.after(() => south.close());
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const status = await finalStatus(hub, json.id);
  assert.equal(status.sites.south.state, 'timeout');
  assert.match(status.sites.south.error!.message, /within 100 ms/);
});

test("a site's JSON error is relayed with its own code and message and the site id", LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(7))]));
  const south = await startStandInSite('south', jsonError(403, 'ERR_NOT_ENTITLED', 'you are not in the prostate-cancer group'));
  const hub = await hubFor(t, [north, south]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const status = await finalStatus(hub, json.id);
  assert.equal(status.sites.south.state, 'failed');
  assert.deepEqual(status.sites.south.error, {
    code: 'ERR_NOT_ENTITLED',
    message: 'you are not in the prostate-cancer group',
    site: 'south',
  });
  assert.equal(status.sites.north.state, 'done');
});

test('a site error without a known code or JSON body becomes ERR_SITE_ERROR', LIMIT, async (t) => {
  const weird: Execute = ({ res }) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html>Bad Gateway</html>');
  };
  const south = await startStandInSite('south', weird);
  const hub = await hubFor(t, [south]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const status = await finalStatus(hub, json.id);
  assert.deepEqual(status.sites.south.error, {
    code: 'ERR_SITE_ERROR',
    message: 'site south answered HTTP 502 without a JSON error body',
    site: 'south',
  });
});

const badAnswers: Array<[string, Execute, RegExp]> = [
  ['garbage bytes', garbage, /not an Arrow IPC stream/],
  [
    'a count table for a crosstab plan',
    (ctx) => answers([cell({}, exact(1))])({ ...ctx, plan: COUNT_PLAN }),
    /columns .* do not match the analysis/,
  ],
  [
    'rows labelled with another site',
    (ctx) => answers([cell(F19, exact(1))])({ ...ctx, site: 'north' }),
    /labelled site "north"/,
  ],
  ['an empty 200', ({ res }) => void res.end(), /no Arrow schema/],
];

for (const [what, execute, message] of badAnswers) {
  test(`a site answering ${what} fails with ERR_SITE_BAD_RESPONSE`, LIMIT, async (t) => {
    const south = await startStandInSite('south', execute);
    const hub = await hubFor(t, [south]);
    const { json } = await postQuery(hub, { plan: PLAN });
    const { batches } = await readResults(hub, json.id);
    assert.deepEqual(
      batches.map((b) => b.rows.length),
      [0],
      'only the (empty) pooled batch',
    );
    const status = await finalStatus(hub, json.id);
    assert.equal(status.sites.south.state, 'failed');
    assert.equal(status.sites.south.error?.code, 'ERR_SITE_BAD_RESPONSE');
    assert.equal(status.sites.south.error?.site, 'south');
    assert.match(status.sites.south.error!.message, message);
  });
}

test('a connection that dies mid-answer is ERR_SITE_UNREACHABLE', LIMIT, async (t) => {
  const south = await startStandInSite('south', diesMidAnswer);
  const hub = await hubFor(t, [south]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const status = await finalStatus(hub, json.id);
  assert.equal(status.sites.south.state, 'failed');
  assert.deepEqual(status.sites.south.error, {
    code: 'ERR_SITE_UNREACHABLE',
    message: 'site south did not answer: connection closed before the answer was complete',
    site: 'south',
  });
});

test("the caller's Authorization header, the query id and the plan reach every site unchanged", LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(1))]));
  const south = await startStandInSite('south', answers([cell({}, exact(2))]));
  const hub = await hubFor(t, [north, south]);
  const token = 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';
  const { json } = await postQuery(hub, { plan: COUNT_PLAN }, { authorization: token });
  await finalStatus(hub, json.id);
  for (const site of [north, south]) {
    const [req] = site.seen.filter((r) => r.path === '/v1/execute');
    assert.equal(req.headers.authorization, token, site.id);
    assert.equal(req.headers['x-fedomop-query-id'], json.id, site.id);
    assert.deepEqual(JSON.parse(req.body), COUNT_PLAN, site.id);
  }
});

test('without an Authorization header the hub sends none', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(1))]));
  const hub = await hubFor(t, [north]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  await finalStatus(hub, json.id);
  assert.equal(north.seen[0].headers.authorization, undefined);
});

test('a bad plan is refused with 400 and its problems before any site is contacted', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(1))]));
  const hub = await hubFor(t, [north]);
  const { status, json } = await postQuery(hub, { plan: { ...PLAN, analysis: { kind: 'crosstab', by: ['shoe_size'] } } });
  assert.equal(status, 400);
  assert.equal(json.error?.code, 'ERR_PLAN_INVALID');
  const problems = json.error?.problems as Array<{ path: string; message: string }>;
  assert.ok(problems.length > 0 && problems.every((p) => typeof p.path === 'string' && typeof p.message === 'string'));
  assert.ok(
    problems.some((p) => p.path.startsWith('analysis')),
    JSON.stringify(problems),
  );
  const missing = await postQuery(hub, { sites: ['north'] });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error?.code, 'ERR_BAD_REQUEST');
  assert.deepEqual(north.seen, [], 'no site may be contacted for a refused plan');
});

test('unknown site ids and an empty site list are refused before any site is contacted', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(1))]));
  const hub = await hubFor(t, [north]);
  const unknown = await postQuery(hub, { plan: COUNT_PLAN, sites: ['north', 'atlantis'] });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error?.code, 'ERR_SITE_UNKNOWN');
  assert.match(String(unknown.json.error?.message), /atlantis/);
  const none = await postQuery(hub, { plan: COUNT_PLAN, sites: [] });
  assert.equal(none.status, 400);
  assert.equal(none.json.error?.code, 'ERR_NO_SITES');
  assert.deepEqual(north.seen, []);
});

test('a query can name a subset of the sites', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(1))]));
  const south = await startStandInSite('south', answers([cell({}, exact(2))]));
  const hub = await hubFor(t, [north, south]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN, sites: ['south', 'south'] });
  assert.deepEqual(json.sites, ['south']);
  const status = await finalStatus(hub, json.id);
  assert.deepEqual(Object.keys(status.sites), ['south']);
  assert.deepEqual(north.seen, []);
});

test('an unknown query id is 404 ERR_NOT_FOUND on every query route', LIMIT, async (t) => {
  const north = await startStandInSite('north', hangs);
  const hub = await hubFor(t, [north]);
  for (const [method, suffix] of [
    ['GET', ''],
    ['GET', '/results'],
    ['GET', '/events'],
    ['DELETE', ''],
  ]) {
    const { status, json } = await getJson<{ error: { code: string } }>(`${hub.url}/v1/queries/no-such-id${suffix}`, { method });
    assert.equal(status, 404, `${method} ${suffix}`);
    assert.equal(json.error.code, 'ERR_NOT_FOUND', `${method} ${suffix}`);
  }
  const { status, json } = await getJson<{ error: { code: string } }>(`${hub.url}/v2/nothing`);
  assert.equal(status, 404);
  assert.equal(json.error.code, 'ERR_NOT_FOUND');
});

test('malformed requests are JSON errors with stable codes', LIMIT, async (t) => {
  const north = await startStandInSite('north', hangs);
  const hub = await hubFor(t, [north]);
  const notJson = await getJson<{ error: { code: string } }>(`${hub.url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'plan',
  });
  assert.equal(notJson.status, 415);
  assert.equal(notJson.json.error.code, 'ERR_UNSUPPORTED_MEDIA_TYPE');
  const broken = await getJson<{ error: { code: string; message: string } }>(`${hub.url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"plan": ',
  });
  assert.equal(broken.status, 400);
  assert.equal(broken.json.error.code, 'ERR_PLAN_INVALID');
  assert.match(broken.json.error.message, /not JSON/);
  const huge = await getJson<{ error: { code: string; message: string } }>(`${hub.url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ plan: PLAN, padding: 'x'.repeat(17 * 1024 * 1024) }),
  });
  // Refused by the HTTP layer before it is read (a plan that fits but breaks a count limit is 400).
  assert.equal(huge.status, 413);
  assert.equal(huge.json.error.code, 'ERR_BODY_TOO_LARGE');
  assert.match(huge.json.error.message, /limit of \d+ bytes/);
  const badTimeout = await postQuery(hub, { plan: COUNT_PLAN, timeoutMs: -1 });
  assert.equal(badTimeout.status, 400);
  assert.equal(badTimeout.json.error?.code, 'ERR_BAD_REQUEST');
  assert.deepEqual(north.seen, []);
});

test('a pooled keep-alive connection the site dropped is retried once on a fresh one', LIMIT, async (t) => {
  // Answers the first request on each connection and drops the connection on any later one, as a site
  // does when it closes an idle keep-alive socket just as the hub reuses it.
  const served = new WeakSet<object>();
  const dropsReused: Execute = (ctx) => {
    if (served.has(ctx.req.socket)) {
      ctx.req.socket.destroy();
      return;
    }
    served.add(ctx.req.socket);
    answers([cell({}, exact(4))])(ctx);
  };
  const north = await startStandInSite('north', dropsReused);
  const hub = await hubFor(t, [north]);
  for (let i = 0; i < 3; i++) {
    const { json } = await postQuery(hub, { plan: COUNT_PLAN });
    const status = await finalStatus(hub, json.id);
    assert.equal(status.sites.north.state, 'done', `query ${i}: ${JSON.stringify(status.sites.north.error)}`);
  }
  assert.equal(
    north.seen.filter((r) => r.path === '/v1/execute').length,
    5,
    'one first try, then a reused try and a fresh retry per later query',
  );
});

test('a site a query could not reach is shown down at once, not after the health cache expires', LIMIT, async (t) => {
  const north = await startStandInSite('north', answers([cell({}, exact(42))]));
  const south = await startStandInSite('south', answers([cell({}, exact(7))]));
  const hub = await hubFor(t, [north, south]);
  const statusOf = async (id: string) => {
    const { json } = await getJson<{ sites: Array<{ id: string; status: string }> }>(`${hub.url}/v1/sites`);
    return json.sites.find((s) => s.id === id)?.status;
  };
  assert.equal(await statusOf('south'), 'up');
  await south.close();
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  const status = await finalStatus(hub, json.id);
  assert.equal(status.sites.south.error?.code, 'ERR_SITE_UNREACHABLE');
  // well inside the 5 s health cache: without the query's news the hub would still say "up"
  assert.equal(await statusOf('south'), 'down');
  assert.equal(await statusOf('north'), 'up');
});
