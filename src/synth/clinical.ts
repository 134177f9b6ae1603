/**
 * Clinical event tables, each one SELECT over `synth_ctx` expanded by range(n).
 *
 * Every event is attached to one of the person's visits and takes that visit's date, recomputed
 * from the same draw (visit_off/obs_day) instead of joined: no join on tens of millions of rows,
 * and the date is inside an observation period by construction. Row j of a cancer patient's
 * conditions and procedures sits on visit 0, the diagnosis visit.
 *
 * A SELECT names only the columns it fills; the rest stay NULL (virtual columns, see ddl.ts).
 * Free-text source values are left out, except the ICD code behind the one mapped source
 * concept: a stored column costs about as much as the rest of the row's work, and 1M persons
 * must stay well under a minute.
 */
import { CANCER } from './person.js';
import { SALT, pick } from './sql-util.js';
import { CONCEPT as C } from './vocabulary.js';

const EHR = C.ehr;

/** Non-cancer conditions and their share of ordinary condition rows. */
const COMMON_CONDITIONS: readonly (readonly [number, number])[] = [
  [320128, 22],
  [201826, 12],
  [432867, 10],
  [80180, 10],
  [40481087, 10],
  [317576, 7],
  [260139, 7],
  [255573, 6],
  [4112343, 6],
  [81151, 4],
  [372328, 3],
  [192671, 3],
];

const COMMON_PROCEDURES: readonly (readonly [number, number])[] = [
  [C.sutureWound, 30],
  [C.abdominalUltrasound, 30],
  [C.colonoscopy, 22],
  [C.sigmoidoscopy, 12],
  [C.bronchoscopy, 6],
];

const ids = (rows: readonly (readonly [number, number])[]) => rows.map(([id, w]) => [String(id), w] as const);

/** Event id: events are numbered per person in blocks of `cap`, so no window function is needed. */
const eventId = (cap: number, n: string) => `(pid - 1) * ${cap} + ${n} + 1`;

/** Columns every event needs to find its visit's date and period. */
const TIME_COLUMNS = 'pid, obs_start, p1_days, gap, dx_off, observed';

export function visitSql(cap: number): string {
  const kind = pick('u_kind', [
    [`${C.outpatient}`, 75],
    [`${C.inpatient}`, 15],
    [`${C.emergency}`, 10],
  ]);
  return `WITH rows AS (
  SELECT ${TIME_COLUMNS}, k, visit_off(pid, k, dx_off, observed) AS off,
    rnd(pid, ${SALT.visitKind}, k) AS u_kind, rnd(pid, ${SALT.visitStay}, k) AS u_stay
  FROM synth_ctx c, range(c.n_visit) t(k)
), dated AS (
  SELECT *, obs_day(obs_start, p1_days, gap, off) AS day,
    obs_period_end(obs_start, p1_days, gap, observed, off) AS period_end, ${kind} AS kind
  FROM rows
)
SELECT ${eventId(cap, 'k')} AS visit_occurrence_id, pid AS person_id, kind AS visit_concept_id,
  day AS visit_start_date,
  least(period_end, day + CASE WHEN kind = ${C.inpatient} THEN 1 + floor(u_stay * 12)::INTEGER ELSE 0 END) AS visit_end_date,
  ${EHR} AS visit_type_concept_id
FROM dated`;
}

export function conditionSql(cap: number): string {
  return `WITH rows AS (
  SELECT ${TIME_COLUMNS}, j, cancer, dx_concept, dx_date,
    CASE WHEN cancer > 0 AND j = 0 THEN 0 ELSE floor(rnd(pid, ${SALT.conditionVisit}, j) * n_visit)::INTEGER END AS k,
    rnd(pid, ${SALT.conditionKind}, j) AS u_kind, rnd(pid, ${SALT.conditionPick}, j) AS u_pick
  FROM synth_ctx c, range(c.n_condition) t(j)
), dated AS (
  SELECT *, obs_day(obs_start, p1_days, gap, visit_off(pid, k, dx_off, observed)) AS day FROM rows
), coded AS (
  SELECT *,
    CASE WHEN cancer > 0 AND (j = 0 OR (day >= dx_date AND u_kind < 0.3)) THEN dx_concept
         ELSE ${pick('u_pick', ids(COMMON_CONDITIONS))} END AS concept
  FROM dated
)
SELECT ${eventId(cap, 'j')} AS condition_occurrence_id, pid AS person_id, concept AS condition_concept_id,
  day AS condition_start_date, ${EHR} AS condition_type_concept_id,
  ${eventId(cap, 'k')} AS visit_occurrence_id,
  CASE WHEN concept = ${C.prostatePrimary} THEN 'C61' END AS condition_source_value,
  CASE WHEN concept = ${C.prostatePrimary} THEN ${C.icd10Prostate} ELSE 0 END AS condition_source_concept_id
FROM coded`;
}

