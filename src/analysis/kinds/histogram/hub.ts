/**
 * `histogram` at the hub. Edges: the plan's, or `bins` (default 10) equal-width bins between the
 * pooled p05 and p95 found by exact bisection (so they are values the quantile rules released).
 * Then one bins round; per-site rows as released, the pooled row adds them. Bins outside the edges
 * are open: (−∞, e₀) and (e_m, ∞), shown with a null bound.
 */
import { FedomopError } from '../../../errors.js';
import { addReleased, countFields, largestK, type KindOutcome, type RoundsContext } from '../hub-context.js';
import { HISTOGRAM_DEFAULT_BINS, type HistogramAnalysis } from './plan.js';
import { pooledQuantilesOf } from '../quantile-rounds.js';
import type { ResultRecord } from '../result-columns.js';

export function equalWidthEdges(lo: number, hi: number, bins: number): number[] {
  if (!(hi > lo)) return [lo - 0.5, lo + 0.5];
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
}

/** [lower, upper] of bin i (0 = below the first edge, m + 1 = above the last). */
export function binBounds(edges: readonly number[], i: number): [number | null, number | null] {
  const m = edges.length - 1;
  if (i === 0) return [null, edges[0]];
  if (i === m + 1) return [edges[m], null];
  return [edges[i - 1], edges[i]];
}

export async function driveHistogram(ctx: RoundsContext<HistogramAnalysis>): Promise<KindOutcome> {
  const a = ctx.analysis;
  let edges = a.edges;
  let chosen: Record<string, unknown> | undefined;
  const progress = { rounds: 0 };
  if (!edges) {
    const { outcomes } = await pooledQuantilesOf(ctx, a.of, null, [0.05, 0.95], 5, progress);
    const [p05, p95] = outcomes;
    if (!p05.released || !p95.released) {
      throw new FedomopError(
        'ERR_DISCLOSURE_REFUSED',
        `the hub cannot choose bin edges: the pooled p05 or p95 of ${a.of} is withheld`,
        {
          rule: 'quantile',
        },
      );
    }
    const bins = a.bins ?? HISTOGRAM_DEFAULT_BINS;
    edges = equalWidthEdges(p05.value, p95.value, bins);
    chosen = { by: 'pooled p05 and p95', p05: p05.value, p95: p95.value, bins };
  }
  progress.rounds++;
  ctx.iteration({ round: progress.rounds, kind: 'bins' });
  const answers = await ctx.ask({ type: 'bins', edges });
  const k = largestK(answers.values());
  const perSite: Array<[string, ResultRecord[]]> = [];
  const cases: Record<string, unknown> = {};
  const nb = edges.length + 1;
  for (const [site, ans] of answers) {
    cases[site] = ans.cases;
    perSite.push([
      site,
      ans.persons.map((p, i) => {
        const [lower, upper] = binBounds(edges!, i);
        return {
          site,
          variable: a.of,
          bin_lower: lower,
          bin_upper: upper,
          ...countFields('persons', p),
          disclosure: p.suppressed ? `fewer than ${k}` : p.lower !== p.upper ? 'perturbed' : 'exact',
        };
      }),
    ]);
  }
  const pooled: ResultRecord[] = [];
  if (answers.size > 0) {
    for (let i = 0; i < nb; i++) {
      const sum = addReleased([...answers.values()].map((x) => x.persons[i]));
      const [lower, upper] = binBounds(edges, i);
      pooled.push({
        site: 'pooled',
        variable: a.of,
        bin_lower: lower,
        bin_upper: upper,
        ...countFields('persons', sum),
        disclosure: sum.suppressed ? 'a site withheld its count' : sum.lower !== sum.upper ? 'perturbed' : 'exact',
      });
    }
  }
  return {
    metadata: {
      'fedomop.histogram': JSON.stringify({ edges, closed: 'left, last bin closed', chosen: chosen ?? null, k }),
      'fedomop.cases': JSON.stringify(cases),
    },
    perSite,
    pooled: answers.size > 0 ? pooled : undefined,
  };
}
