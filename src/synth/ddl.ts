/**
 * OMOP CDM 5.4 tables the generator fills, with the column lists, order, types and nullability of
 * the official DuckDB DDL (OHDSI/CommonDataModel inst/ddl/5.4/duckdb), plus the two OHDSI results
 * tables cohort tools write into. No keys or indexes: sites only read, and DuckDB scans fast.
 *
 * Two storage choices, both invisible to readers:
 * - Event ids are `integer` in the CDM. The generator numbers events per person in fixed-size
 *   blocks, which overflows 32 bits only for very large sites; `ID` then widens to BIGINT.
 * - A nullable column the generator leaves empty may be declared as a virtual column that is
 *   always NULL. It keeps its name, position and type, and costs nothing to write; storing NULLs
 *   was half the generator's run time. Such a column cannot be written to afterwards, so anyone
 *   who needs writable event tables creates them with `virtualColumns` empty.
 */

export type IdType = 'INTEGER' | 'BIGINT';

export const CDM_TABLES = [
  'person',
  'observation_period',
  'visit_occurrence',
  'condition_occurrence',
  'drug_exposure',
  'procedure_occurrence',
  'measurement',
  'death',
  'visit_detail',
  'observation',
  'device_exposure',
  'specimen',
  'payer_plan_period',
  'condition_era',
  'drug_era',
  'dose_era',
  'concept',
  'concept_ancestor',
  'concept_relationship',
  'vocabulary',
  'cdm_source',
  'cohort',
  'cohort_inclusion_result',
] as const;

export type CdmTableName = (typeof CDM_TABLES)[number];

