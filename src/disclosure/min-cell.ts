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

/**
 * What an analyst derives for each withheld cell from the withheld cells' sum (table total minus
 * the exact cells) and what each is known to be (primary: 1..k-1; secondary: ≥ k).
 */
function feasible(raw: number[], hidden: number[], isPrimary: (i: number) => boolean, k: number): Array<[number, number]> {
  const sum = hidden.reduce((s, i) => s + raw[i], 0);
  const lo = hidden.map((i) => (isPrimary(i) ? 1 : k));
  const hi = hidden.map((i) => (isPrimary(i) ? k - 1 : Infinity));
  const sumLo = lo.reduce((a, b) => a + b, 0);
  return hidden.map((_, j) => {
    const othersHi = hi.reduce((a, b, x) => (x === j ? a : a + b), 0);
    return [Math.max(lo[j], sum - othersHi), Math.min(hi[j], sum - (sumLo - lo[j]))];
  });
}

/**
 * Complementary suppression: while any withheld cell would be pinned (its derivable interval has
 * width 0 — e.g. a lone withheld cell, or [1, 5] with k = 5 where the 5 must be 5 and the 1 must be
 * 1), the smallest other non-zero cell is withheld too. Secondary cells are released as their
 * derivable interval, which holds the truth and, by construction, is never a single value.
 */
function secondary(raw: number[], released: ReleasedValue[], k: number): void {
  const primary = new Set(released.flatMap((r, i) => (r.suppressed ? [i] : [])));
  if (primary.size === 0 || released.length < 2) return;
  const hidden = [...primary];
  for (;;) {
    const bounds = feasible(raw, hidden, (i) => primary.has(i), k);
    const pinned = bounds.some(([l, u]) => u <= l);
    if (!pinned) {
      hidden.forEach((i, j) => {
        if (!primary.has(i)) released[i] = { value: null, lower: bounds[j][0], upper: bounds[j][1], suppressed: true };
      });
      return;
    }
    let pick = -1;
    for (let i = 0; i < raw.length; i++) {
      if (hidden.includes(i) || raw[i] === 0) continue;
      if (pick < 0 || raw[i] < raw[pick]) pick = i;
    }
    if (pick < 0) {
      // Everything non-zero is withheld already: the cells stay bounded by what each is known to be.
      hidden.forEach((i) => {
        if (!primary.has(i)) released[i] = { value: null, lower: k, upper: Math.max(k + 1, raw[i] + k), suppressed: true };
      });
      return;
    }
    hidden.push(pick);
  }
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
