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

const plans = new Recent<CompiledQuery>(MAX_PLANS);

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
  return plans.set(id, entry);
}

/** How many plans are kept (specs). */
export function compiledPlanCount(): number {
  return plans.size;
}
