/**
 * `histogram` at the site: persons per bin, each bin released through the count seam. Bins are
 * [e_i, e_{i+1}) with the last one closed, plus an open bin below the first edge and one above
 * the last, so every person with a value is in exactly one bin.
 */
import type { ReleasedValue } from '../../../arrow/result-schema.js';
import type { DisclosurePolicy } from '../../../disclosure/index.js';
import { completeCases, type PersonTable } from '../person-table.js';
import type { HistogramAnalysis } from './plan.js';
import type { Round, RoundAnswer } from '../rounds.js';
import type { RoundsKindSite } from '../rounds-site.js';
import { answerQuantile } from '../summary/site.js';
import { caseCounts, releaseSet } from '../site-release.js';

/** Bin index of x: 0 = below the first edge, 1..m = [e_{i-1}, e_i), m + 1 = above the last edge. */
export function binIndex(x: number, edges: readonly number[]): number {
  const m = edges.length - 1;
  if (x < edges[0]) return 0;
  if (x > edges[m]) return m + 1;
  if (x === edges[m]) return m;
  let lo = 0;
  let hi = m;
  // largest i with edges[i] <= x
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

export function histogramBins(
  t: PersonTable,
  a: HistogramAnalysis,
  edges: readonly number[],
  policy: DisclosurePolicy,
): RoundAnswer {
  const values = t.numeric.get(a.of)!;
  const complete = completeCases(t, [a.of]);
  const members: number[][] = Array.from({ length: edges.length + 1 }, () => []);
  for (const i of complete) members[binIndex(values[i], edges)].push(i);
  const persons: ReleasedValue[] = members.map((m) => releaseSet(t, m, policy));
  return { type: 'bins', cases: caseCounts(t, complete, policy), persons };
}

export const histogramRoundsSite: RoundsKindSite<HistogramAnalysis> = {
  rounds: ['quantile', 'bins'],
  variables: (a) => [a.of],
  quantileProblem(a, variable, level) {
    if (variable !== a.of) return 'quantile variable must be one the analysis summarises';
    if (level !== null) return 'a level needs a summary with by';
    return undefined;
  },
  answer(a, round, t, policy, memo) {
    if (round.type === 'bins') return histogramBins(t, a, round.edges, policy);
    const q = round as Extract<Round, { type: 'quantile' }>;
    return answerQuantile(t, { of: q.variable }, q, memo, policy.minCellCount);
  },
};
