/**
 * What a site releases, as named profiles a site (or a per-group policy file) picks from.
 *
 * - `standard` (default): min cell k = 5, consistent perturbation (cell key method) with noise bound
 *   D = 2 and variance V = 1, a per-user release history that widens differencing releases.
 * - `strict`: k = 10, D = 4, V = 3, differencing releases refused (422), lower rate limits.
 * - `exact`: the pre-perturbation rule (min cell with complementary / nested-difference suppression,
 *   exact values, no history). For tests that compare released values with hand-written SQL and for
 *   comparison; a site that must hold across questions does not run it.
 */
export type DifferencingMode = 'refuse' | 'widen';
export type ProfileName = 'standard' | 'strict' | 'exact';

export interface DisclosurePolicy {
  /** Smallest non-zero count released; 1..k-1 are withheld as the interval [1, k-1]. */
  minCellCount: number;
  /** Profile this policy came from (recorded in metadata and audit lines). */
  profile?: ProfileName | 'custom';
  /** Cell key perturbation: |noise| ≤ maxNoise (D), variance noiseVariance (V). D = 0: no perturbation. */
  maxNoise?: number;
  noiseVariance?: number;
  /** What a release whose person set differs from an earlier one by 1..k-1 persons gets; none: no history. */
  differencing?: DifferencingMode;
  /** Plans answered per user and window (previews counted apart); none: unlimited. */
  rateLimit?: { queries: number; windowSeconds: number };
  /** Distinct released person sets kept per user; past that the user waits for old ones to expire. */
  historyMaxSets?: number;
  /** How long a release stays in the history (days). */
  historyRetentionDays?: number;
}

export const STANDARD_POLICY: DisclosurePolicy = {
  profile: 'standard',
  minCellCount: 5,
  maxNoise: 2,
  noiseVariance: 1,
  differencing: 'widen',
  rateLimit: { queries: 600, windowSeconds: 3600 },
  historyMaxSets: 200_000,
  historyRetentionDays: 365,
};

export const STRICT_POLICY: DisclosurePolicy = {
  profile: 'strict',
  minCellCount: 10,
  maxNoise: 4,
  noiseVariance: 3,
  differencing: 'refuse',
  rateLimit: { queries: 120, windowSeconds: 3600 },
  historyMaxSets: 100_000,
  historyRetentionDays: 730,
};

export const EXACT_POLICY: DisclosurePolicy = { profile: 'exact', minCellCount: 5 };

export const PROFILES: Record<ProfileName, DisclosurePolicy> = {
  standard: STANDARD_POLICY,
  strict: STRICT_POLICY,
  exact: EXACT_POLICY,
};

export const DEFAULT_POLICY: DisclosurePolicy = STANDARD_POLICY;

/**
 * Below 3 the rule protects nothing: k = 2 withholds a 1 as the interval [1, 1], which is the value
 * (found by the property spec). Refuse such a configuration rather than run it silently.
 */
export const MIN_ALLOWED_CELL_COUNT = 3;

/** True when released counts are perturbed (cell key method) rather than exact. */
export function perturbs(policy: DisclosurePolicy): boolean {
  return (policy.maxNoise ?? 0) > 0;
}

/** `secondary`: complementary (tables that partition a total) or nested_difference (attrition steps). */
export function describePolicy(
  policy: DisclosurePolicy,
  secondary: 'complementary' | 'nested_difference' = 'complementary',
): string {
  if (!perturbs(policy)) return JSON.stringify({ rule: 'min_cell_count', k: policy.minCellCount, secondary });
  return JSON.stringify({
    rule: 'cell_key',
    profile: policy.profile ?? 'custom',
    k: policy.minCellCount,
    ptable: { D: policy.maxNoise, V: policy.noiseVariance, mean: 0, construction: 'max_entropy_v1' },
    differencing: policy.differencing ?? 'none',
    interval: 'true value within [max(k, value-D), value+D] when perturbed; [0, k-1] when withheld (zero included)',
  });
}

/**
 * The policy for a caller whom the site's policy file gives the `strict` profile: the strict
 * profile, but nothing the site itself set more strictly is relaxed (k, noise, rate limit).
 */
export function strictFor(site: DisclosurePolicy): DisclosurePolicy {
  const k = Math.max(site.minCellCount, STRICT_POLICY.minCellCount);
  // A site that runs exact (tests): exact stays exact, only k rises.
  if (!perturbs(site)) return { ...site, minCellCount: k };
  if (site.minCellCount >= STRICT_POLICY.minCellCount && (site.maxNoise ?? 0) >= (STRICT_POLICY.maxNoise ?? 0)) {
    return { ...site, differencing: 'refuse' };
  }
  const rate = [site.rateLimit, STRICT_POLICY.rateLimit].filter((r) => r !== undefined);
  return {
    ...STRICT_POLICY,
    minCellCount: k,
    rateLimit: rate.sort((a, b) => a.queries / a.windowSeconds - b.queries / b.windowSeconds)[0],
  };
}
