/**
 * The analysis kinds, one row each: what site, hub, clients and panel read about a kind. A kind's
 * folder (src/analysis/kinds/<kind>/) holds its plan part (plan.ts: type, validation, schema; read
 * through plan-kinds.ts, which plan validation reaches without this table's Arrow imports), its
 * site part (site.ts: aggregates under disclosure control), its hub part (hub.ts: pooling or
 * hub-side iteration), and for counting kinds result.ts (dimensions, disclosure rule); this table holds the browser-safe rest: how it runs, its result columns and its
 * default view. Browser-safe: no Node-only imports here or below.
 *
 * `protocol`: 'cells' kinds (count, attrition, crosstab) are one /v1/execute per site, pooled by
 * adding released cells (src/hub/pool.ts); their `cells` entry says their result dimensions and
 * disclosure rule, and their site part (SQL, cells) is in site-kinds.ts. 'rounds' kinds are driven
 * by the hub in rounds (POST /v1/rounds at each site) and their results stream is written once the
 * analysis is done; their hub parts are in hub-kinds.ts.
 *
 * A kind's name is written as a string literal only in its own folder and here (a spec checks:
 * src/analysis/kinds/shape.spec.ts). How to add a kind: docs/analysis-kinds.md.
 */
import type { Schema } from 'apache-arrow';
import { schemaFromColumns } from '../../arrow/records.js';
import type { Analysis, AnalysisKind } from '../../plan/types.js';
import { ATTRITION_CELLS } from './attrition/result.js';
import type { CellsKindInfo } from './cells-info.js';
import { COUNT_CELLS } from './count/result.js';
import { CROSSTAB_CELLS } from './crosstab/result.js';
import { kindColumns, type ColumnSpec } from './result-columns.js';
import type { VariableAnalysis } from './plan-types.js';
import { DEFAULT_VIEWS, type ViewDescriptor } from './views.js';

export { ANALYSIS_KINDS } from './plan-kinds.js';

export interface KindInfo {
  kind: AnalysisKind;
  label: string;
  protocol: 'cells' | 'rounds';
  /** per-site rows are released too (false: pooled rows only) */
  perSite: boolean;
  /** schema metadata key of the kind's JSON result (fit, grid, test), if any */
  metadataKey?: string;
  view: ViewDescriptor;
  /** Counting kinds: result dimensions, disclosure beyond the per-cell rules, pooled metadata. */
  cells?: CellsKindInfo<never>;
}

export const KINDS: Record<AnalysisKind, KindInfo> = {
  count: {
    kind: 'count',
    label: 'Count',
    protocol: 'cells',
    perSite: true,
    view: DEFAULT_VIEWS.count,
    cells: COUNT_CELLS,
  },
  attrition: {
    kind: 'attrition',
    label: 'Attrition',
    protocol: 'cells',
    perSite: true,
    view: DEFAULT_VIEWS.attrition,
    cells: ATTRITION_CELLS,
  },
  crosstab: {
    kind: 'crosstab',
    label: 'Crosstab',
    protocol: 'cells',
    perSite: true,
    metadataKey: 'fedomop.test',
    view: DEFAULT_VIEWS.crosstab,
    cells: CROSSTAB_CELLS,
  },
  summary: {
    kind: 'summary',
    label: 'Summary',
    protocol: 'rounds',
    perSite: true,
    metadataKey: 'fedomop.summary',
    view: DEFAULT_VIEWS.summary,
  },
  histogram: {
    kind: 'histogram',
    label: 'Histogram',
    protocol: 'rounds',
    perSite: true,
    metadataKey: 'fedomop.histogram',
    view: DEFAULT_VIEWS.histogram,
  },
  glm: {
    kind: 'glm',
    label: 'Regression (GLM)',
    protocol: 'rounds',
    perSite: false,
    metadataKey: 'fedomop.glm',
    view: DEFAULT_VIEWS.glm,
  },
  km: {
    kind: 'km',
    label: 'Kaplan–Meier',
    protocol: 'rounds',
    perSite: false,
    metadataKey: 'fedomop.km',
    view: DEFAULT_VIEWS.km,
  },
};

export function isRoundsKind(kind: AnalysisKind): kind is VariableAnalysis['kind'] {
  return KINDS[kind].protocol === 'rounds';
}

/** The result columns of a rounds kind (site, the kind's columns, count bounds, disclosure). */
export function kindResultColumns(kind: VariableAnalysis['kind']): ColumnSpec[] {
  return kindColumns(kind);
}

/** The Arrow schema of a rounds kind's results. */
export function kindSchema(analysis: Analysis, metadata: Record<string, string> = {}): Schema {
  if (!isRoundsKind(analysis.kind)) throw new Error(`${analysis.kind} is not a rounds kind`);
  return schemaFromColumns(kindColumns(analysis.kind), metadata);
}

/** A counting kind's result dimensions, disclosure rule and pooled metadata (the kind must be one). */
export function cellsInfo<A extends Analysis>(analysis: A): CellsKindInfo<A> {
  const cells = KINDS[analysis.kind].cells;
  if (!cells) throw new Error(`${analysis.kind} is not a counting kind`);
  return cells as unknown as CellsKindInfo<A>;
}
