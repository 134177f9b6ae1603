/**
 * The hub over real HTTP against two stand-in sites on this machine (127.0.0.1, one host): a one-off
 * query at one site stops a flood's running calls at the other (src/hub/scheduler.ts `setHost`), they run
 * again once it is done, and every query ends done. Control: with each site its own host
 * (FEDOMOP_HUB_GIVE_WAY=site) the flood's calls at the other site are left running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNT_PLAN, PLAN, finalStatus, hubFor, postQuery, readEvents } from './hub-client.spec-util.js';
import { answers, exact, gatedFlood, startStandInSite, type Execute } from './stand-in-site.spec-util.js';

/** A broken hub must fail a test, not hang the suite. */
const LIMIT = { timeout: 15_000 };

/** Alice floods south with gated crosstabs; bob's count goes to north alone. Returns each of alice's queries' site states. */
async function scenario(t: { after(fn: () => unknown): void }): Promise<string[][]> {
  const flood = gatedFlood();
  const south = await startStandInSite('south', flood.execute);
  const count: Execute = answers([{ dims: {}, measures: { persons: exact(3), events: exact(4) } }]);
  const north = await startStandInSite('north', count);
  const hub = await hubFor(t, [north, south]);
  const alice = { authorization: 'Bearer alice' };
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await postQuery(hub, { plan: PLAN, sites: ['south'] }, alice)).json.id);
  // Alice holds 3 of south's 4 assumed slots (the hub keeps 1 from any single caller); 2 wait.
  await flood.third;
  const bob = await postQuery(hub, { plan: COUNT_PLAN, sites: ['north'] }, { authorization: 'Bearer bob' });
  assert.equal((await finalStatus(hub, bob.json.id)).state, 'done');
  flood.open();
  const statuses = await Promise.all(ids.map((id) => finalStatus(hub, id)));
  assert.deepEqual(
    statuses.map((s) => s.state),
    ['done', 'done', 'done', 'done', 'done'],
  );
  return Promise.all(
    ids.map(async (id) =>
      (await readEvents(hub, id)).events.filter((e) => e.event === 'site').map((e) => (e.data as { state: string }).state),
    ),
  );
}

test(
  "a one-off query at one site of this machine stops a flood's running calls at its other site; they run again and end done",
  LIMIT,
  async (t) => {
    const states = await scenario(t);
    const stopped = states.filter((s) => s.join() === 'running,queued,running,done');
    assert.equal(stopped.length, 3, `alice's three running calls at south were stopped and ran again: ${JSON.stringify(states)}`);
  },
);

test('control: with each site a host of its own, the flood at the other site keeps running', LIMIT, async (t) => {
  process.env.FEDOMOP_HUB_GIVE_WAY = 'site';
  t.after(() => delete process.env.FEDOMOP_HUB_GIVE_WAY);
  const states = await scenario(t);
  assert.ok(
    states.every((s) => !s.join().includes('running,queued')),
    `no call of alice's was stopped: ${JSON.stringify(states)}`,
  );
});
