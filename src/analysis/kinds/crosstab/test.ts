/**
 * `crosstab` at the hub, after pooling: a two-way table (two entries in `by`, `variables` declared) gets Pearson's
 * chi-square test of independence on the pooled persons, and Fisher's exact test when it is 2×2,
 * as JSON under the results' schema metadata key `fedomop.test`. A table with a withheld pooled
 * cell gets no test (`null` with the reason): a test on an interval would pretend to precision.
 * Browser-safe.
 */
import type { ResultRow } from '../../../arrow/result-schema.js';
import { chiSquareTest, fisherExact2x2 } from '../../../stats/tables.js';
import type { CrosstabAnalysis } from './plan.js';

export const TEST_META = 'fedomop.test';

/**
 * Only the statistics form (a crosstab that declares `variables`) waits for the pool to send the
 * test: a crosstab of the built-in dimensions streams each site's batch as it arrives, as before,
 * and its schema message, written first, cannot carry a test computed at the end.
 */
export function hasTableTest(a: CrosstabAnalysis): boolean {
  return a.by.length === 2 && a.variables !== undefined;
}

export function crosstabTest(a: CrosstabAnalysis, pooled: readonly ResultRow[]): string {
  const [rDim, cDim] = a.by as [string, string];
  const key = (v: unknown) => JSON.stringify(v ?? null);
  const rows = [...new Set(pooled.map((r) => key(r.dims[rDim as keyof ResultRow['dims']])))].sort();
  const cols = [...new Set(pooled.map((r) => key(r.dims[cDim as keyof ResultRow['dims']])))].sort();
  if (pooled.some((r) => r.measures.persons.value === null)) {
    return JSON.stringify({ test: null, reason: 'a pooled cell is withheld', by: a.by });
  }
  const table = rows.map((rv) =>
    cols.map((cv) => {
      const cell = pooled.find(
        (r) => key(r.dims[rDim as keyof ResultRow['dims']]) === rv && key(r.dims[cDim as keyof ResultRow['dims']]) === cv,
      );
      return cell?.measures.persons.value ?? 0;
    }),
  );
  try {
    const chi = chiSquareTest(table);
    const out: Record<string, unknown> = {
      by: a.by,
      rows: rows.map((r) => JSON.parse(r)),
      columns: cols.map((c) => JSON.parse(c)),
      chiSquare: { statistic: chi.statistic, df: chi.df, p_value: chi.p_value },
    };
    if (table.length === 2 && table[0].length === 2) out.fisher = { p_value: fisherExact2x2(table).p_value };
    return JSON.stringify(out);
  } catch (err) {
    return JSON.stringify({ test: null, reason: (err as Error).message, by: a.by });
  }
}
