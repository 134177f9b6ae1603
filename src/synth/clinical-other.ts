/**
 * The rest of the CDM 5.4 clinical tables a Circe criterion can target: visit_detail, observation,
 * device_exposure, specimen and payer_plan_period. Small and cheap next to the main event tables:
 * most rows are derived from rows already written (an inpatient stay's ward detail, a biopsy's
 * tissue sample and needle, a PSA test's blood sample, an observation period's insurance), so they
 * agree with them on person, date and visit by construction.
 *
 * Concept ids: the vocabulary (vocabulary.ts) holds none of these domains yet, so concept-set
 * criteria on them find nothing until it does; criteria by type, date, value or without a
 * codeset work. Ids marked "check" were seen once in public OHDSI material; 0 is the CDM's
 * "No matching concept", with the source value saying what the record is.
 */
import { SALT, pick } from './sql-util.js';
import { CONCEPT as C } from './vocabulary.js';

const EHR = C.ehr;

/** Observation: "History of clinical finding in subject" (SNOMED 417662000; seen), value = the finding. */
const HISTORY_OF_FINDING = 4214956;
/** Specimens (check): blood, and tumor tissue from a biopsy. */
const BLOOD_SPECIMEN = 4001225;
const TISSUE_SPECIMEN = 4122248;

/** Findings a history observation records, with their shares (standard SNOMED conditions). */
const HISTORY_FINDINGS: readonly (readonly [string, number])[] = [
  ['320128', 30],
  ['201826', 20],
  ['432867', 15],
  ['80180', 15],
  ['317576', 10],
  ['255573', 10],
];

/** One detail row (the ward or the emergency department) per inpatient and emergency visit. */
export function visitDetailSql(): string {
  return `SELECT visit_occurrence_id AS visit_detail_id, person_id, visit_concept_id AS visit_detail_concept_id,
  visit_start_date AS visit_detail_start_date, visit_end_date AS visit_detail_end_date,
  ${EHR} AS visit_detail_type_concept_id,
  CASE visit_concept_id WHEN ${C.inpatient} THEN 'ward' ELSE 'emergency department' END AS visit_detail_source_value,
  visit_occurrence_id
FROM visit_occurrence WHERE visit_concept_id IN (${C.inpatient}, ${C.emergency})`;
}

/** One to three history-of observations per person, each recorded at one of the person's visits. */
export function observationSql(cap: number): string {
  return `WITH rows AS (
  SELECT pid, obs_start, p1_days, gap, dx_off, observed, j,
    floor(rnd(pid, ${SALT.observationVisit}, j) * n_visit)::INTEGER AS k,
    rnd(pid, ${SALT.observationPick}, j) AS u_pick
  FROM synth_ctx c, range(1 + floor(rnd(c.pid, ${SALT.countObservation}, 0) * 3)::INTEGER) t(j)
), dated AS (
  SELECT *, obs_day(obs_start, p1_days, gap, visit_off(pid, k, dx_off, observed)) AS day FROM rows
)
SELECT (pid - 1) * ${cap} + j + 1 AS observation_id, pid AS person_id, ${HISTORY_OF_FINDING} AS observation_concept_id,
  day AS observation_date, ${EHR} AS observation_type_concept_id,
  ${pick('u_pick', HISTORY_FINDINGS)} AS value_as_concept_id,
  (pid - 1) * ${cap} + k + 1 AS visit_occurrence_id
FROM dated`;
}

/** Biopsies and bronchoscopies, with the ids of the procedures they come from. */
const SAMPLING_PROCEDURES = `${C.prostateBiopsy}, ${C.breastBiopsy}, ${C.bronchoscopy}`;

/** The instrument each biopsy or bronchoscopy used, on the procedure's day and visit. */
export function deviceExposureSql(): string {
  return `SELECT procedure_occurrence_id AS device_exposure_id, person_id, 0 AS device_concept_id,
  procedure_date AS device_exposure_start_date, procedure_date AS device_exposure_end_date,
  ${EHR} AS device_type_concept_id, 1 AS quantity, visit_occurrence_id,
  CASE procedure_concept_id WHEN ${C.bronchoscopy} THEN 'bronchoscope' ELSE 'biopsy needle' END AS device_source_value
FROM procedure_occurrence WHERE procedure_concept_id IN (${SAMPLING_PROCEDURES})`;
}

/**
 * A blood sample for every PSA test and a tissue sample for every biopsy or bronchoscopy.
 * Ids: twice the measurement id, twice the procedure id plus one, so the two never meet.
 */
export function specimenSql(): string {
  return `SELECT measurement_id * 2 AS specimen_id, person_id, ${BLOOD_SPECIMEN} AS specimen_concept_id,
  ${EHR} AS specimen_type_concept_id, measurement_date AS specimen_date, 'blood' AS specimen_source_value
FROM measurement WHERE measurement_concept_id = ${C.psa}
UNION ALL
SELECT procedure_occurrence_id * 2 + 1, person_id, ${TISSUE_SPECIMEN}, ${EHR}, procedure_date, 'tissue'
FROM procedure_occurrence WHERE procedure_concept_id IN (${SAMPLING_PROCEDURES})`;
}

/**
 * Health insurance over each observation period: German statutory (GKV) for most, private (PKV)
 * for about one in eight, the same for a person's two periods. No payer vocabulary concept: 0.
 */
export function payerPlanPeriodSql(): string {
  return `SELECT observation_period_id AS payer_plan_period_id, person_id,
  observation_period_start_date AS payer_plan_period_start_date, observation_period_end_date AS payer_plan_period_end_date,
  0 AS payer_concept_id,
  CASE WHEN rnd(person_id, ${SALT.payer}, 0) < 0.12 THEN 'PKV' ELSE 'GKV' END AS payer_source_value
FROM observation_period`;
}
