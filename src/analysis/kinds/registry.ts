/**
 * The analysis kinds, one row each: what site, hub, clients and panel read about a kind. A kind's
 * folder (src/analysis/kinds/<kind>/) holds its plan part (plan.ts: validation), its site part
 * (site.ts: aggregates under disclosure control), its hub part (hub.ts: pooling or hub-side
 * iteration); this table holds the browser-safe rest: how it runs, its result columns and its
 * default view. Browser-safe: no Node-only imports here or below.
 *
 * `protocol`: 'cells' kinds (count, attrition, crosstab) are one /v1/execute per site, pooled by
 * adding released cells (src/hub/pool.ts); 'rounds' kinds are driven by the hub in rounds
 * (POST /v1/rounds at each site) and their results stream is written once the analysis is done.
 */
import type { Schema } from 'apache-arrow';
import { schemaFromColumns } from '../../arrow/records.js';
import type { Analysis, AnalysisKind } from '../../plan/types.js';
import { kindColumns, type ColumnSpec } from './result-columns.js';
import type { VariableAnalysis } from './plan-types.js';
import { DEFAULT_VIEWS, type ViewDescriptor } from './views.js';

export interface KindInfo {
  kind: AnalysisKind;
  label: string;
  protocol: 'cells' | 'rounds';
  /** per-site rows are released too (false: pooled rows only) */
  perSite: boolean;
  /** schema metadata key of the kind's JSON result (fit, grid, test), if any */
  metadataKey?: string;
  view: ViewDescriptor;
}

export const KINDS: Record<AnalysisKind, KindInfo> = {
  count: { kind: 'count', label: 'Count', protocol: 'cells', perSite: true, view: DEFAULT_VIEWS.count },
  attrition: { kind: 'attrition', label: 'Attrition', protocol: 'cells', perSite: true, view: DEFAULT_VIEWS.attrition },
  crosstab: {
    kind: 'crosstab',
    label: 'Crosstab',
    protocol: 'cells',
    perSite: true,
    metadataKey: 'fedomop.test',
    view: DEFAULT_VIEWS.crosstab,
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
