/**
 * Pooling: the hub's only arithmetic. Sites release cells, some exact and some suppressed as an
 * interval; the pooled cell adds them up so that the truth stays inside the pooled interval:
 *
 *   value      = Σ values when every part is exact, else null
 *   lower      = Σ lowers,  upper = Σ uppers       (exact parts have lower = upper = value)
 *   suppressed = any part suppressed
 *
 * A cell released by one site and absent at another counts as 0 there (an exact zero adds nothing).
 * Pure and deterministic: rows come out sorted by their dimension values so two hubs pooling the
 * same answers in a different arrival order produce identical bytes.
 */
import {
  MEASURES,
  POOLED_SITE,
  dimensionsOf,
  type Measure,
  type ReleasedValue,
  type ResultDimension,
  type ResultRow,
} from '../arrow/result-schema.js';
import type { Analysis } from '../plan/types.js';

type DimValue = string | number | null;

interface Cell {
  dims: DimValue[];
  measures: Record<Measure, ReleasedValue>;
}

/** Pools the rows of every site that answered into one row per distinct combination of dimension values. */
export function poolRows(analysis: Analysis, rows: Iterable<ResultRow>): ResultRow[] {
  const dimensions = dimensionsOf(analysis);
  const cells = new Map<string, Cell>();
  for (const row of rows) {
    const dims = dimensions.map((d) => row.dims[d] ?? null);
    // JSON keeps 2019 and "2019" and null apart, which a plain join would not.
    const key = JSON.stringify(dims);
    let cell = cells.get(key);
    if (!cell) {
      cell = { dims, measures: {} as Record<Measure, ReleasedValue> };
      for (const m of MEASURES) cell.measures[m] = { value: 0, lower: 0, upper: 0, suppressed: false };
      cells.set(key, cell);
    }
    for (const m of MEASURES) addInto(cell.measures[m], row.measures[m]);
  }
  return [...cells.values()].sort((a, b) => compareDims(a.dims, b.dims)).map((cell) => toRow(dimensions, cell));
}

function addInto(acc: ReleasedValue, part: ReleasedValue): void {
  acc.value = acc.value === null || part.value === null || part.suppressed ? null : acc.value + part.value;
  acc.lower += part.lower;
  acc.upper += part.upper;
  acc.suppressed ||= part.suppressed;
}

function toRow(dimensions: ResultDimension[], cell: Cell): ResultRow {
  const dims: ResultRow['dims'] = {};
  dimensions.forEach((d, i) => (dims[d] = cell.dims[i]));
  return { site: POOLED_SITE, dims, measures: cell.measures };
}

/** Column by column: numbers numerically, strings by code unit (locale-independent), nulls last. */
export function compareDims(a: DimValue[], b: DimValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValue(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

function compareValue(a: DimValue, b: DimValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : 1;
}
