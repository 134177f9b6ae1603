/**
 * The plan types of the analysis kinds that read variables, gathered from their folders
 * (<kind>/plan.ts) for the existing imports, and their union. Browser-safe: types and constants only.
 * The meanings are the plan contract (docs/plan.md, docs/statistics.md).
 */
import type { GlmAnalysis } from './glm/plan.js';
import type { HistogramAnalysis } from './histogram/plan.js';
import type { KmAnalysis } from './km/plan.js';
import type { SummaryAnalysis } from './summary/plan.js';

export { CROSSTAB_DIMENSIONS, type CrosstabAnalysis, type CrosstabDimension } from './crosstab/plan.js';
export { GLM_FAMILIES, GLM_MAX_COVARIATES, type GlmAnalysis, type GlmFamilyName } from './glm/plan.js';
export { HISTOGRAM_DEFAULT_BINS, HISTOGRAM_MAX_BINS, type HistogramAnalysis } from './histogram/plan.js';
export { KM_DEFAULT_BIN_DAYS, KM_MAX_BIN_DAYS, type KmAnalysis } from './km/plan.js';
export type { SummaryAnalysis } from './summary/plan.js';

export type VariableAnalysis = SummaryAnalysis | HistogramAnalysis | GlmAnalysis | KmAnalysis;
