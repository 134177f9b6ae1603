/**
 * An empty OMOP CDM for the circe conformance cases: every table the circe compiler may read
 * (src/circe/domains.ts, plus vocabulary, provider and care site), with the union of their CDM
 * 5.0, 5.2/5.3 and 5.4 columns, so a case for any of those versions loads and any column the
 * compiler touches exists. All columns are nullable and there are no keys: the fixtures leave
 * out "required" values and repeat ids on purpose (shared/conformance/circe/README.md).
 */
export type ColumnType = 'integer' | 'bigint' | 'numeric' | 'date' | 'timestamp' | 'text';

const T: Record<string, ColumnType> = { i: 'integer', b: 'bigint', n: 'numeric', d: 'date', t: 'timestamp', s: 'text' };

// name:type, where the type letter is one of T's keys. Names carry the CDM version differences
// side by side (e.g. admitting_source_* from 5.3 and admitted_from_* from 5.4).
const SPEC: Record<string, string> = {
  person: `person_id:i gender_concept_id:i year_of_birth:i month_of_birth:i day_of_birth:i time_of_birth:s
    birth_datetime:t race_concept_id:i ethnicity_concept_id:i location_id:i provider_id:i care_site_id:i
    person_source_value:s gender_source_value:s gender_source_concept_id:i race_source_value:s
    race_source_concept_id:i ethnicity_source_value:s ethnicity_source_concept_id:i`,
  observation_period: `observation_period_id:i person_id:i observation_period_start_date:d
    observation_period_end_date:d observation_period_start_datetime:t observation_period_end_datetime:t
    period_type_concept_id:i`,
  visit_occurrence: `visit_occurrence_id:i person_id:i visit_concept_id:i visit_start_date:d visit_start_datetime:t
    visit_start_time:s visit_end_date:d visit_end_datetime:t visit_end_time:s visit_type_concept_id:i provider_id:i
    care_site_id:i visit_source_value:s visit_source_concept_id:i admitting_source_concept_id:i
    admitting_source_value:s discharge_to_concept_id:i discharge_to_source_value:s admitted_from_concept_id:i
    admitted_from_source_value:s discharged_to_concept_id:i discharged_to_source_value:s
    preceding_visit_occurrence_id:i`,
  visit_detail: `visit_detail_id:i person_id:i visit_detail_concept_id:i visit_detail_start_date:d
    visit_detail_start_datetime:t visit_detail_end_date:d visit_detail_end_datetime:t visit_detail_type_concept_id:i
    provider_id:i care_site_id:i visit_detail_source_value:s visit_detail_source_concept_id:i
    admitting_source_value:s admitting_source_concept_id:i discharge_to_source_value:s discharge_to_concept_id:i
    admitted_from_concept_id:i admitted_from_source_value:s discharged_to_concept_id:i discharged_to_source_value:s
    preceding_visit_detail_id:i visit_detail_parent_id:i parent_visit_detail_id:i visit_occurrence_id:i`,
  condition_occurrence: `condition_occurrence_id:i person_id:i condition_concept_id:i condition_start_date:d
    condition_start_datetime:t condition_end_date:d condition_end_datetime:t condition_type_concept_id:i
    condition_status_concept_id:i stop_reason:s provider_id:i visit_occurrence_id:i visit_detail_id:i
    condition_source_value:s condition_source_concept_id:i condition_status_source_value:s`,
  drug_exposure: `drug_exposure_id:i person_id:i drug_concept_id:i drug_exposure_start_date:d
    drug_exposure_start_datetime:t drug_exposure_end_date:d drug_exposure_end_datetime:t verbatim_end_date:d
    drug_type_concept_id:i stop_reason:s refills:i quantity:n days_supply:i sig:s route_concept_id:i
    effective_drug_dose:n dose_unit_concept_id:i lot_number:s provider_id:i visit_occurrence_id:i visit_detail_id:i
    drug_source_value:s drug_source_concept_id:i route_source_value:s dose_unit_source_value:s`,
  procedure_occurrence: `procedure_occurrence_id:i person_id:i procedure_concept_id:i procedure_date:d
    procedure_datetime:t procedure_end_date:d procedure_end_datetime:t procedure_type_concept_id:i
    modifier_concept_id:i quantity:i provider_id:i visit_occurrence_id:i visit_detail_id:i procedure_source_value:s
    procedure_source_concept_id:i qualifier_source_value:s modifier_source_value:s`,
  device_exposure: `device_exposure_id:i person_id:i device_concept_id:i device_exposure_start_date:d
    device_exposure_start_datetime:t device_exposure_end_date:d device_exposure_end_datetime:t
    device_type_concept_id:i unique_device_id:s production_id:s quantity:i provider_id:i visit_occurrence_id:i
    visit_detail_id:i device_source_value:s device_source_concept_id:i unit_concept_id:i unit_source_value:s
    unit_source_concept_id:i`,
  measurement: `measurement_id:i person_id:i measurement_concept_id:i measurement_date:d measurement_datetime:t
    measurement_time:s measurement_type_concept_id:i operator_concept_id:i value_as_number:n value_as_concept_id:i
    unit_concept_id:i range_low:n range_high:n provider_id:i visit_occurrence_id:i visit_detail_id:i
    measurement_source_value:s measurement_source_concept_id:i unit_source_value:s unit_source_concept_id:i
    value_source_value:s measurement_event_id:b meas_event_field_concept_id:i`,
  observation: `observation_id:i person_id:i observation_concept_id:i observation_date:d observation_datetime:t
    observation_time:s observation_type_concept_id:i value_as_number:n value_as_string:s value_as_concept_id:i
    qualifier_concept_id:i unit_concept_id:i provider_id:i visit_occurrence_id:i visit_detail_id:i
    observation_source_value:s observation_source_concept_id:i unit_source_value:s qualifier_source_value:s
    value_source_value:s observation_event_id:b obs_event_field_concept_id:i`,
  specimen: `specimen_id:i person_id:i specimen_concept_id:i specimen_type_concept_id:i specimen_date:d
    specimen_datetime:t specimen_time:s quantity:n unit_concept_id:i anatomic_site_concept_id:i
    disease_status_concept_id:i specimen_source_id:s specimen_source_value:s unit_source_value:s
    anatomic_site_source_value:s disease_status_source_value:s`,
  death: `person_id:i death_date:d death_datetime:t death_type_concept_id:i cause_concept_id:i cause_source_value:s
    cause_source_concept_id:i`,
  condition_era: `condition_era_id:i person_id:i condition_concept_id:i condition_era_start_date:d
    condition_era_end_date:d condition_occurrence_count:i`,
  drug_era: `drug_era_id:i person_id:i drug_concept_id:i drug_era_start_date:d drug_era_end_date:d
    drug_exposure_count:i gap_days:i`,
  dose_era: `dose_era_id:i person_id:i drug_concept_id:i unit_concept_id:i dose_value:n dose_era_start_date:d
    dose_era_end_date:d`,
  payer_plan_period: `payer_plan_period_id:i person_id:i payer_plan_period_start_date:d payer_plan_period_end_date:d
    payer_concept_id:i payer_source_value:s payer_source_concept_id:i plan_concept_id:i plan_source_value:s
    plan_source_concept_id:i sponsor_concept_id:i sponsor_source_value:s sponsor_source_concept_id:i
    family_source_value:s stop_reason_concept_id:i stop_reason_source_value:s stop_reason_source_concept_id:i`,
  provider: `provider_id:i provider_name:s npi:s dea:s specialty_concept_id:i care_site_id:i year_of_birth:i
    gender_concept_id:i provider_source_value:s specialty_source_value:s specialty_source_concept_id:i
    gender_source_value:s gender_source_concept_id:i`,
  care_site: `care_site_id:i care_site_name:s place_of_service_concept_id:i location_id:i care_site_source_value:s
    place_of_service_source_value:s`,
  concept: `concept_id:i concept_name:s domain_id:s vocabulary_id:s concept_class_id:s standard_concept:s
    concept_code:s valid_start_date:d valid_end_date:d invalid_reason:s`,
  concept_ancestor: `ancestor_concept_id:i descendant_concept_id:i min_levels_of_separation:i max_levels_of_separation:i`,
  concept_relationship: `concept_id_1:i concept_id_2:i relationship_id:s valid_start_date:d valid_end_date:d
    invalid_reason:s`,
};

