/**
 * Where each Circe criterion domain lives in the OMOP CDM and what each of its attributes filters.
 * One catalogue serves the validator (which attributes exist, of which kind) and the compiler
 * (which column each one tests), so the two cannot drift apart. Columns are CDM names, written
 * here as code constants; nothing from a plan ever becomes an identifier.
 *
 * End dates when a record has none follow circe-be (shared/conformance/circe/README.md).
 */
import type { CriterionDomain } from './types.js';

/** How an event's end date is derived from its row `r`. */
export type EndRule =
  | { kind: 'column'; column: string }
  /** coalesce(end column, start + days_supply (drugs), start + 1 day) */
  | { kind: 'coalesce'; column: string; daysSupply?: string }
  /** the event date + 1 day */
  | { kind: 'nextDay' };

/** The value an attribute tests, relative to the criterion's row `r`, person `p` and joins. */
export type Subject =
  | { kind: 'column'; column: string }
  /** a column of a joined table: person p, provider pr, visit_occurrence v, care_site cs */
  | { kind: 'joined'; join: JoinName; column: string }
  /** calendar year of a date column minus year of birth (circe's age) */
  | { kind: 'age'; dateColumn: string }
  /** days from the start column to the end column */
  | { kind: 'days'; from: string; to: string }
  /** value_as_number / range_low (or range_high) */
  | { kind: 'ratio'; numerator: string; denominator: string };

export type JoinName = 'person' | 'provider' | 'visit' | 'careSite';

export type AttributeKind =
  /** {Value, Op, Extent} numbers */
  | 'numericRange'
  /** {Value, Op, Extent} dates */
  | 'dateRange'
  /** an inline list of concepts [{CONCEPT_ID}], optionally negated by a sibling `*Exclude` flag */
  | 'conceptList'
  /** {CodesetId, IsExclusion}: the newer concept-set form of a concept list */
  | 'conceptSetSelection'
  /** a codeset id whose concepts the (source concept) column must be in */
  | 'codeset'
  /** {Text, Op}: startsWith / contains / endsWith and their negations */
  | 'text'
  /** boolean flags with their own meaning (First, Abnormal, *Exclude) */
  | 'flag'
  /** {StartDate, EndDate}: replaces the period's dates (ObservationPeriod, PayerPlanPeriod) */
  | 'userDefinedPeriod'
  /** nested group counted around this criterion's events */
  | 'correlatedCriteria'
  /** {StartWith, StartOffset, EndWith, EndOffset} */
  | 'dateAdjustment';

export interface Attribute {
  kind: AttributeKind;
  subject?: Subject;
  /** For conceptList: the flag attribute that turns IN into NOT IN. */
  excludeFlag?: string;
}

export interface DomainTable {
  table: string;
  /** Record id; Death has none and uses person_id, as circe does. */
  idColumn: string;
  /** The column CodesetId filters; ObservationPeriod and PayerPlanPeriod have none. */
  conceptColumn?: string;
  startColumn: string;
  end: EndRule;
  /** visit_occurrence_id, for RestrictVisit and visit joins; absent → NULL. */
  visitColumn?: string;
  attributes: Readonly<Record<string, Attribute>>;
}

const col = (column: string): Subject => ({ kind: 'column', column });
const joined = (join: JoinName, column: string): Subject => ({ kind: 'joined', join, column });

const numeric = (subject: Subject): Attribute => ({ kind: 'numericRange', subject });
const dates = (column: string): Attribute => ({ kind: 'dateRange', subject: col(column) });
const concepts = (subject: Subject, excludeFlag?: string): Attribute => ({ kind: 'conceptList', subject, excludeFlag });
const selection = (subject: Subject): Attribute => ({ kind: 'conceptSetSelection', subject });
const codeset = (column: string): Attribute => ({ kind: 'codeset', subject: col(column) });
const text = (column: string): Attribute => ({ kind: 'text', subject: col(column) });
const flag: Attribute = { kind: 'flag' };

