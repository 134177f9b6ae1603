/**
 * Pooled mean and sample standard deviation from what each site releases: n, Σx and Σx². The
 * variance is (Σx² − (Σx)²/n) / (n − 1); with values of clinical magnitude (mean/sd below ~10⁴)
 * the cancellation costs far less than the 1e-9 relative accuracy the pooled answer must meet.
 */
export interface SiteMoments {
  n: number;
  sum: number;
  sumSquares: number;
}

export interface PooledMoments {
  n: number;
  mean: number;
  /** sample sd (n − 1); NaN for n < 2 */
  sd: number;
}

export function siteMoments(values: readonly number[]): SiteMoments {
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
  }
  return { n: values.length, sum, sumSquares };
}

export function poolMoments(parts: readonly SiteMoments[]): PooledMoments {
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const p of parts) {
    n += p.n;
    sum += p.sum;
    sumSquares += p.sumSquares;
  }
  if (n === 0) return { n, mean: NaN, sd: NaN };
  const mean = sum / n;
  const ss = Math.max(0, sumSquares - (sum * sum) / n);
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}