export const CDM_TABLES = Object.keys(SPEC);

/** Columns of a conformance CDM table in order, or undefined for a table it does not have. */
export function cdmColumns(table: string): Array<{ name: string; type: ColumnType }> | undefined {
  const spec = SPEC[table];
  if (spec === undefined) return undefined;
  return spec
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [name, letter] = entry.split(':');
      const type = T[letter];
      if (!type) throw new Error(`bad column spec ${table}.${entry}`);
      return { name, type };
    });
}

/** SQL type names: the same words mean the same in DuckDB and PostgreSQL, except for numeric. */
function sqlType(type: ColumnType, engine: 'duckdb' | 'postgres'): string {
  // DuckDB's bare NUMERIC is DECIMAL(18,3), which would round value_as_number; DOUBLE does not.
  if (type === 'numeric') return engine === 'duckdb' ? 'DOUBLE' : 'NUMERIC';
  return { integer: 'INTEGER', bigint: 'BIGINT', date: 'DATE', timestamp: 'TIMESTAMP', text: 'VARCHAR' }[type];
}

/** CREATE TABLE statements for the whole conformance CDM, in `schema` when given. */
export function cdmDdl(engine: 'duckdb' | 'postgres', schema?: string): string[] {
  const prefix = schema ? `"${schema}".` : '';
  return CDM_TABLES.map((table) => {
    const cols = cdmColumns(table)!.map((c) => `"${c.name}" ${sqlType(c.type, engine)}`);
    return `CREATE TABLE ${prefix}"${table}" (${cols.join(', ')})`;
  });
}