/** A concept list and its newer concept-set twin (`Name` and `NameCS`). */
function conceptPair(name: string, subject: Subject, excludeFlag?: string): Record<string, Attribute> {
  const pair: Record<string, Attribute> = { [name]: concepts(subject, excludeFlag), [`${name}CS`]: selection(subject) };
  if (excludeFlag) pair[excludeFlag] = flag;
  return pair;
}

/** Attributes every event domain shares. */
function common(startColumn: string): Record<string, Attribute> {
  return {
    CodesetId: { kind: 'codeset' },
    First: flag,
    CorrelatedCriteria: { kind: 'correlatedCriteria' },
    DateAdjustment: { kind: 'dateAdjustment' },
    Age: numeric({ kind: 'age', dateColumn: startColumn }),
    ...conceptPair('Gender', joined('person', 'gender_concept_id')),
  };
}

function withoutKeys(attrs: Record<string, Attribute>, keys: string[]): Record<string, Attribute> {
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => !keys.includes(k)));
}

/** Provider specialty and visit type, through the record's provider and visit. */
const careContext = {
  ...conceptPair('ProviderSpecialty', joined('provider', 'specialty_concept_id')),
  ...conceptPair('VisitType', joined('visit', 'visit_concept_id')),
};

function era(prefix: 'condition' | 'drug' | 'dose'): Record<string, Attribute> {
  const start = `${prefix}_era_start_date`;
  const end = `${prefix}_era_end_date`;
  const attrs: Record<string, Attribute> = {
    ...common(start),
    EraStartDate: dates(start),
    EraEndDate: dates(end),
    EraLength: numeric({ kind: 'days', from: start, to: end }),
    AgeAtStart: numeric({ kind: 'age', dateColumn: start }),
    AgeAtEnd: numeric({ kind: 'age', dateColumn: end }),
  };
  delete attrs.Age;
  return attrs;
}

const periodAttributes = (start: string, end: string): Record<string, Attribute> => ({
  First: flag,
  CorrelatedCriteria: { kind: 'correlatedCriteria' },
  DateAdjustment: { kind: 'dateAdjustment' },
  PeriodStartDate: dates(start),
  PeriodEndDate: dates(end),
  UserDefinedPeriod: { kind: 'userDefinedPeriod' },
  PeriodLength: numeric({ kind: 'days', from: start, to: end }),
  AgeAtStart: numeric({ kind: 'age', dateColumn: start }),
  AgeAtEnd: numeric({ kind: 'age', dateColumn: end }),
});

