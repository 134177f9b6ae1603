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

export type Analysis = CountAnalysis | AttritionAnalysis | CrosstabAnalysis;
export type AnalysisKind = Analysis['kind'];

// A Record, so adding a kind to Analysis does not compile until it is listed here too.
const KINDS: Record<AnalysisKind, true> = { count: true, attrition: true, crosstab: true };
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

export const CROSSTAB_DIMENSIONS = ['gender', 'age_group', 'index_year'] as const;
export type CrosstabDimension = (typeof CROSSTAB_DIMENSIONS)[number];

/** Persons and entry events per cell of the chosen dimensions (1 to 3, each once). */
export interface CrosstabAnalysis {
  kind: 'crosstab';
  by: CrosstabDimension[];
}

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
