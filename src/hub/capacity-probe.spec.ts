/**
 * How a fresh hub learns a site's capacity: one anonymous /v1/info probe per site, whoever asks. Per
 * caller, 200 callers arriving at once made 600 probes on 600 new connections (issue 11's soak).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNT_PLAN, finalStatus, hubFor, postQuery } from './hub-client.spec-util.js';
import { answers, exact, startStandInSite } from './stand-in-site.spec-util.js';

const LIMIT = { timeout: 15_000 };

test('many new callers at once: each site is asked for its capacity once, anonymously', LIMIT, async (t) => {
  const count = answers([{ dims: {}, measures: { persons: exact(3), events: exact(4) } }]);
  const north = await startStandInSite('north', count);
  const south = await startStandInSite('south', count);
  const hub = await hubFor(t, [north, south]);
  const posted = await Promise.all(
    Array.from({ length: 20 }, (_, i) => postQuery(hub, { plan: COUNT_PLAN }, { authorization: `Bearer caller-${i}` })),
  );
  assert.deepEqual([...new Set(posted.map((p) => p.status))], [202]);
  await Promise.all(posted.map((p) => finalStatus(hub, p.json.id)));
  for (const site of [north, south]) {
    const probes = site.seen.filter((r) => r.path === '/v1/info');
    assert.equal(probes.length, 1, `${site.id} was asked ${probes.length} times`);
    assert.equal(probes[0].headers.authorization, undefined, "no caller's token goes with the hub's own probe");
  }
});
