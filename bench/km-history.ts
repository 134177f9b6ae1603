/**
 * What the release history adds to a Kaplan–Meier counts round at a site (issue 9; not a test):
 * the site's own kmCounts on an in-memory person table, without a ledger (the exact profile's
 * path, key sums only: the baseline) against the standard profile with a ledger — every per-bin
 * count's person set built (at-risk as suffix unions), checked against 10,000 earlier sets of the
 * same user (sizes 5 … 2,000, as bench/disclosure-latency.ts) and against the round's own sets —
 * interleaved in one run, p50 / p95, and the sets a round records.
 * Usage: node lib-test/bench/km-history.js [--persons 66000] [--strata 2] [--runs 21]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { kmCounts } from '../src/analysis/kinds/km/site.js';
import type { KmAnalysis } from '../src/analysis/kinds/km/plan.js';
import type { PersonTable } from '../src/analysis/kinds/person-table.js';
import { ReleaseLedger } from '../src/analysis/kinds/release-ledger.js';
import { CellAccumulator, EXACT_POLICY, STANDARD_POLICY } from '../src/disclosure/index.js';
import { KEY_WORDS, RecordKeys } from '../src/disclosure/record-keys.js';
import { SetIndex, signed } from '../src/disclosure/set-index.js';
import { mulberry32 } from '../src/stats/random.spec-util.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '66000' },
    strata: { type: 'string', default: '2' },
    runs: { type: 'string', default: '21' },
  },
});
const N = Number(values.persons);
const S = Number(values.strata);
const RUNS = Number(values.runs);
const K = STANDARD_POLICY.minCellCount;
const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(11));

function table(): PersonTable {
  const rnd = mulberry32(42);
  const words = keys.derive(BigInt64Array.from({ length: N }, (_, i) => BigInt(i + 1)));
  const days = new Float64Array(N);
  const events = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const death = -Math.log(1 - rnd()) * 2500; // exponential survival, median ~4.7 years
    const followUp = 200 + rnd() * 1700; // censored at the end of observation
    days[i] = Math.min(Math.floor(Math.min(death, followUp)), 1825);
    events[i] = death <= followUp && death <= 1825 ? 1 : 0;
  }
  const levels = Array.from({ length: N }, (_, i) => `s${i % S}`);
  return {
    size: N,
    keys: Uint32Array.from({ length: N }, (_, i) => words[i * KEY_WORDS]),
    words,
    numeric: new Map([['os', days]]),
    events: new Map([['os', events]]),
    levels: new Map([['g', levels]]),
  };
}

/** 10,000 earlier releases of sizes 5 … 2,000 (persons other than the cohort's). */
function history(): SetIndex {
  const index = new SetIndex();
  for (let i = 0; i < 10_000; i++) {
    const n = 5 + (i % 1995);
    const w = keys.derive(BigInt64Array.from({ length: n }, (_, j) => BigInt(10_000_000 + i * 2_000 + j)));
    const acc = new CellAccumulator(K);
    for (let j = 0; j < n; j++) acc.add(w, j, true, 0);
    const set = acc.personSet();
    index.add({ n, ...signed(set.signature), planHash: `plan-${i}`, cell: 'c', time: 0 });
  }
  return index;
}

const analysis: KmAnalysis = {
  kind: 'km',
  variables: { os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 }, g: { type: 'gender' } } as never,
  time: 'os',
  ...(S > 1 ? { strata: 'g' } : {}),
  binDays: 30,
};
const ends = Array.from({ length: 62 }, (_, i) => i * 30);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const t = table();
let built = performance.now();
const earlier = history();
built = performance.now() - built;
const plain: number[] = [];
const withLedger: number[] = [];
let recorded = 0;
for (let run = 0; run < RUNS; run++) {
  let t0 = performance.now();
  kmCounts(t, analysis, ends, EXACT_POLICY);
  plain.push(performance.now() - t0);
  t0 = performance.now();
  t.ledger = new ReleaseLedger(K, (s) => earlier.conflict(s, K), 'km-counts');
  kmCounts(t, analysis, ends, STANDARD_POLICY);
  withLedger.push(performance.now() - t0);
  recorded = t.ledger.sets.length;
  t.ledger = undefined;
}
const f = (x: number) => `${x.toFixed(1)} ms`;
console.log(
  `km-history: ${N} persons, ${S} strata, ${ends.length} bins, ${RUNS} runs; history of 10,000 sets built in ${f(built)}; load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}\n` +
    `  no ledger (key sums only, the baseline): p50 ${f(pct(plain, 50))}  p95 ${f(pct(plain, 95))}\n` +
    `  ledger (sets, history and round checks): p50 ${f(pct(withLedger, 50))}  p95 ${f(pct(withLedger, 95))}  (×${(pct(withLedger, 50) / pct(plain, 50)).toFixed(2)} p50)\n` +
    `  person sets a round records: ${recorded} (at most 3 per bin and stratum + 3 = ${3 * ends.length * S + 3})`,
);
