/**
 * The default chart of a result, by analysis kind; kinds without one (the counting kinds) get none.
 * Keyed by the rounds kinds as identifiers (a Record over VariableAnalysis['kind'], so a new rounds
 * kind does not compile until it has a chart here).
 */
import type { VariableAnalysis } from '../analysis/kinds/plan-types.js';
import type { ChartRow, VegaLiteSpec } from './common.js';
import { glmChart } from './glm.js';
import { histogramChart } from './histogram.js';
import { kmChart } from './km.js';
import { summaryChart } from './summary.js';

export type ChartKind = VariableAnalysis['kind'];

const CHARTS: Record<ChartKind, (rows: readonly ChartRow[], metadata?: Record<string, string>) => VegaLiteSpec> = {
  summary: (rows) => summaryChart(rows),
  histogram: (rows) => histogramChart(rows),
  glm: glmChart,
  km: kmChart,
};

export function isChartKind(kind: string): kind is ChartKind {
  return Object.hasOwn(CHARTS, kind);
}

export function chartFor(kind: string, rows: readonly ChartRow[], metadata?: Record<string, string>): VegaLiteSpec | undefined {
  return isChartKind(kind) ? CHARTS[kind](rows, metadata) : undefined;
}
