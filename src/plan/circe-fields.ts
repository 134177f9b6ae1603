/**
 * The field names of a Circe cohort expression (OHDSI circe-be's Jackson property names), as far
 * as the validator needs them to tell a typo (ERR_PLAN_INVALID, with a suggestion) from a valid
 * Circe feature fedomop does not run (ERR_PLAN_UNSUPPORTED). Criterion attributes come from the
 * one catalogue the compiler also reads (src/circe/domains.ts), so the two cannot drift apart.
 */
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS, UNSUPPORTED_DOMAINS } from '../circe/domains.js';
import { CRITERION_DOMAINS, type CriterionDomain } from '../circe/types.js';

/** Every criterion type circe-be deserialises, supported or not. */
export const CIRCE_DOMAINS: readonly string[] = [...CRITERION_DOMAINS, ...Object.keys(UNSUPPORTED_DOMAINS)].sort();

export function isSupportedDomain(key: string): key is CriterionDomain {
  return (CRITERION_DOMAINS as readonly string[]).includes(key);
}

/** The domains whose catalogue has `attribute`, for "X is a Measurement attribute, not a Condition one". */
export function domainsWithAttribute(attribute: string): CriterionDomain[] {
  return CRITERION_DOMAINS.filter((d) => Object.prototype.hasOwnProperty.call(DOMAINS[d].attributes, attribute));
}

export const DEMOGRAPHIC_FIELDS: readonly string[] = Object.keys(DEMOGRAPHIC_ATTRIBUTES);

/** Top-level fields of a Circe cohort expression. */
export const COHORT_FIELDS: readonly string[] = [
  'ConceptSets',
  'PrimaryCriteria',
  'AdditionalCriteria',
  'QualifiedLimit',
  'ExpressionLimit',
  'InclusionRules',
  'EndStrategy',
  'CensoringCriteria',
  'CollapseSettings',
  'CensorWindow',
  'cdmVersionRange',
  'Title',
];

export const PRIMARY_CRITERIA_FIELDS = ['CriteriaList', 'ObservationWindow', 'PrimaryCriteriaLimit'];
export const INCLUSION_RULE_FIELDS = ['name', 'description', 'expression'];
export const GROUP_FIELDS = ['Type', 'Count', 'CriteriaList', 'DemographicCriteriaList', 'Groups'];
export const GROUP_TYPES = ['ALL', 'ANY', 'AT_LEAST', 'AT_MOST'] as const;
export const CORRELATED_FIELDS = [
  'Criteria',
  'StartWindow',
  'EndWindow',
  'RestrictVisit',
  'IgnoreObservationPeriod',
  'Occurrence',
];
export const WINDOW_FIELDS = ['Start', 'End', 'UseIndexEnd', 'UseEventEnd'];
export const ENDPOINT_FIELDS = ['Days', 'Coeff', 'TimeUnit', 'TimeUnitValue'];
export const OCCURRENCE_FIELDS = ['Type', 'Count', 'IsDistinct', 'CountColumn'];
/** What a distinct count may count: the concept (default), the start date, the visit. */
export const COUNT_COLUMNS = ['DOMAIN_CONCEPT', 'START_DATE', 'VISIT_ID'];
/** Other columns circe-be's CriteriaColumn names: valid Circe, not compiled. */
export const UNSUPPORTED_COUNT_COLUMNS = [
  'DAYS_SUPPLY',
  'DOMAIN_SOURCE_CONCEPT',
  'END_DATE',
  'ERA_OCCURRENCES',
  'GAP_DAYS',
  'QUANTITY',
  'RANGE_HIGH',
  'RANGE_LOW',
  'REFILLS',
  'VALUE_AS_NUMBER',
  'VISIT_DETAIL_ID',
];
export const DATE_ADJUSTMENT_FIELDS = ['StartWith', 'StartOffset', 'EndWith', 'EndOffset'];
export const DATE_TYPES = ['START_DATE', 'END_DATE'];
export const TEXT_OPS = ['startsWith', 'contains', 'endsWith', '!startsWith', '!contains', '!endsWith'];
export const END_STRATEGIES = ['DateOffset', 'CustomEra'];
export const DATE_OFFSET_FIELDS = ['DateField', 'Offset', 'OffsetUnit', 'OffsetUnitValue'];
export const CUSTOM_ERA_FIELDS = [
  'DrugCodesetId',
  'GapDays',
  'GapUnit',
  'GapUnitValue',
  'Offset',
  'OffsetUnit',
  'OffsetUnitValue',
  'DaysSupplyOverride',
];
/** EraPadValue: the name one circe-be version used for what became EraPadUnitValue. */
export const COLLAPSE_FIELDS = ['CollapseType', 'EraPad', 'EraPadUnit', 'EraPadUnitValue', 'EraPadValue'];
export const PERIOD_FIELDS = ['StartDate', 'EndDate'];

/** circe-be's CriteriaGroup.isEmpty: no criteria, no demographic criteria, no sub-groups. */
export function isEmptyCriteriaGroup(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const g = value as Record<string, unknown>;
  const empty = (k: string) => {
    const v = Object.prototype.hasOwnProperty.call(g, k) ? g[k] : undefined;
    return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  };
  return empty('CriteriaList') && empty('DemographicCriteriaList') && empty('Groups');
}
