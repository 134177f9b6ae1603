/**
 * The site's audit log, as a data steward reads it: a real site process writing to a file, asked
 * through a real hub and directly. Every request to /v1/execute leaves one line saying what was
 * asked (plan hash, analysis), by whom (a token digest), what happened and how much left the site —
 * and nothing of the answer itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { devHubArgs, runCli, startService, type Service } from '../harness/processes.js';
import { refusedUrl } from '../../src/hub/stand-in-site.spec-util.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { plainRows, runThroughHub } from '../harness/hub-api.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-audit-'));
const logFile = path.join(dir, 'audit.jsonl');
const hubLogFile = path.join(dir, 'hub-audit.jsonl');
let site: Service;
let hub: Service;

before(async () => {
  const file = await siteFile(THREE_SITES[2]);
  site = await startService(['site', '--db', file, '--id', 'south', '--port', '0', '--dev-insecure', '--audit-log', logFile]);
  hub = await startService(devHubArgs({ south: site.url, gone: await refusedUrl() }, ['--audit-log', hubLogFile]));
});

after(async () => {
  await hub?.stop();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const MALIGNANCY_BY_GENDER_AGE = {
  version: 1,
  cohort: {
    ConceptSets: [{ id: 1, expression: { items: [{ concept: { CONCEPT_ID: 443392 }, includeDescendants: true }] } }],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 1 } }], PrimaryCriteriaLimit: { Type: 'All' } },
    ExpressionLimit: { Type: 'All' },
  },
  analysis: { kind: 'crosstab', by: ['gender', 'age_group'] },
};

const ENTRY_FIELDS = new Set([
  'time',
  'site',
  'event',
  'outcome',
  'status',
  'code',
  'planHash',
  'analysis',
  'rows',
  'suppressedCells',
  'disclosure', // counts of cells perturbed / withheld / widened, or why it refused (issue 9)
  'elapsedMs',
  'caller',
  'remote',
  // The hash chain (src/node/audit-log.ts), the caller as verified (or told apart under
  // --dev-insecure), the disclosure profile chosen and a digest of the bytes released.
  'seq',
  'prev',
  'hash',
  'user',
  'username',
  'groups',
  'profile',
  'released',
]);

const readLog = (file = logFile) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('each request to /v1/execute leaves one line: what was asked, by whom, what left — never the answer', async () => {
  // Released, through the hub, with cells below the minimum.
  const { table } = await runThroughHub(hub.url, MALIGNANCY_BY_GENDER_AGE, ['south']);
  const rows = plainRows(table).filter((r) => r.site === 'south');
  const suppressed = rows.reduce(
    (n, r) => n + Object.entries(r).filter(([k, v]) => k.endsWith('_suppressed') && v === true).length,
    0,
  );
  assert.ok(suppressed > 0, 'the plan is chosen so some cells are suppressed');
  const planHash = table.schema.metadata.get('fedomop.plan_hash');

  // Asked directly with a token, then with a broken plan, then with an unsupported part.
  const token = 'Bearer a-researchers-token';
  const direct = await fetch(`${site.url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ ...MALIGNANCY_BY_GENDER_AGE, analysis: { kind: 'count' } }),
  });
  assert.equal(direct.status, 200);
  const directRows = tableFromIPC(new Uint8Array(await direct.arrayBuffer())).numRows;
  const broken = await fetch(`${site.url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"version": 1, "cohort": ',
  });
  assert.equal(broken.status, 400);
  const wrongType = await fetch(`${site.url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: '<plan/>',
  });
  assert.equal(wrongType.status, 415);

  const log = readLog();
  assert.equal(log.length, 4, JSON.stringify(log));
  for (const entry of log) {
    assert.deepEqual(
      Object.keys(entry).filter((k) => !ENTRY_FIELDS.has(k)),
      [],
      'only the documented fields: no counts, no plan text',
    );
    assert.equal(entry.site, 'south');
    assert.equal(entry.event, 'execute');
    assert.ok(!Number.isNaN(Date.parse(entry.time as string)));
    assert.equal(typeof entry.elapsedMs, 'number');
  }
  const [viaHub, withToken, brokenPlan, notJson] = log;
  assert.deepEqual(
    { ...viaHub, time: undefined, elapsedMs: undefined, remote: undefined, seq: undefined, prev: undefined, hash: undefined },
    {
      seq: undefined,
      prev: undefined,
      hash: undefined,
      time: undefined,
      site: 'south',
      event: 'execute',
      outcome: 'released',
      status: 200,
      planHash,
      analysis: 'crosstab',
      rows: rows.length,
      suppressedCells: suppressed,
      released: viaHub.released,
      profile: 'standard',
      // exact profile (the harness default): nothing perturbed; every suppressed cell withheld
      disclosure: { decision: 'released', perturbed: 0, withheld: suppressed, widened: 0 },
      elapsedMs: undefined,
      caller: null,
      user: 'insecure:anonymous',
      remote: undefined,
    },
  );
  assert.match(String(viaHub.released), /^[0-9a-f]{64}$/);
  assert.equal(withToken.outcome, 'released');
  assert.equal(withToken.analysis, 'count');
  assert.equal(withToken.rows, directRows);
  assert.equal(withToken.caller, createHash('sha256').update(token).digest('hex').slice(0, 16));
  assert.ok(!JSON.stringify(log).includes('a-researchers-token'), 'the token itself is never written');
  assert.deepEqual(
    { outcome: brokenPlan.outcome, status: brokenPlan.status, code: brokenPlan.code, planHash: brokenPlan.planHash },
    { outcome: 'refused', status: 400, code: 'ERR_PLAN_INVALID', planHash: undefined },
  );
  assert.deepEqual(
    { outcome: notJson.outcome, status: notJson.status, code: notJson.code },
    { outcome: 'refused', status: 415, code: 'ERR_UNSUPPORTED_MEDIA_TYPE' },
  );
});

test('a site whose audit log cannot be opened refuses to start, and says why', async () => {
  const file = await siteFile(THREE_SITES[2]);
  const r = await runCli([
    'site',
    '--db',
    file,
    '--id',
    'south',
    '--port',
    '0',
    '--dev-insecure',
    '--audit-log',
    path.join(dir, 'no-such-dir', 'audit.jsonl'),
  ]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot open the audit log .*no-such-dir/);
});

test('a query stopped by the site’s own time limit is recorded as failed, with its code and plan', async () => {
  const file = await siteFile(THREE_SITES[2]);
  const slowLog = path.join(dir, 'strict.audit.jsonl');
  const strict = await startService([
    'site',
    '--db',
    file,
    '--id',
    'strict',
    '--port',
    '0',
    '--dev-insecure',
    '--query-timeout-ms',
    '1',
    '--audit-log',
    slowLog,
  ]);
  try {
    const res = await fetch(`${strict.url}/v1/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(MALIGNANCY_BY_GENDER_AGE),
    });
    assert.equal(res.status, 500);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_QUERY_FAILED');
  } finally {
    await strict.stop();
  }
  const [entry] = readFileSync(slowLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(entry.outcome, 'failed');
  assert.equal(entry.status, 500);
  assert.equal(entry.code, 'ERR_QUERY_FAILED');
  assert.equal(entry.analysis, 'crosstab');
  assert.match(String(entry.planHash), /^[0-9a-f]{64}$/);
  assert.equal(entry.rows, undefined);
});

test('the hub records each query when it ends — who asked which sites, how each answered — and each refusal', async () => {
  const token = 'Bearer hub-caller';
  const submitted = await fetch(`${hub.url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ plan: { ...MALIGNANCY_BY_GENDER_AGE, analysis: { kind: 'count' } } }),
  });
  assert.equal(submitted.status, 202);
  const { id, planHash } = (await submitted.json()) as { id: string; planHash: string };
  await (await fetch(`${hub.url}/v1/queries/${id}/results`)).arrayBuffer();
  const refused = await fetch(`${hub.url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ plan: { version: 1 } }),
  });
  assert.equal(refused.status, 400);

  const lines = readLog(hubLogFile);
  const query = lines.find((l) => l.id === id);
  assert.ok(query, JSON.stringify(lines));
  assert.equal(query.event, 'query');
  assert.equal(query.planHash, planHash);
  assert.equal(query.analysis, 'count');
  assert.equal(query.state, 'done');
  assert.equal(query.caller, createHash('sha256').update(token).digest('hex').slice(0, 16));
  const sites = query.sites as Record<string, { state: string; rows?: number; code?: string }>;
  assert.equal(sites.south.state, 'done');
  assert.equal(sites.south.rows, 1);
  assert.equal(sites.gone.state, 'failed');
  assert.equal(sites.gone.code, 'ERR_SITE_UNREACHABLE');
  assert.ok(!JSON.stringify(lines).includes('hub-caller'), 'the token itself is never written');
  const refusal = lines.at(-1)!;
  assert.deepEqual(
    { event: refusal.event, status: refusal.status, code: refusal.code },
    { event: 'refused', status: 400, code: 'ERR_PLAN_INVALID' },
  );
});
