/**
 * The CDM's derived era tables, built from the clinical tables after they are written, with OHDSI's
 * era rules (the CDM documentation's condition/drug/dose era scripts):
 *
 * - An event lasts from its start to its end date; conditions without one last a day
 *   (start + 1), drug exposures without one last their days' supply, else a day.
 * - Events of one person and concept join an era while each starts at most 30 days (the
 *   persistence window) after the latest end so far; the era runs from the first start to the
 *   latest end. Two events 20 days apart make one era, 40 days apart two.
 * - Drug eras are per ingredient: an exposure counts for every RxNorm ingredient that is its
 *   ancestor in concept_ancestor (an ingredient is its own), exposures with none are left out.
 *   gap_days is the era's length minus the days some exposure covers (OHDSI merges overlapping
 *   exposures into sub-exposures first; counting each exposure's days beyond the ones before it
 *   gives the same number in the same pass).
 * - Dose eras are per ingredient, unit and daily dose, with the same window; the daily dose is
 *   quantity / days_supply × strength. The synthetic vocabulary has no drug_strength, so the
 *   strengths come from the generator's own drug list (clinical.ts), in milligrams.
 *
 * Plain SQL over CDM tables (date + integer days, window functions), nothing from a caller.
 */

/** OHDSI's persistence window, in days, for condition, drug and dose eras. */
export const ERA_PERSISTENCE_DAYS = 30;

/** UCUM milligram (concept 8576): the unit of every synthetic dose era. */
export const MILLIGRAM = 8576;

/**
 * Eras over `intervals`, a SELECT of (person_id, <keys>, start_date, end_date): an interval opens a
 * new era unless it starts within `gapDays` of the latest end before it (same person and keys).
 * Yields person_id, the keys, era_start, era_end, n (intervals in the era) and covered (days of the
 * era some interval covers: the era's length minus OHDSI's gap days).
 */
export function erasSql(intervals: string, keys: readonly string[], gapDays: number): string {
  if (!Number.isInteger(gapDays) || gapDays < 0) throw new Error(`gapDays must be a whole number >= 0, got ${gapDays}`);
  const partition = ['person_id', ...keys].join(', ');
  const before = `OVER (PARTITION BY ${partition} ORDER BY start_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`;
  // Intervals starting the same day are folded into one first: they always share an era, and with
  // one row per start the ROWS frames below have a single order, so ties (duplicate exposures are
  // common) cannot make the result depend on the sort.
  // `added`: the days an interval covers beyond every interval before it; summed per era, the covered
  // days, so gap days need no separate pass over merged sub-exposures.
  return `WITH starts AS (
  SELECT ${partition}, start_date, max(end_date) AS end_date, count(*) AS n FROM (${intervals}) src GROUP BY ${partition}, start_date
), marked AS (
  SELECT *, max(end_date) ${before} AS prev_end FROM starts
), flagged AS (
  SELECT *, CASE WHEN start_date <= prev_end + ${gapDays} THEN 0 ELSE 1 END AS opens,
    greatest(0, date_diff('day', greatest(start_date, coalesce(prev_end, start_date)), end_date)) AS added
  FROM marked
), numbered AS (
  SELECT *, sum(opens) OVER (PARTITION BY ${partition} ORDER BY start_date ROWS UNBOUNDED PRECEDING) AS era_no FROM flagged
)
SELECT ${partition}, min(start_date) AS era_start, max(end_date) AS era_end, sum(n) AS n, sum(added) AS covered
FROM numbered
GROUP BY ${partition}, era_no`;
}

/** Era ids: numbered in a total order, so the same data always gets the same ids. */
const eraId = (concept: string) => `row_number() OVER (ORDER BY person_id, ${concept}, era_start)`;

