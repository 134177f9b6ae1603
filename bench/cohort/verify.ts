/**
 * A benchmark of two different answers is worthless: after the runs, the compiler's cohort (and its
 * inclusion-rule masks and summary counts) must equal the hand SQL's row for row. Also reads the
 * attrition the compiler wrote, and insists that every rule removes someone, so neither rule is
 * a no-op that the hand SQL could get away with skipping.
 */
import { plainSql, type WritableDatabase } from 'fedomop/lib/generate/database.js';

type Row = Record<string, unknown>;

async function rows(db: WritableDatabase, sql: string): Promise<Row[]> {
  return db.transaction((tx) => tx.query(plainSql(sql)));
}

/** Rows of `select` (with $ID for the cohort id) that are in one cohort id and not the other, both ways, with multiplicity. */
async function differences(db: WritableDatabase, select: string, a: number, b: number): Promise<number> {
  const side = (x: number, y: number) =>
    `SELECT CAST(count(*) AS BIGINT) AS n FROM (${select.replaceAll('$ID', String(x))} EXCEPT ALL ${select.replaceAll('$ID', String(y))}) d`;
  const [one] = await rows(db, side(a, b));
  const [two] = await rows(db, side(b, a));
  return Number(one.n) + Number(two.n);
}

const COMPARED = {
  cohort: 'SELECT subject_id, cohort_start_date, cohort_end_date FROM cohort WHERE cohort_definition_id = $ID',
  cohort_inclusion_result:
    'SELECT inclusion_rule_mask, person_count, mode_id FROM cohort_inclusion_result WHERE cohort_definition_id = $ID',
  cohort_summary_stats: 'SELECT base_count, final_count, mode_id FROM cohort_summary_stats WHERE cohort_definition_id = $ID',
};

export interface CohortFigures {
  persons: number;
  rows: number;
  /** Persons mode: entry persons, after rule 1, after rules 1 and 2; and per rule, persons failing it. */
  base: number;
  afterRule: number[];
  failing: number[];
}

/** Throws unless the compiler's cohort `compiled` and the hand SQL's `hand` are identical. */
export async function assertSameCohort(db: WritableDatabase, compiled: number, hand: number): Promise<void> {
  for (const [table, select] of Object.entries(COMPARED)) {
    const [counts] = await rows(
      db,
      `SELECT (SELECT CAST(count(*) AS BIGINT) FROM (${select.replaceAll('$ID', String(compiled))}) a) AS a,
              (SELECT CAST(count(*) AS BIGINT) FROM (${select.replaceAll('$ID', String(hand))}) b) AS b`,
    );
    const diff = await differences(db, select, compiled, hand);
    if (Number(counts.a) !== Number(counts.b) || diff !== 0 || Number(counts.a) === 0)
      throw new Error(
        `${table}: compiler has ${counts.a} rows, hand SQL ${counts.b}, ${diff} rows differ (EXCEPT ALL both ways)`,
      );
  }
}

/** The compiler's own figures for cohort `id` with `ruleCount` rules (persons mode, as ATLAS reports). */
export async function cohortFigures(db: WritableDatabase, id: number, ruleCount: number): Promise<CohortFigures> {
  const [c] = await rows(
    db,
    `SELECT CAST(count(*) AS BIGINT) AS n, CAST(count(DISTINCT subject_id) AS BIGINT) AS p FROM cohort WHERE cohort_definition_id = ${id}`,
  );
  const masks = (
    await rows(
      db,
      `SELECT inclusion_rule_mask AS m, person_count AS n FROM cohort_inclusion_result WHERE cohort_definition_id = ${id} AND mode_id = 1`,
    )
  ).map((r) => ({ mask: Number(r.m), n: Number(r.n) }));
  const sum = (keep: (mask: number) => boolean) => masks.filter((m) => keep(m.mask)).reduce((s, m) => s + m.n, 0);
  const rules = [...Array(ruleCount).keys()];
  return {
    persons: Number(c.p),
    rows: Number(c.n),
    base: sum(() => true),
    // ATLAS's attrition: rules applied in order, each step keeping those meeting every rule so far.
    afterRule: rules.map((k) => sum((mask) => (mask & (2 ** (k + 1) - 1)) === 2 ** (k + 1) - 1)),
    failing: rules.map((k) => sum((mask) => (mask & (2 ** k)) === 0)),
  };
}

/** Throws if a rule removes nobody (in order, or on its own): the definition would not test what it claims. */
export function assertRulesBite(f: CohortFigures, names: string[]): void {
  f.afterRule.forEach((n, k) => {
    const before = k === 0 ? f.base : f.afterRule[k - 1];
    if (!(n < before) || f.failing[k] === 0)
      throw new Error(`inclusion rule ${k + 1} (${names[k]}) removes nobody: ${before} → ${n}`);
  });
}
