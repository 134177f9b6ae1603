/**
 * What one finished query costs the hub's memory while the query store holds it (issue 11, the
 * soak's memory line): real site answers (the soak's nine plans, asked once of the three test sites
 * over HTTP) are settled into N queries exactly as the hub's fan-out does (startSite, the answer memo,
 * settleSite, a results and an events reader, the audit line's digest), into a real QueryStore bounded
 * at `--keep` queries. After a full GC it prints, per query held: V8 heap, external memory and array
 * buffers, against the bytes the store counts for its `max_store_bytes` bound. (RSS is left out: in one
 * process it moves with V8's young generation and malloc's arenas far more than with 1,000 queries.)
 *
 * Usage: node --expose-gc lib-test/bench/query-footprint.js [--queries 3000] [--keep 1000]
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { startService, type Service } from '../test/harness/processes.js';
import { siteFile, THREE_SITES } from '../test/harness/sites.js';
import { Query } from '../src/hub/query.js';
import { QueryStore } from '../src/hub/query-store.js';
import { decodeSiteAnswerMemo } from '../src/hub/answer-memo.js';
import { expectedNullability, expectedSignature } from '../src/hub/decode.js';
import { checkSubmittedPlan, rememberBodyText } from '../src/hub/plan-memo.js';
import { SOAK_PLANS } from './soak-plans.js';

const { values } = parseArgs({
  options: { queries: { type: 'string', default: '3000' }, keep: { type: 'string', default: '1000' } },
});
const QUERIES = Number(values.queries);
const KEEP = Number(values.keep);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

interface Asked {
  text: string;
  answers: Array<[string, Buffer]>;
}

/** Each plan asked of each real site once: the bytes a site answers it with. */
async function realAnswers(): Promise<Asked[]> {
  const sites: Service[] = [];
  try {
    for (const spec of THREE_SITES) {
      sites.push(await startService(['site', '--db', await siteFile(spec), '--id', spec.id, '--port', '0', '--dev-insecure']));
    }
    const out: Asked[] = [];
    for (const plan of SOAK_PLANS) {
      const text = JSON.stringify({ plan });
      const answers: Array<[string, Buffer]> = [];
      for (const [i, spec] of THREE_SITES.entries()) {
        const res = await fetch(`${sites[i].url}/v1/execute`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(plan),
        });
        if (res.status !== 200) throw new Error(`${spec.id}: ${res.status} ${await res.text()}`);
        answers.push([spec.id, Buffer.from(await res.arrayBuffer())]);
      }
      out.push({ text, answers });
    }
    return out;
  } finally {
    await Promise.all(sites.map((s) => s.stop()));
  }
}

/** One query's life as the hub's routes and fan-out live it, with a reader of each stream. */
function runQuery(store: QueryStore, asked: Asked): void {
  const body = JSON.parse(asked.text) as { plan: unknown };
  rememberBodyText(body, asked.text);
  const checked = checkSubmittedPlan(body);
  if (!checked.ok) throw new Error('plan refused');
  const siteIds = asked.answers.map(([s]) => s);
  const query = new Query(randomUUID(), checked.hash, checked.plan.analysis, siteIds);
  query.owner = 'caller';
  store.add(query);
  query.onFinished(() => query.releasedDigest());
  query.prepare();
  const expected = expectedSignature(query.analysis);
  const nulls = expectedNullability(query.analysis);
  let received = 0;
  const stopResults = query.subscribeResults((chunks) => (received += chunks.length));
  const stopEvents = query.subscribeEvents((text) => (received += text.length));
  for (const [site] of asked.answers) query.startSite(site);
  for (const [site, bytes] of asked.answers) {
    // A fresh Buffer per answer, as each HTTP response is.
    query.settleSite(site, decodeSiteAnswerMemo(Buffer.from(bytes), expected, site, undefined, nulls));
  }
  stopResults();
  stopEvents();
  query.status();
}

function measure(): { heap: number; external: number; arrayBuffers: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

const asked = await realAnswers();
const store = new QueryStore(KEEP, 3_600_000);
// Warm up (code, memos) with a store of its own, then measure what the kept queries add.
const warm = new QueryStore(KEEP, 3_600_000);
for (let i = 0; i < KEEP; i++) runQuery(warm, asked[i % asked.length]);
const before = measure();
for (let i = 0; i < QUERIES; i++) runQuery(store, asked[i % asked.length]);
const after = measure();
const held = store.size;
const per = (k: keyof typeof before) => Math.round((after[k] - before[k]) / held);
process.stdout.write(
  [
    `query footprint: ${QUERIES} queries of the soak's ${asked.length} plans × 3 real sites' answers, store keeps ${held}`,
    `per query held: heap ${per('heap')} B, external ${per('external')} B (array buffers ${per('arrayBuffers')} B)`,
    `store counts ${Math.round(store.bytes / held)} B per query (results + events); all held: heap ${((after.heap - before.heap) / 1048576).toFixed(1)} MiB, external ${((after.external - before.external) / 1048576).toFixed(1)} MiB`,
  ].join('\n') + '\n',
);
