/**
 * What every chart builder shares. Charts are Vega-Lite v5 specs built from a result's plain rows and
 * its schema metadata, with no DOM and no plotting library: JupyterLab renders the spec itself, in
 * notebooks and (through the rendermime registry) in the query panel. fedomop/charts.py builds the same
 * specs in Python; test/fixtures/charts/ pins both to the same JSON.
 */

/** A result row with Arrow types made plain (the client's PlainRow, restated so charts import nothing). */
export type ChartRow = Record<string, string | number | boolean | null>;

export type VegaLiteSpec = Record<string, unknown>;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
export const POOLED = 'pooled';

/** The fields a chart's data rows keep: only named ones, numbers as numbers, everything else null. */
export function pick(row: ChartRow, fields: readonly string[]): ChartRow {
  const out: ChartRow = {};
  for (const f of fields) out[f] = row[f] ?? null;
  return out;
}

export function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A withheld value carries `<measure>_suppressed: true` (the disclosure columns every count has). */
export function withheld(row: ChartRow, measure: string): boolean {
  return row[`${measure}_suppressed`] === true || row[measure] === null || row[measure] === undefined;
}

/** Rows of the pooled batch when there is one, else every site's rows. */
export function pooledOrSites(rows: readonly ChartRow[]): { rows: ChartRow[]; pooled: boolean } {
  const pooled = rows.filter((r) => r.site === POOLED);
  return pooled.length > 0 ? { rows: pooled, pooled: true } : { rows: [...rows], pooled: false };
}

/** Parses a JSON metadata entry (e.g. `fedomop.km`); a missing or unreadable entry is undefined. */
export function metaJson<T>(metadata: Record<string, string> | undefined, key: string): T | undefined {
  const raw = metadata?.[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

/**
 * Options for vega-embed carried in the spec (it reads `usermeta.embedOptions`), so JupyterLab's own
 * renderer draws SVG rather than a canvas: the marks and labels are elements in the page (crisp in
 * screenshots, readable by assistive tools and by the UI tests), and text takes the theme's colours.
 * The theme itself (JupyterLab passes `theme: 'dark'` under a dark theme) is left to the renderer.
 */
export const USERMETA = { embedOptions: { renderer: 'svg' } } as const;

export function base(title: string | Record<string, unknown>, width = 420): VegaLiteSpec {
  return { $schema: VEGA_LITE_SCHEMA, title, usermeta: USERMETA, width };
}