export const DOMAINS: Readonly<Record<CriterionDomain, DomainTable>> = {
  ConditionOccurrence: {
    table: 'condition_occurrence',
    idColumn: 'condition_occurrence_id',
    conceptColumn: 'condition_concept_id',
    startColumn: 'condition_start_date',
    end: { kind: 'coalesce', column: 'condition_end_date' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      ...common('condition_start_date'),
      ...careContext,
      OccurrenceStartDate: dates('condition_start_date'),
      OccurrenceEndDate: dates('condition_end_date'),
      ...conceptPair('ConditionType', col('condition_type_concept_id'), 'ConditionTypeExclude'),
      ...conceptPair('ConditionStatus', col('condition_status_concept_id')),
      StopReason: text('stop_reason'),
      ConditionSourceConcept: codeset('condition_source_concept_id'),
    },
  },
  ConditionEra: {
    table: 'condition_era',
    idColumn: 'condition_era_id',
    conceptColumn: 'condition_concept_id',
    startColumn: 'condition_era_start_date',
    end: { kind: 'column', column: 'condition_era_end_date' },
    attributes: { ...era('condition'), OccurrenceCount: numeric(col('condition_occurrence_count')) },
  },
  DrugExposure: {
    table: 'drug_exposure',
    idColumn: 'drug_exposure_id',
    conceptColumn: 'drug_concept_id',
    startColumn: 'drug_exposure_start_date',
    end: { kind: 'coalesce', column: 'drug_exposure_end_date', daysSupply: 'days_supply' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      ...common('drug_exposure_start_date'),
      ...careContext,
      OccurrenceStartDate: dates('drug_exposure_start_date'),
      OccurrenceEndDate: dates('drug_exposure_end_date'),
      ...conceptPair('DrugType', col('drug_type_concept_id'), 'DrugTypeExclude'),
      StopReason: text('stop_reason'),
      Refills: numeric(col('refills')),
      Quantity: numeric(col('quantity')),
      DaysSupply: numeric(col('days_supply')),
      ...conceptPair('RouteConcept', col('route_concept_id')),
      EffectiveDrugDose: numeric(col('effective_drug_dose')),
      ...conceptPair('DoseUnit', col('dose_unit_concept_id')),
      LotNumber: text('lot_number'),
      DrugSourceConcept: codeset('drug_source_concept_id'),
    },
  },
  DrugEra: {
    table: 'drug_era',
    idColumn: 'drug_era_id',
    conceptColumn: 'drug_concept_id',
    startColumn: 'drug_era_start_date',
    end: { kind: 'column', column: 'drug_era_end_date' },
    attributes: {
      ...era('drug'),
      OccurrenceCount: numeric(col('drug_exposure_count')),
      GapDays: numeric(col('gap_days')),
    },
  },
  DoseEra: {
    table: 'dose_era',
    idColumn: 'dose_era_id',
    conceptColumn: 'drug_concept_id',
    startColumn: 'dose_era_start_date',
    end: { kind: 'column', column: 'dose_era_end_date' },
    attributes: {
      ...era('dose'),
      ...conceptPair('Unit', col('unit_concept_id')),
      DoseValue: numeric(col('dose_value')),
    },
  },
  Measurement: {
    table: 'measurement',
    idColumn: 'measurement_id',
    conceptColumn: 'measurement_concept_id',
    startColumn: 'measurement_date',
    end: { kind: 'nextDay' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      ...common('measurement_date'),
      ...careContext,
      OccurrenceStartDate: dates('measurement_date'),
      ...conceptPair('MeasurementType', col('measurement_type_concept_id'), 'MeasurementTypeExclude'),
      ...conceptPair('Operator', col('operator_concept_id')),
      ValueAsNumber: numeric(col('value_as_number')),
      ...conceptPair('ValueAsConcept', col('value_as_concept_id')),
      ...conceptPair('Unit', col('unit_concept_id')),
      RangeLow: numeric(col('range_low')),
      RangeHigh: numeric(col('range_high')),
      RangeLowRatio: numeric({ kind: 'ratio', numerator: 'value_as_number', denominator: 'range_low' }),
      RangeHighRatio: numeric({ kind: 'ratio', numerator: 'value_as_number', denominator: 'range_high' }),
      Abnormal: flag,
      MeasurementSourceConcept: codeset('measurement_source_concept_id'),
    },
  },
  Observation: {
    table: 'observation',
    idColumn: 'observation_id',
    conceptColumn: 'observation_concept_id',
    startColumn: 'observation_date',
    end: { kind: 'nextDay' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      ...common('observation_date'),
      ...careContext,
      OccurrenceStartDate: dates('observation_date'),
      ...conceptPair('ObservationType', col('observation_type_concept_id'), 'ObservationTypeExclude'),
      ValueAsNumber: numeric(col('value_as_number')),
      ValueAsString: text('value_as_string'),
      ...conceptPair('ValueAsConcept', col('value_as_concept_id')),
      ...conceptPair('Qualifier', col('qualifier_concept_id')),
      ...conceptPair('Unit', col('unit_concept_id')),
      ObservationSourceConcept: codeset('observation_source_concept_id'),
    },
  },
  ProcedureOccurrence: {
    table: 'procedure_occurrence',
    idColumn: 'procedure_occurrence_id',
    conceptColumn: 'procedure_concept_id',
    startColumn: 'procedure_date',
    end: { kind: 'nextDay' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      ...common('procedure_date'),
      ...careContext,
      OccurrenceStartDate: dates('procedure_date'),
      ...conceptPair('ProcedureType', col('procedure_type_concept_id'), 'ProcedureTypeExclude'),
      ...conceptPair('Modifier', col('modifier_concept_id')),
      Quantity: numeric(col('quantity')),
      ProcedureSourceConcept: codeset('procedure_source_concept_id'),
    },
  },
  VisitOccurrence: {
    table: 'visit_occurrence',
    idColumn: 'visit_occurrence_id',
    conceptColumn: 'visit_concept_id',
    startColumn: 'visit_start_date',
    end: { kind: 'column', column: 'visit_end_date' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      ...common('visit_start_date'),
      ...conceptPair('ProviderSpecialty', joined('provider', 'specialty_concept_id')),
      OccurrenceStartDate: dates('visit_start_date'),
      OccurrenceEndDate: dates('visit_end_date'),
      ...conceptPair('VisitType', col('visit_type_concept_id'), 'VisitTypeExclude'),
      VisitSourceConcept: codeset('visit_source_concept_id'),
      VisitLength: numeric({ kind: 'days', from: 'visit_start_date', to: 'visit_end_date' }),
      ...conceptPair('PlaceOfService', joined('careSite', 'place_of_service_concept_id')),
    },
  },
  VisitDetail: {
    table: 'visit_detail',
    idColumn: 'visit_detail_id',
    conceptColumn: 'visit_detail_concept_id',
    startColumn: 'visit_detail_start_date',
    end: { kind: 'column', column: 'visit_detail_end_date' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      // circe-be's VisitDetail has only the concept-set form of Gender.
      ...withoutKeys(common('visit_detail_start_date'), ['Gender']),
      VisitDetailStartDate: dates('visit_detail_start_date'),
      VisitDetailEndDate: dates('visit_detail_end_date'),
      VisitDetailTypeCS: selection(col('visit_detail_type_concept_id')),
      VisitDetailSourceConcept: codeset('visit_detail_source_concept_id'),
      VisitDetailLength: numeric({ kind: 'days', from: 'visit_detail_start_date', to: 'visit_detail_end_date' }),
      ProviderSpecialtyCS: selection(joined('provider', 'specialty_concept_id')),
      PlaceOfServiceCS: selection(joined('careSite', 'place_of_service_concept_id')),
    },
  },
  DeviceExposure: {
    table: 'device_exposure',
    idColumn: 'device_exposure_id',
    conceptColumn: 'device_concept_id',
    startColumn: 'device_exposure_start_date',
    end: { kind: 'coalesce', column: 'device_exposure_end_date' },
    visitColumn: 'visit_occurrence_id',
    attributes: {
      ...common('device_exposure_start_date'),
      ...careContext,
      OccurrenceStartDate: dates('device_exposure_start_date'),
      OccurrenceEndDate: dates('device_exposure_end_date'),
      ...conceptPair('DeviceType', col('device_type_concept_id'), 'DeviceTypeExclude'),
      UniqueDeviceId: text('unique_device_id'),
      Quantity: numeric(col('quantity')),
      DeviceSourceConcept: codeset('device_source_concept_id'),
    },
  },
  Specimen: {
    table: 'specimen',
    idColumn: 'specimen_id',
    conceptColumn: 'specimen_concept_id',
    startColumn: 'specimen_date',
    end: { kind: 'nextDay' },
    attributes: {
      ...common('specimen_date'),
      OccurrenceStartDate: dates('specimen_date'),
      ...conceptPair('SpecimenType', col('specimen_type_concept_id'), 'SpecimenTypeExclude'),
      Quantity: numeric(col('quantity')),
      ...conceptPair('Unit', col('unit_concept_id')),
      ...conceptPair('AnatomicSite', col('anatomic_site_concept_id')),
      ...conceptPair('DiseaseStatus', col('disease_status_concept_id')),
      SourceId: text('specimen_source_id'),
    },
  },
  Death: {
    table: 'death',
    idColumn: 'person_id',
    conceptColumn: 'cause_concept_id',
    startColumn: 'death_date',
    end: { kind: 'nextDay' },
    attributes: {
      // circe-be's Death has no First: a person dies once.
      ...withoutKeys(common('death_date'), ['First']),
      OccurrenceStartDate: dates('death_date'),
      ...conceptPair('DeathType', col('death_type_concept_id'), 'DeathTypeExclude'),
      DeathSourceConcept: codeset('cause_source_concept_id'),
    },
  },
  ObservationPeriod: {
    table: 'observation_period',
    idColumn: 'observation_period_id',
    startColumn: 'observation_period_start_date',
    end: { kind: 'column', column: 'observation_period_end_date' },
    attributes: {
      ...periodAttributes('observation_period_start_date', 'observation_period_end_date'),
      ...conceptPair('PeriodType', col('period_type_concept_id'), 'PeriodTypeExclude'),
    },
  },
  PayerPlanPeriod: {
    table: 'payer_plan_period',
    idColumn: 'payer_plan_period_id',
    startColumn: 'payer_plan_period_start_date',
    end: { kind: 'column', column: 'payer_plan_period_end_date' },
    attributes: {
      ...periodAttributes('payer_plan_period_start_date', 'payer_plan_period_end_date'),
      ...conceptPair('Gender', joined('person', 'gender_concept_id')),
      // circe-be holds codeset ids here (not concept lists), like the *SourceConcept attributes.
      PayerConcept: codeset('payer_concept_id'),
      PlanConcept: codeset('plan_concept_id'),
      SponsorConcept: codeset('sponsor_concept_id'),
      StopReasonConcept: codeset('stop_reason_concept_id'),
      PayerSourceConcept: codeset('payer_source_concept_id'),
      PlanSourceConcept: codeset('plan_source_concept_id'),
      SponsorSourceConcept: codeset('sponsor_source_concept_id'),
      StopReasonSourceConcept: codeset('stop_reason_source_concept_id'),
    },
  },
};

