/**
 * The browser-safe part of a counting kind (count, crosstab, attrition), read by the site (result
 * schema, disclosure rule), the hub (pooling, schema) and clients: its result dimensions and what
 * disclosure control does beyond the per-cell rules. The kind's registry row (registry.ts) holds it.
 */
import type { ResultRow } from '../../arrow/result-schema.js';
import type { ReleaseRule } from '../../disclosure/release.js';

export interface CellsKindInfo<A> {
  /** The result's dimension columns, in order (before the measures). */
  dimensions(analysis: A): string[];
  /** Arrow types of the kind's own dimensions; any other (a crossed variable) is a level label, utf8. */
  dimensionTypes: Readonly<Record<string, 'utf8' | 'int32'>>;
  /** What disclosure control does beyond the per-cell rules (nested differences, margins). */
  release: ReleaseRule;
  /**
   * Schema metadata known only once the cells are pooled (a crosstab's test): the hub holds the
   * results stream back until then. `applies` says whether this analysis has any.
   */
  pooledMetadata?: {
    applies(analysis: A): boolean;
    of(analysis: A, pooled: readonly ResultRow[]): Record<string, string>;
  };
}

import type { AttritionAnalysis } from './attrition/plan.js';
import type { CountAnalysis } from './count/plan.js';
import type { CrosstabAnalysis } from './crosstab/plan.js';

/** The counting kinds' analyses (protocol 'cells' in the registry). */
export type CellsAnalysis = CountAnalysis | AttritionAnalysis | CrosstabAnalysis;
