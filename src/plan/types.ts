import type { CirceExpression } from '../circe/types.js';

/**
 * Plan v1: what a researcher asks. `cohort` is an OHDSI Circe cohort expression (the JSON ATLAS
 * exports), so field names keep Circe's PascalCase; `analysis` says what to compute over it.
 * The JSON Schema in spec/plan.schema.json describes the same shape for other languages.
 */

export const PLAN_VERSION = 1 as const;

export interface Plan {
  version: typeof PLAN_VERSION;
  cohort: CirceExpression;
  analysis: Analysis;
}

export type Analysis =
  CountAnalysis | AttritionAnalysis | CrosstabAnalysis | SummaryAnalysis | HistogramAnalysis | GlmAnalysis | KmAnalysis;
export type AnalysisKind = Analysis['kind'];

/** Every analysis kind, for validators and pickers (src/analysis/kinds/plan-kinds.ts). */
export { ANALYSIS_KINDS } from '../analysis/kinds/plan-kinds.js';

// Each kind's plan part lives in its folder under src/analysis/kinds/.
import type { AttritionAnalysis } from '../analysis/kinds/attrition/plan.js';
import type { CountAnalysis } from '../analysis/kinds/count/plan.js';
export type { AttritionAnalysis, CountAnalysis };

import type {
  CrosstabAnalysis,
  GlmAnalysis,
  HistogramAnalysis,
  KmAnalysis,
  SummaryAnalysis,
} from '../analysis/kinds/plan-types.js';
export { CROSSTAB_DIMENSIONS } from '../analysis/kinds/plan-types.js';
export type {
  CrosstabAnalysis,
  CrosstabDimension,
  GlmAnalysis,
  GlmFamilyName,
  HistogramAnalysis,
  KmAnalysis,
  SummaryAnalysis,
  VariableAnalysis,
} from '../analysis/kinds/plan-types.js';
export type { VariableSpec, Variables } from '../analysis/variables/types.js';

// The cohort is the full Circe expression; its types live with the compiler in src/circe/.
export { CRITERION_DOMAINS } from '../circe/types.js';
export type {
  CirceExpression,
  ConceptSet,
  ConceptSetItem,
  CorrelatedCriterion,
  CriteriaGroup,
  Criterion,
  CriterionDomain,
  DateRange,
  DomainCriteria,
  InclusionRule,
  LimitType,
  NumericRange,
  PrimaryCriteria,
  RangeOp,
} from '../circe/types.js';
