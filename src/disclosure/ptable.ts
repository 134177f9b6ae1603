/**
 * The perturbation table (ptable) of the cell key method: for a true count n and a cell key
 * u ∈ [0, 1), the noise d added to n. Rebuilt from three published numbers (k, D, V), so anyone can
 * check what a site did without the site's secret:
 *
 * - n = 0: d = 0 (an empty cell stays empty; it reveals nobody).
 * - 1 ≤ n < k: never released as a number (withheld as [1, k-1]); no row.
 * - n ≥ k + D: d ∈ [-D, D] with p(d) ∝ exp(-λ d²), λ chosen so that the variance is V — the
 *   maximum-entropy distribution with mean 0 and variance V on that support.
 * - k ≤ n < k + D: d ∈ [k - n, D] (so n + d never falls below k, i.e. never into 1..k-1),
 *   p(d) ∝ exp(-λ d² + μ d) with the same λ and μ chosen for mean 0 (variance then ≤ V).
 *
 * Probabilities become integer thresholds over 2³² so a lookup is exact integer arithmetic: the same
 * cell key gives the same noise on every machine.
 */
import { FedomopError } from '../errors.js';

export interface PTableParams {
  k: number;
  D: number;
  V: number;
}

export interface PTableRow {
  /** Smallest noise of the row. */
  minNoise: number;
  /** probabilities[i] is p(minNoise + i). */
  probabilities: number[];
  /** Cumulative thresholds over 2³²: noise is minNoise + i for the first i with key < thresholds[i]. */
  thresholds: number[];
}

export interface PTable extends PTableParams {
  /** Row for true value n (n ≥ k), clamped at k + D where rows stop changing. */
  row(n: number): PTableRow;
}

const TWO32 = 2 ** 32;

function distribution(support: number[], lambda: number, mu: number): number[] {
  const w = support.map((d) => Math.exp(-lambda * d * d + mu * d));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

const moment = (support: number[], p: number[], f: (d: number) => number) => support.reduce((a, d, i) => a + p[i] * f(d), 0);

/** Bisection on a monotone function of x ∈ [lo, hi] for target; 200 halvings exhaust double precision. */
function solve(f: (x: number) => number, target: number, lo: number, hi: number, increasing: boolean): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target === increasing) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function toRow(minNoise: number, probabilities: number[]): PTableRow {
  let acc = 0;
  const thresholds = probabilities.map((p) => {
    acc += p;
    return Math.min(TWO32, Math.round(acc * TWO32));
  });
  thresholds[thresholds.length - 1] = TWO32;
  return { minNoise, probabilities, thresholds };
}

export function validatePTableParams({ k, D, V }: PTableParams): void {
  if (!Number.isInteger(D) || D < 0 || D > 50)
    throw new FedomopError('ERR_CONFIG_INVALID', `noise bound D must be an integer 0..50, got ${D}`);
  if (!(V >= 0)) throw new FedomopError('ERR_CONFIG_INVALID', `noise variance V must be ≥ 0, got ${V}`);
  const max = (D * (D + 1)) / 3; // the uniform distribution on [-D, D]
  if (V > max)
    throw new FedomopError('ERR_CONFIG_INVALID', `noise variance V = ${V} exceeds ${max.toFixed(3)}, the most D = ${D} allows`);
  if (D > 0 && V === 0) throw new FedomopError('ERR_CONFIG_INVALID', 'noise variance V must be > 0 when D > 0');
  if (!Number.isInteger(k) || k < 2) throw new FedomopError('ERR_CONFIG_INVALID', `k must be an integer ≥ 2, got ${k}`);
}

export function buildPTable(params: PTableParams): PTable {
  validatePTableParams(params);
  const { k, D, V } = params;
  const full = Array.from({ length: 2 * D + 1 }, (_, i) => i - D);
  // Variance falls as λ grows; λ = 0 is the uniform distribution (the largest variance).
  const lambda = D === 0 ? 0 : solve((l) => moment(full, distribution(full, l, 0), (d) => d * d), V, 0, 50, false);
  const rows: PTableRow[] = [];
  for (let n = k; n <= k + D; n++) {
    const support = full.filter((d) => n + d >= k);
    if (support[0] === 0) {
      rows.push(toRow(0, [1])); // n = k: mean 0 on [0, D] leaves only d = 0
      continue;
    }
    const mu = n >= k + D ? 0 : solve((m) => moment(support, distribution(support, lambda, m), (d) => d), 0, -60, 60, true);
    rows.push(toRow(support[0], distribution(support, lambda, mu)));
  }
  const zero = toRow(0, [1]);
  return {
    k,
    D,
    V,
    row(n: number): PTableRow {
      if (n === 0) return zero;
      if (n < k) throw new RangeError(`counts 1..${k - 1} are withheld, not perturbed (got ${n})`);
      return rows[Math.min(n, k + D) - k];
    },
  };
}

/** The noise for true value n and cell key (an unsigned 32-bit integer, the key times 2³²). */
export function noiseFor(table: PTable, n: number, cellKey: number): number {
  const row = table.row(n);
  const t = row.thresholds;
  let i = 0;
  while (cellKey >= t[i]) i++;
  return row.minNoise + i;
}

const cache = new Map<string, PTable>();
/** Tables are small but built by bisection: one per (k, D, V) per process. */
export function ptableFor(params: PTableParams): PTable {
  const key = `${params.k}/${params.D}/${params.V}`;
  let t = cache.get(key);
  if (!t) cache.set(key, (t = buildPTable(params)));
  return t;
}
