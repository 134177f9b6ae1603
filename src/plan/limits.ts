/**
 * Size limits for plans. A plan is untrusted input that reaches every site, so these bound the
 * work validation and SQL compilation can be made to do, before any of it happens.
 */

export interface PlanLimits {
  /** Compact JSON (no whitespace) of the plan, in UTF-8 bytes; above it: ERR_PLAN_TOO_LARGE. */
  maxPlanBytes: number;
  /** Raw text handed to validatePlanText/parsePlan, before parsing (pretty-printed exports are larger). */
  maxPlanTextBytes: number;
  maxConceptSets: number;
  maxConceptSetItems: number;
  /** Criteria in PrimaryCriteria.CriteriaList, in CensoringCriteria, and in any one group's CriteriaList. */
  maxCriteria: number;
  /** Every criterion in the expression, nested ones and demographic criteria included. */
  maxTotalCriteria: number;
  maxInclusionRules: number;
  /** Groups inside groups, counting correlated criteria (a criterion's CorrelatedCriteria) as a level. */
  maxGroupDepth: number;
  /** Nested objects and arrays, the plan object itself being depth 1. */
  maxDepth: number;
  /** UTF-16 code units, for every string and object key. */
  maxStringLength: number;
  /** Problems reported per plan; a pathological plan would otherwise produce thousands. */
  maxProblems: number;
}

export const PLAN_LIMITS: Readonly<PlanLimits> = Object.freeze({
  // Sized for the largest published ATLAS definitions (the OHDSI Phenotype Library holds definitions
  // of several MiB, concept sets listing thousands of concepts with their names); bench/large-definition.ts
  // measures validate / hash / compile of an 8 MiB one. Bodies beyond maxPlanTextBytes are refused by
  // the services' HTTP layer (413 ERR_BODY_TOO_LARGE) before they are read.
  maxPlanBytes: 8 * 1024 * 1024,
  // Indented exports are larger than their compact JSON (2-space ATLAS exports of concept-heavy
  // definitions by about 1.6×): room for an 8 MiB definition as ATLAS writes it.
  maxPlanTextBytes: 16 * 1024 * 1024,
  maxConceptSets: 500,
  maxConceptSetItems: 50_000,
  maxCriteria: 50,
  maxTotalCriteria: 500,
  // Inclusion rules are bits of circe's inclusion_rule_mask, a BIGINT: 62 is the hard ceiling.
  maxInclusionRules: 50,
  maxGroupDepth: 8,
  maxDepth: 32,
  maxStringLength: 2_000,
  maxProblems: 100,
});

/**
 * Bounds on values rather than sizes. They keep every number a site binds into SQL inside the
 * range its column type holds (OMOP concept ids are 32-bit integers), so a plan cannot turn into
 * a database error instead of a validation message.
 */
export const VALUE_BOUNDS = Object.freeze({
  maxConceptId: 2_147_483_647,
  maxWindowDays: 100_000,
  maxAge: 200,
});

export function resolveLimits(overrides?: Partial<PlanLimits>): PlanLimits {
  const limits: PlanLimits = { ...PLAN_LIMITS };
  if (!overrides) return limits;
  for (const key of Object.keys(PLAN_LIMITS) as Array<keyof PlanLimits>) {
    const v = overrides[key];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) limits[key] = v;
  }
  return limits;
}
