/**
 * Disclosure control for attrition rows (nested counts, each step a subset of the one before).
 * The min-cell rule alone is not enough there: two exact neighbouring steps give away how many
 * people a rule removed, and that difference is itself a count about people. So a step is released
 * exactly only when it is 0 or ≥ k AND it differs from the last exactly released step by 0 or ≥ k.
 * Otherwise it is released as the interval anyone could derive from public facts (k and the last
 * exact step): [1, k-1] for a small count, else [last − (k−1), last − 1]. Each interval holds the
 * truth and pins neither the step nor the loss.
 */
import { MEASURES, type Measure, type ReleasedValue, type ResultRow } from '../arrow/result-schema.js';
import type { RawCell } from './min-cell.js';
import type { DisclosurePolicy } from './policy.js';

function releaseSeries(raw: number[], k: number): ReleasedValue[] {
  let lastExact: number | undefined;
  return raw.map((n) => {
    const small = n > 0 && n < k;
    const loss = lastExact === undefined ? 0 : lastExact - n;
    const smallLoss = loss > 0 && loss < k;
    if (!small && !smallLoss) {
      lastExact = n;
      return { value: n, lower: n, upper: n, suppressed: false };
    }
    if (small) return { value: null, lower: 1, upper: k - 1, suppressed: true };
    const last = lastExact as number;
    return { value: null, lower: Math.max(k, last - (k - 1)), upper: last - 1, suppressed: true };
  });
}

/** Cells must be in step order (rule_index 0, 1, ...). */
export function applyAttritionControl(cells: RawCell[], site: string, policy: DisclosurePolicy): ResultRow[] {
  const k = policy.minCellCount;
  const released = {} as Record<Measure, ReleasedValue[]>;
  for (const m of MEASURES)
    released[m] = releaseSeries(
      cells.map((c) => c.counts[m]),
      k,
    );
  return cells.map((c, i) => ({
    site,
    dims: c.dims,
    measures: Object.fromEntries(MEASURES.map((m) => [m, released[m][i]])) as Record<Measure, ReleasedValue>,
  }));
}
