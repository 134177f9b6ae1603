/**
 * Histogram: one bar per bin (x from bin_lower to bin_upper, height = persons). The pooled bins when
 * the hub sent them, otherwise one panel per site. A withheld bin has no bar but a rule over the
 * interval that holds its true count, so a gap never reads as zero.
 *
 * The bins outside the edges are open, (−∞, e₀) and (e_m, ∞), with a null bound: they are drawn as
 * wide as their closed neighbour (the first or last closed bin), faded, and labelled "< e₀" / "> e_m"
 * so nobody reads the drawn width as a range of values. Without a closed bin the width is 1.
 */
import {
  USERMETA,
  VEGA_LITE_SCHEMA,
  base,
  isNumber,
  pick,
  pooledOrSites,
  withheld,
  type ChartRow,
  type VegaLiteSpec,
} from './common.js';

const FIELDS = ['site', 'variable', 'bin_lower', 'bin_upper', 'persons', 'persons_lower', 'persons_upper'] as const;
/** How an open bin is drawn, set apart from the closed ones. */
const OPEN_OPACITY = 0.45;

export interface HistogramOptions {
  /** 'pooled' (default when a pooled batch exists) or 'sites': one panel per site. */
  show?: 'pooled' | 'sites';
}

/** Where each bin is drawn on the x axis, and which side (if any) it is open on. */
export interface DrawnBin {
  x_lower: number | null;
  x_upper: number | null;
  open: 'below' | 'above' | null;
  open_label: string | null;
}

/**
 * Widths of the first and last closed bins (every site has the same edges, so all rows are read).
 * An open bin borrows its neighbour's width.
 */
export function drawnBin(row: ChartRow, rows: readonly ChartRow[]): DrawnBin {
  const lo = row.bin_lower;
  const hi = row.bin_upper;
  if (isNumber(lo) && isNumber(hi)) return { x_lower: lo, x_upper: hi, open: null, open_label: null };
  const closed = rows.filter((r) => isNumber(r.bin_lower) && isNumber(r.bin_upper)) as { bin_lower: number; bin_upper: number }[];
  const width = (r: { bin_lower: number; bin_upper: number } | undefined): number =>
    r && r.bin_upper > r.bin_lower ? r.bin_upper - r.bin_lower : 1;
  if (isNumber(hi)) {
    const first = closed.reduce<(typeof closed)[number] | undefined>(
      (a, r) => (a && a.bin_lower <= r.bin_lower ? a : r),
      undefined,
    );
    return { x_lower: hi - width(first), x_upper: hi, open: 'below', open_label: `< ${edgeLabel(hi)}` };
  }
  if (isNumber(lo)) {
    const last = closed.reduce<(typeof closed)[number] | undefined>(
      (a, r) => (a && a.bin_upper >= r.bin_upper ? a : r),
      undefined,
    );
    return { x_lower: lo, x_upper: lo + width(last), open: 'above', open_label: `> ${edgeLabel(lo)}` };
  }
  return { x_lower: null, x_upper: null, open: null, open_label: null };
}

/** An edge in a label: 6 significant digits (hub-chosen edges are p05 + i·width and carry float dust). */
export function edgeLabel(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export function histogramChart(rows: readonly ChartRow[], opts: HistogramOptions = {}): VegaLiteSpec {
  const chosen = opts.show === 'sites' ? { rows: rows.filter((r) => r.site !== 'pooled'), pooled: false } : pooledOrSites(rows);
  const values = chosen.rows.map((r) => ({ ...pick(r, FIELDS), withheld: withheld(r, 'persons'), ...drawnBin(r, chosen.rows) }));
  const variable = String(chosen.rows[0]?.variable ?? '');
  const x = { field: 'x_lower', type: 'quantitative', title: variable, bin: { binned: true } };
  const layers = [
    {
      mark: { type: 'bar', tooltip: true },
      transform: [{ filter: 'datum.withheld === false' }],
      encoding: {
        x,
        x2: { field: 'x_upper' },
        y: { field: 'persons', type: 'quantitative', title: 'persons' },
        opacity: { condition: { test: 'datum.open !== null', value: OPEN_OPACITY }, value: 1 },
      },
    },
    {
      mark: { type: 'rule', strokeDash: [3, 2], tooltip: true },
      transform: [{ filter: 'datum.withheld === true' }, { calculate: '(datum.x_lower + datum.x_upper) / 2', as: 'x_mid' }],
      encoding: {
        x: { field: 'x_mid', type: 'quantitative' },
        y: { field: 'persons_lower', type: 'quantitative' },
        y2: { field: 'persons_upper' },
      },
    },
    {
      // The open marker: "< e₀" / "> e_m" over the bar (or over the interval of a withheld one), in the
      // theme's label style so it reads in light and dark alike.
      mark: { type: 'text', dy: -6, baseline: 'bottom', style: 'guide-label' },
      transform: [
        { filter: 'datum.open !== null' },
        { calculate: '(datum.x_lower + datum.x_upper) / 2', as: 'x_mid' },
        { calculate: 'datum.withheld ? datum.persons_upper : datum.persons', as: 'top' },
      ],
      encoding: {
        x: { field: 'x_mid', type: 'quantitative' },
        y: { field: 'top', type: 'quantitative' },
        text: { field: 'open_label' },
      },
    },
  ];
  const title = `${variable}: persons per bin${chosen.pooled ? ' (pooled)' : ''}`;
  if (chosen.pooled) return { ...base(title), data: { values }, layer: layers };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    usermeta: USERMETA,
    data: { values },
    facet: { row: { field: 'site', type: 'nominal', title: 'site' } },
    spec: { width: 420, height: 120, layer: layers },
  };
}
