/**
 * Per-concept record and person counts as a site releases them in concept search, concept details
 * and concept-set resolution. They are site data under the same rule as every other count
 * (src/disclosure/perturb.ts): the caller's profile decides; below k a count is withheld as an
 * interval, at or above k it is perturbed when the profile perturbs, exact under `exact`. Records
 * follow their persons (withheldWithRow), so a withheld person count is never undone by its records.
 *
 * Cell keys come from the persons (concept-releases.ts): a concept's counts are released exactly as
 * a cohort cell of the same persons is. A concept whose persons differ from a concept of lower id by
 * 1 … k−1 is widened when the policy keeps a history (see docs/concept-search.md).
 */
import { perturbCount, widen, withheldWithRow, type DisclosurePolicy, type Released } from '../disclosure/index.js';
import type { ConceptTruth } from './concept-releases.js';

/** One released count: the value (null when withheld or widened) and an interval that holds the truth. */
export interface ReleasedCount {
  value: number | null;
  lower: number;
  upper: number;
}

export interface ReleasedCounts {
  records: ReleasedCount;
  persons: ReleasedCount;
}

export const releasedCount = (r: { value: number | null; lower: number; upper: number }): ReleasedCount => ({
  value: r.value,
  lower: r.lower,
  upper: r.upper,
});

export function releaseConceptCounts(truth: ConceptTruth, policy: DisclosurePolicy): ReleasedCounts {
  let persons: Released = perturbCount({ trueValue: truth.persons, cellKey: truth.personKey }, policy);
  let records: Released =
    persons.action === 'withheld'
      ? withheldWithRow(persons, truth.records, policy)
      : perturbCount({ trueValue: truth.records, cellKey: truth.recordKey }, policy);
  if (truth.widened && policy.differencing && persons.action === 'perturbed') {
    persons = widen(persons, policy);
    if (records.action === 'perturbed') records = widen(records, policy);
  }
  return { records: releasedCount(records), persons: releasedCount(persons) };
}

/** The index's aggregate counts as a truth without keys: for policies that neither perturb nor remember. */
export const unkeyed = (counts: { records: number; persons: number }): ConceptTruth => ({
  ...counts,
  personKey: 0,
  recordKey: 0,
  widened: false,
});
