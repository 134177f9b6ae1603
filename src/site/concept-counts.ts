/**
 * Per-concept record and person counts as a site releases them in concept search, concept details
 * and concept-set resolution. They are site data under the same rule as every other count
 * (src/disclosure/perturb.ts): the caller's profile (standard, or strict from the policy file)
 * decides; below k a count is withheld as an interval, at or above k it is perturbed when the
 * profile perturbs, exact under the `exact` profile. Records follow their persons
 * (withheldWithRow), so a withheld person count is never undone by its record count.
 *
 * Cell keys: the counts are fixed for a given database, so each concept (or resolved set) gets a
 * key derived from the site secret and its identity; asking again returns the same value. They are
 * not recorded in the release history (no person set is kept for them): see docs/concept-search.md.
 */
import { perturbCount, perturbs, withheldWithRow, type DisclosurePolicy } from '../disclosure/index.js';
import type { RecordKeys } from '../disclosure/record-keys.js';

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

/** Tag mixed into the key id so concept-count keys never coincide with person record keys. */
const CONCEPT_TAG = 0x636f6e63n << 32n; // "conc"

export function releaseCounts(
  truth: { records: number; persons: number },
  identity: number,
  policy: DisclosurePolicy,
  keys: () => RecordKeys,
): ReleasedCounts {
  let personKey = 0;
  let recordKey = 0;
  if (perturbs(policy)) {
    const words = keys().derive(
      BigInt64Array.of(CONCEPT_TAG ^ BigInt(identity >>> 0) ^ (BigInt(Math.floor(identity / 2 ** 32)) << 40n)),
    );
    personKey = words[0];
    recordKey = words[1];
  }
  const persons = perturbCount({ trueValue: truth.persons, cellKey: personKey }, policy);
  const records =
    persons.action === 'withheld'
      ? withheldWithRow(persons, truth.records, policy)
      : perturbCount({ trueValue: truth.records, cellKey: recordKey }, policy);
  const out = (r: { value: number | null; lower: number; upper: number }): ReleasedCount => ({
    value: r.value,
    lower: r.lower,
    upper: r.upper,
  });
  return { records: out(records), persons: out(persons) };
}

/** A stable 53-bit identity for a set of concept ids (order-free), for the set's cell key. */
export function setIdentity(ids: readonly number[]): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const id of [...ids].sort((a, b) => a - b)) {
    h1 = Math.imul(h1 ^ (id >>> 0), 0x01000193);
    h2 = Math.imul(h2 ^ Math.floor(id / 2 ** 32) ^ (id & 0xffff), 0x5bd1e995);
  }
  return (h1 >>> 0) + (h2 >>> 11) * 2 ** 32;
}
