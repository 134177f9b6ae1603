/**
 * The SQL a plan compiles to, kept by plan hash. Compiling walks the whole cohort definition (Circe
 * program, operation tree, SQL text) on every request: on a tiny site that was a visible share of a
 * count's time at the site, and a panel or notebook asks the same plan again and again (live counts,
 * re-runs). The hash is over the canonical plan, so one hash is one SQL text with one parameter list;
 * values stay bound parameters. Entries are frozen: callers share them and must not change them.
 */
import type { CompiledQuery } from '../sql/index.js';
import { Recent } from '../node/recent.js';

/** Plans kept; a compiled plan is its SQL text and parameters (a few KiB, more for large concept sets). */
const MAX_PLANS = 256;
/**
 * And at most this much memory. Weighed as two bytes per SQL character and 16 per parameter (its
 * slot and its type name): the 8 MiB ATLAS definition of bench/large-definition.ts compiles to 25,428
 * characters and 2,051 parameters, ~82 KiB, so by count alone 256 such plans would hold ~21 MiB;
 * larger definitions more. Ordinary plans (a few KiB) all fit.
 */
const MAX_BYTES = 16 * 1024 * 1024;
const BYTES_PER_PARAMETER = 16;

const plans = new Recent<CompiledQuery>(MAX_PLANS, MAX_BYTES);

/** What a compiled query is counted as weighing against MAX_BYTES. */
export function compiledWeight(query: CompiledQuery): number {
  return 2 * query.sql.length + BYTES_PER_PARAMETER * query.parameters.length;
}

/**
 * The compiled query for (`key`, plan hash), compiled by `make` on first use. `key` says which query
 * of the plan (aggregate or person-level) in which dialect.
 */
export function compiledPlan(key: string, planHash: string, make: () => CompiledQuery): CompiledQuery {
  const id = `${key}:${planHash}`;
  const hit = plans.get(id);
  if (hit) return hit;
  const made = make();
  const entry: CompiledQuery = Object.freeze({
    sql: made.sql,
    parameters: Object.freeze([...made.parameters]) as CompiledQuery['parameters'],
    parameterTypes: Object.freeze([...made.parameterTypes]) as CompiledQuery['parameterTypes'],
  });
  return plans.set(id, entry, compiledWeight(entry));
}

/** How many plans are kept (specs). */
export function compiledPlanCount(): number {
  return plans.size;
}

/** What the kept plans weigh (specs). */
export function compiledPlanBytes(): number {
  return plans.bytes;
}
