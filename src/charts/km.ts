/**
 * Kaplan–Meier curves: per stratum a step line of survival with its Greenwood 95 % band, the pooled
 * curve only (sites release counts, the hub the curve). The median survival of each stratum is marked
 * by a rule down from S = 0.5; the log-rank p, when the hub computed one, is in the subtitle.
 * Every curve starts at (0, 1) when the grid has no bin at 0.
 */
import { base, isNumber, metaJson, pooledOrSites, type ChartRow, type VegaLiteSpec } from './common.js';

export const KM_META = 'fedomop.km';
export const ALL_STRATUM = 'all';

export interface KmMeta {
  binDays?: number;
  median?: Record<string, { median: number | null; ci_lower?: number | null; ci_upper?: number | null }>;
  logrank?: { statistic: number; df: number; p_value: number } | null;
}

interface KmPoint {
  stratum: string;
  time: number;
  survival: number;
  ci_lower: number | null;
  ci_upper: number | null;
  n_at_risk: number | null;
  n_events: number | null;
}

export function kmChart(rows: readonly ChartRow[], metadata?: Record<string, string>): VegaLiteSpec {
  const meta = metaJson<KmMeta>(metadata, KM_META) ?? {};
  const points: KmPoint[] = [];
  const started = new Set<string>();
  for (const r of pooledOrSites(rows).rows) {
    if (!isNumber(r.time) || !isNumber(r.survival)) continue;
    const stratum = r.stratum === null || r.stratum === undefined ? ALL_STRATUM : String(r.stratum);
    if (!started.has(stratum)) {
      started.add(stratum);
      if (r.time > 0) points.push({ stratum, time: 0, survival: 1, ci_lower: 1, ci_upper: 1, n_at_risk: null, n_events: null });
    }
    points.push({
      stratum,
      time: r.time,
      survival: r.survival,
      ci_lower: isNumber(r.ci_lower) ? r.ci_lower : null,
      ci_upper: isNumber(r.ci_upper) ? r.ci_upper : null,
      n_at_risk: isNumber(r.n_at_risk) ? r.n_at_risk : null,
      n_events: isNumber(r.n_events) ? r.n_events : null,
    });
  }
  const medians = Object.entries(meta.median ?? {})
    .filter(([, m]) => isNumber(m.median))
    .map(([stratum, m]) => ({ stratum: stratum === '' ? ALL_STRATUM : stratum, median: m.median as number, half: 0.5 }));
  // The legend shows a line per stratum at full strength (merged from the band's layer it would take
  // the band's 0.2 opacity and nearly vanish, in dark most of all).
  const color = {
    field: 'stratum',
    type: 'nominal',
    title: 'stratum',
    legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
  };
  const x = { field: 'time', type: 'quantitative', title: 'days since index' };
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.2 },
      encoding: { x, y: { field: 'ci_lower', type: 'quantitative' }, y2: { field: 'ci_upper' }, color },
    },
    {
      mark: { type: 'line', interpolate: 'step-after', tooltip: true },
      encoding: {
        x,
        y: { field: 'survival', type: 'quantitative', title: 'survival', scale: { domain: [0, 1] } },
        color,
      },
    },
  ];
  if (medians.length > 0) {
    layer.push({
      data: { values: medians },
      mark: { type: 'rule', strokeDash: [4, 3], tooltip: true },
      encoding: {
        x: { field: 'median', type: 'quantitative' },
        y: { field: 'half', type: 'quantitative' },
        y2: { datum: 0 },
        color,
      },
    });
  }
  const logrank = meta.logrank;
  const subtitle =
    logrank && isNumber(logrank.p_value) ? `log-rank p = ${formatP(logrank.p_value)} (df ${logrank.df})` : undefined;
  const title = subtitle ? { text: 'Kaplan–Meier survival (pooled)', subtitle } : 'Kaplan–Meier survival (pooled)';
  return { ...base(title), height: 260, data: { values: points }, layer };
}

/** p-values as a reader expects them: 3 significant digits, tiny ones as "< 0.0001". */
export function formatP(p: number): string {
  if (p < 1e-4) return '< 0.0001';
  return Number(p.toPrecision(3)).toString();
}
