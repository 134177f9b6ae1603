/** Plan v1: types, validation and hashing. Browser- and Deno-safe: nothing here imports node:. */
export { validatePlan, validatePlanText, validateCohortExpression, parsePlan, planError, notJson } from './validate.js';
export type { CohortValidationResult, ValidationResult, ValidateOptions, PlanErrorCode } from './validate.js';
export type { PlanWarning } from './problems.js';
export { canonicalJson, planHash } from './hash.js';
export { PLAN_LIMITS, VALUE_BOUNDS } from './limits.js';
export type { PlanLimits } from './limits.js';
export { normalizeLimitType } from './validate-ranges.js';
export { ANALYSIS_KINDS, CRITERION_DOMAINS, CROSSTAB_DIMENSIONS, PLAN_VERSION } from './types.js';
export type {
  Analysis,
  AnalysisKind,
  AttritionAnalysis,
  CirceExpression,
  ConceptSet,
  ConceptSetItem,
  CorrelatedCriterion,
  CountAnalysis,
  CriteriaGroup,
  Criterion,
  CriterionDomain,
  CrosstabAnalysis,
  CrosstabDimension,
  DateRange,
  GlmAnalysis,
  GlmFamilyName,
  HistogramAnalysis,
  KmAnalysis,
  SummaryAnalysis,
  VariableAnalysis,
  VariableSpec,
  Variables,
  DomainCriteria,
  InclusionRule,
  LimitType,
  NumericRange,
  Plan,
  PrimaryCriteria,
  RangeOp,
} from './types.js';