/** One column per line: name, type, and NOT NULL where the CDM requires a value. */
const SPEC: Record<CdmTableName, string> = {
  person: `
    person_id integer NOT NULL
    gender_concept_id integer NOT NULL
    year_of_birth integer NOT NULL
    month_of_birth integer
    day_of_birth integer
    birth_datetime TIMESTAMP
    race_concept_id integer NOT NULL
    ethnicity_concept_id integer NOT NULL
    location_id integer
    provider_id integer
    care_site_id integer
    person_source_value varchar(50)
    gender_source_value varchar(50)
    gender_source_concept_id integer
    race_source_value varchar(50)
    race_source_concept_id integer
    ethnicity_source_value varchar(50)
    ethnicity_source_concept_id integer`,
  observation_period: `
    observation_period_id ID NOT NULL
    person_id integer NOT NULL
    observation_period_start_date date NOT NULL
    observation_period_end_date date NOT NULL
    period_type_concept_id integer NOT NULL`,
  visit_occurrence: `
    visit_occurrence_id ID NOT NULL
    person_id integer NOT NULL
    visit_concept_id integer NOT NULL
    visit_start_date date NOT NULL
    visit_start_datetime TIMESTAMP
    visit_end_date date NOT NULL
    visit_end_datetime TIMESTAMP
    visit_type_concept_id integer NOT NULL
    provider_id integer
    care_site_id integer
    visit_source_value varchar(50)
    visit_source_concept_id integer
    admitted_from_concept_id integer
    admitted_from_source_value varchar(50)
    discharged_to_concept_id integer
    discharged_to_source_value varchar(50)
    preceding_visit_occurrence_id ID`,
  condition_occurrence: `
    condition_occurrence_id ID NOT NULL
    person_id integer NOT NULL
    condition_concept_id integer NOT NULL
    condition_start_date date NOT NULL
    condition_start_datetime TIMESTAMP
    condition_end_date date
    condition_end_datetime TIMESTAMP
    condition_type_concept_id integer NOT NULL
    condition_status_concept_id integer
    stop_reason varchar(20)
    provider_id integer
    visit_occurrence_id ID
    visit_detail_id integer
    condition_source_value varchar(50)
    condition_source_concept_id integer
    condition_status_source_value varchar(50)`,
  drug_exposure: `
    drug_exposure_id ID NOT NULL
    person_id integer NOT NULL
    drug_concept_id integer NOT NULL
    drug_exposure_start_date date NOT NULL
    drug_exposure_start_datetime TIMESTAMP
    drug_exposure_end_date date NOT NULL
    drug_exposure_end_datetime TIMESTAMP
    verbatim_end_date date
    drug_type_concept_id integer NOT NULL
    stop_reason varchar(20)
    refills integer
    quantity NUMERIC
    days_supply integer
    sig TEXT
    route_concept_id integer
    lot_number varchar(50)
    provider_id integer
    visit_occurrence_id ID
    visit_detail_id integer
    drug_source_value varchar(50)
    drug_source_concept_id integer
    route_source_value varchar(50)
    dose_unit_source_value varchar(50)`,
  procedure_occurrence: `
    procedure_occurrence_id ID NOT NULL
    person_id integer NOT NULL
    procedure_concept_id integer NOT NULL
    procedure_date date NOT NULL
    procedure_datetime TIMESTAMP
    procedure_end_date date
    procedure_end_datetime TIMESTAMP
    procedure_type_concept_id integer NOT NULL
    modifier_concept_id integer
    quantity integer
    provider_id integer
    visit_occurrence_id ID
    visit_detail_id integer
    procedure_source_value varchar(50)
    procedure_source_concept_id integer
    modifier_source_value varchar(50)`,
  measurement: `
    measurement_id ID NOT NULL
    person_id integer NOT NULL
    measurement_concept_id integer NOT NULL
    measurement_date date NOT NULL
    measurement_datetime TIMESTAMP
    measurement_time varchar(10)
    measurement_type_concept_id integer NOT NULL
    operator_concept_id integer
    value_as_number NUMERIC
    value_as_concept_id integer
    unit_concept_id integer
    range_low NUMERIC
    range_high NUMERIC
    provider_id integer
    visit_occurrence_id ID
    visit_detail_id integer
    measurement_source_value varchar(50)
    measurement_source_concept_id integer
    unit_source_value varchar(50)
    unit_source_concept_id integer
    value_source_value varchar(50)
    measurement_event_id ID
    meas_event_field_concept_id integer`,
  death: `
    person_id integer NOT NULL
    death_date date NOT NULL
    death_datetime TIMESTAMP
    death_type_concept_id integer
    cause_concept_id integer
    cause_source_value varchar(50)
    cause_source_concept_id integer`,
  visit_detail: `
    visit_detail_id ID NOT NULL
    person_id integer NOT NULL
    visit_detail_concept_id integer NOT NULL
    visit_detail_start_date date NOT NULL
    visit_detail_start_datetime TIMESTAMP
    visit_detail_end_date date NOT NULL
    visit_detail_end_datetime TIMESTAMP
    visit_detail_type_concept_id integer NOT NULL
    provider_id integer
    care_site_id integer
    visit_detail_source_value varchar(50)
    visit_detail_source_concept_id integer
    admitted_from_concept_id integer
    admitted_from_source_value varchar(50)
    discharged_to_source_value varchar(50)
    discharged_to_concept_id integer
    preceding_visit_detail_id ID
    parent_visit_detail_id ID
    visit_occurrence_id ID NOT NULL`,
  observation: `
    observation_id ID NOT NULL
    person_id integer NOT NULL
    observation_concept_id integer NOT NULL
    observation_date date NOT NULL
    observation_datetime TIMESTAMP
    observation_type_concept_id integer NOT NULL
    value_as_number NUMERIC
    value_as_string varchar(60)
    value_as_concept_id integer
    qualifier_concept_id integer
    unit_concept_id integer
    provider_id integer
    visit_occurrence_id ID
    visit_detail_id ID
    observation_source_value varchar(50)
    observation_source_concept_id integer
    unit_source_value varchar(50)
    qualifier_source_value varchar(50)
    value_source_value varchar(50)
    observation_event_id ID
    obs_event_field_concept_id integer`,
  device_exposure: `
    device_exposure_id ID NOT NULL
    person_id integer NOT NULL
    device_concept_id integer NOT NULL
    device_exposure_start_date date NOT NULL
    device_exposure_start_datetime TIMESTAMP
    device_exposure_end_date date
    device_exposure_end_datetime TIMESTAMP
    device_type_concept_id integer NOT NULL
    unique_device_id varchar(255)
    production_id varchar(255)
    quantity integer
    provider_id integer
    visit_occurrence_id ID
    visit_detail_id ID
    device_source_value varchar(50)
    device_source_concept_id integer
    unit_concept_id integer
    unit_source_value varchar(50)
    unit_source_concept_id integer`,
  specimen: `
    specimen_id ID NOT NULL
    person_id integer NOT NULL
    specimen_concept_id integer NOT NULL
    specimen_type_concept_id integer NOT NULL
    specimen_date date NOT NULL
    specimen_datetime TIMESTAMP
    quantity NUMERIC
    unit_concept_id integer
    anatomic_site_concept_id integer
    disease_status_concept_id integer
    specimen_source_id varchar(50)
    specimen_source_value varchar(50)
    unit_source_value varchar(50)
    anatomic_site_source_value varchar(50)
    disease_status_source_value varchar(50)`,
  payer_plan_period: `
    payer_plan_period_id ID NOT NULL
    person_id integer NOT NULL
    payer_plan_period_start_date date NOT NULL
    payer_plan_period_end_date date NOT NULL
    payer_concept_id integer
    payer_source_value varchar(50)
    payer_source_concept_id integer
    plan_concept_id integer
    plan_source_value varchar(50)
    plan_source_concept_id integer
    sponsor_concept_id integer
    sponsor_source_value varchar(50)
    sponsor_source_concept_id integer
    family_source_value varchar(50)
    stop_reason_concept_id integer
    stop_reason_source_value varchar(50)
    stop_reason_source_concept_id integer`,
  // Derived tables (OHDSI's era rules, see eras.ts).
  condition_era: `
    condition_era_id ID NOT NULL
    person_id integer NOT NULL
    condition_concept_id integer NOT NULL
    condition_era_start_date date NOT NULL
    condition_era_end_date date NOT NULL
    condition_occurrence_count integer`,
  drug_era: `
    drug_era_id ID NOT NULL
    person_id integer NOT NULL
    drug_concept_id integer NOT NULL
    drug_era_start_date date NOT NULL
    drug_era_end_date date NOT NULL
    drug_exposure_count integer
    gap_days integer`,
  dose_era: `
    dose_era_id ID NOT NULL
    person_id integer NOT NULL
    drug_concept_id integer NOT NULL
    unit_concept_id integer NOT NULL
    dose_value NUMERIC NOT NULL
    dose_era_start_date date NOT NULL
    dose_era_end_date date NOT NULL`,
  concept: `
    concept_id integer NOT NULL
    concept_name varchar(255) NOT NULL
    domain_id varchar(20) NOT NULL
    vocabulary_id varchar(20) NOT NULL
    concept_class_id varchar(20) NOT NULL
    standard_concept varchar(1)
    concept_code varchar(50) NOT NULL
    valid_start_date date NOT NULL
    valid_end_date date NOT NULL
    invalid_reason varchar(1)`,
  concept_ancestor: `
    ancestor_concept_id integer NOT NULL
    descendant_concept_id integer NOT NULL
    min_levels_of_separation integer NOT NULL
    max_levels_of_separation integer NOT NULL`,
  concept_relationship: `
    concept_id_1 integer NOT NULL
    concept_id_2 integer NOT NULL
    relationship_id varchar(20) NOT NULL
    valid_start_date date NOT NULL
    valid_end_date date NOT NULL
    invalid_reason varchar(1)`,
  vocabulary: `
    vocabulary_id varchar(20) NOT NULL
    vocabulary_name varchar(255) NOT NULL
    vocabulary_reference varchar(255)
    vocabulary_version varchar(255)
    vocabulary_concept_id integer NOT NULL`,
  cdm_source: `
    cdm_source_name varchar(255) NOT NULL
    cdm_source_abbreviation varchar(25) NOT NULL
    cdm_holder varchar(255) NOT NULL
    source_description TEXT
    source_documentation_reference varchar(255)
    cdm_etl_reference varchar(255)
    source_release_date date NOT NULL
    cdm_release_date date NOT NULL
    cdm_version varchar(10)
    cdm_version_concept_id integer NOT NULL
    vocabulary_version varchar(20) NOT NULL`,
  // OHDSI results schema, kept in the main schema so `cohort generate` has somewhere to write.
  cohort: `
    cohort_definition_id integer NOT NULL
    subject_id bigint NOT NULL
    cohort_start_date date NOT NULL
    cohort_end_date date NOT NULL`,
  cohort_inclusion_result: `
    cohort_definition_id bigint NOT NULL
    inclusion_rule_mask bigint NOT NULL
    person_count bigint NOT NULL
    mode_id integer`,
};

