/** What a site releases. Defaults follow DataSHIELD/vantage6 practice (see DESIGN.md). */
export interface DisclosurePolicy {
  /** Smallest non-zero count released as an exact value; 1..k-1 become the interval [1, k-1]. */
  minCellCount: number;
}

export const DEFAULT_POLICY: DisclosurePolicy = { minCellCount: 5 };
export const STRICT_POLICY: DisclosurePolicy = { minCellCount: 10 };

/** Below 2 the rule suppresses nothing; refuse such a configuration rather than run it silently. */
export const MIN_ALLOWED_CELL_COUNT = 2;

/** `secondary`: complementary (tables that partition a total) or nested_difference (attrition steps). */
export function describePolicy(
  policy: DisclosurePolicy,
  secondary: 'complementary' | 'nested_difference' = 'complementary',
): string {
  return JSON.stringify({ rule: 'min_cell_count', k: policy.minCellCount, secondary });
}
