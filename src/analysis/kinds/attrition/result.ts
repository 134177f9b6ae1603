/**
 * `attrition` result: one row per step (0 = qualifying events, k = after rules 1..k) with the rule's
 * name. The steps are nested sets, so disclosure control also guards their differences (without
 * perturbation: src/disclosure/attrition.ts). Browser-safe.
 */
import type { CellsKindInfo } from '../cells-info.js';
import type { AttritionAnalysis } from './plan.js';

export const ATTRITION_DIMENSIONS = ['rule_index', 'rule_name'] as const;
export const QUALIFYING_STEP = 'qualifying events';

export const ATTRITION_CELLS: CellsKindInfo<AttritionAnalysis> = {
  dimensions: () => [...ATTRITION_DIMENSIONS],
  dimensionTypes: { rule_index: 'int32', rule_name: 'utf8' },
  release: { nestedDifferences: true, margins: false },
};
