/**
 * A finished query keeps only what its readers get, compacted (Query.compact, issue 11's soak memory
 * line): its results stream in one Buffer and its event log in one string. Readers must not be able
 * to tell: a late reader gets the very bytes and events a live one got, from any Last-Event-ID.
 * And it must weigh less: 1,000 finished queries held in a store, measured after a full GC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { arrowAnswer, exact } from './stand-in-site.spec-util.js';
import { decodeSiteAnswer, expectedNullability, expectedSignature } from './decode.js';
import { Query } from './query.js';
import { QueryStore } from './query-store.js';
import type { Analysis } from '../plan/types.js';

const CROSSTAB: Analysis = { kind: 'crosstab', by: ['gender', 'age_group'] } as Analysis;
const SITES = ['central', 'north', 'south'];

function answerFor(site: string, analysis: Analysis) {
  const rows = ['FEMALE', 'MALE'].flatMap((gender, g) =>
    ['50-59', '60-69', '70-79', '80+'].map((age_group, a) => ({
      site,
      dims: { gender, age_group },
      measures: { persons: exact(10 + g * 4 + a), events: exact(12 + g * 4 + a) },
    })),
  );
  const bytes = arrowAnswer(site, analysis, rows);
  return decodeSiteAnswer(bytes, expectedSignature(analysis), site, undefined, expectedNullability(analysis));
}

/** A query run to the end with a live results reader and a live events reader attached from the start. */
function runWithLiveReaders(id: string) {
  const query = new Query(id, 'hash', CROSSTAB, SITES);
  query.prepare();
  const live = { chunks: [] as Buffer[], events: '' };
  query.subscribeResults((chunks) => live.chunks.push(...chunks));
  query.subscribeEvents((text) => (live.events += text));
  query.queueSite('south');
  for (const site of SITES) query.startSite(site);
  for (const site of SITES) query.settleSite(site, answerFor(site, CROSSTAB));
  assert.equal(query.state, 'done');
  return { query, live };
}

test('a finished query replays exactly what live readers got: results bytes, events from every Last-Event-ID', () => {
  const { query, live } = runWithLiveReaders('q1');
  let late: Buffer[] = [];
  query.subscribeResults((chunks, end) => {
    late = chunks;
    assert.equal(end, true);
  });
  assert.equal(late.length, 1, 'one Buffer for the whole stream');
  assert.deepEqual(late[0], Buffer.concat(live.chunks));
  const frames = live.events.split(/(?<=\n\n)/);
  assert.equal(frames.length, 9, 'south queued, running and done ×3, pooled, done');
  for (let after = 0; after <= frames.length + 2; after++) {
    let replay: string | undefined;
    query.subscribeEvents((text, end) => {
      replay = text;
      assert.equal(end, true);
    }, after);
    assert.equal(replay, frames.slice(after).join(''), `Last-Event-ID ${after}`);
  }
  assert.match(query.releasedDigest(), /^[0-9a-f]{64}$/);
  const again = runWithLiveReaders('q1');
  assert.equal(query.releasedDigest(), again.query.releasedDigest());
});

test('a finished query has no site call to run: its site signals are aborted; a cancelled one keeps its state', () => {
  const { query } = runWithLiveReaders('q2');
  for (const site of SITES) assert.equal(query.siteSignal(site).aborted, true);
  const cancelled = new Query('q3', 'hash', CROSSTAB, SITES);
  const signal = cancelled.siteSignal('north');
  cancelled.cancel('stop');
  assert.equal(signal.aborted, true);
  assert.equal(cancelled.state, 'cancelled');
  assert.equal(cancelled.status().sites.north.error?.code, 'ERR_QUERY_CANCELLED');
});

test('1,000 finished queries held by the store take under 8 KiB of V8 heap each (was ~13.5 KiB)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const answers = new Map(SITES.map((s) => [s, answerFor(s, CROSSTAB)]));
  const run = (store: QueryStore, id: string) => {
    const query = new Query(id, 'a'.repeat(64), CROSSTAB, SITES);
    store.add(query);
    query.prepare();
    for (const site of SITES) query.startSite(site);
    for (const site of SITES) query.settleSite(site, answers.get(site)!);
  };
  // Warm up (code, hidden classes) before measuring.
  const warm = new QueryStore(1000, 3_600_000);
  for (let i = 0; i < 1000; i++) run(warm, `w${i}`);
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new QueryStore(1000, 3_600_000);
  for (let i = 0; i < 1000; i++) run(store, `q${i}`);
  gc();
  const perQuery = (process.memoryUsage().heapUsed - before) / store.size;
  assert.equal(store.size, 1000);
  assert.ok(perQuery < 8192, `${Math.round(perQuery)} B of heap per finished query`);
  assert.ok(warm.size === 1000);
});
