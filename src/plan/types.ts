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

// A Record, so adding a kind to Analysis does not compile until it is listed here too.
const KINDS: Record<AnalysisKind, true> = {
  count: true,
  attrition: true,
  crosstab: true,
  summary: true,
  histogram: true,
  glm: true,
  km: true,
};
/** Every analysis kind, for validators and pickers. */
export const ANALYSIS_KINDS = Object.freeze(Object.keys(KINDS)) as readonly AnalysisKind[];

/** Persons in the cohort and the entry events that put them there. */
export interface CountAnalysis {
  kind: 'count';
}

/**
 * Persons and entry events remaining after each inclusion rule, in order, as ATLAS shows them:
 * the qualified events first, then after rule 0, after rules 0 and 1, ... (circe's attrition).
 */
export interface AttritionAnalysis {
  kind: 'attrition';
}

// The kinds that read variables (and crosstab, which may) keep their plan parts in src/analysis/kinds/.
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
