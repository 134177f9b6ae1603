/**
 * 10,000 plans drawn by fast-check from spec/plan.schema.json (fixed seed, so a failure names a plan
 * that comes back on the next run) through a real hub to a real site: no 5xx, no service error at
 * a site, no process down. `node lib-test/bench/fuzz.js --plans 100000 --seed N` is the longer run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type Service } from '../harness/processes.js';
import { siteFile, type SiteSpec } from '../harness/sites.js';
import { samplePlans } from '../fuzz/plan-arbitrary.js';
import { fuzzHub } from '../fuzz/run-fuzz.js';

const SEED = 20261206;
const PLANS = 10_000;
// One small site: every valid plan runs there once (two sites would double the time, not the coverage).
const SPECS: SiteSpec[] = [{ id: 'south', seed: 33, persons: 1000, profile: 'small' }];
const sites: Service[] = [];
let hub: Service;

before(async () => {
  for (const spec of SPECS) {
    sites.push(await startService(['site', '--db', await siteFile(spec), '--id', spec.id, '--port', '0', '--dev-insecure']));
  }
  hub = await startService([
    'hub',
    '--port',
    '0',
    '--dev-insecure',
    '--audit-log',
    '/dev/null',
    ...sites.flatMap((s, i) => ['--site', `${SPECS[i].id}=${s.url}`]),
  ]);
});

after(async () => {
  await hub?.stop();
  await Promise.all(sites.map((s) => s.stop()));
});

test(
  `${PLANS} fuzzed plans (seed ${SEED}): only 202 or 400 from the hub, no service error at a site, nothing crashes`,
  { timeout: 300_000 },
  async (t) => {
    const plans = samplePlans(PLANS, SEED);
    const report = await fuzzHub(hub.url, plans, 16);
    t.diagnostic(
      `${report.plans} plans in ${(report.elapsedMs / 1000).toFixed(1)} s; hub ${JSON.stringify(report.hubStatus)}; sites ${JSON.stringify(report.siteOutcomes)}`,
    );
    assert.deepEqual(report.broken, [], `${report.brokenCount} plans broke something`);
    assert.ok((report.hubStatus['202'] ?? 0) > PLANS / 20, 'enough plans were valid to reach the sites');
    for (const s of [hub, ...sites]) {
      assert.equal(s.child.exitCode, null, 'still running');
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    }
  },
);
