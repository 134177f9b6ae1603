/**
 * Summary: per numeric variable a box-like mark per site and pooled — a thin rule from p05 to p95, a
 * bar from p25 to p75, a tick at the median. Never min or max: sites do not release them. Variables
 * have their own x scale (one panel each). With `by`, a numeric row's `level` is its group and the
 * rows read "site · level". Categorical variables (rows with level counts and no mean) show as bars of
 * persons per level instead, when there is no numeric variable to show. A quantile withheld (too few
 * persons on one side) is null, and its mark is simply not drawn.
 */
import { USERMETA, VEGA_LITE_SCHEMA, base, isNumber, type ChartRow, type VegaLiteSpec } from './common.js';

const QUANTILES = ['p05', 'p25', 'median', 'p75', 'p95'] as const;
/** Vega's second category colour: readable on the first (the bars) and on light and dark themes. */
export const MEDIAN_COLOR = '#f58518';

export function summaryChart(rows: readonly ChartRow[]): VegaLiteSpec {
  const numeric = rows.filter((r) => isNumber(r.mean) || isNumber(r.median));
  if (numeric.length === 0) return levelsChart(rows);
  const values = numeric.map((r) => {
    const group = r.level === null || r.level === undefined ? String(r.site) : `${String(r.site)} · ${String(r.level)}`;
    const out: ChartRow = { variable: String(r.variable), site: group, n: isNumber(r.n) ? r.n : null };
    for (const q of QUANTILES) out[q] = isNumber(r[q]) ? r[q] : null;
    return out;
  });
  const sites = [...new Set(values.map((v) => String(v.site)))];
  const y = { field: 'site', type: 'nominal', title: null, sort: sites };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Summary: p05 · p25 · median · p75 · p95',
    usermeta: USERMETA,
    data: { values },
    facet: { row: { field: 'variable', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left' } } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 420,
      layer: [
        { mark: { type: 'rule' }, encoding: { y, x: { field: 'p05', type: 'quantitative', title: null }, x2: { field: 'p95' } } },
        {
          mark: { type: 'bar', size: 12, tooltip: true },
          encoding: { y, x: { field: 'p25', type: 'quantitative' }, x2: { field: 'p75' } },
        },
        {
          // Orange, not black: it must stand out on the blue bar and on a white or a dark (#333) background.
          mark: { type: 'tick', color: MEDIAN_COLOR, thickness: 2, size: 14 },
          encoding: { y, x: { field: 'median', type: 'quantitative' } },
        },
      ],
    },
  };
}

function levelsChart(rows: readonly ChartRow[]): VegaLiteSpec {
  const values = rows
    .filter((r) => r.level !== null && r.level !== undefined && isNumber(r.n) && !isNumber(r.mean))
    .map((r) => ({ variable: String(r.variable), level: String(r.level), site: String(r.site), n: r.n as number }));
  return {
    ...base('Summary: persons per level'),
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'site', type: 'nominal', title: null },
      x: { field: 'n', type: 'quantitative', title: 'persons', stack: 'normalize' },
      color: { field: 'level', type: 'nominal' },
      row: { field: 'variable', type: 'nominal', title: null },
    },
  };
}
