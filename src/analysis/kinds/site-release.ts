/**
 * The one way the variable kinds release a count at a site: the same cell key perturbation seam as
 * every count (src/disclosure/perturb.ts), with the cell key summed from the persons' record keys.
 */
import type { ReleasedValue } from '../../arrow/result-schema.js';
import { perturbCount, widen, type DisclosurePolicy } from '../../disclosure/index.js';
import { FedomopError } from '../../errors.js';
import { THIS_ROUND, type ReleaseLedger } from './release-ledger.js';
import type { PersonSet } from '../../disclosure/person-set.js';
import { cellKey, type PersonTable } from './person-table.js';
import type { CaseCounts } from './rounds.js';

export function releaseCount(count: number, key: number, policy: DisclosurePolicy): ReleasedValue {
  const r = perturbCount({ trueValue: count, cellKey: key }, policy);
  return { value: r.value, lower: r.lower, upper: r.upper, suppressed: r.suppressed };
}

/**
 * The count of the persons at `indices`. In a round with a ledger (a policy with a history), a set
 * differing from an earlier release by 1 … k−1 persons is widened, or the round refused (422).
 */
export function releaseSet(t: PersonTable, indices: ArrayLike<number>, policy: DisclosurePolicy, cell?: string): ReleasedValue {
  return releaseCounted(t, indices.length, cellKey(t, Array.from(indices)), (l, w) => l.setOf(w, indices), policy, cell);
}

/**
 * A count whose value and cell key are already summed (e.g. a Kaplan–Meier bin's), its person set
 * built only when the round has a ledger: perturbed, then checked and recorded as releaseSet does.
 * `cell` names the count in the history (the steward reads it); a conflict within the round is
 * widened, one with an earlier release widened or refused by the policy.
 */
export function releaseCounted(
  t: PersonTable,
  count: number,
  key: number,
  set: (ledger: ReleaseLedger, words: Uint32Array) => PersonSet,
  policy: DisclosurePolicy,
  cell?: string,
): ReleasedValue {
  const value = releaseCount(count, key, policy);
  const ledger = t.ledger;
  if (!ledger || !policy.differencing || !t.words || value.value === null) return value;
  const conflict = ledger.check(set(ledger, t.words), cell);
  if (!conflict) return value;
  if (policy.differencing === 'refuse' && conflict.planHash !== THIS_ROUND)
    throw new FedomopError(
      'ERR_DISCLOSURE_DIFFERENCE',
      `a count of this round would differ from cell ${conflict.cell} of your earlier query ${conflict.planHash} by fewer than ${policy.minCellCount} persons; this site refuses such releases`,
      { earlierPlanHash: conflict.planHash, earlierCell: conflict.cell, cell: cell ?? 'round' },
      { cause: conflict },
    );
  const w = widen({ ...value, action: 'perturbed' }, policy);
  return { value: w.value, lower: w.lower, upper: w.upper, suppressed: w.suppressed };
}

/** Persons, complete cases and rows dropped for a missing value, each released as a count. */
export function caseCounts(t: PersonTable, complete: Int32Array, policy: DisclosurePolicy): CaseCounts {
  const all = Array.from({ length: t.size }, (_, i) => i);
  const kept = new Uint8Array(t.size);
  for (const i of complete) kept[i] = 1;
  return {
    persons: releaseSet(t, all, policy, 'persons'),
    complete: releaseSet(t, complete, policy, 'complete'),
    dropped: releaseSet(
      t,
      all.filter((i) => kept[i] === 0),
      policy,
      'dropped',
    ),
  };
}
