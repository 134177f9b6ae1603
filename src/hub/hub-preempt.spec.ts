/**
 * The hub over real HTTP against a stand-in site: a backlog's running call is stopped for another
 * caller's one-off query at a full site (src/hub/scheduler.ts), the site sees its request closed, and
 * the stopped call runs again later and its query ends as if nothing had happened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNT_PLAN, PLAN, finalStatus, getJson, hubFor, postQuery, readEvents, readResults } from './hub-client.spec-util.js';
import { answers, exact, gatedFlood, startStandInSite, type Execute } from './stand-in-site.spec-util.js';
import type { QueryStatus } from './query.js';

/** A broken hub must fail a test, not hang the suite. */
const LIMIT = { timeout: 15_000 };

test(
  "a one-off query stops a flood's running call at a full site; the stopped call runs again and its query ends done",
  LIMIT,
  async (t) => {
    // Crosstabs (the flood) are answered once the gate opens; counts (bob) at once.
    const flood = gatedFlood();
    const count = answers([{ dims: {}, measures: { persons: exact(3), events: exact(4) } }]);
    const execute: Execute = (ctx) => (ctx.plan.analysis.kind === 'count' ? count(ctx) : flood.execute(ctx));
    // The stand-in advertises no capacity: the hub assumes 4 slots and keeps 1 from any single caller.
    const north = await startStandInSite('north', execute);
    const hub = await hubFor(t, [north]);
    const alice = { authorization: 'Bearer alice' };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await postQuery(hub, { plan: PLAN }, alice)).json.id);
    await flood.third;
    const waiting = await getJson<QueryStatus>(`${hub.url}/v1/queries/${ids[3]}`);
    assert.equal(waiting.json.sites.north.state, 'queued', 'alice holds 3 of 4 slots; her fourth waits');

    // Bob's count takes the fourth slot; the site would run 4 calls, more than its share of 3: alice's
    // most recent call is stopped (the site sees its request closed) and bob's answer is not held back.
    const bob = await postQuery(hub, { plan: COUNT_PLAN }, { authorization: 'Bearer bob' });
    await north.executeAborted;
    const bobStatus = await finalStatus(hub, bob.json.id);
    assert.equal(bobStatus.state, 'done');
    assert.equal(bobStatus.sites.north.rows, 1);

    flood.open();
    const statuses = await Promise.all(ids.map((id) => finalStatus(hub, id)));
    assert.deepEqual(
      statuses.map((s) => s.state),
      ['done', 'done', 'done', 'done', 'done'],
    );
    for (const id of ids) {
      const { batches } = await readResults(hub, id);
      assert.deepEqual(
        batches.map((b) => [b.site, b.rows[0].measures.persons.value]),
        [
          ['north', 10],
          ['pooled', 10],
        ],
      );
    }
    // The stopped call went back to `queued`, then ran again: its query's site frames say so.
    const { events } = await readEvents(hub, ids[2]);
    const states = events.filter((e) => e.event === 'site').map((e) => (e.data as { state: string }).state);
    assert.deepEqual(states, ['running', 'queued', 'running', 'done']);
    // Five crosstab answers and the stopped one: one call more than alice's queries, and bob's count.
    assert.equal(flood.calls(), 6);
    assert.equal(north.seen.filter((r) => r.path === '/v1/execute').length, 7);
  },
);