/** Demographic criteria test the person and the index event's dates. */
export const DEMOGRAPHIC_ATTRIBUTES: Readonly<Record<string, Attribute>> = {
  Age: numeric({ kind: 'age', dateColumn: 'start_date' }),
  ...conceptPair('Gender', joined('person', 'gender_concept_id')),
  ...conceptPair('Race', joined('person', 'race_concept_id')),
  ...conceptPair('Ethnicity', joined('person', 'ethnicity_concept_id')),
  OccurrenceStartDate: dates('start_date'),
  OccurrenceEndDate: dates('end_date'),
};

/**
 * Circe criterion attributes that need data or semantics fedomop does not have; the validator
 * refuses them by name (ERR_PLAN_UNSUPPORTED) instead of silently ignoring them.
 */
export const UNSUPPORTED_ATTRIBUTES: Readonly<Record<string, string>> = {
  PlaceOfServiceLocation: 'location (region) filters need the location tables, which sites do not expose',
  PlaceOfServiceDistance: 'distance filters need geocoded locations, which sites do not expose',
  // Newer circe-be VisitDetail fields: named here so a definition using them is refused as
  // unsupported (not mistaken for a typo) until the compiler handles them.
  VisitDetailTypeExclude: 'excluding visit detail types is not compiled yet; use VisitDetailTypeCS with IsExclusion',
  DischargedToConcept: 'discharge destination filters are not compiled yet',
  AdmittedFromConcept: 'admission source filters are not compiled yet',
};

/** Circe criterion types fedomop refuses (they are in circe-be but not in this compiler). */
export const UNSUPPORTED_DOMAINS: Readonly<Record<string, string>> = {
  Episode: 'the OMOP episode table (oncology extension) is not compiled yet',
  LocationRegion: 'location criteria need the location tables, which sites do not expose',
};
