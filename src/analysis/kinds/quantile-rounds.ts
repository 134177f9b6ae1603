/**
 * Pooled quantiles of one variable (and `by` level) through quantile rounds with the sites: the
 * bisection (bisection.ts) asks, this turns its probes into a round and the sites' answers into
 * pooled count intervals.
 */
import { bisectQuantiles, pooledCount, type QuantileOutcome } from './bisection.js';
import type { RoundsContext } from './hub-context.js';

export async function pooledQuantilesOf(
  ctx: RoundsContext,
  variable: string,
  level: string | null,
  ps: readonly number[],
  k: number,
  progress: { rounds: number },
): Promise<{ n: number; outcomes: QuantileOutcome[] }> {
  // A first round at one probe tells the exact n of every site (answers carry n).
  const first = await ctx.ask({ type: 'quantile', variable, level, probes: [0] });
  const siteN = new Map([...first].map(([s, a]) => [s, a.n]));
  const n = [...siteN.values()].reduce((x, y) => x + y, 0);
  const outcomes = await bisectQuantiles(
    ps,
    n,
    k,
    async (values) => {
      if (values.length === 0) return [];
      const intervals = values.map(() => [] as Array<{ n: number; count: number | 'low' | 'high' }>);
      for (let from = 0; from < values.length; from += 256) {
        const chunk = values.slice(from, from + 256);
        const answers = await ctx.ask({ type: 'quantile', variable, level, probes: chunk });
        for (const [site, a] of answers)
          a.counts.forEach((c, i) => intervals[from + i].push({ n: siteN.get(site) ?? a.n, count: c }));
      }
      return intervals.map((parts) => pooledCount(parts, k));
    },
    (round) => {
      progress.rounds++;
      ctx.iteration({ round: progress.rounds, kind: 'quantile', variable, level, step: round });
    },
  );
  return { n, outcomes };
}
