/**
 * Histogram: one bar per bin (x from bin_lower to bin_upper, height = persons). The pooled bins when
 * the hub sent them, otherwise one panel per site. A withheld bin has no bar but a rule over the
 * interval that holds its true count, so a gap never reads as zero.
 */
import { VEGA_LITE_SCHEMA, base, pick, pooledOrSites, withheld, type ChartRow, type VegaLiteSpec } from './common.js';

const FIELDS = ['site', 'variable', 'bin_lower', 'bin_upper', 'persons', 'persons_lower', 'persons_upper'] as const;

export interface HistogramOptions {
  /** 'pooled' (default when a pooled batch exists) or 'sites': one panel per site. */
  show?: 'pooled' | 'sites';
}

export function histogramChart(rows: readonly ChartRow[], opts: HistogramOptions = {}): VegaLiteSpec {
  const chosen = opts.show === 'sites' ? { rows: rows.filter((r) => r.site !== 'pooled'), pooled: false } : pooledOrSites(rows);
  const values = chosen.rows.map((r) => ({ ...pick(r, FIELDS), withheld: withheld(r, 'persons') }));
  const variable = String(chosen.rows[0]?.variable ?? '');
  const x = { field: 'bin_lower', type: 'quantitative', title: variable, bin: { binned: true } };
  const layers = [
    {
      mark: { type: 'bar', tooltip: true },
      transform: [{ filter: 'datum.withheld === false' }],
      encoding: {
        x,
        x2: { field: 'bin_upper' },
        y: { field: 'persons', type: 'quantitative', title: 'persons' },
      },
    },
    {
      mark: { type: 'rule', strokeDash: [3, 2], tooltip: true },
      transform: [{ filter: 'datum.withheld === true' }],
      encoding: {
        x: { field: 'bin_lower', type: 'quantitative' },
        y: { field: 'persons_lower', type: 'quantitative' },
        y2: { field: 'persons_upper' },
      },
    },
  ];
  const title = `${variable}: persons per bin${chosen.pooled ? ' (pooled)' : ''}`;
  if (chosen.pooled) return { ...base(title), data: { values }, layer: layers };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    data: { values },
    facet: { row: { field: 'site', type: 'nominal', title: 'site' } },
    spec: { width: 420, height: 120, layer: layers },
  };
}