export function conditionEraSql(): string {
  const intervals = `SELECT person_id, condition_concept_id, condition_start_date AS start_date,
    coalesce(condition_end_date, condition_start_date + 1) AS end_date
  FROM condition_occurrence WHERE condition_concept_id <> 0`;
  return `SELECT ${eraId('condition_concept_id')} AS condition_era_id, person_id, condition_concept_id,
  era_start AS condition_era_start_date, era_end AS condition_era_end_date, n::INTEGER AS condition_occurrence_count
FROM (${erasSql(intervals, ['condition_concept_id'], ERA_PERSISTENCE_DAYS)}) eras`;
}

/** Each drug concept with its RxNorm ingredients (an ingredient maps to itself). */
const INGREDIENTS = `SELECT ca.descendant_concept_id AS drug_concept_id, ca.ancestor_concept_id AS ingredient_concept_id
    FROM concept_ancestor ca JOIN concept c ON c.concept_id = ca.ancestor_concept_id
    WHERE c.concept_class_id = 'Ingredient' AND c.vocabulary_id IN ('RxNorm', 'RxNorm Extension')
    UNION
    SELECT concept_id, concept_id FROM concept
    WHERE concept_class_id = 'Ingredient' AND vocabulary_id IN ('RxNorm', 'RxNorm Extension')`;

/** Drug exposures per ingredient, with OHDSI's end date. */
const INGREDIENT_EXPOSURES = `SELECT de.person_id, i.ingredient_concept_id, de.drug_exposure_start_date AS start_date,
    coalesce(de.drug_exposure_end_date, de.drug_exposure_start_date + de.days_supply, de.drug_exposure_start_date + 1) AS end_date,
    de.quantity, de.days_supply
  FROM drug_exposure de JOIN (${INGREDIENTS}) i ON i.drug_concept_id = de.drug_concept_id
  WHERE de.drug_concept_id <> 0`;

export function drugEraSql(): string {
  const intervals = `SELECT person_id, ingredient_concept_id, start_date, end_date FROM (${INGREDIENT_EXPOSURES}) x`;
  return `SELECT ${eraId('ingredient_concept_id')} AS drug_era_id, person_id, ingredient_concept_id AS drug_concept_id,
  era_start AS drug_era_start_date, era_end AS drug_era_end_date, n::INTEGER AS drug_exposure_count,
  (date_diff('day', era_start, era_end) - covered)::INTEGER AS gap_days
FROM (${erasSql(intervals, ['ingredient_concept_id'], ERA_PERSISTENCE_DAYS)}) eras`;
}

export interface DoseStrength {
  /** RxNorm ingredient concept id. */
  ingredient: number;
  /** Milligrams per unit of quantity (a tablet or capsule). */
  mgPerUnit: number;
}

export function doseEraSql(strengths: readonly DoseStrength[]): string {
  for (const s of strengths) {
    if (!Number.isInteger(s.ingredient) || !(s.mgPerUnit > 0)) throw new Error(`bad dose strength ${JSON.stringify(s)}`);
  }
  const mg = `CASE ingredient_concept_id ${strengths.map((s) => `WHEN ${s.ingredient} THEN ${s.mgPerUnit}`).join(' ')} END`;
  const intervals = `SELECT person_id, ingredient_concept_id, ${MILLIGRAM} AS unit_concept_id,
    round(quantity / days_supply * ${mg}, 2) AS dose_value, start_date, end_date
  FROM (${INGREDIENT_EXPOSURES}) x
  WHERE days_supply > 0 AND quantity > 0 AND ${mg} IS NOT NULL`;
  return `SELECT ${eraId('ingredient_concept_id, dose_value')} AS dose_era_id, person_id, ingredient_concept_id AS drug_concept_id,
  unit_concept_id, dose_value, era_start AS dose_era_start_date, era_end AS dose_era_end_date
FROM (${erasSql(intervals, ['ingredient_concept_id', 'unit_concept_id', 'dose_value'], ERA_PERSISTENCE_DAYS)}) eras`;
}
