/**
 * The cell key method: one function turns a true count and its cell key into what is released.
 * Every released count goes through `perturbCount` — persons and events, crosstab cells, attrition
 * steps, counts, and later histogram bins or Kaplan–Meier at-risk counts: build the cell with
 * CellAccumulator (person-set.ts), then call this.
 *
 *   0 .. k-1   → withheld: value null, interval [0, k-1]
 *   ≥ k        → n + noise(n, cell key) from the ptable, interval [max(k, r - D), r + D]
 *
 * Zero is withheld with the small counts: were it released exactly, a withheld cell would be known
 * to hold at least one person, and four withheld cells under a withheld margin of [1, 4] would then
 * each be pinned to 1 (the attack test found exactly that). Without perturbation (D = 0, the exact
 * profile) zero stays exact and 1..k-1 become [1, k-1], the pre-perturbation rule.
 *
 * The interval is honest (holds n, since |noise| ≤ D and n ≥ k) and released values are never in
 * 1..k-1 (the ptable's rows near k only move upwards). Same persons → same cell key → same value.
 */
import type { ReleasedValue } from '../arrow/result-schema.js';
import type { DisclosurePolicy } from './policy.js';
import { noiseFor, ptableFor } from './ptable.js';

export type CellAction = 'exact' | 'perturbed' | 'withheld' | 'widened';

export interface Released extends ReleasedValue {
  action: CellAction;
}

export function perturbCount(cell: { trueValue: number; cellKey: number }, policy: DisclosurePolicy): Released {
  const k = policy.minCellCount;
  const n = cell.trueValue;
  const D = policy.maxNoise ?? 0;
  if (n < k && D > 0) return withheld(k, 0);
  if (n === 0) return { value: 0, lower: 0, upper: 0, suppressed: false, action: 'exact' };
  if (n < k) return withheld(k);
  if (D === 0) return { value: n, lower: n, upper: n, suppressed: false, action: 'exact' };
  const table = ptableFor({ k, D, V: policy.noiseVariance ?? 0 });
  const r = n + noiseFor(table, n, cell.cellKey);
  return { value: r, lower: Math.max(k, r - D), upper: r + D, suppressed: false, action: 'perturbed' };
}

export function withheld(k: number, lower: 0 | 1 = 1): Released {
  return { value: null, lower, upper: k - 1, suppressed: true, action: 'withheld' };
}

/**
 * A released value turned into a wider interval, for a release that differs from an earlier one by
 * fewer than k persons: k - 1 more on each side, so the difference of the two is not pinned.
 */
export function widen(r: Released, policy: DisclosurePolicy): Released {
  const k = policy.minCellCount;
  if (r.value === null || r.value === 0) return r;
  return { value: null, lower: Math.max(k, r.lower - (k - 1)), upper: r.upper + (k - 1), suppressed: true, action: 'widened' };
}

/**
 * Another measure of a row whose persons are withheld (e.g. its events): withheld too, as an
 * interval that pins neither it nor the persons. Below k: [1, k-1]; else [k, U] with U the first
 * multiple of 10k at or above the (perturbed) value plus k, so U reveals only a band of 10k values.
 */
export function withheldWithRow(other: Released, trueValue: number, policy: DisclosurePolicy): Released {
  const k = policy.minCellCount;
  if (trueValue === 0 || other.action === 'withheld') return other;
  if (trueValue < k) return withheld(k);
  const top = (other.upper ?? trueValue) + k;
  const upper = Math.ceil(top / (10 * k)) * 10 * k;
  return { value: null, lower: k, upper, suppressed: true, action: 'withheld' };
}