export interface CdmColumn {
  name: string;
  type: string;
  notNull: boolean;
}

export function cdmColumns(table: CdmTableName, idType: IdType = 'INTEGER'): CdmColumn[] {
  return SPEC[table]
    .trim()
    .split('\n')
    .map((line) => {
      const [name, type, ...rest] = line.trim().split(/\s+/);
      return { name, type: type === 'ID' ? idType : type, notNull: rest.join(' ') === 'NOT NULL' };
    });
}

export interface CreateTableOptions {
  idType?: IdType;
  /** Nullable columns to declare as always-NULL virtual columns (see the file comment). */
  virtualColumns?: ReadonlySet<string>;
}

export function createTableSql(table: CdmTableName, options: CreateTableOptions = {}): string {
  const columns = cdmColumns(table, options.idType).map(({ name, type, notNull }) => {
    if (options.virtualColumns?.has(name)) {
      if (notNull) throw new Error(`${table}.${name} is NOT NULL and cannot be an always-NULL column`);
      return `${name} ${type} GENERATED ALWAYS AS (CAST(NULL AS ${type})) VIRTUAL`;
    }
    return `${name} ${type}${notNull ? ' NOT NULL' : ''}`;
  });
  return `CREATE TABLE ${table} (\n  ${columns.join(',\n  ')})`;
}
