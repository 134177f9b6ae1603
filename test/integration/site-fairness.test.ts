/**
 * The site's own fairness (src/site/limiter.ts), with a real site process and real DuckDB: plans
 * waiting for a slot are served round-robin by user, so one user's burst sent straight to a site
 * does not hold back another user's plan behind all of it. Asserted as ordering, not time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startService, type Service } from '../harness/processes.js';
import { siteFile, THREE_SITES } from '../harness/sites.js';
import { COUNT, CROSSTAB } from '../harness/flood-plans.js';

let site: Service;

before(async () => {
  // One plan at a time (and room for 4 waiting), so every plan but the first waits its turn.
  site = await startService(
    ['site', '--db', await siteFile(THREE_SITES[0]), '--id', 'central', '--port', '0'].concat([
      '--dev-insecure',
      '--max-concurrent',
      '1',
    ]),
  );
});

after(async () => {
  await site?.stop();
});

/** POSTs a plan as `who`; resolves once the body is handed to the kernel, with the answer's status to come. */
function execute(who: string, plan: unknown): { sent: Promise<void>; answered: Promise<number> } {
  let sent!: () => void;
  const sentP = new Promise<void>((resolve) => (sent = resolve));
  const answered = new Promise<number>((resolve, reject) => {
    const req = http.request(
      `${site.url}/v1/execute`,
      { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${who}` }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(plan), sent);
  });
  return { sent: sentP, answered };
}

test("a second user's plan waits for one of the first user's plans, not for the first user's whole burst", async () => {
  // Warm-up: DuckDB's caches and the site's code paths, so the burst's first plan is not a cold one.
  assert.equal(await execute('alice', CROSSTAB).answered, 200);
  assert.equal(await execute('bob', COUNT).answered, 200);

  const order: string[] = [];
  const burst = [1, 2, 3, 4].map(() => execute('alice', CROSSTAB)).map((r, i) => ({ ...r, name: `alice${i + 1}` }));
  await Promise.all(burst.map((r) => r.sent));
  const bob = { ...execute('bob', COUNT), name: 'bob' };
  const all = [...burst, bob].map((r) =>
    r.answered.then((status) => {
      order.push(r.name);
      return status;
    }),
  );
  assert.deepEqual(await Promise.all(all), [200, 200, 200, 200, 200], 'every plan answered (none refused as busy)');
  // First come, first served would put bob last; round-robin puts him right after the plan running
  // when he arrived (or the one after, if alice's next had already started).
  const position = order.indexOf('bob');
  assert.ok(position <= 2, `bob answered ${position + 1}th of 5: ${order.join(', ')}`);
});
