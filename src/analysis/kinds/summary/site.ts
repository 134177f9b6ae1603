/**
 * `summary` at the site: per variable (and `by` level) the released n and missing, the site's own
 * mean and sd when n ≥ k, and exact sums for the hub's pooled mean and sd; counts #{x ≤ v} for the
 * hub's quantile bisection, answered only when at least k persons lie on each side of v.
 */
import { FedomopError } from '../../../errors.js';
import type { DisclosurePolicy } from '../../../disclosure/index.js';
import { levelOf, type PersonTable } from '../person-table.js';
import type { SummaryAnalysis } from './plan.js';
import { PROBE_BUDGET, type MomentsCell, type ProbeAnswer, type Round, type RoundAnswer } from '../rounds.js';
import { memoised, type RoundMemo, type RoundsKindSite } from '../rounds-site.js';
import { caseCounts, releaseSet } from '../site-release.js';
import { completeCases } from '../person-table.js';

/** The by-groups: [label, member indices] in sort order; one unnamed group without `by`. */
function groups(t: PersonTable, by: string | undefined): Array<[string | null, number[]]> {
  if (!by) return [[null, Array.from({ length: t.size }, (_, i) => i)]];
  const map = new Map<string, number[]>();
  for (let i = 0; i < t.size; i++) {
    const g = levelOf(t, by, i);
    if (g === null) continue;
    let list = map.get(g);
    if (!list) map.set(g, (list = []));
    list.push(i);
  }
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function summaryMoments(t: PersonTable, a: SummaryAnalysis, policy: DisclosurePolicy): RoundAnswer {
  const k = policy.minCellCount;
  const cells: MomentsCell[] = [];
  const byGroups = groups(t, a.by);
  for (const v of a.of) {
    const values = t.numeric.get(v);
    for (const [g, members] of byGroups) {
      if (values) {
        const have = members.filter((i) => !Number.isNaN(values[i]));
        const lacking = members.filter((i) => Number.isNaN(values[i]));
        let sum = 0;
        let sumSquares = 0;
        for (const i of have) {
          sum += values[i];
          sumSquares += values[i] * values[i];
        }
        const n = have.length;
        const mean = n >= k ? sum / n : null;
        const sd = n >= k && n > 1 ? Math.sqrt(Math.max(0, sumSquares - (sum * sum) / n) / (n - 1)) : null;
        cells.push({
          variable: v,
          level: g,
          categorical: false,
          n: releaseSet(t, have, policy),
          missing: releaseSet(t, lacking, policy),
          mean,
          sd,
          internal: { n, sum, sumSquares },
        });
      } else {
        const levels = t.levels.get(v) ?? [];
        const byLevel = new Map<string, number[]>();
        const lacking: number[] = [];
        for (const i of members) {
          const l = levels[i];
          if (l === null || l === undefined) lacking.push(i);
          else {
            let list = byLevel.get(l);
            if (!list) byLevel.set(l, (list = []));
            list.push(i);
          }
        }
        const missing = releaseSet(t, lacking, policy);
        for (const l of [...byLevel.keys()].sort()) {
          cells.push({
            variable: v,
            level: l,
            group: g,
            categorical: true,
            n: releaseSet(t, byLevel.get(l)!, policy),
            missing,
            mean: null,
            sd: null,
          });
        }
      }
    }
  }
  const used = [...a.of, ...(a.by ? [a.by] : [])];
  return { type: 'moments', cases: caseCounts(t, completeCases(t, used), policy), cells };
}

/** Sorted values of a numeric variable within a by-level, cached per session by the caller. */
export function sortedValues(
  t: PersonTable,
  a: SummaryAnalysis | { of: string; by?: undefined },
  variable: string,
  level: string | null,
): Float64Array {
  const values = t.numeric.get(variable);
  if (!values) throw new FedomopError('ERR_BAD_REQUEST', `${variable} is not a numeric variable of this analysis`);
  const by = 'by' in a ? a.by : undefined;
  const out: number[] = [];
  for (let i = 0; i < t.size; i++) {
    if (Number.isNaN(values[i])) continue;
    if (by !== undefined && levelOf(t, by, i) !== level) continue;
    out.push(values[i]);
  }
  return Float64Array.from(out).sort();
}

/** #{x ≤ v} in sorted values. */
function countAtMost(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The site's rule for quantile probes: a count is answered only with at least k persons at or below
 * v and at least k above it; otherwise the hub learns only which side is thin. However the probes
 * are chosen, no answer separates fewer than k persons from the rest.
 */
export function answerProbes(sorted: Float64Array, probes: readonly number[], k: number): { n: number; counts: ProbeAnswer[] } {
  const n = sorted.length;
  const counts = probes.map((v): ProbeAnswer => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new FedomopError('ERR_BAD_REQUEST', 'a probe must be a finite number');
    const c = countAtMost(sorted, v);
    if (c < k) return 'low';
    if (n - c < k) return 'high';
    return c;
  });
  return { n, counts };
}

/**
 * A quantile round: probes answered against the sorted values of a variable (within a level), at
 * most PROBE_BUDGET per variable and level and plan. Shared with the histogram (its p05/p95).
 */
export function answerQuantile(
  t: PersonTable,
  source: SummaryAnalysis | { of: string; by?: undefined },
  round: Extract<Round, { type: 'quantile' }>,
  memo: RoundMemo,
  k: number,
): RoundAnswer {
  const budgetKey = `${round.variable}\u0000${round.level ?? ''}`;
  const used = ((memo.get(`probes\u0000${budgetKey}`) as number | undefined) ?? 0) + round.probes.length;
  if (used > PROBE_BUDGET) {
    throw new FedomopError(
      'ERR_DISCLOSURE_REFUSED',
      `this site answers at most ${PROBE_BUDGET} quantile probes per variable and plan`,
      { rule: 'probe-budget' },
    );
  }
  memo.set(`probes\u0000${budgetKey}`, used);
  const sorted = memoised(memo, `sorted\u0000${budgetKey}`, () => sortedValues(t, source, round.variable, round.level));
  return { type: 'quantile', ...answerProbes(sorted, round.probes, k) };
}

export const summaryRoundsSite: RoundsKindSite<SummaryAnalysis> = {
  rounds: ['moments', 'quantile'],
  variables: (a) => [...a.of, ...(a.by ? [a.by] : [])],
  quantileProblem(a, variable, level) {
    if (typeof variable !== 'string' || !a.of.includes(variable)) return 'quantile variable must be one the analysis summarises';
    if (level !== null && (typeof level !== 'string' || !a.by)) return 'a level needs a summary with by';
    return undefined;
  },
  answer(a, round, t, policy, memo) {
    if (round.type === 'moments') return summaryMoments(t, a, policy);
    return answerQuantile(t, a, round as Extract<Round, { type: 'quantile' }>, memo, policy.minCellCount);
  },
};
