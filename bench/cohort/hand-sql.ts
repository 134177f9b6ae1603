/**
 * bench/cohort/prostate-psa.json written by hand as a person would optimise it, without the
 * compiler: what `generateCohort` is measured against. It knows what the generic machinery
 * cannot assume:
 * - Entry is each person's first qualifying diagnosis, so there is one event per person: the
 *   qualified and expression limits and the era collapse change nothing and are skipped, and the
 *   exit (end of the observation period) is a column of the entry row.
 * - Each inclusion rule is a plain EXISTS / NOT EXISTS against the entry row, with the
 *   observation-period bound folded into the window, instead of join + GROUP BY + HAVING per rule,
 *   a union of rules and a mask aggregation.
 * Same SQL for DuckDB and PostgreSQL (date ± integer, EXISTS, row_number work in both).
 *
 * It writes what a steward needs from the run, in one transaction like the compiler: the cohort
 * rows, the inclusion-rule masks (both modes, identical with one event per person) and the
 * summary counts, under its own cohort id so the benchmark can compare them with the compiler's.
 */
import { plainSql } from 'fedomop/lib/generate/database.js';
import type { CompiledQuery } from 'fedomop/lib/sql/compiler.js';

/** Concept ids of the definition's three concept sets (each with descendants, via concept_ancestor). */
const PROSTATE_CANCER = 4163261;
const PSA = 3013603;
const GI_HEMORRHAGE = 192671;

// A real vocabulary has a self row in concept_ancestor for every standard concept, as the
// synthetic one does, so descendants-of includes the concept itself.
const descendants = (id: number) => `SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ${id}`;

const ENTRY = `
CREATE TEMPORARY TABLE hand_entry AS
WITH dx AS (
  SELECT co.person_id, co.condition_start_date AS start_date,
    op.observation_period_start_date AS op_start, op.observation_period_end_date AS op_end,
    row_number() OVER (PARTITION BY co.person_id ORDER BY co.condition_start_date, co.condition_occurrence_id) AS n
  FROM condition_occurrence co
  JOIN observation_period op ON op.person_id = co.person_id
    AND co.condition_start_date >= op.observation_period_start_date + 365
    AND co.condition_start_date <= op.observation_period_end_date
  WHERE co.condition_concept_id IN (${descendants(PROSTATE_CANCER)})
)
SELECT dx.person_id, dx.start_date, dx.op_end,
  CASE WHEN EXISTS (
    SELECT 1 FROM measurement m
    WHERE m.person_id = dx.person_id
      AND m.measurement_concept_id IN (${descendants(PSA)})
      AND m.measurement_date >= greatest(dx.start_date - 180, dx.op_start)
      AND m.measurement_date <= least(dx.start_date + 30, dx.op_end)
  ) THEN 1 ELSE 0 END
  + CASE WHEN NOT EXISTS (
    SELECT 1 FROM condition_occurrence g
    WHERE g.person_id = dx.person_id
      AND g.condition_concept_id IN (${descendants(GI_HEMORRHAGE)})
      AND g.condition_start_date >= dx.op_start
      AND g.condition_start_date <= dx.start_date - 1
  ) THEN 2 ELSE 0 END AS mask
FROM dx
WHERE dx.n = 1`;

/** The statements, in order, for one transaction. */
export function handStatements(cohortId: number): CompiledQuery[] {
  const id = String(cohortId);
  return [
    ENTRY,
    ...['cohort', 'cohort_inclusion_result', 'cohort_summary_stats'].map(
      (t) => `DELETE FROM ${t} WHERE cohort_definition_id = ${id}`,
    ),
    `INSERT INTO cohort (cohort_definition_id, subject_id, cohort_start_date, cohort_end_date)
     SELECT ${id}, person_id, start_date, op_end FROM hand_entry WHERE mask = 3`,
    `INSERT INTO cohort_inclusion_result (cohort_definition_id, inclusion_rule_mask, person_count, mode_id)
     SELECT ${id}, e.mask, count(*), m.mode_id FROM hand_entry e CROSS JOIN (VALUES (0), (1)) m(mode_id) GROUP BY e.mask, m.mode_id`,
    `INSERT INTO cohort_summary_stats (cohort_definition_id, base_count, final_count, mode_id)
     SELECT ${id}, count(*), sum(CASE WHEN e.mask = 3 THEN 1 ELSE 0 END), m.mode_id
     FROM hand_entry e CROSS JOIN (VALUES (0), (1)) m(mode_id) GROUP BY m.mode_id`,
    'DROP TABLE hand_entry',
  ].map(plainSql);
}
