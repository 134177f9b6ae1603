/**
 * The log-rank test across strata from binned counts (Mantel–Haenszel form, as R's survdiff with
 * rho = 0): at each time, observed minus expected events per stratum and the hypergeometric
 * covariance; the statistic is Uᵀ V⁻ U over all strata but one, chi-square with (strata − 1) df.
 */
import { FedomopError } from '../errors.js';
import type { KmBinRow, LogRankResult } from './km.js';
import { solveSpd, zeros } from './linalg.js';
import { chiSquareSf } from './special.js';

/** Persons at risk at `time` in a stratum: the first row at or after it (nobody leaves between rows). */
function atRisk(rows: readonly KmBinRow[], time: number): number {
  for (const r of rows) if (r.time >= time) return r.nAtRisk;
  return 0;
}

export function logRankTest(strata: Readonly<Record<string, readonly KmBinRow[]>>): LogRankResult {
  const names = Object.keys(strata).filter((g) => strata[g].some((r) => r.nAtRisk > 0));
  if (names.length < 2) throw new FedomopError('ERR_BAD_REQUEST', 'the log-rank test needs at least two non-empty strata');
  const sorted = names.map((g) => [...strata[g]].sort((a, b) => a.time - b.time));
  const times = [...new Set(sorted.flatMap((rows) => rows.filter((r) => r.nEvents > 0).map((r) => r.time)))].sort(
    (a, b) => a - b,
  );
  const G = names.length;
  const observed = new Array<number>(G).fill(0);
  const expected = new Array<number>(G).fill(0);
  const v = zeros(G, G);
  for (const t of times) {
    const ng = sorted.map((rows) => atRisk(rows, t));
    const dg = sorted.map((rows) => rows.find((r) => r.time === t)?.nEvents ?? 0);
    const n = ng.reduce((a, b) => a + b, 0);
    const d = dg.reduce((a, b) => a + b, 0);
    if (n === 0 || d === 0) continue;
    const factor = n > 1 ? (d * (n - d)) / (n - 1) : 0;
    for (let g = 0; g < G; g++) {
      observed[g] += dg[g];
      expected[g] += (d * ng[g]) / n;
      for (let h = 0; h < G; h++) {
        v[g][h] += (factor * ng[g] * ((g === h ? 1 : 0) - ng[h] / n)) / n;
      }
    }
  }
  // A stratum never at risk at an event time carries no information (a zero row and column of V,
  // as R's survdiff treats it through its generalised inverse): leave it out. V of the others has
  // rank (kept − 1) because its rows sum to zero, so drop the last kept stratum too.
  const kept = names.map((_, g) => g).filter((g) => v[g][g] > 0);
  if (kept.length < 2) throw new FedomopError('ERR_BAD_REQUEST', 'the log-rank test needs events in at least two strata');
  const m = kept.length - 1;
  const idx = kept.slice(0, m);
  const u = idx.map((g) => observed[g] - expected[g]);
  const vm = idx.map((g) => idx.map((h) => v[g][h]));
  const x = solveSpd(vm, u);
  const statistic = u.reduce((s, ug, g) => s + ug * x[g], 0);
  return {
    statistic,
    df: m,
    p_value: chiSquareSf(statistic, m),
    observed: Object.fromEntries(names.map((g, i) => [g, observed[i]])),
    expected: Object.fromEntries(names.map((g, i) => [g, expected[i]])),
  };
}
