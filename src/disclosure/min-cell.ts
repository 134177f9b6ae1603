/**
 * Minimum cell count with secondary suppression. Runs at the site, on the aggregate rows, before
 * anything is encoded for sending.
 *
 * Primary: a count c with 1 <= c < k is withheld and released as the interval [1, k-1]. Zero is
 * released (an empty cell reveals nobody).
 * Secondary: a total is always obtainable (the `count` analysis), so a table with exactly one
 * withheld cell would give it away as total minus the rest. Then the smallest other non-zero cell is
 * withheld too, released as the interval an analyst could derive anyway from the pair's sum, which
 * never pins down either cell.
 */
import { MEASURES, type Measure, type ReleasedValue, type ResultRow } from '../arrow/result-schema.js';
import type { DisclosurePolicy } from './policy.js';

export interface RawCell {
  dims: ResultRow['dims'];
  counts: Record<Measure, number>;
}

const exact = (n: number): ReleasedValue => ({ value: n, lower: n, upper: n, suppressed: false });

function primary(n: number, k: number): ReleasedValue {
  if (n > 0 && n < k) return { value: null, lower: 1, upper: k - 1, suppressed: true };
  return exact(n);
}

function secondary(raw: number[], released: ReleasedValue[], k: number): void {
  const hidden = released.filter((r) => r.suppressed).length;
  if (hidden !== 1 || released.length < 2) return;
  let pick = -1;
  for (let i = 0; i < raw.length; i++) {
    if (released[i].suppressed || raw[i] === 0) continue;
    if (pick < 0 || raw[i] < raw[pick]) pick = i;
  }
  if (pick < 0) return; // every other cell is zero: the withheld one is only bounded by [1, k-1] anyway
  const hiddenIndex = released.findIndex((r) => r.suppressed);
  const pairSum = raw[pick] + raw[hiddenIndex];
  // What one can derive for the picked cell from the pair's sum and the other cell's interval.
  released[pick] = { value: null, lower: Math.max(k, pairSum - (k - 1)), upper: pairSum - 1, suppressed: true };
}

export function applyMinCellCount(cells: RawCell[], site: string, policy: DisclosurePolicy): ResultRow[] {
  const k = policy.minCellCount;
  const releasedByMeasure = {} as Record<Measure, ReleasedValue[]>;
  for (const m of MEASURES) {
    const raw = cells.map((c) => c.counts[m]);
    const released = raw.map((n) => primary(n, k));
    secondary(raw, released, k);
    releasedByMeasure[m] = released;
  }
  return cells.map((c, i) => ({
    site,
    dims: c.dims,
    measures: Object.fromEntries(MEASURES.map((m) => [m, releasedByMeasure[m][i]])) as Record<Measure, ReleasedValue>,
  }));
}