/**
 * Drugs by kind: the two anti-androgens first, then the common ones with their shares. perDay
 * tablets or capsules of mgPerUnit each: the usual adult doses (abiraterone 4 × 250 mg,
 * enzalutamide 4 × 40 mg, ...), which the dose eras (eras.ts) report as mg per day.
 */
const DRUGS = [
  { concept: C.abiraterone, perDay: 4, mgPerUnit: 250 },
  { concept: C.enzalutamide, perDay: 4, mgPerUnit: 40 },
  { concept: C.acetaminophen, perDay: 3, mgPerUnit: 500, share: 40 },
  { concept: C.diclofenac, perDay: 3, mgPerUnit: 50, share: 22 },
  { concept: C.metformin, perDay: 2, mgPerUnit: 500, share: 20 },
  { concept: C.celecoxib, perDay: 2, mgPerUnit: 200, share: 18 },
] as const;

/** Strength of each synthetic drug (all are ingredients), for the dose eras. */
export const DOSE_STRENGTHS = DRUGS.map((d) => ({ ingredient: d.concept, mgPerUnit: d.mgPerUnit }));
const METFORMIN_KIND = DRUGS.findIndex((d) => d.concept === C.metformin) + 1;

export function drugSql(cap: number): string {
  const common = DRUGS.flatMap((d, i) => ('share' in d ? [[String(i + 1), d.share] as const] : []));
  const drugList = (field: 'concept' | 'perDay') => `[${DRUGS.map((d) => d[field]).join(', ')}][kind]`;
  return `WITH rows AS (
  SELECT ${TIME_COLUMNS}, j, cancer, dx_date,
    floor(rnd(pid, ${SALT.drugVisit}, j) * n_visit)::INTEGER AS k,
    rnd(pid, ${SALT.drugKind}, j) AS u_kind, rnd(pid, ${SALT.drugPick}, j) AS u_pick,
    rnd(pid, ${SALT.drugSupply}, j) AS u_supply
  FROM synth_ctx c, range(c.n_drug) t(j)
), dated AS (
  SELECT *, visit_off(pid, k, dx_off, observed) AS off FROM rows
), coded AS (
  SELECT *, obs_day(obs_start, p1_days, gap, off) AS day,
    obs_period_end(obs_start, p1_days, gap, observed, off) AS period_end
  FROM dated
), chosen AS (
  SELECT *,
    CASE WHEN cancer = ${CANCER.prostate} AND day >= dx_date AND u_kind < 0.45
           THEN CASE WHEN u_pick < 0.55 THEN 1 ELSE 2 END
         ELSE ${pick('u_pick', common)} END AS kind
  FROM coded
), supplied AS (
  SELECT *,
    least(period_end, day + (CASE
      WHEN kind <= 2 THEN 30
      WHEN kind = ${METFORMIN_KIND} THEN CASE WHEN u_supply < 0.5 THEN 30 ELSE 90 END
      ELSE ${pick('u_supply', [
        ['7', 50],
        ['14', 30],
        ['30', 20],
      ])}
    END - 1)) AS end_day
  FROM chosen
)
SELECT ${eventId(cap, 'j')} AS drug_exposure_id, pid AS person_id, ${drugList('concept')} AS drug_concept_id,
  day AS drug_exposure_start_date, end_day AS drug_exposure_end_date, ${EHR} AS drug_type_concept_id,
  (date_diff('day', day, end_day) + 1) * ${drugList('perDay')} AS quantity,
  date_diff('day', day, end_day) + 1 AS days_supply,
  ${eventId(cap, 'k')} AS visit_occurrence_id
FROM supplied`;
}

