/**
 * A site that dies mid-query, a site that hangs, and bad plans: the query still answers with the
 * other sites, the failure is named, and no process falls over.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type Service } from '../harness/processes.js';
import { siteFile, type SiteSpec } from '../harness/sites.js';
import { getJson, plainRows, postJson, runThroughHub } from '../harness/hub-api.js';

// "big" is large enough that a heavy crosstab runs for a while, so it can be killed mid-query.
const SPECS: SiteSpec[] = [
  { id: 'north', seed: 22, persons: 6000, profile: 'regional' },
  { id: 'south', seed: 33, persons: 3000, profile: 'small' },
  { id: 'big', seed: 44, persons: 150000, profile: 'central' },
];
const sites: Record<string, Service> = {};
let hub: Service;

before(async () => {
  for (const spec of SPECS) {
    const file = await siteFile(spec);
    sites[spec.id] = await startService(['site', '--db', file, '--id', spec.id, '--port', '0', '--dev-insecure']);
  }
  hub = await startService([
    'hub',
    '--port',
    '0',
    '--dev-insecure',
    '--site-timeout-ms',
    '4000',
    ...SPECS.flatMap((s) => ['--site', `${s.id}=${sites[s.id].url}`]),
  ]);
});

after(async () => {
  await hub?.stop();
  await Promise.all(Object.values(sites).map((s) => s.stop('SIGKILL')));
});

/** Every condition event, every dimension: heavy enough to keep "big" busy for a while. */
const HEAVY = {
  version: 1,
  cohort: {
    ConceptSets: [],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }], PrimaryCriteriaLimit: { Type: 'All' } },
    ExpressionLimit: { Type: 'All' },
  },
  analysis: { kind: 'crosstab', by: ['gender', 'age_group', 'index_year'] },
};

const COUNT_ALL = {
  version: 1,
  cohort: {
    ConceptSets: [],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }], PrimaryCriteriaLimit: { Type: 'First' } },
  },
  analysis: { kind: 'count' },
};

/** A plan text whose Title nests {"a": ...} `depth` levels deep: it could exhaust a naive recursive validator. */
function nestedPlan(depth: number): string {
  const title = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return JSON.stringify(COUNT_ALL).replace('"cohort":{', `"cohort":{"Title":${title},`);
}

/** Reads SSE until `predicate` matches an event, then returns; the stream stays open in the background. */
async function waitForEvent(url: string, predicate: (event: string, data: any) => boolean): Promise<void> {
  const res = await fetch(url);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('event stream ended before the expected event');
    buffer += decoder.decode(value, { stream: true });
    let sep;
    while ((sep = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, sep);
      buffer = buffer.slice(sep + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data && predicate(event, JSON.parse(data))) {
        void reader.cancel();
        return;
      }
    }
  }
}

