/**
 * Exact pooled quantiles by federated bisection over counts. Values lie on a known grid
 * (multiples of `resolution`, e.g. whole days or 0.1 units of a lab value); the hub asks the sites
 * for #{x ≤ v} at grid points it chooses and sums their answers. The result is the Hyndman–Fan
 * type 1 quantile — the smallest grid value v with #{x ≤ v} ≥ p·n — exactly as sorting all rows
 * in one place would give.
 *
 * Disclosure: a quantile is an actual person's value, so it is released only when at least k
 * persons lie strictly below it and at least k strictly above it. The analyst chooses p only; the
 * probe points follow from the bounds and the bisection, so they cannot be aimed at one person.
 */
import { FedomopError } from '../errors.js';

export interface QuantileGrid {
  /** a grid value ≤ every value (need not be exact; a lower bound) */
  lower: number;
  /** a grid value ≥ every value */
  upper: number;
  /** grid spacing; values are integer multiples of it */
  resolution: number;
}

export interface QuantileOptions extends QuantileGrid {
  /** pooled #{x ≤ v} */
  countAtMost: (v: number) => Promise<number>;
  /** pooled number of (non-missing) values */
  n: number;
  /** minimum persons strictly on each side of a released value */
  k: number;
}

export type QuantileResult =
  | { p: number; released: true; value: number; below: number; atMost: number }
  | { p: number; released: false; reason: 'too-few-below' | 'too-few-above' | 'no-data' };

/** Maps grid index ↔ value without drift: 0.1·3 is 0.30000000000000004, 3 / 10 is 0.3. */
function gridValue(index: number, resolution: number): number {
  const inverse = 1 / resolution;
  if (Math.abs(inverse - Math.round(inverse)) < 1e-9) return index / Math.round(inverse);
  return index * resolution;
}

/** target count for probability p: ⌈p·n⌉, guarded against p·n landing a hair above an integer */
export function quantileTarget(p: number, n: number): number {
  const pn = p * n;
  const nearest = Math.round(pn);
  const exact = Math.abs(pn - nearest) <= 1e-12 * Math.max(1, pn) ? nearest : Math.ceil(pn);
  return Math.max(1, exact);
}

/** Several quantiles with one memoised count oracle (probes are shared between them). */
export async function pooledQuantiles(ps: readonly number[], options: QuantileOptions): Promise<QuantileResult[]> {
  const { resolution, n, k } = options;
  if (!(resolution > 0)) throw new FedomopError('ERR_BAD_REQUEST', 'resolution must be positive');
  for (const p of ps) {
    if (!(p > 0 && p < 1)) throw new FedomopError('ERR_BAD_REQUEST', `quantile probability ${p} is outside (0, 1)`);
  }
  const lo = Math.floor(options.lower / resolution + 1e-9);
  const hi = Math.ceil(options.upper / resolution - 1e-9);
  if (hi < lo) throw new FedomopError('ERR_BAD_REQUEST', 'upper bound lies below lower bound');
  const cache = new Map<number, Promise<number>>();
  const count = (index: number): Promise<number> => {
    let c = cache.get(index);
    if (!c) {
      c = options.countAtMost(gridValue(index, resolution));
      cache.set(index, c);
    }
    return c;
  };
  if (n <= 0) return ps.map((p) => ({ p, released: false, reason: 'no-data' }));
  if ((await count(hi)) < n) {
    throw new FedomopError('ERR_BAD_REQUEST', 'the upper bound lies below some values');
  }
  // The bisection treats the point below `lower` as holding no one; check it rather than assume.
  if ((await count(lo - 1)) > 0) {
    throw new FedomopError('ERR_BAD_REQUEST', 'the lower bound lies above some values');
  }
  const results: QuantileResult[] = [];
  for (const p of ps) {
    const target = quantileTarget(p, n);
    // Invariant: count(a) < target (a = lo − 1 is a virtual point below all values), count(b) ≥ target.
    let a = lo - 1;
    let b = hi;
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if ((await count(mid)) >= target) b = mid;
      else a = mid;
    }
    const atMost = await count(b);
    const below = await count(b - 1);
    if (below < k) results.push({ p, released: false, reason: 'too-few-below' });
    else if (n - atMost < k) results.push({ p, released: false, reason: 'too-few-above' });
    else results.push({ p, released: true, value: gridValue(b, resolution), below, atMost });
  }
  return results;
}

/** The five summary quantiles. */
export const SUMMARY_PROBABILITIES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
