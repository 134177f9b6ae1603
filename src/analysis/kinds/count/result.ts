/** `count` result: one row, no dimensions; the min-cell rule alone (no margins, no nesting). Browser-safe. */
import type { CellsKindInfo } from '../cells-info.js';
import type { CountAnalysis } from './plan.js';

export const COUNT_CELLS: CellsKindInfo<CountAnalysis> = {
  dimensions: () => [],
  dimensionTypes: {},
  release: { nestedDifferences: false, margins: false },
};
