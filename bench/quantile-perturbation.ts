/**
 * What perturbing and recording the quantile round's counts would cost (issue 9; not a test): the
 * hub's own bisection (src/analysis/kinds/bisection.ts) run over the demo sites' real values, once
 * as it runs (exact counts to the hub: the baseline) and once with every probe count released as a
 * site would release a count under the standard profile — the cell key ptable (same persons, same
 * noise), and the release history's rule: a probe whose persons differ from a probe already
 * answered for this user by 1 … k−1 persons is widened (standard) or refuses the round (strict).
 * Probe sets are nested (#{x ≤ v}), so two differ by the difference of their counts.
 * Prints per variable: quantiles released, equal to the exact ones, their rank error, distinct
 * probe sets a site would record, and conflicts.
 * Usage: node lib-test/bench/quantile-perturbation.js [--db FILE ...]   (default: the demo sites)
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { demoSiteFiles } from './demo-site-files.js';
import { bisectQuantiles, pooledCount, type CountInterval, type QuantileOutcome } from '../src/analysis/kinds/bisection.js';
import { answerProbes } from '../src/analysis/kinds/summary/site.js';
import { SUMMARY_QUANTILES } from '../src/analysis/kinds/result-columns.js';
import { compileVariables, variableValuesQuery, type Variables } from '../src/analysis/variables/index.js';
import { compile, duckdbDialect } from '../src/sql/index.js';
import { perturbCount, STANDARD_POLICY } from '../src/disclosure/index.js';
import { quantileTarget } from '../src/stats/quantile.js';
import { cohort } from '../test/harness/attacks.js';

const { values: args } = parseArgs({ options: { db: { type: 'string', multiple: true } } });
const K = STANDARD_POLICY.minCellCount;
const D = STANDARD_POLICY.maxNoise ?? 0;
const PS = SUMMARY_QUANTILES.map(([, p]) => p);
const VARIABLES: Variables = {
  age: { type: 'age_at_index' },
  psa_latest: {
    type: 'measurement',
    conceptSet: { items: [{ concept: { CONCEPT_ID: 3013603 }, includeDescendants: false }] },
    window: { start: -365, end: 0 },
    pick: 'latest',
  },
  hb_mean: {
    type: 'measurement',
    conceptSet: { items: [{ concept: { CONCEPT_ID: 3000963 }, includeDescendants: false }] },
    window: { start: -180, end: 180 },
    pick: 'mean',
  },
} as Variables;

async function sortedBySite(files: string[], variable: string): Promise<Float64Array[]> {
  const compiled = compileVariables(cohort('prostate'), VARIABLES, [variable]);
  const column = compiled.columns.find((c) => c.name === variable && c.role === 'value')!.column;
  const q = compile(variableValuesQuery(compiled), duckdbDialect);
  const out: Float64Array[] = [];
  for (const file of files) {
    const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(q.sql, q.parameters as never)).getRowObjectsJS();
    conn.closeSync();
    db.closeSync();
    out.push(
      Float64Array.from(rows.map((r) => (r[column] === null ? NaN : Number(r[column]))).filter((x) => !Number.isNaN(x))).sort(),
    );
  }
  return out;
}

/** A fixed pseudo-random cell key per site and set (the set is fixed by its count: sets are nested). */
function keyOf(site: number, count: number): number {
  let h = Math.imul(site + 1, 0x9e3779b1) ^ Math.imul(count + 7, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

interface Run {
  outcomes: QuantileOutcome[];
  probes: number;
  recorded: number[];
  conflicts: number[];
  refused: boolean;
}

/** One summary's bisection: exact, or each site releasing its counts as the standard profile would. */
async function bisect(sorted: Float64Array[], mode: 'exact' | 'perturbed' | 'recorded'): Promise<Run> {
  const perturbed = mode !== 'exact';
  const answered = sorted.map(() => new Set<number>());
  const conflicts = sorted.map(() => 0);
  let refused = false;
  let probes = 0;
  const nOf = (s: number) =>
    perturbed
      ? (perturbCount({ trueValue: sorted[s].length, cellKey: keyOf(s, -1) }, STANDARD_POLICY).value ?? K - 1)
      : sorted[s].length;
  const n = sorted.reduce((acc, _, s) => acc + nOf(s), 0);
  const outcomes = await bisectQuantiles(PS, n, K, async (values): Promise<CountInterval[]> => {
    probes += values.length;
    const parts = values.map(() => [] as Array<{ n: number; count: number | 'low' | 'high' }>);
    const perturbedParts = values.map(() => ({ lo: 0, hi: 0 }));
    sorted.forEach((xs, s) => {
      const exact = answerProbes(xs, values, K);
      exact.counts.forEach((c, i) => {
        parts[i].push({ n: nOf(s), count: c });
        if (!perturbed) return;
        if (c === 'low' || c === 'high') {
          const one = pooledCount([{ n: nOf(s), count: c }], K);
          perturbedParts[i].lo += one.lo;
          perturbedParts[i].hi += one.hi;
          return;
        }
        const r = perturbCount({ trueValue: c, cellKey: keyOf(s, c) }, STANDARD_POLICY);
        const clash =
          mode === 'recorded' &&
          !answered[s].has(c) &&
          [...answered[s]].some((e) => Math.abs(e - c) >= 1 && Math.abs(e - c) <= K - 1);
        if (clash) {
          conflicts[s]++;
          refused = true; // under strict (refuse) the round would be refused here
          perturbedParts[i].lo += Math.max(K, r.value! - D - (K - 1));
          perturbedParts[i].hi += r.value! + D + (K - 1);
        } else {
          answered[s].add(c);
          // the hub would take a perturbed count as the count (its interval would leave every
          // decision near the target open)
          perturbedParts[i].lo += r.value!;
          perturbedParts[i].hi += r.value!;
        }
      });
    });
    return perturbed ? perturbedParts : parts.map((p) => pooledCount(p, K));
  });
  return { outcomes, probes, recorded: answered.map((a) => a.size), conflicts, refused };
}

/** How far a released value's rank window lies from the exact target rank. */
function rankError(all: Float64Array, p: number, v: number): number {
  const r = quantileTarget(p, all.length);
  let below = 0;
  let atMost = 0;
  for (const x of all) {
    if (x < v) below++;
    if (x <= v) atMost++;
  }
  return r <= below ? below + 1 - r : r > atMost ? r - atMost : 0;
}

const files = args.db ?? (await demoSiteFiles()).map((f) => f.file);
console.log(
  `quantile-perturbation: ${files.length} sites, prostate cohort, k = ${K}, D = ${D}; load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
for (const variable of Object.keys(VARIABLES)) {
  const sorted = await sortedBySite(files, variable);
  const all = Float64Array.from(sorted.flatMap((x) => [...x])).sort();
  const exact = await bisect(sorted, 'exact');
  const noisy = await bisect(sorted, 'perturbed');
  const pert = await bisect(sorted, 'recorded');
  const released = (r: Run) => r.outcomes.filter((o) => o.released).length;
  const line = (label: string, r: Run) => {
    const same = r.outcomes.filter(
      (o, i) => o.released && exact.outcomes[i].released && o.value === (exact.outcomes[i] as { value: number }).value,
    ).length;
    const errors = r.outcomes.flatMap((o, i) => (o.released ? [rankError(all, PS[i], o.value)] : []));
    const withheld = r.outcomes.flatMap((o, i) => (o.released ? [] : [`${PS[i]}: ${o.reason}`]));
    return (
      `  ${label}: ${released(r)} of ${PS.length} released, ${same} equal to the exact value, rank error max ${Math.max(0, ...errors)} mean ${(errors.reduce((a, b) => a + b, 0) / Math.max(1, errors.length)).toFixed(2)}` +
      `${withheld.length ? `; withheld ${withheld.join(', ')}` : ''}`
    );
  };
  console.log(
    `${variable.padEnd(11)} n ${String(all.length).padStart(6)} (per site ${sorted.map((x) => x.length).join(' / ')}), ${new Set(all).size} distinct values\n` +
      `  exact (as run, the baseline): ${released(exact)} of ${PS.length} released, ${exact.probes} probes\n` +
      `${line('perturbed, not recorded', noisy)}\n${line('perturbed + recorded (standard: widened)', pert)}\n` +
      `  probe sets a site would record ${pert.recorded.join(' / ')}; probes widened as differencing ${pert.conflicts.join(' / ')}${pert.refused ? ' (strict, refuse: the summary refused)' : ''}`,
  );
}