test('bad plans get 400 with a message naming the problem, at the hub and at a site, and nothing crashes', async () => {
  // Over the 8 MiB plan limit as compact JSON, yet under the body limit: the plan module's refusal.
  const huge = {
    ...COUNT_ALL,
    cohort: {
      ...COUNT_ALL.cohort,
      ConceptSets: [
        ...COUNT_ALL.cohort.ConceptSets,
        {
          id: 99,
          name: 'long',
          expression: {
            items: Array.from({ length: 4500 }, (_, i) => ({ concept: { CONCEPT_ID: i + 1, CONCEPT_NAME: 'x'.repeat(1900) } })),
          },
        },
      ],
    },
  };
  const cases: Array<{ body: unknown; raw?: boolean; code: string; mention: RegExp }> = [
    { body: '{"version": 1, "cohort": ', raw: true, code: 'ERR_PLAN_INVALID', mention: /JSON/i },
    { body: { ...COUNT_ALL, version: 'one' }, code: 'ERR_PLAN_INVALID', mention: /version/ },
    { body: { ...COUNT_ALL, analysis: { kind: 'regression' } }, code: 'ERR_PLAN_INVALID', mention: /regression|kind/ },
    {
      body: { ...COUNT_ALL, cohort: { ...COUNT_ALL.cohort, PrimaryCriteria: { CriteriaList: [{ Episode: {} }] } } },
      code: 'ERR_PLAN_UNSUPPORTED',
      mention: /Episode/,
    },
    {
      body: {
        ...COUNT_ALL,
        cohort: {
          ...COUNT_ALL.cohort,
          InclusionRules: [
            {
              name: 'r',
              expression: {
                Type: 'ALL',
                CriteriaList: [
                  {
                    Criteria: { DrugExposure: {} },
                    StartWindow: { Start: { Days: 30, Coeff: -1 }, End: { Days: 0, Coeff: 1 } },
                    Occurrence: { Type: -99, Count: 1 },
                  },
                ],
              },
            },
          ],
        },
      },
      code: 'ERR_PLAN_INVALID',
      mention: /InclusionRules\[0\]\.expression\.CriteriaList\[0\]\.Occurrence\.Type: Occurrence\.Type must be 0 \(exactly\)/,
    },
    {
      body: {
        ...COUNT_ALL,
        cohort: { ...COUNT_ALL.cohort, PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 9 } }] } },
      },
      code: 'ERR_PLAN_INVALID',
      mention: /CodesetId/,
    },
    { body: huge, code: 'ERR_PLAN_TOO_LARGE', mention: /8192 KiB limit/ },
    {
      body: {
        ...COUNT_ALL,
        cohort: {
          ...COUNT_ALL.cohort,
          ConceptSets: Array.from({ length: 501 }, (_, id) => ({ id, name: `s${id}`, expression: { items: [] } })),
        },
      },
      code: 'ERR_PLAN_INVALID',
      mention: /ConceptSets.*500/,
    },
    { body: nestedPlan(5000), raw: true, code: 'ERR_PLAN_INVALID', mention: /deep|depth|nest/i },
    { body: nestedPlan(100_000), raw: true, code: 'ERR_PLAN_INVALID', mention: /JSON|deep|depth|nest/i },
  ];
  for (const c of cases) {
    const viaHub = await postJson(`${hub.url}/v1/queries`, c.raw ? `{"plan": ${c.body as string}}` : { plan: c.body }, c.raw);
    const atSite = await postJson(`${sites.north.url}/v1/execute`, c.raw ? c.body : JSON.stringify(c.body), true);
    for (const [where, r] of [
      ['hub', viaHub],
      ['site', atSite],
    ] as const) {
      assert.equal(r.status, 400, `${where} ${c.code}: status ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      assert.equal(r.body.error.code, c.code, `${where}: ${JSON.stringify(r.body).slice(0, 300)}`);
      assert.match(r.body.error.message, c.mention, `${where}: ${r.body.error.message}`);
    }
  }
  for (const s of [hub, ...Object.values(sites)]) assert.equal((await getJson(`${s.url}/healthz`)).status, 200);
});

test('a site that hangs times out; the others answer', async () => {
  sites.south.child.kill('SIGSTOP');
  try {
    const { table, status } = await runThroughHub(hub.url, COUNT_ALL, ['north', 'south']);
    assert.equal(status.sites.south.state, 'timeout');
    assert.equal(status.sites.south.error.code, 'ERR_SITE_TIMEOUT');
    assert.match(status.sites.south.error.message, /south/);
    assert.equal(status.sites.north.state, 'done');
    const rows = plainRows(table);
    assert.deepEqual([...new Set(rows.map((r) => r.site))].sort(), ['north', 'pooled']);
  } finally {
    sites.south.child.kill('SIGCONT');
  }
});

test('a site killed mid-query fails with a clear error; the two others answer and the hub keeps working', async () => {
  const submitted = await postJson(`${hub.url}/v1/queries`, { plan: HEAVY });
  assert.equal(submitted.status, 202);
  const id = submitted.body.id;
  await waitForEvent(
    `${hub.url}/v1/queries/${id}/events`,
    (event, data) => event === 'site' && data.site === 'big' && data.state === 'running',
  );
  sites.big.child.kill('SIGKILL');
  const res = await fetch(`${hub.url}/v1/queries/${id}/results`);
  const { tableFromIPC } = await import('apache-arrow');
  const rows = plainRows(tableFromIPC(new Uint8Array(await res.arrayBuffer())));
  const status = (await getJson(`${hub.url}/v1/queries/${id}`)).body;
  assert.equal(status.sites.big.state, 'failed', JSON.stringify(status.sites.big));
  assert.equal(status.sites.big.error.code, 'ERR_SITE_UNREACHABLE');
  assert.match(status.sites.big.error.message, /big/);
  assert.equal(status.sites.north.state, 'done');
  assert.equal(status.sites.south.state, 'done');
  assert.deepEqual([...new Set(rows.map((r) => r.site))].sort(), ['north', 'pooled', 'south']);
  assert.ok(rows.filter((r) => r.site === 'north').length > 10, 'north answered the crosstab');

  // The hub still works, and knows big is down.
  const again = await runThroughHub(hub.url, COUNT_ALL, ['north', 'south']);
  assert.equal(again.status.state, 'done');
  const registry = (await getJson(`${hub.url}/v1/sites`)).body.sites as Array<{ id: string; status: string }>;
  assert.equal(registry.find((s) => s.id === 'big')!.status, 'down');
  assert.equal(registry.find((s) => s.id === 'north')!.status, 'up');
});
