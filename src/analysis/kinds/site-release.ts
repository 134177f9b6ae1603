/**
 * The one way the variable kinds release a count at a site: the same cell key perturbation seam as
 * every count (src/disclosure/perturb.ts), with the cell key summed from the persons' record keys.
 */
import type { ReleasedValue } from '../../arrow/result-schema.js';
import { perturbCount, type DisclosurePolicy } from '../../disclosure/index.js';
import { cellKey, type PersonTable } from './person-table.js';
import type { CaseCounts } from './rounds.js';

export function releaseCount(count: number, key: number, policy: DisclosurePolicy): ReleasedValue {
  const r = perturbCount({ trueValue: count, cellKey: key }, policy);
  return { value: r.value, lower: r.lower, upper: r.upper, suppressed: r.suppressed };
}

export function releaseSet(t: PersonTable, indices: ArrayLike<number>, policy: DisclosurePolicy): ReleasedValue {
  return releaseCount(indices.length, cellKey(t, Array.from(indices)), policy);
}

/** Persons, complete cases and rows dropped for a missing value, each released as a count. */
export function caseCounts(t: PersonTable, complete: Int32Array, policy: DisclosurePolicy): CaseCounts {
  const all = cellKey(
    t,
    Array.from({ length: t.size }, (_, i) => i),
  );
  const kept = cellKey(t, complete);
  return {
    persons: releaseCount(t.size, all, policy),
    complete: releaseCount(complete.length, kept, policy),
    dropped: releaseCount(t.size - complete.length, (all - kept) >>> 0, policy),
  };
}
