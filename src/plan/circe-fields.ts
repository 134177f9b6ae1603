/**
 * What Circe (OHDSI circe-be) knows, as far as plan v1 needs to tell "a valid Circe feature we do
 * not run yet" (ERR_PLAN_UNSUPPORTED) from "not Circe at all" (ERR_PLAN_INVALID, usually a typo).
 * Names follow circe-be's Jackson property names; the `*CS` variants are the newer concept-set
 * selections that replace inline concept lists.
 */
import { CRITERION_DOMAINS, type CriterionDomain } from './types.js';

/** Every criterion type circe-be deserialises, supported or not. */
export const CIRCE_DOMAINS: readonly string[] = [
  'ConditionEra',
  'ConditionOccurrence',
  'Death',
  'DeviceExposure',
  'DoseEra',
  'DrugEra',
  'DrugExposure',
  'Episode',
  'LocationRegion',
  'Measurement',
  'Observation',
  'ObservationPeriod',
  'PayerPlanPeriod',
  'ProcedureOccurrence',
  'Specimen',
  'VisitDetail',
  'VisitOccurrence',
];

export const SUPPORTED_ATTRIBUTES: Readonly<Record<CriterionDomain, readonly string[]>> = {
  ConditionOccurrence: ['CodesetId', 'First', 'Age', 'Gender', 'OccurrenceStartDate'],
  DrugExposure: ['CodesetId', 'First', 'Age', 'Gender', 'OccurrenceStartDate'],
  Measurement: ['CodesetId', 'First', 'Age', 'Gender', 'OccurrenceStartDate', 'ValueAsNumber'],
  ProcedureOccurrence: ['CodesetId', 'First', 'Age', 'Gender', 'OccurrenceStartDate'],
};

const withSelections = (conceptLists: string[]) => conceptLists.flatMap((a) => [a, `${a}CS`]);

const COMMON_UNSUPPORTED = [
  'CorrelatedCriteria',
  'DateAdjustment',
  'OccurrenceEndDate',
  ...withSelections(['ProviderSpecialty', 'VisitType']),
  'GenderCS',
];

/** Circe attributes of the supported domains that plan v1 refuses (or accepts only when neutral). */
export const UNSUPPORTED_ATTRIBUTES: Readonly<Record<CriterionDomain, readonly string[]>> = {
  ConditionOccurrence: [
    ...COMMON_UNSUPPORTED,
    ...withSelections(['ConditionType', 'ConditionStatus']),
    'ConditionTypeExclude',
    'StopReason',
    'ConditionSourceConcept',
  ],
  DrugExposure: [
    ...COMMON_UNSUPPORTED,
    ...withSelections(['DrugType', 'RouteConcept', 'DoseUnit']),
    'DrugTypeExclude',
    'StopReason',
    'Refills',
    'Quantity',
    'DaysSupply',
    'EffectiveDrugDose',
    'LotNumber',
    'DrugSourceConcept',
  ],
  Measurement: [
    ...COMMON_UNSUPPORTED,
    ...withSelections(['MeasurementType', 'Operator', 'ValueAsConcept', 'Unit']),
    'MeasurementTypeExclude',
    'RangeLow',
    'RangeHigh',
    'RangeLowRatio',
    'RangeHighRatio',
    'Abnormal',
    'MeasurementSourceConcept',
  ],
  ProcedureOccurrence: [
    ...COMMON_UNSUPPORTED,
    ...withSelections(['ProcedureType', 'Modifier']),
    'ProcedureTypeExclude',
    'Quantity',
    'ProcedureSourceConcept',
  ],
};

/** Friendlier names for the attributes researchers meet most, used in refusal messages. */
export const ATTRIBUTE_LABELS: Readonly<Record<string, string>> = {
  CorrelatedCriteria: 'nested (correlated) criteria',
  DateAdjustment: 'date adjustments',
  OccurrenceEndDate: 'end-date filters',
  VisitType: 'visit type filters',
  ProviderSpecialty: 'provider specialty filters',
  ConditionSourceConcept: 'source-concept codesets',
  DrugSourceConcept: 'source-concept codesets',
  MeasurementSourceConcept: 'source-concept codesets',
  ProcedureSourceConcept: 'source-concept codesets',
  Unit: 'unit filters',
};

export function isSupportedDomain(key: string): key is CriterionDomain {
  return (CRITERION_DOMAINS as readonly string[]).includes(key);
}

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

/** One line on what plan v1 runs, appended to refusals so the researcher knows what to aim for. */
export const SUPPORTED_SUMMARY =
  `supported: ConceptSets and PrimaryCriteria with ${CRITERION_DOMAINS.join(', ')} criteria ` +
  `(CodesetId, First, Age, Gender, OccurrenceStartDate, ValueAsNumber on Measurement); see docs/plan.md`;

/**
 * Circe's defaults and "nothing" values for an attribute: present in some tools' exports but with
 * no effect on the SQL circe-be generates, so accepting them changes no result.
 */
export function isNeutralAttribute(key: string, value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (key.endsWith('Exclude')) return value === false;
  if (key === 'CorrelatedCriteria') return isEmptyCriteriaGroup(value);
  return false;
}

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
