/**
 * One row of facts per person (demographics, observation time, cancer, death, event counts) in a
 * temp table, and the person-level CDM tables derived from it. Every clinical row is generated
 * from these facts, which is what keeps events inside observation and cancer drugs after diagnosis.
 */
import { SYNTH_PROFILES, type SynthProfileName } from './profiles.js';
import { CONCEPT } from './vocabulary.js';
import { SALT, pick } from './sql-util.js';

/** Events may start no earlier than this and observation ends no later than OBS_LAST. */
export const OBS_FIRST = '2005-01-01';
export const OBS_LAST = '2024-12-31';
/** Latest observation start, so everyone has at least 18 months of history. */
const START_LAST = '2023-06-30';

export interface PersonPlan {
  persons: number;
  profile: SynthProfileName;
  eventsPerPerson: number;
  /** Upper bound of events per person per table; event ids are numbered in blocks of this size. */
  cap: number;
}

/** Cancer kinds as stored in synth_ctx.cancer. */
export const CANCER = { none: 0, prostate: 1, breast: 2, lung: 3 } as const;

export function contextSql(plan: PersonPlan): string {
  const profile = SYNTH_PROFILES[plan.profile];
  const { male, female } = CONCEPT;
  const r = (salt: number): string => `rnd(pid, ${salt}, 0)`;
  const known = 1 - profile.unknownGenderShare;
  const count = (salt: number): string =>
    `least(${plan.cap}, greatest(1, round(${plan.eventsPerPerson} * intensity * (0.8 + 0.4 * ${r(salt)}))))::INTEGER`;
  const age = pick(
    'u_band',
    profile.ageBands.map((b) => [`${b.from} + floor(u_in_band * ${b.to - b.from + 1})::INTEGER`, b.weight] as const),
  );
  const { prostate, breast, lung } = profile.cancer;
  return `CREATE OR REPLACE TEMP TABLE synth_ctx AS
WITH draws AS (
  SELECT range + 1 AS pid,
    ${r(SALT.gender)} AS u_gender, ${r(SALT.ageBand)} AS u_band, ${r(SALT.ageInBand)} AS u_in_band,
    ${r(SALT.race)} AS u_race, ${r(SALT.ethnicity)} AS u_eth, ${r(SALT.cancer)} AS u_cancer,
    ${r(SALT.cancerSubtype)} AS u_subtype, ${r(SALT.death)} AS u_death, ${r(SALT.obsLeave)} AS u_leave,
    ${r(SALT.obsSplit)} AS u_split, ${r(SALT.obsSplitAt)} AS u_split_at,
    0.25 + 1.5 * ${r(SALT.intensity)} AS intensity
  FROM range(${plan.persons})
), demo AS (
  SELECT *,
    CASE WHEN u_gender >= ${known} THEN 0
         WHEN u_gender < ${profile.maleShare * known} THEN ${male} ELSE ${female} END AS gender,
    ${age} AS age_end,
    1 + floor(${r(SALT.birthMonth)} * 12)::INTEGER AS birth_month,
    1 + floor(${r(SALT.birthDay)} * 28)::INTEGER AS birth_day
  FROM draws
), risk AS (
  SELECT *,
    make_date(2024 - age_end, birth_month, birth_day) AS birth_date,
    least(1.8, greatest(0.05, (age_end - 35) / 30.0)) AS age_factor
  FROM demo
), cancer AS (
  SELECT *,
    CASE WHEN gender = ${male} THEN ${prostate} * age_factor ELSE 0 END AS p_prostate,
    CASE gender WHEN ${female} THEN ${breast} * age_factor WHEN ${male} THEN ${breast / 100} * age_factor ELSE 0 END AS p_breast,
    ${lung} * age_factor AS p_lung
  FROM risk
), typed AS (
  SELECT *,
    CASE WHEN u_cancer < p_prostate THEN ${CANCER.prostate}
         WHEN u_cancer < p_prostate + p_breast THEN ${CANCER.breast}
         WHEN u_cancer < p_prostate + p_breast + p_lung THEN ${CANCER.lung}
         ELSE ${CANCER.none} END AS cancer,
    greatest(DATE '${OBS_FIRST}', (birth_date + INTERVAL 18 YEAR)::DATE) AS start_lo
  FROM cancer
), lived AS (
  SELECT *,
    u_death < least(0.8, ${profile.mortality} * (0.015 + 0.006 * greatest(0, age_end - 55)
      + CASE cancer WHEN ${CANCER.lung} THEN 0.35 WHEN ${CANCER.prostate} THEN 0.12 WHEN ${CANCER.breast} THEN 0.1 ELSE 0 END)) AS dead,
    start_lo + floor(pow(${r(SALT.obsStart)}, 1.6) * date_diff('day', start_lo, DATE '${START_LAST}'))::INTEGER AS obs_start
  FROM typed
), ended AS (
  SELECT *,
    CASE WHEN dead THEN obs_start + (180 + floor(${r(SALT.obsEnd)} * (date_diff('day', obs_start, DATE '${OBS_LAST}') - 180)))::INTEGER
         WHEN u_leave < 0.75 THEN DATE '${OBS_LAST}'
         ELSE obs_start + (365 + floor(${r(SALT.obsEnd)} * (date_diff('day', obs_start, DATE '${OBS_LAST}') - 365)))::INTEGER
    END AS obs_end
  FROM lived
), spans AS (
  SELECT *, date_diff('day', obs_start, obs_end) + 1 AS span,
    u_split < 0.2 AND date_diff('day', obs_start, obs_end) > 900 AS split,
    60 + floor(${r(SALT.obsGap)} * 300)::INTEGER AS gap
  FROM ended
), periods AS (
  SELECT *,
    CASE WHEN split THEN floor((0.2 + 0.6 * u_split_at) * (span - gap))::INTEGER ELSE span END AS p1_days,
    CASE WHEN split THEN span - gap ELSE span END AS observed,
    CASE WHEN split THEN gap ELSE 0 END AS p1_gap
  FROM spans
), counted AS (
  SELECT *,
    CASE WHEN split THEN obs_start + (p1_days + gap)::INTEGER END AS p2_start,
    CASE WHEN cancer > 0 THEN floor(pow(${r(SALT.diagnosis)}, 1.4) * observed)::INTEGER END AS dx_off,
    ${count(SALT.countVisit)} AS n_visit,
    ${count(SALT.countCondition)} AS n_condition,
    ${count(SALT.countDrug)} AS n_drug,
    ${count(SALT.countProcedure)} AS n_procedure,
    ${count(SALT.countMeasurement)} AS n_measurement
  FROM periods
)
SELECT pid, gender, age_end, 2024 - age_end AS birth_year, birth_month, birth_day, birth_date,
  ${pick('u_race', [
    [`${CONCEPT.white}`, 85],
    [`${CONCEPT.asian}`, 5],
    [`${CONCEPT.black}`, 3],
    ['0', 7],
  ])} AS race,
  ${pick('u_eth', [
    [`${CONCEPT.notHispanic}`, 95],
    [`${CONCEPT.hispanic}`, 5],
  ])} AS ethnicity,
  cancer,
  CASE cancer
    WHEN ${CANCER.prostate} THEN ${pick('u_subtype', [
      [`${CONCEPT.prostatePrimary}`, 70],
      [`${CONCEPT.prostateTumor}`, 20],
      [`${CONCEPT.prostateCarcinoma}`, 10],
    ])}
    WHEN ${CANCER.breast} THEN ${CONCEPT.breastTumor}
    WHEN ${CANCER.lung} THEN ${pick('u_subtype', [
      [`${CONCEPT.lungTumor}`, 60],
      [`${CONCEPT.nsclc}`, 40],
    ])}
  END AS dx_concept,
  dx_off, obs_day(obs_start, p1_days, p1_gap, dx_off) AS dx_date,
  dead, obs_start, obs_end, p1_days, p1_gap AS gap, p2_start, observed,
  n_visit, n_condition, n_drug, n_procedure, n_measurement
FROM counted`;
}

