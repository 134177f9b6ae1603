/**
 * What every part of the cohort checker shares: where problems and warnings go, the limits, the
 * concept sets a criterion may refer to, and running totals for the size limits.
 */
import type { PlanLimits } from './limits.js';
import { listOf, type ProblemList, type WarningList } from './problems.js';
import { readInteger } from './shape.js';

export interface CodesetInfo {
  name?: string;
  /** No items, or every item excluded: a criterion using it matches nothing. */
  empty: boolean;
}

export interface CohortContext {
  readonly problems: ProblemList;
  readonly warnings: WarningList;
  readonly limits: PlanLimits;
  /** Undefined when ConceptSets itself is broken, so references cannot be checked. */
  readonly codesets: ReadonlyMap<number, CodesetInfo> | undefined;
  /** Criteria seen so far, nested and demographic ones included (limits.maxTotalCriteria). */
  criteria: number;
  /** Set once the total is reported, so it is reported once. */
  tooManyCriteria: boolean;
}

export function newContext(
  problems: ProblemList,
  warnings: WarningList,
  limits: PlanLimits,
  codesets: ReadonlyMap<number, CodesetInfo> | undefined,
): CohortContext {
  return { problems, warnings, limits, codesets, criteria: 0, tooManyCriteria: false };
}

/** Counts one criterion; false (and one problem) once the expression holds too many. */
export function countCriterion(ctx: CohortContext, path: string): boolean {
  ctx.criteria++;
  if (ctx.criteria <= ctx.limits.maxTotalCriteria) return true;
  if (!ctx.tooManyCriteria) {
    ctx.tooManyCriteria = true;
    ctx.problems.invalid(
      path,
      `the cohort has more than ${ctx.limits.maxTotalCriteria} criteria in all (nested and demographic ones included); ` +
        'split it or simplify it',
    );
  }
  return false;
}

/**
 * A reference to a concept set by id (CodesetId, a `*CS` selection, a source-concept codeset,
 * CustomEra.DrugCodesetId): a whole number naming one of ConceptSets. An empty set is legal Circe
 * but matches nothing, which is almost never meant: a warning.
 */
export function checkCodesetReference(value: unknown, path: string, ctx: CohortContext, name: string, role: string): void {
  const id = readInteger(value, path, ctx.problems, `${name} (${role})`);
  if (id === undefined || ctx.codesets === undefined) return;
  const info = ctx.codesets.get(id);
  if (info === undefined) {
    const ids = [...ctx.codesets.keys()].sort((a, b) => a - b);
    const known =
      ids.length === 0 ? 'there are no concept sets' : `known: ${listOf(ids.slice(0, 20))}${ids.length > 20 ? ', …' : ''}`;
    ctx.problems.invalid(path, `${name} ${id} does not match any ConceptSets[].id (${known})`);
    return;
  }
  if (info.empty) {
    const label = info.name ? ` ("${info.name}")` : '';
    ctx.warnings.add(
      path,
      `concept set ${id}${label} is empty (no items, or every item excluded), so ${name} here matches nothing`,
    );
  }
}
