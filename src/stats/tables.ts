/**
 * Tests on a pooled contingency table: Pearson's chi-square test of independence (optionally with
 * Yates' continuity correction for 2×2, as R's chisq.test does by default) and Fisher's exact
 * test for 2×2 tables (two-sided: the sum over tables no more likely than the observed one, with
 * R's relative tolerance 1 + 1e-7). Rows or columns whose margin is 0 carry no information and
 * are dropped before the test.
 */
import { FedomopError } from '../errors.js';
import { chiSquareSf, logGamma } from './special.js';

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p_value: number;
  expected: number[][];
}

export function chiSquareTest(table: readonly (readonly number[])[], options: { correct?: boolean } = {}): ChiSquareResult {
  const cols = table[0]?.length ?? 0;
  for (const row of table) {
    if (row.length !== cols) throw new FedomopError('ERR_BAD_REQUEST', 'table rows differ in length');
    for (const c of row) if (!(c >= 0)) throw new FedomopError('ERR_BAD_REQUEST', 'table counts must be ≥ 0');
  }
  const colSums = Array.from({ length: cols }, (_, j) => table.reduce((s, r) => s + r[j], 0));
  const keepCols = colSums.map((s, j) => (s > 0 ? j : -1)).filter((j) => j >= 0);
  const t = table.filter((r) => r.some((c) => c > 0)).map((r) => keepCols.map((j) => r[j]));
  const R = t.length;
  const C = keepCols.length;
  if (R < 2 || C < 2)
    throw new FedomopError('ERR_BAD_REQUEST', 'the chi-square test needs at least two non-empty rows and columns');
  const rowSums = t.map((r) => r.reduce((a, b) => a + b, 0));
  const cs = keepCols.map((j) => colSums[j]);
  const total = rowSums.reduce((a, b) => a + b, 0);
  const expected = t.map((_, i) => cs.map((c) => (rowSums[i] * c) / total));
  const yates = options.correct === true && R === 2 && C === 2;
  let statistic = 0;
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      let diff = Math.abs(t[i][j] - expected[i][j]);
      if (yates) diff = Math.max(0, diff - 0.5);
      statistic += (diff * diff) / expected[i][j];
    }
  }
  const df = (R - 1) * (C - 1);
  return { statistic, df, p_value: chiSquareSf(statistic, df), expected };
}

export interface FisherResult {
  p_value: number;
  /** conditional maximum-likelihood estimate is not computed; this is the sample odds ratio ad/bc */
  odds_ratio: number;
}

/** Fisher's exact test for [[a, b], [c, d]]. */
export function fisherExact2x2(table: readonly (readonly number[])[]): FisherResult {
  if (table.length !== 2 || table.some((r) => r.length !== 2)) {
    throw new FedomopError('ERR_BAD_REQUEST', "Fisher's exact test here takes a 2×2 table");
  }
  const [[a, b], [c, d]] = table;
  for (const x of [a, b, c, d]) {
    if (!Number.isInteger(x) || x < 0) throw new FedomopError('ERR_BAD_REQUEST', 'table counts must be integers ≥ 0');
  }
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const n = r1 + r2;
  const lchoose = (m: number, k: number): number => logGamma(m + 1) - logGamma(k + 1) - logGamma(m - k + 1);
  // P(X = x) for the top-left cell with all margins fixed (hypergeometric).
  const logP = (x: number): number => lchoose(r1, x) + lchoose(r2, c1 - x) - lchoose(n, c1);
  const lo = Math.max(0, c1 - r2);
  const hi = Math.min(r1, c1);
  const observed = logP(a);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logP(x);
    if (lp <= observed + Math.log1p(1e-7)) p += Math.exp(lp);
  }
  return { p_value: Math.min(1, p), odds_ratio: (a * d) / (b * c) };
}
