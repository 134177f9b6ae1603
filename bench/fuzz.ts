/**
 * The fuzz test's longer run (not a test): many more plans from spec/plan.schema.json through a real
 * hub and site, any seed. Prints what the hub and the site answered and every plan that broke something.
 * Usage: node lib-test/bench/fuzz.js [--plans 100000] [--seed 1] [--concurrency 16] [--persons 1000]
 */
import { parseArgs } from 'node:util';
import { startService } from '../test/harness/processes.js';
import { siteFile } from '../test/harness/sites.js';
import { samplePlans } from '../test/fuzz/plan-arbitrary.js';
import { fuzzHub } from '../test/fuzz/run-fuzz.js';

const { values } = parseArgs({
  options: {
    plans: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    concurrency: { type: 'string', default: '16' },
    persons: { type: 'string', default: '1000' },
  },
});

const file = await siteFile({ id: 'south', seed: 33, persons: Number(values.persons), profile: 'small' });
const site = await startService([
  'site',
  '--db',
  file,
  '--id',
  'south',
  '--port',
  '0',
  '--dev-insecure',
  '--audit-log',
  '/dev/null',
]);
const hub = await startService([
  'hub',
  '--port',
  '0',
  '--dev-insecure',
  '--audit-log',
  '/dev/null',
  '--site',
  `south=${site.url}`,
]);
try {
  const t = performance.now();
  const plans = samplePlans(Number(values.plans), Number(values.seed));
  process.stdout.write(
    `fuzz: ${plans.length} plans, seed ${values.seed}, drawn in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );
  const report = await fuzzHub(hub.url, plans, Number(values.concurrency));
  process.stdout.write(
    `ran in ${(report.elapsedMs / 1000).toFixed(1)} s; hub ${JSON.stringify(report.hubStatus)}; site ${JSON.stringify(report.siteOutcomes)}\n` +
      `broken: ${report.brokenCount}\n` +
      report.broken.map((b) => `  #${b.index}: ${b.what}\n    ${b.plan}`).join('\n') +
      '\n',
  );
  const alive = [hub, site].every((s) => s.child.exitCode === null);
  process.stdout.write(`services still running: ${alive}\n`);
  process.exitCode = report.brokenCount === 0 && alive ? 0 : 1;
} finally {
  await hub.stop();
  await site.stop();
}