export function personSql(): string {
  return `SELECT pid AS person_id, gender AS gender_concept_id, birth_year AS year_of_birth,
  birth_month AS month_of_birth, birth_day AS day_of_birth, birth_date::TIMESTAMP AS birth_datetime,
  race AS race_concept_id, ethnicity AS ethnicity_concept_id,
  'synth-' || pid AS person_source_value,
  CASE gender WHEN ${CONCEPT.male} THEN 'M' WHEN ${CONCEPT.female} THEN 'F' ELSE 'U' END AS gender_source_value
FROM synth_ctx`;
}

export function observationPeriodSql(): string {
  return `SELECT (pid - 1) * 2 + 1 AS observation_period_id, pid AS person_id,
  obs_start AS observation_period_start_date, obs_start + (p1_days - 1)::INTEGER AS observation_period_end_date,
  ${CONCEPT.ehr} AS period_type_concept_id
FROM synth_ctx
UNION ALL
SELECT (pid - 1) * 2 + 2, pid, p2_start, obs_end, ${CONCEPT.ehr}
FROM synth_ctx WHERE p2_start IS NOT NULL`;
}

/** Death closes the last observation period, so it is never before a recorded event. */
export function deathSql(): string {
  return `SELECT pid AS person_id, obs_end AS death_date, ${CONCEPT.ehr} AS death_type_concept_id,
  CASE WHEN cancer > 0 AND rnd(pid, ${SALT.deathCause}, 0) < 0.7 THEN dx_concept END AS cause_concept_id
FROM synth_ctx WHERE dead`;
}