export function procedureSql(cap: number): string {
  return `WITH rows AS (
  SELECT ${TIME_COLUMNS}, j, cancer, gender, birth_year,
    CASE WHEN cancer > 0 AND j = 0 THEN 0 ELSE floor(rnd(pid, ${SALT.procedureVisit}, j) * n_visit)::INTEGER END AS k,
    rnd(pid, ${SALT.procedureKind}, j) AS u_kind, rnd(pid, ${SALT.procedurePick}, j) AS u_pick
  FROM synth_ctx c, range(c.n_procedure) t(j)
), dated AS (
  SELECT *, obs_day(obs_start, p1_days, gap, visit_off(pid, k, dx_off, observed)) AS day FROM rows
), coded AS (
  SELECT *,
    CASE WHEN cancer > 0 AND j = 0 THEN CASE cancer
           WHEN ${CANCER.prostate} THEN ${C.prostateBiopsy}
           WHEN ${CANCER.breast} THEN ${C.breastBiopsy}
           ELSE ${C.bronchoscopy} END
         WHEN gender = ${C.female} AND u_kind < 0.25
           THEN CASE WHEN u_pick < 0.6 THEN ${C.screeningMammography} ELSE ${C.mammography} END
         WHEN gender = ${C.male} AND year(day) - birth_year >= 50 AND u_kind < 0.02 THEN ${C.prostateBiopsy}
         ELSE ${pick('u_pick', ids(COMMON_PROCEDURES))} END AS concept
  FROM dated
)
SELECT ${eventId(cap, 'j')} AS procedure_occurrence_id, pid AS person_id, concept AS procedure_concept_id,
  day AS procedure_date, ${EHR} AS procedure_type_concept_id, 1 AS quantity,
  ${eventId(cap, 'k')} AS visit_occurrence_id
FROM coded`;
}

/**
 * Lab kinds, each a test with the reference values of one sex. PSA (kind 1) is lognormal and
 * depends on age and prostate cancer; the others are normal around the sex-specific mean.
 * Values are indexed by kind from constant lists, which DuckDB evaluates faster than CASEs.
 */
const LABS = [
  { concept: C.psa, unit: C.ngPerMl, mean: 0, sd: 0, low: '0.0', high: '4.0' },
  { concept: C.hemoglobin, unit: C.gPerDl, mean: 14.5, sd: 1.2, low: '13.5', high: '17.5' },
  { concept: C.hemoglobin, unit: C.gPerDl, mean: 13.3, sd: 1.1, low: '12.0', high: '15.5' },
  { concept: C.creatinine, unit: C.mgPerDl, mean: 0.95, sd: 0.2, low: '0.7', high: '1.3' },
  { concept: C.creatinine, unit: C.mgPerDl, mean: 0.8, sd: 0.18, low: '0.5', high: '1.1' },
] as const;

const labList = (field: keyof (typeof LABS)[number]) => `[${LABS.map((l) => l[field]).join(', ')}][lab]`;

export function measurementSql(cap: number): string {
  const male = C.male;
  return `WITH rows AS (
  SELECT ${TIME_COLUMNS}, j, cancer, gender, birth_year, dx_date,
    floor(rnd(pid, ${SALT.measurementVisit}, j) * n_visit)::INTEGER AS k,
    rnd(pid, ${SALT.measurementKind}, j) AS u_kind, rnorm(pid, ${SALT.measurementValue}, j) AS z
  FROM synth_ctx c, range(c.n_measurement) t(j)
), dated AS (
  SELECT *, obs_day(obs_start, p1_days, gap, visit_off(pid, k, dx_off, observed)) AS day,
    CASE WHEN gender = ${male} THEN
           CASE WHEN u_kind < CASE WHEN cancer = ${CANCER.prostate} THEN 0.5 ELSE 0.3 END THEN 1
                WHEN u_kind < 0.65 THEN 2 ELSE 4 END
         ELSE CASE WHEN u_kind < 0.5 THEN 3 ELSE 5 END
    END AS lab
  FROM rows
), valued AS (
  SELECT *,
    CASE WHEN lab = 1 THEN CASE
        WHEN cancer = ${CANCER.prostate} AND day >= dx_date THEN 12 * exp(0.9 * z)
        WHEN cancer = ${CANCER.prostate} THEN 5.5 * exp(0.5 * z)
        ELSE (0.6 + 0.05 * greatest(0, year(day) - birth_year - 40)) * exp(0.6 * z) END
      ELSE ${labList('mean')} + ${labList('sd')} * z
    END AS value
  FROM dated
)
SELECT ${eventId(cap, 'j')} AS measurement_id, pid AS person_id, ${labList('concept')} AS measurement_concept_id,
  day AS measurement_date, ${EHR} AS measurement_type_concept_id,
  greatest(0.01, value)::DECIMAL(18, 2) AS value_as_number,
  ${labList('unit')} AS unit_concept_id, ${labList('low')} AS range_low, ${labList('high')} AS range_high,
  ${eventId(cap, 'k')} AS visit_occurrence_id
FROM valued`;
}
