/**
 * `crosstab` result: one row per cell of the `by` dimensions, in `by` order. Disclosure control
 * adds margins: a row of cells whose margin, asked separately, would pin a withheld cell is withheld
 * whole. A two-way crosstab of variables carries its test in the schema metadata, known once pooled
 * (test.ts). Browser-safe.
 */
import type { CellsKindInfo } from '../cells-info.js';
import type { CrosstabAnalysis } from './plan.js';
import { crosstabTest, hasTableTest, TEST_META } from './test.js';

export const CROSSTAB_CELLS: CellsKindInfo<CrosstabAnalysis> = {
  dimensions: (a) => [...a.by],
  dimensionTypes: { gender: 'utf8', age_group: 'utf8', index_year: 'int32' },
  release: { nestedDifferences: false, margins: true },
  pooledMetadata: {
    applies: hasTableTest,
    of: (a, pooled) => ({ [TEST_META]: crosstabTest(a, pooled) }),
  },
};
