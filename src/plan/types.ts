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

export type Analysis = CountAnalysis | CrosstabAnalysis;
export type AnalysisKind = Analysis['kind'];

// A Record, so adding a kind to Analysis does not compile until it is listed here too.
const KINDS: Record<AnalysisKind, true> = { count: true, crosstab: true };
/** Every analysis kind, for validators and pickers. */
export const ANALYSIS_KINDS = Object.freeze(Object.keys(KINDS)) as readonly AnalysisKind[];

/** Persons in the cohort and the entry events that put them there. */
export interface CountAnalysis {
  kind: 'count';
}

export const CROSSTAB_DIMENSIONS = ['gender', 'age_group', 'index_year'] as const;
export type CrosstabDimension = (typeof CROSSTAB_DIMENSIONS)[number];

/** Persons and entry events per cell of the chosen dimensions (1 to 3, each once). */
export interface CrosstabAnalysis {
  kind: 'crosstab';
  by: CrosstabDimension[];
}

// ---- Circe cohort expression (the supported subset; see docs/plan.md) ----

export interface CirceExpression {
  ConceptSets: ConceptSet[];
  PrimaryCriteria: PrimaryCriteria;
  /** Kept verbatim so an exported expression round-trips; fields outside the subset are refused. */
  [field: string]: unknown;
}

export interface ConceptSet {
  id: number;
  name?: string;
  expression: { items: ConceptSetItem[] };
}

export interface ConceptSetItem {
  concept: { CONCEPT_ID: number; [field: string]: unknown };
  isExcluded?: boolean;
  includeDescendants?: boolean;
  includeMapped?: boolean;
}

export type LimitType = 'First' | 'All' | 'Last';

export interface PrimaryCriteria {
  CriteriaList: Criterion[];
  /** Absent means 0 and 0. */
  ObservationWindow?: { PriorDays: number; PostDays: number };
  /**
   * Absent (object or Type) means First, circe's default. Type is compared without regard to case
   * ("first" is valid), so read it through normalizeLimitType. ExpressionLimit (and QualifiedLimit,
   * when AdditionalCriteria is present) may narrow the events further; the compiler applies them.
   */
  PrimaryCriteriaLimit?: { Type?: LimitType };
}

export const CRITERION_DOMAINS = ['ConditionOccurrence', 'DrugExposure', 'Measurement', 'ProcedureOccurrence'] as const;
export type CriterionDomain = (typeof CRITERION_DOMAINS)[number];

/** Exactly one key, the domain. */
export type Criterion = { [D in CriterionDomain]: { [K in D]: DomainCriteria } }[CriterionDomain];

export interface DomainCriteria {
  CodesetId?: number;
  First?: boolean;
  Age?: NumericRange;
  Gender?: Array<{ CONCEPT_ID: number; [field: string]: unknown }>;
  OccurrenceStartDate?: DateRange;
  /** Measurement only. */
  ValueAsNumber?: NumericRange;
}

export type RangeOp = 'lt' | 'lte' | 'eq' | 'gt' | 'gte' | 'bt' | '!bt';

export interface NumericRange {
  Value: number;
  Op: RangeOp;
  Extent?: number;
}

/** Dates as `YYYY-MM-DD`. */
export interface DateRange {
  Value: string;
  Op: RangeOp;
  Extent?: string;
}
