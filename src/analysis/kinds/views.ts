/**
 * The default view of each analysis kind: what a client draws from the result table. Clients
 * (panel, kernel, Python) turn a descriptor into a Vega-Lite spec or a table. Browser-safe.
 */
import type { AnalysisKind } from '../../plan/types.js';

export type ViewDescriptor =
  | { type: 'table'; columns?: string[] }
  | { type: 'bar'; x: string; y: string }
  | { type: 'histogram'; lower: string; upper: string; y: string }
  | { type: 'survival'; x: string; y: string; band: [string, string]; color: string }
  | { type: 'forest'; term: string; estimate: string; interval: [string, string] };

export const DEFAULT_VIEWS: Record<AnalysisKind, ViewDescriptor> = {
  count: { type: 'table' },
  attrition: { type: 'bar', x: 'rule_name', y: 'persons' },
  crosstab: { type: 'table' },
  summary: { type: 'table', columns: ['variable', 'level', 'n', 'missing', 'mean', 'sd', 'p05', 'p25', 'median', 'p75', 'p95'] },
  histogram: { type: 'histogram', lower: 'bin_lower', upper: 'bin_upper', y: 'persons' },
  glm: { type: 'forest', term: 'term', estimate: 'estimate', interval: ['ci_lower', 'ci_upper'] },
  km: { type: 'survival', x: 'time', y: 'survival', band: ['ci_lower', 'ci_upper'], color: 'stratum' },
};
