/**
 * The OHDSI Circe cohort expression (circe-be's object model, as ATLAS exports it), typed as far as
 * the compiler reads it. Field names keep Circe's PascalCase so a pasted ATLAS export is a value
 * of this type. Fields the compiler does not read stay on the objects untouched (index signatures),
 * which is what makes export lossless.
 */

export type LimitType = 'First' | 'All' | 'Last';

export interface CirceExpression {
  ConceptSets: ConceptSet[];
  PrimaryCriteria: PrimaryCriteria;
  AdditionalCriteria?: CriteriaGroup | null;
  QualifiedLimit?: Limit | null;
  ExpressionLimit?: Limit | null;
  InclusionRules?: InclusionRule[] | null;
  EndStrategy?: EndStrategy | null;
  CensoringCriteria?: Criterion[] | null;
  CollapseSettings?: CollapseSettings | null;
  CensorWindow?: Period | null;
  cdmVersionRange?: string | null;
  Title?: string | null;
  [field: string]: unknown;
}

export interface ConceptSet {
  id: number;
  name?: string;
  expression: { items: ConceptSetItem[]; [field: string]: unknown };
  [field: string]: unknown;
}

export interface ConceptSetItem {
  concept: Concept;
  isExcluded?: boolean;
  includeDescendants?: boolean;
  includeMapped?: boolean;
  [field: string]: unknown;
}

/** A concept as ATLAS writes it; only CONCEPT_ID matters to the SQL. */
export interface Concept {
  CONCEPT_ID: number;
  [field: string]: unknown;
}

/** Circe compares limit types without regard to case ("first" is valid); read through limitType(). */
export interface Limit {
  Type?: string | null;
  [field: string]: unknown;
}

export interface PrimaryCriteria {
  CriteriaList: Criterion[];
  ObservationWindow?: { PriorDays?: number; PostDays?: number; [field: string]: unknown } | null;
  PrimaryCriteriaLimit?: Limit | null;
  [field: string]: unknown;
}

export interface InclusionRule {
  name?: string | null;
  description?: string | null;
  expression: CriteriaGroup;
  [field: string]: unknown;
}

export type GroupType = 'ALL' | 'ANY' | 'AT_LEAST' | 'AT_MOST';

export interface CriteriaGroup {
  Type?: GroupType | string;
  /** Used by AT_LEAST and AT_MOST only. */
  Count?: number | null;
  CriteriaList?: CorrelatedCriterion[] | null;
  DemographicCriteriaList?: DemographicCriteria[] | null;
  Groups?: CriteriaGroup[] | null;
  [field: string]: unknown;
}

/** circe-be's CorelatedCriteria (sic): a criterion counted in a window around the index event. */
export interface CorrelatedCriterion {
  Criteria: Criterion;
  StartWindow?: Window | null;
  EndWindow?: Window | null;
  RestrictVisit?: boolean | null;
  IgnoreObservationPeriod?: boolean | null;
  Occurrence?: Occurrence | null;
  [field: string]: unknown;
}

export interface WindowBound {
  /** Absent or null: bounded by the index event's observation period only. */
  Days?: number | null;
  /** -1 before the index date, +1 after. */
  Coeff: number;
  /** Newer circe: 'day' (the only unit on date-only CDM data); TimeUnitValue replaces Days. */
  TimeUnit?: string | null;
  TimeUnitValue?: number | null;
  [field: string]: unknown;
}

export interface Window {
  Start: WindowBound;
  End: WindowBound;
  UseIndexEnd?: boolean | null;
  UseEventEnd?: boolean | null;
  [field: string]: unknown;
}

/** 0 exactly, 1 at most, 2 at least. */
export interface Occurrence {
  Type: number;
  Count: number;
  IsDistinct?: boolean | null;
  /** What "distinct" counts: DOMAIN_CONCEPT (default), START_DATE, VISIT_ID. */
  CountColumn?: string | null;
  [field: string]: unknown;
}

export interface DemographicCriteria {
  Age?: NumericRange | null;
  Gender?: Concept[] | null;
  GenderCS?: ConceptSetSelection | null;
  Race?: Concept[] | null;
  RaceCS?: ConceptSetSelection | null;
  Ethnicity?: Concept[] | null;
  EthnicityCS?: ConceptSetSelection | null;
  OccurrenceStartDate?: DateRange | null;
  OccurrenceEndDate?: DateRange | null;
  [field: string]: unknown;
}

export type EndStrategy = { DateOffset: DateOffsetStrategy } | { CustomEra: CustomEraStrategy };

export interface DateOffsetStrategy {
  DateField: 'StartDate' | 'EndDate' | string;
  Offset: number;
  [field: string]: unknown;
}

export interface CustomEraStrategy {
  DrugCodesetId?: number | null;
  GapDays?: number | null;
  Offset?: number | null;
  DaysSupplyOverride?: number | null;
  [field: string]: unknown;
}

export interface CollapseSettings {
  CollapseType?: 'ERA' | string;
  /** The classic field; newer ATLAS also writes EraPadUnitValue + EraPadUnit ('day'). */
  EraPad?: number | null;
  EraPadUnitValue?: number | null;
  EraPadUnit?: string | null;
  [field: string]: unknown;
}

/** Dates as YYYY-MM-DD; either side may be absent. */
export interface Period {
  StartDate?: string | null;
  EndDate?: string | null;
  [field: string]: unknown;
}

export type RangeOp = 'lt' | 'lte' | 'eq' | '!eq' | 'gt' | 'gte' | 'bt' | '!bt';

export interface NumericRange {
  Value: number;
  Op: RangeOp | string;
  Extent?: number | null;
  [field: string]: unknown;
}

export interface DateRange {
  Value: string;
  Op: RangeOp | string;
  Extent?: string | null;
  [field: string]: unknown;
}

export type TextOp = 'startsWith' | 'contains' | 'endsWith' | '!startsWith' | '!contains' | '!endsWith';

export interface TextFilter {
  Text: string;
  Op: TextOp | string;
  [field: string]: unknown;
}

/** The newer "*CS" attributes: a concept set instead of an inline concept list. */
export interface ConceptSetSelection {
  CodesetId: number;
  IsExclusion?: boolean | null;
  [field: string]: unknown;
}

export interface DateAdjustment {
  StartWith?: 'START_DATE' | 'END_DATE' | string;
  StartOffset?: number;
  EndWith?: 'START_DATE' | 'END_DATE' | string;
  EndOffset?: number;
  [field: string]: unknown;
}

export const CRITERION_DOMAINS = [
  'ConditionOccurrence',
  'ConditionEra',
  'DrugExposure',
  'DrugEra',
  'DoseEra',
  'Measurement',
  'Observation',
  'ProcedureOccurrence',
  'VisitOccurrence',
  'VisitDetail',
  'DeviceExposure',
  'Specimen',
  'Death',
  'ObservationPeriod',
  'PayerPlanPeriod',
] as const;
export type CriterionDomain = (typeof CRITERION_DOMAINS)[number];

/**
 * The attributes of one criterion. Which of them a domain has, and what each filters, is the
 * catalogue in attributes.ts; the common ones are typed here for the compiler's convenience.
 */
export interface DomainCriteria {
  CodesetId?: number | null;
  First?: boolean | null;
  CorrelatedCriteria?: CriteriaGroup | null;
  DateAdjustment?: DateAdjustment | null;
  [attribute: string]: unknown;
}

/** Exactly one key, the domain. */
export type Criterion = { [D in CriterionDomain]: { [K in D]: DomainCriteria } }[CriterionDomain];
