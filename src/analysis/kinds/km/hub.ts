/**
 * `km` at the hub. The grid first, before any count: from bins of binDays up to the time_to
 * variable's maxDays, each round asks every site whether each bin holds 0 or ≥ k events in every
 * stratum; failing bins are merged forward into the next bin (the last one backward) until all
 * sites agree, and the merge is reported. Then one counts round on the agreed grid; the hub pools
 * per stratum and bin, and computes the product-limit curve with Greenwood log-log 95 % CI, the
 * median with its CI, and the log-rank test across strata. Pooled only.
 */
import { FedomopError } from '../../../errors.js';
import { kaplanMeier, kmMedian, type KmBinRow } from '../../../stats/km.js';
import { logRankTest } from '../../../stats/logrank.js';
import { addReleased, countFields, type KindOutcome, type RoundsContext } from '../hub-context.js';
import { KM_DEFAULT_BIN_DAYS, type KmAnalysis } from './plan.js';
import type { ResultRecord } from '../result-columns.js';
import type { KmCountsRow } from '../rounds.js';
import type { TimeToVariable } from '../../variables/types.js';

export function initialGrid(maxDays: number, binDays: number): number[] {
  const last = Math.ceil(maxDays / binDays);
  return Array.from({ length: last + 1 }, (_, i) => i * binDays);
}

/**
 * One merge step: walking forward, a failing bin joins the next one (and that merged bin is left
 * for the next round); a failing last bin joins the one before. Merging pairs per round keeps the
 * grid as fine as merging one bin at a time would, in about log₂ of the rounds.
 */
export function mergeFailing(ends: readonly number[], ok: readonly boolean[]): number[] {
  const drop = new Set<number>();
  const B = ends.length;
  for (let b = 0; b < B - 1; b++) {
    if (!ok[b]) {
      drop.add(b);
      b++;
    }
  }
  if (!ok[B - 1] && B > 1 && !drop.has(B - 2)) drop.add(B - 2);
  return ends.filter((_, b) => !drop.has(b));
}

export function mergesOf(
  initial: readonly number[],
  agreed: readonly number[],
): Array<{ from: number; to: number; bins: number }> {
  const out: Array<{ from: number; to: number; bins: number }> = [];
  let i = 0;
  for (const end of agreed) {
    const start = i;
    while (initial[i] !== end) i++;
    if (i > start) out.push({ from: initial[start], to: end, bins: i - start + 1 });
    i++;
  }
  return out;
}

export async function driveKm(ctx: RoundsContext<KmAnalysis>): Promise<KindOutcome> {
  const a = ctx.analysis;
  const binDays = a.binDays ?? KM_DEFAULT_BIN_DAYS;
  const spec = a.variables[a.time] as TimeToVariable;
  const initial = initialGrid(spec.maxDays, binDays);
  let ends = initial;
  let round = 0;
  for (;;) {
    round++;
    const answers = await ctx.ask({ type: 'km-grid', ends });
    ctx.iteration({ round, kind: 'km-grid', bins: ends.length });
    if (answers.size === 0) throw new FedomopError('ERR_NO_SITES', 'no site answered the grid round');
    const ok = ends.map((_, b) => [...answers.values()].every((x) => x.ok[b]));
    if (ok.every(Boolean)) break;
    if (ends.length === 1) {
      throw new FedomopError(
        'ERR_DISCLOSURE_REFUSED',
        'no grid holds 0 or at least k events per bin at every site, even one bin',
        {
          rule: 'km-grid',
        },
      );
    }
    ends = mergeFailing(ends, ok);
  }
  round++;
  const counts = await ctx.ask({ type: 'km-counts', ends });
  ctx.iteration({ round, kind: 'km-counts', bins: ends.length });
  const cases: Record<string, unknown> = {};
  const byCell = new Map<string, KmCountsRow[]>();
  for (const [site, ans] of counts) {
    cases[site] = ans.cases;
    for (const r of ans.rows) {
      const key = JSON.stringify([r.stratum, r.time]);
      const list = byCell.get(key) ?? [];
      list.push(r);
      byCell.set(key, list);
    }
  }
  const strata = [...new Set([...byCell.keys()].map((k) => JSON.parse(k)[0] as string))].sort();
  const pooled: ResultRecord[] = [];
  const exactRows: Record<string, KmBinRow[]> = {};
  const medians: Record<string, unknown> = {};
  for (const s of strata) {
    const rows = ends.map((time) => {
      const parts = byCell.get(JSON.stringify([s, time])) ?? [];
      return {
        time,
        atRisk: addReleased(parts.map((p) => p.n_at_risk)),
        events: addReleased(parts.map((p) => p.n_events)),
        censored: addReleased(parts.map((p) => p.n_censored)),
      };
    });
    // The curve runs while at risk and events are released; it stops at the first withheld one.
    const usable: KmBinRow[] = [];
    for (const r of rows) {
      if (r.atRisk.value === null || r.events.value === null) break;
      if (r.atRisk.value === 0) break;
      const n = r.atRisk.value;
      const d = Math.min(r.events.value, n);
      const c = r.censored.value === null ? 0 : Math.max(0, Math.min(r.censored.value, n - d));
      usable.push({ time: r.time, nAtRisk: n, nEvents: d, nCensored: c });
    }
    const points = kaplanMeier(usable);
    exactRows[s] = usable;
    medians[s] = kmMedian(points);
    rows.forEach((r, i) => {
      if (r.atRisk.upper === 0) return;
      const p = points[i];
      pooled.push({
        site: 'pooled',
        stratum: s,
        time: r.time,
        ...countFields('n_at_risk', r.atRisk),
        ...countFields('n_events', r.events),
        ...countFields('n_censored', r.censored),
        survival: p ? p.survival : null,
        ci_lower: p && Number.isFinite(p.ci_lower) ? p.ci_lower : null,
        ci_upper: p && Number.isFinite(p.ci_upper) ? p.ci_upper : null,
        disclosure: p
          ? r.atRisk.lower !== r.atRisk.upper || r.events.lower !== r.events.upper
            ? 'perturbed counts'
            : 'exact'
          : 'counts withheld: curve not continued',
      });
    });
  }
  let logrank: { statistic: number; df: number; p_value: number } | null = null;
  if (strata.length > 1) {
    try {
      const t = logRankTest(exactRows);
      logrank = { statistic: t.statistic, df: t.df, p_value: t.p_value };
    } catch {
      logrank = null;
    }
  }
  return {
    metadata: {
      'fedomop.km': JSON.stringify({
        binDays,
        grid: ends,
        merged: mergesOf(initial, ends),
        gridRounds: round - 1,
        median: medians,
        logrank,
        confType: 'log-log',
        sites: [...counts.keys()],
      }),
      'fedomop.cases': JSON.stringify(cases),
    },
    perSite: [],
    pooled: counts.size > 0 ? pooled : undefined,
  };
}
