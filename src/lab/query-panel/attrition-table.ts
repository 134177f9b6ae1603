/**
 * The attrition analysis as the panel shows it: one row per step (0 = qualifying events, then after
 * each inclusion rule, by name), and for each site that answered and for the pooled result, persons
 * and events, with the share of step 0 still remaining. Withheld values are their interval
 * (formatValue, as everywhere in the panel); a share is given only when both numbers are exact,
 * since a ratio of intervals would claim more than the sites released. Pure, so the spec pins it.
 */
import { MEASURES, POOLED_SITE, type Measure, type ReleasedValue, type ResultRow } from '../../arrow/result-schema.js';
import { formatValue, type ICellText } from './format.js';

export interface IAttritionColumn {
  /** Site id, or "pooled". */
  key: string;
  label: string;
}

export interface IAttritionCell extends ICellText {
  /** Of step 0 in the same column, e.g. "62.5%"; null unless both values are exact. */
  percent: string | null;
}

export interface IAttritionStep {
  index: number;
  name: string;
  /** By column key; a column without a row for this step has none here (shown as "—"). */
  cells: Record<string, Record<Measure, IAttritionCell>>;
}

export interface IAttritionTable {
  columns: IAttritionColumn[];
  steps: IAttritionStep[];
}

export const QUALIFYING_STEP_NAME = 'qualifying events';

/**
 * Sites in the order given (only those with rows), then pooled when it has arrived. Steps are the
 * union of every column's rule_index values, in order; a step's name is the first one given.
 */
export function attritionTable(
  sites: ReadonlyArray<{ site: string; rows: ResultRow[] | null }>,
  pooled: ResultRow[] | null,
): IAttritionTable {
  const sources = sites.filter((s) => s.rows).map((s) => ({ key: s.site, label: s.site, rows: s.rows! }));
  if (pooled) sources.push({ key: POOLED_SITE, label: 'Pooled', rows: pooled });

  const names = new Map<number, string>();
  for (const source of sources) {
    for (const row of source.rows) {
      const index = stepIndex(row);
      if (index === null) continue;
      const name = typeof row.dims.rule_name === 'string' && row.dims.rule_name !== '' ? row.dims.rule_name : null;
      if (!names.has(index) || (names.get(index) === fallbackName(index) && name)) {
        names.set(index, name ?? fallbackName(index));
      }
    }
  }

  const steps: IAttritionStep[] = [...names.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, name]) => ({ index, name, cells: {} }));
  for (const source of sources) {
    const byIndex = new Map<number, ResultRow>();
    for (const row of source.rows) {
      const index = stepIndex(row);
      if (index !== null && !byIndex.has(index)) byIndex.set(index, row);
    }
    const base = byIndex.get(0);
    for (const step of steps) {
      const row = byIndex.get(step.index);
      if (!row) continue;
      step.cells[source.key] = Object.fromEntries(
        MEASURES.map((m) => [
          m,
          { ...formatValue(row.measures[m]), percent: step.index === 0 ? null : percentOf(row.measures[m], base?.measures[m]) },
        ]),
      ) as Record<Measure, IAttritionCell>;
    }
  }
  return { columns: sources.map(({ key, label }) => ({ key, label })), steps };
}

/** `part` as a share of `whole`, when both are exact and whole is not 0: "62.5%", "100%", "<0.1%", ">99.9%". */
export function percentOf(part: ReleasedValue | undefined, whole: ReleasedValue | undefined): string | null {
  if (!exact(part) || !exact(whole) || whole.value === 0) return null;
  const pct = (100 * part.value) / whole.value;
  // Rounding must not turn "some left" into 0% or "some lost" into 100%.
  if (pct > 0 && pct < 0.05) return '<0.1%';
  if (pct < 100 && pct >= 99.95) return '>99.9%';
  return `${Number(pct.toFixed(1))}%`;
}

function exact(v: ReleasedValue | undefined): v is ReleasedValue & { value: number } {
  return !!v && !v.suppressed && v.value !== null;
}

function stepIndex(row: ResultRow): number | null {
  const v = row.dims.rule_index;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : null;
}

function fallbackName(index: number): string {
  return index === 0 ? QUALIFYING_STEP_NAME : `rule ${index}`;
}
