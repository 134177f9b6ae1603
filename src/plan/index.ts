/** Plan v1: types, validation and hashing. Browser- and Deno-safe: nothing here imports node:. */
export { validatePlan, validatePlanText, parsePlan, planError } from './validate.js';
export type { ValidationResult, ValidateOptions, PlanErrorCode } from './validate.js';
export { canonicalJson, planHash } from './hash.js';
export { PLAN_LIMITS, VALUE_BOUNDS } from './limits.js';
export type { PlanLimits } from './limits.js';
export { normalizeLimitType } from './validate-ranges.js';
export { ANALYSIS_KINDS, CRITERION_DOMAINS, CROSSTAB_DIMENSIONS, PLAN_VERSION } from './types.js';
export type {
  Analysis,
  AnalysisKind,
  CirceExpression,
  ConceptSet,
  ConceptSetItem,
  CountAnalysis,
  Criterion,
  CriterionDomain,
  CrosstabAnalysis,
  CrosstabDimension,
  DateRange,
  DomainCriteria,
  LimitType,
  NumericRange,
  Plan,
  PrimaryCriteria,
  RangeOp,
} from './types.js';
