/**
 * Small SQL building blocks shared by the generator's statements.
 *
 * Randomness: every draw is `hash(seed, person, salt, k)` scaled to [0, 1). DuckDB's hash is a
 * pure function, so a table's contents depend only on the seed and the options, never on thread
 * scheduling or row order; random()/setseed would not give that under parallel execution.
 */

/** One salt per independent draw; two draws sharing (salt, k) for a person would be correlated. */
export const SALT = {
  gender: 1,
  ageBand: 2,
  ageInBand: 3,
  birthMonth: 4,
  birthDay: 5,
  race: 6,
  ethnicity: 7,
  obsStart: 8,
  obsLeave: 9,
  obsEnd: 10,
  obsSplit: 11,
  obsSplitAt: 12,
  obsGap: 13,
  cancer: 14,
  cancerSubtype: 15,
  diagnosis: 16,
  death: 17,
  deathCause: 18,
  intensity: 19,
  countVisit: 20,
  countCondition: 21,
  countDrug: 22,
  countProcedure: 23,
  countMeasurement: 24,
  visitDay: 30,
  visitKind: 31,
  visitStay: 32,
  conditionVisit: 40,
  conditionKind: 41,
  conditionPick: 42,
  drugVisit: 50,
  drugKind: 51,
  drugPick: 52,
  drugSupply: 53,
  procedureVisit: 60,
  procedureKind: 61,
  procedurePick: 62,
  measurementVisit: 70,
  measurementKind: 71,
  measurementValue: 72,
  countObservation: 25,
  observationVisit: 80,
  observationPick: 81,
  payer: 90,
} as const;

/** A SQL literal for a trusted constant (profile numbers, vocabulary text); never for user input. */
export function lit(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A weighted choice driven by the uniform `u`: `pick('u', [['1', 3], ['2', 1]])` yields 1 for
 * u < 0.75, else 2. `u` must be a column, not a draw: a draw would be hashed once per branch.
 * Integer weights over plain numbers become an index into a constant list, which DuckDB
 * evaluates about twice as fast as a long CASE; anything else becomes a CASE.
 */
export function pick(u: string, options: readonly (readonly [sql: string, weight: number])[]): string {
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  if (!(total > 0)) throw new Error('pick needs a positive total weight');
  if (options.length > 3 && total <= 1000 && options.every(([sql, w]) => Number.isInteger(w) && /^\d+$/.test(sql))) {
    const slots = options.flatMap(([sql, weight]) => Array<string>(weight).fill(sql));
    return `[${slots.join(', ')}][1 + floor(${u} * ${total})::INTEGER]`;
  }
  let cumulative = 0;
  const whens = options.slice(0, -1).map(([sql, weight]) => {
    cumulative += weight / total;
    return `WHEN ${u} < ${cumulative.toFixed(6)} THEN ${sql}`;
  });
  return `CASE ${whens.join(' ')} ELSE ${options[options.length - 1][0]} END`;
}

/**
 * Connection-local macros. The seed is baked in so no statement can forget it; casts pin the
 * argument types, because hash(0::INTEGER) and hash(0::BIGINT) differ.
 */
export function macroStatements(seed: number): string[] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer: ${seed}`);
  return [
    `CREATE OR REPLACE TEMP MACRO rnd(p, salt, k) AS
       (hash(${seed}::BIGINT, p::BIGINT, salt::INTEGER, k::BIGINT) >> 11)::DOUBLE / 9007199254740992.0`,
    // Roughly standard normal: a logistic draw scaled to unit variance. Box-Muller cost four
    // times as much per row, and lab values need a bell shape, not exact Gaussian tails.
    // v lies strictly inside (0, 1), so the log never sees zero.
    `CREATE OR REPLACE TEMP MACRO rnorm(p, salt, k) AS
       -0.5513 * ln(2097152.0 / ((hash(${seed}::BIGINT, p::BIGINT, salt::INTEGER, k::BIGINT) >> 43)::DOUBLE + 0.5) - 1.0)`,
    // Day `off` of a person's observed time, skipping the gap (0 when there is one period)
    // between period 1 and period 2; and the last day of the period that day falls in.
    `CREATE OR REPLACE TEMP MACRO obs_day(obs_start, p1_days, gap, off) AS
       obs_start + (off + CASE WHEN off < p1_days THEN 0 ELSE gap END)::INTEGER`,
    `CREATE OR REPLACE TEMP MACRO obs_period_end(obs_start, p1_days, gap, observed, off) AS
       obs_start + (CASE WHEN off < p1_days THEN p1_days ELSE observed + gap END - 1)::INTEGER`,
    // Visit 0 of a cancer patient is the diagnosis visit; other visits fall anywhere in observation.
    `CREATE OR REPLACE TEMP MACRO visit_off(p, k, dx_off, observed) AS
       CASE WHEN k = 0 AND dx_off IS NOT NULL THEN dx_off
            ELSE floor(rnd(p, ${SALT.visitDay}, k) * observed)::INTEGER END`,
  ];
}
