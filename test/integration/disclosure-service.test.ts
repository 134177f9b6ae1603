/**
 * Disclosure control as a service: preview at the site and through the hub (nothing released,
 * recorded or counted), refusal of a differencing release naming the earlier plan (strict), the
 * per-user rate limit with Retry-After, and the steward's history listing and audit lines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postJson, runThroughHub } from '../harness/hub-api.js';
import { runCli, startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { cohort, execute, plan } from '../harness/attacks.js';
import { HubClient } from '../../src/client/index.js';
import { DisclosureCheck, summarise } from '../../src/lab/query-panel/disclosure-check.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-disclosure-'));
const running: Service[] = [];
let file: string;

before(async () => {
  file = await siteFile(THREE_SITES[1]);
});
after(async () => {
  await Promise.all(running.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function site(id: string, toml: string): Promise<Service> {
  const config = path.join(dir, `${id}.toml`);
  writeFileSync(config, `[disclosure]\n${toml}\nhistory_dir = "${path.join(dir, id)}"\n`);
  const s = await startService([
    'site',
    '--db',
    file,
    '--id',
    id,
    '--port',
    '0',
    '--dev-insecure',
    '--config',
    config,
    '--audit-log',
    path.join(dir, `${id}.audit.jsonl`),
  ]);
  running.push(s);
  return s;
}

const over = (age: number) => plan(cohort('prostate', { Age: { Value: age, Op: 'gte' } }), { kind: 'count' });

test('preview says per cell what would happen, at the site and through the hub, and releases, records and counts nothing', async () => {
  const s = await site('previewed', 'profile = "standard"\nrate_limit_queries = 2\nrate_limit_window_seconds = 600');
  const hub = await startService(['hub', '--port', '0', '--dev-insecure', '--site', `previewed=${s.url}`]);
  running.push(hub);
  const p = plan(cohort('prostate'), { kind: 'crosstab', by: ['age_group', 'gender'] });
  for (let i = 0; i < 2; i++) {
    const atSite = await postJson(`${s.url}/v1/preview`, p);
    assert.equal(atSite.status, 200);
    assert.equal(atSite.body.decision, 'released');
    assert.ok(atSite.body.cells.some((c: { action: string }) => c.action === 'withheld'));
    assert.ok(atSite.body.cells.some((c: { action: string }) => c.action === 'perturbed'));
    assert.ok(!JSON.stringify(atSite.body).match(/"(value|lower|upper|persons_lower)":/), 'no value in a preview');
  }
  const viaHub = await postJson(`${hub.url}/v1/preview`, { plan: p });
  assert.equal(viaHub.status, 200);
  assert.equal(viaHub.body.sites[0].site, 'previewed');
  assert.equal(viaHub.body.sites[0].policy.ptable.D, 2);
  // The panel's "Check disclosure" goes through HubClient.preview and summarise().
  const check = new DisclosureCheck();
  await check.check(new HubClient({ baseUrl: hub.url }), p, ['previewed']);
  assert.equal(check.state.status, 'done');
  if (check.state.status === 'done') {
    const { counts, notable } = summarise(check.state.result.sites[0]);
    assert.ok(counts.withheld > 0 && counts.perturbed > 0);
    assert.ok(notable.every((line) => /withheld|widened|refused/.test(line)));
  }
  assert.ok(!existsSync(path.join(dir, 'previewed', 'anonymous.jsonl')), 'previews leave no history');
  // Four previews did not spend the limit of two plans (previews have their own, four times larger).
  assert.equal((await execute(s.url, over(70))).status, 200);
  assert.equal((await execute(s.url, over(60))).status, 200);
  const res = await fetch(`${s.url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(over(50)),
  });
  assert.equal(res.status, 429);
  assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After');
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_RATE_LIMITED');
  // Another user (another token digest) has their own limit.
  const other = await fetch(`${s.url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer someone-else' },
    body: JSON.stringify(over(50)),
  });
  assert.equal(other.status, 200);
});

test('strict: a count differing from an earlier one by 1..k-1 persons is refused (422) naming the earlier plan; steward sees it', async () => {
  const s = await site('strict', 'profile = "strict"');
  // Find two neighbouring age bounds whose counts differ by 1..9 (the truth decides which the site refuses).
  const first = await execute(s.url, over(55));
  assert.equal(first.status, 200);
  const hashes: string[] = [];
  let refused: { status: number; body: { error: Record<string, string> } } | undefined;
  for (let age = 56; age <= 95 && !refused; age++) {
    const r = await fetch(`${s.url}/v1/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(over(age)),
    });
    if (r.status === 422) refused = { status: r.status, body: (await r.json()) as never };
    else hashes.push(r.headers.get('x-fedomop-plan-hash') ?? '');
  }
  assert.ok(refused, 'some neighbouring age bound differs by fewer than 10 persons');
  assert.equal(refused.body.error.code, 'ERR_DISCLOSURE_DIFFERENCE');
  assert.match(refused.body.error.earlierPlanHash, /^[0-9a-f]{64}$/);
  assert.equal(refused.body.error.earlierCell, 'all');
  // Through the hub, the site's refusal reaches the researcher with the earlier plan named.
  const hub = await startService(['hub', '--port', '0', '--dev-insecure', '--site', `strict=${s.url}`]);
  running.push(hub);
  const again = await runThroughHub(hub.url, over(56)).catch((err: Error) => err);
  const status = again instanceof Error ? undefined : again.status;
  assert.equal(status?.sites.strict.error.code, 'ERR_DISCLOSURE_DIFFERENCE');
  assert.equal(status?.sites.strict.error.earlierPlanHash, refused.body.error.earlierPlanHash);
  const listing = await runCli(['site', 'history', '--history-dir', path.join(dir, 'strict')]);
  assert.equal(listing.code, 0, listing.stderr);
  assert.match(listing.stdout, /refused/);
  assert.ok(listing.stdout.includes(refused.body.error.earlierPlanHash.slice(0, 12)));
  const audit = readFileSync(path.join(dir, 'strict.audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(audit.some((a) => a.disclosure?.decision === 'refused' && a.code === 'ERR_DISCLOSURE_DIFFERENCE'));
  assert.ok(audit.some((a) => a.disclosure?.decision === 'released' && a.disclosure.perturbed >= 1));
});
