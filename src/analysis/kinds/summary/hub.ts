/**
 * `summary` at the hub: one moments round, then quantile rounds per numeric variable (and `by`
 * level). Per-site rows carry what each site released (n, missing, its own mean and sd when n ≥ k;
 * quantiles are pooled only); the pooled row adds the counts, pools mean and sd exactly from the
 * sites' sums, and holds the exact pooled quantiles the bisection released.
 */
import type { ReleasedValue } from '../../../arrow/result-schema.js';
import { poolMoments } from '../../../stats/moments.js';
import { addReleased, countFields, largestK, type KindOutcome, type RoundsContext } from '../hub-context.js';
import type { SummaryAnalysis } from './plan.js';
import { pooledQuantilesOf } from '../quantile-rounds.js';
import { SUMMARY_QUANTILES, type ResultRecord } from '../result-columns.js';
import type { MomentsCell } from '../rounds.js';

function levelLabel(c: MomentsCell): string | null {
  if (!c.categorical) return c.level;
  return c.group === null || c.group === undefined ? c.level : `${c.group}/${c.level}`;
}

function note(n: ReleasedValue, statsReleased: boolean, k: number): string {
  const parts: string[] = [];
  if (n.suppressed) parts.push(`n withheld (fewer than ${k})`);
  else if (n.lower !== n.upper) parts.push('counts perturbed');
  if (!statsReleased) parts.push(`statistics withheld (n < ${k})`);
  return parts.join('; ') || 'exact';
}

export async function driveSummary(ctx: RoundsContext<SummaryAnalysis>): Promise<KindOutcome> {
  const moments = await ctx.ask({ type: 'moments' });
  const k = largestK(moments.values());
  const perSite: Array<[string, ResultRecord[]]> = [];
  const byKey = new Map<string, { cell: MomentsCell; parts: MomentsCell[] }>();
  const cases: Record<string, unknown> = {};
  for (const [site, answer] of moments) {
    cases[site] = answer.cases;
    const rows: ResultRecord[] = answer.cells.map((c) => {
      const key = JSON.stringify([c.variable, c.categorical, c.level, c.group ?? null]);
      const entry = byKey.get(key) ?? { cell: c, parts: [] };
      entry.parts.push(c);
      byKey.set(key, entry);
      return {
        site,
        variable: c.variable,
        level: levelLabel(c),
        ...countFields('n', c.n),
        ...countFields('missing', c.missing),
        mean: c.mean,
        sd: c.sd,
        disclosure: c.categorical ? note(c.n, true, k) : note(c.n, c.mean !== null, k),
      };
    });
    perSite.push([site, rows]);
  }
  const progress = { rounds: 1 };
  const pooled: ResultRecord[] = [];
  const quantileNotes: Record<string, Record<string, string>> = {};
  const order = [...byKey.values()].sort((x, y) => {
    const vx = ctx.analysis.of.indexOf(x.cell.variable);
    const vy = ctx.analysis.of.indexOf(y.cell.variable);
    if (vx !== vy) return vx - vy;
    const lx = levelLabel(x.cell) ?? '';
    const ly = levelLabel(y.cell) ?? '';
    return lx < ly ? -1 : lx > ly ? 1 : 0;
  });
  for (const { cell, parts } of order) {
    const n = addReleased(parts.map((p) => p.n));
    const missing = addReleased(parts.map((p) => p.missing));
    const row: ResultRecord = {
      site: 'pooled',
      variable: cell.variable,
      level: levelLabel(cell),
      ...countFields('n', n),
      ...countFields('missing', missing),
    };
    if (!cell.categorical) {
      const m = poolMoments(parts.filter((p) => p.internal).map((p) => p.internal!));
      const released = m.n >= k;
      row.mean = released ? m.mean : null;
      row.sd = released && m.n > 1 ? m.sd : null;
      const { outcomes } = await pooledQuantilesOf(
        ctx,
        cell.variable,
        cell.level,
        SUMMARY_QUANTILES.map(([, p]) => p),
        k,
        progress,
      );
      const label = `${cell.variable}${cell.level === null ? '' : `/${cell.level}`}`;
      quantileNotes[label] = {};
      SUMMARY_QUANTILES.forEach(([name], i) => {
        const o = outcomes[i];
        row[name] = o.released ? o.value : null;
        if (!o.released) quantileNotes[label][name] = o.reason;
      });
      const withheld = Object.keys(quantileNotes[label]);
      row.disclosure =
        [note(n, released, k), withheld.length ? `quantiles withheld: ${withheld.join(', ')}` : '']
          .filter((x) => x && x !== 'exact')
          .join('; ') || 'exact';
    } else {
      row.disclosure = note(n, true, k);
    }
    pooled.push(row);
  }
  return {
    metadata: {
      'fedomop.summary': JSON.stringify({
        k,
        rounds: progress.rounds,
        quantiles: 'Hyndman-Fan type 1, exact',
        withheld: quantileNotes,
      }),
      'fedomop.cases': JSON.stringify(cases),
    },
    perSite,
    pooled,
  };
}
